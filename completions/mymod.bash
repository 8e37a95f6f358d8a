# bash completion for mymod(1)
# shellcheck shell=bash disable=SC2207 # COMPREPLY=($(compgen ...)): compgen prints one word a line
#
# Commands, options, output columns and --format values are read from
# mymod's own --help at completion time, so the completion cannot drift
# from the code.

# _mymod_help BIN [CMD]: the help text of mymod or of one command.
_mymod_help()
{
    "$1" ${2:+"$2"} --help 2>/dev/null
}

# The option part of each option line of the help text on stdin ("-k, --kernel=KVER").
_mymod_option_lines()
{
    sed -n 's/^ \{1,\}\(-[^ ].*\)$/\1/p' | sed 's/  .*//'
}

# The option spellings of the help text on stdin: every -x and --long of an
# option line, "--long=" for one that takes a value.
_mymod_parse_options()
{
    _mymod_option_lines | grep -oE -- '(^|[ ,])--?[A-Za-z0-9][A-Za-z0-9-]*=?' | tr -d ' ,'
}

# Every -x and --long of the help text on stdin that takes a value.
_mymod_parse_value_options()
{
    _mymod_option_lines | grep -- = | grep -oE -- '(^|[ ,])--?[A-Za-z0-9][A-Za-z0-9-]*' | tr -d ' ,'
}

# Commands of `mymod --help`: the indented words after "Commands:".
_mymod_parse_commands()
{
    sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'
}

# Output columns of a command's help, after "Available output columns:".
_mymod_parse_columns()
{
    sed -n '/^Available output columns:/,/^$/s/^  \([A-Z][A-Z_-]*\) .*/\1/p'
}

# The values of --format from its description on stdin, as in
# "--format=FORMAT  tree (default), dot, or list (list: the files)":
# the first word of each comma-separated item, notes in parentheses left out.
_mymod_parse_formats()
{
    local line desc='' in=''
    while IFS= read -r line; do
        if [[ $line =~ ^\ +(-[A-Za-z0-9],\ +)?--format=[A-Z]+\ +(.*)$ ]]; then
            desc=${BASH_REMATCH[2]} in=1
        elif [[ -n $in && $line =~ ^\ {8,}([^ -].*)$ ]]; then
            desc+=" ${BASH_REMATCH[1]}"
        else
            in=
        fi
    done
    while [[ $desc == *'('*')'* ]]; do
        desc=${desc%%'('*}${desc#*')'}
    done
    desc=${desc//, or /,}
    local IFS=, item
    for item in $desc; do
        item=${item#"${item%%[! ]*}"}
        printf '%s\n' "${item%% *}"
    done
}

# words, cword: the words of the line up to the cursor as they were typed.
# bash splits "--kernel=KVER" into "--kernel", "=" and "KVER" ('=' is in
# COMP_WORDBREAKS); join them again, unless a blank separates them.
_mymod_words()
{
    local line=${COMP_LINE:0:COMP_POINT} w i sep
    words=()
    for ((i = 0; i <= COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        sep=
        [[ $line == [[:blank:]]* ]] && sep=1
        line=${line#"${line%%[![:blank:]]*}"}
        line=${line#"$w"}
        if ((i > 0)) && [[ -z $sep && ($w == = || ${words[-1]} == *=) ]]; then
            words[-1]+=$w
        else
            words+=("$w")
        fi
    done
    cword=$((${#words[@]} - 1))
}

# _mymod_option_value SHORT LONG: the value of the last -S VALUE, -SVALUE,
# --LONG VALUE or --LONG=VALUE in words.
_mymod_option_value()
{
    local i val=''
    for ((i = 1; i < cword; i++)); do
        case ${words[i]} in
        "$1" | "$2") val=${words[i + 1]} ;;
        "$2"=*) val=${words[i]#*=} ;;
        "$1"?*) val=${words[i]#"$1"} ;;
        esac
    done
    printf '%s\n' "$val"
}

# The directory -b/--basedir points at ("" for /).
_mymod_basedir()
{
    _mymod_option_value -b --basedir
}

# The module directory the command line points at (-k, -b), else the running kernel's.
_mymod_moddir()
{
    local kver
    kver=$(_mymod_option_value -k --kernel)
    [ -n "$kver" ] || kver=$(cat "${MYMOD_SYSROOT:-}/proc/sys/kernel/osrelease" 2>/dev/null)
    printf '%s/lib/modules/%s\n' "$(_mymod_basedir)" "$kver"
}

# Kernel releases with a module directory under the chosen base directory.
_mymod_releases()
{
    local d
    for d in "$(_mymod_basedir)"/lib/modules/*/; do
        [ -d "$d" ] && d=${d%/} && printf '%s\n' "${d##*/}"
    done
}

# Module names of the module directory (from modules.dep).
_mymod_module_names()
{
    local dep
    dep="$(_mymod_moddir)/modules.dep"
    [ -r "$dep" ] || return 0
    sed -e 's/:.*//' -e 's|.*/||' -e 's/\.ko\(\.[a-z]*\)\{0,1\}$//' "$dep"
}

# Names of the modules loaded now (MYMOD_SYSROOT as mymod itself uses it).
_mymod_loaded_names()
{
    local f="${MYMOD_SYSROOT:-}/proc/modules"
    [ -r "$f" ] && cut -d' ' -f1 "$f"
}

# _mymod_value BIN CMD OPTION VALUE: complete the value of OPTION; false
# when OPTION takes no value.
_mymod_value()
{
    local bin=$1 cmd=$2 opt=$3 cur=$4
    case $opt in
    -k | --kernel)
        COMPREPLY=($(compgen -W "$(_mymod_releases)" -- "$cur"))
        ;;
    -b | --basedir | -m | --moduledir | --outdir)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur"))
        ;;
    -C | --config | -E | --symvers | -F | --filesyms | --file)
        # depmod's configuration, Module.symvers, System.map: files.
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        ;;
    -o | --output)
        if [ "$cmd" = depmod ]; then # depmod's -o is --outdir
            compopt -o filenames 2>/dev/null
            COMPREPLY=($(compgen -d -- "$cur"))
            return 0
        fi
        # A comma-separated list, which may start with '+'.
        local cols prefix=${cur%"${cur##*[,+]}"}
        cols=$(_mymod_help "$bin" "$cmd" | _mymod_parse_columns)
        COMPREPLY=($(compgen -P "$prefix" -W "$cols" -- "${cur##*[,+]}"))
        compopt -o nospace 2>/dev/null
        ;;
    --sort)
        COMPREPLY=($(compgen -W "$(_mymod_help "$bin" "$cmd" | _mymod_parse_columns)" -- "$cur"))
        ;;
    --format)
        COMPREPLY=($(compgen -W "$(_mymod_help "$bin" "$cmd" | _mymod_parse_formats)" -- "$cur"))
        ;;
    *)
        # Another option that takes a value (-F FIELD, -t SECONDS): nothing to offer.
        _mymod_help "$bin" "$cmd" | _mymod_parse_value_options | grep -qxF -- "$opt" || return 1
        ;;
    esac
    return 0
}

_mymod()
{
    local words cword cur prev='' bin cmd='' i w
    local IFS=$'\n' # candidates are one a line: file names may hold blanks
    COMPREPLY=()
    _mymod_words
    bin=${words[0]} cur=${words[cword]}
    ((cword > 0)) && prev=${words[cword - 1]}

    # The command is the first word that is not a global option or its value.
    for ((i = 1; i < cword; i++)); do
        w=${words[i]}
        case $w in
        -k | --kernel | -b | --basedir) ((i++)) ;;
        -*) ;;
        *)
            cmd=$w
            break
            ;;
        esac
    done

    # --opt=VALUE: bash replaces only what follows the '='.
    if [[ $cur == --*=* ]]; then
        _mymod_value "$bin" "$cmd" "${cur%%=*}" "${cur#*=}"
        return
    fi
    if [[ $prev == -* && $prev != *=* ]] && _mymod_value "$bin" "$cmd" "$prev" "$cur"; then
        return
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_mymod_help "$bin" "$cmd" | _mymod_parse_options)" -- "$cur"))
        # "--format=": let the value follow without a space.
        [[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
        return
    fi

    case $cmd in
    '' | help)
        COMPREPLY=($(compgen -W "$(_mymod_help "$bin" | _mymod_parse_commands)" -- "$cur"))
        ;;
    unload | sections | symbols | log)
        COMPREPLY=($(compgen -W "$(_mymod_loaded_names)" -- "$cur"))
        ;;
    info | deps | load | check)
        # Module names, unless it is a path; then directories and module files.
        compopt -o filenames 2>/dev/null
        [[ $cur == */* || $cur == .* || $cur == ~* ]] ||
            COMPREPLY=($(compgen -W "$(_mymod_module_names)" -- "$cur"))
        COMPREPLY+=($(compgen -d -- "$cur") $(compgen -f -X '!*.ko*' -- "$cur"))
        ;;
    *)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -f -- "$cur"))
        ;;
    esac
}

complete -F _mymod mymod

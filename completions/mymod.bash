# bash completion for mymod(1)
#
# Commands, options and output columns are read from mymod's own --help at
# completion time, so the completion cannot drift from the code.

# _mymod_help BIN [CMD]: the help text of mymod or of one command.
_mymod_help()
{
    "$1" ${2:+"$2"} --help 2>/dev/null
}

# Options of the help text on stdin: every -x and --long of an option line.
_mymod_parse_options()
{
    sed -n 's/^ \{1,\}\(-[^ ].*\)$/\1/p' | sed 's/  .*//' |
        grep -oE -- '(^|[ ,])--?[A-Za-z0-9][A-Za-z0-9-]*' | tr -d ' ,'
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

# The module directory the command line points at (-k, -b), else the running kernel's.
_mymod_moddir()
{
    local kver basedir i
    kver=$(uname -r)
    basedir=
    for ((i = 1; i < COMP_CWORD; i++)); do
        case ${COMP_WORDS[i]} in
        -k | --kernel) kver=${COMP_WORDS[i + 1]} ;;
        --kernel=*) kver=${COMP_WORDS[i]#*=} ;;
        -b | --basedir) basedir=${COMP_WORDS[i + 1]} ;;
        --basedir=*) basedir=${COMP_WORDS[i]#*=} ;;
        esac
    done
    printf '%s/lib/modules/%s\n' "$basedir" "$kver"
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

_mymod()
{
    local bin=${COMP_WORDS[0]} cur=${COMP_WORDS[COMP_CWORD]} prev= cmd= i w
    COMPREPLY=()
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}

    # The command is the first word that is not an option or an option's value.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        case $w in
        -k | --kernel | -b | --basedir) ((i++)) ;;
        -*) ;;
        *)
            cmd=$w
            break
            ;;
        esac
    done

    case $prev in
    -k | --kernel)
        COMPREPLY=($(compgen -W "$(ls /lib/modules 2>/dev/null)" -- "$cur"))
        return
        ;;
    -b | --basedir)
        COMPREPLY=($(compgen -d -- "$cur"))
        return
        ;;
    -o | --output)
        local cols prefix=
        cols=$(_mymod_help "$bin" "$cmd" | _mymod_parse_columns)
        [[ $cur == *,* ]] && prefix=${cur%,*},
        COMPREPLY=($(compgen -P "$prefix" -W "$cols" -- "${cur##*,}"))
        compopt -o nospace 2>/dev/null
        return
        ;;
    esac

    if [ -z "$cmd" ]; then
        if [[ $cur == -* ]]; then
            COMPREPLY=($(compgen -W "$(_mymod_help "$bin" | _mymod_parse_options)" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_mymod_help "$bin" | _mymod_parse_commands)" -- "$cur"))
        fi
        return
    fi

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_mymod_help "$bin" "$cmd" | _mymod_parse_options)" -- "$cur"))
        return
    fi

    case $cmd in
    help)
        COMPREPLY=($(compgen -W "$(_mymod_help "$bin" | _mymod_parse_commands)" -- "$cur"))
        ;;
    unload)
        COMPREPLY=($(compgen -W "$(_mymod_loaded_names)" -- "$cur"))
        ;;
    info | deps | load | check)
        if [[ $cur == */* || $cur == .* || $cur == ~* ]]; then
            COMPREPLY=($(compgen -f -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_mymod_module_names)" -- "$cur") $(compgen -f -X '!*.ko*' -- "$cur"))
        fi
        ;;
    *)
        COMPREPLY=($(compgen -f -- "$cur"))
        ;;
    esac
}

complete -F _mymod mymod

# bash completion for mymod behind kmod's names (mymod-kmod-names(1)):
# modprobe, insmod, rmmod, lsmod, modinfo, depmod, kmod. Installed under
# each name with -Dkmod-names=true.
# shellcheck shell=bash disable=SC2207 # COMPREPLY=($(compgen ...)): compgen prints one word a line
#
# The options are read from the name's own --help at completion time (kmod's
# format: a tab, then "-x, --long=VALUE"), so they cannot drift from the code.

# Every -x and --long of TOOL [SUBCOMMAND] --help, "--long=" for one that takes a value.
_mymod_kmod_options()
{
    "$@" --help 2>/dev/null | sed -n 's/^\t\{1,\}\(-[^ \t].*\)$/\1/p' | sed 's/  .*//' |
        grep -oE -- '(^|[ ,])--?[A-Za-z0-9][A-Za-z0-9-]*=?' | tr -d ' ,'
}

# The release the command line names (-S, -k, --set-version), else the running kernel's.
_mymod_kmod_release()
{
    local i
    for ((i = 1; i < COMP_CWORD - 1; i++)); do
        case ${COMP_WORDS[i]} in
        -S | -k | --set-version)
            [[ ${COMP_WORDS[i + 1]} == = ]] && ((i++))
            echo "${COMP_WORDS[i + 1]}"
            return
            ;;
        esac
    done
    uname -r
}

# The modules of the module directory of that release, '_' form.
_mymod_kmod_modules()
{
    local dir
    dir=/lib/modules/$(_mymod_kmod_release)
    [[ -r $dir/modules.dep ]] || return
    sed -E 's|:.*||; s|.*/||; s|\.ko(\.[a-z]+)?$||; s|-|_|g' "$dir/modules.dep"
}

# The kernel releases of /lib/modules.
_mymod_kmod_releases()
{
    local d
    for d in /lib/modules/*/; do
        [[ -d $d ]] && d=${d%/} && echo "${d##*/}"
    done
}

# The value of option PREV of TOOL, if it takes one: 0 when completed.
_mymod_kmod_value()
{
    local tool=$1 prev=$2 cur=$3
    case $tool:$prev in
    modprobe:-S | modprobe:--set-version | modinfo:-k | modinfo:--set-version)
        COMPREPLY=($(compgen -W "$(_mymod_kmod_releases)" -- "$cur")) ;;
    modprobe:-C | modprobe:--config | depmod:-C | depmod:--config | depmod:-E | depmod:--symvers | \
        depmod:-F | depmod:--filesyms | kmod:-o | kmod:--output)
        COMPREPLY=($(compgen -f -- "$cur")) ;;
    modprobe:-d | modprobe:--dirname | modinfo:-b | modinfo:--basedir | depmod:-b | \
        depmod:--basedir | depmod:-m | depmod:--moduledir | depmod:-o | depmod:--outdir)
        COMPREPLY=($(compgen -d -- "$cur")) ;;
    modinfo:-F | modinfo:--field)
        COMPREPLY=($(compgen -W "alias author depends description filename firmware import_ns
            intree license name parm retpoline sig_hashalgo sig_id signature signer sig_key
            softdep srcversion vermagic version" -- "$cur")) ;;
    kmod:-f | kmod:--format)
        COMPREPLY=($(compgen -W "human tmpfiles devname" -- "$cur")) ;;
    modprobe:-w | modprobe:--wait | depmod:-P | depmod:--symbol-prefix) ;;
    *) return 1 ;;
    esac
    return 0
}

_mymod_kmod_names()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]} tool=${1##*/}
    COMPREPLY=()
    # bash splits --long=VALUE at the '=': the option is the word before it.
    [[ $cur == = ]] && prev=${COMP_WORDS[COMP_CWORD - 1]} cur=
    [[ $prev == = ]] && prev=${COMP_WORDS[COMP_CWORD - 2]}
    if [[ $cur == -* ]]; then
        if [[ $tool == kmod ]]; then
            COMPREPLY=($(compgen -W "$(_mymod_kmod_options "$1" ${COMP_WORDS[1]:+"${COMP_WORDS[1]}"})" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_mymod_kmod_options "$1")" -- "$cur"))
        fi
        [[ ${#COMPREPLY[@]} == 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace
        return
    fi
    _mymod_kmod_value "$tool" "$prev" "$cur" && return
    case $tool in
    modprobe)
        if [[ " ${COMP_WORDS[*]} " == *" -r "* || " ${COMP_WORDS[*]} " == *" --remove "* ]]; then
            COMPREPLY=($(compgen -W "$(cut -d' ' -f1 /proc/modules 2>/dev/null)" -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_mymod_kmod_modules)" -- "$cur"))
        fi
        ;;
    rmmod) COMPREPLY=($(compgen -W "$(cut -d' ' -f1 /proc/modules 2>/dev/null)" -- "$cur")) ;;
    insmod) COMPREPLY=($(compgen -f -- "$cur")) ;;
    modinfo)
        if [[ $cur == */* ]]; then
            COMPREPLY=($(compgen -f -- "$cur"))
        else
            COMPREPLY=($(compgen -W "$(_mymod_kmod_modules)" -- "$cur"))
        fi
        ;;
    depmod) COMPREPLY=($(compgen -W "$(_mymod_kmod_releases)" -- "$cur")) ;;
    kmod)
        if ((COMP_CWORD == 1)); then
            COMPREPLY=($(compgen -W "help list static-nodes" -- "$cur"))
        fi
        ;;
    esac
}
complete -F _mymod_kmod_names modprobe insmod rmmod lsmod modinfo depmod kmod

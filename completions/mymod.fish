# fish completion for mymod(1). Commands, options and output columns are read
# from mymod's own --help at completion time, so they cannot drift.

function __mymod_command
    set -l toks (commandline -opc)
    set -l skip 0
    for t in $toks[2..-1]
        if test $skip = 1
            set skip 0
            continue
        end
        switch $t
            case -k --kernel -b --basedir
                set skip 1
            case '-*'
            case '*'
                echo $t
                return 0
        end
    end
    return 1
end

function __mymod_bin
    set -l toks (commandline -opc)
    command -q $toks[1]; and echo $toks[1]
end

function __mymod_options
    set -l bin (__mymod_bin); or return
    set -l cmd (__mymod_command)
    $bin $cmd --help 2>/dev/null | string match -r '^\s+-\S.*' | string trim -l | while read -l line
        set -l parts (string split -m1 '  ' -- $line)
        set -l desc (string trim -- $parts[2])
        for o in (string split ', ' -- $parts[1])
            printf '%s\t%s\n' (string replace -r '[=\[ ].*' '' -- $o) $desc
        end
    end
end

function __mymod_commands
    set -l bin (__mymod_bin); or return
    $bin --help 2>/dev/null | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z-]*\) *\(.*\)/\1\t\2/p'
end

function __mymod_moddir
    set -l kver (cat "$MYMOD_SYSROOT/proc/sys/kernel/osrelease" 2>/dev/null)
    set -l basedir ''
    set -l toks (commandline -opc)
    for i in (seq 2 (count $toks))
        switch $toks[$i]
            case -k --kernel
                set kver $toks[(math $i + 1)]
            case '--kernel=*'
                set kver (string replace -- '--kernel=' '' $toks[$i])
            case -b --basedir
                set basedir $toks[(math $i + 1)]
            case '--basedir=*'
                set basedir (string replace -- '--basedir=' '' $toks[$i])
        end
    end
    echo "$basedir/lib/modules/$kver"
end

function __mymod_module_names
    set -l dep (__mymod_moddir)/modules.dep
    test -r $dep; and sed -e 's/:.*//' -e 's|.*/||' -e 's/\.ko\(\.[a-z]*\)\{0,1\}$//' $dep
end

function __mymod_loaded_names
    set -l f "$MYMOD_SYSROOT/proc/modules"
    test -r $f; and string split -f1 ' ' < $f
end

function __mymod_columns
    set -l bin (__mymod_bin); or return
    $bin (__mymod_command) --help 2>/dev/null | sed -n '/^Available output columns:/,/^$/s/^  \([A-Z][A-Z_-]*\) .*/\1/p'
end

complete -c mymod -f
complete -c mymod -n 'not __mymod_command' -a '(__mymod_commands)'
complete -c mymod -n 'string match -q -- "-*" (commandline -ct)' -a '(__mymod_options)'
complete -c mymod -n '__fish_seen_subcommand_from help' -a '(__mymod_commands)'
complete -c mymod -n '__fish_seen_subcommand_from unload sections symbols log' -a '(__mymod_loaded_names)'
complete -c mymod -n '__fish_seen_subcommand_from sections symbols; and __fish_prev_arg_in --file' -F
complete -c mymod -n '__fish_seen_subcommand_from info deps load check' -a '(__mymod_module_names)'
complete -c mymod -n '__fish_seen_subcommand_from info deps load check' -F
complete -c mymod -n '__fish_prev_arg_in -k --kernel' -a '(ls /lib/modules 2>/dev/null)'
complete -c mymod -n 'not __fish_seen_subcommand_from depmod; and __fish_prev_arg_in -o --output --sort' -a '(__mymod_columns)'
complete -c mymod -n '__fish_prev_arg_in -b --basedir -m --moduledir --outdir; or begin; __fish_seen_subcommand_from depmod; and __fish_prev_arg_in -o; end' -a '(__fish_complete_directories)'
complete -c mymod -n '__fish_prev_arg_in -C --config -E --symvers -F --filesyms' -F

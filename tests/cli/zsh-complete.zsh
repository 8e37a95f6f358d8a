# zsh -f zsh-complete.zsh COMPLETIONS_DIR WORD...
# Runs the _mymod completion function in real zsh for the command line
# WORDS (the last one being completed) and prints the candidates it offers,
# one a line (those that start with the word). compsys's entry points are replaced by recorders.
emulate zsh
source_dir=$1; shift
words=("$@"); CURRENT=$#words; PREFIX=$words[CURRENT]
_describe() { local -a items=("${(@P)${@[-1]}}"); print -rl -- ${items%%:*}; }
compadd() { local -a a=("$@"); while [[ $a[1] == -* ]]; do [[ $a[1] == -a ]] && { print -rl -- "${(@P)a[2]}"; return }; [[ $a[1] == -- ]] && { shift a; break }; shift a; done; print -rl -- "${a[@]}"; }
_files() { :; }
_directories() { :; }
_sequence() { shift 2; print -rl -- "$@"; }
source $source_dir/_mymod | awk -v p="$PREFIX" 'length($0) && index($0, p) == 1'

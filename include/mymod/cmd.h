/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A command: one file in src/cmd/, registered in src/main.c's table.
 */
#pragma once

#include <getopt.h>
#include <stdbool.h>

/* Exit statuses, as the design says. */
enum {
	MM_EXIT_OK = 0,
	MM_EXIT_FAIL = 1,
	MM_EXIT_USAGE = 2,
};

/* What a command needs set up; see mm_modtree(). */
enum {
	MM_NEEDS_MODDIR = 1 << 0, /* a module directory (-k, -b) */
};

struct mm_cmd {
	const char *name;
	int (*run)(int argc, char *argv[]); /* argv[0] is the command name */
	const char *summary;		    /* one line for `mymod --help` */
	unsigned int needs;		    /* MM_NEEDS_* */
};

/* The dispatcher, around a command's run(): set it up, then free what it opened. */
void mm_cmd_begin(const struct mm_cmd *cmd);
void mm_cmd_end(void);

/*
 * The module directory -k and -b chose, opened on the first call and kept
 * until the command ends (do not close it); only for a command whose table
 * entry says MM_NEEDS_MODDIR. When it cannot be opened, prints why (after
 * "ARG: " when ARG is not NULL), the one hint the first time, and returns
 * NULL.
 */
struct modtree *mm_modtree(const char *arg);
/* The same, but silent: NULL when there is none (a command that can do without it). */
struct modtree *mm_modtree_try(void);
/* Open it as kmod's modinfo reads it (no modprobe.d); before the first mm_modtree(). */
void mm_modtree_as_modinfo(void);
/* Open it even when the directory does not exist, as kmod's tools do; before the first
 * mm_modtree(). */
void mm_modtree_missing_ok(void);

/*
 * main() of the kmod tool argv[0] names (modprobe, insmod, rmmod, lsmod,
 * modinfo, depmod, kmod), by its basename; -1 when it names none.
 */
int mm_names_main(int argc, char *argv[]);

/* What a module argument names. */
enum mm_target_kind {
	MM_TARGET_FILE,	   /* a path: nothing looked up */
	MM_TARGET_MODULE,  /* a module of the module directory, with its file */
	MM_TARGET_BUILTIN, /* built into the kernel: no file */
};

struct mm_target {
	const char *arg; /* as the user gave it */
	enum mm_target_kind kind;
	const char *name; /* module name; NULL for a FILE */
	const char *path; /* its file; NULL for a builtin */
	bool by_alias;	  /* ARG is an alias (or another spelling) of NAME */
};

typedef int (*mm_target_fn)(const struct mm_target *t, void *data);

enum {
	/* A module an alias names that is not installed: as a builtin (modinfo does so). */
	MM_RESOLVE_ABSENT_AS_BUILTIN = 1 << 0,
};

/*
 * Resolve module argument ARG and call FN for what it names: a path is a
 * file; a name or alias is looked up in the module directory
 * (mm_modtree()), and may name several modules. A name that names nothing,
 * or an alias that names a module that is not installed, is said with its
 * hint. Returns 0, or the first -errno (FN's or the lookup's).
 */
int mm_resolve(const char *arg, unsigned int flags, mm_target_fn fn, void *data);

/*
 * The file of module NAME in the module directory (mm_modtree()): the one
 * `mymod load NAME` loads, which a loaded module was most likely loaded
 * from. NULL when there is none; with LOUD, after saying why. Free it.
 */
char *mm_module_file(const char *name, bool loud);

struct ko;

/*
 * The file of loaded module NAME, open: FILE, else its file in the module
 * directory (mm_module_file(), quiet when there is none). NULL when there
 * is none, it cannot be read or it is not the build the kernel loaded
 * (their srcversions differ); the last two are warned, ending with
 * "; WITHOUT" (what the command does without it).
 */
struct ko *mm_open_loaded(const char *name, const char *file, const char *without);

/*
 * Is KO the build of module NAME the kernel loaded (the same srcversion,
 * or one of them has none)? When not, a warning says so, ending with
 * "; WITHOUT".
 */
bool mm_same_build(struct ko *ko, const char *name, const char *without);

/* "ARG: no module or alias of that name in DIR", with its hint; returns -ENOENT. */
int mm_no_such_module(struct modtree *mt, const char *arg);

/*
 * Options every command that reads a module directory accepts, as kmod's
 * tools do. Put MM_MODDIR_OPTIONS in the command's option array, add
 * MM_MODDIR_SHORTOPTS to its short options, and let mm_moddir_opt() take
 * the option first.
 */
/* clang-format off */
#define MM_MODDIR_OPTIONS \
	{ "kernel", required_argument, NULL, 'k' }, { "basedir", required_argument, NULL, 'b' }
/* clang-format on */
#define MM_MODDIR_SHORTOPTS "k:b:"
#define MM_MODDIR_USAGE                                                                            \
	"  -k, --kernel=KVER      use /lib/modules/KVER (default: the running kernel)\n"           \
	"  -b, --basedir=DIR      use DIR/lib/modules/KVER\n"

/* Returns true when it handled option C (k or b). */
bool mm_moddir_opt(int c, const char *arg);

/* Prints "Try 'mymod CMD --help'." and returns MM_EXIT_USAGE. */
int mm_usage_error(void);

struct out_opts;
struct out_sel;
struct out_spec;

/* How a command that prints a table reads its command line; see mm_table_args(). */
struct mm_table_args {
	const struct option *options; /* OUT_TABLE_OPTIONS, -h and the command's own */
	const char *shortopts;
	void (*usage)(void);
	const struct out_spec *spec;
	/* The command's own options: true when it handled C. NULL: none. */
	bool (*opt)(int c, const char *arg, void *data);
	void *data;
	bool module; /* it takes one argument, a module; else none */
};

/*
 * After a table command's options: -o and --sort resolved into *SEL, and
 * --list-columns done. Returns -1 to go on, else the exit status.
 */
int mm_table_select(const struct out_spec *spec, const struct out_opts *o, struct out_sel *sel);

/*
 * Parse the options of a table command (the table's, -h, the command's
 * own through A->opt), check the count of arguments and choose its
 * columns into OPTS and SEL. Returns -1 to go on (the module argument,
 * if any, at optind), or the exit status (after --help, --list-columns or
 * a usage error).
 */
int mm_table_args(int argc, char *argv[], const struct mm_table_args *a, struct out_opts *opts,
		  struct out_sel *sel);

struct modtree;
struct modtree_mod;

/*
 * M, which ARG names, is neither a file of MT nor built in (an alias in
 * modprobe.d names a module that is not installed): say so, with a hint.
 * Returns -ENOENT.
 */
int mm_module_not_there(struct modtree *mt, const char *arg, const struct modtree_mod *m);

/* For the kmod names: what a command prints, without its option parsing. */

/* `mymod config`'s lines (modprobe -c's): modprobe.d's entries, then MT's indexes. 0 or -errno. */
int mm_config_print(struct modtree *mt);

/*
 * `mymod info --show-exports` (EXPORTS) or `--dump-modversions` of the
 * module file PATH: modprobe's lines. 0, or -errno (mm_errmsg() says why)
 * when PATH cannot be read, or -ENOENT, as modprobe, when it has none and
 * not even their section.
 */
int mm_symbol_lines(const char *path, bool exports);

extern const struct mm_cmd cmd_info, cmd_load, cmd_unload, cmd_list, cmd_deps, cmd_check,
	cmd_depmod, cmd_sign, cmd_verify, cmd_keys, cmd_params, cmd_decode, cmd_debug, cmd_reload,
	cmd_taint, cmd_sections, cmd_symbols, cmd_log, cmd_addr, cmd_config;

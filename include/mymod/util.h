/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Things every layer shares: where paths come from, how a failure is
 * described, and small helpers that no library already provides.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define MM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MM_PRINTF(f, a)	 __attribute__((format(printf, f, a)))
/* A parameter a callback's signature requires but this callback does not use. */
#define MM_UNUSED __attribute__((unused))

/*
 * The one place every path the tool reads is derived from.
 *
 * basedir/kver choose the module directory (BASEDIR/lib/modules/KVER), as
 * kmod's -b and -k do. sysroot prefixes the running kernel's interfaces
 * (/proc, /sys, /dev/kmsg); it comes from MYMOD_SYSROOT, so a test or an
 * offline image can point the tool at a fake /proc/modules.
 */
struct mm_config {
	const char *basedir; /* "" when unset */
	const char *kver;    /* NULL: the running kernel's release */
	const char *sysroot; /* "" when unset */
	const char *cmd;     /* the command running, for messages */
	bool color;	     /* colour on stdout */
	bool quiet;	     /* no errors, warnings or hints on stderr (load -q) */
	/* Called as this kmod tool: messages as kmod's ("modinfo: ERROR: ..."), no hints. */
	const char *kmod_tool;
	bool syslog; /* kmod's -s: mm_kmod_message() to syslog */
	/* modprobe -C: the configuration files and directories instead of modprobe.d's; NULL:
	 * the default */
	const char *const *config_paths;
};

extern struct mm_config mm_cfg;

/* Fill mm_cfg from the environment; called once by main. */
void mm_config_init(void);

/*
 * The module directory's kernel release: -k, or the running kernel's
 * (kernel_release()). NULL, with mm_fail(), when that cannot be read.
 */
const char *mm_kver(void);

/* BASEDIR/lib/modules/KVER into buf; returns buf, or NULL if too long or mm_kver() fails. */
char *mm_moddir(char *buf, size_t len);

/* SYSROOT + path (path starts with '/'); returns buf, or NULL if too long. */
char *mm_syspath(char *buf, size_t len, const char *path);

/*
 * Failure detail. A layer function that fails returns a negative errno
 * and must describe what failed in words with mm_fail() (or pass on the
 * failure of a callee that did), so that the command printing
 * mm_errmsg() never prints another failure's text; kernel.h names its
 * few exceptions. The text is per thread and replaced by the next
 * mm_fail().
 */
int mm_fail(int err, const char *fmt, ...) MM_PRINTF(2, 3);
const char *mm_errmsg(void);
void mm_clearerr(void);

/*
 * A message as kmod's tools print it (the kmod names): "TOOL: PRIO: TEXT"
 * on stderr, or "PRIO: TEXT" to syslog with mm_cfg.syslog. TOOL is
 * mm_cfg.kmod_tool, else the program's name; PRIO a syslog level, in
 * kmod's words (LOG_CRIT is FATAL). TEXT as given, its newline too.
 */
void mm_kmod_message(int prio, const char *text);

/* "mymod: CMD: ..." on stderr; with mm_cfg.kmod_tool, "TOOL: ERROR: ..." (mm_kmod_message()). */
void mm_error(const char *fmt, ...) MM_PRINTF(1, 2);
void mm_warn(const char *fmt, ...) MM_PRINTF(1, 2);
/* The one extra line that says what to do: "mymod: CMD: hint: ...". */
void mm_hint(const char *fmt, ...) MM_PRINTF(1, 2);

/* Allocation that cannot fail silently: abort with a message on ENOMEM. */
void *mm_malloc(size_t n);
void *mm_calloc(size_t n, size_t size);
void *mm_realloc(void *p, size_t n);
void *mm_reallocarray(void *p, size_t n, size_t size);
char *mm_strdup(const char *s);
char *mm_strndup(const char *s, size_t n);
char *mm_asprintf(const char *fmt, ...) MM_PRINTF(1, 2);

/* True when ARG names a file rather than a module: has a '/' or a .ko suffix. */
bool mm_is_path(const char *arg);

/* NAME ends in .ko, .ko.gz, .ko.xz or .ko.zst. */
bool mm_is_module_file(const char *name);

/* Module name from a path or name: basename, no .ko[.gz|.xz|.zst], '-' -> '_'. */
char *mm_modname_from_path(const char *path);

/* NAME with every '-' made '_' (in place), as the kernel names modules; returns NAME. */
char *mm_modname_normalize(char *name);

/* Are A and B the same module name, '-' and '_' alike? */
bool mm_modname_eq(const char *a, const char *b);

/* The same for at most their first N bytes (as strncmp). */
bool mm_modname_eqn(const char *a, const char *b, size_t n);

/* Read a whole (small, e.g. /proc or /sys) file; NUL-terminated. -errno. */
int mm_read_file(const char *path, char **buf, size_t *len);

/*
 * Replace PATH with LEN bytes of DATA, all or nothing: written to a new
 * file beside it, synced, given MODE, then renamed over it. SIGINT,
 * SIGTERM, SIGHUP and SIGQUIT wait until the temporary file is renamed or
 * removed, so none is left behind and PATH is the old file or the new one.
 * Only PATH's directory is named to the C library (open()); the rest is
 * relative to it, so kmod's testsuite's fakes see every file written.
 * Returns 0 or -errno (mm_fail: why).
 */
int mm_write_atomic(const char *path, const void *data, size_t len, mode_t mode);

/* A read(2)-like source for mm_read_all(): bytes read into BUF, 0 at the end, or -errno. */
typedef ssize_t mm_read_fn(void *src, void *buf, size_t len);

/* Make the directories PATH's last component is in (mkdir -p of its dirname), MODE. 0 or -errno. */
int mm_mkdir_parents(const char *path, mode_t mode);

/* Read SRC through RD to its end, as mm_read_file() reads a file (e.g. through zlib). */
int mm_read_all(mm_read_fn *rd, void *src, char **buf, size_t *len);

/* ---- Strings (src/util/strbuf.c) ---- */

/* A string built a piece at a time; { 0 } is empty. s is NUL-terminated once anything is added. */
struct mm_strbuf {
	char *s;
	size_t len, cap;
};

void mm_strbuf_add(struct mm_strbuf *sb, const char *s);
void mm_strbuf_addn(struct mm_strbuf *sb, const char *s, size_t n);
void mm_strbuf_addc(struct mm_strbuf *sb, char c);
void mm_strbuf_addf(struct mm_strbuf *sb, const char *fmt, ...) MM_PRINTF(2, 3);

/* SEP, unless SB is still empty: the separator of a list ("a, b, c"). */
void mm_strbuf_sep(struct mm_strbuf *sb, const char *sep);

enum {
	MM_HEX_UPPER = 1 << 0,	/* "DEAD" rather than "dead" */
	MM_HEX_COLONS = 1 << 1, /* "de:ad": a ':' between bytes */
};

/* LEN bytes at P as two hex digits each. */
void mm_strbuf_addhex(struct mm_strbuf *sb, const void *p, size_t len, unsigned int flags);

/* The text, now the caller's to free ("" when nothing was added); SB is empty again. */
char *mm_strbuf_steal(struct mm_strbuf *sb);
void mm_strbuf_free(struct mm_strbuf *sb);

/* V's N strings with SEP between them; "" when N is 0. Free it. */
char *mm_join(const char *const *v, size_t n, const char *sep);

/* LEN bytes at P in lower-case hex ("deadbeef"); "" when LEN is 0. Free it. */
char *mm_hex(const void *p, size_t len);

/* ---- A string-keyed hash table (src/util/hash.c) ---- */

/*
 * Keys are borrowed: each must stay valid, unchanged, while the table
 * holds it. { 0 } is an empty table; it grows as entries are added.
 */
struct mm_hash_entry {
	const char *key; /* NULL: an empty slot */
	const void *value;
	uint32_t hash; /* of key */
};

struct mm_hash {
	struct mm_hash_entry *slots;
	size_t mask; /* slots - 1, a power of two less one */
	size_t n;    /* entries */
};

/* Room for N entries without growing again. */
void mm_hash_reserve(struct mm_hash *h, size_t n);

/* Add KEY with VALUE; false, and the table unchanged, when KEY is there (the first one wins). */
bool mm_hash_add(struct mm_hash *h, const char *key, const void *value);

/* KEY's entry, or NULL when it is not there. */
const struct mm_hash_entry *mm_hash_find(const struct mm_hash *h, const char *key);

/* KEY's value, or NULL when it is not there. */
const void *mm_hash_get(const struct mm_hash *h, const char *key);

void mm_hash_free(struct mm_hash *h);

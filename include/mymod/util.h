/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Things every layer shares: where paths come from, how a failure is
 * described, and small helpers that no library already provides.
 */
#pragma once

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define MM_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MM_PRINTF(f, a)	 __attribute__((format(printf, f, a)))

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
};

extern struct mm_config mm_cfg;

/* Fill mm_cfg from the environment; called once by main. */
void mm_config_init(void);

/* The module directory's kernel release: -k, or uname's. */
const char *mm_kver(void);

/* BASEDIR/lib/modules/KVER into buf; returns buf, or NULL if too long. */
char *mm_moddir(char *buf, size_t len);

/* SYSROOT + path (path starts with '/'); returns buf, or NULL if too long. */
char *mm_syspath(char *buf, size_t len, const char *path);

/*
 * Failure detail. A layer function that fails returns a negative errno
 * and may describe what failed in words with mm_fail(); the command then
 * prints it. The text is per thread and replaced by the next mm_fail().
 */
int mm_fail(int err, const char *fmt, ...) MM_PRINTF(2, 3);
const char *mm_errmsg(void);
void mm_clearerr(void);

/* "mymod: CMD: ..." on stderr. */
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

/* Module name from a path or name: basename, no .ko[.gz|.xz|.zst], '-' -> '_'. */
char *mm_modname_from_path(const char *path);

/* Read a whole (small, e.g. /proc or /sys) file; NUL-terminated. -errno. */
int mm_read_file(const char *path, char **buf, size_t *len);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared by depmod's scan (depmod-scan.c) and its parsers: the depmod.d
 * configuration and the modules.order reader, kept apart from the scan so
 * that each can be fuzzed on its own.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ---- depmod.d (depmod-conf.c) ---- */

enum dm_search_type {
	DM_SEARCH_DIR,	    /* a subdirectory of the module directory */
	DM_SEARCH_BUILTIN,  /* "built-in": everything no other entry names */
	DM_SEARCH_EXTERNAL, /* "external": the external directories */
};

struct dm_search {
	enum dm_search_type type;
	char *dir; /* DM_SEARCH_DIR only */
};

/*
 * What the depmod.d files said, each list in the order it was written
 * (kmod keeps them newest first; the scan walks them that way).
 */
struct dm_conf {
	struct dm_search *search;
	size_t nsearch;
	char **overrides; /* "SUBDIR/MODULE", as written (no extension) */
	size_t noverrides;
	char **externals; /* directories, as written */
	size_t nexternals;
	char **excludes; /* names of files or directories not to walk into */
	size_t nexcludes;
};

/*
 * The LEN bytes of one depmod.d file into CF, as kmod 30 reads them: a
 * backslash-newline joins lines, a '#' line is a comment, the KVER
 * patterns of override and external are extended regular expressions
 * ("*" matches any). Lines kmod ignores are ignored.
 */
void dm_conf_parse(struct dm_conf *cf, const char *kver, const char *text, size_t len);

/*
 * The configuration files of PATHS (NULL: kmod's default directories
 * under BASEDIR) into CF: every "*.conf" of each directory and each file
 * named, one per base name (the first path wins), read in base-name order.
 */
void dm_conf_load(struct dm_conf *cf, const char *basedir, const char *kver,
		  const char *const *paths, size_t npaths);
void dm_conf_free(struct dm_conf *cf);

/* ---- modules.order (depmod-order.c) ---- */

/* One line of modules.order: KEY (LEN bytes, no newline) on line LINE (1-based). */
typedef void dm_order_fn(void *ctx, const char *key, size_t len, long line);

/*
 * The lines of a modules.order of LEN bytes, as kmod 30 reads it. Returns
 * 0, or -EINVAL when a line is cut (no newline, or too long), and then kmod
 * ignores the whole file and FN is not called.
 */
int dm_order_parse(const char *text, size_t len, dm_order_fn *fn, void *ctx);

/*
 * kmod's hash_superfast() (Paul Hsieh's SuperFastHash) of NAME, as x86 kmod
 * computes it (little-endian 16-bit reads, the odd last bytes as signed
 * char): the order of kmod's hash tables, which its files follow.
 */
uint32_t dm_hash_superfast(const char *name);

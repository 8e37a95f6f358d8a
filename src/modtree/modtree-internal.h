/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared by the files of the modtree layer only: the struct modtree, the
 * modules.dep index, and the list and text helpers its readers use.
 */
#pragma once

#include <libkmod.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "mymod/modtree.h"
#include "mymod/util.h"

struct dep_index;

struct modtree {
	struct kmod_ctx *ctx;
	char dir[PATH_MAX];
	char *kver;
	char *weakdep; /* modules.weakdep, read on first use; NULL when absent */
	bool weakdep_read;
	struct dep_index *deps; /* modules.dep read whole, once asked to */
};

/* ---- Lists of modules and strings (modtree.c, text.c) ---- */

/* A module NAME (PATH may be NULL) onto MODS. */
void mt_mods_push(struct modtree_mod **mods, size_t *n, const char *name, const char *path,
		  bool builtin);
/* Module MOD of a libkmod lookup onto MODS; WRITTEN: the name it was looked up by, or NULL. */
void mt_mods_push_kmod(struct modtree *mt, struct modtree_mod **mods, size_t *n,
		       struct kmod_module *mod, const char *written);
/* The LEN bytes at S, as a string, onto V. */
void mt_strv_push(char ***v, size_t *n, const char *s, size_t len);

/* ---- Names (modtree.c) ---- */

/*
 * Is NAME a plain module name (letters, digits, '-', '_'; shorter than
 * SIZE)? KEY: NAME as libkmod keys it, '-' as '_'.
 */
bool mt_plain_name(const char *name, char *key, size_t size);
/* Does a modprobe.d alias match NAME? (libkmod looks these up first.) */
bool mt_config_alias(struct modtree *mt, const char *name);

/* ---- Text (text.c) ---- */

/* End LINE at its newline; returns where the next line starts. */
char *mt_cut_line(char *line);
/* Split LINE in place into up to MAX fields separated by SEP; returns how many. */
size_t mt_split_fields(char *line, char sep, char **fields, size_t max);
/* Read a whole text file, gzip-compressed or not (zlib reads both); NUL-terminated. -errno. */
int mt_read_text_gz(const char *path, char **buf, size_t *len);

/* ---- modules.dep (dep.c) ---- */

void mt_dep_index_free(struct dep_index *di);
/* The text after "NAME" in the index ("RELPATH: DEPS"), or NULL when NAME is not there. */
const char *mt_dep_find(struct dep_index *di, const char *name);
/* The absolute path of the LEN bytes at REL, a path modules.dep lists. */
char *mt_dep_path(const struct dep_index *di, const char *rel, size_t len);

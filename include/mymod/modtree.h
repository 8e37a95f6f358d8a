/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * modtree: a module directory (BASEDIR/lib/modules/KVER) and its
 * configuration (modprobe.d), through libkmod. The only layer that
 * touches libkmod.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct modtree;

/*
 * Open the module directory that mm_cfg chooses (-b, -k). Fails with
 * -ENOENT and a plain message when that directory does not exist.
 */
int modtree_open(struct modtree **mtp);
void modtree_close(struct modtree *mt);

/* The directory's path and kernel release. */
const char *modtree_dir(const struct modtree *mt);
const char *modtree_kver(const struct modtree *mt);

struct modtree_mod {
	char *name; /* module name, '_' form */
	char *path; /* absolute path of its file; NULL when builtin */
	bool builtin;
};

/*
 * Resolve NAME (a module name or an alias) to the modules it means, as
 * modprobe would. Aliases may match several. *N is 0 when nothing
 * matches (that is not an error). Free with modtree_mods_free().
 */
int modtree_lookup(struct modtree *mt, const char *name, struct modtree_mod **mods, size_t *n);
void modtree_mods_free(struct modtree_mod *mods, size_t n);

/* One "key=value" entry of a builtin module's modules.builtin.modinfo. */
struct modtree_info {
	char *key;
	char *value; /* "" when the entry has no '=' */
};

/*
 * The modinfo entries of builtin module NAME, in file order, as
 * modules.builtin.modinfo records them. *N is 0 when it has none (or the
 * directory has no modules.builtin.modinfo). Free with modtree_info_free().
 */
int modtree_builtin_info(struct modtree *mt, const char *name, struct modtree_info **info,
			 size_t *n);
void modtree_info_free(struct modtree_info *info, size_t n);

/* The options modprobe.d gives module NAME ("a=1 b=2"), or NULL. Free it. */
int modtree_options(struct modtree *mt, const char *name, char **options);

/* Is module NAME blacklisted by modprobe.d? */
bool modtree_blacklisted(struct modtree *mt, const char *name);

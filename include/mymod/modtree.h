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

/* The options modprobe.d gives module NAME ("a=1 b=2"), or NULL. Free it. */
int modtree_options(struct modtree *mt, const char *name, char **options);

/* Is module NAME blacklisted by modprobe.d? */
bool modtree_blacklisted(struct modtree *mt, const char *name);

/*
 * The kernel's exported symbols with their versions, as Kbuild writes
 * them to Module.symvers: BASEDIR/lib/modules/KVER/build/Module.symvers
 * (the headers), else BASEDIR/boot/symvers-KVER.gz (some distributions).
 * -ENOENT when neither exists.
 */
struct modtree_symvers;

struct modtree_symver {
	const char *name;
	const char *owner; /* "vmlinux", or the exporting module's name ('_' form) */
	const char *ns;	   /* namespace, NULL when none */
	unsigned int crc;
	bool gpl; /* EXPORT_SYMBOL_GPL */
};

int modtree_symvers_open(struct modtree *mt, struct modtree_symvers **svp);
void modtree_symvers_close(struct modtree_symvers *sv);
/* The file it was read from. */
const char *modtree_symvers_path(const struct modtree_symvers *sv);
/* The entry for symbol NAME, or NULL. */
const struct modtree_symver *modtree_symvers_find(const struct modtree_symvers *sv,
						  const char *name);

/*
 * The kernel's build headers (BASEDIR/lib/modules/KVER/build): its release
 * (include/generated/utsrelease.h) and configuration (.config, else
 * include/config/auto.conf, else BASEDIR/boot/config-KVER). -ENOENT when
 * no configuration is found; the release is then unknown too.
 */
struct modtree_kconfig;

int modtree_kconfig_open(struct modtree *mt, struct modtree_kconfig **kcp);
void modtree_kconfig_close(struct modtree_kconfig *kc);
/* The configuration file read. */
const char *modtree_kconfig_path(const struct modtree_kconfig *kc);
/* UTS_RELEASE from the headers; NULL when utsrelease.h is absent. */
const char *modtree_kconfig_release(const struct modtree_kconfig *kc);
/* The value of option NAME ("CONFIG_SMP") as written ("y", "m", "\"sha256\""), or NULL. */
const char *modtree_kconfig_get(const struct modtree_kconfig *kc, const char *name);

/*
 * Call FN with the absolute path of each module of modules.dep, in file
 * order, until FN returns non-zero (which is then returned).
 */
int modtree_foreach_module(struct modtree *mt, int (*fn)(const char *path, void *data), void *data);

/*
 * The modules of the tree that export symbol SYM (modules.symbols), as
 * modtree_lookup() returns them. *N is 0 when none does.
 */
int modtree_symbol_providers(struct modtree *mt, const char *sym, struct modtree_mod **mods,
			     size_t *n);

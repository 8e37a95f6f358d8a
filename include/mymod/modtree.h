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
/*
 * The same, also when the directory does not exist, as kmod's tools open
 * it: modprobe.d still counts, and nothing is found in the directory.
 */
int modtree_open_missing_ok(struct modtree **mtp);
/*
 * The same, with the configuration kmod's modinfo reads: the directory's
 * modules.softdep (and the kernel command line), not modprobe.d. For what
 * must answer as modinfo does.
 */
int modtree_open_as_modinfo(struct modtree **mtp);
void modtree_close(struct modtree *mt);

/* The directory's path and kernel release. */
const char *modtree_dir(const struct modtree *mt);
const char *modtree_kver(const struct modtree *mt);

/*
 * A module a name or alias means. Neither a path nor builtin: the
 * configuration (or a stale index) names a module that is not there.
 */
struct modtree_mod {
	char *name;    /* module name, '_' form */
	char *path;    /* absolute path of its file; NULL when builtin or not there */
	bool builtin;  /* in modules.builtin (and not in modules.dep) */
	char *written; /* modtree_softdeps(): the name on the softdep line that gave it, as
			  written (its own name or an alias); NULL from the other functions */
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

/* Free an array of N strings (from the functions below). */
void modtree_strv_free(char **v, size_t n);

/*
 * Read all of modules.dep now, in one pass over libkmod's index: worth it
 * before asking modtree_deps() about many modules (which then no longer
 * checks that the listed files exist, as libkmod does).
 */
int modtree_preload_deps(struct modtree *mt);

/*
 * Every module modules.dep lists (through libkmod's modules.dep.bin), in
 * the index's order, with the absolute path of its file. Preloads
 * modules.dep. Free with modtree_mods_free().
 */
int modtree_all(struct modtree *mt, struct modtree_mod **mods, size_t *n);

/*
 * What modules.dep says module NAME needs, in load order (the first is
 * loaded first). modules.dep lists the whole closure, not only the direct
 * dependencies. *N is 0 for a module with none, a builtin or unknown one.
 */
int modtree_deps(struct modtree *mt, const char *name, struct modtree_mod **deps, size_t *n);

/*
 * The soft dependencies of module NAME (modprobe.d and modules.softdep),
 * as libkmod gives them to modprobe (kmod_module_get_softdeps()): only the
 * first softdep line whose pattern matches NAME counts, and each name on
 * it is looked up (an alias gives every module it names, a name that
 * matches nothing gives none), in the line's order. Free each with
 * modtree_mods_free().
 */
int modtree_softdeps(struct modtree *mt, const char *name, struct modtree_mod **pre, size_t *npre,
		     struct modtree_mod **post, size_t *npost);

/*
 * The weak dependencies of module NAME, as written. libkmod 30 does not
 * know them: they are read from the directory's modules.weakdep (depmod
 * 33 and later write it; lines "weakdep MODULE NAME..."). *N is 0 when
 * the file is absent.
 */
int modtree_weakdeps(struct modtree *mt, const char *name, char ***names, size_t *n);

/* Is NAME in modules.builtin? (Without asking the running kernel.) */
bool modtree_builtin(struct modtree *mt, const char *name);

/* The modprobe.d install command for module NAME, or NULL. Free it. */
int modtree_install_command(struct modtree *mt, const char *name, char **cmd);

/*
 * Every entry of the effective modprobe.d configuration, as libkmod read
 * it and modprobe -c prints it: KIND ("blacklist", "install", "remove",
 * "alias", "options", "softdep"), KEY (a module or alias), VALUE (NULL
 * for a blacklist). FN's non-zero return stops it and is returned.
 */
typedef int (*modtree_config_fn)(const char *kind, const char *key, const char *value, void *data);
int modtree_config_foreach(struct modtree *mt, modtree_config_fn fn, void *data);

/* Write modules.alias and modules.symbols to FD as modprobe -c dumps them. */
int modtree_dump_indexes(struct modtree *mt, int fd);

/* The modprobe.d remove command for module NAME, or NULL. Free it. */
int modtree_remove_command(struct modtree *mt, const char *name, char **cmd);

/*
 * The options modprobe passes to module NAME when it reached it by
 * looking up ALIAS (options given for NAME and for ALIAS, in modprobe.d's
 * order); ALIAS NULL is the same as modtree_options(). NULL when none.
 */
int modtree_probe_options(struct modtree *mt, const char *name, const char *alias, char **options);

/*
 * Map the directory's indexes now, as modprobe does: worth it before many
 * lookups (otherwise libkmod opens and reads an index file per lookup).
 */
int modtree_load(struct modtree *mt);

/*
 * The same answer as modtree_lookup(), faster after modtree_preload_deps():
 * a plain module name that no modprobe.d alias claims is found in the
 * preloaded modules.dep, without libkmod's search.
 */
int modtree_resolve(struct modtree *mt, const char *name, struct modtree_mod **mods, size_t *n);
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

/* A line of modules.devname: the device node a module provides. */
struct modtree_devname {
	const char *module;
	const char *devname; /* under /dev */
	char type;	     /* 'c' or 'b' */
	unsigned int major, minor;
};

/* Called with each line, D NULL when LINE is not such a line; a -errno stops the reading. */
typedef int (*modtree_devname_fn)(const struct modtree_devname *d, const char *line, void *data);

/*
 * Each line of DIR/modules.devname but comments, to FN, as kmod
 * static-nodes reads them. 0, FN's -errno, or the -errno of opening the
 * file (with mm_fail()).
 */
int modtree_devnames(const char *dir, modtree_devname_fn fn, void *data);

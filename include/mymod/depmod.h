/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * depmod (the modtree layer's writing half): the indexes of a module directory (modules.dep,
 * modules.alias,
 * ... and their .bin forms), computed in memory, byte for byte as kmod's
 * depmod writes them. The command (src/cmd/depmod.c) writes, prints or
 * compares them; this layer never writes a file.
 *
 * Three parts:
 *   - dm_scan(): which module files, in which order (depmod.d search,
 *     override, external, exclude; modules.order), and who won a name;
 *   - dm_indexes(): what they say (modinfo, symbols) made into the files;
 *   - the .bin writer (src/modtree/index.h), kmod's prefix-trie format.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct depmod_config {
	const char *basedir;   /* -b: "" for none */
	const char *moduledir; /* -m: "/lib/modules" unless given */
	const char *kver;      /* the kernel release */
	const char *const
		*config_paths; /* -C, each a file or directory; NULL: depmod's default
				   (/etc/depmod.d, /run/depmod.d,
				   /usr/local/lib/depmod.d, /lib/depmod.d under basedir) */
	size_t nconfig;
	const char *symbol_prefix; /* -P: NULL for none */
	const char *symvers;	   /* -E: Module.symvers, for -e */
	const char *system_map;	   /* -F: System.map, for -e */
	bool errsyms;		   /* -e: report symbols no module or the kernel provides */
	bool warn;		   /* -w: warn on duplicate dependencies, aliases, ... */
	bool verbose;		   /* -v */
	bool text_only; /* -n: the .bin files left empty (kmod's -n makes none, nor reads what
			   only they need) */
	char **files;	/* FILE...: only these modules (not -a) */
	size_t nfiles;
};

/* Why a module file is the one a name means (-v, --json). */
enum dm_reason {
	DM_ONLY,     /* the only file of that name */
	DM_SEARCH,   /* found first in depmod.d's search order */
	DM_OVERRIDE, /* an override line of depmod.d names it */
	DM_EXTERNAL, /* in an external directory of depmod.d */
};

struct dm_module {
	char *name;    /* module name, '_' form */
	char *path;    /* absolute path of the file */
	char *relpath; /* as modules.dep writes it: relative to the module directory, or
			  absolute when outside it */
	long order;    /* its line in modules.order, -1 when not listed */
	enum dm_reason reason;
	char **losers; /* other files of the same name that lost, absolute paths */
	size_t nlosers;
};

/*
 * The module files of the module directory (or FILE...), in the order
 * modules.dep lists them: modules.order's order, then the rest in the order
 * kmod reads the directories. Returns 0 or -errno (mm_fail: why).
 */
int dm_scan(const struct depmod_config *c, struct dm_module **mods, size_t *n);
void dm_modules_free(struct dm_module *mods, size_t n);

/* One index file, in memory. */
struct dm_file {
	const char *name; /* "modules.dep", "modules.dep.bin", ... (static) */
	char *data;
	size_t len;
};

/*
 * Every index kmod 30's depmod writes for MODS, in the order it writes
 * them: modules.dep, modules.dep.bin, modules.alias, modules.alias.bin,
 * modules.softdep, modules.symbols, modules.symbols.bin,
 * modules.builtin.bin, modules.builtin.alias.bin, modules.devname (and
 * modules.weakdep when WEAKDEP: kmod 33 and later write it). A module that
 * cannot be read gets one warning and is kept with no dependencies, as kmod
 * does. Returns 0 or -errno.
 */
int dm_indexes(const struct depmod_config *c, const struct dm_module *mods, size_t n, bool weakdep,
	       struct dm_file **files, size_t *nfiles);
void dm_files_free(struct dm_file *files, size_t n);

/*
 * -A: 1 when DIR has a modules.dep and no module file under it is newer
 * (as kmod's depmod -A tells), 0 when there is work, -errno.
 */
int dm_up_to_date(const char *dir);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* What the parts of dm_indexes() share: each module as read, and the graph made of them. */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mymod/depmod.h"
#include "mymod/util.h"

/* A modinfo entry depmod copies to a text index, in .modinfo's order. */
enum dmi_info {
	DMI_ALIAS = 'a',
	DMI_SOFTDEP = 's',
	DMI_WEAKDEP = 'w',
};

/* One module as depmod needs it: the strings live in arena, str points into it. */
struct dmi_mod {
	const struct dm_module *m;
	char *arena;
	const char **str; /* exports, then imports, then info entries ("a" "value" pairs) */
	size_t nexports;  /* symbols it provides, as kmod 30 lists them */
	size_t nimports;  /* undefined symbols, then __versions names none of them matched */
	size_t ninfo;	  /* info entries: str[nexports + nimports + 2 * i] is the kind */
	uint32_t *crc;	  /* per export and import: its modversions CRC, 0 when none */
	bool *weak;	  /* per import: STB_WEAK, needed only if there */
	char *error;	  /* why it could not be read (warned once), NULL */
	uint32_t *deps;	  /* modules it needs, in the order the symbols named them */
	size_t ndeps, capdeps;
	uint32_t users;	   /* modules needing it */
	uint32_t sort_idx; /* its place in the topological order */
};

struct dmi {
	const struct depmod_config *c;
	struct dmi_mod *mods;
	size_t n;
	char prefix; /* -P's character, '\0' for none */
	struct dmi_sym *syms;
	size_t nsyms;
	struct mm_hash symtab; /* name -> struct dmi_sym */
	char *kernel_syms;     /* -E's Module.symvers or -F's System.map, whole */
};

/* The owner of a symbol the kernel itself provides (-E, -F): no module. */
#define DMI_KERNEL UINT32_MAX

struct dmi_sym {
	const char *name;
	uint32_t owner; /* a module, or DMI_KERNEL */
	uint32_t crc;
	uint32_t bucket; /* its bucket in kmod's symbol hash: the order of modules.symbols */
};

/* Read every module through the ko layer, with up to two threads. */
void dmi_read_modules(struct dmi *d);

/* Report the cycles among the modules the topological sort left (USERS > 0), as kmod does. */
int dmi_report_cycles(struct dmi *d, const uint32_t *users);

/* modules.dep's line of each module ("relpath: dep dep", no newline); free each and the array. */
char **dmi_dep_lines(const struct dmi *d);

/* The .bin indexes, as kmod 30's output_*_bin make them. */
int dmi_dep_bin(const struct dmi *d, char *const *lines, struct dm_file *f);
int dmi_alias_bin(const struct dmi *d, struct dm_file *f);
int dmi_symbols_bin(const struct dmi *d, const struct dmi_sym *const *order, size_t n,
		    struct dm_file *f);
int dmi_builtin_bin(const struct dmi *d, struct dm_file *f);
int dmi_builtin_alias_bin(const struct dmi *d, struct dm_file *f);

/* kmod's alias_normalize(): '-' to '_' outside brackets; false on an unmatched bracket. */
bool dmi_alias_normalize(const char *alias, struct mm_strbuf *sb);

/* The symbol table (who provides what), then each module's dependencies from it. */
int dmi_symbols_load(struct dmi *d);
void dmi_dependencies_load(struct dmi *d);
/* The symbols modules provide, in the order kmod's table walks them; free it. */
const struct dmi_sym **dmi_symbols_order(const struct dmi *d, size_t *n);

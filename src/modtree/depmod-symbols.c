// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * depmod's symbols: who provides each (the last module in order that
 * exports it, as kmod's hash_add() replaces), the dependencies they make,
 * and modules.symbols in the order kmod's hash table walks them.
 */
#include <stdlib.h>
#include <string.h>

#include "depmod-internal.h"
#include "depmod-scan.h"

/* depmod's symbol table: 2048 buckets, each sorted by name. */
#define KMOD_SYMBOL_BUCKETS 2048u

/* kmod's depmod_symbol_add(): a name already there changes hands (the last one wins). */
static void add_symbol(struct dmi *d, const char *name, bool prefix_skipped, uint32_t crc,
		       uint32_t owner)
{
	struct dmi_sym *s;

	if (!prefix_skipped && name[0] == d->prefix && name[0])
		name++;
	s = (struct dmi_sym *)mm_hash_get(&d->symtab, name);
	if (!s) {
		s = &d->syms[d->nsyms++];
		s->name = name;
		s->bucket = dm_hash_superfast(name) & (KMOD_SYMBOL_BUCKETS - 1);
		mm_hash_add(&d->symtab, name, s);
	}
	s->owner = owner;
	s->crc = crc;
}

/* Module.symvers: "0xCRC\tNAME\tvmlinux\t..." lines, the kernel's own exports. */
static void symvers_load(struct dmi *d, char *text)
{
	char *save = NULL, *line;
	unsigned int n = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *f = NULL, *ver = strtok_r(line, " \t", &f), *sym = strtok_r(NULL, " \t", &f);
		char *where = strtok_r(NULL, " \t", &f), *end;
		unsigned long long crc;

		n++;
		if (!ver || !sym || !where || strcmp(where, "vmlinux") != 0)
			continue;
		crc = strtoull(ver, &end, 16);
		if (*end) {
			mm_warn("%s:%u Invalid symbol version %s", d->c->symvers, n, ver);
			continue;
		}
		add_symbol(d, sym, false, (uint32_t)crc, DMI_KERNEL);
	}
}

/* System.map: "ADDR TYPE __ksymtab_NAME" lines. */
static void system_map_load(struct dmi *d, char *text)
{
	char *save = NULL, *line;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = strchr(line, ' ');

		p = p ? strchr(p + 1, ' ') : NULL;
		if (!p) {
			mm_warn("%s: invalid line: %s", d->c->system_map, line);
			continue;
		}
		p++;
		if (p[0] == d->prefix && p[0])
			p++;
		if (strncmp(p, "__ksymtab_", 10) == 0)
			add_symbol(d, p + 10, true, 0, DMI_KERNEL);
	}
}

/* -E or -F: the kernel's symbols, and those the loader makes up, as providers no module is. */
static void kernel_load(struct dmi *d)
{
	if (d->c->symvers)
		symvers_load(d, d->kernel_syms);
	else
		system_map_load(d, d->kernel_syms);
	add_symbol(d, "__this_module", true, 0, DMI_KERNEL);
	add_symbol(d, "_GLOBAL_OFFSET_TABLE_", true, 0, DMI_KERNEL);
	if (!mm_hash_get(&d->symtab, "TOC."))
		add_symbol(d, "TOC.", true, 0, DMI_KERNEL);
}

int dmi_symbols_load(struct dmi *d)
{
	const char *kernel = d->c->symvers ? d->c->symvers : d->c->system_map;
	size_t total = 4, len;

	for (size_t i = 0; i < d->n; i++)
		total += d->mods[i].nexports;
	if (kernel) {
		int err = mm_read_file(kernel, &d->kernel_syms, &len);

		if (err < 0)
			return mm_fail(-err, "could not load %s: %s", kernel, strerror(-err));
		for (const char *p = d->kernel_syms; *p; p++)
			total += *p == '\n';
	}
	d->syms = mm_calloc(total, sizeof(*d->syms));
	mm_hash_reserve(&d->symtab, total);
	if (kernel)
		kernel_load(d);
	for (size_t i = 0; i < d->n; i++)
		for (size_t j = 0; j < d->mods[i].nexports; j++)
			add_symbol(d, d->mods[i].str[j], false, d->mods[i].crc[j], i);
	return 0;
}

static void add_dep(struct dmi *d, struct dmi_mod *dm, uint32_t owner)
{
	if (owner == DMI_KERNEL)
		return;
	for (size_t k = 0; k < dm->ndeps; k++)
		if (dm->deps[k] == owner)
			return;
	if (dm->ndeps == dm->capdeps) {
		dm->capdeps = dm->capdeps ? 2 * dm->capdeps : 8;
		dm->deps = mm_reallocarray(dm->deps, dm->capdeps, sizeof(*dm->deps));
	}
	dm->deps[dm->ndeps++] = owner;
	d->mods[owner].users++;
}

void dmi_dependencies_load(struct dmi *d)
{
	/* -e means something only with the kernel's symbols (-E, -F), as kmod's. */
	bool errsyms = d->c->errsyms && (d->c->symvers || d->c->system_map);

	for (size_t i = 0; i < d->n; i++) {
		struct dmi_mod *dm = &d->mods[i];
		const char *const *imp = dm->str + dm->nexports;

		for (size_t j = 0; j < dm->nimports; j++) {
			const char *name = imp[j];
			const struct dmi_sym *s;

			if (name[0] == '.') /* PPC64: .foo is foo */
				name++;
			if (name[0] == d->prefix && name[0])
				name++;
			s = mm_hash_get(&d->symtab, name);
			if (errsyms && !dm->weak[dm->nexports + j]) {
				if (!s)
					mm_warn("%s needs unknown symbol %s", dm->m->path, imp[j]);
				else if (d->c->symvers && s->crc != dm->crc[dm->nexports + j])
					mm_warn("%s disagrees about version of symbol %s",
						dm->m->path, imp[j]);
			}
			if (s)
				add_dep(d, dm, s->owner);
		}
	}
}

static int sym_cmp(const void *pa, const void *pb)
{
	const struct dmi_sym *a = *(const struct dmi_sym *const *)pa;
	const struct dmi_sym *b = *(const struct dmi_sym *const *)pb;

	if (a->bucket != b->bucket)
		return a->bucket < b->bucket ? -1 : 1;
	return strcmp(a->name, b->name);
}

const struct dmi_sym **dmi_symbols_order(const struct dmi *d, size_t *n)
{
	const struct dmi_sym **v = mm_calloc(d->nsyms + 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < d->nsyms; i++)
		if (d->syms[i].owner != DMI_KERNEL)
			v[(*n)++] = &d->syms[i];
	qsort(v, *n, sizeof(*v), sym_cmp);
	return v;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Where a module's imported symbol comes from, as the kernel resolves it:
 * vmlinux (Module.symvers), a module of the tree (modules.symbols and that
 * module's own file), or, on the running kernel, /proc/kallsyms.
 */
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings-internal.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "mymod/modtree.h"
#include "mymod/util.h"

/* A module of the tree that exports symbols the checked module imports. */
struct provider {
	char *name;
	char *path;
	struct ko *ko; /* opened on first use; NULL if it cannot be read */
	bool tried;
	const struct ko_export **exports; /* sorted by name, for bsearch() */
	size_t nexports;
};

static void provider_free(void *data)
{
	struct provider *p = data;

	free(p->name);
	free(p->path);
	ko_close(p->ko);
	free(p->exports);
	free(p);
}

bool findings_license_gpl(const char *license)
{
	/* clang-format off */
	static const char *const gpl[] = {
		"GPL",
		"GPL v2",
		"GPL and additional rights",
		"Dual BSD/GPL",
		"Dual MIT/GPL",
		"Dual MPL/GPL",
	};
	/* clang-format on */

	if (!license)
		return false;
	for (size_t i = 0; i < MM_ARRAY_SIZE(gpl); i++)
		if (strcmp(license, gpl[i]) == 0)
			return true;
	return false;
}

static int export_cmp(const void *a, const void *b)
{
	return strcmp((*(const struct ko_export *const *)a)->name,
		      (*(const struct ko_export *const *)b)->name);
}

/* The export of SYM by a module of the tree, read from that module's file. */
static const struct ko_export *provider_export(struct provider *p, const char *sym)
{
	struct ko_export key = { .name = sym };
	const struct ko_export *kp = &key, *ex, **found;
	size_t n;

	if (!p->tried) {
		p->tried = true;
		if (ko_open(p->path, &p->ko) < 0 || ko_exports(p->ko, &ex, &n) < 0) {
			ko_close(p->ko);
			p->ko = NULL;
			return NULL;
		}
		p->exports = mm_reallocarray(NULL, n, sizeof(*p->exports));
		for (size_t i = 0; i < n; i++)
			p->exports[i] = &ex[i];
		p->nexports = n;
		qsort(p->exports, n, sizeof(*p->exports), export_cmp);
	}
	if (!p->ko)
		return NULL;
	found = bsearch(&kp, p->exports, p->nexports, sizeof(*p->exports), export_cmp);
	return found ? *found : NULL;
}

static int provider_cmp(const void *a, const void *b)
{
	return strcmp(((const struct provider *)a)->path, ((const struct provider *)b)->path);
}

static struct provider *provider_get(struct findings_target *t, const char *name, const char *path)
{
	struct provider key = { .path = (char *)path }, *p, **found;

	found = tfind(&key, &t->providers, provider_cmp);
	if (found)
		return *found;
	p = mm_calloc(1, sizeof(*p));
	p->name = mm_strdup(name);
	p->path = mm_strdup(path);
	if (!tsearch(p, &t->providers, provider_cmp)) {
		fputs("mymod: out of memory\n", stderr);
		abort();
	}
	return p;
}

struct kernel_symbols *findings_running_exports(struct findings_target *t)
{
	if (t->running && !t->ksyms_tried) {
		t->ksyms_tried = true;
		if (kernel_symbols_open(&t->ksyms) < 0)
			t->ksyms = NULL;
	}
	return t->ksyms;
}

/* An export of the running kernel or of a loaded module that the tree does not have. */
static void resolve_running(struct findings_target *t, const char *sym, struct symbol_source *src)
{
	const char *owner;

	if (!kernel_symbols_find(t->ksyms, sym, &owner))
		return;
	src->found = true;
	src->kallsyms = true;
	src->listed = NULL;
	if (strcmp(owner, "vmlinux") != 0)
		src->owner = owner;
}

/*
 * An export of vmlinux (Module.symvers), else of a module of the tree
 * (modules.symbols), whose own file then says how it is exported, else
 * (running kernel) an export of the kernel or a loaded module that
 * /proc/kallsyms lists.
 */
void findings_resolve(struct findings_target *t, const char *sym, const char *self,
		      struct symbol_source *src)
{
	const struct modtree_symver *sv = t->symvers ? modtree_symvers_find(t->symvers, sym) : NULL;
	struct modtree_mod *mods = NULL;
	size_t n = 0;

	memset(src, 0, sizeof(*src));
	if (sv) {
		src->gpl = sv->gpl;
		src->gpl_known = true;
		src->ns = sv->ns;
		src->has_crc = true;
		src->crc = sv->crc;
		src->crc_from = modtree_symvers_path(t->symvers);
		if (strcmp(sv->owner, "vmlinux") == 0) {
			src->found = true;
			return;
		}
	}
	if (modtree_symbol_providers(t->mt, sym, &mods, &n) < 0)
		n = 0;
	for (size_t i = 0; i < n; i++) {
		struct provider *p;
		const struct ko_export *ex;

		if (!mods[i].path || strcmp(mods[i].name, self) == 0)
			continue;
		p = provider_get(t, mods[i].name, mods[i].path);
		src->found = true;
		src->owner = p->name;
		ex = provider_export(p, sym);
		/*
		 * The kernel compares with the CRC of the module it has loaded,
		 * this file's own: Module.symvers has none for a module built
		 * apart, and is stale for one replaced (updates/, DKMS).
		 */
		if (ex && ex->has_crc) {
			src->has_crc = true;
			src->crc = ex->crc;
			src->crc_from = p->path;
		}
		src->proprietary = p->ko && !findings_license_gpl(ko_modinfo_get(p->ko, "license"));
		if (ex) {
			src->gpl = ex->gpl;
			src->gpl_known = true;
			src->ns = ex->ns;
		}
		break;
	}
	modtree_mods_free(mods, n);
	if (!src->found && sv)
		src->listed = sv->owner;
	if (!src->found && findings_running_exports(t))
		resolve_running(t, sym, src);
}

void findings_providers_free(struct findings_target *t)
{
	tdestroy(t->providers, provider_free);
	t->providers = NULL;
}

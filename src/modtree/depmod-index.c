// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * dm_indexes(): the index files of a module list, byte for byte as kmod
 * 30's depmod writes them. Reading is in depmod-read.c, symbols in
 * depmod-symbols.c, cycles in depmod-cycles.c, the .bin files in
 * depmod-bin.c; here the order of things and the text files.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "depmod-internal.h"

/*
 * kmod's topological sort: modules no other needs, last found first, then
 * each one's dependencies as their last user is placed. Leaves USERS > 0
 * for the modules in or behind a cycle; returns how many were placed.
 */
static size_t topo_sort(struct dmi *d, uint32_t *users)
{
	uint32_t *stack = mm_calloc(d->n + 1, sizeof(*stack));
	size_t nstack = 0, placed = 0;

	for (size_t i = 0; i < d->n; i++) {
		users[i] = d->mods[i].users;
		if (!users[i])
			stack[nstack++] = i;
	}
	while (nstack) {
		struct dmi_mod *m = &d->mods[stack[--nstack]];

		m->sort_idx = placed++;
		for (size_t k = 0; k < m->ndeps; k++)
			if (--users[m->deps[k]] == 0)
				stack[nstack++] = m->deps[k];
	}
	free(stack);
	return placed;
}

struct walk {
	const struct dmi *d;
	uint32_t *out;
	size_t n;
	uint32_t *seen; /* per module: the walk that last reached it */
	uint32_t gen;
};

static void walk_deps(struct walk *w, size_t i)
{
	const struct dmi_mod *m = &w->d->mods[i];

	for (size_t k = 0; k < m->ndeps; k++) {
		uint32_t dep = m->deps[k];

		if (w->seen[dep] == w->gen)
			continue;
		w->seen[dep] = w->gen;
		w->out[w->n++] = dep;
		walk_deps(w, dep);
	}
}

static int by_sort_idx(const void *pa, const void *pb, void *ctx)
{
	const struct dmi *d = ctx;
	uint32_t a = d->mods[*(const uint32_t *)pa].sort_idx;
	uint32_t b = d->mods[*(const uint32_t *)pb].sort_idx;

	return a < b ? -1 : a > b;
}

/* Module I's line: its dependencies, direct and indirect, in the topological order. */
static char *dep_line(struct walk *w, size_t i, struct mm_strbuf *sb)
{
	const struct dmi *d = w->d;

	w->n = 0;
	w->gen++;
	walk_deps(w, i);
	qsort_r(w->out, w->n, sizeof(*w->out), by_sort_idx, (void *)d);
	sb->len = 0;
	mm_strbuf_add(sb, d->mods[i].m->relpath);
	mm_strbuf_addc(sb, ':');
	for (size_t k = 0; k < w->n; k++) {
		mm_strbuf_addc(sb, ' ');
		mm_strbuf_add(sb, d->mods[w->out[k]].m->relpath);
	}
	return mm_strdup(sb->s);
}

char **dmi_dep_lines(const struct dmi *d)
{
	struct walk w = { d, mm_calloc(d->n + 1, sizeof(*w.out)), 0,
			  mm_calloc(d->n + 1, sizeof(*w.seen)), 0 };
	struct mm_strbuf sb = { 0 };
	char **lines = mm_calloc(d->n + 1, sizeof(*lines));

	for (size_t i = 0; i < d->n; i++)
		lines[i] = dep_line(&w, i, &sb);
	mm_strbuf_free(&sb);
	free(w.out);
	free(w.seen);
	return lines;
}

static void set(struct dm_file *f, struct mm_strbuf *sb)
{
	f->len = sb->len;
	f->data = mm_strbuf_steal(sb);
}

static void out_deps(const struct dmi *d, char *const *lines, struct dm_file *f)
{
	struct mm_strbuf sb = { 0 };

	for (size_t i = 0; i < d->n; i++) {
		mm_strbuf_add(&sb, lines[i]);
		mm_strbuf_addc(&sb, '\n');
	}
	set(f, &sb);
}

/* modules.alias, modules.softdep, modules.weakdep: one line per modinfo entry of KIND. */
static void out_info(const struct dmi *d, char kind, struct dm_file *f)
{
	struct mm_strbuf sb = { 0 };

	if (kind == DMI_ALIAS)
		mm_strbuf_add(&sb, "# Aliases extracted from modules themselves.\n");
	else if (kind == DMI_SOFTDEP)
		mm_strbuf_add(&sb, "# Soft dependencies extracted from modules themselves.\n");
	else
		mm_strbuf_add(&sb, "# Weak dependencies extracted from modules themselves.\n");
	for (size_t i = 0; i < d->n; i++) {
		const struct dmi_mod *dm = &d->mods[i];
		const char *const *info = dm->str + dm->nexports + dm->nimports;

		for (size_t j = 0; j < dm->ninfo; j++) {
			if (info[2 * j][0] != kind)
				continue;
			if (kind == DMI_ALIAS)
				mm_strbuf_addf(&sb, "alias %s %s\n", info[2 * j + 1], dm->m->name);
			else
				mm_strbuf_addf(&sb, "%s %s %s\n",
					       kind == DMI_SOFTDEP ? "softdep" : "weakdep",
					       dm->m->name, info[2 * j + 1]);
		}
	}
	set(f, &sb);
}

static void out_symbols(const struct dmi *d, const struct dmi_sym *const *order, size_t n,
			struct dm_file *f)
{
	struct mm_strbuf sb = { 0 };

	mm_strbuf_add(&sb, "# Aliases for symbols, used by symbol_request().\n");
	for (size_t i = 0; i < n; i++)
		mm_strbuf_addf(&sb, "alias symbol:%s %s\n", order[i]->name,
			       d->mods[order[i]->owner].m->name);
	set(f, &sb);
}

/* devname: plus char-major-/block-major- aliases make a line; the last pair seen before both are
 * known. */
static void devname_line(const struct dmi_mod *dm, struct mm_strbuf *sb)
{
	const char *const *info = dm->str + dm->nexports + dm->nimports;
	const char *devname = NULL;
	char type = '\0';
	unsigned int major = 0, minor = 0, maj, min;

	for (size_t j = 0; j < dm->ninfo && !(type && devname); j++) {
		const char *v = info[2 * j + 1];

		if (info[2 * j][0] != DMI_ALIAS)
			continue;
		if (strncmp(v, "devname:", 8) == 0)
			devname = v + 8;
		else if (sscanf(v, "char-major-%u-%u", &maj, &min) == 2)
			type = 'c', major = maj, minor = min;
		else if (sscanf(v, "block-major-%u-%u", &maj, &min) == 2)
			type = 'b', major = maj, minor = min;
	}
	if (!devname)
		return;
	if (!type) {
		/* clang-format off */
		mm_warn("Module '%s' has devname (%s) but lacks major and minor information. Ignoring.", dm->m->name, devname);
		/* clang-format on */
		return;
	}
	if (!sb->len)
		mm_strbuf_add(sb, "# Device nodes to trigger on-demand module loading.\n");
	mm_strbuf_addf(sb, "%s %s %c%u:%u\n", dm->m->name, devname, type, major, minor);
}

static void out_devname(const struct dmi *d, struct dm_file *f)
{
	struct mm_strbuf sb = { 0 };

	for (size_t i = 0; i < d->n; i++)
		devname_line(&d->mods[i], &sb);
	set(f, &sb);
}

static int load(struct dmi *d)
{
	uint32_t *users = mm_calloc(d->n + 1, sizeof(*users));
	int err = 0;

	dmi_read_modules(d);
	for (size_t i = 0; i < d->n; i++)
		if (d->mods[i].error)
			mm_warn("%s: %s", d->mods[i].m->path, d->mods[i].error);
	err = dmi_symbols_load(d);
	if (err < 0)
		goto out;
	dmi_dependencies_load(d);
	if (topo_sort(d, users) < d->n)
		err = dmi_report_cycles(d, users);
out:
	free(users);
	return err;
}

static void free_dmi(struct dmi *d)
{
	for (size_t i = 0; i < d->n; i++) {
		free(d->mods[i].arena);
		free(d->mods[i].str);
		free(d->mods[i].error);
		free(d->mods[i].deps);
		free(d->mods[i].crc);
		free(d->mods[i].weak);
	}
	free(d->kernel_syms);
	free(d->mods);
	free(d->syms);
	mm_hash_free(&d->symtab);
}

/* modules.alias.bin, made beside the others (the largest: ~30,000 keys). */
struct alias_bin {
	const struct dmi *d;
	struct dm_file *f;
	int err;
};

static void *alias_bin(void *arg)
{
	struct alias_bin *a = arg;

	a->err = dmi_alias_bin(a->d, a->f);
	return NULL;
}

/*
 * The .bin files into F at AT (modules.dep.bin, .alias.bin, .symbols.bin,
 * .builtin.bin, .builtin.alias.bin), modules.alias.bin in a second thread;
 * the builtin ones after it, so that warnings come in kmod's order.
 */
static int bins(const struct dmi *d, char **lines, const struct dmi_sym **order, size_t nsyms,
		struct dm_file *f, const size_t at[5])
{
	struct alias_bin a = { d, &f[at[1]], 0 };
	pthread_t t;
	bool helper = pthread_create(&t, NULL, alias_bin, &a) == 0;
	int err;

	if (!helper)
		alias_bin(&a);
	err = dmi_dep_bin(d, lines, &f[at[0]]);
	if (err >= 0)
		err = dmi_symbols_bin(d, order, nsyms, &f[at[2]]);
	if (helper)
		pthread_join(t, NULL);
	if (err >= 0)
		err = a.err;
	if (err >= 0)
		err = dmi_builtin_bin(d, &f[at[3]]);
	if (err >= 0)
		err = dmi_builtin_alias_bin(d, &f[at[4]]);
	return err;
}

static int output(const struct dmi *d, bool weakdep, struct dm_file *f, size_t *nf)
{
	size_t nsyms;
	const struct dmi_sym **order = dmi_symbols_order(d, &nsyms);
	char **lines = dmi_dep_lines(d);
	size_t k = 0, at[5];
	int err = 0;

	out_deps(d, lines, &f[k++]);
	at[0] = k++;
	out_info(d, DMI_ALIAS, &f[k++]);
	at[1] = k++;
	out_info(d, DMI_SOFTDEP, &f[k++]);
	if (weakdep)
		out_info(d, DMI_WEAKDEP, &f[k++]);
	out_symbols(d, order, nsyms, &f[k++]);
	at[2] = k++;
	at[3] = k++;
	at[4] = k++;
	out_devname(d, &f[k++]);
	/* -n: kmod makes no .bin file (nor reads the builtin lists only they need). */
	if (!d->c->text_only)
		err = bins(d, lines, order, nsyms, f, at);
	for (size_t i = 0; i < d->n; i++)
		free(lines[i]);
	free(lines);
	free(order);
	*nf = k;
	return err;
}

int dm_indexes(const struct depmod_config *c, const struct dm_module *mods, size_t n, bool weakdep,
	       struct dm_file **files, size_t *nfiles)
{
	static const char *const names[] = {
		"modules.dep",	       "modules.dep.bin",
		"modules.alias",       "modules.alias.bin",
		"modules.softdep",     "modules.weakdep",
		"modules.symbols",     "modules.symbols.bin",
		"modules.builtin.bin", "modules.builtin.alias.bin",
		"modules.devname",
	};
	struct dmi d = { .c = c, .n = n, .prefix = c->symbol_prefix ? c->symbol_prefix[0] : '\0' };
	struct dm_file *f = mm_calloc(MM_ARRAY_SIZE(names), sizeof(*f));
	size_t nf = 0;
	int err;

	d.mods = mm_calloc(n + 1, sizeof(*d.mods));
	for (size_t i = 0; i < n; i++)
		d.mods[i].m = &mods[i];
	err = load(&d);
	if (err >= 0)
		err = output(&d, weakdep, f, &nf);
	for (size_t i = 0, k = 0; i < MM_ARRAY_SIZE(names); i++)
		if (weakdep || strcmp(names[i], "modules.weakdep") != 0)
			f[k++].name = names[i];
	free_dmi(&d);
	if (err < 0) {
		dm_files_free(f, MM_ARRAY_SIZE(names));
		return err;
	}
	*files = f;
	*nfiles = nf;
	return 0;
}

void dm_files_free(struct dm_file *files, size_t n)
{
	if (!files)
		return;
	for (size_t i = 0; i < n; i++)
		free(files[i].data);
	free(files);
}

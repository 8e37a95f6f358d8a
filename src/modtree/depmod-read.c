// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * depmod's reading of the modules: per module, what it exports, what it
 * leaves undefined and its alias/softdep/weakdep modinfo, as kmod 30's
 * libkmod lists them. Modules are independent, so two threads share them.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "depmod-internal.h"
#include "mymod/ko.h"

/* Offsets into the arena while it grows; made pointers at the end. */
struct reader {
	struct mm_strbuf sb;
	size_t *offs;
	uint32_t *crc;
	bool *weak;
	size_t n, cap;
};

/* A string, with the CRC and weakness of the symbol it names. */
static void put_sym(struct reader *r, const char *s, uint32_t crc, bool weak)
{
	if (r->n == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 64;
		r->offs = mm_reallocarray(r->offs, r->cap, sizeof(*r->offs));
		r->crc = mm_reallocarray(r->crc, r->cap, sizeof(*r->crc));
		r->weak = mm_reallocarray(r->weak, r->cap, sizeof(*r->weak));
	}
	r->crc[r->n] = crc;
	r->weak[r->n] = weak;
	r->offs[r->n++] = r->sb.len;
	mm_strbuf_addn(&r->sb, s, strlen(s) + 1);
}

static void put(struct reader *r, const char *s)
{
	put_sym(r, s, 0, false);
}

/*
 * kmod 30 lists a module's __crc_ symbols when it has any (modversions),
 * else every string of __ksymtab_strings, where a namespace's name is too.
 */
static int read_exports(struct reader *r, struct ko *ko, size_t *n)
{
	const struct ko_export *e;
	size_t ne, first = r->n;
	bool crcs = false;
	int err = ko_exports(ko, &e, &ne);

	if (err < 0)
		return err;
	for (size_t i = 0; i < ne; i++) {
		crcs |= e[i].has_crc;
		put_sym(r, e[i].name, e[i].crc, false);
	}
	for (size_t i = 0; i < ne && !crcs; i++) {
		bool seen = false;

		if (!e[i].ns)
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = e[j].ns && strcmp(e[j].ns, e[i].ns) == 0;
		if (!seen)
			put(r, e[i].ns);
	}
	*n = r->n - first;
	return 0;
}

/* The undefined symbols, then the __versions entries none of them matched (module_layout). */
static int read_imports(struct reader *r, struct ko *ko, size_t *n)
{
	const struct ko_import *imp;
	const struct ko_version *v;
	struct mm_hash first = { 0 };
	bool *matched;
	size_t ni, nv, start = r->n;
	int err = ko_imports(ko, &imp, &ni);

	if (err >= 0)
		err = ko_versions(ko, &v, &nv);
	if (err < 0)
		return err;
	for (size_t i = 0; i < ni; i++)
		put_sym(r, imp[i].name, imp[i].crc, imp[i].weak);
	matched = mm_calloc(nv + 1, sizeof(*matched));
	mm_hash_reserve(&first, nv);
	for (size_t i = 0; i < nv; i++)
		mm_hash_add(&first, v[i].name, &v[i]);
	for (size_t i = 0; i < ni && nv; i++) {
		const struct ko_version *hit = mm_hash_get(&first, imp[i].name);

		if (hit)
			matched[hit - v] = true;
	}
	for (size_t i = 0; i < nv; i++)
		if (!matched[i])
			put_sym(r, v[i].name, v[i].crc, false);
	mm_hash_free(&first);
	free(matched);
	*n = r->n - start;
	return 0;
}

static int read_info(struct reader *r, struct ko *ko, size_t *n)
{
	static const struct {
		const char *key;
		const char *kind;
	} keep[] = { { "alias", "a" }, { "softdep", "s" }, { "weakdep", "w" } };
	const struct ko_modinfo *kv;
	size_t nkv;
	int err = ko_modinfo(ko, &kv, &nkv);

	if (err < 0)
		return err;
	*n = 0;
	for (size_t i = 0; i < nkv; i++)
		for (size_t k = 0; k < MM_ARRAY_SIZE(keep); k++)
			if (strcmp(kv[i].key, keep[k].key) == 0) {
				put(r, keep[k].kind);
				put(r, kv[i].value);
				(*n)++;
			}
	return 0;
}

static void read_one(struct dmi_mod *dm)
{
	struct reader r = { 0 };
	struct ko *ko = NULL;
	int err = ko_open(dm->m->path, &ko);
	int e2;

	if (err >= 0)
		err = read_exports(&r, ko, &dm->nexports);
	/* A part that fails leaves the others, as kmod reads each on its own. */
	e2 = err >= 0 ? read_imports(&r, ko, &dm->nimports) : 0;
	if (e2 < 0)
		err = e2;
	e2 = ko ? read_info(&r, ko, &dm->ninfo) : 0;
	if (e2 < 0 && err >= 0)
		err = e2;
	if (err < 0)
		dm->error = mm_strdup(mm_errmsg());
	ko_close(ko);
	dm->arena = r.sb.s;
	dm->str = mm_calloc(r.n + 1, sizeof(*dm->str));
	for (size_t i = 0; i < r.n; i++)
		dm->str[i] = dm->arena + r.offs[i];
	dm->crc = r.crc;
	dm->weak = r.weak;
	free(r.offs);
}

struct pool {
	struct dmi *d;
	atomic_size_t next;
};

static void *worker(void *arg)
{
	struct pool *p = arg;
	size_t i;

	while ((i = atomic_fetch_add(&p->next, 1)) < p->d->n)
		read_one(&p->d->mods[i]);
	return NULL;
}

void dmi_read_modules(struct dmi *d)
{
	struct pool p = { .d = d };
	pthread_t t;
	bool helper = d->n > 16 && pthread_create(&t, NULL, worker, &p) == 0;

	worker(&p);
	if (helper)
		pthread_join(t, NULL);
}

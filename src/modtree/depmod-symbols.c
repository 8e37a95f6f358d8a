// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * depmod's symbols: who provides each (the last module in order that
 * exports it, as kmod's hash_add() replaces), the dependencies they make,
 * and modules.symbols in the order kmod's hash table walks them.
 */
#include <stdlib.h>
#include <string.h>

#include "depmod-internal.h"

/* kmod's hash_superfast() (Paul Hsieh's), on host-order 16-bit reads and signed chars as x86 kmod.
 */
static uint32_t superfast(const char *key)
{
	uint32_t len = strlen(key), h = len, tmp, rem = len & 3;
	uint16_t a, b;

	for (len /= 4; len > 0; len--, key += 4) {
		memcpy(&a, key, 2);
		memcpy(&b, key + 2, 2);
		h += a;
		tmp = ((uint32_t)b << 11) ^ h;
		h = (h << 16) ^ tmp;
		h += h >> 11;
	}
	if (rem)
		memcpy(&a, key, rem == 1 ? 1 : 2);
	if (rem == 3) {
		h += a;
		h ^= h << 16;
		h ^= (uint32_t)((int)(signed char)key[2] << 18);
		h += h >> 11;
	} else if (rem == 2) {
		h += a;
		h ^= h << 11;
		h += h >> 17;
	} else if (rem == 1) {
		h += (uint32_t)(int)(signed char)key[0];
		h ^= h << 10;
		h += h >> 1;
	}
	h ^= h << 3;
	h += h >> 5;
	h ^= h << 4;
	h += h >> 17;
	h ^= h << 25;
	h += h >> 6;
	return h;
}

/* depmod's symbol table: 2048 buckets, each sorted by name. */
#define KMOD_SYMBOL_BUCKETS 2048u

void dmi_symbols_load(struct dmi *d)
{
	size_t total = 0;

	for (size_t i = 0; i < d->n; i++)
		total += d->mods[i].nexports;
	d->syms = mm_calloc(total + 1, sizeof(*d->syms));
	mm_hash_reserve(&d->symtab, total);
	for (size_t i = 0; i < d->n; i++) {
		const struct dmi_mod *dm = &d->mods[i];

		for (size_t j = 0; j < dm->nexports; j++) {
			const char *name = dm->str[j];
			struct dmi_sym *s;

			if (name[0] == d->prefix && name[0])
				name++;
			s = (struct dmi_sym *)mm_hash_get(&d->symtab, name);
			if (s) {
				s->owner = i;
				continue;
			}
			s = &d->syms[d->nsyms++];
			*s = (struct dmi_sym){ name, i,
					       superfast(name) & (KMOD_SYMBOL_BUCKETS - 1) };
			mm_hash_add(&d->symtab, name, s);
		}
	}
}

static void add_dep(struct dmi *d, struct dmi_mod *dm, uint32_t owner)
{
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

const struct dmi_sym **dmi_symbols_order(const struct dmi *d)
{
	const struct dmi_sym **v = mm_calloc(d->nsyms + 1, sizeof(*v));

	for (size_t i = 0; i < d->nsyms; i++)
		v[i] = &d->syms[i];
	qsort(v, d->nsyms, sizeof(*v), sym_cmp);
	return v;
}

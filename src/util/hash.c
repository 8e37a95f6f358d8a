// SPDX-License-Identifier: LGPL-2.1-or-later
/* A string-keyed hash table: open addressing, linear probing, FNV-1a. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/util.h"

static uint32_t hash_of(const char *key)
{
	uint32_t v = 2166136261u;

	for (; *key; key++)
		v = (v ^ (unsigned char)*key) * 16777619u;
	return v;
}

/* The slot holding KEY (of hash V), or the empty one where it would go. */
static struct mm_hash_entry *probe(const struct mm_hash *h, const char *key, uint32_t v)
{
	size_t i = v & h->mask;

	while (h->slots[i].key && (h->slots[i].hash != v || strcmp(h->slots[i].key, key) != 0))
		i = (i + 1) & h->mask;
	return &h->slots[i];
}

/* At least twice as many slots as N entries. */
static void resize(struct mm_hash *h, size_t n)
{
	struct mm_hash old = *h;
	size_t cap = 16;

	while (cap < 2 * n)
		cap *= 2;
	if (h->slots && cap <= h->mask + 1)
		return;
	h->slots = mm_calloc(cap, sizeof(*h->slots));
	h->mask = cap - 1;
	/* The keys are distinct: each goes to the first free slot, no comparison. */
	for (size_t i = 0; old.slots && i <= old.mask; i++) {
		size_t j;

		if (!old.slots[i].key)
			continue;
		for (j = old.slots[i].hash & h->mask; h->slots[j].key; j = (j + 1) & h->mask)
			;
		h->slots[j] = old.slots[i];
	}
	free(old.slots);
}

void mm_hash_reserve(struct mm_hash *h, size_t n)
{
	resize(h, n);
}

bool mm_hash_add(struct mm_hash *h, const char *key, const void *value)
{
	uint32_t v = hash_of(key);
	struct mm_hash_entry *e;

	if (!h->slots || 2 * (h->n + 1) > h->mask + 1)
		resize(h, h->n + 1);
	e = probe(h, key, v);
	if (e->key)
		return false;
	*e = (struct mm_hash_entry){ .key = key, .value = value, .hash = v };
	h->n++;
	return true;
}

const struct mm_hash_entry *mm_hash_find(const struct mm_hash *h, const char *key)
{
	const struct mm_hash_entry *e;

	if (!h->slots)
		return NULL;
	e = probe(h, key, hash_of(key));
	return e->key ? e : NULL;
}

const void *mm_hash_get(const struct mm_hash *h, const char *key)
{
	const struct mm_hash_entry *e = mm_hash_find(h, key);

	return e ? e->value : NULL;
}

void mm_hash_free(struct mm_hash *h)
{
	free(h->slots);
	*h = (struct mm_hash){ 0 };
}

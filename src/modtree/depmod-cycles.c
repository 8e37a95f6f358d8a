// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * depmod's report of dependency cycles, as kmod 30 words and orders it:
 * from each module left over by the topological sort, a depth-first walk
 * that prints every path back to where it started, then the count of
 * modules on a cycle. Unlike kmod, a walk never follows a path round a
 * cycle that does not pass through its start, so it always ends.
 *
 * The roots are kmod's list of them, a circular list whose head moves:
 * taking a root takes the head, and removing another module makes the one
 * after it the head (libkmod's kmod_list_remove_data()), which decides
 * where each cycle is said to start.
 */
#include <errno.h>
#include <stdlib.h>

#include "depmod-internal.h"

struct vertex {
	uint32_t mod;
	size_t parent; /* index in the walk's vertices, SIZE_MAX for the start */
};

struct cycles {
	struct dmi *d;
	bool *visited, *looped; /* per module: walked, on a cycle */
	uint32_t *next, *prev;	/* the roots: a circular list; NONE when not in it */
	uint32_t head;
	struct vertex *v;
	size_t nv, cap;
	size_t *stack;
	size_t nstack, capstack;
	size_t nlooped;
};

#define NONE UINT32_MAX

/* Take MOD out of the roots; the one after it becomes the head (kmod_list_remove_data()). */
static void roots_remove(struct cycles *cy, uint32_t mod)
{
	uint32_t next = cy->next[mod];

	if (next == NONE)
		return;
	if (next == mod) {
		cy->head = NONE;
	} else {
		cy->prev[next] = cy->prev[mod];
		cy->next[cy->prev[mod]] = next;
		cy->head = next;
	}
	cy->next[mod] = cy->prev[mod] = NONE;
}

static size_t vertex_new(struct cycles *cy, uint32_t mod, size_t parent)
{
	if (cy->nv == cy->cap) {
		cy->cap = cy->cap ? 2 * cy->cap : 64;
		cy->v = mm_reallocarray(cy->v, cy->cap, sizeof(*cy->v));
	}
	cy->v[cy->nv] = (struct vertex){ mod, parent };
	return cy->nv++;
}

static void push(struct cycles *cy, size_t vertex)
{
	if (cy->nstack == cy->capstack) {
		cy->capstack = cy->capstack ? 2 * cy->capstack : 64;
		cy->stack = mm_reallocarray(cy->stack, cy->capstack, sizeof(*cy->stack));
	}
	cy->stack[cy->nstack++] = vertex;
}

/* Is MOD already on the path that leads to vertex AT (its start excluded)? */
static bool on_path(const struct cycles *cy, size_t at, uint32_t mod)
{
	for (; cy->v[at].parent != SIZE_MAX; at = cy->v[at].parent)
		if (cy->v[at].mod == mod)
			return true;
	return false;
}

static void report_one(struct cycles *cy, size_t end)
{
	struct mm_strbuf sb = { 0 };
	size_t n = 0, *path;

	for (size_t at = cy->v[end].parent; at != SIZE_MAX; at = cy->v[at].parent)
		n++;
	path = mm_calloc(n + 1, sizeof(*path));
	for (size_t at = cy->v[end].parent, k = n; at != SIZE_MAX; at = cy->v[at].parent)
		path[--k] = at;
	for (size_t k = 0; k < n; k++) {
		uint32_t mod = cy->v[path[k]].mod;

		if (!cy->looped[mod]) {
			cy->looped[mod] = true;
			cy->nlooped++;
		}
		roots_remove(cy, mod);
		mm_strbuf_add(&sb, cy->d->mods[mod].m->name);
		mm_strbuf_add(&sb, " -> ");
	}
	mm_strbuf_add(&sb, cy->d->mods[cy->v[end].mod].m->name);
	mm_error("Cycle detected: %s", sb.s);
	mm_strbuf_free(&sb);
	free(path);
}

static void walk_from(struct cycles *cy, uint32_t root)
{
	cy->nv = cy->nstack = 0;
	push(cy, vertex_new(cy, root, SIZE_MAX));
	while (cy->nstack) {
		size_t at = cy->stack[--cy->nstack];
		uint32_t mod = cy->v[at].mod;
		const struct dmi_mod *m = &cy->d->mods[mod];

		if (cy->visited[mod] && mod == root) {
			report_one(cy, at);
			continue;
		}
		cy->visited[mod] = true;
		if (!m->ndeps) {
			roots_remove(cy, mod);
			continue;
		}
		for (size_t k = 0; k < m->ndeps; k++)
			if (m->deps[k] == root || !on_path(cy, at, m->deps[k]))
				push(cy, vertex_new(cy, m->deps[k], at));
	}
}

/* The roots: the modules left over by the sort (USERS), in order, as a circular list. */
static void roots_init(struct cycles *cy, const uint32_t *users)
{
	uint32_t first = NONE, last = NONE;

	cy->next = mm_malloc((cy->d->n + 1) * sizeof(*cy->next));
	cy->prev = mm_malloc((cy->d->n + 1) * sizeof(*cy->prev));
	for (size_t i = 0; i < cy->d->n; i++) {
		cy->next[i] = cy->prev[i] = NONE;
		if (!users[i])
			continue;
		if (first == NONE)
			first = (uint32_t)i;
		else
			cy->next[last] = (uint32_t)i;
		cy->prev[i] = last;
		last = (uint32_t)i;
	}
	if (first != NONE) {
		cy->next[last] = first;
		cy->prev[first] = last;
	}
	cy->head = first;
}

int dmi_report_cycles(struct dmi *d, const uint32_t *users)
{
	struct cycles cy = { .d = d };
	size_t n;

	cy.visited = mm_calloc(d->n + 1, sizeof(bool));
	cy.looped = mm_calloc(d->n + 1, sizeof(bool));
	roots_init(&cy, users);
	while (cy.head != NONE) {
		uint32_t root = cy.head;

		roots_remove(&cy, root);
		walk_from(&cy, root);
	}
	n = cy.nlooped;
	free(cy.visited);
	free(cy.looped);
	free(cy.next);
	free(cy.prev);
	free(cy.v);
	free(cy.stack);
	return mm_fail(ELOOP, "Found %zu modules in dependency cycles!", n);
}

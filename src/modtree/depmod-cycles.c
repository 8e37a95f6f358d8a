// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * depmod's report of dependency cycles, as kmod 30 words and orders it:
 * from each module left over by the topological sort, a depth-first walk
 * that prints every path back to where it started, then the count of
 * modules on a cycle. Unlike kmod, a walk never follows a path round a
 * cycle that does not pass through its start, so it always ends.
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
	bool *visited, *gone, *looped; /* per module: walked, out of the roots, on a cycle */
	struct vertex *v;
	size_t nv, cap;
	size_t *stack;
	size_t nstack, capstack;
	size_t nlooped;
};

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
		cy->gone[mod] = true;
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
			cy->gone[mod] = true;
			continue;
		}
		for (size_t k = 0; k < m->ndeps; k++)
			if (m->deps[k] == root || !on_path(cy, at, m->deps[k]))
				push(cy, vertex_new(cy, m->deps[k], at));
	}
}

int dmi_report_cycles(struct dmi *d, const uint32_t *users)
{
	struct cycles cy = { .d = d };
	size_t n;

	cy.visited = mm_calloc(d->n + 1, sizeof(bool));
	cy.gone = mm_calloc(d->n + 1, sizeof(bool));
	cy.looped = mm_calloc(d->n + 1, sizeof(bool));
	for (size_t i = 0; i < d->n; i++) {
		if (!users[i] || cy.gone[i])
			continue;
		cy.gone[i] = true;
		walk_from(&cy, i);
	}
	n = cy.nlooped;
	free(cy.visited);
	free(cy.gone);
	free(cy.looped);
	free(cy.v);
	free(cy.stack);
	return mm_fail(ELOOP, "Found %zu modules in dependency cycles!", n);
}

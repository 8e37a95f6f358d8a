// SPDX-License-Identifier: LGPL-2.1-or-later
/* The graph: nodes by name, typed edges, and what is computed on them. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/depgraph.h"
#include "mymod/util.h"

struct depgraph {
	struct dg_source src;
	struct dg_node *nodes;
	size_t n, cap;
	struct mm_hash ids; /* node name -> id */
	bool all_loaded;
};

static const char *const kind_names[DG_NKINDS] = {
	[DG_DEP] = "dep",
	[DG_SOFTDEP_PRE] = "softdep-pre",
	[DG_SOFTDEP_POST] = "softdep-post",
	[DG_WEAKDEP] = "weakdep",
};

const char *dg_kind_name(enum dg_kind kind)
{
	return (unsigned int)kind < DG_NKINDS ? kind_names[kind] : "unknown";
}

struct depgraph *depgraph_new(const struct dg_source *src)
{
	struct depgraph *g = mm_calloc(1, sizeof(*g));

	g->src = *src;
	/* The node index grows as nodes come: a modprobe walk has a dozen. */
	return g;
}

void depgraph_free(struct depgraph *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++) {
		struct dg_node *nd = &g->nodes[i];

		for (size_t e = 0; e < nd->nedges; e++)
			free((char *)nd->edges[e].via);
		free(nd->edges);
		free((char *)nd->name);
		free((char *)nd->path);
	}
	free(g->nodes);
	mm_hash_free(&g->ids);
	free(g);
}

size_t depgraph_count(const struct depgraph *g)
{
	return g->n;
}

const struct dg_node *depgraph_node(const struct depgraph *g, unsigned int id)
{
	return &g->nodes[id];
}

int depgraph_find(const struct depgraph *g, const char *name)
{
	const struct mm_hash_entry *e = mm_hash_find(&g->ids, name);

	return e ? (int)(uintptr_t)e->value : -1;
}

unsigned int depgraph_add_node(struct depgraph *g, const char *name, const char *path, bool builtin)
{
	int found = depgraph_find(g, name);
	struct dg_node *nd;

	if (found >= 0)
		return (unsigned int)found;
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 64;
		g->nodes = mm_reallocarray(g->nodes, g->cap, sizeof(*g->nodes));
	}
	nd = &g->nodes[g->n];
	*nd = (struct dg_node){
		.name = mm_strdup(name),
		.path = path ? mm_strdup(path) : NULL,
		.builtin = builtin,
		.loaded = -1,
	};
	mm_hash_add(&g->ids, nd->name, (const void *)(uintptr_t)g->n);
	return (unsigned int)g->n++;
}

static bool same_via(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

void depgraph_add_edge(struct depgraph *g, unsigned int from, unsigned int to, enum dg_kind kind,
		       const char *via)
{
	struct dg_node *nd = &g->nodes[from];

	for (size_t e = 0; e < nd->nedges; e++)
		if (nd->edges[e].to == to && nd->edges[e].kind == kind &&
		    same_via(nd->edges[e].via, via))
			return;
	nd->edges = mm_reallocarray(nd->edges, nd->nedges + 1, sizeof(*nd->edges));
	nd->edges[nd->nedges++] = (struct dg_edge){
		.to = to,
		.kind = kind,
		.via = via ? mm_strdup(via) : NULL,
		.direct = true,
	};
}

void depgraph_set_loaded(struct depgraph *g, unsigned int id, bool loaded)
{
	g->nodes[id].loaded = loaded;
}

int depgraph_lookup(struct depgraph *g, const char *arg, unsigned int **ids, const char ***vias,
		    size_t *n)
{
	*ids = NULL;
	*vias = NULL;
	*n = 0;
	if (!g->src.lookup)
		return mm_fail(ENOTSUP, "this graph cannot look up names");
	return g->src.lookup(g, arg, ids, vias, n, g->src.data);
}

/* Node ID's edges of KINDS, when the source can give some kinds only; else all of them. */
static int expand_kinds(struct depgraph *g, unsigned int id, unsigned int kinds)
{
	struct dg_node *nd = &g->nodes[id];
	unsigned int want = kinds & ~nd->kinds_asked;

	if (!g->src.expand_kinds)
		return depgraph_expand(g, id);
	if (nd->expanded || !want)
		return 0;
	nd->kinds_asked |= want;
	nd->expanded = nd->kinds_asked == DG_KINDS_ALL;
	return g->src.expand_kinds(g, id, want, g->src.data);
}

int depgraph_expand(struct depgraph *g, unsigned int id)
{
	if (g->nodes[id].expanded)
		return 0;
	if (g->src.expand_kinds)
		return expand_kinds(g, id, DG_KINDS_ALL);
	g->nodes[id].expanded = true;
	if (!g->src.expand)
		return 0;
	return g->src.expand(g, id, g->src.data);
}

int depgraph_load_all(struct depgraph *g)
{
	int err;

	if (g->all_loaded)
		return 0;
	if (g->src.all) {
		err = g->src.all(g, g->src.data);
		if (err < 0)
			return err;
	}
	/* Expanding may add nodes (softdep targets): g->n grows as we go. */
	for (size_t i = 0; i < g->n; i++) {
		err = depgraph_expand(g, (unsigned int)i);
		if (err < 0)
			return err;
	}
	g->all_loaded = true;
	return 0;
}

void dg_view_free(struct dg_view *v)
{
	free(v->in);
	free(v->roots);
	memset(v, 0, sizeof(*v));
}

static void view_init(struct depgraph *g, struct dg_view *v, const unsigned int *roots,
		      size_t nroots, unsigned int kinds, bool reverse)
{
	v->n = g->n;
	v->in = mm_calloc(g->n, sizeof(*v->in));
	v->kinds = kinds;
	v->roots = mm_reallocarray(NULL, nroots, sizeof(*v->roots));
	if (nroots)
		memcpy(v->roots, roots, nroots * sizeof(*roots));
	v->nroots = nroots;
	v->reverse = reverse;
}

int depgraph_closure(struct depgraph *g, const unsigned int *roots, size_t nroots,
		     unsigned int kinds, struct dg_view *v)
{
	unsigned int *queue = NULL;
	size_t head = 0, tail = 0, cap = 0;
	bool *seen = NULL;
	size_t nseen = 0;
	int err = 0;

	for (size_t r = 0; r < nroots; r++) {
		queue = mm_reallocarray(queue, ++cap, sizeof(*queue));
		queue[tail++] = roots[r];
	}
	/* The graph grows while we walk it, so "seen" is sized on demand. */
	while (head < tail) {
		unsigned int id = queue[head++];
		const struct dg_node *nd;

		if (id >= nseen) {
			seen = mm_reallocarray(seen, g->n, sizeof(*seen));
			memset(seen + nseen, 0, (g->n - nseen) * sizeof(*seen));
			nseen = g->n;
		}
		if (seen[id])
			continue;
		seen[id] = true;
		err = depgraph_expand(g, id);
		if (err < 0)
			goto out;
		nd = &g->nodes[id];
		for (size_t e = 0; e < nd->nedges; e++) {
			if (!(kinds & DG_KIND_BIT(nd->edges[e].kind)))
				continue;
			if (tail == cap) {
				cap = cap * 2 + 16;
				queue = mm_reallocarray(queue, cap, sizeof(*queue));
			}
			queue[tail++] = nd->edges[e].to;
		}
	}
	view_init(g, v, roots, nroots, kinds, false);
	for (size_t i = 0; i < nseen; i++)
		v->in[i] = seen[i];
out:
	free(queue);
	free(seen);
	return err;
}

int depgraph_reverse(struct depgraph *g, const unsigned int *roots, size_t nroots,
		     unsigned int kinds, struct dg_view *v)
{
	size_t *first, *next, *from, nrev = 0;
	unsigned int *stack;
	size_t sp = 0;
	int err;

	err = depgraph_load_all(g);
	if (err < 0)
		return err;
	/* Edges read the other way, as linked lists: first[to] -> next[...]. */
	first = mm_reallocarray(NULL, g->n, sizeof(*first));
	for (size_t i = 0; i < g->n; i++)
		first[i] = SIZE_MAX;
	for (size_t i = 0; i < g->n; i++)
		nrev += g->nodes[i].nedges;
	next = mm_reallocarray(NULL, nrev, sizeof(*next));
	from = mm_reallocarray(NULL, nrev, sizeof(*from));
	nrev = 0;
	for (size_t i = 0; i < g->n; i++) {
		const struct dg_node *nd = &g->nodes[i];

		for (size_t e = nd->nedges; e-- > 0;) {
			if (!(kinds & DG_KIND_BIT(nd->edges[e].kind)))
				continue;
			from[nrev] = i;
			next[nrev] = first[nd->edges[e].to];
			first[nd->edges[e].to] = nrev++;
		}
	}
	view_init(g, v, roots, nroots, kinds, true);
	stack = mm_reallocarray(NULL, g->n + nroots, sizeof(*stack));
	for (size_t r = 0; r < nroots; r++)
		stack[sp++] = roots[r];
	while (sp > 0) {
		unsigned int id = stack[--sp];

		if (v->in[id])
			continue;
		v->in[id] = true;
		for (size_t l = first[id]; l != SIZE_MAX; l = next[l])
			if (!v->in[from[l]])
				stack[sp++] = (unsigned int)from[l];
	}
	free(stack);
	free(first);
	free(next);
	free(from);
	return 0;
}

int depgraph_everything(struct depgraph *g, struct dg_view *v)
{
	int err = depgraph_load_all(g);

	if (err < 0)
		return err;
	view_init(g, v, NULL, 0, DG_KINDS_ALL, false);
	for (size_t i = 0; i < g->n; i++)
		v->in[i] = true;
	return 0;
}

static bool follows(const struct dg_view *v, const struct dg_edge *e)
{
	return (v->kinds & DG_KIND_BIT(e->kind)) && e->to < v->n && v->in[e->to];
}

/* Tarjan's strongly connected components over the view's DG_DEP edges. */
struct scc {
	struct depgraph *g;
	const struct dg_view *v;
	int *index, *low;
	bool *onstack;
	unsigned int *stack;
	size_t sp;
	int next;
	unsigned int **cycles;
	size_t *sizes, ncycles;
};

static bool self_loop(const struct dg_node *nd, unsigned int id)
{
	for (size_t e = 0; e < nd->nedges; e++)
		if (nd->edges[e].kind == DG_DEP && nd->edges[e].to == id)
			return true;
	return false;
}

static void scc_visit(struct scc *s, unsigned int id)
{
	const struct dg_node *nd = &s->g->nodes[id];

	s->index[id] = s->low[id] = s->next++;
	s->stack[s->sp++] = id;
	s->onstack[id] = true;
	for (size_t e = 0; e < nd->nedges; e++) {
		unsigned int to = nd->edges[e].to;

		if (nd->edges[e].kind != DG_DEP || !follows(s->v, &nd->edges[e]))
			continue;
		if (s->index[to] < 0) {
			scc_visit(s, to);
			if (s->low[to] < s->low[id])
				s->low[id] = s->low[to];
		} else if (s->onstack[to] && s->index[to] < s->low[id]) {
			s->low[id] = s->index[to];
		}
	}
	if (s->low[id] != s->index[id])
		return;
	{
		size_t start = s->sp;
		unsigned int *members;
		size_t n;

		do
			start--;
		while (s->stack[start] != id);
		n = s->sp - start;
		for (size_t i = start; i < s->sp; i++)
			s->onstack[s->stack[i]] = false;
		if (n > 1 || self_loop(nd, id)) {
			members = mm_reallocarray(NULL, n, sizeof(*members));
			memcpy(members, s->stack + start, n * sizeof(*members));
			s->cycles = mm_reallocarray(s->cycles, s->ncycles + 1, sizeof(*s->cycles));
			s->sizes = mm_reallocarray(s->sizes, s->ncycles + 1, sizeof(*s->sizes));
			s->cycles[s->ncycles] = members;
			s->sizes[s->ncycles] = n;
			s->ncycles++;
			for (size_t i = 0; i < n; i++)
				s->g->nodes[members[i]].cycle = (int)s->ncycles;
		}
		s->sp = start;
	}
}

static int cmp_name(const void *a, const void *b, void *g)
{
	const struct dg_node *nodes = ((struct depgraph *)g)->nodes;

	return strcmp(nodes[*(const unsigned int *)a].name, nodes[*(const unsigned int *)b].name);
}

int depgraph_cycles(struct depgraph *g, const struct dg_view *v, unsigned int ***cycles,
		    size_t **sizes, size_t *ncycles)
{
	struct scc s = { .g = g, .v = v };

	s.index = mm_reallocarray(NULL, v->n, sizeof(*s.index));
	s.low = mm_reallocarray(NULL, v->n, sizeof(*s.low));
	s.onstack = mm_calloc(v->n, sizeof(*s.onstack));
	s.stack = mm_reallocarray(NULL, v->n, sizeof(*s.stack));
	for (size_t i = 0; i < v->n; i++) {
		s.index[i] = -1;
		g->nodes[i].cycle = 0;
	}
	for (size_t i = 0; i < v->n; i++)
		if (v->in[i] && s.index[i] < 0)
			scc_visit(&s, (unsigned int)i);
	for (size_t c = 0; c < s.ncycles; c++)
		qsort_r(s.cycles[c], s.sizes[c], sizeof(**s.cycles), cmp_name, g);
	free(s.index);
	free(s.low);
	free(s.onstack);
	free(s.stack);
	*cycles = s.cycles;
	*sizes = s.sizes;
	*ncycles = s.ncycles;
	return 0;
}

void depgraph_cycles_free(unsigned int **cycles, size_t *sizes, size_t ncycles)
{
	for (size_t c = 0; c < ncycles; c++)
		free(cycles[c]);
	free(cycles);
	free(sizes);
}

/* Mark (with STAMP) everything reachable from ID's DG_DEP edges, not ID itself. */
static void mark_below(struct depgraph *g, const struct dg_view *v, unsigned int id,
		       unsigned int *mark, unsigned int stamp, unsigned int *stack)
{
	size_t sp = 0;

	stack[sp++] = id;
	while (sp > 0) {
		const struct dg_node *nd = &g->nodes[stack[--sp]];

		for (size_t e = 0; e < nd->nedges; e++) {
			unsigned int to = nd->edges[e].to;

			if (nd->edges[e].kind != DG_DEP || !follows(v, &nd->edges[e]) ||
			    mark[to] == stamp)
				continue;
			mark[to] = stamp;
			stack[sp++] = to;
		}
	}
}

void depgraph_reduce(struct depgraph *g, const struct dg_view *v)
{
	unsigned int *mark = mm_calloc(v->n, sizeof(*mark));
	unsigned int *stack = mm_reallocarray(NULL, v->n + 1, sizeof(*stack));
	unsigned int **cycles;
	size_t *sizes, ncycles;

	depgraph_cycles(g, v, &cycles, &sizes, &ncycles);
	depgraph_cycles_free(cycles, sizes, ncycles);
	for (size_t i = 0; i < v->n; i++) {
		struct dg_node *nd = &g->nodes[i];
		unsigned int stamp = (unsigned int)i + 1;

		if (!v->in[i])
			continue;
		for (size_t e = 0; e < nd->nedges; e++)
			if (nd->edges[e].kind == DG_DEP && follows(v, &nd->edges[e]))
				mark_below(g, v, nd->edges[e].to, mark, stamp, stack);
		for (size_t e = 0; e < nd->nedges; e++) {
			struct dg_edge *ed = &nd->edges[e];

			ed->direct = ed->kind != DG_DEP || mark[ed->to] != stamp ||
				     g->nodes[ed->to].cycle != 0;
		}
	}
	free(mark);
	free(stack);
}

/* Depth-first: DG_DEP and softdep-pre targets before the node, softdep-post after. */
struct order {
	struct depgraph *g;
	const struct dg_view *v;
	bool *done;
	unsigned int *ids;
	size_t n;
};

static void order_visit(struct order *o, unsigned int id)
{
	const struct dg_node *nd = &o->g->nodes[id];

	if (o->done[id])
		return;
	o->done[id] = true;
	for (size_t e = 0; e < nd->nedges; e++)
		if ((nd->edges[e].kind == DG_DEP || nd->edges[e].kind == DG_SOFTDEP_PRE) &&
		    follows(o->v, &nd->edges[e]))
			order_visit(o, nd->edges[e].to);
	o->ids[o->n++] = id;
	for (size_t e = 0; e < nd->nedges; e++)
		if (nd->edges[e].kind == DG_SOFTDEP_POST && follows(o->v, &nd->edges[e]))
			order_visit(o, nd->edges[e].to);
}

int depgraph_load_order(struct depgraph *g, const struct dg_view *v, bool reverse,
			unsigned int **ids, size_t *n)
{
	struct order o = { .g = g, .v = v };

	o.done = mm_calloc(v->n, sizeof(*o.done));
	o.ids = mm_reallocarray(NULL, v->n, sizeof(*o.ids));
	if (!v->reverse)
		for (size_t r = 0; r < v->nroots; r++)
			order_visit(&o, v->roots[r]);
	for (size_t i = 0; i < v->n; i++)
		if (v->in[i])
			order_visit(&o, (unsigned int)i);
	if (reverse)
		for (size_t i = 0; i < o.n / 2; i++) {
			unsigned int t = o.ids[i];

			o.ids[i] = o.ids[o.n - 1 - i];
			o.ids[o.n - 1 - i] = t;
		}
	free(o.done);
	*ids = o.ids;
	*n = o.n;
	return 0;
}

/*
 * modprobe's walk (libkmod's probe list). A module is "visited" per
 * (module, alias) as libkmod's module objects are; a dependency is added
 * with its softdeps around it whether visited or not, as libkmod does.
 */
struct probe {
	struct depgraph *g;
	struct dg_probe_step **steps;
	size_t *n;
	struct dg_probe_step *visited; /* node + via only */
	size_t nvisited;
	unsigned int root;
	bool ignorecmd; /* modprobe -i: the root without its softdeps and install command */
};

static int probe_list(struct probe *p, unsigned int id, const char *via);

static int fill_softdep(struct probe *p, unsigned int id, const char *via)
{
	size_t nsoft = 0;
	/* A dependency's own dependencies are not walked: its softdeps only. */
	int err =
		expand_kinds(p->g, id, DG_KIND_BIT(DG_SOFTDEP_PRE) | DG_KIND_BIT(DG_SOFTDEP_POST));

	if (err < 0)
		return err;
	for (size_t e = 0; e < p->g->nodes[id].nedges; e++) {
		const struct dg_edge ed = p->g->nodes[id].edges[e];

		if (ed.kind == DG_SOFTDEP_POST)
			nsoft++;
		if (ed.kind != DG_SOFTDEP_PRE)
			continue;
		nsoft++;
		err = probe_list(p, ed.to, ed.via);
		if (err < 0)
			return err;
	}
	*p->steps = mm_reallocarray(*p->steps, *p->n + 1, sizeof(**p->steps));
	(*p->steps)[(*p->n)++] = (struct dg_probe_step){
		.node = id,
		.via = via,
		.ignorecmd = nsoft > 0,
	};
	for (size_t e = 0; e < p->g->nodes[id].nedges; e++) {
		const struct dg_edge ed = p->g->nodes[id].edges[e];

		if (ed.kind != DG_SOFTDEP_POST)
			continue;
		err = probe_list(p, ed.to, ed.via);
		if (err < 0)
			return err;
	}
	return 0;
}

static int probe_list(struct probe *p, unsigned int id, const char *via)
{
	int err;

	for (size_t i = 0; i < p->nvisited; i++)
		if (p->visited[i].node == id && same_via(p->visited[i].via, via))
			return 0;
	p->visited = mm_reallocarray(p->visited, p->nvisited + 1, sizeof(*p->visited));
	p->visited[p->nvisited++] = (struct dg_probe_step){ .node = id, .via = via };
	err = depgraph_expand(p->g, id);
	if (err < 0)
		return err;
	for (size_t e = 0; e < p->g->nodes[id].nedges; e++) {
		const struct dg_edge ed = p->g->nodes[id].edges[e];

		if (ed.kind != DG_DEP)
			continue;
		err = fill_softdep(p, ed.to, NULL);
		if (err < 0)
			return err;
	}
	if (!p->ignorecmd || id != p->root)
		return fill_softdep(p, id, via);
	*p->steps = mm_reallocarray(*p->steps, *p->n + 1, sizeof(**p->steps));
	(*p->steps)[(*p->n)++] =
		(struct dg_probe_step){ .node = id, .via = via, .ignorecmd = true };
	return 0;
}

int depgraph_probe_order(struct depgraph *g, unsigned int root, const char *via, bool ignorecmd,
			 struct dg_probe_step **steps, size_t *n)
{
	struct probe p = { .g = g, .steps = steps, .n = n, .root = root, .ignorecmd = ignorecmd };
	int err = probe_list(&p, root, via);

	free(p.visited);
	return err;
}

/* The tree walk: children are direct edges (or, reversed, direct edges into the node). */
struct walk {
	struct depgraph *g;
	const struct dg_view *v;
	dg_tree_cb cb;
	void *data;
	bool *shown, *onpath;
	/* reverse view: edges into each node */
	size_t *first, *next;
	const struct dg_edge **redge;
	unsigned int *rfrom;
};

static bool walk_child(const struct walk *w, const struct dg_edge *e)
{
	return e->direct && follows(w->v, e);
}

static bool has_children(const struct walk *w, unsigned int id)
{
	const struct dg_node *nd = &w->g->nodes[id];

	if (w->v->reverse)
		return w->first[id] != SIZE_MAX;
	for (size_t e = 0; e < nd->nedges; e++)
		if (walk_child(w, &nd->edges[e]))
			return true;
	return false;
}

static int walk_visit(struct walk *w, unsigned int id, const struct dg_edge *edge, void *parent,
		      unsigned int depth)
{
	struct dg_tree_item item = { .node = id, .edge = edge, .depth = depth };
	void *handle = NULL;
	int err;

	if (w->onpath[id])
		item.note = DG_TREE_CYCLE;
	else if (w->shown[id] && has_children(w, id))
		item.note = DG_TREE_SEEN;
	err = w->cb(w->g, &item, parent, &handle, w->data);
	if (err < 0 || item.note != DG_TREE_NEW)
		return err;
	w->shown[id] = true;
	w->onpath[id] = true;
	if (w->v->reverse) {
		for (size_t l = w->first[id]; l != SIZE_MAX && err >= 0; l = w->next[l])
			err = walk_visit(w, w->rfrom[l], w->redge[l], handle, depth + 1);
	} else {
		const struct dg_node *nd = &w->g->nodes[id];

		for (size_t e = 0; e < nd->nedges && err >= 0; e++)
			if (walk_child(w, &nd->edges[e]))
				err = walk_visit(w, nd->edges[e].to, &w->g->nodes[id].edges[e],
						 handle, depth + 1);
	}
	w->onpath[id] = false;
	return err;
}

int depgraph_walk_tree(struct depgraph *g, const struct dg_view *v, dg_tree_cb cb, void *data)
{
	struct walk w = { .g = g, .v = v, .cb = cb, .data = data };
	size_t nrev = 0;
	bool *incoming;
	int err = 0;

	w.shown = mm_calloc(v->n, sizeof(*w.shown));
	w.onpath = mm_calloc(v->n, sizeof(*w.onpath));
	w.first = mm_reallocarray(NULL, v->n, sizeof(*w.first));
	incoming = mm_calloc(v->n, sizeof(*incoming));
	for (size_t i = 0; i < v->n; i++) {
		w.first[i] = SIZE_MAX;
		if (v->in[i])
			nrev += g->nodes[i].nedges;
	}
	w.next = mm_reallocarray(NULL, nrev, sizeof(*w.next));
	w.redge = mm_reallocarray(NULL, nrev, sizeof(*w.redge));
	w.rfrom = mm_reallocarray(NULL, nrev, sizeof(*w.rfrom));
	nrev = 0;
	for (size_t i = 0; i < v->n; i++) {
		const struct dg_node *nd = &g->nodes[i];

		if (!v->in[i])
			continue;
		for (size_t e = nd->nedges; e-- > 0;) {
			if (!walk_child(&w, &nd->edges[e]))
				continue;
			incoming[nd->edges[e].to] = true;
			w.rfrom[nrev] = (unsigned int)i;
			w.redge[nrev] = &nd->edges[e];
			w.next[nrev] = w.first[nd->edges[e].to];
			w.first[nd->edges[e].to] = nrev++;
		}
	}
	for (size_t r = 0; r < v->nroots && err >= 0; r++)
		err = walk_visit(&w, v->roots[r], NULL, NULL, 0);
	/* A whole-graph view: start from what nothing points at, then whatever is left (cycles). */
	if (v->nroots == 0) {
		for (size_t i = 0; i < v->n && err >= 0; i++)
			if (v->in[i] && !w.shown[i] && !(v->reverse ? false : incoming[i]))
				err = walk_visit(&w, (unsigned int)i, NULL, NULL, 0);
		for (size_t i = 0; i < v->n && err >= 0; i++)
			if (v->in[i] && !w.shown[i])
				err = walk_visit(&w, (unsigned int)i, NULL, NULL, 0);
	}
	free(incoming);
	free(w.shown);
	free(w.onpath);
	free(w.first);
	free(w.next);
	free(w.redge);
	free(w.rfrom);
	return err;
}

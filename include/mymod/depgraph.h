/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * depgraph: module dependency graphs.
 *
 * A graph is a set of nodes (modules, by name) and ordered, typed edges
 * "FROM needs TO". It does not know where they come from: a source fills
 * them in. depgraph_source_modtree() reads a module directory (modules.dep,
 * softdeps, weakdeps); a source built on the running kernel's holders can
 * feed the same graph. On a graph, this layer computes closures, reverse
 * closures, cycles, the direct (transitively reduced) edges, load orders
 * (modprobe's among them), and renders DOT, Mermaid and JSON.
 *
 * Functions that can fail return 0 or a negative errno and describe the
 * failure with mm_fail(). Node ids are indexes, stable for the graph's
 * life; pointers to nodes are not (the node array grows).
 */
#pragma once

#include "mymod/json.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct depgraph;
struct modtree;

enum dg_kind {
	DG_DEP,		 /* modules.dep: must be loaded before */
	DG_SOFTDEP_PRE,	 /* softdep pre: loaded before, if it can be */
	DG_SOFTDEP_POST, /* softdep post: loaded after, if it can be */
	DG_WEAKDEP,	 /* weakdep: may be requested at run time */
};
#define DG_NKINDS      4
#define DG_KIND_BIT(k) (1u << (k))
#define DG_KINDS_ALL   ((1u << DG_NKINDS) - 1)

/* "dep", "softdep-pre", "softdep-post", "weakdep". */
const char *dg_kind_name(enum dg_kind kind);

struct dg_edge {
	unsigned int to;
	enum dg_kind kind;
	const char *via; /* the alias TO was looked up by; NULL when by name */
	bool direct;	 /* not implied by other edges (after depgraph_reduce) */
};

struct dg_node {
	const char *name;
	const char *path; /* its file; NULL when builtin or unknown */
	bool builtin;
	int loaded;	       /* 1 or 0 from a source that knows; -1 unknown */
	struct dg_edge *edges; /* out-edges, in the source's order */
	size_t nedges;
	bool expanded;		  /* its edges have been asked of the source */
	unsigned int kinds_asked; /* with expand_kinds(): the kinds asked for so far */
	int cycle;		  /* index into depgraph_cycles() + 1; 0 when in none */
};

/*
 * Where nodes and edges come from. expand() adds the out-edges of node ID
 * (depgraph_add_edge), each kind in its own order: DG_DEP in load order.
 * all() adds every node the source knows, unexpanded. lookup() resolves
 * what a user typed (a name or an alias) to nodes, with the alias each
 * was reached by (NULL when by name); *N 0 when nothing matches.
 */
struct dg_source {
	int (*expand)(struct depgraph *g, unsigned int id, void *data);
	/*
	 * Optional, used instead of expand() when set: add node ID's out-edges
	 * of KINDS (DG_KIND_BIT()s) only, each kind in expand()'s order. A walk
	 * that needs some kinds of a node (modprobe's, a dependency's softdeps)
	 * asks for those; the others come after them when asked for.
	 */
	int (*expand_kinds)(struct depgraph *g, unsigned int id, unsigned int kinds, void *data);
	int (*all)(struct depgraph *g, void *data);
	int (*lookup)(struct depgraph *g, const char *arg, unsigned int **ids, const char ***vias,
		      size_t *n, void *data);
	void *data;
};

/* A source reading module directory MT (not owned: close it after the graph). */
void depgraph_source_modtree(struct dg_source *src, struct modtree *mt);

/*
 * A source reading the running kernel (the kernel layer): the modules
 * loaded now, and who holds whom (/sys/module/NAME/holders). A module
 * needs (DG_DEP) every module it holds, oldest first; every node is
 * loaded, none has a path. Lookup finds a loaded module by name ('-' and
 * '_' alike), not by alias. Fails with -ENOSYS when the kernel has no
 * loadable-module support. Free with depgraph_source_kernel_free() after
 * the graph.
 */
int depgraph_source_kernel(struct dg_source *src);
void depgraph_source_kernel_free(struct dg_source *src);

struct depgraph *depgraph_new(const struct dg_source *src);
void depgraph_free(struct depgraph *g);

size_t depgraph_count(const struct depgraph *g);
const struct dg_node *depgraph_node(const struct depgraph *g, unsigned int id);
/* -1 when NAME is not a node. */
int depgraph_find(const struct depgraph *g, const char *name);

/* For sources: add (or find) a node; PATH and BUILTIN are kept from the first add. */
unsigned int depgraph_add_node(struct depgraph *g, const char *name, const char *path,
			       bool builtin);
/* For sources: an edge FROM needs TO; VIA is copied. A repeated edge is ignored. */
void depgraph_add_edge(struct depgraph *g, unsigned int from, unsigned int to, enum dg_kind kind,
		       const char *via);
/* For sources that know the running kernel. */
void depgraph_set_loaded(struct depgraph *g, unsigned int id, bool loaded);

/* Resolve ARG through the source. Free *IDS and *VIAS (each via is ARG or NULL). */
int depgraph_lookup(struct depgraph *g, const char *arg, unsigned int **ids, const char ***vias,
		    size_t *n);
/* Ask the source for node ID's edges, once. */
int depgraph_expand(struct depgraph *g, unsigned int id);
/* Add every node the source knows and expand them all. */
int depgraph_load_all(struct depgraph *g);

/*
 * A selection: which nodes, and which edge kinds, a rendering shows.
 * in[] has depgraph_count() entries; it is sized when made and stays
 * valid as long as no node is added.
 */
struct dg_view {
	bool *in;
	size_t n;
	unsigned int kinds;  /* DG_KIND_BIT()s of the edges followed and shown */
	unsigned int *roots; /* what was asked for, in order */
	size_t nroots;
	bool reverse; /* roots are what the others depend on */
};
void dg_view_free(struct dg_view *v);

/* ROOTS and everything they need through edges of KINDS, expanding as it goes. */
int depgraph_closure(struct depgraph *g, const unsigned int *roots, size_t nroots,
		     unsigned int kinds, struct dg_view *v);
/*
 * ROOTS and every node that needs them, directly or not, through edges
 * of KINDS: the graph read the other way. Loads the whole source.
 */
int depgraph_reverse(struct depgraph *g, const unsigned int *roots, size_t nroots,
		     unsigned int kinds, struct dg_view *v);
/* Every node (after depgraph_load_all), every kind. */
int depgraph_everything(struct depgraph *g, struct dg_view *v);

/*
 * The cycles among the view's nodes through DG_DEP edges (strongly
 * connected components of more than one node, or a node that needs
 * itself), found without looping; sets dg_node.cycle. *CYCLES[i] lists
 * the members of cycle i, by name; free with depgraph_cycles_free().
 */
int depgraph_cycles(struct depgraph *g, const struct dg_view *v, unsigned int ***cycles,
		    size_t **sizes, size_t *ncycles);
void depgraph_cycles_free(unsigned int **cycles, size_t *sizes, size_t ncycles);

/*
 * Mark dg_edge.direct on the view's edges: a DG_DEP edge FROM->TO is
 * direct unless another DG_DEP edge of FROM leads to TO (modules.dep
 * lists whole closures; this keeps the closure and drops the rest).
 * Edges into a cycle are kept. Other kinds are always direct.
 */
void depgraph_reduce(struct depgraph *g, const struct dg_view *v);

/*
 * The view's nodes in an order they can be loaded in: what a node needs
 * (DG_DEP) before it; cycle members together. With REVERSE, the order
 * they can be unloaded in. Free *IDS.
 */
int depgraph_load_order(struct depgraph *g, const struct dg_view *v, bool reverse,
			unsigned int **ids, size_t *n);

/*
 * One step of modprobe's plan for a module: load NODE, reached by alias
 * VIA (NULL by name); IGNORECMD is modprobe's flag (the node has softdeps,
 * so its install command is not used).
 */
struct dg_probe_step {
	unsigned int node;
	const char *via;
	bool ignorecmd;
};
/*
 * What `modprobe --show-depends` walks for ROOT reached by VIA, step for
 * step, repeats included: each dependency with its softdeps around it,
 * softdep modules with their dependencies, then ROOT. Appends to
 * the arrays STEPS and N (reallocated; free *STEPS). IGNORECMD is
 * modprobe -i: ROOT itself without its softdeps and install command.
 */
int depgraph_probe_order(struct depgraph *g, unsigned int root, const char *via, bool ignorecmd,
			 struct dg_probe_step **steps, size_t *n);

/*
 * Walking the view as a tree, for tables: roots first, each node's direct
 * edges (dependents, when the view is reverse) below it. A subtree shown
 * before is not shown again (SEEN), nor is a way back into a cycle (CYCLE).
 */
enum dg_tree_note {
	DG_TREE_NEW,
	DG_TREE_SEEN,
	DG_TREE_CYCLE,
};
struct dg_tree_item {
	unsigned int node;
	const struct dg_edge *edge; /* how it was reached; NULL for a root */
	enum dg_tree_note note;
	unsigned int depth;
};
/* CB returns 0 or -errno; PARENT is what CB stored in *HANDLE for the parent (NULL for roots). */
typedef int (*dg_tree_cb)(const struct depgraph *g, const struct dg_tree_item *item, void *parent,
			  void **handle, void *data);
int depgraph_walk_tree(struct depgraph *g, const struct dg_view *v, dg_tree_cb cb, void *data);

/* Graphviz, for `dot -Tsvg`: direct edges, styled by kind; builtin and cycle nodes marked. */
void depgraph_print_dot(struct depgraph *g, const struct dg_view *v, FILE *f);
/* A Mermaid flowchart (every label quoted). Returns how many edges it drew. */
size_t depgraph_print_mermaid(struct depgraph *g, const struct dg_view *v, FILE *f);
/*
 * {"roots": [NAME...], "nodes": [{name, path, builtin, loaded}],
 *  "edges": [{from, to, kind, alias?}], "cycles": [[NAME...]]}
 * with the direct edges only. A new reference.
 */
struct json_object *depgraph_json(struct depgraph *g, const struct dg_view *v);

// SPDX-License-Identifier: LGPL-2.1-or-later
/* A graph source reading a module directory through modtree. */
#include <stdlib.h>
#include <string.h>

#include "mymod/depgraph.h"
#include "mymod/modtree.h"
#include "mymod/util.h"

/*
 * The alias a module was reached by: the name as written, unless it is
 * the module's own name (modprobe normalises '-' to '_' in both).
 */
static const char *via_alias(const char *written, const char *name)
{
	return mm_modname_eq(written, name) ? NULL : written;
}

static unsigned int add_mod(struct depgraph *g, const struct modtree_mod *m)
{
	return depgraph_add_node(g, m->name, m->path, m->builtin);
}

/* An edge of KIND from ID to each of MODS, named by what was written on the line. */
static void add_edges(struct depgraph *g, unsigned int id, const struct modtree_mod *mods, size_t n,
		      enum dg_kind kind)
{
	for (size_t i = 0; i < n; i++) {
		const char *w = mods[i].written;

		depgraph_add_edge(g, id, add_mod(g, &mods[i]), kind,
				  w ? via_alias(w, mods[i].name) : NULL);
	}
}

/* Look NAMES up and add an edge of KIND from ID to every module they resolve to. */
static int add_named(struct depgraph *g, struct modtree *mt, unsigned int id, char **names,
		     size_t n, enum dg_kind kind)
{
	for (size_t i = 0; i < n; i++) {
		struct modtree_mod *mods;
		size_t nmods;
		int err = modtree_resolve(mt, names[i], &mods, &nmods);

		/* As modprobe: a name that cannot be looked up is passed over. */
		if (err < 0)
			continue;
		for (size_t j = 0; j < nmods; j++)
			mods[j].written = mm_strdup(names[i]);
		add_edges(g, id, mods, nmods, kind);
		modtree_mods_free(mods, nmods);
	}
	return 0;
}

/* Edges of KINDS from ID: its modules.dep dependencies, softdeps, weakdeps. */
static int expand_kinds(struct depgraph *g, unsigned int id, unsigned int kinds, void *data)
{
	struct modtree *mt = data;
	char *name = mm_strdup(depgraph_node(g, id)->name);
	struct modtree_mod *deps = NULL, *pre = NULL, *post = NULL;
	char **weak = NULL;
	size_t ndeps = 0, npre = 0, npost = 0, nweak = 0;
	int err = 0;

	if (kinds & DG_KIND_BIT(DG_DEP))
		err = modtree_deps(mt, name, &deps, &ndeps);
	for (size_t i = 0; i < ndeps; i++)
		depgraph_add_edge(g, id, add_mod(g, &deps[i]), DG_DEP, NULL);
	if (err == 0 && (kinds & (DG_KIND_BIT(DG_SOFTDEP_PRE) | DG_KIND_BIT(DG_SOFTDEP_POST))))
		err = modtree_softdeps(mt, name, &pre, &npre, &post, &npost);
	if (err < 0)
		goto out;
	if (kinds & DG_KIND_BIT(DG_SOFTDEP_PRE))
		add_edges(g, id, pre, npre, DG_SOFTDEP_PRE);
	if (kinds & DG_KIND_BIT(DG_SOFTDEP_POST))
		add_edges(g, id, post, npost, DG_SOFTDEP_POST);
	if (kinds & DG_KIND_BIT(DG_WEAKDEP))
		err = modtree_weakdeps(mt, name, &weak, &nweak);
	if (err == 0)
		add_named(g, mt, id, weak, nweak, DG_WEAKDEP);
out:
	modtree_mods_free(deps, ndeps);
	modtree_mods_free(pre, npre);
	modtree_mods_free(post, npost);
	modtree_strv_free(weak, nweak);
	free(name);
	return err;
}

static int expand(struct depgraph *g, unsigned int id, void *data)
{
	return expand_kinds(g, id, DG_KINDS_ALL, data);
}

static int all(struct depgraph *g, void *data)
{
	struct modtree *mt = data;
	struct modtree_mod *mods;
	size_t n;
	int err = modtree_all(mt, &mods, &n);

	if (err < 0)
		return err;
	for (size_t i = 0; i < n; i++)
		depgraph_add_node(g, mods[i].name, mods[i].path, false);
	modtree_mods_free(mods, n);
	return 0;
}

static int lookup(struct depgraph *g, const char *arg, unsigned int **idsp, const char ***viasp,
		  size_t *np, void *data)
{
	struct modtree *mt = data;
	struct modtree_mod *mods;
	unsigned int *ids;
	const char **vias;
	size_t n;
	int err = modtree_resolve(mt, arg, &mods, &n);

	if (err < 0)
		return err;
	ids = mm_reallocarray(NULL, n, sizeof(*ids));
	vias = mm_reallocarray(NULL, n, sizeof(*vias));
	for (size_t i = 0; i < n; i++) {
		ids[i] = add_mod(g, &mods[i]);
		vias[i] = via_alias(arg, mods[i].name);
	}
	modtree_mods_free(mods, n);
	*idsp = ids;
	*viasp = vias;
	*np = n;
	return 0;
}

void depgraph_source_modtree(struct dg_source *src, struct modtree *mt)
{
	*src = (struct dg_source){
		.expand = expand,
		.expand_kinds = expand_kinds,
		.all = all,
		.lookup = lookup,
		.data = mt,
	};
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* A module's chain: what modprobe loads for it, each module once, with its options. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "chain.h"
#include "mymod/cmd.h"
#include "mymod/depgraph.h"
#include "mymod/modtree.h"
#include "mymod/util.h"

struct chain {
	struct modtree *mt;
	struct depgraph *g;
	struct chain_root *roots;
	size_t nroots;
	struct chain_step *steps;
	size_t nsteps;
	bool *planned; /* by node id */
	size_t nplanned;
	bool ignorecmd;
};

void chain_ignore_root_commands(struct chain *c)
{
	c->ignorecmd = true;
}

struct chain *chain_new(struct modtree *mt)
{
	struct chain *c = mm_calloc(1, sizeof(*c));
	struct dg_source src;

	c->mt = mt;
	depgraph_source_modtree(&src, mt);
	c->g = depgraph_new(&src);
	return c;
}

void chain_free(struct chain *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->nsteps; i++)
		free(c->steps[i].options);
	free(c->steps);
	free(c->roots);
	free(c->planned);
	depgraph_free(c->g);
	free(c);
}

struct modtree *chain_modtree(const struct chain *c)
{
	return c->mt;
}

int chain_lookup(struct chain *c, const char *arg, bool repeats, const struct chain_root **roots,
		 size_t *n)
{
	unsigned int *ids;
	const char **vias;
	size_t nids;
	int err = depgraph_lookup(c->g, arg, &ids, &vias, &nids);

	if (err < 0)
		return err;
	c->roots = mm_reallocarray(c->roots, nids, sizeof(*c->roots));
	c->nroots = 0;
	for (size_t i = 0; i < nids; i++) {
		const struct dg_node *nd = depgraph_node(c->g, ids[i]);
		bool seen = false;

		for (size_t r = 0; r < c->nroots && !repeats; r++)
			seen |= c->roots[r].node == ids[i];
		if (seen)
			continue;
		c->roots[c->nroots++] = (struct chain_root){
			.node = ids[i],
			.name = nd->name,
			.via = vias[i],
			.builtin = nd->builtin,
			.blacklisted = modtree_blacklisted(c->mt, nd->name),
		};
	}
	free(ids);
	free(vias);
	*roots = c->roots;
	*n = c->nroots;
	return 0;
}

/* Is TO in ROOT's modules.dep (which lists the whole closure)? */
static bool needed_by(struct depgraph *g, unsigned int root, unsigned int to)
{
	const struct dg_node *nd = depgraph_node(g, root);

	for (size_t e = 0; e < nd->nedges; e++)
		if (nd->edges[e].kind == DG_DEP && nd->edges[e].to == to)
			return true;
	return false;
}

/* Step ST of ROOT's walk into *S; with CONFIG, with modprobe.d's options (free S->options). */
static int make_step(struct chain *c, const struct chain_root *root, const struct dg_probe_step *st,
		     bool config, struct chain_step *s)
{
	const struct dg_node *nd = depgraph_node(c->g, st->node);
	char *cmd = NULL;
	int err;

	*s = (struct chain_step){
		.name = nd->name,
		.path = nd->path,
		.builtin = nd->builtin,
		.root = st->node == root->node,
	};
	s->required = s->root || needed_by(c->g, root->node, st->node);
	if (config) {
		err = modtree_probe_options(c->mt, s->name, st->via, &s->options);
		if (err < 0)
			return err;
	}
	if (!st->ignorecmd && modtree_install_command(c->mt, s->name, &cmd) == 0 && cmd)
		s->install = true;
	free(cmd);
	return 0;
}

static int add_step(struct chain *c, const struct chain_root *root, const struct dg_probe_step *st,
		    bool config)
{
	struct chain_step s;
	int err = make_step(c, root, st, config, &s);

	if (err < 0)
		return err;
	c->steps = mm_reallocarray(c->steps, c->nsteps + 1, sizeof(*c->steps));
	c->steps[c->nsteps++] = s;
	return 0;
}

int chain_walk(struct chain *c, const struct chain_root *root, bool config, chain_step_fn fn,
	       void *data)
{
	struct dg_probe_step *steps = NULL;
	size_t n = 0;
	int err = depgraph_probe_order(c->g, root->node, root->via, c->ignorecmd, &steps, &n);

	for (size_t i = 0; i < n && err == 0; i++) {
		struct chain_step s;

		err = make_step(c, root, &steps[i], config, &s);
		if (err == 0)
			err = fn(&s, data);
		free(s.options);
	}
	free(steps);
	return err;
}

int chain_add(struct chain *c, const struct chain_root *root, bool config)
{
	struct dg_probe_step *steps = NULL;
	size_t n = 0;
	int err = depgraph_probe_order(c->g, root->node, root->via, c->ignorecmd, &steps, &n);

	if (err < 0)
		goto out;
	if (depgraph_count(c->g) > c->nplanned) {
		c->planned = mm_reallocarray(c->planned, depgraph_count(c->g), sizeof(*c->planned));
		memset(c->planned + c->nplanned, 0,
		       (depgraph_count(c->g) - c->nplanned) * sizeof(*c->planned));
		c->nplanned = depgraph_count(c->g);
	}
	for (size_t i = 0; i < n && err == 0; i++) {
		/* modprobe walks some modules twice; the second time they are loaded. */
		if (c->planned[steps[i].node])
			continue;
		c->planned[steps[i].node] = true;
		err = add_step(c, root, &steps[i], config);
	}
out:
	free(steps);
	return err;
}

const struct chain_step *chain_steps(const struct chain *c, size_t *n)
{
	*n = c->nsteps;
	return c->steps;
}

int chain_open(const char *arg, bool repeats, struct chain **cp, const struct chain_root **roots,
	       size_t *n)
{
	struct modtree *mt = mm_modtree(arg);
	int err;

	*cp = NULL;
	*n = 0;
	if (!mt)
		return -ENOENT;
	/* Without the maps libkmod reads the index files instead: slower, same answers. */
	modtree_load(mt);
	*cp = chain_new(mt);
	err = chain_lookup(*cp, arg, repeats, roots, n);
	if (err < 0) {
		mm_error("%s: %s", arg, mm_errmsg());
		return err;
	}
	if (*n == 0)
		return mm_no_such_module(mt, arg);
	return 0;
}

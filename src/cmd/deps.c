// SPDX-License-Identifier: LGPL-2.1-or-later
/* mymod deps: what a module needs, in load order, or what needs it; as a tree, graph or list. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/depgraph.h"
#include "mymod/kernel.h"
#include "mymod/modtree.h"
#include "mymod/out.h"
#include "mymod/util.h"

enum { COL_NAME, COL_KIND, COL_VIA, COL_PATH, COL_BUILTIN, COL_NOTE };

static const struct out_col columns[] = {
	[COL_NAME] = { "NAME", 0.25, SCOLS_FL_TREE | SCOLS_FL_NOEXTREMES, OUT_STRING, "module name",
		       NULL },
	[COL_KIND] = { "KIND", 0.1, 0, OUT_STRING,
		       "how it is needed: dep, softdep-pre, softdep-post, weakdep", NULL },
	[COL_VIA] = { "VIA", 0.1, 0, OUT_STRING, "the alias a softdep or weakdep named it by",
		      NULL },
	[COL_PATH] = { "PATH", 0.5, SCOLS_FL_NOEXTREMES, OUT_STRING, "module file", NULL },
	[COL_BUILTIN] = { "BUILTIN", 1, SCOLS_FL_RIGHT, OUT_BOOLEAN, "built into the kernel",
			  NULL },
	[COL_NOTE] = { "NOTE", 0.1, 0, OUT_STRINGS,
		       "builtin, shown above (subtree not repeated), cycle", NULL },
};

static const int default_columns[] = { COL_NAME, COL_KIND, COL_PATH, COL_NOTE };
/* A kernel graph's modules have no files: no PATH column unless asked for. */
static const int default_columns_loaded[] = { COL_NAME, COL_KIND, COL_NOTE };

static const struct out_spec spec = {
	columns, MM_ARRAY_SIZE(columns), default_columns, MM_ARRAY_SIZE(default_columns), "modules",
};
static const struct out_spec spec_loaded = {
	columns,
	MM_ARRAY_SIZE(columns),
	default_columns_loaded,
	MM_ARRAY_SIZE(default_columns_loaded),
	"modules",
};

enum format { FMT_TREE, FMT_DOT, FMT_MERMAID, FMT_JSON, FMT_LIST, FMT_MODPROBE };
static const char *const format_names[] = {
	[FMT_TREE] = "tree", [FMT_DOT] = "dot",	  [FMT_MERMAID] = "mermaid",
	[FMT_JSON] = "json", [FMT_LIST] = "list", [FMT_MODPROBE] = "modprobe",
};

enum { OPT_FORMAT = 256, OPT_LOADED };

/* From how many names on it modules.dep is read whole (see bench/bench-deps.sh). */
#define PRELOAD_NAMES 64

/* Mermaid's default maxEdges. */
#define MERMAID_MAX_EDGES 500

static const struct option options[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	OUT_TABLE_OPTIONS,
	{ "reverse", no_argument, NULL, 'R' },
	{ "all", no_argument, NULL, 'a' },
	{ "loaded", no_argument, NULL, OPT_LOADED },
	MM_MODDIR_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod deps [OPTIONS] MODULE...\n"
	      "       mymod deps --all [OPTIONS]\n"
	      "\n"
	      "Show what MODULE needs (modules.dep, softdeps, weakdeps), in load order,\n"
	      "or with --reverse what needs it.\n"
	      "\n"
	      "Options:\n"
	      "      --format=FORMAT    tree (default), dot, mermaid, json, list, or modprobe\n"
	      "                         (list: module files in load order; modprobe: the\n"
	      "                         lines of `modprobe --show-depends`)\n"
	      "  -J, --json             the same as --format=json\n"
	      "  -R, --reverse          what depends on MODULE, directly or not\n"
	      "  -a, --all              the whole module directory as one graph\n"
	      "      --loaded           the running kernel's graph instead: what is loaded,\n"
	      "                         and what holds what (/sys/module/*/holders)\n"
	      "  -o, --output=COLUMNS   the tree's columns (a leading '+' adds to the default)\n"
	      "      --sort=COLUMN      sort each module's children by COLUMN\n"
	      "      --list-columns     list the columns -o and --sort take, and exit\n"
	      "  -r, --raw              raw tree output\n"
	      "  -n, --noheadings       no header line in the tree\n" MM_MODDIR_USAGE
	      "  -h, --help             show this help\n",
	      stdout);
	out_columns_help(stdout, &spec);
}

struct deps_opts {
	enum format format;
	bool reverse, all, loaded;
	struct out_sel sel;
	struct out_opts out;
};

/* The tree's table: one row per item, under its parent's row. */
static int tree_line(const struct depgraph *g, const struct dg_tree_item *item, void *parent,
		     void **handle, void *data)
{
	const struct dg_node *nd = depgraph_node(g, item->node);
	struct out_row *r = out_row_new(data, parent);
	const char *note[2];
	size_t nnote = 0;

	if (nd->builtin)
		note[nnote++] = "builtin";
	if (item->note != DG_TREE_NEW)
		note[nnote++] = item->note == DG_TREE_SEEN ? "shown above" : "cycle";
	out_set_str(r, COL_NAME, nd->name);
	out_set_str(r, COL_KIND, item->edge ? dg_kind_name(item->edge->kind) : NULL);
	out_set_str(r, COL_VIA, item->edge ? item->edge->via : NULL);
	out_set_str(r, COL_PATH, nd->path);
	out_set_bool(r, COL_BUILTIN, nd->builtin);
	out_set_strv(r, COL_NOTE, note, nnote);
	*handle = r;
	return 0;
}

static int print_tree(struct depgraph *g, const struct dg_view *v, const struct deps_opts *o)
{
	struct out_table *t = out_table_new(&spec);
	int err;

	err = depgraph_walk_tree(g, v, tree_line, t);
	if (err == 0)
		err = out_table_print(t, &o->sel, &o->out);
	if (err < 0)
		mm_error("%s", mm_errmsg());
	out_table_free(t);
	return err;
}

/* What modprobe.d says of each node (reached by name), asked once a node. */
struct probe_print {
	struct modtree *mt;
	struct depgraph *g;
	bool modprobe; /* every step as modprobe prints it, else each file once */
	struct probe_conf {
		bool known, printed;
		char *cmd, *opts;
	} * conf;
	size_t nconf;
};

static struct probe_conf *probe_conf(struct probe_print *pp, const struct dg_probe_step *st,
				     struct probe_conf *tmp)
{
	const char *name = depgraph_node(pp->g, st->node)->name;
	struct probe_conf *c = st->via ? tmp : &pp->conf[st->node];

	if (c->known)
		return c;
	c->known = true;
	if (modtree_install_command(pp->mt, name, &c->cmd) < 0)
		c->cmd = NULL;
	if (modtree_probe_options(pp->mt, name, st->via, &c->opts) < 0)
		c->opts = NULL;
	return c;
}

/* modprobe's show-depends line for one step, or only an insmod's path. */
static void print_step(struct probe_print *pp, const struct dg_probe_step *st)
{
	const struct dg_node *nd = depgraph_node(pp->g, st->node);
	struct probe_conf tmp = { 0 };
	struct probe_conf *c = probe_conf(pp, st, &tmp);
	const char *cmd = st->ignorecmd ? NULL : c->cmd;
	const char *opts = c->opts;

	if (!pp->modprobe) {
		if (!cmd && nd->path)
			printf("%s\n", nd->path);
	} else if (cmd) {
		/* libkmod appends a space to modprobe.d's options, and modprobe one more. */
		printf("install %s %s%s\n", cmd, opts ? opts : "", opts ? " " : "");
	} else if (nd->path) {
		printf("insmod %s %s%s\n", nd->path, opts ? opts : "", opts ? " " : "");
	} else if (nd->builtin) {
		printf("builtin %s\n", nd->name);
	}
	free(tmp.cmd);
	free(tmp.opts);
}

/*
 * modprobe's plan for every root, in order. MODPROBE: every step, as
 * `modprobe -a --show-depends` prints them; else each file once, where
 * it is first loaded.
 */
static int print_probe(struct modtree *mt, struct depgraph *g, const unsigned int *roots,
		       const char *const *vias, size_t nroots, bool modprobe)
{
	struct probe_print pp = { .mt = mt, .g = g, .modprobe = modprobe };
	struct dg_probe_step *steps = NULL;
	size_t nsteps = 0;
	int err = 0;

	for (size_t r = 0; r < nroots; r++) {
		/* As modprobe, a blacklisted module asked for by an alias is left out. */
		if (vias[r] && modtree_blacklisted(mt, depgraph_node(g, roots[r])->name))
			continue;
		nsteps = 0;
		err = depgraph_probe_order(g, roots[r], vias[r], false, &steps, &nsteps);
		if (err < 0) {
			mm_error("%s: %s", depgraph_node(g, roots[r])->name, mm_errmsg());
			break;
		}
		if (depgraph_count(g) > pp.nconf) {
			pp.conf = mm_reallocarray(pp.conf, depgraph_count(g), sizeof(*pp.conf));
			memset(pp.conf + pp.nconf, 0,
			       (depgraph_count(g) - pp.nconf) * sizeof(*pp.conf));
			pp.nconf = depgraph_count(g);
		}
		for (size_t s = 0; s < nsteps; s++) {
			if (!modprobe && pp.conf[steps[s].node].printed)
				continue;
			pp.conf[steps[s].node].printed = true;
			print_step(&pp, &steps[s]);
		}
	}
	for (size_t i = 0; i < pp.nconf; i++) {
		free(pp.conf[i].cmd);
		free(pp.conf[i].opts);
	}
	free(pp.conf);
	free(steps);
	return err;
}

/* Module files in load order; NAMES: the names of modules without one (a kernel graph's). */
static void print_list(struct depgraph *g, const struct dg_view *v, bool names)
{
	unsigned int *ids;
	size_t n;

	depgraph_load_order(g, v, v->reverse, &ids, &n);
	for (size_t i = 0; i < n; i++) {
		const struct dg_node *nd = depgraph_node(g, ids[i]);

		if (nd->path)
			printf("%s\n", nd->path);
		else if (names && !nd->builtin)
			printf("%s\n", nd->name);
	}
	free(ids);
}

/* Say which modules form cycles; true when there is one. */
static bool report_cycles(struct depgraph *g, const struct dg_view *v, const char *dir)
{
	unsigned int **cycles;
	size_t *sizes, ncycles;

	depgraph_cycles(g, v, &cycles, &sizes, &ncycles);
	for (size_t c = 0; c < ncycles; c++) {
		struct mm_strbuf members = { 0 };

		for (size_t i = 0; i < sizes[c]; i++) {
			mm_strbuf_sep(&members, ", ");
			mm_strbuf_add(&members, depgraph_node(g, cycles[c][i])->name);
		}
		mm_error("%s/modules.dep: dependency cycle between %s", dir, members.s);
		mm_strbuf_free(&members);
	}
	if (ncycles)
		mm_hint("modules in a cycle cannot be loaded; rebuild them, or run depmod again");
	depgraph_cycles_free(cycles, sizes, ncycles);
	return ncycles > 0;
}

/*
 * MT: the module directory the graph comes from; NULL for the running
 * kernel's graph (--loaded).
 */
static int render(struct depgraph *g, struct dg_view *v, const struct deps_opts *o,
		  struct modtree *mt)
{
	const char *kver = mt ? modtree_kver(mt) : kernel_release();
	struct json_object *obj;

	depgraph_reduce(g, v);
	switch (o->format) {
	case FMT_TREE:
		return print_tree(g, v, o);
	case FMT_DOT:
		depgraph_print_dot(g, v, stdout);
		return 0;
	case FMT_MERMAID:
		if (depgraph_print_mermaid(g, v, stdout) > MERMAID_MAX_EDGES)
			mm_warn("more than %d edges: Mermaid's renderers refuse that many unless "
				"configured (maxEdges); --format=dot has no such limit",
				MERMAID_MAX_EDGES);
		return 0;
	case FMT_JSON:
		obj = depgraph_json(g, v);
		json_object_object_add(obj, "kernel", kver ? json_object_new_string(kver) : NULL);
		json_object_object_add(obj, "directory",
				       mt ? json_object_new_string(modtree_dir(mt)) : NULL);
		out_json_print(obj);
		json_object_put(obj);
		return 0;
	case FMT_LIST:
	case FMT_MODPROBE:
		print_list(g, v, mt == NULL);
		return 0;
	}
	return 0;
}

/* --help: printed, and done (-1 tells run() to exit 0). */
static int usage_done(void)
{
	usage();
	return -1;
}

static int parse_format(const char *arg, enum format *f)
{
	for (size_t i = 0; i < MM_ARRAY_SIZE(format_names); i++) {
		if (strcmp(arg, format_names[i]) == 0) {
			*f = (enum format)i;
			return 0;
		}
	}
	mm_error("unknown format '%s' (tree, dot, mermaid, json, list, modprobe)", arg);
	return -1;
}

static int parse_args(int argc, char *argv[], struct deps_opts *o)
{
	int c;

	while ((c = getopt_long(argc, argv, "RaJo:rnh" MM_MODDIR_SHORTOPTS, options, NULL)) != -1) {
		if (c == 'J') /* the graph's JSON, not the tree's */
			o->format = FMT_JSON;
		else if (mm_moddir_opt(c, optarg) || out_opt(c, optarg, &o->out))
			continue;
		else if (c == OPT_FORMAT && parse_format(optarg, &o->format) < 0)
			return mm_usage_error();
		else if (c == 'R')
			o->reverse = true;
		else if (c == 'a')
			o->all = true;
		else if (c == OPT_LOADED)
			o->loaded = true;
		else if (c == 'h')
			return usage_done();
		else if (c != OPT_FORMAT)
			return mm_usage_error();
	}
	if (out_select(o->loaded ? &spec_loaded : &spec, &o->out, &o->sel) < 0)
		return mm_usage_error();
	if (o->out.list_columns) /* done: -1 is "exit 0" */
		return out_list_columns(&spec, &o->out) < 0 ? MM_EXIT_FAIL : -1;
	if (o->all && (optind < argc || o->reverse)) {
		mm_error("--all takes no MODULE and no --reverse");
		return mm_usage_error();
	}
	if (!o->all && optind >= argc) {
		mm_error("no MODULE given");
		return mm_usage_error();
	}
	if (o->format == FMT_MODPROBE && o->loaded) {
		mm_error("--format=modprobe shows modprobe's plan: not with --loaded");
		return mm_usage_error();
	}
	if (o->format == FMT_MODPROBE && (o->all || o->reverse)) {
		mm_error("--format=modprobe shows what MODULE needs: not with --all or --reverse");
		return mm_usage_error();
	}
	return 0;
}

/* Look every argument up in MT (NULL: among the loaded); those that match nothing are reported. */
static bool lookup_roots(struct depgraph *g, struct modtree *mt, char **args, int nargs,
			 unsigned int **rootsp, const char ***viasp, size_t *np)
{
	unsigned int *roots = NULL;
	const char **vias = NULL;
	size_t n = 0;
	bool ok = true;

	for (int a = 0; a < nargs; a++) {
		unsigned int *ids;
		const char **v;
		size_t nids;

		if (depgraph_lookup(g, args[a], &ids, &v, &nids) < 0) {
			mm_error("%s: %s", args[a], mm_errmsg());
			ok = false;
			continue;
		}
		if (nids == 0 && mt)
			mm_no_such_module(mt, args[a]);
		else if (nids == 0)
			mm_error("%s: not loaded", args[a]);
		ok &= nids > 0;
		roots = mm_reallocarray(roots, n + nids, sizeof(*roots));
		vias = mm_reallocarray(vias, n + nids, sizeof(*vias));
		memcpy(roots + n, ids, nids * sizeof(*ids));
		memcpy(vias + n, v, nids * sizeof(*v));
		n += nids;
		free(ids);
		free(v);
	}
	*rootsp = roots;
	*viasp = vias;
	*np = n;
	return ok;
}

/* The roots once each, in order (a name and its alias may meet). */
static size_t unique_roots(const struct depgraph *g, unsigned int *roots, size_t n)
{
	bool *seen = mm_calloc(depgraph_count(g), sizeof(*seen));
	size_t m = 0;

	for (size_t i = 0; i < n; i++) {
		if (!seen[roots[i]])
			roots[m++] = roots[i];
		seen[roots[i]] = true;
	}
	free(seen);
	return m;
}

/*
 * The running kernel's state of the view's modules, for JSON's "loaded":
 * in /proc/modules now or not. Left unknown (null) when the kernel has no
 * loadable-module support.
 */
static void mark_loaded(struct depgraph *g, const struct dg_view *v)
{
	if (!kernel_has_modules())
		return;
	for (size_t i = 0; i < v->n; i++) {
		enum kernel_mod_state state;

		if (!v->in[i])
			continue;
		state = kernel_module_state(depgraph_node(g, (unsigned int)i)->name);
		depgraph_set_loaded(g, (unsigned int)i,
				    state != KERNEL_MOD_ABSENT && state != KERNEL_MOD_BUILTIN);
	}
}

/* The graph's source: the running kernel's (--loaded) or the module directory's (*MTP). */
static int open_source(const struct deps_opts *o, size_t nnames, struct dg_source *src,
		       struct modtree **mtp)
{
	struct modtree *mt;

	*mtp = NULL;
	if (o->loaded) {
		if (depgraph_source_kernel(src) < 0) {
			mm_error("%s", mm_errmsg());
			return -1;
		}
		return 0;
	}
	mt = mm_modtree(NULL);
	if (!mt)
		return -1;
	/* Without the maps libkmod reads the index files instead: slower, same answers. */
	modtree_load(mt);
	/* Reading modules.dep whole costs a few milliseconds: worth it for many names. */
	if (nnames >= PRELOAD_NAMES)
		modtree_preload_deps(mt);
	depgraph_source_modtree(src, mt);
	*mtp = mt;
	return 0;
}

/* What the command works on. */
struct deps_run {
	struct deps_opts o;
	struct modtree *mt; /* NULL for --loaded */
	struct depgraph *g;
	struct dg_view v;
	unsigned int *roots;
	const char **vias;
	size_t nroots;
	bool printed; /* --format=list and modprobe: printed while walking */
};

/* modprobe's walk of each root, printed as it goes (--format=modprobe, list). */
static int walk_probe(struct deps_run *d, int *status)
{
	if (print_probe(d->mt, d->g, d->roots, d->vias, d->nroots, d->o.format == FMT_MODPROBE) < 0)
		*status = MM_EXIT_FAIL;
	d->printed = true;
	/* The walk does not loop on a cycle; still say there is one. */
	d->nroots = unique_roots(d->g, d->roots, d->nroots);
	return depgraph_closure(d->g, d->roots, d->nroots, DG_KINDS_ALL, &d->v);
}

/* The view to print: everything, or what the names need (or what needs them). */
static int make_view(struct deps_run *d, char **names, size_t nnames, int *status)
{
	const struct deps_opts *o = &d->o;

	if (o->all)
		return depgraph_everything(d->g, &d->v);
	if (!lookup_roots(d->g, d->mt, names, (int)nnames, &d->roots, &d->vias, &d->nroots))
		*status = MM_EXIT_FAIL;
	if (d->nroots == 0)
		return 1;
	if (d->mt && (o->format == FMT_MODPROBE || (o->format == FMT_LIST && !o->reverse)))
		return walk_probe(d, status);
	d->nroots = unique_roots(d->g, d->roots, d->nroots);
	if (o->reverse)
		return depgraph_reverse(d->g, d->roots, d->nroots, DG_KIND_BIT(DG_DEP), &d->v);
	return depgraph_closure(d->g, d->roots, d->nroots, DG_KINDS_ALL, &d->v);
}

static int deps_run(int argc, char *argv[])
{
	struct deps_run d = { 0 };
	struct dg_source src;
	int status = MM_EXIT_OK, err;

	err = parse_args(argc, argv, &d.o);
	if (err)
		return err < 0 ? MM_EXIT_OK : err;
	if (open_source(&d.o, (size_t)(argc - optind), &src, &d.mt) < 0)
		return MM_EXIT_FAIL;
	d.g = depgraph_new(&src);
	err = make_view(&d, argv + optind, (size_t)(argc - optind), &status);
	if (err < 0) {
		mm_error("%s", mm_errmsg());
		status = MM_EXIT_FAIL;
	}
	/* The kernel refuses a holder that would close a cycle: only modules.dep can have one. */
	if (err == 0 && d.mt && report_cycles(d.g, &d.v, modtree_dir(d.mt)))
		status = MM_EXIT_FAIL;
	if (err == 0 && !d.printed) {
		if (d.mt && d.o.format == FMT_JSON)
			mark_loaded(d.g, &d.v);
		if (render(d.g, &d.v, &d.o, d.mt) < 0)
			status = MM_EXIT_FAIL;
	}
	if (fflush(stdout) != 0) {
		mm_error("cannot write the output");
		status = MM_EXIT_FAIL;
	}
	dg_view_free(&d.v);
	free(d.roots);
	free(d.vias);
	depgraph_free(d.g);
	if (d.o.loaded)
		depgraph_source_kernel_free(&src);
	return status;
}

const struct mm_cmd cmd_deps = {
	.name = "deps",
	.run = deps_run,
	.summary = "show what a module needs, in load order, or what needs it",
	.needs = MM_NEEDS_MODDIR,
};

// SPDX-License-Identifier: LGPL-2.1-or-later
/* Rendering a view: Graphviz DOT, Mermaid, JSON. Only direct edges are drawn. */
#include <stdio.h>
#include <string.h>

#include "mymod/depgraph.h"
#include "mymod/util.h"

static bool shown(const struct dg_view *v, const struct dg_edge *e)
{
	return e->direct && (v->kinds & DG_KIND_BIT(e->kind)) && e->to < v->n && v->in[e->to];
}

static bool is_root(const struct dg_view *v, unsigned int id)
{
	for (size_t r = 0; r < v->nroots; r++)
		if (v->roots[r] == id)
			return true;
	return false;
}

/* A double-quoted label: DOT escapes '"' and '\\' with '\\', Mermaid writes '"' as an entity. */
static void put_quoted(FILE *f, const char *s, bool mermaid)
{
	fputc('"', f);
	for (; *s; s++) {
		if (mermaid && *s == '"')
			fputs("#quot;", f);
		else if (!mermaid && (*s == '"' || *s == '\\'))
			fprintf(f, "\\%c", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void dot_string(FILE *f, const char *s)
{
	put_quoted(f, s, false);
}

/* What each_edge() calls for an edge of node FROM that the view shows. */
typedef void (*edge_fn)(struct depgraph *g, unsigned int from, const struct dg_edge *ed,
			void *data);

/* FN for every edge V shows, in node order (as every format lists them); returns how many. */
static size_t each_edge(struct depgraph *g, const struct dg_view *v, edge_fn fn, void *data)
{
	size_t n = 0;

	for (size_t i = 0; i < v->n; i++) {
		const struct dg_node *nd = depgraph_node(g, (unsigned int)i);

		if (!v->in[i])
			continue;
		for (size_t e = 0; e < nd->nedges; e++) {
			if (!shown(v, &nd->edges[e]))
				continue;
			fn(g, (unsigned int)i, &nd->edges[e], data);
			n++;
		}
	}
	return n;
}

static void dot_edge(struct depgraph *g, unsigned int from, const struct dg_edge *ed, void *data)
{
	static const char *const edge_style[DG_NKINDS] = {
		[DG_DEP] = "style=solid",
		[DG_SOFTDEP_PRE] = ", style=dashed, color=blue",
		[DG_SOFTDEP_POST] = ", style=dashed, color=darkgreen",
		[DG_WEAKDEP] = ", style=dotted, color=gray40",
	};
	const struct dg_node *nd = depgraph_node(g, from);
	FILE *f = data;

	fputc('\t', f);
	dot_string(f, nd->name);
	fputs(" -> ", f);
	dot_string(f, depgraph_node(g, ed->to)->name);
	fputs(" [", f);
	if (ed->kind != DG_DEP) {
		fputs("label=", f);
		dot_string(f, dg_kind_name(ed->kind));
	}
	fprintf(f, "%s%s];\n", edge_style[ed->kind],
		nd->cycle && nd->cycle == depgraph_node(g, ed->to)->cycle ? ", color=red" : "");
}

void depgraph_print_dot(struct depgraph *g, const struct dg_view *v, FILE *f)
{
	fputs("digraph modules {\n"
	      "\trankdir=LR;\n"
	      "\tnode [shape=box, fontname=\"sans-serif\"];\n"
	      "\tedge [fontname=\"sans-serif\", fontsize=9];\n",
	      f);
	for (size_t i = 0; i < v->n; i++) {
		const struct dg_node *nd = depgraph_node(g, (unsigned int)i);

		if (!v->in[i])
			continue;
		fputc('\t', f);
		dot_string(f, nd->name);
		fprintf(f, " [%s%s%s];\n",
			nd->builtin ? "style=\"rounded,dashed\"" : "style=rounded",
			nd->cycle ? ", color=red" : "",
			is_root(v, (unsigned int)i) ? ", penwidth=2" : "");
	}
	each_edge(g, v, dot_edge, f);
	fputs("}\n", f);
}

static void mermaid_string(FILE *f, const char *s)
{
	put_quoted(f, s, true);
}

static void mermaid_edge(struct depgraph *g MM_UNUSED, unsigned int from, const struct dg_edge *ed,
			 void *data)
{
	static const char *const arrow[DG_NKINDS] = {
		[DG_DEP] = "-->",
		[DG_SOFTDEP_PRE] = "-.->",
		[DG_SOFTDEP_POST] = "-.->",
		[DG_WEAKDEP] = "-.->",
	};
	FILE *f = data;

	fprintf(f, "    n%u %s", from, arrow[ed->kind]);
	if (ed->kind != DG_DEP) {
		fputc('|', f);
		mermaid_string(f, dg_kind_name(ed->kind));
		fputc('|', f);
	}
	fprintf(f, " n%u\n", ed->to);
}

size_t depgraph_print_mermaid(struct depgraph *g, const struct dg_view *v, FILE *f)
{
	bool any_cycle = false, any_builtin = false;
	size_t nedges = 0;

	fputs("flowchart LR\n", f);
	for (size_t i = 0; i < v->n; i++) {
		const struct dg_node *nd = depgraph_node(g, (unsigned int)i);

		if (!v->in[i])
			continue;
		fprintf(f, "    n%zu%s", i, nd->builtin ? "([" : "[");
		mermaid_string(f, nd->name);
		fputs(nd->builtin ? "])\n" : "]\n", f);
		any_cycle |= nd->cycle != 0;
		any_builtin |= nd->builtin;
	}
	nedges = each_edge(g, v, mermaid_edge, f);
	if (any_builtin) {
		fputs("    classDef builtin stroke-dasharray: 4 4\n", f);
		for (size_t i = 0; i < v->n; i++)
			if (v->in[i] && depgraph_node(g, (unsigned int)i)->builtin)
				fprintf(f, "    class n%zu builtin\n", i);
	}
	if (any_cycle) {
		fputs("    classDef cycle stroke:#d00,stroke-width:2px\n", f);
		for (size_t i = 0; i < v->n; i++)
			if (v->in[i] && depgraph_node(g, (unsigned int)i)->cycle)
				fprintf(f, "    class n%zu cycle\n", i);
	}
	return nedges;
}

static void json_edge(struct depgraph *g, unsigned int from, const struct dg_edge *ed, void *data)
{
	struct json_object *eo = json_object_new_object();

	json_object_object_add(eo, "from", json_object_new_string(depgraph_node(g, from)->name));
	json_object_object_add(eo, "to", json_object_new_string(depgraph_node(g, ed->to)->name));
	json_object_object_add(eo, "kind", json_object_new_string(dg_kind_name(ed->kind)));
	if (ed->via)
		json_object_object_add(eo, "alias", json_object_new_string(ed->via));
	json_object_array_add(data, eo);
}

struct json_object *depgraph_json(struct depgraph *g, const struct dg_view *v)
{
	struct json_object *top = json_object_new_object();
	struct json_object *roots = json_object_new_array();
	struct json_object *nodes = json_object_new_array();
	struct json_object *edges = json_object_new_array();
	struct json_object *cycles = json_object_new_array();
	int ncycles = 0;

	for (size_t r = 0; r < v->nroots; r++)
		json_object_array_add(roots,
				      json_object_new_string(depgraph_node(g, v->roots[r])->name));
	for (size_t i = 0; i < v->n; i++) {
		const struct dg_node *nd = depgraph_node(g, (unsigned int)i);
		struct json_object *o;

		if (!v->in[i])
			continue;
		o = json_object_new_object();
		json_object_object_add(o, "name", json_object_new_string(nd->name));
		json_object_object_add(o, "path",
				       nd->path ? json_object_new_string(nd->path) : NULL);
		json_object_object_add(o, "builtin", json_object_new_boolean(nd->builtin));
		json_object_object_add(o, "loaded",
				       nd->loaded < 0 ? NULL : json_object_new_boolean(nd->loaded));
		json_object_array_add(nodes, o);
		if (nd->cycle > ncycles)
			ncycles = nd->cycle;
	}
	each_edge(g, v, json_edge, edges);
	for (int c = 1; c <= ncycles; c++) {
		struct json_object *members = json_object_new_array();

		for (size_t i = 0; i < v->n; i++)
			if (v->in[i] && depgraph_node(g, (unsigned int)i)->cycle == c)
				json_object_array_add(
					members, json_object_new_string(
							 depgraph_node(g, (unsigned int)i)->name));
		json_object_array_add(cycles, members);
	}
	json_object_object_add(top, "roots", roots);
	json_object_object_add(top, "nodes", nodes);
	json_object_object_add(top, "edges", edges);
	json_object_object_add(top, "cycles", cycles);
	return top;
}

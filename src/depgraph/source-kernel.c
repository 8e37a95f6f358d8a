// SPDX-License-Identifier: LGPL-2.1-or-later
/* A graph source reading the running kernel: what is loaded, and who holds whom. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/depgraph.h"
#include "mymod/kernel.h"
#include "mymod/util.h"

struct kernel_src {
	char **names; /* the loaded modules, oldest first (/proc/modules lists the newest first) */
	size_t n;
	size_t **holds; /* holds[i]: the modules names[i] holds, as indexes, oldest first */
	size_t *nholds;
};

static void src_free(struct kernel_src *ks)
{
	if (!ks)
		return;
	for (size_t i = 0; i < ks->n; i++) {
		free(ks->names[i]);
		free(ks->holds[i]);
	}
	free(ks->names);
	free(ks->holds);
	free(ks->nholds);
	free(ks);
}

static int find(const struct kernel_src *ks, const char *name)
{
	for (size_t i = 0; i < ks->n; i++)
		if (strcmp(ks->names[i], name) == 0)
			return (int)i;
	return -1;
}

/* Turn "J is held by H" (holders) into "H holds J", for every loaded J. */
static int read_holders(struct kernel_src *ks)
{
	for (size_t j = 0; j < ks->n; j++) {
		char **holders;
		size_t nholders;
		int err = kernel_module_holders(ks->names[j], &holders, &nholders);

		/* A module without a holders directory holds nothing of ours. */
		if (err == -ENOENT)
			continue;
		if (err < 0)
			return err;
		for (size_t h = 0; h < nholders; h++) {
			int i = find(ks, holders[h]);

			if (i < 0)
				continue;
			ks->holds[i] = mm_reallocarray(ks->holds[i], ks->nholds[i] + 1,
						       sizeof(*ks->holds[i]));
			ks->holds[i][ks->nholds[i]++] = j;
		}
		kernel_names_free(holders, nholders);
	}
	return 0;
}

static unsigned int add_loaded(struct depgraph *g, const char *name)
{
	unsigned int id = depgraph_add_node(g, name, NULL, false);

	depgraph_set_loaded(g, id, true);
	return id;
}

static int expand(struct depgraph *g, unsigned int id, void *data)
{
	struct kernel_src *ks = data;
	int i = find(ks, depgraph_node(g, id)->name);

	if (i < 0)
		return 0;
	for (size_t h = 0; h < ks->nholds[i]; h++)
		depgraph_add_edge(g, id, add_loaded(g, ks->names[ks->holds[i][h]]), DG_DEP, NULL);
	return 0;
}

static int all(struct depgraph *g, void *data)
{
	struct kernel_src *ks = data;

	for (size_t i = 0; i < ks->n; i++)
		add_loaded(g, ks->names[i]);
	return 0;
}

static int lookup(struct depgraph *g, const char *arg, unsigned int **ids, const char ***vias,
		  size_t *n, void *data)
{
	struct kernel_src *ks = data;
	char *name = mm_modname_normalize(mm_strdup(arg));
	int i = find(ks, name);

	free(name);
	*ids = NULL;
	*vias = NULL;
	*n = 0;
	if (i < 0)
		return 0;
	*ids = mm_malloc(sizeof(**ids));
	*vias = mm_malloc(sizeof(**vias));
	(*ids)[0] = add_loaded(g, ks->names[i]);
	(*vias)[0] = NULL;
	*n = 1;
	return 0;
}

int depgraph_source_kernel(struct dg_source *src)
{
	struct kernel_module *mods;
	struct kernel_src *ks;
	size_t n;
	int err = kernel_modules(&mods, &n);

	if (err < 0)
		return err;
	ks = mm_calloc(1, sizeof(*ks));
	ks->names = mm_reallocarray(NULL, n, sizeof(*ks->names));
	ks->holds = mm_calloc(n, sizeof(*ks->holds));
	ks->nholds = mm_calloc(n, sizeof(*ks->nholds));
	for (size_t i = 0; i < n; i++) {
		ks->names[i] = mods[n - 1 - i].name;
		mods[n - 1 - i].name = NULL;
	}
	ks->n = n;
	kernel_modules_free(mods, n);
	err = read_holders(ks);
	if (err < 0) {
		src_free(ks);
		return err;
	}
	*src = (struct dg_source){
		.expand = expand,
		.all = all,
		.lookup = lookup,
		.data = ks,
	};
	return 0;
}

void depgraph_source_kernel_free(struct dg_source *src)
{
	src_free(src->data);
	src->data = NULL;
}

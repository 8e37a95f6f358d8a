/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A module's chain: what `modprobe NAME` loads for it (depgraph's walk of
 * modprobe: each dependency with its softdeps around it, then NAME), each
 * module once, in that order, with the options modprobe.d gives it. What
 * `load --with-deps` loads, and what `unload --with-deps` may unload.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct modtree;
struct chain;

/* A module ARG names, as modprobe resolves it. */
struct chain_root {
	unsigned int node;
	const char *name;
	const char *via; /* the alias it was named by (ARG); NULL when by its own name */
	bool builtin;
	bool blacklisted; /* by modprobe.d: modprobe refuses it when named by an alias */
};

struct chain_step {
	const char *name;
	const char *path; /* NULL when builtin */
	bool builtin;
	bool root;     /* what was asked for */
	bool required; /* a root or in a root's modules.dep; the rest are softdeps, which
			  modprobe goes on without */
	bool install;  /* modprobe.d gives it an install command, run instead of loading it */
	char *options; /* modprobe.d's options for it, as it was reached; NULL when none */
};

/* A chain on module directory MT (not owned: close it after the chain). */
struct chain *chain_new(struct modtree *mt);
/* Frees the chain (not its module directory). */
void chain_free(struct chain *c);

/*
 * From now on a root is walked as `modprobe -i` walks it: without its
 * softdeps and install command (its dependencies keep theirs).
 */
void chain_ignore_root_commands(struct chain *c);

/* The module directory the chain is on. */
struct modtree *chain_modtree(const struct chain *c);

/*
 * For a command: a chain on the command's module directory (mm_modtree()),
 * and ARG resolved on it. Prints what fails (mm_no_such_module() when
 * nothing matches) and returns -errno; free *CP with chain_free() either way.
 */
int chain_open(const char *arg, bool repeats, struct chain **cp, const struct chain_root **roots,
	       size_t *n);

/*
 * Resolve ARG (a name or an alias): each module once, or with REPEATS as
 * often as the lookup names it (kmod's modprobe walks each). *N 0 when
 * nothing matches; *ROOTS valid until the next call.
 */
int chain_lookup(struct chain *c, const char *arg, bool repeats, const struct chain_root **roots,
		 size_t *n);

/*
 * Append ROOT's walk to the plan: the modules not in it yet, in modprobe's
 * order; with CONFIG, each with modprobe.d's options.
 */
int chain_add(struct chain *c, const struct chain_root *root, bool config);

/*
 * Every step of ROOT's walk, repeats included, as `modprobe --show-depends`
 * prints them (the plan keeps each module once), to FN; with CONFIG, each
 * with modprobe.d's options. FN's negative return stops the walk and is
 * returned.
 */
typedef int (*chain_step_fn)(const struct chain_step *s, void *data);
int chain_walk(struct chain *c, const struct chain_root *root, bool config, chain_step_fn fn,
	       void *data);

/* The plan so far; valid until the next chain_add(). */
const struct chain_step *chain_steps(const struct chain *c, size_t *n);

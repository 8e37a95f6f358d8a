/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A plan: a chain (chain.h) carried out as one change to the system.
 * `load --with-deps` loads its steps in order and, when a required one
 * fails or a signal comes, unloads what this run loaded, newest first (the
 * rollback). `unload --with-deps` goes the other way: a root's chain newest
 * first, each module only when nothing uses it any more.
 *
 * The plan owns the order, what is passed over (built in, loaded already),
 * the rollback and unload-if-unused, and what it says about them; the
 * command loads or unloads one module its own way (plan_ops).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "chain.h"
#include "mymod/kernel.h"

enum plan_result { PLAN_LOADED, PLAN_SKIPPED, PLAN_FAILED };

struct plan_ops {
	/*
	 * Load step S, which is neither built in nor in the kernel: PLAN_SKIPPED
	 * when it was not loaded but that is no failure (a dry run, loaded
	 * meanwhile). It says what failed, as an error for a required step and
	 * a warning for a softdep.
	 */
	enum plan_result (*load)(const struct chain_step *s, const void *ctx);
	/* Unload NAME, the module asked for, as a plain unload does: MM_EXIT_*. */
	int (*unload)(const char *name, const void *ctx);
	const void *ctx;
	/* Is step S in the kernel already, passed over? NULL: plan_in_kernel()'s answer. */
	bool (*in_kernel)(const struct chain_step *s, const void *ctx);
	bool tell;	  /* load: say what is passed over (--verbose, --dry-run) */
	bool verbose;	  /* unload: say what is unloaded and what kept, and why */
	bool no_rollback; /* load: keep what was loaded when a step fails */
	bool dry_run;	  /* unload: say what would go and what stay, unload nothing */
};

/*
 * Is NAME (BUILTIN: the module directory says it is built in) in the
 * kernel already? KERNEL_MOD_BUILTIN, KERNEL_MOD_LIVE (loaded, or its init
 * running) or KERNEL_MOD_ABSENT; with SAY, prints "NAME is built into the
 * kernel" or "NAME is already loaded".
 */
enum kernel_mod_state plan_in_kernel(const char *name, bool builtin, bool say);

/* Load C's steps in order with OPS->load, all or nothing. Returns MM_EXIT_*. */
int plan_load(const struct chain *c, const struct plan_ops *ops);

/*
 * Unload ROOT (with OPS->unload) and its chain in C, newest first: what
 * was loaded after it (its post softdeps), ROOT, then what it needed, each
 * only when nothing uses it any more. Returns MM_EXIT_*.
 */
int plan_unload(struct chain *c, const struct chain_root *root, const struct plan_ops *ops);

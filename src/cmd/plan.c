// SPDX-License-Identifier: LGPL-2.1-or-later
/* A plan: a chain loaded as one transaction, or unloaded as far as nothing uses it. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/findings.h"
#include "mymod/util.h"
#include "plan.h"

enum kernel_mod_state plan_in_kernel(const char *name, bool builtin, bool say)
{
	enum kernel_mod_state state = kernel_module_state(name);

	if (builtin || state == KERNEL_MOD_BUILTIN) {
		if (say)
			printf("%s is built into the kernel\n", name);
		return KERNEL_MOD_BUILTIN;
	}
	if (state == KERNEL_MOD_LIVE || state == KERNEL_MOD_COMING) {
		if (say)
			printf("%s is already loaded\n", name);
		return KERNEL_MOD_LIVE;
	}
	return KERNEL_MOD_ABSENT;
}

/* ---- Unload if unused: the rollback's and unload --with-deps' one way out ---- */

/* UNUSED_ABSENT: not a live module (gone, built in, coming or going): left alone. */
enum unused_result { UNUSED_UNLOADED, UNUSED_ABSENT, UNUSED_IN_USE, UNUSED_FAILED };

/* What became of a module unload_unused() was given, and what keeps it. */
struct unused {
	enum unused_result result;
	int err; /* UNUSED_IN_USE: -EWOULDBLOCK; UNUSED_FAILED: kernel_unload()'s -errno */
	char **holders;
	size_t nholders;
	long refcnt;
};

/*
 * What a dry run would have unloaded so far (GONE, N of them): the modules
 * it holds count as gone for those after it.
 */
struct gone {
	const char **names;
	size_t n;
};

static bool is_gone(const struct gone *g, const char *name)
{
	for (size_t i = 0; g && i < g->n; i++)
		if (strcmp(g->names[i], name) == 0)
			return true;
	return false;
}

static void add_gone(struct gone *g, const char *name)
{
	g->names = mm_realloc(g->names, (g->n + 1) * sizeof(*g->names));
	g->names[g->n++] = name;
}

/* Drop from U's holders (and its count) those a dry run would have unloaded already. */
static void without_gone(struct unused *u, const struct gone *g)
{
	size_t kept = 0;

	for (size_t i = 0; i < u->nholders; i++) {
		if (is_gone(g, u->holders[i])) {
			free(u->holders[i]);
			u->refcnt--; /* each holding module counts one reference */
		} else {
			u->holders[kept++] = u->holders[i];
		}
	}
	u->nholders = kept;
}

/*
 * Unload NAME if nothing uses it: no module holds it, and its reference
 * count is 0 or drops to 0 within WAIT_MS. Free U->holders with
 * kernel_names_free(). The kernel would refuse a module in use too, but
 * this way what keeps it is known, and a wait possible. With DRY (a dry
 * run), nothing is unloaded: what DRY holds counts as gone, and NAME is
 * added to it when it would go.
 */
static void unload_unused(const char *name, long wait_ms, struct unused *u, struct gone *dry)
{
	*u = (struct unused){ .result = UNUSED_IN_USE, .err = -EWOULDBLOCK };
	if (kernel_module_state(name) != KERNEL_MOD_LIVE) {
		u->result = UNUSED_ABSENT;
		return;
	}
	if (kernel_module_holders(name, &u->holders, &u->nholders) < 0) {
		u->holders = NULL;
		u->nholders = 0;
	}
	u->refcnt = kernel_module_refcnt(name);
	if (dry)
		without_gone(u, dry);
	if (u->nholders > 0)
		return;
	if (u->refcnt > 0 && wait_ms > 0 && !dry && kernel_wait_unused(name, wait_ms) == 0)
		u->refcnt = 0;
	if (u->refcnt > 0)
		return;
	if (dry) {
		add_gone(dry, name);
		u->result = UNUSED_UNLOADED;
		return;
	}
	/* Count 0, or none to read (no CONFIG_MODULE_UNLOAD): the kernel says. */
	u->err = kernel_unload(name, 0);
	u->result = u->err == 0 ? UNUSED_UNLOADED : UNUSED_FAILED;
}

/*
 * Unload chain module NAME if nothing uses it; a refusal is a warning;
 * VERBOSE: say what became of it. DRY: a dry run (unload_unused()).
 */
static void unload_if_unused(const char *name, bool verbose, struct gone *dry)
{
	struct findings why;
	struct unused u;

	unload_unused(name, 0, &u, dry);
	if (u.result == UNUSED_UNLOADED && (verbose || dry)) {
		printf("%s %s\n", dry ? "would unload" : "unloaded", name);
	} else if (u.result == UNUSED_IN_USE && (verbose || dry) && u.nholders > 0) {
		printf("%s %s: in use by %s%s\n", dry ? "would keep" : "kept", name, u.holders[0],
		       u.nholders > 1 ? " and others" : "");
	} else if (u.result == UNUSED_IN_USE && (verbose || dry)) {
		printf("%s %s: reference count %ld\n", dry ? "would keep" : "kept", name, u.refcnt);
	} else if (u.result == UNUSED_FAILED) {
		findings_explain_unload(u.err, name, &why);
		mm_warn("kept %s: %s", name, why.v[0].message);
		findings_free(&why);
	}
	kernel_names_free(u.holders, u.nholders);
}

/* ---- Load: the steps in order, all or nothing ---- */

/* Append NAME to the list S ("a, b, c"; S->s is NULL while empty). */
static void list_add(struct mm_strbuf *s, const char *name)
{
	mm_strbuf_sep(s, ", ");
	mm_strbuf_add(s, name);
}

/* Unload what this command loaded (OURS), newest first; say what became of each. */
static void rollback(const char *failed, const char *const *ours, size_t n)
{
	struct mm_strbuf done = { 0 }, kept = { 0 };

	for (size_t i = n; i-- > 0;) {
		struct findings why;
		struct unused u;

		/* Wait a little for references a module we loaded may still drop. */
		unload_unused(ours[i], 1000, &u, NULL);
		kernel_names_free(u.holders, u.nholders);
		if (u.result == UNUSED_UNLOADED || u.result == UNUSED_ABSENT || u.err == -ENOENT) {
			list_add(&done, ours[i]);
			continue;
		}
		findings_explain_unload(u.err, ours[i], &why);
		mm_error("ROLLBACK FAILED: %s stays loaded: %s", ours[i], why.v[0].message);
		if (why.v[0].hint)
			mm_hint("%s", why.v[0].hint);
		findings_free(&why);
		list_add(&kept, ours[i]);
	}
	if (n == 0)
		mm_error("%s failed: nothing to roll back (this command had loaded no module)",
			 failed);
	else if (!kept.s)
		mm_error("%s failed: rolled back: unloaded %s", failed, done.s);
	else
		mm_error("%s failed: ROLLBACK INCOMPLETE: still loaded: %s; unloaded: %s", failed,
			 kept.s, done.s ? done.s : "none");
	mm_strbuf_free(&done);
	mm_strbuf_free(&kept);
}

/* A required step FAILED: keep what was loaded (--no-rollback), or undo it. */
static void undo(const char *failed, const char *const *ours, size_t n, bool no_rollback)
{
	char *s;

	if (!no_rollback) {
		rollback(failed, ours, n);
		return;
	}
	s = mm_join(ours, n, ", ");
	mm_error("%s failed: kept what this command loaded (--no-rollback): %s", failed,
		 *s ? s : "nothing");
	free(s);
}

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };

/* Catch SIGS into OLD; no SA_RESTART: a signal ends the wait for a load, then the plan is undone.
 */
static void catch_signals(struct sigaction old[MM_ARRAY_SIZE(sigs)])
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < MM_ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &sa, &old[i]);
}

static bool step_in_kernel(const struct chain_step *s, const struct plan_ops *ops)
{
	if (ops->in_kernel)
		return ops->in_kernel(s, ops->ctx);
	return plan_in_kernel(s->name, s->builtin, ops->tell) != KERNEL_MOD_ABSENT;
}

int plan_load(const struct chain *c, const struct plan_ops *ops)
{
	struct sigaction old[MM_ARRAY_SIZE(sigs)];
	size_t n, nours = 0;
	const struct chain_step *steps = chain_steps(c, &n);
	const char **ours = mm_reallocarray(NULL, n ? n : 1, sizeof(*ours));
	const char *failed = NULL;

	catch_signals(old);
	for (size_t i = 0; i < n && !failed; i++) {
		enum plan_result r = PLAN_SKIPPED;

		if (!step_in_kernel(&steps[i], ops))
			r = ops->load(&steps[i], ops->ctx);
		if (r == PLAN_LOADED)
			ours[nours++] = steps[i].name;
		if (r == PLAN_FAILED && steps[i].required)
			failed = steps[i].name;
		if (interrupted && !failed) {
			mm_error("interrupted by %s", strsignal(interrupted));
			failed = steps[i].name;
		}
	}
	if (failed)
		undo(failed, ours, nours, ops->no_rollback);
	/* Only now: a second signal must not cut the rollback short. */
	for (size_t i = 0; i < MM_ARRAY_SIZE(sigs); i++)
		sigaction(sigs[i], &old[i], NULL);
	free(ours);
	return failed ? MM_EXIT_FAIL : MM_EXIT_OK;
}

/* ---- Unload: the chain newest first, as far as nothing uses it ---- */

int plan_unload(struct chain *c, const struct chain_root *root, const struct plan_ops *ops)
{
	const struct chain_step *steps;
	struct gone gone = { 0 }, *dry = ops->dry_run ? &gone : NULL;
	size_t first, n, at;
	int err, ret = MM_EXIT_FAIL;

	/* Not loaded, built in: say so as a plain unload does, and touch nothing else. */
	if (kernel_module_state(root->name) != KERNEL_MOD_LIVE)
		return ops->unload(root->name, ops->ctx);
	chain_steps(c, &first);
	err = chain_add(c, root, false);
	if (err < 0) {
		mm_error("%s: %s", root->name, mm_errmsg());
		return MM_EXIT_FAIL;
	}
	steps = chain_steps(c, &n);
	for (at = first; at < n && !steps[at].root; at++)
		;
	for (size_t i = n; i-- > at + 1;)
		unload_if_unused(steps[i].name, ops->verbose, dry);
	if (ops->unload(root->name, ops->ctx) != MM_EXIT_OK)
		goto out;
	if (dry)
		add_gone(dry, root->name);
	for (size_t i = at; i-- > first;)
		unload_if_unused(steps[i].name, ops->verbose, dry);
	ret = MM_EXIT_OK;
out:
	free(gone.names);
	return ret;
}

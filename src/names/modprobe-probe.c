// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What modprobe does with a module, through the cmd layer's chain and
 * plan (what `mymod load --with-deps` loads) and the kernel layer, with
 * kmod's lines: -R, -D, -n, loading, and -r.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "modprobe.h"
#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "mymod/modtree.h"
#include "mymod/util.h"
#include "src/cmd/chain.h"
#include "src/cmd/modcmd.h"
#include "src/cmd/plan.h"

/* libkmod's options for a module: modprobe.d's, then the command line's (EXTRA); NULL: none. */
static char *join_options(const char *config, const char *extra)
{
	if (!config && !extra)
		return NULL;
	return mm_asprintf("%s%s%s", config ? config : "", config ? " " : "", extra ? extra : "");
}

/*
 * libkmod's module_is_inkernel(): built in by modules.builtin, or live.
 * (A /sys/module directory without initstate is "coming" to libkmod, so
 * not in the kernel; mymod's own commands take it for a built-in one.)
 */
static bool in_kernel(const char *name, bool builtin)
{
	return builtin || kernel_module_state(name) == KERNEL_MOD_LIVE;
}

/* plan_ops.in_kernel: the same for a step of the plan. */
static bool step_in_kernel(const struct chain_step *s, const void *ctx)
{
	(void)ctx;
	return in_kernel(s->name, s->builtin);
}

/* What a step of the walk is done with. */
struct step_ctx {
	struct modtree *mt;
	const char *extra;     /* for the root */
	const char *root_path; /* the root's file when given by path (kmod 34); NULL: the tree's */
	int err;	       /* a required step's failure */
};

/* Is S's install command run instead of loading it? *CMD is it (free it). */
static bool use_install(const struct step_ctx *sc, const struct chain_step *s, bool running,
			char **cmd)
{
	*cmd = NULL;
	if (!s->install || (running && modcmd_inside(s->name)))
		return false;
	return modtree_install_command(sc->mt, s->name, cmd) == 0 && *cmd;
}

/* kmod's print_action(): what is run or loaded, before it is. */
/* S's file: the one given by path for the root, else the tree's. */
static const char *step_path(const struct step_ctx *sc, const struct chain_step *s)
{
	return s->root && sc->root_path ? sc->root_path : s->path;
}

static void print_action(const struct step_ctx *sc, const struct chain_step *s, const char *cmd,
			 const char *opts)
{
	if (cmd)
		printf("install %s %s\n", cmd, opts ? opts : "");
	else if (step_path(sc, s))
		printf("insmod %s %s\n", step_path(sc, s), opts ? opts : "");
	else if (s->builtin)
		printf("builtin %s\n", s->name);
	/* Not flushed, as kmod's: an install command's output can come first. */
}

/* -D, -n: print each step (chain_walk's FN); -n passes over what is loaded. */
static int show_step(const struct chain_step *s, void *data)
{
	struct step_ctx *sc = data;
	char *cmd, *opts;

	if (!mp.ignore_loaded && in_kernel(s->name, s->builtin))
		return 0;
	/* As kmod: -n alone prints nothing; -D or -v do. */
	if (!mp.show && mp.verbose <= LOG_WARNING)
		return 0;
	use_install(sc, s, false, &cmd);
	opts = join_options(s->options, s->root ? sc->extra : NULL);
	print_action(sc, s, cmd, opts);
	free(opts);
	free(cmd);
	return 0;
}

/*
 * libkmod's kmod_module_insert_module(): the file to the kernel, as the
 * kernel layer hands it (what `mymod load` does, without the kernel log and
 * its explanation, which kmod does not print). 0 or -errno.
 */
static int insert_file(const char *name, const char *path, const char *opts)
{
	struct ko *ko;
	int err;

	if (!path) {
		MP_ERR("could not find module by name='%s'\n", name);
		return -ENOENT;
	}
	/* Forcing edits the sections: read them only then. */
	err = mp.load_flags ? ko_open(path, &ko) : ko_open_load(path, &ko);
	if (err < 0)
		return err;
	err = kernel_load(ko, opts ? opts : "", mp.load_flags);
	ko_close(ko);
	if (err < 0)
		mp_log(LOG_INFO, "Failed to insert module '%s': %s\n", path, strerror(-err));
	return err;
}

/* libkmod's install command: its failure in libkmod's words. 0 or -EINVAL. */
static int run_install(const char *name, const char *cmd, const char *opts)
{
	int r = modcmd_system(name, cmd, opts);
	char *full;

	if (r == 0)
		return 0;
	full = modcmd_expand(cmd, opts);
	if (r > 0)
		MP_ERR("Error running install command '%s' for module %s: retcode %d\n", full, name,
		       r);
	else
		MP_ERR("Could not run install command '%s' for module %s\n", full, name);
	free(full);
	return -EINVAL;
}

/* Load one step of the plan (plan_ops.load). */
static enum plan_result load_step(const struct chain_step *s, const void *ctx)
{
	struct step_ctx *sc = (struct step_ctx *)ctx;
	char *cmd, *opts = join_options(s->options, s->root ? sc->extra : NULL);
	int err;

	use_install(sc, s, true, &cmd);
	if (mp.verbose > LOG_WARNING)
		print_action(sc, s, cmd, opts);
	err = cmd ? run_install(s->name, cmd, opts) : insert_file(s->name, step_path(sc, s), opts);
	free(opts);
	free(cmd);
	if (err == -EEXIST && !(s->root && mp.first_time))
		return PLAN_SKIPPED;
	if (err == 0)
		return PLAN_LOADED;
	if (s->required)
		sc->err = err;
	return PLAN_FAILED;
}

/* kmod_module_probe_insert_module() for ROOT (its file PATH, or NULL: the tree's). 0, or -errno. */
static int insert_root(struct chain *c, const struct chain_root *root, const char *extra,
		       const char *path)
{
	struct step_ctx sc = { .mt = chain_modtree(c), .extra = extra, .root_path = path };
	struct plan_ops ops = {
		.load = load_step,
		.ctx = &sc,
		.in_kernel = step_in_kernel,
		.no_rollback = true,
	};
	int err;

	if (!mp.ignore_loaded && in_kernel(root->name, root->builtin))
		return mp.first_time ? -EEXIST : 0;
	if ((root->via || mp.use_blacklist) && root->blacklisted)
		return 0;
	if (mp.dry_run)
		return chain_walk(c, root, true, show_step, &sc);
	err = chain_add(c, root, true);
	if (err < 0)
		return err;
	plan_load(c, &ops);
	return sc.err;
}

static void insert_failed(const char *name, int err)
{
	if (err == -EEXIST)
		MP_ERR("could not insert '%s': Module already in kernel\n", name);
	else if (err == -ENOENT)
		MP_ERR("could not insert '%s': Unknown symbol in module, or unknown parameter (see "
		       "dmesg)\n",
		       name);
	else
		MP_ERR("could not insert '%s': %s\n", name, strerror(-err));
}

/* "Module ARG not found in directory DIR" at LOG_CRIT (-a: LOG_WARNING). */
static int not_found(const char *arg)
{
	char dir[PATH_MAX];

	mp_log(mp.log_prio, "Module %s not found in directory %s\n", arg,
	       mm_moddir(dir, sizeof(dir)) ? dir : "(missing)");
	return -ENOENT;
}

/* A module given by path that the tree does not know: that file alone. */
static int insert_alone(const char *name, const char *path, const char *extra)
{
	struct step_ctx sc = { .mt = mm_modtree_try(), .extra = extra };
	struct chain_step s = { .name = name, .path = path, .root = true, .required = true };

	if (in_kernel(name, false))
		return mp.first_time ? -EEXIST : 0;
	if (mp.use_blacklist && sc.mt && modtree_blacklisted(sc.mt, name))
		return 0;
	if (sc.mt && modtree_probe_options(sc.mt, name, NULL, &s.options) < 0)
		s.options = NULL;
	if (mp.dry_run)
		show_step(&s, &sc);
	else
		load_step(&s, &sc);
	free(s.options);
	return sc.err;
}

/*
 * kmod 34: a module given by path ("/..." or "./..."): that file, with what
 * the tree says of a module of its name (dependencies, softdeps, options).
 */
static int insert_path(const char *path, const char *extra)
{
	const struct chain_root *roots;
	struct chain *c = NULL;
	char *name;
	size_t n = 0;
	int err = 0;

	if (access(path, F_OK) < 0) {
		mp_log(mp.log_prio, "Failed to get module from path %s: %s\n", path,
		       strerror(errno));
		return -ENOENT;
	}
	name = mm_modname_from_path(path);
	if (mp.lookup_only) {
		printf("%s\n", name);
		goto out;
	}
	if (chain_open(name, false, &c, &roots, &n) < 0)
		n = 0;
	if (c && mp.ignore_commands)
		chain_ignore_root_commands(c);
	while (n > 0 && !mm_modname_eq(roots[n - 1].name, name))
		n--;
	err = n ? insert_root(c, &roots[n - 1], extra, path) : insert_alone(name, path, extra);
	if (err < 0)
		insert_failed(name, err);
out:
	chain_free(c);
	free(name);
	return err;
}

int mp_insert(const char *arg, const char *extra)
{
	const struct chain_root *roots;
	struct chain *c = NULL;
	size_t n = 0;
	int err = 0;

	if (arg[0] == '/' || strncmp(arg, "./", 2) == 0)
		return insert_path(arg, extra);
	if (chain_open(arg, true, &c, &roots, &n) < 0 || n == 0) {
		chain_free(c);
		return not_found(arg);
	}
	if (mp.ignore_commands)
		chain_ignore_root_commands(c);
	for (size_t i = 0; i < n; i++) {
		if (mp.lookup_only) {
			printf("%s\n", roots[i].name);
			continue;
		}
		err = insert_root(c, &roots[i], extra, NULL);
		if (err < 0)
			insert_failed(roots[i].name, err);
	}
	chain_free(c);
	return err;
}

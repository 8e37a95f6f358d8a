// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modprobe -r: a module, its softdeps around it, its holders first with
 * --remove-holders, then what it needed that nothing uses any more; through
 * the kernel layer's unload and the modtree's modprobe.d, in kmod's words.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "modprobe.h"
#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "mymod/modtree.h"
#include "mymod/util.h"
#include "src/cmd/modcmd.h"

/* SHOW() of kmod's modprobe: with -D or -v. */
static void show(const char *what, const char *arg)
{
	if (!mp.show && mp.verbose <= LOG_WARNING)
		return;
	printf("%s %s\n", what, arg);
	fflush(stdout);
}

static unsigned long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (unsigned long long)ts.tv_sec * 1000 + (unsigned long long)ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned long long ms)
{
	struct timespec ts = { .tv_sec = (time_t)(ms / 1000),
			       .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

/* -w: delete_module() again while the module is busy, backing off, until WAIT_MS pass. */
static int unload_waiting(const char *name, unsigned int flags)
{
	unsigned long long end = now_ms() + mp.wait_ms, delta = 0;
	int err;

	for (;;) {
		unsigned long long now;

		err = kernel_unload(name, flags);
		if (err != -EAGAIN && err != -EWOULDBLOCK)
			break;
		now = now_ms();
		if (now >= end)
			break;
		delta = delta ? delta << 1 : 1;
		while (delta > 1 && now + delta > end)
			delta >>= 1;
		sleep_ms(delta);
	}
	if (err < 0)
		MP_ERR("could not remove '%s': %s\n", name, strerror(-err));
	return err;
}

/* rmmod_do_remove_module(): NAME out of the kernel. 0 or -errno. */
static int unload(const char *name)
{
	unsigned int flags = mp.force ? KERNEL_UNLOAD_FORCE : 0;
	int err;

	show("rmmod", name);
	if (mp.dry_run)
		return 0;
	if (mp.wait_ms)
		return unload_waiting(name, flags);
	err = kernel_unload(name, flags);
	if (err < 0)
		MP_ERR("could not remove '%s': %s\n", name, strerror(-err));
	return err;
}

/* modprobe.d's remove command for NAME, as kmod's modprobe runs it. 0 or -exit status. */
static int run_remove(const char *name, const char *cmd)
{
	char *full = modcmd_expand(cmd, NULL);
	int r = 0;

	show("remove", full);
	if (!mp.dry_run)
		r = modcmd_system(name, cmd, NULL);
	if (r != 0)
		mp_log(mp.log_prio, "Error running remove command for %s\n", name);
	free(full);
	return r > 0 ? -r : r;
}

enum { RM_HOLDERS = 1, RM_IGNORE_BUILTIN = 2 };

static int remove_module(struct modtree *mt, const char *name, int flags, int depth);

/* rmmod_do_modlist(): MODS newest first; STOP: at the first failure. */
static int remove_list(struct modtree *mt, char **names, size_t n, bool stop, int depth)
{
	for (size_t i = n; i-- > 0;) {
		int err = remove_module(mt, names[i], RM_IGNORE_BUILTIN, depth + 1);

		if (err < 0 && stop)
			return err;
	}
	return 0;
}

static int remove_mods(struct modtree *mt, struct modtree_mod *mods, size_t n, int depth)
{
	char **names = mm_calloc(n + 1, sizeof(*names));

	for (size_t i = 0; i < n; i++)
		names[i] = mods[i].name;
	remove_list(mt, names, n, false, depth);
	free(names);
	return 0;
}

/* Is NAME there to remove? 1 yes; else 0 or -errno, what kmod's modprobe returns. */
static int removable(struct modtree *mt, const char *name, int flags)
{
	/* libkmod's initstate: modules.builtin first; a directory without initstate is coming. */
	enum kernel_mod_state state =
		modtree_builtin(mt, name) ? KERNEL_MOD_BUILTIN : kernel_module_state(name);

	if (state == KERNEL_MOD_BUILTIN && !modtree_builtin(mt, name))
		state = KERNEL_MOD_COMING;
	if (state == KERNEL_MOD_ABSENT) {
		if (!mp.first_time)
			return 0;
		mp_log(mp.log_prio, "Module %s is not in kernel.\n", name);
		return -ENOENT;
	}
	if (state == KERNEL_MOD_BUILTIN) {
		if (flags & RM_IGNORE_BUILTIN)
			return 0;
		mp_log(mp.log_prio, "Module %s is builtin.\n", name);
		return -ENOENT;
	}
	return 1;
}

/* Step 4 of rmmod_do_module(): what NAME needed and nothing uses now. */
static void remove_unused_deps(struct modtree *mt, const char *name)
{
	struct modtree_mod *deps = NULL;
	size_t n = 0;

	if (modtree_deps(mt, name, &deps, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (kernel_module_refcnt(deps[i].name) == 0)
			unload(deps[i].name);
	modtree_mods_free(deps, n);
}

/* NAME itself: its remove command, or out of the kernel when nothing uses it. */
static int remove_itself(struct modtree *mt, const char *name, const char *cmd)
{
	int err;

	if (!cmd && !mp.ignore_loaded && !mp.wait_ms && kernel_module_refcnt(name) > 0) {
		mp_log(mp.log_prio, "Module %s is in use.\n", name);
		return -EBUSY;
	}
	err = cmd ? run_remove(name, cmd) : unload(name);
	if (err == 0 && !cmd)
		remove_unused_deps(mt, name);
	return err;
}

/* Holders of NAME first (--remove-holders), newest first, stopping at a failure. */
static int remove_holders(struct modtree *mt, const char *name, int depth)
{
	char **holders = NULL;
	size_t n = 0;
	int err;

	err = kernel_module_holders(name, &holders, &n);
	if (err < 0) {
		MP_ERR("could not open '/sys/module/%s/holders': %s\n", name, strerror(-err));
		return 0;
	}
	err = remove_list(mt, holders, n, true, depth);
	kernel_names_free(holders, n);
	return err;
}

/* kmod's rmmod_do_module(). 0 or -errno. */
static int remove_module(struct modtree *mt, const char *name, int flags, int depth)
{
	struct modtree_mod *pre = NULL, *post = NULL;
	size_t npre = 0, npost = 0;
	char *cmd = NULL;
	int err;

	if (depth > 32) /* a softdep loop: kmod would not end either */
		return -ELOOP;
	if (!mp.ignore_commands) {
		if (modtree_softdeps(mt, name, &pre, &npre, &post, &npost) < 0) {
			npre = npost = 0;
			pre = post = NULL;
		}
		if (!modcmd_inside(name) && modtree_remove_command(mt, name, &cmd) < 0)
			cmd = NULL;
	}
	err = cmd || mp.ignore_loaded ? 1 : removable(mt, name, flags);
	if (err <= 0)
		goto out;
	remove_mods(mt, post, npost, depth);
	err = flags & RM_HOLDERS ? remove_holders(mt, name, depth) : 0;
	if (err == 0)
		err = remove_itself(mt, name, cmd);
	if (err == 0)
		remove_mods(mt, pre, npre, depth);
out:
	free(cmd);
	modtree_mods_free(pre, npre);
	modtree_mods_free(post, npost);
	return err;
}

int mp_remove(const char *arg)
{
	struct modtree *mt = mm_modtree_try();
	struct modtree_mod *mods = NULL;
	size_t n = 0;
	int err = 0;

	if (mt && modtree_lookup(mt, arg, &mods, &n) < 0)
		n = 0;
	if (n == 0) {
		mp_log(mp.log_prio, "Module %s not found.\n", arg);
		return -ENOENT;
	}
	for (size_t i = 0; i < n && err >= 0; i++)
		err = remove_module(mt, mods[i].name, mp.remove_holders ? RM_HOLDERS : 0, 0);
	modtree_mods_free(mods, n);
	return err;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * One way in: the module directory a command reads, opened once, and a
 * module argument resolved to what it names, each with one message and
 * one hint when it fails.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "mymod/modtree.h"
#include "mymod/util.h"

static const struct mm_cmd *current;

static struct {
	struct modtree *mt;
	char *err; /* why it cannot be opened, once known */
	bool as_modinfo;
	bool missing_ok;
	bool hinted;
} moddir;

void mm_cmd_begin(const struct mm_cmd *cmd)
{
	current = cmd;
	mm_cfg.cmd = cmd->name;
}

void mm_cmd_end(void)
{
	modtree_close(moddir.mt);
	free(moddir.err);
	moddir.mt = NULL;
	moddir.err = NULL;
	moddir.hinted = false;
	moddir.as_modinfo = false;
	moddir.missing_ok = false;
	current = NULL;
}

void mm_modtree_as_modinfo(void)
{
	moddir.as_modinfo = true;
}

void mm_modtree_missing_ok(void)
{
	moddir.missing_ok = true;
}

struct modtree *mm_modtree_try(void)
{
	int err;

	/* The command table says who reads a module directory; a command that did not say is
	 * a mistake of ours. */
	if (!current || !(current->needs & MM_NEEDS_MODDIR))
		abort();
	if (!moddir.mt && !moddir.err) {
		if (moddir.as_modinfo)
			err = modtree_open_as_modinfo(&moddir.mt);
		else if (moddir.missing_ok)
			err = modtree_open_missing_ok(&moddir.mt);
		else
			err = modtree_open(&moddir.mt);
		if (err < 0)
			moddir.err = mm_strdup(mm_errmsg());
	}
	return moddir.mt;
}

struct modtree *mm_modtree(const char *arg)
{
	if (mm_modtree_try())
		return moddir.mt;
	if (arg)
		mm_error("%s: %s", arg, moddir.err);
	else
		mm_error("%s", moddir.err);
	if (!moddir.hinted)
		mm_hint("choose the kernel with -k KVER (see ls /lib/modules) or the root with "
			"-b DIR; or give a module file's path");
	moddir.hinted = true;
	return NULL;
}

int mm_no_such_module(struct modtree *mt, const char *arg)
{
	if (mm_cfg.kmod_tool) { /* kmod's words: its tools' users' scripts read them */
		mm_error("Module %s not found.", arg);
		return -ENOENT;
	}
	mm_error("%s: no module or alias of that name in %s", arg, modtree_dir(mt));
	mm_hint("names and aliases come from modules.dep and modules.alias there (depmod writes "
		"them); to use a file, give its path (./%s.ko)",
		arg);
	return -ENOENT;
}

/* Each module NAME (a name or an alias) means, to FN; see mm_resolve(). */
static int resolve_name(const char *arg, unsigned int flags, mm_target_fn fn, void *data)
{
	struct modtree *mt = mm_modtree(arg);
	struct modtree_mod *mods = NULL;
	size_t n = 0;
	int err;

	if (!mt)
		return -ENOENT;
	err = modtree_lookup(mt, arg, &mods, &n);
	if (err < 0) {
		mm_error("%s: %s", arg, mm_errmsg());
		return err;
	}
	if (n == 0)
		return mm_no_such_module(mt, arg);
	for (size_t i = 0; i < n; i++) {
		const struct modtree_mod *m = &mods[i];
		struct mm_target t = { .arg = arg, .name = m->name, .path = m->path };
		int e;

		t.by_alias = !mm_modname_eq(arg, m->name);
		t.kind = m->path ? MM_TARGET_MODULE : MM_TARGET_BUILTIN;
		if (!m->path && !m->builtin && !(flags & MM_RESOLVE_ABSENT_AS_BUILTIN))
			e = mm_module_not_there(mt, arg, m);
		else
			e = fn(&t, data);
		if (e < 0 && err == 0)
			err = e;
	}
	modtree_mods_free(mods, n);
	return err;
}

int mm_resolve(const char *arg, unsigned int flags, mm_target_fn fn, void *data)
{
	struct mm_target t = { .arg = arg, .kind = MM_TARGET_FILE, .path = arg };

	if (mm_is_path(arg))
		return fn(&t, data);
	return resolve_name(arg, flags, fn, data);
}

/* The module directory's file of the module NAME (FN of mm_resolve()). */
static int take_path(const struct mm_target *t, void *data)
{
	char **path = data;

	if (t->path && t->name && !*path)
		*path = mm_strdup(t->path);
	return 0;
}

char *mm_module_file(const char *name, bool loud)
{
	struct modtree_mod *mods = NULL;
	struct modtree *mt;
	char *path = NULL;
	size_t n = 0;

	if (loud) {
		if (mm_resolve(name, 0, take_path, &path) < 0)
			return NULL;
		if (!path)
			mm_error("%s: no file for it in the module directory", name);
		return path;
	}
	mt = mm_modtree_try();
	if (!mt || modtree_lookup(mt, name, &mods, &n) < 0) {
		mm_clearerr();
		return NULL;
	}
	for (size_t i = 0; i < n && !path; i++)
		if (mods[i].path && mm_modname_eq(mods[i].name, name))
			path = mm_strdup(mods[i].path);
	modtree_mods_free(mods, n);
	return path;
}

/* Is KO the build of loaded module NAME? Unknown (no srcversion on either side) counts as yes. */
bool mm_same_build(struct ko *ko, const char *name, const char *without)
{
	char *loaded = kernel_module_srcversion(name);
	const char *v = ko_modinfo_get(ko, "srcversion");
	bool same = !loaded || !v || strcmp(loaded, v) == 0;

	if (!same)
		mm_warn("%s: not the build of %s the kernel loaded (srcversion %s, loaded %s); %s",
			ko_path(ko), name, v, loaded, without);
	free(loaded);
	return same;
}

struct ko *mm_open_loaded(const char *name, const char *file, const char *without)
{
	char *path = file ? mm_strdup(file) : mm_module_file(name, false);
	struct ko *ko = NULL;

	if (!path)
		return NULL;
	if (ko_open(path, &ko) < 0) {
		mm_warn("%s: %s; %s", path, mm_errmsg(), without);
		ko = NULL;
	} else if (!mm_same_build(ko, name, without)) {
		ko_close(ko);
		ko = NULL;
	}
	free(path);
	return ko;
}

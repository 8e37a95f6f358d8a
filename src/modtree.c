// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <libkmod.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mymod/modtree.h"
#include "mymod/util.h"

struct modtree {
	struct kmod_ctx *ctx;
	char dir[PATH_MAX];
	char *kver;
};

int modtree_open(struct modtree **mtp)
{
	struct modtree *mt;
	struct stat st;

	mt = mm_calloc(1, sizeof(*mt));
	if (!mm_moddir(mt->dir, sizeof(mt->dir))) {
		free(mt);
		return mm_fail(ENAMETOOLONG, "module directory path too long");
	}
	if (stat(mt->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		int err = errno ? errno : ENOTDIR;

		mm_fail(ENOENT, "no module directory %s for kernel %s (%s)", mt->dir, mm_kver(),
			strerror(err));
		free(mt);
		return -ENOENT;
	}
	mt->ctx = kmod_new(mt->dir, NULL);
	if (!mt->ctx) {
		mm_fail(ENOMEM, "cannot read module directory %s", mt->dir);
		free(mt);
		return -ENOMEM;
	}
	kmod_set_log_priority(mt->ctx, 0);
	mt->kver = mm_strdup(mm_kver());
	*mtp = mt;
	return 0;
}

void modtree_close(struct modtree *mt)
{
	if (!mt)
		return;
	kmod_unref(mt->ctx);
	free(mt->kver);
	free(mt);
}

const char *modtree_dir(const struct modtree *mt)
{
	return mt->dir;
}

const char *modtree_kver(const struct modtree *mt)
{
	return mt->kver;
}

int modtree_lookup(struct modtree *mt, const char *name, struct modtree_mod **modsp, size_t *np)
{
	struct kmod_list *list = NULL, *l;
	struct modtree_mod *mods = NULL;
	size_t n = 0;
	int err;

	err = kmod_module_new_from_lookup(mt->ctx, name, &list);
	if (err < 0)
		return mm_fail(-err, "cannot look up %s in %s", name, mt->dir);
	kmod_list_foreach(l, list)
	{
		struct kmod_module *mod = kmod_module_get_module(l);
		const char *path = kmod_module_get_path(mod);

		mods = mm_reallocarray(mods, n + 1, sizeof(*mods));
		mods[n].name = mm_strdup(kmod_module_get_name(mod));
		mods[n].path = path ? mm_strdup(path) : NULL;
		mods[n].builtin = !path;
		n++;
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	*modsp = mods;
	*np = n;
	return 0;
}

void modtree_mods_free(struct modtree_mod *mods, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(mods[i].name);
		free(mods[i].path);
	}
	free(mods);
}

int modtree_options(struct modtree *mt, const char *name, char **options)
{
	struct kmod_module *mod;
	const char *opts;
	int err;

	*options = NULL;
	err = kmod_module_new_from_name(mt->ctx, name, &mod);
	if (err < 0)
		return mm_fail(-err, "cannot look up %s", name);
	opts = kmod_module_get_options(mod);
	if (opts && *opts)
		*options = mm_strdup(opts);
	kmod_module_unref(mod);
	return 0;
}

bool modtree_blacklisted(struct modtree *mt, const char *name)
{
	struct kmod_list *list = NULL, *filtered = NULL, *l;
	bool blacklisted = false;

	if (kmod_module_new_from_lookup(mt->ctx, name, &list) < 0 || !list)
		return false;
	if (kmod_module_apply_filter(mt->ctx, KMOD_FILTER_BLACKLIST, list, &filtered) < 0)
		goto out;
	/* Blacklisted when the filter removed the module called NAME. */
	blacklisted = true;
	kmod_list_foreach(l, filtered)
	{
		struct kmod_module *mod = kmod_module_get_module(l);

		if (strcmp(kmod_module_get_name(mod), name) == 0)
			blacklisted = false;
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(filtered);
out:
	kmod_module_unref_list(list);
	return blacklisted;
}

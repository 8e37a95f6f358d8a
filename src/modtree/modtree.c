// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The libkmod wrapper: opening a module directory, looking names and
 * aliases up, and what modprobe.d and modules.builtin say of a module.
 */
#include <errno.h>
#include <fnmatch.h>
#include <libkmod.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "modtree-internal.h"
#include "mymod/util.h"

/* CONFIG: libkmod's configuration paths, NULL for its default (modprobe.d). */
static int open_with(struct modtree **mtp, const char *const *config, bool missing_ok)
{
	struct modtree *mt = mm_calloc(1, sizeof(*mt));
	const char *kver = mm_kver(); /* NULL: kernel_release() said why */
	struct stat st;
	int err = 0, why = 0;

	if (!kver) {
		err = -ENOENT;
		goto out;
	}
	if (!mm_moddir(mt->dir, sizeof(mt->dir))) {
		err = mm_fail(ENAMETOOLONG, "module directory path too long");
		goto out;
	}
	if (stat(mt->dir, &st) < 0)
		why = errno;
	else if (!S_ISDIR(st.st_mode))
		why = ENOTDIR;
	if (why && !missing_ok) {
		err = mm_fail(ENOENT, "no module directory %s for kernel %s (%s)", mt->dir, kver,
			      strerror(why));
		goto out;
	}
	mt->ctx = kmod_new(mt->dir, config);
	if (!mt->ctx) {
		err = mm_fail(ENOMEM, "cannot read module directory %s", mt->dir);
		goto out;
	}
	kmod_set_log_priority(mt->ctx, 0);
	mt->kver = mm_strdup(kver);
	*mtp = mt;
	mt = NULL;
out:
	free(mt);
	return err;
}

int modtree_open(struct modtree **mtp)
{
	return open_with(mtp, mm_cfg.config_paths, false);
}

int modtree_open_missing_ok(struct modtree **mtp)
{
	return open_with(mtp, mm_cfg.config_paths, true);
}

int modtree_open_as_modinfo(struct modtree **mtp)
{
	static const char *const none[] = { NULL };

	return open_with(mtp, none, false);
}

void modtree_close(struct modtree *mt)
{
	if (!mt)
		return;
	mt_dep_index_free(mt->deps);
	kmod_unref(mt->ctx);
	free(mt->kver);
	free(mt->weakdep);
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

int modtree_load(struct modtree *mt)
{
	int err = kmod_load_resources(mt->ctx);

	if (err < 0)
		return mm_fail(-err, "cannot load the indexes of %s: %s", mt->dir, strerror(-err));
	return 0;
}

void mt_mods_push(struct modtree_mod **mods, size_t *n, const char *name, const char *path,
		  bool builtin)
{
	*mods = mm_reallocarray(*mods, *n + 1, sizeof(**mods));
	(*mods)[*n].name = mm_strdup(name);
	(*mods)[*n].path = path ? mm_strdup(path) : NULL;
	(*mods)[*n].builtin = builtin;
	(*mods)[*n].written = NULL;
	(*n)++;
}

void mt_mods_push_kmod(struct modtree *mt, struct modtree_mod **mods, size_t *n,
		       struct kmod_module *mod, const char *written)
{
	const char *path = kmod_module_get_path(mod);

	mt_mods_push(mods, n, kmod_module_get_name(mod), path,
		     !path && modtree_builtin(mt, kmod_module_get_name(mod)));
	if (written)
		(*mods)[*n - 1].written = mm_strdup(written);
}

void modtree_mods_free(struct modtree_mod *mods, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(mods[i].name);
		free(mods[i].path);
		free(mods[i].written);
	}
	free(mods);
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

		mt_mods_push_kmod(mt, &mods, &n, mod, NULL);
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	*modsp = mods;
	*np = n;
	return 0;
}

bool mt_config_alias(struct modtree *mt, const char *name)
{
	struct kmod_config_iter *it = kmod_config_get_aliases(mt->ctx);
	bool found = false;

	while (it && !found && kmod_config_iter_next(it))
		found = fnmatch(kmod_config_iter_get_key(it), name, 0) == 0;
	kmod_config_iter_free_iter(it);
	return found;
}

bool mt_plain_name(const char *name, char *key, size_t size)
{
	size_t i;

	for (i = 0; name[i] && i + 1 < size; i++) {
		char c = name[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      c == '_' || c == '-'))
			return false;
		key[i] = c == '-' ? '_' : c;
	}
	key[i] = '\0';
	return i > 0 && !name[i];
}

int modtree_resolve(struct modtree *mt, const char *name, struct modtree_mod **modsp, size_t *np)
{
	char key[256];
	const char *rel;

	if (!mt->deps || !mt_plain_name(name, key, sizeof(key)))
		return modtree_lookup(mt, name, modsp, np);
	rel = mt_dep_find(mt->deps, key);
	if (!rel || mt_config_alias(mt, key))
		return modtree_lookup(mt, name, modsp, np);
	*modsp = mm_calloc(1, sizeof(**modsp));
	(*modsp)->name = mm_strdup(key);
	(*modsp)->path = mt_dep_path(mt->deps, rel, strcspn(rel, ":"));
	*np = 1;
	return 0;
}

int modtree_symbol_providers(struct modtree *mt, const char *sym, struct modtree_mod **mods,
			     size_t *n)
{
	char *alias = mm_asprintf("symbol:%s", sym);
	int err;

	/* Many look-ups follow: map the indexes once (a no-op when done). */
	kmod_load_resources(mt->ctx);
	err = modtree_lookup(mt, alias, mods, n);
	free(alias);
	return err;
}

/* What GET gives of module NAME from modprobe.d, copied into *OUT; NULL when nothing. */
static int module_config(struct modtree *mt, const char *name,
			 const char *(*get)(const struct kmod_module *mod), char **out)
{
	struct kmod_module *mod;
	const char *s;
	int err;

	*out = NULL;
	err = kmod_module_new_from_name(mt->ctx, name, &mod);
	if (err < 0)
		return mm_fail(-err, "cannot look up %s", name);
	s = get(mod);
	if (s && *s)
		*out = mm_strdup(s);
	kmod_module_unref(mod);
	return 0;
}

int modtree_options(struct modtree *mt, const char *name, char **options)
{
	return module_config(mt, name, kmod_module_get_options, options);
}

/* ALIAS as libkmod keys it: '-' as '_', but not inside [...]. */
static void alias_key(const char *alias, char *key, size_t size)
{
	size_t i;
	bool bracket = false;

	for (i = 0; alias[i] && i + 1 < size; i++) {
		bracket = alias[i] == '[' || (bracket && alias[i] != ']');
		key[i] = alias[i] == '-' && !bracket ? '_' : alias[i];
	}
	key[i] = '\0';
}

/*
 * As libkmod's kmod_module_get_options() for NAME looked up by ALIAS: every
 * options entry (modprobe.d's, the kernel command line's) for either, in
 * order. Read from the configuration, not by looking ALIAS up again.
 */
int modtree_probe_options(struct modtree *mt, const char *name, const char *alias, char **options)
{
	struct kmod_config_iter *it;
	struct mm_strbuf sb = { 0 };
	char key[PATH_MAX];

	if (!alias)
		return modtree_options(mt, name, options);
	alias_key(alias, key, sizeof(key));
	it = kmod_config_get_options(mt->ctx);
	while (it && kmod_config_iter_next(it)) {
		const char *mod = kmod_config_iter_get_key(it),
			   *opts = kmod_config_iter_get_value(it);

		if ((strcmp(mod, name) != 0 && strcmp(mod, key) != 0) || !opts || !*opts)
			continue;
		mm_strbuf_sep(&sb, " ");
		mm_strbuf_add(&sb, opts);
	}
	kmod_config_iter_free_iter(it);
	*options = sb.s ? mm_strbuf_steal(&sb) : NULL;
	return 0;
}

int modtree_install_command(struct modtree *mt, const char *name, char **cmd)
{
	return module_config(mt, name, kmod_module_get_install_commands, cmd);
}

int modtree_remove_command(struct modtree *mt, const char *name, char **cmd)
{
	return module_config(mt, name, kmod_module_get_remove_commands, cmd);
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

bool modtree_builtin(struct modtree *mt, const char *name)
{
	struct kmod_module *mod = NULL;
	bool builtin;

	/*
	 * By module name only: an alias of the same name may mean other modules
	 * (alias crc32 is crc32_generic's, crc32 itself is built in). modules.dep,
	 * then modules.builtin; never /sys.
	 */
	if (kmod_module_new_from_name_lookup(mt->ctx, name, &mod) < 0 || !mod)
		return false;
	builtin = !kmod_module_get_path(mod);
	kmod_module_unref(mod);
	return builtin;
}

int modtree_builtin_info(struct modtree *mt, const char *name, struct modtree_info **infop,
			 size_t *np)
{
	struct kmod_list *list = NULL, *l;
	struct modtree_info *info = NULL;
	struct kmod_module *mod;
	size_t n = 0;
	int err;

	*infop = NULL;
	*np = 0;
	err = kmod_module_new_from_name(mt->ctx, name, &mod);
	if (err < 0)
		return mm_fail(-err, "cannot look up %s", name);
	err = kmod_module_get_info(mod, &list);
	kmod_module_unref(mod);
	if (err == -ENOENT)
		return 0;
	if (err < 0)
		return mm_fail(-err, "cannot read the builtin modinfo of %s in %s: %s", name,
			       mt->dir, strerror(-err));
	kmod_list_foreach(l, list)
	{
		info = mm_reallocarray(info, n + 1, sizeof(*info));
		info[n].key = mm_strdup(kmod_module_info_get_key(l));
		info[n].value = mm_strdup(kmod_module_info_get_value(l));
		n++;
	}
	kmod_module_info_free_list(list);
	*infop = info;
	*np = n;
	return 0;
}

void modtree_info_free(struct modtree_info *info, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(info[i].key);
		free(info[i].value);
	}
	free(info);
}

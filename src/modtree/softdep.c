// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Soft dependencies (modprobe.d and modules.softdep), as libkmod gives
 * them to modprobe, each module with the name its softdep line wrote.
 */
#include <fnmatch.h>
#include <libkmod.h>
#include <string.h>

#include "modtree-internal.h"
#include "mymod/util.h"

/*
 * The names written on NAME's softdep line (the first whose pattern
 * matches, as libkmod takes it), split in two. libkmod's iterator gives
 * the line as one string in which the last "pre:" name and "post:" run
 * together ("pre: apost: b"): only the modules' own accessor tells pre
 * from post, these names only say what each module was named by.
 */
static void softdep_written(struct modtree *mt, const char *name, char ***pre, size_t *npre,
			    char ***post, size_t *npost)
{
	struct kmod_config_iter *it = kmod_config_get_softdeps(mt->ctx);
	const char *value = NULL;
	bool is_post = false;

	while (it && !value && kmod_config_iter_next(it))
		if (fnmatch(kmod_config_iter_get_key(it), name, 0) == 0)
			value = kmod_config_iter_get_value(it);
	while (value && *value) {
		size_t len;

		value += strspn(value, " \t");
		len = strcspn(value, " \t");
		if (len == 0)
			break;
		if (len == 4 && strncmp(value, "pre:", 4) == 0) {
			is_post = false;
		} else if (len == 5 && strncmp(value, "post:", 5) == 0) {
			is_post = true;
		} else if (!is_post && len > 5 && strncmp(value + len - 5, "post:", 5) == 0) {
			mt_strv_push(pre, npre, value, len - 5);
			is_post = true;
		} else {
			mt_strv_push(is_post ? post : pre, is_post ? npost : npre, value, len);
		}
		value += len;
	}
	kmod_config_iter_free_iter(it);
}

/*
 * Would looking WRITTEN up give GOT alone? It does when WRITTEN is GOT's
 * own name, GOT is in modules.dep (it has a file) and no modprobe.d alias
 * matches the name: libkmod's lookup stops at modules.dep then.
 */
static bool looks_up_to(struct modtree *mt, const char *written, struct kmod_module *got)
{
	char key[256];

	return mt_plain_name(written, key, sizeof(key)) &&
	       strcmp(key, kmod_module_get_name(got)) == 0 && kmod_module_get_path(got) &&
	       !mt_config_alias(mt, key);
}

/*
 * The modules of LIST from L on that the lookup of WRITTEN gives, in turn,
 * onto MODS with that name; returns where LIST goes on.
 */
static struct kmod_list *lookup_mods(struct modtree *mt, struct kmod_list *list,
				     struct kmod_list *l, const char *written,
				     struct modtree_mod **mods, size_t *n)
{
	struct kmod_list *found = NULL, *f;

	if (kmod_module_new_from_lookup(mt->ctx, written, &found) < 0)
		return l;
	kmod_list_foreach(f, found)
	{
		struct kmod_module *want = kmod_module_get_module(f);
		struct kmod_module *got = l ? kmod_module_get_module(l) : NULL;

		if (got && strcmp(kmod_module_get_name(got), kmod_module_get_name(want)) == 0) {
			mt_mods_push_kmod(mt, mods, n, got, written);
			l = kmod_list_next(list, l);
		}
		kmod_module_unref(got);
		kmod_module_unref(want);
	}
	kmod_module_unref_list(found);
	return l;
}

/*
 * The modules of LIST (one of kmod_module_get_softdeps()'s, the lookups of
 * the names on the line in turn) onto MODS, each with the name it was
 * looked up by: the names are looked up again, in the same order (unless
 * the lookup is sure to give the next module), and a module takes the name
 * whose lookup gives it where LIST has it.
 */
static void softdep_mods(struct modtree *mt, struct kmod_list *list, char **written, size_t nw,
			 struct modtree_mod **mods, size_t *n)
{
	struct kmod_list *l = list;

	for (size_t i = 0; i < nw && l; i++) {
		struct kmod_module *got = kmod_module_get_module(l);

		if (looks_up_to(mt, written[i], got)) {
			mt_mods_push_kmod(mt, mods, n, got, written[i]);
			l = kmod_list_next(list, l);
		} else {
			l = lookup_mods(mt, list, l, written[i], mods, n);
		}
		kmod_module_unref(got);
	}
	for (; l; l = kmod_list_next(list, l)) {
		struct kmod_module *mod = kmod_module_get_module(l);

		mt_mods_push_kmod(mt, mods, n, mod, NULL);
		kmod_module_unref(mod);
	}
}

int modtree_softdeps(struct modtree *mt, const char *name, struct modtree_mod **pre, size_t *npre,
		     struct modtree_mod **post, size_t *npost)
{
	struct kmod_list *pre_list = NULL, *post_list = NULL;
	char **wpre = NULL, **wpost = NULL;
	size_t nwpre = 0, nwpost = 0;
	struct kmod_module *mod;
	int err;

	*pre = *post = NULL;
	*npre = *npost = 0;
	err = kmod_module_new_from_name(mt->ctx, name, &mod);
	if (err < 0)
		return mm_fail(-err, "cannot look up %s in %s", name, mt->dir);
	err = kmod_module_get_softdeps(mod, &pre_list, &post_list);
	if (err < 0) {
		err = mm_fail(-err, "cannot read the softdeps of %s in %s", name, mt->dir);
		goto out;
	}
	if (!pre_list && !post_list)
		goto out;
	softdep_written(mt, name, &wpre, &nwpre, &wpost, &nwpost);
	softdep_mods(mt, pre_list, wpre, nwpre, pre, npre);
	softdep_mods(mt, post_list, wpost, nwpost, post, npost);
out:
	modtree_strv_free(wpre, nwpre);
	modtree_strv_free(wpost, nwpost);
	kmod_module_unref_list(pre_list);
	kmod_module_unref_list(post_list);
	kmod_module_unref(mod);
	return err;
}

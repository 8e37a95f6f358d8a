// SPDX-License-Identifier: LGPL-2.1-or-later
/* The effective modprobe.d configuration, as libkmod read it, and its index dumps. */
#include <errno.h>
#include <libkmod.h>
#include <stdio.h>
#include <string.h>

#include "modtree-internal.h"
#include "mymod/modtree.h"
#include "mymod/util.h"

int modtree_config_foreach(struct modtree *mt, modtree_config_fn fn, void *data)
{
	static const struct {
		const char *kind;
		struct kmod_config_iter *(*get)(const struct kmod_ctx *ctx);
	} kinds[] = {
		{ "blacklist", kmod_config_get_blacklists },
		{ "install", kmod_config_get_install_commands },
		{ "remove", kmod_config_get_remove_commands },
		{ "alias", kmod_config_get_aliases },
		{ "options", kmod_config_get_options },
		{ "softdep", kmod_config_get_softdeps },
	};
	int err = 0;

	for (size_t i = 0; i < MM_ARRAY_SIZE(kinds) && err == 0; i++) {
		struct kmod_config_iter *it = kinds[i].get(mt->ctx);

		while (it && err == 0 && kmod_config_iter_next(it))
			err = fn(kinds[i].kind, kmod_config_iter_get_key(it),
				 kmod_config_iter_get_value(it), data);
		kmod_config_iter_free_iter(it);
	}
	return err;
}

int modtree_dump_indexes(struct modtree *mt, int fd)
{
	static const enum kmod_index which[] = { KMOD_INDEX_MODULES_ALIAS,
						 KMOD_INDEX_MODULES_SYMBOL };

	/* With the indexes mapped, libkmod dumps them from memory; without, it reads them by stdio.
	 */
	kmod_load_resources(mt->ctx);
	for (size_t i = 0; i < MM_ARRAY_SIZE(which); i++) {
		int err = kmod_dump_index(mt->ctx, which[i], fd);

		if (err < 0)
			return mm_fail(err, "cannot dump the indexes of %s: %s", mt->dir,
				       strerror(-err));
	}
	return 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod keys: the keys the running kernel trusts for module signatures,
 * keyring by keyring, and what it does with them (enforcement, lockdown,
 * Secure Boot).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "mymod/out.h"
#include "mymod/util.h"

enum {
	COL_NAME,
	COL_TYPE,
	COL_KEYID,
	COL_NOTE,
	COL_SERIAL,
	COL_KEYRING,
	COL_DESCRIPTION,
	COL_PERM,
};

static const struct out_col columns[] = {
	[COL_NAME] = { "NAME", 0.4, SCOLS_FL_TREE, OUT_STRING,
		       "keyring, or the key's subject (its description without the key id)", NULL },
	[COL_TYPE] = { "TYPE", 10, 0, OUT_STRING,
		       "keyring, asymmetric (a certificate's key), blacklist", NULL },
	[COL_KEYID] = { "KEYID", 0.2, 0, OUT_STRING, "an X.509 key's subject key identifier",
			NULL },
	[COL_NOTE] = { "NOTE", 0.3, SCOLS_FL_TRUNC, OUT_STRING,
		       "a keyring's size, or why it is absent or unreadable; a linked keyring",
		       NULL },
	[COL_SERIAL] = { "SERIAL", 8, 0, OUT_STRING,
			 "the key's serial number in hex, as /proc/keys", NULL },
	[COL_KEYRING] = { "KEYRING", 0.2, 0, OUT_STRING, "the keyring the key is in", NULL },
	[COL_DESCRIPTION] = { "DESCRIPTION", 0.4, 0, OUT_STRING,
			      "the kernel's description of the key", NULL },
	[COL_PERM] = { "PERM", 8, 0, OUT_STRING, "permissions (possessor, user, group, other), hex",
		       NULL },
};

static const int default_columns[] = { COL_NAME, COL_TYPE, COL_KEYID, COL_NOTE };

static const struct out_spec spec = {
	columns,    MM_ARRAY_SIZE(columns), default_columns, MM_ARRAY_SIZE(default_columns),
	"keyrings",
};

static const struct option options[] = {
	OUT_TABLE_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod keys [OPTIONS]\n"
	      "\n"
	      "The keys the running kernel trusts for module signatures: the built-in,\n"
	      "secondary, machine (MOK) and platform (UEFI db) keyrings and the blacklist,\n"
	      "each key's subject and id; whether signatures are enforced, lockdown and\n"
	      "Secure Boot. The keyrings are visible to root only.\n"
	      "\n"
	      "Options:\n" OUT_TABLE_USAGE "  -h, --help             show this help\n",
	      stdout);
	out_columns_help(stdout, &spec);
}

/* Why a keyring this kernel lacks is absent: the option that builds it. */
static const char *absent_why(const char *ring)
{
	static const struct {
		const char *ring, *config;
	} why[] = {
		{ ".builtin_trusted_keys", "CONFIG_SYSTEM_TRUSTED_KEYRING" },
		{ ".secondary_trusted_keys", "CONFIG_SECONDARY_TRUSTED_KEYRING" },
		{ ".machine", "CONFIG_INTEGRITY_MACHINE_KEYRING" },
		{ ".platform", "CONFIG_INTEGRITY_PLATFORM_KEYRING" },
		{ ".blacklist", "CONFIG_SYSTEM_BLACKLIST_KEYRING" },
	};

	for (size_t i = 0; i < MM_ARRAY_SIZE(why); i++)
		if (strcmp(why[i].ring, ring) == 0)
			return why[i].config;
	return "its option";
}

static void set_hex(struct out_row *r, int col, unsigned long v, int width)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%0*lx", width, v);
	out_set_str(r, col, buf);
}

static void fill_key(struct out_row *r, const struct kernel_keyring *ring,
		     const struct kernel_key *k)
{
	out_set_str(r, COL_NAME, k->name);
	out_set_str(r, COL_TYPE, k->type);
	out_set_str(r, COL_KEYID, k->key_id);
	out_set_str(r, COL_NOTE, strcmp(k->type, "keyring") == 0 ? "linked" : NULL);
	set_hex(r, COL_SERIAL, (unsigned long)k->serial, 8);
	out_set_str(r, COL_KEYRING, ring->name);
	out_set_str(r, COL_DESCRIPTION, k->description);
	set_hex(r, COL_PERM, k->perm, 8);
}

static void fill_ring(struct out_table *t, const struct kernel_keyring *ring)
{
	struct out_row *r = out_row_new(t, NULL);
	char *note;

	out_set_str(r, COL_NAME, ring->name);
	out_set_str(r, COL_TYPE, "keyring");
	if (!ring->serial)
		note = mm_asprintf("not in this kernel (%s)", absent_why(ring->name));
	else if (ring->err)
		note = mm_asprintf("cannot be read: %s", strerror(ring->err));
	else if (ring->n == 0)
		note = mm_strdup("empty");
	else
		note = mm_asprintf("%zu %s", ring->n, ring->n == 1 ? "entry" : "entries");
	out_set_str(r, COL_NOTE, note);
	free(note);
	if (ring->serial) {
		set_hex(r, COL_SERIAL, (unsigned long)ring->serial, 8);
		out_set_str(r, COL_DESCRIPTION, ring->name);
	}
	for (size_t k = 0; k < ring->n; k++)
		fill_key(out_row_new(t, r), ring, &ring->keys[k]);
}

/* The state lines before the table; with JSON, members of ROOT instead. */
static void state(struct json_object *root)
{
	bool enforced = kernel_sig_enforced();
	char *lockdown = kernel_lockdown();
	int sb = kernel_secure_boot();

	if (root) {
		json_object_object_add(root, "signatures_enforced",
				       json_object_new_boolean(enforced));
		json_object_object_add(root, "lockdown",
				       out_json_str(lockdown ? lockdown : "none"));
		json_object_object_add(root, "secure_boot",
				       sb < 0 ? NULL : json_object_new_boolean(sb == 1));
		free(lockdown);
		return;
	}
	printf("Module signatures: %s\n",
	       !kernel_has_modules() ? "none: this kernel has no loadable-module support"
	       : enforced
		       ? "enforced: a module without a valid signature by one of these keys is "
			 "refused"
		       : "not enforced: a module without a valid signature loads, and taints the "
			 "kernel (E)");
	printf("Lockdown:          %s\n", lockdown ? lockdown : "none");
	printf("Secure Boot:       %s\n\n",
	       sb == 1	       ? "on"
	       : sb == 0       ? "off"
	       : sb == -ENOENT ? "unknown: the kernel was not booted through UEFI"
			       : "unknown: the SecureBoot variable cannot be read");
	free(lockdown);
}

static int show(const struct out_opts *opts, const struct out_sel *sel)
{
	struct kernel_keyring *rings;
	struct out_table *t;
	size_t n, found = 0;
	int err = kernel_keyrings(&rings, &n);

	if (err < 0) {
		mm_error("%s", mm_errmsg());
		return MM_EXIT_FAIL;
	}
	for (size_t i = 0; i < n; i++)
		found += rings[i].serial != 0;
	if (!found) {
		mm_error("no trusted keyring in %s/proc/keys: the kernel shows them to root only",
			 mm_cfg.sysroot);
		kernel_keyrings_free(rings, n);
		return MM_EXIT_FAIL;
	}
	t = out_table_new(&spec);
	for (size_t i = 0; i < n; i++)
		fill_ring(t, &rings[i]);
	if (opts->json) {
		struct json_object *root = json_object_new_object();

		state(root);
		json_object_object_add(root, spec.json_name, out_table_json(t, sel));
		out_json_print(root);
		json_object_put(root);
	} else {
		state(NULL);
		err = out_table_print(t, sel, opts);
		if (err < 0)
			mm_error("%s", mm_errmsg());
	}
	out_table_free(t);
	kernel_keyrings_free(rings, n);
	return err < 0 ? MM_EXIT_FAIL : MM_EXIT_OK;
}

static const struct mm_table_args args = {
	.options = options,
	.shortopts = OUT_TABLE_SHORTOPTS "h",
	.usage = usage,
	.spec = &spec,
};

static int run(int argc, char *argv[])
{
	struct out_opts opts = { 0 };
	struct out_sel sel;
	int status = mm_table_args(argc, argv, &args, &opts, &sel);

	return status >= 0 ? status : show(&opts, &sel);
}

const struct mm_cmd cmd_keys = {
	.name = "keys",
	.run = run,
	.summary = "list the keys the kernel trusts for module signatures",
};

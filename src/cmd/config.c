// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod config: the effective modprobe.d configuration, byte for byte as
 * modprobe -c prints it (then the alias and symbol indexes), or as JSON.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mymod/cmd.h"
#include "mymod/modtree.h"
#include "mymod/out.h"
#include "mymod/util.h"

static const struct option options[] = {
	MM_MODDIR_OPTIONS,
	{ "json", no_argument, NULL, 'J' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod config [OPTIONS]\n"
	      "\n"
	      "The effective modprobe.d configuration (blacklist, install, remove, alias,\n"
	      "options, softdep), as modprobe -c prints it, then the module directory's\n"
	      "alias and symbol indexes. With --json, the configuration alone, by kind.\n"
	      "\n"
	      "Options:\n"
	      "  -J, --json             print JSON\n" MM_MODDIR_USAGE
	      "  -h, --help             show this help\n",
	      stdout);
}

static int print_entry(const char *kind, const char *key, const char *value, void *data)
{
	(void)data;
	if (value)
		printf("%s %s %s\n", kind, key, value);
	else
		printf("%s %s\n", kind, key);
	return 0;
}

/* {"blacklist": [...], "install": [{"module", "command"}], ...}: one array per kind. */
static int json_entry(const char *kind, const char *key, const char *value, void *data)
{
	static const struct {
		const char *kind, *key, *value;
	} names[] = {
		{ "install", "module", "command" }, { "remove", "module", "command" },
		{ "alias", "alias", "module" },	    { "options", "module", "options" },
		{ "softdep", "module", "deps" },
	};
	struct json_object *root = data, *arr, *o;

	if (!json_object_object_get_ex(root, kind, &arr)) {
		arr = json_object_new_array();
		json_object_object_add(root, kind, arr);
	}
	if (!value) {
		json_object_array_add(arr, out_json_str(key));
		return 0;
	}
	o = json_object_new_object();
	for (size_t i = 0; i < MM_ARRAY_SIZE(names); i++) {
		if (strcmp(names[i].kind, kind) != 0)
			continue;
		json_object_object_add(o, names[i].key, out_json_str(key));
		json_object_object_add(o, names[i].value, out_json_str(value));
	}
	json_object_array_add(arr, o);
	return 0;
}

int mm_config_print(struct modtree *mt)
{
	modtree_config_foreach(mt, print_entry, NULL);
	puts("\n# End of configuration files. Dumping indexes now:\n");
	fflush(stdout);
	return modtree_dump_indexes(mt, STDOUT_FILENO);
}

static int run(int argc, char *argv[])
{
	struct modtree *mt;
	bool json = false;
	int c;

	while ((c = getopt_long(argc, argv, MM_MODDIR_SHORTOPTS "Jh", options, NULL)) != -1) {
		if (mm_moddir_opt(c, optarg))
			continue;
		if (c == 'J')
			json = true;
		else if (c == 'h')
			return usage(), MM_EXIT_OK;
		else
			return mm_usage_error();
	}
	if (optind < argc) {
		mm_error("unexpected argument '%s'", argv[optind]);
		return mm_usage_error();
	}
	mt = mm_modtree(NULL);
	if (!mt)
		return MM_EXIT_FAIL;
	if (json) {
		struct json_object *root = json_object_new_object();

		modtree_config_foreach(mt, json_entry, root);
		out_json_print(root);
		json_object_put(root);
		return MM_EXIT_OK;
	}
	if (mm_config_print(mt) < 0) {
		mm_error("%s", mm_errmsg());
		return MM_EXIT_FAIL;
	}
	return MM_EXIT_OK;
}

const struct mm_cmd cmd_config = {
	.name = "config",
	.run = run,
	.needs = MM_NEEDS_MODDIR,
	.summary = "the effective modprobe.d configuration, as modprobe -c prints it",
};

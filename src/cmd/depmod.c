// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod depmod: write a module directory's indexes as kmod's depmod does
 * (each file replaced all or nothing), print them (-n), or tell whether
 * the ones there are up to date (--check).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "depmod.h"
#include "mymod/cmd.h"
#include "mymod/depmod.h"
#include "mymod/kernel.h"
#include "mymod/out.h"
#include "mymod/util.h"

enum { OPT_CHECK = 0x100, OPT_JSON };

static const struct option options[] = {
	DEPMOD_KMOD_OPTIONS,
	{ "check", no_argument, NULL, OPT_CHECK },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod depmod [OPTIONS] [KVER] [FILE...]\n"
	      "\n"
	      "Write the indexes of a module directory (modules.dep, modules.alias,\n"
	      "modules.symbols, ... and their .bin forms) exactly as kmod's depmod writes\n"
	      "them; each file is replaced all or nothing. KVER: the kernel release\n"
	      "(default: the running kernel's); FILE...: index only these modules.\n"
	      "\n"
	      "Options:\n"
	      "  -a, --all              index every module of the directory (the default)\n"
	      "  -A, --quick            do nothing when no module is newer than modules.dep\n"
	      "  -b, --basedir=DIR      the module directory is DIR/lib/modules/KVER\n"
	      "  -m, --moduledir=DIR    use DIR instead of /lib/modules\n"
	      "  -o, --outdir=DIR       write the indexes under DIR/lib/modules/KVER instead\n"
	      "  -C, --config=PATH      read depmod.d configuration from PATH (a file or a\n"
	      "                         directory; may be repeated) instead of the default\n"
	      "  -e, --errsyms          report symbols that nothing provides (with -E or -F)\n"
	      "  -E, --symvers=FILE     the kernel's symbols and CRCs, from Module.symvers\n"
	      "  -F, --filesyms=FILE    the kernel's symbols, from System.map\n"
	      "  -P, --symbol-prefix=C  the architecture's symbol prefix character\n"
	      "  -w, --warn             warn about duplicate dependencies, aliases, symbols\n"
	      "  -n, --show, --dry-run  print the indexes to stdout instead of writing them\n"
	      "      --check            write nothing; exit 0 when every index is up to date,\n"
	      "                         1 naming the ones that are not\n"
	      "  -v, --verbose          say which file won each name that several provide\n"
	      "      --json             print the modules, and who won each name, as JSON\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

/* kmod's test for a release (a FILE is a path, so "6.1.0-amd64" is not one). */
static bool is_version(const char *s)
{
	unsigned int a, b;

	return sscanf(s, "%u.%u", &a, &b) == 2;
}

int depmod_take_opt(int c, const char *arg, struct depmod_opts *o)
{
	switch (c) {
	case 'a':
		o->all = true;
		return 0;
	case 'A':
		o->quick = true;
		return 0;
	case 'b':
		o->c.basedir = arg;
		return 0;
	case 'm':
		o->c.moduledir = arg;
		return 0;
	case 'o':
		o->outdir = arg;
		return 0;
	case 'C':
		o->config = mm_reallocarray(o->config, o->c.nconfig + 1, sizeof(*o->config));
		o->config[o->c.nconfig++] = arg;
		o->c.config_paths = o->config;
		return 0;
	case 'E':
		o->c.symvers = arg;
		return 0;
	case 'F':
		o->c.system_map = arg;
		return 0;
	case 'e':
		o->c.errsyms = true;
		return 0;
	case 'P':
		if (arg[0] == '\0' || arg[1] != '\0')
			return mm_fail(EINVAL, "-P takes a single character, not '%s'", arg);
		o->c.symbol_prefix = arg;
		return 0;
	case 'w':
		o->c.warn = true;
		return 0;
	case 'v':
		o->c.verbose = true;
		return 0;
	case 'n':
		o->dry_run = true;
		o->c.text_only = true;
		return 0;
	case OPT_CHECK:
		o->check = true;
		return 0;
	case OPT_JSON:
		o->json = true;
		return 0;
	}
	return -EINVAL;
}

/* Options and arguments into O; 0, -1 when done (--help), or MM_EXIT_USAGE. */
static int parse_args(int argc, char *argv[], struct depmod_opts *o)
{
	int c;

	o->c.basedir = mm_cfg.basedir ? mm_cfg.basedir : "";
	o->c.moduledir = "/lib/modules";
	o->c.kver = mm_cfg.kver;
	while ((c = getopt_long(argc, argv, "aAb:m:o:C:E:F:eP:wvnh", options, NULL)) != -1) {
		if (c == 'h') {
			usage();
			return -1;
		}
		if (depmod_take_opt(c, optarg, o) < 0) {
			if (c != '?')
				mm_error("%s", mm_errmsg());
			return mm_usage_error();
		}
	}
	if (optind < argc && is_version(argv[optind]))
		o->c.kver = argv[optind++];
	if (!o->c.kver)
		o->c.kver = kernel_release();
	if (!o->c.kver) {
		mm_error("cannot tell the running kernel's release: %s", mm_errmsg());
		mm_hint("name the kernel: mymod depmod KVER");
		return MM_EXIT_FAIL;
	}
	if (optind < argc && !o->all) { /* as kmod: -a indexes the whole directory anyway */
		o->c.files = argv + optind;
		o->c.nfiles = (size_t)(argc - optind);
	}
	if ((o->dry_run || o->json) + o->check > 1) {
		mm_error("--check writes nothing and prints no index: not with -n or --json");
		return mm_usage_error();
	}
	return 0;
}

static const char *const reason_names[] = {
	[DM_ONLY] = "only file",
	[DM_SEARCH] = "first in the search order",
	[DM_OVERRIDE] = "override",
	[DM_EXTERNAL] = "external directory",
};

/* -v: for each name several files provide, which won and why. */
static void print_winners(const struct dm_module *mods, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const struct dm_module *m = &mods[i];

		if (m->nlosers == 0)
			continue;
		printf("%s: %s (%s)\n", m->name, m->path, reason_names[m->reason]);
		for (size_t j = 0; j < m->nlosers; j++)
			printf("  not %s\n", m->losers[j]);
	}
}

static void print_json(const struct depmod_opts *o, const struct dm_module *mods, size_t n)
{
	struct json_object *root = json_object_new_object(), *arr = json_object_new_array();

	json_object_object_add(root, "kernel", out_json_str(o->c.kver));
	json_object_object_add(root, "directory", out_json_str(o->dir));
	for (size_t i = 0; i < n; i++) {
		struct json_object *m = json_object_new_object(), *losers = json_object_new_array();

		json_object_object_add(m, "name", out_json_str(mods[i].name));
		json_object_object_add(m, "path", out_json_str(mods[i].path));
		json_object_object_add(m, "reason", out_json_str(reason_names[mods[i].reason]));
		for (size_t j = 0; j < mods[i].nlosers; j++)
			json_object_array_add(losers, out_json_str(mods[i].losers[j]));
		json_object_object_add(m, "losers", losers);
		json_object_array_add(arr, m);
	}
	json_object_object_add(root, "modules", arr);
	out_json_print(root);
	json_object_put(root);
}

/* The first line where OLD and NEW differ, for --check's report. */
static void first_difference(const char *name, const char *old, size_t olen, const char *new,
			     size_t nlen)
{
	size_t i = 0, line = 1, start = 0;

	while (i < olen && i < nlen && old[i] == new[i]) {
		if (old[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	if (strstr(name, ".bin")) {
		printf("%s: differs from byte %zu\n", name, i);
		return;
	}
	printf("%s: differs at line %zu\n", name, line);
	printf("  there:      %.*s\n", (int)(start < olen ? strcspn(old + start, "\n") : 0),
	       start < olen ? old + start : "");
	printf("  would be:   %.*s\n", (int)(start < nlen ? strcspn(new + start, "\n") : 0),
	       start < nlen ? new + start : "");
}

/* --check: 0 when every file is as it would be written, 1 otherwise. */
static int check_files(const struct depmod_opts *o, const struct dm_file *f, size_t n)
{
	int status = MM_EXIT_OK;

	for (size_t i = 0; i < n; i++) {
		char *path = mm_asprintf("%s/%s", o->outdir_path, f[i].name), *old = NULL;
		size_t olen = 0;

		if (mm_read_file(path, &old, &olen) < 0) {
			printf("%s: %s\n", f[i].name, mm_errmsg());
			status = MM_EXIT_FAIL;
		} else if (olen != f[i].len || memcmp(old, f[i].data, olen) != 0) {
			first_difference(f[i].name, old, olen, f[i].data, f[i].len);
			status = MM_EXIT_FAIL;
		}
		free(old);
		free(path);
	}
	if (status == MM_EXIT_OK)
		printf("up to date: %s\n", o->outdir_path);
	return status;
}

static int write_files(const struct depmod_opts *o, const struct dm_file *f, size_t n)
{
	char *first = mm_asprintf("%s/modules.dep", o->outdir_path);
	int err = mm_mkdir_parents(first, 0755); /* as kmod 34: -o's directory is made */

	free(first);
	if (err < 0) {
		mm_error("could not create directory %s: %s", o->outdir_path, strerror(-err));
		return MM_EXIT_FAIL;
	}
	for (size_t i = 0; i < n; i++) {
		char *path = mm_asprintf("%s/%s", o->outdir_path, f[i].name);

		err = mm_write_atomic(path, f[i].data, f[i].len, 0644);

		free(path);
		if (err < 0) {
			mm_error("%s", mm_errmsg());
			return MM_EXIT_FAIL;
		}
	}
	return MM_EXIT_OK;
}

/*
 * -n: the text indexes one after the other, as Debian's kmod 30 prints
 * them: without the .bin files, and without modules.weakdep, which it does
 * not make (it is written to disk all the same); with O->show_weakdep
 * (the depmod name) with it, as kmod 33 and later print it.
 */
static int print_files(const struct depmod_opts *o, const struct dm_file *f, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = strlen(f[i].name);

		if ((len > 4 && strcmp(f[i].name + len - 4, ".bin") == 0) ||
		    (!o->show_weakdep && strcmp(f[i].name, "modules.weakdep") == 0))
			continue;
		if (fwrite(f[i].data, 1, f[i].len, stdout) != f[i].len)
			break;
	}
	if (fflush(stdout) != 0) {
		mm_error("cannot write the output");
		return MM_EXIT_FAIL;
	}
	return MM_EXIT_OK;
}

/* The indexes of the scanned modules: written, printed or compared. */
static int output(const struct depmod_opts *o, const struct dm_module *mods, size_t n)
{
	struct dm_file *files = NULL;
	size_t nfiles = 0;
	int status;

	/* modules.weakdep as kmod 33 and later write it (libkmod 30 reads no such file). */
	if (dm_indexes(&o->c, mods, n, true, &files, &nfiles) < 0) {
		mm_error("%s", mm_errmsg());
		return MM_EXIT_FAIL;
	}
	if (o->check)
		status = check_files(o, files, nfiles);
	else if (o->dry_run)
		status = o->json ? MM_EXIT_OK : print_files(o, files, nfiles);
	else
		status = write_files(o, files, nfiles);
	dm_files_free(files, nfiles);
	return status;
}

/* Options that need the file system: the configuration readable, -e's companions. */
static int check_opts(struct depmod_opts *o)
{
	for (size_t i = 0; i < o->c.nconfig && !o->config_as_kmod; i++) {
		if (access(o->config[i], R_OK) < 0) {
			mm_error("cannot read the depmod.d configuration %s: %s", o->config[i],
				 strerror(errno));
			return MM_EXIT_FAIL;
		}
	}
	if (o->c.errsyms && !o->c.symvers && !o->c.system_map) {
		mm_warn("-e needs -E or -F (the kernel's symbols): ignored"); /* as kmod */
		o->c.errsyms = false;
	}
	return MM_EXIT_OK;
}

int depmod_main(struct depmod_opts *o)
{
	struct dm_module *mods = NULL;
	struct stat st;
	size_t n = 0;
	int status = check_opts(o);

	if (status != MM_EXIT_OK)
		return status;
	o->dir = mm_asprintf("%s%s/%s", o->c.basedir, o->c.moduledir, o->c.kver);
	o->outdir_path = o->outdir ? mm_asprintf("%s%s/%s", o->outdir, o->c.moduledir, o->c.kver)
				   : mm_strdup(o->dir);
	if (stat(o->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		mm_error("no module directory %s for kernel %s", o->dir, o->c.kver);
		mm_hint("name the kernel (mymod depmod KVER) or the root (-b DIR)");
		status = MM_EXIT_FAIL;
	} else if (o->quick && !o->dry_run && !o->check && dm_up_to_date(o->dir) == 1) {
		status = MM_EXIT_OK; /* as kmod's -A: nothing to do */
	} else if (dm_scan(&o->c, &mods, &n) < 0) {
		mm_error("%s", mm_errmsg());
		status = MM_EXIT_FAIL;
	} else {
		if (o->c.verbose && !o->json)
			print_winners(mods, n);
		if (o->json)
			print_json(o, mods, n);
		status = output(o, mods, n);
	}
	dm_modules_free(mods, n);
	return status;
}

void depmod_opts_free(struct depmod_opts *o)
{
	free(o->dir);
	free(o->outdir_path);
	free(o->config);
}

static int run(int argc, char *argv[])
{
	struct depmod_opts o = { 0 };
	int status = parse_args(argc, argv, &o);

	if (status == 0)
		status = depmod_main(&o);
	else if (status < 0)
		status = MM_EXIT_OK;
	depmod_opts_free(&o);
	return status;
}

const struct mm_cmd cmd_depmod = {
	.name = "depmod",
	.run = run,
	.summary = "write the module indexes (modules.dep, ...) as kmod's depmod does",
};

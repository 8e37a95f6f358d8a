// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod info: what is in a module: its modinfo, parameters (from __param
 * itself), exported and required symbols, ELF facts, signature. Each
 * module becomes one record (struct info, pointing into the ko layer's
 * structs); the human, JSON and modinfo formats all print that record.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/wait.h>
#include <unistd.h>

#include "info.h"
#include "mymod/cmd.h"
#include "mymod/ko.h"
#include "mymod/modtree.h"
#include "mymod/out.h"
#include "mymod/util.h"

enum {
	OPT_FORMAT = 0x100,
	OPT_SYMBOLS,
	OPT_SECTIONS,
};

static const struct option options[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "json", no_argument, NULL, 'J' },
	{ "field", required_argument, NULL, 'F' },
	{ "null", no_argument, NULL, '0' },
	{ "symbols", no_argument, NULL, OPT_SYMBOLS },
	{ "sections", no_argument, NULL, OPT_SECTIONS },
	MM_MODDIR_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fputs("Usage: mymod info [OPTIONS] MODULE|FILE...\n"
	      "\n"
	      "Show what is in kernel modules: modinfo, parameters, exported and required\n"
	      "symbols, ELF facts, signature. A FILE is a path (.ko, .ko.gz, .ko.xz, .ko.zst,\n"
	      "or anything with a '/'); a MODULE is a name or alias looked up in the module\n"
	      "directory.\n"
	      "\n"
	      "Options:\n"
	      "      --format=FORMAT    human (default), json, or modinfo (exactly as kmod's\n"
	      "                         modinfo prints)\n"
	      "  -J, --json             the same as --format=json\n"
	      "  -F, --field=FIELD      print only FIELD's values, as modinfo -F does\n"
	      "  -0, --null             end values with NUL instead of newline (modinfo, -F)\n"
	      "      --symbols          list the required symbols, not just their count\n"
	      "      --sections         list the ELF sections with their sizes\n" MM_MODDIR_USAGE
	      "  -h, --help             show this help\n",
	      f);
}

void info_emit(struct info_run *r, const struct info *in)
{
	switch (r->opts->format) {
	case FMT_MODINFO:
		info_print_modinfo(stdout, in, r->opts);
		break;
	case FMT_JSON:
		json_object_array_add(r->json, info_json(in));
		break;
	case FMT_HUMAN:
		if (r->opts->field)
			info_print_modinfo(stdout, in, r->opts);
		else
			info_print_human(in, r->opts, r->printed == 0);
		break;
	}
	r->printed++;
}

static int info_name(struct info_run *r, const char *arg);

/*
 * PATH could not be read (ERR). modinfo prints its filename: line first,
 * for a regular file or one modules.dep names (BY_NAME), and prints -F
 * filename without reading the file at all: so do the modinfo formats.
 * Returns ERR, or 0 when -F filename was all there was to print.
 */
static int unreadable(struct info_run *r, const char *arg, const char *path, bool by_name, int err)
{
	const struct info_opts *o = r->opts;
	struct info in = { 0 };
	bool done = false;

	if (info_as_modinfo(o) && (by_name || ko_is_file(path))) {
		in.filename = info_absolute_path(path);
		done = info_print_modinfo_head(stdout, &in, o);
		free(in.filename);
	}
	if (done)
		return 0;
	mm_error("%s: %s", arg, info_errtext(err));
	return err;
}

static int info_file(struct info_run *r, const char *arg, const char *path, bool by_name)
{
	struct info in = { 0 };
	struct ko *ko;
	int err = info_load_file(path, r->opts, &ko, &in);

	if (err < 0)
		err = unreadable(r, arg, path, by_name, err);
	else
		info_emit(r, &in);
	free(in.filename);
	ko_close(ko);
	return err;
}

/* Print each argument; returns the exit status. */
int info_run_args(struct info_run *r, char **args, size_t nargs)
{
	int status = MM_EXIT_OK;

	for (size_t i = 0; i < nargs; i++) {
		int err = mm_is_path(args[i]) ? info_file(r, args[i], args[i], false)
					      : info_name(r, args[i]);

		if (err < 0)
			status = MM_EXIT_FAIL;
	}
	return status;
}

static int info_builtin(struct info_run *r, const char *arg, const char *name)
{
	struct modtree_info *mi = NULL;
	struct ko_modinfo *kv = NULL;
	struct ko_param *params = NULL;
	struct info in = { .name = name, .builtin = true };
	size_t n = 0;
	int err;

	err = modtree_builtin_info(r->mt, name, &mi, &n);
	if (err < 0) {
		mm_error("%s: %s", arg, info_errtext(err));
		return err;
	}
	kv = mm_calloc(n, sizeof(*kv));
	for (size_t i = 0; i < n; i++)
		kv[i] = (struct ko_modinfo){ mi[i].key, mi[i].value };
	in.modinfo = kv;
	in.nmodinfo = n;
	/* No __param to read: the parameters are what parm= and parmtype= say. */
	if (info_needs(r->opts) == NEED_ALL)
		in.nparams = ko_modinfo_params(kv, n, &params);
	in.params = params;
	info_emit(r, &in);
	ko_modinfo_params_free(params, in.nparams);
	free(kv);
	modtree_info_free(mi, n);
	return 0;
}

static int info_name(struct info_run *r, const char *arg)
{
	struct modtree_mod *mods = NULL;
	size_t n = 0;
	int err = 0;

	if (r->mt_err) {
		mm_error("%s: %s", arg, r->mt_err);
		return -ENOENT;
	}
	if (!r->mt) {
		/* As modinfo, which reads no modprobe.d: its aliases mean nothing to it. */
		err = info_as_modinfo(r->opts) ? modtree_open_as_modinfo(&r->mt)
					       : modtree_open(&r->mt);
		if (err < 0) {
			r->mt_err = mm_strdup(info_errtext(err));
			mm_error("%s: %s", arg, r->mt_err);
			mm_hint("use -k KVER (or -b DIR) to look names up in an installed kernel's "
				"/lib/modules/KVER, or give a file's path");
			return err;
		}
	}
	err = modtree_lookup(r->mt, arg, &mods, &n);
	if (err < 0) {
		mm_error("%s: %s", arg, info_errtext(err));
		return err;
	}
	if (n == 0) {
		mm_error("%s: no module or alias %s in %s", arg, arg, modtree_dir(r->mt));
		mm_hint("names and aliases come from modules.dep and modules.alias there "
			"(depmod writes them); to read a file, give its path (./%s.ko)",
			arg);
		return -ENOENT;
	}
	for (size_t i = 0; i < n; i++) {
		int e;

		/* modinfo shows a module that is not there as a builtin one. */
		if (mods[i].builtin || (!mods[i].path && info_as_modinfo(r->opts)))
			e = info_builtin(r, arg, mods[i].name);
		else if (!mods[i].path)
			e = mm_module_not_there(r->mt, arg, &mods[i]);
		else
			e = info_file(r, arg, mods[i].path, true);

		if (e < 0)
			err = e;
	}
	modtree_mods_free(mods, n);
	return err;
}

static int parse_format(const char *s, enum info_format *f)
{
	if (streq(s, "human"))
		*f = FMT_HUMAN;
	else if (streq(s, "json"))
		*f = FMT_JSON;
	else if (streq(s, "modinfo"))
		*f = FMT_MODINFO;
	else
		return -1;
	return 0;
}

static int run(int argc, char *argv[])
{
	struct info_opts opts = { .format = FMT_HUMAN, .sep = '\n' };
	struct info_run r = { .opts = &opts };
	static char outbuf[1 << 16];
	int c, status = MM_EXIT_OK;
	size_t nworkers;

	while ((c = getopt_long(argc, argv, "JF:0" MM_MODDIR_SHORTOPTS "h", options, NULL)) != -1) {
		if (mm_moddir_opt(c, optarg))
			continue;
		switch (c) {
		case OPT_FORMAT:
			if (parse_format(optarg, &opts.format) < 0) {
				mm_error("unknown format '%s' (human, json, modinfo)", optarg);
				return mm_usage_error();
			}
			break;
		case 'J':
			opts.format = FMT_JSON;
			break;
		case 'F':
			opts.field = optarg;
			break;
		case '0':
			opts.sep = '\0';
			break;
		case OPT_SYMBOLS:
			opts.symbols = true;
			break;
		case OPT_SECTIONS:
			opts.sections = true;
			break;
		case 'h':
			usage(stdout);
			return MM_EXIT_OK;
		default:
			return mm_usage_error();
		}
	}
	if (optind >= argc) {
		mm_error("no module or file given");
		return mm_usage_error();
	}
	if (opts.sep == '\0' && !opts.field && opts.format != FMT_MODINFO) {
		mm_error("--null needs --field or --format=modinfo");
		return mm_usage_error();
	}
	if (opts.format == FMT_JSON && opts.field) {
		mm_error(
			"--field and --null print modinfo values; they do not combine with --json");
		return mm_usage_error();
	}
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (opts.format == FMT_JSON)
		r.json = json_object_new_array();
	if (!getcwd(info_cwd, sizeof(info_cwd)))
		info_cwd[0] = '\0';
	nworkers = info_workers(&opts, (size_t)(argc - optind));
	if (nworkers > 1)
		status = info_run_split(&r, argv + optind, (size_t)(argc - optind), nworkers);
	else
		status = info_run_args(&r, argv + optind, (size_t)(argc - optind));
	if (r.json) {
		out_json_print(r.json);
		json_object_put(r.json);
	}
	modtree_close(r.mt);
	free(r.mt_err);
	if (fflush(stdout) != 0) {
		mm_error("cannot write output: %s", strerror(errno));
		status = MM_EXIT_FAIL;
	}
	return status;
}

const struct mm_cmd cmd_info = {
	.name = "info",
	.run = run,
	.summary = "show what is in a module: modinfo, parameters, symbols, signature",
};

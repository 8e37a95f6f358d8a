// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod info: what is in a module: its modinfo, parameters (from __param
 * itself), exported and required symbols, ELF facts, signature. Each
 * module becomes one record (struct info, pointing into the ko layer's
 * structs); the human, JSON and modinfo formats all print that record.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
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
	OPT_CERT,
	OPT_SHOW_EXPORTS,
	OPT_DUMP_MODVERSIONS,
};

static const struct option options[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "json", no_argument, NULL, 'J' },
	{ "field", required_argument, NULL, 'F' },
	{ "null", no_argument, NULL, '0' },
	{ "symbols", no_argument, NULL, OPT_SYMBOLS },
	{ "sections", no_argument, NULL, OPT_SECTIONS },
	{ "cert", required_argument, NULL, OPT_CERT },
	{ "show-exports", no_argument, NULL, OPT_SHOW_EXPORTS },
	{ "dump-modversions", no_argument, NULL, OPT_DUMP_MODVERSIONS },
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
	      "      --sections         list the ELF sections with their sizes\n"
	      "      --cert=CERT        say whether the signature verifies against CERT\n"
	      "                         (PEM or DER)\n"
	      "      --show-exports     the exported symbols with their CRCs, as modprobe\n"
	      "                         --show-exports prints them\n"
	      "      --dump-modversions the symbol versions it needs, as modprobe\n"
	      "                         --dump-modversions prints them\n" MM_MODDIR_USAGE
	      "  -h, --help             show this help\n",
	      f);
}

/* modprobe --show-exports' lines. */
static void print_exports(const struct ko_export *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("0x%08" PRIx32 "\t%s\n", e[i].crc, e[i].name);
}

/* modprobe --dump-modversions' lines. */
static void print_versions(const struct ko_version *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		printf("0x%08" PRIx32 "\t%s\n", v[i].crc, v[i].name);
}

int mm_symbol_lines(const char *path, bool exports)
{
	const struct ko_export *e;
	const struct ko_version *v;
	struct ko *ko;
	size_t n;
	int err = ko_open(path, &ko);

	if (err < 0)
		return err;
	err = exports ? ko_exports(ko, &e, &n) : ko_versions(ko, &v, &n);
	/* As libkmod: none, and not even the section they would be in, is an error. */
	if (err == 0 && n == 0 && !ko_has_section(ko, exports ? "__ksymtab_strings" : "__versions"))
		err = mm_fail(ENOENT, "%s: no %s section", path,
			      exports ? "__ksymtab_strings" : "__versions");
	else if (err == 0 && exports)
		print_exports(e, n);
	else if (err == 0)
		print_versions(v, n);
	ko_close(ko);
	return err;
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
	case FMT_EXPORTS:
		print_exports(in->exports, in->nexports);
		break;
	case FMT_MODVERSIONS:
		print_versions(in->versions, in->nversions);
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

/* One module an argument names. */
static int info_builtin(struct info_run *r, const char *arg, const char *name);

static int info_target(const struct mm_target *t, void *data)
{
	struct info_run *r = data;

	if (t->kind == MM_TARGET_BUILTIN)
		return info_builtin(r, t->arg, t->name);
	return info_file(r, t->arg, t->path, t->kind == MM_TARGET_MODULE);
}

/* Print each argument; returns the exit status. */
int info_run_args(struct info_run *r, char **args, size_t nargs)
{
	int status = MM_EXIT_OK;

	for (size_t i = 0; i < nargs; i++) {
		/* modinfo shows a module that is not there as a builtin one. */
		int err = mm_resolve(args[i],
				     info_as_modinfo(r->opts) ? MM_RESOLVE_ABSENT_AS_BUILTIN : 0,
				     info_target, r);

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

	err = modtree_builtin_info(mm_modtree(arg), name, &mi, &n);
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

/* Options into O; returns 0, -1 when done (--help), or MM_EXIT_USAGE. */
static int parse_opts(int argc, char *argv[], struct info_opts *o)
{
	bool lines = false, exports = false; /* --show-exports or --dump-modversions */
	int c;

	while ((c = getopt_long(argc, argv, "JF:0" MM_MODDIR_SHORTOPTS "h", options, NULL)) != -1) {
		if (mm_moddir_opt(c, optarg))
			continue;
		if (c == OPT_FORMAT && parse_format(optarg, &o->format) < 0) {
			mm_error("unknown format '%s' (human, json, modinfo)", optarg);
			return mm_usage_error();
		} else if (c == 'J') {
			o->format = FMT_JSON;
		} else if (c == 'F') {
			o->field = optarg;
		} else if (c == '0') {
			o->sep = '\0';
		} else if (c == OPT_SYMBOLS) {
			o->symbols = true;
		} else if (c == OPT_SECTIONS) {
			o->sections = true;
		} else if (c == OPT_SHOW_EXPORTS || c == OPT_DUMP_MODVERSIONS) {
			if (lines) {
				mm_error("--show-exports and --dump-modversions: one at a time");
				return mm_usage_error();
			}
			lines = true;
			exports = c == OPT_SHOW_EXPORTS;
		} else if (c == OPT_CERT) {
			o->cert_path = optarg;
		} else if (c == 'h') {
			usage(stdout);
			return -1;
		} else if (c != OPT_FORMAT) {
			return mm_usage_error();
		}
	}
	if (lines && (o->format != FMT_HUMAN || o->field || o->cert_path)) {
		mm_error("--show-exports and --dump-modversions print modprobe's lines: not with "
			 "--json, --format, --field or --cert");
		return mm_usage_error();
	}
	if (lines)
		o->format = exports ? FMT_EXPORTS : FMT_MODVERSIONS;
	if (optind >= argc) {
		mm_error("no module or file given");
		return mm_usage_error();
	}
	if (o->sep == '\0' && !o->field && o->format != FMT_MODINFO) {
		mm_error("--null needs --field or --format=modinfo");
		return mm_usage_error();
	}
	if (o->cert_path && info_as_modinfo(o)) {
		mm_error("--cert adds to the human and JSON formats, not to modinfo's");
		return mm_usage_error();
	}
	if (o->cert_path && ko_cert_read(o->cert_path, &o->cert) < 0) {
		mm_error("%s: %s", o->cert_path, mm_errmsg());
		return MM_EXIT_FAIL;
	}
	if (o->format == FMT_JSON && o->field) {
		mm_error(
			"--field and --null print modinfo values; they do not combine with --json");
		return mm_usage_error();
	}
	return 0;
}

int info_main(const struct info_opts *o, char **args, size_t nargs)
{
	struct info_run r = { .opts = o };
	static char outbuf[1 << 16];
	size_t nworkers;
	int status;

	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (o->format == FMT_JSON)
		r.json = json_object_new_array();
	if (info_as_modinfo(o))
		mm_modtree_as_modinfo(); /* as modinfo, which reads no modprobe.d */
	if (!getcwd(info_cwd, sizeof(info_cwd)))
		info_cwd[0] = '\0';
	nworkers = info_workers(o, nargs);
	if (nworkers > 1)
		status = info_run_split(&r, args, nargs, nworkers);
	else
		status = info_run_args(&r, args, nargs);
	if (r.json) {
		out_json_print(r.json);
		json_object_put(r.json);
	}
	if (fflush(stdout) != 0) {
		mm_error("cannot write output: %s", strerror(errno));
		status = MM_EXIT_FAIL;
	}
	return status;
}

static int run(int argc, char *argv[])
{
	struct info_opts opts = { .format = FMT_HUMAN, .sep = '\n' };
	int status = parse_opts(argc, argv, &opts);

	if (status)
		return status < 0 ? MM_EXIT_OK : status;
	status = info_main(&opts, argv + optind, (size_t)(argc - optind));
	free(opts.cert.der);
	return status;
}

const struct mm_cmd cmd_info = {
	.name = "info",
	.run = run,
	.summary = "show what is in a module: modinfo, parameters, symbols, signature",
	.needs = MM_NEEDS_MODDIR,
};

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod check: will this module load on that kernel, and if not, why.
 */
#include "mymod/json.h"
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/findings.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "mymod/modtree.h"
#include "mymod/out.h"
#include "mymod/util.h"

static const struct option options[] = {
	MM_MODDIR_OPTIONS,
	{ "json", no_argument, NULL, 'J' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "cert", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fputs("Usage: mymod check [OPTIONS] FILE|NAME...\n"
	      "\n"
	      "Tell whether each module will load on the kernel, before the kernel is\n"
	      "asked: version magic, symbol versions, unresolved symbols, GPL-only\n"
	      "symbols, namespaces, signature and the running kernel's state. Each\n"
	      "finding says what to do about it.\n"
	      "\n"
	      "Options:\n" MM_MODDIR_USAGE "  -J, --json             print the findings as JSON\n"
	      "  -q, --quiet            leave out informational findings\n"
	      "  -c, --cert=CERT        also check the signature against CERT (PEM or DER)\n"
	      "  -h, --help             show this help\n"
	      "\n"
	      "Exit status: 0 when nothing blocks any module's load, 1 when something does\n"
	      "or a module cannot be read, 2 on a usage error.\n",
	      f);
}

struct check_opts {
	bool json;
	bool quiet;
	const char *cert; /* --cert: the signature checked against it */
};

/* A module argument resolved: a file to check, or a built-in module. */
struct checked {
	const char *arg;
	char *name;
	char *path; /* NULL when built in */
	struct findings findings;
};

static const char *severity_color(enum finding_severity sev)
{
	switch (sev) {
	case FINDING_BLOCKER:
		return out_color("error");
	case FINDING_WARNING:
		return out_color("warn");
	default:
		return out_color("dim");
	}
}

static void count(const struct findings *f, size_t *blockers, size_t *warnings)
{
	*blockers = *warnings = 0;
	for (size_t i = 0; i < f->n; i++) {
		if (f->v[i].severity == FINDING_BLOCKER)
			(*blockers)++;
		else if (f->v[i].severity == FINDING_WARNING)
			(*warnings)++;
	}
}

static void print_human(const struct checked *c, const char *kver, const struct check_opts *o)
{
	size_t blockers, warnings;

	count(&c->findings, &blockers, &warnings);
	printf("%s%s%s (%s) on %s: ", out_color("bold"), c->path ? c->path : c->arg,
	       out_color("reset"), c->name, kver);
	if (!c->path)
		printf("built into the kernel, nothing to load\n");
	else if (blockers)
		printf("%swill not load%s: %zu blocker%s, %zu warning%s\n", out_color("error"),
		       out_color("reset"), blockers, blockers == 1 ? "" : "s", warnings,
		       warnings == 1 ? "" : "s");
	else if (warnings)
		printf("loads, with %zu warning%s\n", warnings, warnings == 1 ? "" : "s");
	else
		printf("loads\n");
	for (size_t i = 0; i < c->findings.n; i++) {
		const struct finding *fd = &c->findings.v[i];

		if (o->quiet && fd->severity == FINDING_INFO)
			continue;
		printf("  %s%-7s%s %s: ", severity_color(fd->severity),
		       finding_severity_name(fd->severity), out_color("reset"), fd->code);
		out_puts(stdout, fd->message);
		putchar('\n');
		if (fd->hint && fd->severity != FINDING_INFO) {
			fputs("          what to do: ", stdout);
			out_puts(stdout, fd->hint);
			putchar('\n');
		}
	}
}

static struct json_object *json_module(const struct checked *c, const struct check_opts *o)
{
	struct json_object *m = json_object_new_object();
	struct json_object *arr = json_object_new_array();

	json_object_object_add(m, "argument", out_json_str(c->arg));
	json_object_object_add(m, "module", out_json_str(c->name));
	json_object_object_add(m, "path", out_json_str(c->path));
	json_object_object_add(m, "builtin", json_object_new_boolean(!c->path));
	json_object_object_add(m, "loads",
			       json_object_new_boolean(!findings_blocked(&c->findings)));
	for (size_t i = 0; i < c->findings.n; i++) {
		const struct finding *fd = &c->findings.v[i];
		struct json_object *j;

		if (o->quiet && fd->severity == FINDING_INFO)
			continue;
		j = json_object_new_object();
		json_object_object_add(j, "severity",
				       out_json_str(finding_severity_name(fd->severity)));
		json_object_object_add(j, "code", out_json_str(fd->code));
		json_object_object_add(j, "symbol", out_json_str(fd->symbol));
		json_object_object_add(j, "field", out_json_str(fd->field));
		json_object_object_add(j, "message", out_json_str(fd->message));
		json_object_object_add(j, "hint", out_json_str(fd->hint));
		json_object_object_add(j, "errno",
				       out_json_str(fd->err ? kernel_errno_name(fd->err) : NULL));
		json_object_array_add(arr, j);
	}
	json_object_object_add(m, "findings", arr);
	return m;
}

/* Check one file; fills C. Returns 0, or -errno after printing why. */
static int check_file(struct findings_target *t, const char *path, struct checked *c)
{
	struct ko *ko;
	int err;

	err = ko_open(path, &ko);
	if (err < 0) {
		mm_error("%s: %s", path, mm_errmsg());
		return err;
	}
	c->name = mm_strdup(ko_name(ko));
	c->path = mm_strdup(path);
	err = findings_check(t, ko, &c->findings);
	if (err < 0)
		mm_error("%s: %s", path, mm_errmsg());
	ko_close(ko);
	return err;
}

struct results {
	struct checked *v;
	size_t n;
};

static struct checked *result_new(struct results *r, const char *arg)
{
	struct checked *c;

	r->v = mm_reallocarray(r->v, r->n + 1, sizeof(*r->v));
	c = &r->v[r->n++];
	memset(c, 0, sizeof(*c));
	c->arg = arg;
	return c;
}

static void results_free(struct results *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].name);
		free(r->v[i].path);
		findings_free(&r->v[i].findings);
	}
	free(r->v);
}

struct check_run {
	struct findings_target *t;
	struct results r;
};

/* One module an argument names: a result, unless it cannot be read. */
static int check_target(const struct mm_target *tg, void *data)
{
	struct check_run *cr = data;
	struct checked *c = result_new(&cr->r, tg->arg);
	int err;

	if (tg->kind == MM_TARGET_BUILTIN) {
		c->name = mm_strdup(tg->name);
		return 0;
	}
	err = check_file(cr->t, tg->path, c);
	if (err < 0) {
		free(c->name);
		free(c->path);
		findings_free(&c->findings);
		cr->r.n--;
	}
	return err;
}

/* The JSON of every result, with the kernel they were checked against. */
static void print_json(struct check_run *cr, struct modtree *mt, const struct check_opts *o)
{
	struct json_object *root = json_object_new_object();
	struct json_object *mods = json_object_new_array();
	const char *source;
	const char *vm = findings_target_vermagic(cr->t, &source);

	json_object_object_add(root, "kernel", out_json_str(modtree_kver(mt)));
	json_object_object_add(root, "running",
			       json_object_new_boolean(findings_target_running(cr->t)));
	json_object_object_add(root, "vermagic", out_json_str(vm));
	json_object_object_add(root, "vermagic_source", out_json_str(vm ? source : NULL));
	for (size_t i = 0; i < cr->r.n; i++)
		json_object_array_add(mods, json_module(&cr->r.v[i], o));
	json_object_object_add(root, "modules", mods);
	out_json_print(root);
	json_object_put(root);
}

static int check(int argc, char *argv[], const struct check_opts *o)
{
	struct modtree *mt = mm_modtree(NULL);
	struct check_run cr = { 0 };
	bool blocked = false, failed = false;

	if (!mt)
		return MM_EXIT_FAIL;
	if (findings_target_open(mt, &cr.t) < 0) {
		mm_error("%s", mm_errmsg());
		return MM_EXIT_FAIL;
	}
	findings_target_set_cert(cr.t, o->cert);
	for (int i = 0; i < argc; i++)
		if (mm_resolve(argv[i], 0, check_target, &cr) < 0)
			failed = true;
	if (o->json)
		print_json(&cr, mt, o);
	for (size_t i = 0; i < cr.r.n; i++) {
		if (!o->json)
			print_human(&cr.r.v[i], modtree_kver(mt), o);
		if (findings_blocked(&cr.r.v[i].findings))
			blocked = true;
	}
	results_free(&cr.r);
	findings_target_close(cr.t);
	return blocked || failed ? MM_EXIT_FAIL : MM_EXIT_OK;
}

static int run(int argc, char *argv[])
{
	struct check_opts o = { 0 };
	int c;

	while ((c = getopt_long(argc, argv, MM_MODDIR_SHORTOPTS "Jqc:h", options, NULL)) != -1) {
		if (mm_moddir_opt(c, optarg))
			continue;
		switch (c) {
		case 'J':
			o.json = true;
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'c':
			o.cert = optarg;
			break;
		case 'h':
			usage(stdout);
			return MM_EXIT_OK;
		default:
			return mm_usage_error();
		}
	}
	if (optind >= argc) {
		mm_error("no module given");
		return mm_usage_error();
	}
	return check(argc - optind, argv + optind, &o);
}

const struct mm_cmd cmd_check = {
	.name = "check",
	.run = run,
	.summary = "tell whether a module will load, and if not, why",
	.needs = MM_NEEDS_MODDIR,
};

// SPDX-License-Identifier: LGPL-2.1-or-later
/* One module handed to the kernel, and why it failed (attempt.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "attempt.h"
#include "mymod/cmd.h"
#include "mymod/util.h"

/* The parameter string: modprobe.d's options first, then the command line's. */
char *load_param_string(const char *config, char **params, int nparams)
{
	struct mm_strbuf s = { 0 };

	mm_strbuf_add(&s, config ? config : "");
	for (int i = 0; i < nparams; i++) {
		const char *eq = strchr(params[i], '=');
		bool quote = eq && strpbrk(eq + 1, " \t") && eq[1] != '"';

		mm_strbuf_sep(&s, " ");
		if (quote)
			mm_strbuf_addf(&s, "%.*s\"%s\"", (int)(eq - params[i] + 1), params[i],
				       eq + 1);
		else
			mm_strbuf_add(&s, params[i]);
	}
	return mm_strbuf_steal(&s);
}

void print_log(const char *const *lines, size_t n)
{
	if (!n)
		return;
	fputs("kernel log:\n", stderr);
	for (size_t i = 0; i < n; i++)
		fprintf(stderr, "  %s\n", lines[i]);
}

/* What the kernel logged about NAME during the attempt. */
static void read_log(struct attempt *a, const char *name)
{
	if (!a->log || kernel_log_read(a->log, name, &a->lines, &a->nlines) < 0) {
		a->nlines = 0;
		return;
	}
	kernel_log_events(a->lines, a->nlines, &a->events, &a->nevents);
}

/* Why the kernel refused KO, on module directory MT (for a file given by path: if there is one). */
static void explain(struct modtree *mt, struct ko *ko, struct attempt *a)
{
	findings_explain_load(mt ? mt : mm_modtree_try(), ko, a->err, a->events, a->nevents,
			      &a->why);
}

void attempt_load(struct modtree *mt, struct ko *ko, const char *pstr, unsigned int flags,
		  struct attempt *a)
{
	const char *name = ko_name(ko);

	*a = (struct attempt){ 0 };
	if (flags)
		mm_warn("forcing %s past its version checks: this taints the kernel, and a "
			"mismatched module can crash it",
			name);
	if (kernel_log_open(&a->log) < 0)
		a->log = NULL; /* e.g. dmesg_restrict: explain without the log */
	a->err = kernel_load(ko, pstr, flags);
	if (a->err == -EEXIST && kernel_module_state(name) == KERNEL_MOD_LIVE) {
		a->already = true;
		return;
	}
	read_log(a, name);
	/* Loaded: the kernel's warnings (e.g. unknown parameters) are worth passing on. */
	for (size_t i = 0; a->err == 0 && i < a->nevents; i++)
		if (a->events[i].kind == KERNEL_EVENT_PARAM_UNKNOWN)
			mm_warn("%s", a->events[i].line);
	if (a->err)
		explain(mt, ko, a);
}

void attempt_done(struct attempt *a)
{
	findings_free(&a->why);
	kernel_events_free(a->events, a->nevents);
	kernel_log_close(a->log);
}

/* One line a cause, each with what to do (once), then what the kernel logged. */
void report_failure(const char *path, const struct attempt *a)
{
	for (size_t i = 0; i < a->why.n; i++) {
		mm_error("%s: %s", path, a->why.v[i].message);
		if (a->why.v[i].hint)
			mm_hint("%s", a->why.v[i].hint);
	}
	print_log(a->lines, a->nlines);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel log's records about a load, parsed into events: facts only,
 * as kernel/module/ and kernel/params.c of Linux 6.1 print them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/kernel.h"
#include "mymod/util.h"

/* The text from P up to the first of STOP (or the end), or NULL when P is NULL. */
static char *upto(const char *p, const char *stop)
{
	return p ? mm_strndup(p, strcspn(p, stop)) : NULL;
}

/* The text from P up to the first TAG, or NULL when there is no TAG. */
static char *before(const char *p, const char *tag)
{
	const char *e = strstr(p, tag);

	return e ? mm_strndup(p, (size_t)(e - p)) : NULL;
}

/* The number at P (decimal, may be negative); false when there is none. */
static bool number(const char *p, long *n)
{
	char *end;

	errno = 0;
	*n = strtol(p, &end, 10);
	return end != p && errno == 0;
}

struct rule;

/* How the text after a rule's tag gives the event's fields; false: the line is not one. */
typedef bool parse_fn(const struct rule *r, const char *line, const char *rest,
		      struct kernel_event *ev);

/* One record's shape: TAG anywhere in the line (or only at its start), then the rest. */
struct rule {
	enum kernel_event_kind kind;
	const char *tag;
	bool at_start;
	parse_fn *parse;
	const char *sep, *stop; /* parse_pair(): "NAME<sep>VALUE<stop>"; parse_until(): "X<stop>" */
};

/* "S (err E)": the symbol, and the errno (0 in kernels before 5.x: not found). */
static bool parse_unknown_symbol(const struct rule *r MM_UNUSED, const char *line MM_UNUSED,
				 const char *rest, struct kernel_event *ev)
{
	const char *err = strstr(rest, "(err ");

	ev->name = upto(rest, " ");
	if (!err || !number(err + strlen("(err "), &ev->number) || ev->number == 0)
		ev->number = -ENOENT;
	return *ev->name != '\0';
}

/* "S", the rest of the line. */
static bool parse_symbol(const struct rule *r MM_UNUSED, const char *line MM_UNUSED,
			 const char *rest, struct kernel_event *ev)
{
	ev->name = upto(rest, " ");
	return *ev->name != '\0';
}

/* "NAME<sep>VALUE<stop>": a symbol and its namespace, or the module it comes from. */
static bool parse_pair(const struct rule *r, const char *line MM_UNUSED, const char *rest,
		       struct kernel_event *ev)
{
	const char *value = strstr(rest, r->sep);

	ev->name = before(rest, r->sep);
	ev->value = value ? upto(value + strlen(r->sep), r->stop) : NULL;
	return ev->name && *ev->name && ev->value && *ev->value;
}

/* "M: `V' <tag>`P'": the value is between the line's first "`" and the tag. */
static bool parse_param_value(const struct rule *r MM_UNUSED, const char *line, const char *rest,
			      struct kernel_event *ev)
{
	const char *open = strchr(line, '`');

	ev->name = upto(rest, "'");
	ev->value = open ? before(open + 1, "' ") : NULL;
	return *ev->name && ev->value;
}

/* "X<stop>": the parameter of PARAM_UNKNOWN, what SIGNATURE refused. */
static bool parse_until(const struct rule *r, const char *line MM_UNUSED, const char *rest,
			struct kernel_event *ev)
{
	char **field = r->kind == KERNEL_EVENT_PARAM_UNKNOWN ? &ev->name : &ev->value;

	*field = before(rest, r->stop);
	return *field != NULL;
}

/* "V' should be 'K'" */
static bool parse_vermagic(const struct rule *r MM_UNUSED, const char *line MM_UNUSED,
			   const char *rest, struct kernel_event *ev)
{
	static const char tag[] = "' should be '";
	const char *kern = strstr(rest, tag);

	ev->value = before(rest, tag);
	ev->expected = kern ? before(kern + strlen(tag), "'") : NULL;
	return ev->value && ev->expected;
}

/* "COMM: W is restricted; see man kernel_lockdown.7" */
static bool parse_lockdown(const struct rule *r MM_UNUSED, const char *line MM_UNUSED,
			   const char *rest, struct kernel_event *ev)
{
	const char *what = strstr(rest, ": ");

	ev->value = what ? before(what + 2, " is restricted") : NULL;
	return ev->value != NULL;
}

/* "N", a number. */
static bool parse_number(const struct rule *r MM_UNUSED, const char *line MM_UNUSED,
			 const char *rest, struct kernel_event *ev)
{
	return number(rest, &ev->number);
}

/* "returned E after T usecs", after initcall_debug's "initcall F [M] ". */
static bool parse_initcall(const struct rule *r MM_UNUSED, const char *line MM_UNUSED,
			   const char *rest, struct kernel_event *ev)
{
	const char *ret = strstr(rest, "] returned ");

	return ret && number(ret + strlen("] returned "), &ev->number);
}

static bool parse_nothing(const struct rule *r MM_UNUSED, const char *line MM_UNUSED,
			  const char *rest MM_UNUSED, struct kernel_event *ev MM_UNUSED)
{
	return true;
}

static const struct rule rules[] = {
	{ KERNEL_EVENT_UNKNOWN_SYMBOL, ": Unknown symbol ", .parse = parse_unknown_symbol },
	{ KERNEL_EVENT_SYMBOL_VERSION, ": disagrees about version of symbol ",
	  .parse = parse_symbol },
	{ KERNEL_EVENT_NO_SYMBOL_VERSION, ": no symbol version for ", .parse = parse_symbol },
	{ KERNEL_EVENT_NAMESPACE, ": module uses symbol (", .parse = parse_pair,
	  .sep = ") from namespace ", .stop = ", " },
	{ KERNEL_EVENT_PROPRIETARY, ": module using GPL-only symbols uses symbols ",
	  .parse = parse_pair, .sep = " from proprietary module ", .stop = ". " },
	{ KERNEL_EVENT_DUPLICATE_EXPORT, ": exports duplicate symbol ", .parse = parse_pair,
	  .sep = " (owned by ", .stop = ")" },
	{ KERNEL_EVENT_PARAM_INVALID, "' invalid for parameter `", .parse = parse_param_value },
	{ KERNEL_EVENT_PARAM_TOO_LONG, "' too large for parameter `", .parse = parse_param_value },
	{ KERNEL_EVENT_PARAM_UNKNOWN, ": unknown parameter '", .parse = parse_until, .stop = "'" },
	{ KERNEL_EVENT_VERMAGIC, ": version magic '", .parse = parse_vermagic },
	{ KERNEL_EVENT_SIGNATURE, "Loading of ", .at_start = true, .parse = parse_until,
	  .stop = " is rejected" },
	{ KERNEL_EVENT_LOCKDOWN, "Lockdown: ", .at_start = true, .parse = parse_lockdown },
	{ KERNEL_EVENT_ARCH, "Invalid architecture in ELF header: ", .at_start = true,
	  .parse = parse_number },
	{ KERNEL_EVENT_BAD_ELF, "Invalid ELF ", .at_start = true, .parse = parse_nothing },
	{ KERNEL_EVENT_BAD_ELF, "Module len ", .at_start = true, .parse = parse_nothing },
	{ KERNEL_EVENT_BAD_ELF, "No module found in object", .at_start = true,
	  .parse = parse_nothing },
	{ KERNEL_EVENT_INIT_RETURNED, "->init suspiciously returned ", .parse = parse_number },
	{ KERNEL_EVENT_INIT_RETURNED, "initcall ", .at_start = true, .parse = parse_initcall },
};

static void event_clear(struct kernel_event *ev)
{
	free(ev->line);
	free(ev->name);
	free(ev->value);
	free(ev->expected);
	memset(ev, 0, sizeof(*ev));
}

/* Where R's tag is in LINE, or NULL. */
static const char *find_tag(const struct rule *r, const char *line)
{
	if (!r->at_start)
		return strstr(line, r->tag);
	return strncmp(line, r->tag, strlen(r->tag)) == 0 ? line : NULL;
}

/* LINE as the first rule that takes it; false when none does. */
static bool parse_line(const char *line, struct kernel_event *ev)
{
	for (size_t i = 0; i < MM_ARRAY_SIZE(rules); i++) {
		const struct rule *r = &rules[i];
		const char *p = find_tag(r, line);

		if (!p)
			continue;
		memset(ev, 0, sizeof(*ev));
		ev->kind = r->kind;
		if (r->parse(r, line, p + strlen(r->tag), ev)) {
			ev->line = mm_strdup(line);
			return true;
		}
		event_clear(ev);
	}
	return false;
}

void kernel_log_events(const char *const *lines, size_t n, struct kernel_event **eventsp,
		       size_t *np)
{
	struct kernel_event *events = NULL;
	size_t k = 0;

	for (size_t i = 0; i < n; i++) {
		struct kernel_event ev;

		if (!parse_line(lines[i], &ev))
			continue;
		events = mm_reallocarray(events, k + 1, sizeof(*events));
		events[k++] = ev;
	}
	*eventsp = events;
	*np = k;
}

void kernel_events_free(struct kernel_event *events, size_t n)
{
	for (size_t i = 0; i < n; i++)
		event_clear(&events[i]);
	free(events);
}

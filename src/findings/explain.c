// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The one explanation of a refused load or unload: the kernel's facts (its
 * errno, the events it logged, its state) in words, in the words of the
 * check that predicts a cause where one does.
 */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "findings-internal.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "mymod/modtree.h"
#include "mymod/out.h"
#include "mymod/util.h"

/* An explanation in the making: what went wrong, and what to do (NULL: nothing better). */
struct words {
	char *what;
	char *hint;
};

/* A refused load being explained. */
struct refusal {
	struct findings_target *t; /* NULL without a module directory */
	struct ko *ko;
	const char *name;
	int err; /* positive */
	const struct kernel_event *ev;
	size_t nev;
	struct findings checked; /* the checks' findings with ERR, taken from as events confirm */
	struct findings *out;
	ssize_t unknown; /* out's finding that lists the unknown symbols, or -1 */
	struct mm_strbuf unknown_syms;
	bool by_errno; /* an event leaves the words to the errno's explanation */
};

static void set(char **field, const char *fmt, ...) MM_PRINTF(2, 3);
static void set(char **field, const char *fmt, ...)
{
	va_list ap;

	free(*field);
	va_start(ap, fmt);
	if (vasprintf(field, fmt, ap) < 0)
		abort();
	va_end(ap);
}

/* The first event of KIND, or NULL. */
static const struct kernel_event *find_event(const struct refusal *r, enum kernel_event_kind kind)
{
	for (size_t i = 0; i < r->nev; i++)
		if (r->ev[i].kind == kind)
			return &r->ev[i];
	return NULL;
}

/* The module's ELF machine is not the one this kernel runs on. */
static bool explain_machine(const struct refusal *r, const char *release, struct words *ex)
{
	const struct ko_elf_info *info;
	const char *machine = kernel_machine();
	unsigned int em = kernel_elf_machine(machine);

	if (ko_elf_info(r->ko, &info) < 0 || em == EM_NONE || info->machine == em)
		return false;
	set(&ex->what,
	    "invalid module format: %s is built for %s (ELF machine %u), this kernel runs on %s",
	    r->name, info->machine_name ? info->machine_name : "another architecture",
	    info->machine, machine);
	set(&ex->hint, "build it for %s, against this kernel's headers (%s)", machine, release);
	return true;
}

/* ENOEXEC: say why from the ELF header, the log, then vermagic. */
static void explain_format(const struct refusal *r, struct words *ex)
{
	const char *vermagic = ko_modinfo_get(r->ko, "vermagic");
	const struct kernel_event *bad = find_event(r, KERNEL_EVENT_BAD_ELF);
	const char *running = kernel_release(), *release = running ? running : "unknown";

	if (explain_machine(r, release, ex))
		return;
	if (vermagic && running) {
		size_t rlen = strcspn(vermagic, " ");

		if (strlen(release) != rlen || strncmp(vermagic, release, rlen) != 0) {
			set(&ex->what,
			    "invalid module format: %s was built for kernel %.*s, this kernel is "
			    "%s",
			    r->name, (int)rlen, vermagic, release);
			set(&ex->hint, "rebuild it against the headers of the running kernel (%s)",
			    release);
			return;
		}
	}
	if (bad) {
		set(&ex->what, "invalid module format: the kernel says: %s", bad->line);
		set(&ex->hint, "the file is not a module for this kernel, or it is damaged");
		return;
	}
	set(&ex->what, "invalid module format: the kernel refused %s's ELF image", r->name);
	set(&ex->hint, "check that the file is a module built for this kernel (%s, %s)", release,
	    kernel_machine());
}

/* EPERM; R is NULL for an unload (then no log says more). */
static void explain_eperm(const struct refusal *r, struct words *ex)
{
	char *lockdown;

	if (geteuid() != 0) {
		set(&ex->what, "operation not permitted: loading and unloading modules needs root "
			       "(CAP_SYS_MODULE)");
		set(&ex->hint, "run it as root, e.g. with sudo");
		return;
	}
	if (kernel_modules_disabled()) {
		set(&ex->what, "operation not permitted: module loading is disabled "
			       "(/proc/sys/kernel/modules_disabled is 1)");
		set(&ex->hint, "only a reboot enables it again");
		return;
	}
	lockdown = kernel_lockdown();
	if (lockdown || (r && find_event(r, KERNEL_EVENT_LOCKDOWN))) {
		set(&ex->what,
		    "operation not permitted: the kernel is locked down (%s) and refuses unsigned "
		    "modules",
		    lockdown ? lockdown : "lockdown");
		set(&ex->hint, "sign the module with a key the kernel trusts (or boot without "
			       "lockdown, e.g. with Secure Boot off)");
		free(lockdown);
		return;
	}
	set(&ex->what, "operation not permitted (a security module or the capability bounding set "
		       "refused it)");
	set(&ex->hint, "the kernel log may say which policy refused it");
}

/* The kernel's words on a refused signature ("Loading of module with unavailable key ..."). */
static bool rejected(const struct refusal *r, const char *what)
{
	const struct kernel_event *ev = find_event(r, KERNEL_EVENT_SIGNATURE);

	return ev && strcmp(ev->value, what) == 0;
}

static void explain_signature(const struct refusal *r, struct words *ex)
{
	const struct ko_signature *sig = NULL;

	if ((ko_signature(r->ko, &sig) == 0 && !sig) || rejected(r, "unsigned module")) {
		set(&ex->what, "%s carries no signature and this kernel only loads signed modules",
		    r->name);
		set(&ex->hint, "sign it with a key the kernel trusts (scripts/sign-file)");
		return;
	}
	if (rejected(r, "module with unavailable key") || r->err == ENOKEY ||
	    (sig && sig->auth_id && kernel_key_trusted(sig->auth_id, sig->auth_id_len) == 0)) {
		char *id = sig ? out_keyid(sig->key_id, sig->key_id_len) : NULL;

		if (sig && (sig->signer || (id && *id)))
			set(&ex->what,
			    "%s is signed with a key this kernel does not trust: signer '%s', key "
			    "%s",
			    r->name, sig->signer ? sig->signer : "unknown",
			    id && *id ? id : "unknown");
		else
			set(&ex->what, "%s is signed with a key this kernel does not trust",
			    r->name);
		free(id);
		set(&ex->hint,
		    "sign it with a key in the kernel's keyrings (`mymod keys` lists them), "
		    "or enroll its key");
		return;
	}
	set(&ex->what,
	    "%s's signature does not verify: the file was changed after it was signed, or the "
	    "signature is damaged",
	    r->name);
	set(&ex->hint, "use the file as it was signed, or sign the changed file again (a copy "
		       "without the appended signature loads where signatures are not enforced)");
}

static void explain_init(int err, const char *name, struct words *ex)
{
	set(&ex->what, "%s's init function failed: %s (%s)", name, kernel_errno_name(err),
	    strerror(err));
	switch (err) {
	case ENODEV:
	case ENXIO:
		set(&ex->hint, "the module found no device to drive; its own messages in the "
			       "kernel log say more");
		break;
	default:
		set(&ex->hint, "the module's own messages in the kernel log say why");
		break;
	}
}

/* The errnos whose words need the module's state or the file. */
static bool explain_errno_state(const struct refusal *r, struct words *ex)
{
	switch (r->err) {
	case ENOEXEC:
		explain_format(r, ex);
		return true;
	case EEXIST:
		if (kernel_module_state(r->name) == KERNEL_MOD_ABSENT)
			explain_init(r->err, r->name, ex);
		else
			set(&ex->what, "%s is already loaded", r->name);
		return true;
	case EPERM:
		explain_eperm(r, ex);
		return true;
	}
	if (kernel_sig_errno(r->err)) {
		explain_signature(r, ex);
		return true;
	}
	return false;
}

/* What the errno alone says, with the module's state and file. */
static void explain_errno(const struct refusal *r, struct words *ex)
{
	const char *name = r->name;
	int err = r->err;

	if (explain_errno_state(r, ex))
		return;
	switch (err) {
	case EBUSY:
		set(&ex->what, "a module called %s is being loaded or removed right now", name);
		set(&ex->hint, "wait for that to finish and try again");
		return;
	case ETXTBSY:
		set(&ex->what, "the module file is open for writing by another process");
		set(&ex->hint, "wait until it is written completely");
		return;
	case ENOSYS:
		set(&ex->what, "this kernel has no loadable-module support");
		return;
	case EFBIG:
	case EFAULT:
	case ENOMEM:
		set(&ex->what, "the kernel could not take %s: %s", name, strerror(err));
		set(&ex->hint, "the module may be too large, or memory is short");
		return;
	case ENOENT:
		set(&ex->what,
		    "%s needs a symbol that no loaded module provides, or its init function "
		    "returned ENOENT",
		    name);
		set(&ex->hint,
		    "the kernel log says which symbols ('dmesg'); load its dependencies first");
		return;
	case EINVAL:
		set(&ex->what,
		    "the kernel refused a parameter or the module, or %s's init function returned "
		    "EINVAL",
		    name);
		set(&ex->hint, "the kernel log says which ('dmesg')");
		return;
	}
	if (kernel_load_errno_source(err) == KERNEL_ERRNO_LOADER)
		set(&ex->what, "the kernel refused %s: %s", name, strerror(err));
	else
		explain_init(err, name, ex);
}

/* Every explanation names the errno, once: "... (ENOENT)". */
static void name_errno(int err, char **what)
{
	const char *name = kernel_errno_name(err);
	char *named;

	if (strstr(*what, name))
		return;
	named = mm_asprintf("%s (%s)", *what, name);
	free(*what);
	*what = named;
}

/* ---- a refused load: the events, and the findings that predict them ---- */

/* The option that loads the module in spite of what EV says. */
static const char *force_option(const struct kernel_event *ev)
{
	switch (ev->kind) {
	case KERNEL_EVENT_VERMAGIC:
		return "--force-vermagic";
	case KERNEL_EVENT_SYMBOL_VERSION:
		return "--force-modversion";
	default:
		return NULL;
	}
}

/* Add to FD's hint how to load it anyway, where EV's check can be skipped. */
static void hint_force(struct finding *fd, const struct kernel_event *ev)
{
	const char *opt = force_option(ev);
	char *hint;

	if (!opt)
		return;
	hint = mm_asprintf("%s%s%s loads it anyway and taints the kernel", fd->hint ? fd->hint : "",
			   fd->hint ? "; " : "", opt);
	free(fd->hint);
	fd->hint = hint;
}

static bool is(const struct finding *fd, const char *code)
{
	return strcmp(fd->code, code) == 0;
}

static bool same(const char *a, const char *b)
{
	return a && b && strcmp(a, b) == 0;
}

/* The module that exports SYM to the checked one, as the checks resolved it; NULL if none. */
static const char *owner_of(const struct refusal *r, const char *sym)
{
	struct symbol_source src;

	if (!r->t)
		return NULL;
	findings_resolve(r->t, sym, r->name, &src);
	return src.found ? src.owner : NULL;
}

/* Does check finding FD predict event EV: the same cause, found beforehand? */
static bool predicts(const struct refusal *r, const struct finding *fd,
		     const struct kernel_event *ev)
{
	switch (ev->kind) {
	case KERNEL_EVENT_UNKNOWN_SYMBOL:
		if (same(fd->symbol, ev->name))
			return true; /* unresolved, or GPL-only */
		return is(fd, "dependency") && same(fd->field, owner_of(r, ev->name));
	case KERNEL_EVENT_SYMBOL_VERSION:
		return is(fd, "modversion") && same(fd->symbol, ev->name);
	case KERNEL_EVENT_NAMESPACE:
		return is(fd, "namespace") && same(fd->symbol, ev->name);
	case KERNEL_EVENT_PROPRIETARY:
		return is(fd, "license") && same(fd->symbol, ev->name);
	case KERNEL_EVENT_DUPLICATE_EXPORT:
		return is(fd, "duplicate-export") && same(fd->symbol, ev->name);
	case KERNEL_EVENT_VERMAGIC:
		return is(fd, "vermagic");
	case KERNEL_EVENT_ARCH:
		return is(fd, "arch");
	case KERNEL_EVENT_SIGNATURE: /* a blocker: an info only says signatures are checked */
		return is(fd, "signature") && !same(fd->field, "lockdown") &&
		       fd->severity == FINDING_BLOCKER;
	case KERNEL_EVENT_LOCKDOWN:
		return is(fd, "signature") && same(fd->field, "lockdown") &&
		       fd->severity == FINDING_BLOCKER;
	default:
		return false;
	}
}

/*
 * The check finding that predicts EV (a blocker, else a warning, else an
 * info: e.g. a dependency, for a kernel other than the running one), moved
 * to the explanation; or, when one already was, true without a second.
 */
static bool take_predicted(struct refusal *r, const struct kernel_event *ev)
{
	for (int sev = FINDING_BLOCKER; sev >= FINDING_INFO; sev--) {
		for (size_t i = 0; i < r->checked.n; i++) {
			const struct finding *fd = &r->checked.v[i];

			/* (an entry already taken is empty) */
			if (!fd->code || (int)fd->severity != sev || !predicts(r, fd, ev))
				continue;
			hint_force(findings_take(r->out, &r->checked, i), ev);
			return true;
		}
	}
	/* Taken for an earlier event: the same cause (e.g. one module for many symbols). */
	for (size_t i = 0; i < r->out->n; i++)
		if (predicts(r, &r->out->v[i], ev))
			return true;
	return false;
}

/* Another event names the same symbol: EV ("Unknown symbol S (err -22)") only echoes it. */
static bool echoes(const struct refusal *r, const struct kernel_event *ev)
{
	if (ev->kind != KERNEL_EVENT_UNKNOWN_SYMBOL)
		return false;
	for (size_t i = 0; i < r->nev; i++)
		if (&r->ev[i] != ev && r->ev[i].kind != KERNEL_EVENT_UNKNOWN_SYMBOL &&
		    same(r->ev[i].name, ev->name))
			return true;
	return false;
}

/* The symbols no check predicts, in one explanation: "NAME needs symbols ...: a, b". */
static void unknown_symbol(struct refusal *r, const struct kernel_event *ev)
{
	if (r->unknown < 0) {
		r->unknown = (ssize_t)r->out->n;
		findings_push(r->out, FINDING_BLOCKER, "unresolved", r->err, NULL,
			      mm_asprintf("load the modules it depends on first ('mymod deps %s' "
					  "lists them)",
					  r->name));
	}
	mm_strbuf_sep(&r->unknown_syms, ", ");
	mm_strbuf_add(&r->unknown_syms, ev->name);
}

/* The message of the unknown symbols' explanation, now that all are known. */
static void unknown_symbols_done(struct refusal *r)
{
	if (r->unknown < 0)
		return;
	r->out->v[r->unknown].message = mm_asprintf(
		"%s needs symbols that no loaded module provides: %s", r->name, r->unknown_syms.s);
	mm_strbuf_free(&r->unknown_syms);
}

/* EV in the kernel's words (no check predicts it); false: the errno's explanation says it. */
static bool event_words(const struct refusal *r, const struct kernel_event *ev, struct words *ex)
{
	switch (ev->kind) {
	case KERNEL_EVENT_PARAM_INVALID:
	case KERNEL_EVENT_PARAM_TOO_LONG:
		set(&ex->what, "parameter '%s' of %s: value '%s' is %s", ev->name, r->name,
		    ev->value, ev->kind == KERNEL_EVENT_PARAM_INVALID ? "invalid" : "too long");
		set(&ex->hint, "'mymod info %s' lists its parameters and their types", r->name);
		return true;
	case KERNEL_EVENT_NAMESPACE:
		set(&ex->what, "%s uses symbol %s from namespace %s, which it does not import",
		    r->name, ev->name, ev->value);
		set(&ex->hint, "add MODULE_IMPORT_NS(%s) to the module's source and rebuild it",
		    ev->value);
		return true;
	case KERNEL_EVENT_SYMBOL_VERSION:
		set(&ex->what,
		    "%s was built against a different kernel: its version (CRC) differs from this "
		    "kernel's for %s",
		    r->name, ev->name);
		set(&ex->hint, "rebuild it against the running kernel's headers");
		return true;
	case KERNEL_EVENT_VERMAGIC:
		set(&ex->what,
		    "invalid module format: %s's vermagic '%s' does not match this kernel's '%s'",
		    r->name, ev->value, ev->expected);
		set(&ex->hint, "rebuild it against the headers of the running kernel (%s)",
		    kernel_release() ? kernel_release() : "unknown");
		return true;
	case KERNEL_EVENT_PROPRIETARY:
	case KERNEL_EVENT_DUPLICATE_EXPORT:
		set(&ex->what, "the kernel refused %s: %s", r->name, ev->line);
		return true;
	default:
		return false;
	}
}

/* What event EV adds to the explanation. */
static void explain_event(struct refusal *r, const struct kernel_event *ev)
{
	struct words ex = { 0 };

	switch (ev->kind) {
	case KERNEL_EVENT_NO_SYMBOL_VERSION:
	case KERNEL_EVENT_PARAM_UNKNOWN:
		return; /* warnings: the kernel loads the module all the same */
	default:
		break;
	}
	if (echoes(r, ev) || take_predicted(r, ev))
		return;
	if (ev->kind == KERNEL_EVENT_UNKNOWN_SYMBOL) {
		unknown_symbol(r, ev);
		return;
	}
	if (!event_words(r, ev, &ex)) {
		r->by_errno = true;
		return;
	}
	hint_force(findings_push(r->out, FINDING_BLOCKER, "refusal", r->err, ex.what, ex.hint), ev);
}

/* No event says why: the checks' blockers with the errno, else their warnings. */
static void take_checked(struct refusal *r)
{
	for (int sev = FINDING_BLOCKER; sev >= FINDING_WARNING && !r->out->n; sev--)
		for (size_t i = 0; i < r->checked.n; i++)
			if (r->checked.v[i].code && (int)r->checked.v[i].severity == sev)
				findings_take(r->out, &r->checked, i);
}

/* Each message names the errno; a hint already given is not given again. */
static void finish(struct refusal *r)
{
	struct findings *f = r->out;

	for (size_t i = 0; i < f->n; i++) {
		name_errno(r->err, &f->v[i].message);
		for (size_t j = 0; j < i && f->v[i].hint; j++) {
			if (same(f->v[j].hint, f->v[i].hint)) {
				free(f->v[i].hint);
				f->v[i].hint = NULL;
			}
		}
	}
}

/* The checks that can give ERR, on MT; none when only the init function returns ERR. */
static void run_checks(struct refusal *r, struct modtree *mt)
{
	if (!mt || kernel_load_errno_source(r->err) == KERNEL_ERRNO_INIT)
		return;
	if (findings_target_open(mt, &r->t) < 0) {
		r->t = NULL;
		return;
	}
	findings_check_errno(r->t, r->ko, r->err, &r->checked);
}

void findings_explain_load(struct modtree *mt, struct ko *ko, int err,
			   const struct kernel_event *events, size_t nevents, struct findings *out)
{
	struct refusal r = {
		.ko = ko,
		.name = ko_name(ko),
		.err = err < 0 ? -err : err,
		.ev = events,
		.nev = nevents,
		.out = out,
		.unknown = -1,
	};

	memset(out, 0, sizeof(*out));
	run_checks(&r, mt);
	for (size_t i = 0; i < nevents; i++)
		explain_event(&r, &events[i]);
	unknown_symbols_done(&r);
	if (!out->n && !r.by_errno)
		take_checked(&r);
	if (!out->n || r.by_errno) {
		struct words ex = { 0 };

		explain_errno(&r, &ex);
		findings_push(out, FINDING_BLOCKER, "refusal", r.err, ex.what, ex.hint);
	}
	finish(&r);
	findings_free(&r.checked);
	findings_target_close(r.t);
	mm_clearerr();
}

/* ---- a refused unload ---- */

static void explain_in_use(const char *name, struct words *ex)
{
	long refcnt = kernel_module_refcnt(name);
	char **holders = NULL;
	size_t n = 0;

	if (kernel_module_holders(name, &holders, &n) < 0)
		n = 0;
	if (n) {
		char *list = mm_join((const char *const *)holders, n, ", ");

		set(&ex->what, "%s is in use by %s, reference count %ld", name, list, refcnt);
		set(&ex->hint, "unload %s first", list);
		free(list);
	} else {
		set(&ex->what, "%s is in use, reference count %ld", name, refcnt);
		set(&ex->hint, "stop what uses it (an open device, a mount), or --wait for it; "
			       "--force removes it anyway, at the risk of a crash");
	}
	kernel_names_free(holders, n);
}

/* EBUSY: being loaded or removed, or it cannot be removed at all. */
static void explain_busy(const char *name, enum kernel_mod_state state, struct words *ex)
{
	if (state == KERNEL_MOD_COMING || state == KERNEL_MOD_GOING) {
		set(&ex->what, "%s is being %s right now", name,
		    state == KERNEL_MOD_COMING ? "loaded" : "removed");
		set(&ex->hint, "wait for that to finish and try again");
		return;
	}
	set(&ex->what, "%s cannot be unloaded: it has an init function but no exit function", name);
	set(&ex->hint, "--force removes it anyway, at the risk of a crash");
}

static void explain_unload(int err, const char *name, struct words *ex)
{
	enum kernel_mod_state state = kernel_module_state(name);

	switch (err) {
	case ENOENT:
		if (state == KERNEL_MOD_BUILTIN) {
			set(&ex->what, "%s is built into the kernel and cannot be unloaded", name);
			return;
		}
		set(&ex->what, "%s is not loaded", name);
		set(&ex->hint, "'mymod list' shows what is loaded");
		return;
	case EWOULDBLOCK:
		explain_in_use(name, ex);
		return;
	case EBUSY:
		explain_busy(name, state, ex);
		return;
	case EPERM:
		explain_eperm(NULL, ex);
		return;
	case ENOSYS:
		set(&ex->what, "this kernel has no loadable-module support: %s cannot be unloaded",
		    name);
		return;
	case ETIMEDOUT:
		explain_in_use(name, ex);
		set(&ex->hint, "it was still in use when --timeout ran out");
		return;
	}
	set(&ex->what, "cannot unload %s: %s", name, strerror(err));
}

void findings_explain_unload(int err, const char *name, struct findings *out)
{
	struct words ex = { 0 };

	if (err < 0)
		err = -err;
	memset(out, 0, sizeof(*out));
	explain_unload(err, name, &ex);
	name_errno(err, &ex.what);
	findings_push(out, FINDING_BLOCKER, "unload", err, ex.what, ex.hint);
}

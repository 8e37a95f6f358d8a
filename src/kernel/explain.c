// SPDX-License-Identifier: LGPL-2.1-or-later
/* Turning a failed load or unload, and what the kernel logged, into words. */
#include <elf.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel-internal.h"
#include "mymod/kernel.h"
#include "mymod/util.h"

const char *kernel_errno_name(int err)
{
	static _Thread_local char buf[16];
	const char *s;

	if (err < 0)
		err = -err;
	s = strerrorname_np(err);
	if (s)
		return s;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

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

/* The first log line containing NEEDLE, or NULL. */
static const char *find_line(const char *const *log, size_t n, const char *needle)
{
	for (size_t i = 0; i < n; i++)
		if (strstr(log[i], needle))
			return log[i];
	return NULL;
}

/* The text between the quotes that follow the first OPEN after AFTER in LINE. */
static char *quoted(const char *line, const char *after, char open, char close)
{
	const char *p = strstr(line, after), *e;

	if (!p)
		return NULL;
	p = strchr(p + strlen(after), open);
	if (!p)
		return NULL;
	e = strchr(p + 1, close);
	return e ? mm_strndup(p + 1, (size_t)(e - p - 1)) : NULL;
}

/*
 * "NAME: Unknown symbol SYM (err -2)" lines: the symbols, comma-separated,
 * or NULL when there are none.
 */
static char *unknown_symbols(const char *const *log, size_t n)
{
	static const char tag[] = "Unknown symbol ";
	struct mm_strbuf list = { 0 };

	for (size_t i = 0; i < n; i++) {
		const char *p = strstr(log[i], tag);

		if (!p)
			continue;
		p += strlen(tag);
		mm_strbuf_sep(&list, ", ");
		mm_strbuf_addn(&list, p, strcspn(p, " "));
	}
	return list.s;
}

unsigned int kernel_elf_machine(const char *machine)
{
	static const struct {
		const char *prefix;
		unsigned int em;
	} map[] = {
		{ "x86_64", EM_X86_64 }, { "ia64", EM_IA_64 },	    { "aarch64", EM_AARCH64 },
		{ "arm", EM_ARM },	 { "s390", EM_S390 },	    { "ppc64", EM_PPC64 },
		{ "ppc", EM_PPC },	 { "riscv", EM_RISCV },	    { "mips", EM_MIPS },
		{ "loongarch", 258 },	 { "sparc64", EM_SPARCV9 },
	};

	/* i386, i486, i586, i686. */
	if (machine[0] == 'i' && machine[1] >= '3' && machine[1] <= '6' &&
	    strcmp(machine + 2, "86") == 0)
		return EM_386;
	for (size_t i = 0; i < MM_ARRAY_SIZE(map); i++)
		if (strncmp(machine, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].em;
	return EM_NONE;
}

/* ENOEXEC: say why from the log, the ELF header, then vermagic. */
static void explain_format(struct ko *ko, const char *name, const char *const *log, size_t n,
			   struct kernel_explain *ex)
{
	const struct ko_elf_info *info;
	const char *line, *vermagic = ko ? ko_modinfo_get(ko, "vermagic") : NULL;
	const char *machine = kernel_machine(), *running = kernel_release();
	const char *release = running ? running : "unknown";

	if (ko && ko_elf_info(ko, &info) == 0) {
		unsigned int em = kernel_elf_machine(machine);

		if (em != EM_NONE && info->machine != em) {
			set(&ex->what,
			    "invalid module format: %s is built for %s (ELF machine %u), this "
			    "kernel runs on %s",
			    name, info->machine_name ? info->machine_name : "another architecture",
			    info->machine, machine);
			set(&ex->hint, "build it for %s, against this kernel's headers (%s)",
			    machine, release);
			return;
		}
	}
	line = find_line(log, n, "version magic");
	if (line) {
		char *file = quoted(line, "version magic", '\'', '\'');
		char *kern = quoted(line, "should be", '\'', '\'');

		set(&ex->what,
		    "invalid module format: %s's vermagic '%s' does not match this kernel's '%s'",
		    name, file ? file : "?", kern ? kern : "?");
		set(&ex->hint,
		    "rebuild it against the headers of the running kernel (%s); "
		    "--force-vermagic loads it anyway and taints the kernel",
		    release);
		free(file);
		free(kern);
		return;
	}
	if (vermagic && running) {
		size_t rlen = strcspn(vermagic, " ");

		if (strlen(release) != rlen || strncmp(vermagic, release, rlen) != 0) {
			set(&ex->what,
			    "invalid module format: %s was built for kernel %.*s, this kernel is "
			    "%s",
			    name, (int)rlen, vermagic, release);
			set(&ex->hint, "rebuild it against the headers of the running kernel (%s)",
			    release);
			return;
		}
	}
	line = find_line(log, n, "Invalid ");
	if (line) {
		set(&ex->what, "invalid module format: the kernel says: %s", line);
		set(&ex->hint, "the file is not a module for this kernel, or it is damaged");
		return;
	}
	set(&ex->what, "invalid module format: the kernel refused %s's ELF image", name);
	set(&ex->hint, "check that the file is a module built for this kernel (%s, %s)", release,
	    machine);
}

static void explain_eperm(struct kernel_explain *ex, const char *const *log, size_t n)
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
	if (lockdown || find_line(log, n, "Lockdown:")) {
		set(&ex->what,
		    "operation not permitted: the kernel is locked down (%s) and refuses unsigned "
		    "modules",
		    lockdown ? lockdown : "lockdown");
		set(&ex->hint, "sign the module with a key the kernel trusts (or boot without "
			       "lockdown, e.g. with Secure Boot off)");
		free(lockdown);
		return;
	}
	set(&ex->what, "operation not permitted (a security module or the capability bounding "
		       "set refused it)");
	set(&ex->hint, "the kernel log may say which policy refused it");
}

static void explain_signature(int err, struct ko *ko, const char *name, const char *const *log,
			      size_t n, struct kernel_explain *ex)
{
	const struct ko_signature *sig = NULL;

	if (ko && ko_signature(ko, &sig) == 0 && !sig) {
		set(&ex->what, "%s carries no signature and this kernel only loads signed modules",
		    name);
		set(&ex->hint, "sign it with a key the kernel trusts (scripts/sign-file)");
		return;
	}
	if (find_line(log, n, "unavailable key") || err == ENOKEY ||
	    (sig && sig->auth_id && kernel_key_trusted(sig->auth_id, sig->auth_id_len) == 0)) {
		set(&ex->what, "%s is signed with a key this kernel does not trust", name);
		set(&ex->hint, "sign it with a key in the kernel's keyrings, or enroll its key");
		return;
	}
	set(&ex->what,
	    "%s's signature does not verify: the file was changed after it was signed, or "
	    "the signature is damaged",
	    name);
	set(&ex->hint, "use the file as it was signed, or sign the changed file again (a copy "
		       "without the appended signature loads where signatures are not enforced)");
}

/* Errors only the loader itself returns; anything else came from the init function. */
static bool loader_errno(int err)
{
	switch (err) {
	case ENOEXEC:
	case EKEYREJECTED:
	case EKEYEXPIRED:
	case EKEYREVOKED:
	case ENOKEY:
	case EBADMSG:
	case ENOPKG:
	case ETXTBSY:
	case EFAULT:
	case EFBIG:
	case ENOSYS:
	case EOPNOTSUPP:
		return true;
	default:
		return false;
	}
}

static void explain_init(int err, const char *name, struct kernel_explain *ex)
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

/* parse_args()'s complaints: "NAME: `VALUE' <tag> `PARAM'". */
static const struct {
	const char *tag;
	const char *problem;
} param_complaints[] = {
	{ "invalid for parameter", "invalid" },
	{ "too large for parameter", "too long" },
};

/* The symbol version (modversions) checks' complaints: "NAME: <tag>SYMBOL". */
static const struct {
	const char *tag;
	const char *problem;
} version_complaints[] = {
	{ "disagrees about version of symbol ",
	  "its version (CRC) differs from this kernel's for" },
	{ "no symbol version for ", "it has no version (CRC) for" },
};

/* What the log alone shows, whatever the errno. True when it explained. */
static bool explain_from_log(const char *name, const char *const *log, size_t n,
			     struct kernel_explain *ex)
{
	const char *line;
	char *syms;

	for (size_t i = 0; i < MM_ARRAY_SIZE(param_complaints); i++) {
		const char *tag = param_complaints[i].tag;
		char *value, *param;

		line = find_line(log, n, tag);
		if (!line)
			continue;
		value = quoted(line, ":", '`', '\'');
		param = quoted(line, tag, '`', '\'');
		set(&ex->what, "parameter '%s' of %s: value '%s' is %s", param ? param : "?", name,
		    value ? value : "", param_complaints[i].problem);
		set(&ex->hint, "'mymod info %s' lists its parameters and their types", name);
		free(value);
		free(param);
		return true;
	}
	line = find_line(log, n, "from namespace");
	if (line) {
		set(&ex->what, "%s uses a symbol from a namespace it does not import: %s", name,
		    line);
		set(&ex->hint, "add MODULE_IMPORT_NS() for that namespace to the module's source");
		return true;
	}
	for (size_t i = 0; i < MM_ARRAY_SIZE(version_complaints); i++) {
		const char *tag = version_complaints[i].tag, *sym;

		line = find_line(log, n, tag);
		if (!line)
			continue;
		sym = strstr(line, tag) + strlen(tag);
		set(&ex->what, "%s was built against a different kernel: %s %.*s", name,
		    version_complaints[i].problem, (int)strcspn(sym, " "), sym);
		set(&ex->hint, "rebuild it against the running kernel's headers; "
			       "--force-modversion loads it anyway and taints the kernel");
		return true;
	}
	syms = unknown_symbols(log, n);
	if (syms) {
		set(&ex->what, "%s needs symbols that no loaded module provides: %s", name, syms);
		set(&ex->hint, "load the modules it depends on first ('mymod deps %s' lists them)",
		    name);
		free(syms);
		return true;
	}
	return false;
}

static void explain_load(int err, struct ko *ko, const char *const *log, size_t n,
			 struct kernel_explain *ex)
{
	const char *name = ko ? ko_name(ko) : "the module";

	if (explain_from_log(name, log, n, ex))
		return;
	if (err == ENOEXEC) {
		explain_format(ko, name, log, n, ex);
		return;
	}
	switch (err) {
	case EEXIST:
		if (kernel_module_state(name) != KERNEL_MOD_ABSENT) {
			set(&ex->what, "%s is already loaded", name);
			return;
		}
		explain_init(err, name, ex);
		return;
	case EPERM:
		explain_eperm(ex, log, n);
		return;
	case EKEYREJECTED:
	case EKEYEXPIRED:
	case EKEYREVOKED:
	case ENOKEY:
	case EBADMSG:
	case ENOPKG:
		explain_signature(err, ko, name, log, n, ex);
		return;
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
		    "%s needs a symbol that no loaded module provides, or its init "
		    "function returned ENOENT",
		    name);
		set(&ex->hint, "the kernel log says which symbols ('dmesg'); load its "
			       "dependencies first");
		return;
	case EINVAL:
		set(&ex->what,
		    "the kernel refused a parameter or the module, or %s's init function "
		    "returned EINVAL",
		    name);
		set(&ex->hint, "the kernel log says which ('dmesg')");
		return;
	}
	if (loader_errno(err)) {
		set(&ex->what, "the kernel refused %s: %s", name, strerror(err));
		return;
	}
	explain_init(err, name, ex);
}

static void explain_in_use(const char *name, struct kernel_explain *ex)
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

static void explain_unload(int err, const char *name, struct kernel_explain *ex)
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
		if (state == KERNEL_MOD_COMING || state == KERNEL_MOD_GOING) {
			set(&ex->what, "%s is being %s right now", name,
			    state == KERNEL_MOD_COMING ? "loaded" : "removed");
			set(&ex->hint, "wait for that to finish and try again");
			return;
		}
		set(&ex->what,
		    "%s cannot be unloaded: it has an init function but no exit "
		    "function",
		    name);
		set(&ex->hint, "--force removes it anyway, at the risk of a crash");
		return;
	case EPERM:
		explain_eperm(ex, NULL, 0);
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

/* Every explanation names the errno, once: "... (ENOENT)". */
static void name_errno(int err, struct kernel_explain *ex)
{
	const char *name = kernel_errno_name(err);
	char *what;

	if (strstr(ex->what, name))
		return;
	what = mm_asprintf("%s (%s)", ex->what, name);
	free(ex->what);
	ex->what = what;
}

void kernel_explain_load(int err, struct ko *ko, const char *const *log, size_t n,
			 struct kernel_explain *ex)
{
	if (err < 0)
		err = -err;
	ex->what = ex->hint = NULL;
	explain_load(err, ko, log, n, ex);
	name_errno(err, ex);
}

void kernel_explain_unload(int err, const char *name, struct kernel_explain *ex)
{
	if (err < 0)
		err = -err;
	ex->what = ex->hint = NULL;
	explain_unload(err, name, ex);
	name_errno(err, ex);
}

void kernel_explain_free(struct kernel_explain *ex)
{
	free(ex->what);
	free(ex->hint);
	ex->what = ex->hint = NULL;
}

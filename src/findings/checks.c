// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The load-time checks of the kernel (kernel/module/main.c and version.c
 * of Linux 6.1), made beforehand from what the files say.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "findings-internal.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "mymod/modtree.h"
#include "mymod/out.h"
#include "mymod/util.h"

const char *finding_severity_name(enum finding_severity sev)
{
	switch (sev) {
	case FINDING_BLOCKER:
		return "blocker";
	case FINDING_WARNING:
		return "warning";
	default:
		return "info";
	}
}

void findings_free(struct findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].symbol);
		free(f->v[i].field);
		free(f->v[i].message);
		free(f->v[i].hint);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

bool findings_blocked(const struct findings *f)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].severity == FINDING_BLOCKER)
			return true;
	return false;
}

static struct finding *add(struct findings *f, enum finding_severity sev, const char *code, int err,
			   const char *fmt, ...) MM_PRINTF(5, 6);

struct finding *findings_push(struct findings *f, enum finding_severity sev, const char *code,
			      int err, char *message, char *hint)
{
	struct finding *fd;

	f->v = mm_reallocarray(f->v, f->n + 1, sizeof(*f->v));
	fd = &f->v[f->n++];
	memset(fd, 0, sizeof(*fd));
	fd->severity = sev;
	fd->code = code;
	fd->err = err;
	fd->message = message;
	fd->hint = hint;
	return fd;
}

struct finding *findings_take(struct findings *to, struct findings *from, size_t i)
{
	to->v = mm_reallocarray(to->v, to->n + 1, sizeof(*to->v));
	to->v[to->n] = from->v[i];
	memset(&from->v[i], 0, sizeof(from->v[i]));
	return &to->v[to->n++];
}

static struct finding *add(struct findings *f, enum finding_severity sev, const char *code, int err,
			   const char *fmt, ...)
{
	char *message;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&message, fmt, ap);
	va_end(ap);
	if (r < 0)
		message = mm_strdup("out of memory");
	return findings_push(f, sev, code, err, message, NULL);
}

static void hint(struct finding *fd, const char *fmt, ...) MM_PRINTF(2, 3);

static void hint(struct finding *fd, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&fd->hint, fmt, ap);
	va_end(ap);
	if (r < 0)
		fd->hint = NULL;
}

static void about(struct finding *fd, const char *symbol, const char *field)
{
	fd->symbol = symbol ? mm_strdup(symbol) : NULL;
	fd->field = field ? mm_strdup(field) : NULL;
}

/* ---- the checks ---- */

static bool imports_ns(struct ko *ko, const char *ns)
{
	const struct ko_modinfo *kv;
	size_t n;

	if (ko_modinfo(ko, &kv, &n) < 0)
		return false;
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, "import_ns") == 0 && strcmp(kv[i].value, ns) == 0)
			return true;
	return false;
}

/* The usual advice: BEFORE, then how to rebuild for the target, then AFTER. */
static void hint_rebuild(struct finding *fd, const struct findings_target *t, const char *before,
			 const char *after)
{
	hint(fd,
	     "%srebuild the module against the headers of %s (make -C /lib/modules/%s/build "
	     "M=$PWD)%s",
	     before, t->kver, t->kver, after);
}

/* Words of a version magic after the release ("SMP preempt mod_unload ..."). */
static const char *vermagic_flags(const char *vm)
{
	return vm + strcspn(vm, " ");
}

static bool has_word(const char *s, const char *word)
{
	size_t len = strlen(word);

	for (const char *p = s; (p = strstr(p, word)); p += len)
		if ((p == s || p[-1] == ' ') && (p[len] == ' ' || p[len] == '\0'))
			return true;
	return false;
}

/* The words of include/linux/vermagic.h that the configuration decides. */
static const char *const vermagic_words[] = { "SMP", "preempt", "preempt_rt", "mod_unload",
					      "modversions" };

/*
 * VM without the words the configuration does not decide (the
 * architecture's), to compare with a version magic made from the headers.
 */
static char *vermagic_known_words(const char *vm)
{
	struct mm_strbuf out = { 0 };

	mm_strbuf_addn(&out, vm, strcspn(vm, " "));
	for (size_t i = 0; i < MM_ARRAY_SIZE(vermagic_words); i++) {
		if (!has_word(vm, vermagic_words[i]))
			continue;
		mm_strbuf_addc(&out, ' ');
		mm_strbuf_add(&out, vermagic_words[i]);
	}
	return mm_strbuf_steal(&out);
}

/* Name what differs between two version magics, for the message. */
static char *vermagic_diff(const char *mod, const char *kern)
{
	const char *const *words = vermagic_words;
	size_t rlm = strcspn(mod, " "), rlk = strcspn(kern, " ");
	struct mm_strbuf out = { 0 };

	if (rlm != rlk || strncmp(mod, kern, rlm) != 0)
		mm_strbuf_addf(&out, "release %.*s, the kernel is %.*s", (int)rlm, mod, (int)rlk,
			       kern);
	for (size_t i = 0; i < MM_ARRAY_SIZE(vermagic_words); i++) {
		bool m = has_word(mod, words[i]), k = has_word(kern, words[i]);

		if (m == k)
			continue;
		mm_strbuf_sep(&out, "; ");
		mm_strbuf_addf(&out, "%s %s", m ? "has" : "lacks", words[i]);
	}
	if (!out.len)
		mm_strbuf_add(&out, "other words differ");
	return mm_strbuf_steal(&out);
}

/* check_modinfo() on a module without a version magic. */
static void check_no_vermagic(struct findings_target *t, struct findings *f)
{
	struct finding *fd;

	if (t->config.force_load)
		fd = add(f, FINDING_WARNING, "vermagic", 0,
			 "no version magic: the kernel loads it as forced (taint F)");
	else
		fd = add(f, FINDING_BLOCKER, "vermagic", ENOEXEC,
			 "no version magic: the kernel refuses it");
	about(fd, NULL, "vermagic");
	hint_rebuild(fd, t, "", "");
}

/*
 * Version magic VM is not the kernel's (MINE and KERN: what is compared of
 * each). With symbol versions on both sides, the kernel ignores the release.
 */
static void vermagic_mismatch(struct findings_target *t, struct ko *ko, const char *vm,
			      const char *mine, const char *kern, struct findings *f)
{
	const struct ko_version *versions;
	char *diff = vermagic_diff(vm, t->vermagic);
	struct finding *fd;
	size_t nv;

	if (ko_versions(ko, &versions, &nv) < 0)
		nv = 0;
	if (has_word(t->vermagic, "modversions") && nv > 0 &&
	    strcmp(vermagic_flags(mine), vermagic_flags(kern)) == 0) {
		fd = add(f, FINDING_WARNING, "vermagic", 0,
			 "version magic '%s' is not the kernel's '%s' (from %s): %s; the kernel "
			 "ignores the release since the module has symbol versions",
			 vm, t->vermagic, t->vermagic_source, diff);
		hint_rebuild(fd, t, "nothing, if the symbol versions match; to be sure, ", "");
	} else {
		fd = add(f, FINDING_BLOCKER, "vermagic", ENOEXEC,
			 "version magic '%s' should be '%s' (from %s): %s", vm, t->vermagic,
			 t->vermagic_source, diff);
		hint_rebuild(fd, t, "", "");
	}
	about(fd, NULL, "vermagic");
	free(diff);
}

/* check_modinfo(): vermagic against the kernel's, same_magic() semantics. */
static void check_vermagic(struct findings_target *t, struct ko *ko, struct findings *f)
{
	const char *vm = ko_modinfo_get(ko, "vermagic");
	char *mine, *kern;
	struct finding *fd;

	if (!vm) {
		check_no_vermagic(t, f);
		return;
	}
	findings_target_sample(t);
	if (!t->vermagic) {
		fd = add(f, FINDING_WARNING, "vermagic", 0,
			 "the version magic of %s is unknown (no in-tree module, no headers): "
			 "cannot compare '%s'",
			 t->kver, vm);
		about(fd, NULL, "vermagic");
		hint(fd, "install the headers of %s", t->kver);
		return;
	}
	/* Made from the headers, the kernel's lacks the architecture's words: compare the rest. */
	mine = t->vermagic_partial ? vermagic_known_words(vm) : mm_strdup(vm);
	kern = t->vermagic_partial ? vermagic_known_words(t->vermagic) : mm_strdup(t->vermagic);
	if (strcmp(mine, kern) == 0) {
		fd = add(f, FINDING_INFO, "vermagic", 0,
			 "version magic '%s' matches the kernel's%s (from %s)", vm,
			 t->vermagic_partial ? " in release and configuration" : "",
			 t->vermagic_source);
		about(fd, NULL, "vermagic");
	} else {
		vermagic_mismatch(t, ko, vm, mine, kern, f);
	}
	free(mine);
	free(kern);
}

/* elf_check_arch(): a module for another machine is not executable here. */
static void check_arch(struct findings_target *t, struct ko *ko, struct findings *f)
{
	const struct ko_elf_info *elf;
	struct finding *fd;

	findings_target_sample(t);
	if (!t->have_elf || ko_elf_info(ko, &elf) < 0)
		return;
	if (elf->machine == t->machine && elf->elfclass == t->elfclass)
		return;
	fd = add(f, FINDING_BLOCKER, "arch", ENOEXEC,
		 "built for %s (%d-bit), the kernel's modules are %s (%d-bit)",
		 elf->machine_name ? elf->machine_name : "another machine", elf->elfclass,
		 t->machine_name, t->elfclass);
	about(fd, NULL, "machine");
	hint_rebuild(fd, t, "build for the kernel's architecture: ", "");
}

static bool find_version(const struct ko_version *v, size_t n, const char *sym, uint32_t *crc)
{
	for (size_t i = 0; i < n; i++) {
		if (strcmp(v[i].name, sym) == 0) {
			*crc = v[i].crc;
			return true;
		}
	}
	return false;
}

/*
 * check_modstruct_version(): the module's CRC of module_layout, the
 * kernel's struct module layout, is checked first and fails the load
 * with ENOEXEC.
 */
static void check_module_layout(struct findings_target *t, const struct ko_version *v, size_t nv,
				struct findings *f)
{
	const struct modtree_symver *sv;
	struct finding *fd;
	uint32_t crc;

	if (!t->symvers || !find_version(v, nv, "module_layout", &crc))
		return;
	sv = modtree_symvers_find(t->symvers, "module_layout");
	if (!sv || sv->crc == crc)
		return;
	fd = add(f, FINDING_BLOCKER, "modversion", ENOEXEC,
		 "module_layout: the module's CRC 0x%08x is not the kernel's 0x%08x (%s): it was "
		 "built for another kernel",
		 crc, sv->crc, modtree_symvers_path(t->symvers));
	about(fd, "module_layout", NULL);
	hint_rebuild(fd, t, "", "");
}

static bool ignored_undefined(const char *sym)
{
	/* ignore_undef_symbol(): symbols the arch's module loader supplies itself. */
	return strcmp(sym, "_GLOBAL_OFFSET_TABLE_") == 0 || strcmp(sym, ".TOC.") == 0;
}

/* One module of the tree the checked module needs, with the symbols it takes. */
struct need {
	const char *module;
	size_t count;
	struct mm_strbuf first; /* a few names, for the message */
};

static void need_add(struct need **needs, size_t *n, const char *module, const char *sym)
{
	struct need *nd = NULL;

	for (size_t i = 0; i < *n; i++)
		if (strcmp((*needs)[i].module, module) == 0)
			nd = &(*needs)[i];
	if (!nd) {
		*needs = mm_reallocarray(*needs, *n + 1, sizeof(**needs));
		nd = &(*needs)[(*n)++];
		nd->module = module;
		nd->count = 0;
		nd->first = (struct mm_strbuf){ 0 };
	}
	if (nd->count < 3) {
		mm_strbuf_sep(&nd->first, ", ");
		mm_strbuf_add(&nd->first, sym);
	}
	nd->count++;
}

struct import_ctx {
	struct findings_target *t;
	struct ko *ko;
	const char *name;
	const char *license;
	bool gpl_compatible;
	const struct ko_version *versions;
	size_t nversions;
	struct need *needs;
	size_t nneeds;
	size_t unknown;	    /* imports that cannot be resolved without Module.symvers */
	size_t kallsyms;    /* imports resolved through /proc/kallsyms only */
	size_t unversioned; /* imports the kernel has a CRC for, in a module without __versions */
	bool uses_gpl_only;
	struct {
		const char *symbol;
		const char *owner;
	} * proprietary; /* imports from modules whose license is not GPL-compatible */
	size_t nproprietary;
};

/* Does the kernel check symbol versions? Its configuration says, else its version magic. */
static bool target_modversions(struct findings_target *t)
{
	if (t->kconfig)
		return t->config.modversions;
	findings_target_sample(t);
	return t->vermagic && has_word(t->vermagic, "modversions");
}

static void check_import_crc(struct import_ctx *c, const struct ko_import *im,
			     const struct symbol_source *src, struct findings *f)
{
	struct finding *fd;

	if (!src->has_crc || !target_modversions(c->t))
		return;
	if (!im->has_crc) {
		if (!c->nversions) {
			c->unversioned++;
			return;
		}
		fd = add(f, FINDING_WARNING, "modversion", 0,
			 "%s: no symbol version in the module (the kernel warns and loads it)",
			 im->name);
		about(fd, im->name, NULL);
		hint_rebuild(fd, c->t, "", ", with CONFIG_MODVERSIONS");
		return;
	}
	if (im->crc == src->crc)
		return;
	fd = add(f, FINDING_BLOCKER, "modversion", EINVAL,
		 "%s: disagrees about version of symbol: the module's CRC 0x%08x, %s%s's 0x%08x "
		 "(%s)",
		 im->name, im->crc, src->owner ? "module " : "the kernel",
		 src->owner ? src->owner : "", src->crc, src->crc_from);
	about(fd, im->name, NULL);
	if (src->owner) {
		char *after = mm_asprintf(", as %s was", src->owner);

		hint_rebuild(fd, c->t, "", after);
		free(after);
	} else {
		hint_rebuild(fd, c->t, "", "");
	}
}

/* resolve_symbol() found no export of IM: simplify_symbols() fails the load (ENOENT). */
static void report_unresolved(struct import_ctx *c, const struct ko_import *im,
			      const struct symbol_source *src, struct findings *f)
{
	struct finding *fd;

	if (src->listed) {
		fd = add(f, FINDING_BLOCKER, "unresolved", ENOENT,
			 "%s: exported by module %s (%s), which is not in the tree", im->name,
			 src->listed, modtree_symvers_path(c->t->symvers));
		hint(fd, "install module %s into %s and run depmod %s", src->listed,
		     modtree_dir(c->t->mt), c->t->kver);
	} else if (!c->t->symvers && !findings_running_exports(c->t)) {
		c->unknown++;
		return;
	} else {
		fd = add(f, FINDING_BLOCKER, "unresolved", ENOENT,
			 "%s: unknown symbol: the kernel does not export it and "
			 "no module in the tree exports it",
			 im->name);
		hint(fd,
		     "install the module that exports %s into %s and run depmod %s, or "
		     "rebuild this one against %s's headers",
		     im->name, modtree_dir(c->t->mt), c->t->kver, c->t->kver);
	}
	about(fd, im->name, NULL);
}

/* How IM is exported: GPL-only, from a proprietary module, in a namespace. */
static void check_import_export(struct import_ctx *c, const struct ko_import *im,
				const struct symbol_source *src, struct findings *f)
{
	struct finding *fd;

	if (src->owner && src->proprietary) {
		c->proprietary = mm_reallocarray(c->proprietary, c->nproprietary + 1,
						 sizeof(*c->proprietary));
		c->proprietary[c->nproprietary].symbol = im->name;
		c->proprietary[c->nproprietary++].owner = src->owner;
	}
	if (src->gpl_known && src->gpl && !c->gpl_compatible) {
		fd = add(
			f, FINDING_BLOCKER, "license", ENOENT,
			"%s: GPL-only symbol, and the module's license '%s' is not GPL-compatible: "
			"the kernel does not resolve it",
			im->name, c->license ? c->license : "(none)");
		about(fd, im->name, "license");
		hint(fd, "use only symbols exported without _GPL, or license the module under a "
			 "GPL-compatible license (MODULE_LICENSE(\"GPL\"))");
	}
	if (src->ns && !imports_ns(c->ko, src->ns)) {
		bool allowed = c->t->config.missing_ns_allowed;

		fd = add(f, allowed ? FINDING_WARNING : FINDING_BLOCKER, "namespace",
			 allowed ? 0 : EINVAL,
			 "%s: module uses symbol from namespace %s, but does not import it",
			 im->name, src->ns);
		about(fd, im->name, "import_ns");
		hint(fd, "add MODULE_IMPORT_NS(%s) to the module's source and rebuild it", src->ns);
	}
}

static void check_import(struct import_ctx *c, const struct ko_import *im, struct findings *f)
{
	struct symbol_source src;

	if (ignored_undefined(im->name))
		return;
	findings_resolve(c->t, im->name, c->name, &src);
	if (!src.found) {
		report_unresolved(c, im, &src, f);
		return;
	}
	if (src.kallsyms)
		c->kallsyms++;
	if (src.owner)
		need_add(&c->needs, &c->nneeds, src.owner, im->name);
	if (src.gpl_known && src.gpl)
		c->uses_gpl_only = true;
	check_import_export(c, im, &src, f);
	check_import_crc(c, im, &src, f);
}

/*
 * check_version() without a __versions section: try_to_force_load(), which
 * taints the kernel (F) where CONFIG_MODULE_FORCE_LOAD allows it, and
 * fails otherwise (check_modstruct_version() first: ENOEXEC).
 */
static void report_unversioned(struct import_ctx *c, struct findings *f)
{
	bool forced = c->t->config.force_load;
	struct finding *fd;

	if (!c->unversioned)
		return;
	if (forced)
		fd = add(f, FINDING_WARNING, "modversion", 0,
			 "no symbol versions (__versions) for %zu imported symbol%s the kernel "
			 "versions: it loads the module as forced (taint F)",
			 c->unversioned, c->unversioned == 1 ? "" : "s");
	else
		fd = add(f, FINDING_BLOCKER, "modversion", ENOEXEC,
			 "no symbol versions (__versions) for %zu imported symbol%s: the kernel "
			 "requires them",
			 c->unversioned, c->unversioned == 1 ? "" : "s");
	about(fd, NULL, "__versions");
	hint_rebuild(fd, c->t, "", ", with CONFIG_MODVERSIONS");
}

/*
 * inherit_taint(): a module that uses GPL-only symbols may not use symbols
 * of a proprietary module (the kernel leaves them unresolved); one that
 * does not inherits the proprietary taint.
 */
static void report_proprietary(struct import_ctx *c, struct findings *f)
{
	for (size_t i = 0; i < c->nproprietary; i++) {
		const char *sym = c->proprietary[i].symbol, *owner = c->proprietary[i].owner;
		struct finding *fd;

		if (c->uses_gpl_only) {
			fd = add(f, FINDING_BLOCKER, "license", ENOENT,
				 "%s: comes from module %s, whose license is not "
				 "GPL-compatible, and the module uses GPL-only symbols: "
				 "the kernel does not resolve it",
				 sym, owner);
			about(fd, sym, "license");
			hint(fd,
			     "license %s under a GPL-compatible license, or stop using its "
			     "symbols or the GPL-only ones",
			     owner);
		} else if (i == 0 || strcmp(owner, c->proprietary[i - 1].owner) != 0) {
			fd = add(f, FINDING_WARNING, "license", 0,
				 "uses symbols of module %s, whose license is not GPL-compatible: "
				 "loading taints the kernel (P)",
				 owner);
			about(fd, sym, "license");
			hint(fd, "nothing, if intended");
		}
	}
	free(c->proprietary);
}

static void report_needs(struct import_ctx *c, struct findings *f)
{
	for (size_t i = 0; i < c->nneeds; i++) {
		struct need *nd = &c->needs[i];
		bool loaded = c->t->running && kernel_module_state(nd->module) == KERNEL_MOD_LIVE;
		struct finding *fd;

		/* On the running kernel, what is not loaded yet makes a plain insmod fail. */
		fd = add(f, c->t->running && !loaded ? FINDING_WARNING : FINDING_INFO, "dependency",
			 loaded ? 0 : ENOENT, "needs module %s for %zu symbol%s (%s%s)%s",
			 nd->module, nd->count, nd->count == 1 ? "" : "s", nd->first.s,
			 nd->count > 3 ? ", ..." : "",
			 loaded		 ? ", loaded"
			 : c->t->running ? ", which is not loaded"
					 : "");
		about(fd, NULL, nd->module);
		if (!loaded)
			hint(fd, "load %s first (modprobe loads dependencies by itself)",
			     nd->module);
		mm_strbuf_free(&nd->first);
	}
	free(c->needs);
	if (c->unknown) {
		struct finding *fd;

		fd = add(
			f, FINDING_WARNING, "unverified", 0,
			"%zu imported symbol%s not exported by any module of the tree; whether the "
			"kernel exports them is unknown without its Module.symvers",
			c->unknown, c->unknown == 1 ? " is" : "s are");
		hint(fd, "install the headers of %s", c->t->kver);
	}
	if (c->kallsyms) {
		struct finding *fd;

		fd = add(f, FINDING_WARNING, "unverified", 0,
			 "%zu imported symbol%s found in /proc/kallsyms only: whether "
			 "GPL-only or in a namespace, and their CRCs, cannot be checked "
			 "without Module.symvers",
			 c->kallsyms, c->kallsyms == 1 ? " was" : "s were");
		hint(fd, "install the headers of %s", c->t->kver);
	}
}

static void check_imports(struct findings_target *t, struct ko *ko, struct findings *f)
{
	struct import_ctx c = { .t = t, .ko = ko };
	const struct ko_import *im;
	size_t n;

	c.name = ko_name(ko);
	c.license = ko_modinfo_get(ko, "license");
	c.gpl_compatible = findings_license_gpl(c.license);
	if (ko_versions(ko, &c.versions, &c.nversions) < 0) {
		c.versions = NULL;
		c.nversions = 0;
	}
	if (t->symvers_error) {
		struct finding *fd =
			add(f, FINDING_WARNING, "unverified", 0,
			    "the kernel's symbol versions are unusable: %s", t->symvers_error);

		hint(fd, "reinstall the headers of %s", t->kver);
	}
	check_module_layout(t, c.versions, c.nversions, f);
	if (ko_imports(ko, &im, &n) < 0) {
		struct finding *fd = add(f, FINDING_WARNING, "unverified", 0,
					 "cannot read the module's imports: %s", mm_errmsg());

		hint(fd, "check that the file is a complete kernel module");
		return;
	}
	for (size_t i = 0; i < n; i++)
		check_import(&c, &im[i], f);
	report_proprietary(&c, f);
	report_unversioned(&c, f);
	report_needs(&c, f);
}

/* set_license(): a license the kernel does not know as GPL-compatible taints it. */
static void check_license(struct findings_target *t MM_UNUSED, struct ko *ko, struct findings *f)
{
	const char *license = ko_modinfo_get(ko, "license");
	struct finding *fd;

	if (findings_license_gpl(license))
		return;
	if (license)
		fd = add(f, FINDING_WARNING, "license", 0,
			 "license '%s' is not GPL-compatible: loading taints the kernel (P, "
			 "proprietary)",
			 license);
	else
		fd = add(f, FINDING_WARNING, "license", 0,
			 "no license: the kernel treats it as proprietary (taint P)");
	about(fd, NULL, "license");
	hint(fd, "nothing, if intended; MODULE_LICENSE(\"GPL\") (or another GPL-compatible "
		 "license) avoids the taint");
}

/* Who else exports SYM: "vmlinux", a loaded module (running kernel), or NULL. */
static const char *exported_elsewhere(struct findings_target *t, const char *sym, const char *self)
{
	const struct modtree_symver *sv = t->symvers ? modtree_symvers_find(t->symvers, sym) : NULL;
	const char *owner;

	if (sv && strcmp(sv->owner, "vmlinux") == 0)
		return "vmlinux";
	if (findings_running_exports(t) && kernel_symbols_find(t->ksyms, sym, &owner) &&
	    strcmp(owner, self) != 0)
		return owner;
	return NULL;
}

/*
 * verify_exported_symbols(): a module may not export what the kernel, or
 * a module already loaded, exports.
 */
static void check_exports(struct findings_target *t, struct ko *ko, struct findings *f)
{
	const char *self = ko_name(ko);
	const struct ko_export *ex;
	size_t n;

	if (ko_exports(ko, &ex, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		const char *owner = exported_elsewhere(t, ex[i].name, self);
		struct finding *fd;

		if (!owner)
			continue;
		if (strcmp(owner, "vmlinux") == 0) {
			fd = add(f, FINDING_BLOCKER, "duplicate-export", ENOEXEC,
				 "%s: exports a symbol the kernel itself exports", ex[i].name);
			hint(fd, "rename the symbol in the module, or drop the module: "
				 "the kernel has it");
		} else {
			fd = add(f, FINDING_BLOCKER, "duplicate-export", ENOEXEC,
				 "%s: exports a symbol loaded module %s exports", ex[i].name,
				 owner);
			hint(fd, "unload %s first, or rename the symbol in the module", owner);
		}
		about(fd, ex[i].name, NULL);
	}
}

/* check_modinfo(): taints the kernel records for what the module says of itself. */
static void check_taints(struct findings_target *t, struct ko *ko, struct findings *f)
{
	const char *intree = ko_modinfo_get(ko, "intree");
	const char *staging = ko_modinfo_get(ko, "staging");
	const char *retpoline = ko_modinfo_get(ko, "retpoline");
	struct finding *fd;

	if (!intree || strcmp(intree, "Y") != 0) {
		fd = add(f, FINDING_WARNING, "out-of-tree", 0,
			 "out-of-tree module (no intree=Y): loading taints the kernel (O)");
		about(fd, NULL, "intree");
		hint(fd, "nothing, if you trust the module; in-tree modules avoid the taint");
	}
	if (staging && strcmp(staging, "Y") == 0) {
		fd = add(f, FINDING_WARNING, "staging", 0,
			 "staging driver: loading taints the kernel (C); its quality is unknown");
		about(fd, NULL, "staging");
		hint(fd, "nothing, if you accept a staging driver");
	}
	if (t->config.retpoline && (!retpoline || strcmp(retpoline, "Y") != 0)) {
		fd = add(f, FINDING_WARNING, "retpoline", 0,
			 "not compiled with retpoline, which the kernel uses: it may be open to "
			 "Spectre v2");
		about(fd, NULL, "retpoline");
		hint_rebuild(fd, t, "", ", with a retpoline-capable compiler");
	}
}

/* modules.builtin of another kernel: a module of that name is part of it. */
static void check_builtin(struct findings_target *t, struct ko *ko, struct findings *f)
{
	const char *name = ko_name(ko);
	struct modtree_mod *mods;
	struct finding *fd;
	size_t n;

	if (modtree_lookup(t->mt, name, &mods, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++) {
		if (!mods[i].builtin || strcmp(mods[i].name, name) != 0)
			continue;
		fd = add(f, FINDING_WARNING, "kernel-state", 0,
			 "a module named %s is built into %s: loading another fails if the "
			 "built-in one has a /sys/module entry",
			 name, t->kver);
		about(fd, NULL, "builtin");
		hint(fd, "nothing, if the built-in one will do");
	}
	modtree_mods_free(mods, n);
}

/* ", the same build" or ", another build (srcversion X, the file's Y)", from srcversion. */
static char *loaded_build(struct ko *ko, const char *name)
{
	const char *mine = ko_modinfo_get(ko, "srcversion");
	struct kernel_module *mods;
	char *out = mm_strdup("");
	size_t n;

	if (!mine || kernel_modules(&mods, &n) < 0)
		return out;
	for (size_t i = 0; i < n; i++) {
		if (strcmp(mods[i].name, name) != 0 || !mods[i].srcversion)
			continue;
		free(out);
		if (strcmp(mods[i].srcversion, mine) == 0)
			out = mm_strdup(", the same build");
		else
			out = mm_asprintf(", another build: srcversion %s, the file's %s",
					  mods[i].srcversion, mine);
	}
	kernel_modules_free(mods, n);
	return out;
}

/* Does the running kernel trust the key that signed KO? 1 yes, 0 no, -1 unknown. */
static int key_trusted(const struct ko_signature *sig)
{
	if (!sig || !sig->auth_id)
		return -1;
	switch (kernel_key_trusted(sig->auth_id, sig->auth_id_len)) {
	case 1:
		return 1;
	case 0:
		return 0;
	}
	return -1;
}

/*
 * module_sig_check() under enforcement (ERR EKEYREJECTED, module.sig_enforce)
 * or lockdown (ERR EPERM): an unsigned module, or one whose key the kernel
 * does not have, is refused; a signature by a trusted key must still verify.
 */
static void check_enforced(const struct ko_signature *sig, int trusted, struct findings *f, int err,
			   const char *why, const char *field)
{
	struct finding *fd;
	char *id;

	if (!sig) {
		fd = add(f, FINDING_BLOCKER, "signature", err, "unsigned, and %s", why);
		about(fd, NULL, field);
		hint(fd, "sign the module with a key the kernel trusts (scripts/sign-file; "
			 "under Secure Boot, a key enrolled with mokutil)");
		return;
	}
	switch (trusted) {
	case 0:
		id = out_keyid(sig->key_id, sig->key_id_len);
		fd = add(f, FINDING_BLOCKER, "signature", err,
			 "signed by '%s' (key %s) with a key the kernel does not have, and %s",
			 sig->signer ? sig->signer : "an unknown signer", *id ? id : "unknown",
			 why);
		free(id);
		about(fd, NULL, field);
		hint(fd, "sign it with a key in the kernel's trusted keyrings (the one its own "
			 "modules are signed with, or one enrolled with mokutil)");
		break;
	case 1:
		fd = add(f, FINDING_INFO, "kernel-state", err,
			 "%s: the module's key is one the kernel trusts; the signature must "
			 "still verify",
			 why);
		about(fd, NULL, field);
		break;
	default:
		fd = add(f, FINDING_INFO, "kernel-state", err,
			 "%s: the signature must verify with a key the kernel trusts (its keyrings "
			 "cannot be read here)",
			 why);
		about(fd, NULL, field);
	}
}

/* module_sig_check() on the running kernel; an unreadable signature is check_signature()'s. */
static void check_sig_required(struct ko *ko, struct findings *f)
{
	const struct ko_signature *sig;
	bool enforced;
	char *lockdown;
	int trusted;

	if (ko_signature(ko, &sig) < 0)
		return;
	enforced = kernel_sig_enforced();
	trusted = key_trusted(sig);
	lockdown = kernel_lockdown();
	if (enforced)
		check_enforced(sig, trusted, f, EKEYREJECTED,
			       "the kernel enforces module signatures (module.sig_enforce)",
			       "sig_enforce");
	if (lockdown) {
		char *why = mm_asprintf("the kernel is locked down (%s)", lockdown);

		check_enforced(sig, trusted, f, EPERM, why, "lockdown");
		free(why);
		free(lockdown);
	} else if (!enforced && sig && trusted == 0) {
		/* Where signatures are not required, an unknown key only taints. */
		struct finding *fd = add(f, FINDING_WARNING, "signature", 0,
					 "signed with a key the running kernel does not have: "
					 "loading taints it (E), and fails where signatures are "
					 "enforced");

		about(fd, NULL, "signature");
		hint(fd, "sign it with a key in the kernel's trusted keyrings, or enroll "
			 "this one (mokutil --import)");
	}
}

/* add_unformed_module(), mod_sysfs_init(): a module of that name is there already. */
static void check_loaded(struct ko *ko, struct findings *f)
{
	const char *name = ko_name(ko);
	enum kernel_mod_state state = kernel_module_state(name);
	struct finding *fd;

	if (state == KERNEL_MOD_LIVE || state == KERNEL_MOD_COMING || state == KERNEL_MOD_GOING) {
		char *build = loaded_build(ko, name);

		fd = add(f, FINDING_BLOCKER, "kernel-state", EEXIST, "%s is already loaded (%s%s)",
			 name, kernel_mod_state_name(state), build);
		about(fd, NULL, "loaded");
		hint(fd,
		     "nothing, if the loaded one will do; else unload it first (mymod unload %s)",
		     name);
		free(build);
	} else if (state == KERNEL_MOD_BUILTIN) {
		fd = add(f, FINDING_BLOCKER, "kernel-state", EINVAL,
			 "a module named %s is built into the running kernel", name);
		about(fd, NULL, "builtin");
		hint(fd, "nothing: the kernel has it; a separate module needs a kernel built "
			 "without it");
	}
}

/* The running kernel's own state: add_unformed_module(), mod_sysfs_init(), may_init_module(). */
static void check_kernel_state(struct ko *ko, struct findings *f)
{
	struct finding *fd;

	if (!kernel_has_modules()) {
		fd = add(f, FINDING_BLOCKER, "kernel-state", ENOSYS,
			 "the running kernel has no loadable-module support (no /proc/modules)");
		about(fd, NULL, "modules");
		hint(fd, "build the module into the kernel, or boot a kernel with CONFIG_MODULES");
		return;
	}
	if (kernel_modules_disabled()) {
		fd = add(f, FINDING_BLOCKER, "kernel-state", EPERM,
			 "module loading is disabled (/proc/sys/kernel/modules_disabled is 1)");
		about(fd, NULL, "modules_disabled");
		hint(fd, "reboot: modules_disabled cannot be reset while the kernel runs");
	}
	check_sig_required(ko, f);
	check_loaded(ko, f);
}

/* check --cert: the signature verified against the certificate the user gave. */
static void check_cert(struct findings_target *t, struct ko *ko, struct findings *f)
{
	enum ko_verdict v;
	struct finding *fd;
	const void *image;
	size_t len;

	image = ko_elf_image(ko, &len);
	if (!image || ko_verify(image, len, t->cert, &v) < 0) {
		fd = add(f, FINDING_WARNING, "signature-cert", 0, "cannot check against %s: %s",
			 t->cert, mm_errmsg());
	} else if (v == KO_VALID) {
		fd = add(f, FINDING_INFO, "signature-cert", 0,
			 "the signature verifies against %s: the kernel accepts it if it "
			 "trusts that key",
			 t->cert);
	} else if (v == KO_CHANGED) {
		fd = add(f, FINDING_BLOCKER, "signature-cert", EKEYREJECTED,
			 "signed with the key of %s, but the module was changed after signing: "
			 "the kernel refuses it even when signatures are not enforced",
			 t->cert);
		hint(fd, "sign it again (mymod sign --resign KEY CERT FILE)");
	} else if (v == KO_OTHER_SIGNER) {
		fd = add(f, FINDING_WARNING, "signature-cert", 0,
			 "signed, but not with the key of %s", t->cert);
		hint(fd, "sign it with that key (mymod sign --resign KEY CERT FILE)");
	} else {
		return; /* unsigned: the signature check says so */
	}
	about(fd, NULL, "signature");
}

/* module_sig_check(): what the signature means on this kernel. */
static void check_signature(struct findings_target *t, struct ko *ko, struct findings *f)
{
	const struct ko_signature *sig;
	bool sig_config = t->config.sig;
	bool forced = t->config.sig_force;
	struct finding *fd;

	if (t->cert)
		check_cert(t, ko, f);
	if (ko_signature(ko, &sig) < 0) {
		fd = add(f, FINDING_WARNING, "signature", 0, "cannot read the signature: %s",
			 mm_errmsg());
		about(fd, NULL, "signature");
		return;
	}
	if (sig) {
		char *id = out_keyid(sig->key_id, sig->key_id_len);

		/* If the kernel refuses the signature, this is what it refused. */
		fd = add(f, FINDING_INFO, "signature", EKEYREJECTED,
			 "signed (%s, %s, %s) by '%s', key %s; the kernel checks it against its "
			 "trusted keys",
			 sig->id_type, sig->algo ? sig->algo : "unknown algorithm",
			 sig->hash_algo ? sig->hash_algo : "unknown hash",
			 sig->signer ? sig->signer : "unknown signer", *id ? id : "unknown");
		about(fd, NULL, "signature");
		hint(fd, "a file changed after signing is refused (EKEYREJECTED) even when "
			 "signatures are not enforced");
		free(id);
		return;
	}
	if (forced) {
		fd = add(f, FINDING_BLOCKER, "signature", EKEYREJECTED,
			 "unsigned, and %s enforces module signatures (CONFIG_MODULE_SIG_FORCE)",
			 t->kver);
		about(fd, NULL, "signature");
		hint(fd, "sign the module with a key the kernel trusts (scripts/sign-file)");
		return;
	}
	if (!t->kconfig) {
		fd = add(f, FINDING_INFO, "signature", 0,
			 "unsigned; whether %s requires signatures is unknown (no configuration)",
			 t->kver);
		about(fd, NULL, "signature");
		return;
	}
	if (!sig_config)
		return;
	fd = add(f, FINDING_WARNING, "signature", 0,
		 "unsigned: loading taints the kernel (E), and fails where signatures are "
		 "enforced (module.sig_enforce=1, lockdown, Secure Boot)");
	about(fd, NULL, "signature");
	hint(fd, "sign the module with a key the kernel trusts (scripts/sign-file, enrolled "
		 "with mokutil), or accept the taint");
}

/* Stable: blockers first, then warnings, then infos, each in check order. */
static void sort_findings(struct findings *f)
{
	struct finding *tmp = mm_reallocarray(NULL, f->n, sizeof(*tmp));
	size_t k = 0;

	for (int sev = FINDING_BLOCKER; sev >= FINDING_INFO; sev--)
		for (size_t i = 0; i < f->n; i++)
			if ((int)f->v[i].severity == sev)
				tmp[k++] = f->v[i];
	memcpy(f->v, tmp, f->n * sizeof(*tmp));
	free(tmp);
}

/* modprobe.d's blacklist: a fact for modprobe, none for the kernel. */
static void check_blacklist(struct findings_target *t, struct ko *ko, struct findings *f)
{
	struct finding *fd;

	if (!modtree_blacklisted(t->mt, ko_name(ko)))
		return;
	fd = add(f, FINDING_INFO, "blacklist", 0,
		 "modprobe.d blacklists %s: modprobe loads it by its name, never by an alias",
		 ko_name(ko));
	about(fd, NULL, "blacklist");
}

/* What the kernel's own state says: the running one's, else a built-in module of that name. */
static void check_state(struct findings_target *t, struct ko *ko, struct findings *f)
{
	if (t->running)
		check_kernel_state(ko, f);
	else
		check_builtin(t, ko, f);
}

/* Every check, in the kernel's order, with the errnos its findings name (a load fails with). */
static const struct check {
	void (*run)(struct findings_target *t, struct ko *ko, struct findings *f);
	int errs[5]; /* 0 ends the list */
} checks[] = {
	{ check_arch, { ENOEXEC } },
	{ check_vermagic, { ENOEXEC } },
	{ check_imports, { ENOEXEC, ENOENT, EINVAL } },
	{ check_exports, { ENOEXEC } },
	{ check_license, { 0 } },
	{ check_taints, { 0 } },
	{ check_signature, { EKEYREJECTED } },
	{ check_blacklist, { 0 } },
	{ check_state, { ENOSYS, EPERM, EKEYREJECTED, EEXIST, EINVAL } },
};

static bool names_errno(const struct check *c, int err)
{
	for (size_t i = 0; i < MM_ARRAY_SIZE(c->errs) && c->errs[i]; i++)
		if (c->errs[i] == err)
			return true;
	return false;
}

int findings_check(struct findings_target *t, struct ko *ko, struct findings *out)
{
	const struct ko_modinfo *kv;
	size_t nkv;
	int err;

	memset(out, 0, sizeof(*out));
	/* Reading the modinfo validates the file; anything else becomes a finding. */
	err = ko_modinfo(ko, &kv, &nkv);
	if (err < 0)
		return err;
	for (size_t i = 0; i < MM_ARRAY_SIZE(checks); i++)
		checks[i].run(t, ko, out);
	sort_findings(out);
	return 0;
}

void findings_check_errno(struct findings_target *t, struct ko *ko, int err, struct findings *out)
{
	struct findings all = { 0 };
	const struct ko_modinfo *kv;
	size_t nkv;

	memset(out, 0, sizeof(*out));
	if (ko_modinfo(ko, &kv, &nkv) < 0)
		return;
	for (size_t i = 0; i < MM_ARRAY_SIZE(checks); i++)
		if (names_errno(&checks[i], err))
			checks[i].run(t, ko, &all);
	for (size_t i = 0; i < all.n; i++)
		if (all.v[i].err == err)
			findings_take(out, &all, i);
	findings_free(&all);
}

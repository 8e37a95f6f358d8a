// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod addr: which loaded module and symbol an address belongs to, as a
 * stack trace names it (symbol+0xoff/0xsize [module]), and where the
 * module file has DWARF, the source line (through the ko layer's libdw
 * lookup, the one decode uses).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "mymod/out.h"
#include "mymod/util.h"

static const struct option options[] = {
	{ "file", required_argument, NULL, 'f' },
	{ "json", no_argument, NULL, 'J' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod addr [OPTIONS] ADDRESS...\n"
	      "\n"
	      "Which loaded module and symbol each ADDRESS (hex) belongs to, as a stack\n"
	      "trace names it (symbol+0xoff/0xsize [module]); where the module's file has\n"
	      "debug information, the source file:line and the functions inlined there.\n"
	      "\n"
	      "Options:\n"
	      "  -f, --file=FILE        the file of the module the addresses are in, when\n"
	      "                         the module directory does not have the loaded build\n"
	      "  -J, --json             print JSON\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

/* What an address was found to be. */
struct hit {
	unsigned long long addr;
	char *module; /* NULL: the kernel image */
	char *symbol;
	unsigned long long off, size;
	char *source; /* "file:line (inlined into ...)", NULL when not known */
	char *note;   /* why there is less than that */
};

static void hit_free(struct hit *h)
{
	free(h->module);
	free(h->symbol);
	free(h->source);
	free(h->note);
}

/* The symbol of SYMS (sorted) at or before ADDR, into H; false when none. */
static bool nearest(const struct kernel_sym *syms, size_t n, unsigned long long end, struct hit *h)
{
	size_t best = n;

	for (size_t i = 0; i < n && syms[i].addr <= h->addr; i++)
		best = i;
	if (best == n)
		return false;
	h->symbol = mm_strdup(syms[best].name);
	h->off = h->addr - syms[best].addr;
	for (size_t i = best + 1; i < n && !h->size; i++)
		if (syms[i].addr > syms[best].addr)
			h->size = syms[i].addr - syms[best].addr;
	if (!h->size && end > syms[best].addr)
		h->size = end - syms[best].addr;
	return true;
}

/* The size the file gives H's symbol (st_size), when it is a function of it. */
static void file_size(struct ko *ko, struct hit *h)
{
	const struct ko_symbol *syms;
	size_t n, found = 0;
	uint64_t size = 0;

	if (ko_symbols(ko, &syms, &n) < 0)
		return;
	for (size_t i = 0; i < n; i++)
		if (syms[i].func && strcmp(syms[i].name, h->symbol) == 0) {
			size = syms[i].size;
			found++;
		}
	if (found == 1 && size)
		h->size = size;
}

/* H's source line, from the loaded module's file (FILE, else the module directory's). */
static void source(struct hit *h, const char *file)
{
	struct ko *ko = mm_open_loaded(h->module, file, "no source line");
	struct ko_srcloc *locs = NULL;
	struct ko_dwarf *d = NULL;
	size_t n = 0;

	if (!ko) {
		h->note = mm_asprintf("no file of %s's loaded build at hand (--file gives it)",
				      h->module);
		return;
	}
	file_size(ko, h);
	if (ko_dwarf_open(ko_path(ko), &d) < 0)
		h->note = mm_strdup(mm_errmsg());
	else if (!ko_dwarf_has_debuginfo(d))
		h->note = mm_asprintf("no debug information in %s", ko_path(ko));
	else if (ko_dwarf_lookup(d, h->symbol, h->off, &locs, &n) < 0)
		h->note = mm_strdup(mm_errmsg());
	else
		h->source = out_srclocs(locs, n);
	ko_srclocs_free(locs, n);
	ko_dwarf_close(d);
	ko_close(ko);
}

/* Was ADDR in MOD's init code, which the kernel freed once MOD's init had run? */
static bool in_freed_init(const struct kernel_module *mod, struct hit *h)
{
	struct kernel_section *secs;
	const struct ko_section *fs = NULL;
	size_t n, nf = 0;
	struct ko *ko = NULL;
	bool yes = false, opened = false;

	if (kernel_module_sections(mod->name, &secs, &n) < 0)
		return false;
	for (size_t i = 0; i < n && !yes; i++) {
		if (strncmp(secs[i].name, ".init.", 6) != 0 || h->addr < secs[i].addr)
			continue;
		/* Its size is the file's: opened only for a module whose init code starts below. */
		if (!opened) {
			opened = true;
			ko = mm_open_loaded(mod->name, NULL,
					    "not said whether the address was in its init code");
			if (ko && ko_sections(ko, &fs, &nf) < 0)
				nf = 0;
		}
		for (size_t j = 0; j < nf && !yes; j++)
			yes = strcmp(fs[j].name, secs[i].name) == 0 &&
			      h->addr < secs[i].addr + fs[j].size;
		if (yes)
			h->note = mm_asprintf("in %s's %s, which the kernel freed once %s's init "
					      "had run: the address no longer belongs to it",
					      mod->name, secs[i].name, mod->name);
	}
	ko_close(ko);
	kernel_sections_free(secs, n);
	return yes;
}

/* In a loaded module's core (its /proc/modules base and size)? Then its symbol and line. */
static bool in_module(const struct kernel_module *mods, size_t n, const char *file, struct hit *h)
{
	struct kernel_sym *syms;
	size_t ns;

	for (size_t i = 0; i < n; i++) {
		const struct kernel_module *m = &mods[i];

		if (!m->addr || h->addr < m->addr || h->addr >= m->addr + m->size)
			continue;
		h->module = mm_strdup(m->name);
		if (kernel_module_symbols(m->name, &syms, &ns) == 0) {
			nearest(syms, ns, m->addr + m->size, h);
			kernel_syms_free(syms, ns);
		}
		if (h->symbol)
			source(h, file);
		else
			h->note = mm_asprintf("no symbol of %s at or before it", m->name);
		return true;
	}
	return false;
}

/* In the kernel image: between its first symbol and its last? Then its symbol. */
static bool in_image(struct hit *h)
{
	struct kernel_sym s;
	unsigned long long next;

	if (kernel_image_symbol(h->addr, &s, &next) < 0)
		return false;
	if (next) {
		h->symbol = s.name;
		h->off = h->addr - s.addr;
		h->size = next - s.addr;
		h->note = mm_strdup("in the kernel image, not in a module");
	} else {
		free(s.name);
	}
	return next != 0;
}

/* Where ADDR is: a module's core, a module's freed init code, the kernel image, nothing. */
static void find(const struct kernel_module *mods, size_t n, const char *file, struct hit *h)
{
	if (in_module(mods, n, file, h))
		return;
	for (size_t i = 0; i < n; i++)
		if (in_freed_init(&mods[i], h))
			return;
	if (!in_image(h))
		h->note = mm_strdup("in no loaded module and not in the kernel image");
}

static void print_hit(const struct hit *h)
{
	printf("0x%llx:", h->addr);
	if (h->symbol) {
		printf(" %s+0x%llx", h->symbol, h->off);
		if (h->size)
			printf("/0x%llx", h->size);
		if (h->module)
			printf(" [%s]", h->module);
	}
	if (h->source)
		printf(" at %s", h->source);
	if (h->note)
		printf(" (%s)", h->note);
	putchar('\n');
}

static struct json_object *json_hit(const struct hit *h)
{
	struct json_object *o = json_object_new_object();
	char addr[32];

	snprintf(addr, sizeof(addr), "0x%llx", h->addr);
	json_object_object_add(o, "address", json_object_new_string(addr));
	json_object_object_add(o, "module", out_json_str(h->module));
	json_object_object_add(o, "symbol", out_json_str(h->symbol));
	json_object_object_add(o, "offset",
			       h->symbol ? json_object_new_int64((int64_t)h->off) : NULL);
	json_object_object_add(o, "size", h->size ? json_object_new_int64((int64_t)h->size) : NULL);
	json_object_object_add(o, "source", out_json_str(h->source));
	json_object_object_add(o, "note", out_json_str(h->note));
	return o;
}

static int parse_addr(const char *s, unsigned long long *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 16);
	if (errno || end == s || *end || strchr(s, '-')) {
		mm_error("'%s' is not an address (hex, with or without 0x)", s);
		return -1;
	}
	return 0;
}

/* Addresses are hidden (all module bases 0): say why rather than find nothing. */
static bool hidden(const struct kernel_module *mods, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (mods[i].addr)
			return false;
	if (!n)
		return false;
	mm_error("the kernel hides module addresses from this user (they read as 0)");
	mm_hint("run it as root; kernel.kptr_restrict=2 hides them from root too");
	return true;
}

static int run(int argc, char *argv[])
{
	struct kernel_module *mods = NULL;
	const char *file = NULL;
	size_t n = 0;
	struct json_object *arr = NULL;
	int c, ret = MM_EXIT_OK;
	bool json = false;

	while ((c = getopt_long(argc, argv, "f:Jh", options, NULL)) != -1) {
		if (c == 'f')
			file = optarg;
		else if (c == 'J')
			json = true;
		else if (c == 'h')
			return usage(), MM_EXIT_OK;
		else
			return mm_usage_error();
	}
	if (optind >= argc) {
		mm_error("no ADDRESS given");
		return mm_usage_error();
	}
	for (int i = optind; i < argc; i++) {
		unsigned long long v;

		if (parse_addr(argv[i], &v) < 0)
			return mm_usage_error();
	}
	if (kernel_modules(&mods, &n) < 0) {
		mm_error("%s", mm_errmsg());
		return MM_EXIT_FAIL;
	}
	if (hidden(mods, n)) {
		kernel_modules_free(mods, n);
		return MM_EXIT_FAIL;
	}
	arr = json ? json_object_new_array() : NULL;
	for (int i = optind; i < argc; i++) {
		struct hit h = { 0 };

		parse_addr(argv[i], &h.addr);
		find(mods, n, file, &h);
		if (!h.symbol)
			ret = MM_EXIT_FAIL;
		if (arr)
			json_object_array_add(arr, json_hit(&h));
		else
			print_hit(&h);
		hit_free(&h);
	}
	if (arr) {
		out_json_print(arr);
		json_object_put(arr);
	}
	kernel_modules_free(mods, n);
	return ret;
}

const struct mm_cmd cmd_addr = {
	.name = "addr",
	.run = run,
	.needs = MM_NEEDS_MODDIR,
	.summary = "which module, symbol and source line an address belongs to",
};

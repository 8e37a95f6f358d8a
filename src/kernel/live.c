// SPDX-License-Identifier: LGPL-2.1-or-later
/* Where a loaded module is: /sys/module/NAME/sections and its lines of /proc/kallsyms. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-internal.h"
#include "mymod/kernel.h"
#include "mymod/util.h"

static int section_cmp(const void *a, const void *b)
{
	const struct kernel_section *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* "0xffffffffc0a00000\n" */
static int read_addr(const char *dir, const char *file, unsigned long long *addr)
{
	char path[PATH_MAX];
	char *buf, *end;
	int err, n;

	n = snprintf(path, sizeof(path), "%s/%s", dir, file);
	if (n < 0 || (size_t)n >= sizeof(path))
		return mm_fail(ENAMETOOLONG, "the path of %s/%s is too long", dir, file);
	err = mm_read_file(path, &buf, NULL);
	if (err < 0)
		return mm_fail(err, "cannot read %s: %s", path, strerror(-err));
	errno = 0;
	*addr = strtoull(buf, &end, 16);
	if (errno || end == buf || (*end && *end != '\n'))
		err = mm_fail(EINVAL, "%s is not an address: '%.*s'", path, (int)strcspn(buf, "\n"),
			      buf);
	free(buf);
	return err;
}

int kernel_module_sections(const char *name, struct kernel_section **secsp, size_t *np)
{
	struct kernel_section *secs = NULL;
	char dir[PATH_MAX];
	struct dirent *de;
	size_t n = 0;
	int err = 0;
	DIR *d;

	if (!kernel_modpath(dir, sizeof(dir), name, "sections"))
		return mm_fail(ENAMETOOLONG, "the path of /sys/module/%s is too long", name);
	d = opendir(dir);
	if (!d)
		return mm_fail(errno, "cannot read %s: %s", dir, strerror(errno));
	while (err == 0 && (de = readdir(d))) {
		/* Section names start with '.' too (".text"): skip only "." and "..". */
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		secs = mm_reallocarray(secs, n + 1, sizeof(*secs));
		secs[n].name = mm_strdup(de->d_name);
		err = read_addr(dir, de->d_name, &secs[n].addr);
		n++;
	}
	closedir(d);
	if (err < 0) {
		kernel_sections_free(secs, n);
		return err;
	}
	if (n)
		qsort(secs, n, sizeof(*secs), section_cmp);
	*secsp = secs;
	*np = n;
	return 0;
}

void kernel_sections_free(struct kernel_section *secs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(secs[i].name);
	free(secs);
}

/* A symbol and its place in /proc/kallsyms, so that equal addresses keep the kernel's order. */
struct placed_sym {
	struct kernel_sym s;
	size_t i;
};

static int sym_cmp(const void *a, const void *b)
{
	const struct placed_sym *x = a, *y = b;

	if (x->s.addr != y->s.addr)
		return x->s.addr < y->s.addr ? -1 : 1;
	return x->i < y->i ? -1 : x->i > y->i;
}

/* SYMS, N sorted by address, stable. */
static struct kernel_sym *sort_syms(struct kernel_sym *syms, size_t n)
{
	struct placed_sym *p = mm_calloc(n, sizeof(*p));

	for (size_t i = 0; i < n; i++)
		p[i] = (struct placed_sym){ syms[i], i };
	qsort(p, n, sizeof(*p), sym_cmp);
	for (size_t i = 0; i < n; i++)
		syms[i] = p[i].s;
	free(p);
	return syms;
}

/*
 * "ffffffffc0a00010 t hello_init\t[hello]": is it NAME's (NAME NULL: the
 * kernel image's, a line without a module)? Fill S.
 */
static bool parse_sym(char *line, const char *name, struct kernel_sym *s)
{
	char *mod = strchr(line, '\t'), *end, *sym;
	size_t len;

	if (!name && mod)
		return false;
	if (name && (!mod || mod[1] != '['))
		return false;
	if (name) {
		*mod = '\0';
		mod += 2;
		len = strcspn(mod, "]");
		if (mod[len] != ']' || strlen(name) != len || !mm_modname_eqn(mod, name, len))
			return false;
	}
	errno = 0;
	s->addr = strtoull(line, &end, 16);
	if (errno || end == line || end[0] != ' ' || !end[1] || end[2] != ' ')
		return false;
	s->type = end[1];
	sym = end + 3;
	s->name = mm_strdup(sym);
	return true;
}

/*
 * Each symbol of /proc/kallsyms that parse_sym() takes for NAME, to FN,
 * which owns its name. 0, or -errno when the file cannot be read.
 */
static int each_sym(const char *name, void (*fn)(struct kernel_sym *s, void *data), void *data)
{
	char path[PATH_MAX];
	char *line = NULL;
	size_t cap = 0;
	struct kernel_sym s;
	FILE *f;

	if (!mm_syspath(path, sizeof(path), "/proc/kallsyms"))
		return mm_fail(ENAMETOOLONG, "path too long");
	f = fopen(path, "re");
	if (!f)
		return mm_fail(errno, "cannot read %s: %s", path, strerror(errno));
	while (getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		if (parse_sym(line, name, &s))
			fn(&s, data);
	}
	free(line);
	fclose(f);
	return 0;
}

struct sym_list {
	struct kernel_sym *v;
	size_t n;
};

static void keep_sym(struct kernel_sym *s, void *data)
{
	struct sym_list *l = data;

	l->v = mm_reallocarray(l->v, l->n + 1, sizeof(*l->v));
	l->v[l->n++] = *s;
}

int kernel_module_symbols(const char *name, struct kernel_sym **symsp, size_t *np)
{
	struct sym_list l = { 0 };
	int err = each_sym(name, keep_sym, &l);

	if (err < 0)
		return err;
	*symsp = l.n ? sort_syms(l.v, l.n) : NULL;
	*np = l.n;
	return 0;
}

void kernel_syms_free(struct kernel_sym *syms, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(syms[i].name);
	free(syms);
}

/* kernel_image_symbol()'s pass: the nearest symbol at or before ADDR, the first after it. */
struct sym_near {
	unsigned long long addr, next;
	struct kernel_sym best;
};

static void near_sym(struct kernel_sym *s, void *data)
{
	struct sym_near *n = data;

	if (s->addr <= n->addr && (!n->best.name || s->addr >= n->best.addr)) {
		free(n->best.name);
		n->best = *s;
		return;
	}
	if (s->addr > n->addr && (!n->next || s->addr < n->next))
		n->next = s->addr;
	free(s->name);
}

int kernel_image_symbol(unsigned long long addr, struct kernel_sym *sym, unsigned long long *next)
{
	struct sym_near n = { .addr = addr };
	/* One pass, keeping two symbols: the kernel image has some 100,000. */
	int err = each_sym(NULL, near_sym, &n);

	*next = n.next;
	*sym = n.best;
	if (err < 0)
		return err;
	return n.best.name ? 0 : -ENOENT;
}

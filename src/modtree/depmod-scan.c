// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Which module files kmod 30's depmod indexes, and in which order
 * modules.dep lists them: the walk of the module directory and of the
 * external directories, the depmod.d rules that decide between two files
 * of one name, and modules.order.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "depmod-scan.h"
#include "mymod/depmod.h"
#include "mymod/util.h"

struct scan {
	const struct depmod_config *c;
	struct dm_conf conf;
	char *dir; /* the module directory */
	size_t dirlen;
	struct dm_module *mods;
	size_t n;
	struct mm_hash names; /* name -> index in mods, plus one */
};

/* A file's place in the comparison of two of one name: its path, and its length without the
 * extension. */
struct candidate {
	const char *path;
	size_t len;
	const char *rel; /* inside the module directory, or NULL */
	size_t rellen;
};

static struct candidate candidate(const struct scan *s, const char *path, size_t namelen)
{
	struct candidate c = { .path = path };

	c.len = (size_t)(strrchr(path, '/') + 1 - path) + namelen;
	if (strncmp(path, s->dir, s->dirlen) == 0 && c.len > s->dirlen) {
		c.rel = path + s->dirlen + 1;
		c.rellen = c.len - (s->dirlen + 1);
	}
	return c;
}

static bool in_dir(const struct candidate *c, const char *dir, size_t len)
{
	return c->len > len && c->path[len] == '/' && memcmp(c->path, dir, len) == 0;
}

static bool in_subdir(const struct candidate *c, const char *sub, size_t len)
{
	return c->rel && c->rellen > len && c->rel[len] == '/' && memcmp(c->rel, sub, len) == 0;
}

/*
 * The rank depmod.d's search line gives each of the two (higher wins;
 * kmod numbers the entries from the last written); EXT: the rank came
 * from an external directory.
 */
static void search_ranks(const struct dm_conf *cf, const struct candidate *old,
			 const struct candidate *new, int rank[2], bool ext[2])
{
	int i = 0, builtin = -1;

	rank[0] = rank[1] = -1;
	for (size_t k = cf->nsearch; k-- > 0; i++) {
		const struct dm_search *se = &cf->search[k];

		if (se->type == DM_SEARCH_BUILTIN) {
			builtin = i;
		} else if (se->type == DM_SEARCH_EXTERNAL) {
			for (size_t e = cf->nexternals; e-- > 0; i++) {
				size_t len = strlen(cf->externals[e]);

				if (in_dir(new, cf->externals[e], len))
					rank[1] = i, ext[1] = true;
				if (in_dir(old, cf->externals[e], len))
					rank[0] = i, ext[0] = true;
			}
		} else if (in_subdir(new, se->dir, strlen(se->dir))) {
			rank[1] = i, ext[1] = false;
		} else if (in_subdir(old, se->dir, strlen(se->dir))) {
			rank[0] = i, ext[0] = false;
		}
	}
	for (int j = 0; j < 2; j++)
		if (rank[j] < 0)
			rank[j] = builtin, ext[j] = false;
}

/* Does OLD, found first, keep NAME against NEW? WHY: what decided it, for the one that stays. */
static bool old_wins(const struct scan *s, const struct candidate *old, const struct candidate *new,
		     enum dm_reason *why)
{
	const struct dm_conf *cf = &s->conf;
	int rank[2];
	bool ext[2] = { false, false }, keep;

	for (size_t k = cf->noverrides; k-- > 0;) {
		const char *ov = cf->overrides[k];
		size_t len = strlen(ov);

		*why = DM_OVERRIDE;
		if (new->rel &&new->rellen == len && memcmp(ov, new->rel, len) == 0)
			return false;
		if (old->rel && old->rellen == len && memcmp(ov, old->rel, len) == 0)
			return true;
	}
	search_ranks(cf, old, new, rank, ext);
	keep = rank[1] <= rank[0];
	*why = ext[keep ? 0 : 1] ? DM_EXTERNAL : DM_SEARCH;
	return keep;
}

/* The name kmod gives the file NAME: up to its first '.', each '-' made '_'. */
static char *scan_modname(const char *name)
{
	char *m = mm_strndup(name, strcspn(name, "."));

	return mm_modname_normalize(m);
}

/* Is NAME (LEN bytes) a module file depmod reads: longer than one of its extensions, ending in it?
 */
static bool is_module_file(const char *name, size_t len)
{
	static const char *const exts[] = { ".ko", ".ko.gz", ".ko.xz", ".ko.zst" };

	for (size_t i = 0; i < MM_ARRAY_SIZE(exts); i++) {
		size_t n = strlen(exts[i]);

		if (len > n && strcmp(name + len - n, exts[i]) == 0)
			return true;
	}
	return false;
}

static void push_loser(struct dm_module *m, char *path)
{
	m->losers = mm_reallocarray(m->losers, m->nlosers + 1, sizeof(*m->losers));
	m->losers[m->nlosers++] = path;
}

/* A new module NAME at PATH (both now the scan's); false when NAME is there already. */
static bool scan_add(struct scan *s, char *name, char *path)
{
	struct dm_module *m;

	if (mm_hash_get(&s->names, name)) {
		free(name);
		free(path);
		return false;
	}
	s->mods = mm_reallocarray(s->mods, s->n + 1, sizeof(*s->mods));
	m = &s->mods[s->n++];
	*m = (struct dm_module){ .name = name, .path = path, .order = -1, .reason = DM_ONLY };
	mm_hash_add(&s->names, name, (void *)(uintptr_t)s->n);
	return true;
}

/*
 * The module file PATH, found by the walk: added, or weighed against the
 * one of its name; the reason is that of the last file weighed.
 */
static void scan_file(struct scan *s, const char *path, const char *base)
{
	char *name = scan_modname(base);
	uintptr_t at = (uintptr_t)mm_hash_get(&s->names, name);
	struct candidate old, new;
	struct dm_module *m;
	enum dm_reason why;

	if (!at) {
		scan_add(s, name, mm_strdup(path));
		return;
	}
	m = &s->mods[at - 1];
	old = candidate(s, m->path, strlen(name));
	new = candidate(s, path, strlen(name));
	free(name);
	if (old_wins(s, &old, &new, &why)) {
		push_loser(m, mm_strdup(path));
	} else {
		push_loser(m, m->path);
		m->path = mm_strdup(path);
	}
	m->reason = why;
}

/* Names the walk never enters or reads, at any depth. */
static bool scan_skip(const struct scan *s, const char *name)
{
	if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0 || strcmp(name, "build") == 0 ||
	    strcmp(name, "source") == 0)
		return true;
	for (size_t i = 0; i < s->conf.nexcludes; i++)
		if (strcmp(name, s->conf.excludes[i]) == 0)
			return true;
	return false;
}

/* Is the entry DE of the directory DFD a directory (1), a file (0), or neither (-1)? Follows links.
 */
static int entry_kind(int dfd, const struct dirent *de)
{
	struct stat st;

	if (de->d_type == DT_REG)
		return 0;
	if (de->d_type == DT_DIR)
		return 1;
	if (fstatat(dfd, de->d_name, &st, 0) < 0)
		return -1;
	return S_ISDIR(st.st_mode) ? 1 : S_ISREG(st.st_mode) ? 0 : -1;
}

/* The entries of D, in the order readdir() gives them (as kmod walks), PATH its path ending in '/'.
 */
static void scan_walk(struct scan *s, DIR *d, struct mm_strbuf *path)
{
	size_t baselen = path->len;
	struct dirent *de;

	while ((de = readdir(d))) {
		int kind, fd;
		DIR *sub;

		if (scan_skip(s, de->d_name))
			continue;
		kind = entry_kind(dirfd(d), de);
		path->len = baselen;
		mm_strbuf_add(path, de->d_name);
		if (kind == 0 && is_module_file(de->d_name, strlen(de->d_name)))
			scan_file(s, path->s, path->s + baselen);
		if (kind != 1)
			continue;
		fd = openat(dirfd(d), de->d_name, O_RDONLY);
		sub = fd < 0 ? NULL : fdopendir(fd);
		if (!sub) {
			if (fd >= 0)
				close(fd);
			continue;
		}
		mm_strbuf_addc(path, '/');
		scan_walk(s, sub, path);
		closedir(sub);
	}
	path->len = baselen;
	path->s[baselen] = '\0';
}

/* Walk the directory DIR; -errno when it cannot be opened. */
static int scan_dir(struct scan *s, const char *dir)
{
	struct mm_strbuf path = { 0 };
	DIR *d = opendir(dir);

	if (!d)
		return -errno;
	mm_strbuf_add(&path, dir);
	mm_strbuf_addc(&path, '/');
	scan_walk(s, d, &path);
	closedir(d);
	mm_strbuf_free(&path);
	return 0;
}

/* The files of the module directory and of depmod.d's external directories (the last written
 * first). */
static int scan_all(struct scan *s)
{
	int err;

	dm_conf_load(&s->conf, s->c->basedir, s->c->kver, s->c->config_paths, s->c->nconfig);
	err = scan_dir(s, s->dir);
	if (err < 0)
		return mm_fail(err, "cannot read the module directory %s: %s", s->dir,
			       strerror(-err));
	for (size_t e = s->conf.nexternals; e-- > 0;)
		scan_dir(s, s->conf.externals[e]); /* kmod passes over a missing one */
	return 0;
}

/* FILE...: only these files (absolute paths), each name once, as kmod takes them. */
static int scan_files(struct scan *s)
{
	struct stat st;

	for (size_t i = 0; i < s->c->nfiles; i++) {
		const char *path = s->c->files[i];
		const char *base = strrchr(path, '/');

		if (path[0] != '/')
			return mm_fail(EINVAL, "%s: not an absolute path", path);
		if (stat(path, &st) != 0)
			return mm_fail(errno, "cannot read %s: %s", path, strerror(errno));
		if (!scan_add(s, scan_modname(base + 1), mm_strdup(path)))
			return mm_fail(EEXIST, "%s: a module of that name is given already", path);
	}
	return 0;
}

uint32_t dm_hash_superfast(const char *name)
{
	const unsigned char *k = (const unsigned char *)name;
	size_t len = strlen(name);
	uint32_t h = (uint32_t)len, tmp;

	for (size_t i = len / 4; i > 0; i--, k += 4) {
		h += (uint32_t)(k[0] | k[1] << 8);
		tmp = ((uint32_t)(k[2] | k[3] << 8) << 11) ^ h;
		h = (h << 16) ^ tmp;
		h += h >> 11;
	}
	/* kmod reads the odd last bytes as (signed) char */
	if (len % 4 == 3) {
		h += (uint32_t)(k[0] | k[1] << 8);
		h ^= h << 16;
		h ^= (uint32_t)((signed char)k[2] * (1 << 18));
		h += h >> 11;
	} else if (len % 4 == 2) {
		h += (uint32_t)(k[0] | k[1] << 8);
		h ^= h << 11;
		h += h >> 17;
	} else if (len % 4 == 1) {
		h += (uint32_t)(int32_t)(signed char)k[0];
		h ^= h << 10;
		h += h >> 1;
	}
	h ^= h << 3;
	h += h >> 5;
	h ^= h << 4;
	h += h >> 17;
	h ^= h << 25;
	h += h >> 6;
	return h;
}

/*
 * The bucket of NAME in kmod's table of modules by name (512 buckets):
 * modules.order leaves the others in the order kmod's table iterates,
 * bucket by bucket, by name within one.
 */
static unsigned int kmod_bucket(const char *name)
{
	return dm_hash_superfast(name) & 511;
}

/* modules.dep's order: modules.order's lines first, then kmod's table order. */
static int mod_cmp(const void *pa, const void *pb)
{
	const struct dm_module *a = pa, *b = pb;
	unsigned int ba, bb;

	if (a->order >= 0 || b->order >= 0) {
		if (a->order < 0 || b->order < 0)
			return a->order < 0 ? 1 : -1;
		return a->order < b->order ? -1 : a->order > b->order;
	}
	ba = kmod_bucket(a->name);
	bb = kmod_bucket(b->name);
	if (ba != bb)
		return ba < bb ? -1 : 1;
	return strcmp(a->name, b->name);
}

/* modules.order's key for M: its relative path without the compression extension. */
static char *order_key(const struct dm_module *m)
{
	const char *base = strrchr(m->relpath, '/');
	size_t len = (base ? (size_t)(base + 1 - m->relpath) : 0) + strlen(m->name) + 3;

	return mm_strndup(m->relpath, len);
}

struct order_ctx {
	struct scan *s;
	struct mm_hash keys; /* order_key() -> index in mods, plus one */
};

static void order_line(void *ctx, const char *key, size_t len, long line)
{
	struct order_ctx *o = ctx;
	char *k = mm_strndup(key, len);
	uintptr_t at = (uintptr_t)mm_hash_get(&o->keys, k);

	if (at)
		o->s->mods[at - 1].order = line; /* the last line naming it counts */
	free(k);
}

/* Each module's line in DIR/modules.order, when the file is there and whole. */
static void scan_order(struct scan *s)
{
	struct order_ctx o = { .s = s };
	char **keys = mm_calloc(s->n + 1, sizeof(*keys));
	char *path = mm_asprintf("%s/modules.order", s->dir), *text;
	size_t len;
	int err;

	for (size_t i = 0; i < s->n; i++) {
		if (s->mods[i].relpath[0] == '/')
			continue; /* outside the module directory: never listed */
		keys[i] = order_key(&s->mods[i]);
		mm_hash_add(&o.keys, keys[i], (void *)(uintptr_t)(i + 1));
	}
	err = mm_read_file(path, &text, &len);
	if (err == 0) {
		dm_order_parse(text, len, order_line, &o);
		free(text);
	} else {
		/* As kmod says it: the order is then kmod's table order alone. */
		mm_warn("could not open modules.order at %s: %s", s->dir, strerror(-err));
	}
	for (size_t i = 0; i < s->n; i++)
		free(keys[i]);
	free(keys);
	free(path);
	mm_hash_free(&o.keys);
}

/* The module directory: BASEDIR (made absolute, as kmod makes -b) MODULEDIR/KVER. */
static int scan_dirname(struct scan *s)
{
	const char *base = s->c->basedir ? s->c->basedir : "";
	const char *moddir = s->c->moduledir ? s->c->moduledir : "/lib/modules";
	char *cwd = NULL;

	if (!s->c->kver)
		return mm_fail(EINVAL, "no kernel release given");
	if (base[0] != '\0' && base[0] != '/') {
		cwd = getcwd(NULL, 0);
		if (!cwd)
			return mm_fail(errno, "cannot tell the working directory: %s",
				       strerror(errno));
	}
	s->dir = mm_asprintf("%s%s%s%s/%s", cwd ? cwd : "", cwd ? "/" : "", base, moddir,
			     s->c->kver);
	s->dirlen = strlen(s->dir);
	free(cwd);
	return 0;
}

int dm_scan(const struct depmod_config *c, struct dm_module **mods, size_t *n)
{
	struct scan s = { .c = c };
	int err;

	*mods = NULL;
	*n = 0;
	err = scan_dirname(&s);
	if (err == 0)
		err = c->files && c->nfiles ? scan_files(&s) : scan_all(&s);
	if (err < 0) {
		dm_modules_free(s.mods, s.n);
		goto out;
	}
	for (size_t i = 0; i < s.n; i++) {
		struct dm_module *m = &s.mods[i];
		bool inside = strncmp(m->path, s.dir, s.dirlen) == 0 && m->path[s.dirlen] == '/';

		m->relpath = mm_strdup(inside ? m->path + s.dirlen + 1 : m->path);
	}
	scan_order(&s);
	if (s.n > 1)
		qsort(s.mods, s.n, sizeof(*s.mods), mod_cmp);
	*mods = s.mods;
	*n = s.n;
out:
	mm_hash_free(&s.names);
	dm_conf_free(&s.conf);
	free(s.dir);
	return err;
}

void dm_modules_free(struct dm_module *mods, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(mods[i].name);
		free(mods[i].path);
		free(mods[i].relpath);
		for (size_t j = 0; j < mods[i].nlosers; j++)
			free(mods[i].losers[j]);
		free(mods[i].losers);
	}
	free(mods);
}

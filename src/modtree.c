// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <libkmod.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "mymod/modtree.h"
#include "mymod/util.h"

struct modtree {
	struct kmod_ctx *ctx;
	char dir[PATH_MAX];
	char *kver;
};

int modtree_open(struct modtree **mtp)
{
	struct modtree *mt;
	struct stat st;

	mt = mm_calloc(1, sizeof(*mt));
	if (!mm_moddir(mt->dir, sizeof(mt->dir))) {
		free(mt);
		return mm_fail(ENAMETOOLONG, "module directory path too long");
	}
	if (stat(mt->dir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		int err = errno ? errno : ENOTDIR;

		mm_fail(ENOENT, "no module directory %s for kernel %s (%s)", mt->dir, mm_kver(),
			strerror(err));
		free(mt);
		return -ENOENT;
	}
	mt->ctx = kmod_new(mt->dir, NULL);
	if (!mt->ctx) {
		mm_fail(ENOMEM, "cannot read module directory %s", mt->dir);
		free(mt);
		return -ENOMEM;
	}
	kmod_set_log_priority(mt->ctx, 0);
	mt->kver = mm_strdup(mm_kver());
	*mtp = mt;
	return 0;
}

void modtree_close(struct modtree *mt)
{
	if (!mt)
		return;
	kmod_unref(mt->ctx);
	free(mt->kver);
	free(mt);
}

const char *modtree_dir(const struct modtree *mt)
{
	return mt->dir;
}

const char *modtree_kver(const struct modtree *mt)
{
	return mt->kver;
}

int modtree_lookup(struct modtree *mt, const char *name, struct modtree_mod **modsp, size_t *np)
{
	struct kmod_list *list = NULL, *l;
	struct modtree_mod *mods = NULL;
	size_t n = 0;
	int err;

	err = kmod_module_new_from_lookup(mt->ctx, name, &list);
	if (err < 0)
		return mm_fail(-err, "cannot look up %s in %s", name, mt->dir);
	kmod_list_foreach(l, list)
	{
		struct kmod_module *mod = kmod_module_get_module(l);
		const char *path = kmod_module_get_path(mod);

		mods = mm_reallocarray(mods, n + 1, sizeof(*mods));
		mods[n].name = mm_strdup(kmod_module_get_name(mod));
		mods[n].path = path ? mm_strdup(path) : NULL;
		mods[n].builtin = !path;
		n++;
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	*modsp = mods;
	*np = n;
	return 0;
}

void modtree_mods_free(struct modtree_mod *mods, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(mods[i].name);
		free(mods[i].path);
	}
	free(mods);
}

int modtree_options(struct modtree *mt, const char *name, char **options)
{
	struct kmod_module *mod;
	const char *opts;
	int err;

	*options = NULL;
	err = kmod_module_new_from_name(mt->ctx, name, &mod);
	if (err < 0)
		return mm_fail(-err, "cannot look up %s", name);
	opts = kmod_module_get_options(mod);
	if (opts && *opts)
		*options = mm_strdup(opts);
	kmod_module_unref(mod);
	return 0;
}

bool modtree_blacklisted(struct modtree *mt, const char *name)
{
	struct kmod_list *list = NULL, *filtered = NULL, *l;
	bool blacklisted = false;

	if (kmod_module_new_from_lookup(mt->ctx, name, &list) < 0 || !list)
		return false;
	if (kmod_module_apply_filter(mt->ctx, KMOD_FILTER_BLACKLIST, list, &filtered) < 0)
		goto out;
	/* Blacklisted when the filter removed the module called NAME. */
	blacklisted = true;
	kmod_list_foreach(l, filtered)
	{
		struct kmod_module *mod = kmod_module_get_module(l);

		if (strcmp(kmod_module_get_name(mod), name) == 0)
			blacklisted = false;
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(filtered);
out:
	kmod_module_unref_list(list);
	return blacklisted;
}

/* Read a whole text file, gzip-compressed or not (zlib reads both). */
static int read_text_gz(const char *path, char **bufp, size_t *lenp)
{
	size_t len = 0, cap = 1 << 20;
	char *buf;
	gzFile gz;
	int err = 0;

	gz = gzopen(path, "rb");
	if (!gz)
		return errno ? -errno : -ENOMEM;
	buf = mm_malloc(cap);
	for (;;) {
		int r;

		if (len + 1 >= cap) {
			cap *= 2;
			buf = mm_realloc(buf, cap);
		}
		r = gzread(gz, buf + len,
			   (unsigned int)(cap - len - 1 > INT_MAX ? INT_MAX : cap - len - 1));
		if (r < 0) {
			err = -EIO;
			break;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	gzclose(gz);
	if (err) {
		free(buf);
		return err;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = len;
	return 0;
}

/* End LINE at its newline; returns where the next line starts. */
static char *cut_line(char *line)
{
	char *next = strchr(line, '\n');

	if (!next)
		return line + strlen(line);
	*next = '\0';
	return next + 1;
}

/* Split BUF in place into lines and each line into up to MAX tab-separated fields. */
static size_t split_fields(char *line, char sep, char **fields, size_t max)
{
	size_t n = 0;

	while (n < max) {
		char *end = strchr(line, sep);

		fields[n++] = line;
		if (!end)
			break;
		*end = '\0';
		line = end + 1;
	}
	return n;
}

struct modtree_symvers {
	char *path;
	char *buf;
	struct modtree_symver *syms;
	size_t n;
	size_t *slots; /* open addressing: index + 1 into syms, 0 when empty */
	size_t mask;
};

static size_t symver_hash(const char *s)
{
	size_t h = 14695981039346656037ULL; /* FNV-1a */

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* A table of at least twice as many slots as symbols; the first entry of a name wins. */
static void symvers_index(struct modtree_symvers *sv)
{
	size_t size = 16;

	while (size < sv->n * 2)
		size *= 2;
	sv->slots = mm_calloc(size, sizeof(*sv->slots));
	sv->mask = size - 1;
	for (size_t i = 0; i < sv->n; i++) {
		size_t h = symver_hash(sv->syms[i].name) & sv->mask;

		while (sv->slots[h] && strcmp(sv->syms[sv->slots[h] - 1].name, sv->syms[i].name))
			h = (h + 1) & sv->mask;
		if (!sv->slots[h])
			sv->slots[h] = i + 1;
	}
}

/*
 * Lines are "0xCRC\tSYMBOL\tMODULE\tEXPORT_SYMBOL[_GPL]\tNAMESPACE"; MODULE is
 * "vmlinux" or the module's build path without ".ko".
 */
static int symvers_parse(struct modtree_symvers *sv)
{
	char *line = sv->buf;
	size_t lineno = 0, cap = 1024;

	sv->syms = mm_reallocarray(NULL, cap, sizeof(*sv->syms));
	while (*line) {
		char *next = cut_line(line);
		char *f[5];
		size_t nf;
		char *end;
		struct modtree_symver *s;

		lineno++;
		if (!*line) {
			line = next;
			continue;
		}
		nf = split_fields(line, '\t', f, MM_ARRAY_SIZE(f));
		if (nf < 4)
			return mm_fail(EINVAL, "%s:%zu: not a Module.symvers line", sv->path,
				       lineno);
		if (sv->n == cap) {
			cap *= 2;
			sv->syms = mm_reallocarray(sv->syms, cap, sizeof(*sv->syms));
		}
		s = &sv->syms[sv->n++];
		errno = 0;
		s->crc = (unsigned int)strtoul(f[0], &end, 16);
		if (errno || *end)
			return mm_fail(EINVAL, "%s:%zu: bad CRC '%s'", sv->path, lineno, f[0]);
		s->name = f[1];
		if (strcmp(f[2], "vmlinux") != 0) {
			char *base = strrchr(f[2], '/');

			base = base ? base + 1 : f[2];
			for (char *p = base; *p; p++)
				if (*p == '-')
					*p = '_';
			f[2] = base;
		}
		s->owner = f[2];
		s->gpl = strcmp(f[3], "EXPORT_SYMBOL_GPL") == 0;
		s->ns = nf > 4 && *f[4] ? f[4] : NULL;
		line = next;
	}
	symvers_index(sv);
	return 0;
}

int modtree_symvers_open(struct modtree *mt, struct modtree_symvers **svp)
{
	struct modtree_symvers *sv = mm_calloc(1, sizeof(*sv));
	size_t len;
	int err;

	sv->path = mm_asprintf("%s/build/Module.symvers", mt->dir);
	err = mm_read_file(sv->path, &sv->buf, &len);
	if (err == -ENOENT) {
		free(sv->path);
		sv->path = mm_asprintf("%s/boot/symvers-%s.gz", mm_cfg.basedir, mt->kver);
		err = read_text_gz(sv->path, &sv->buf, &len);
		if (err == -ENOENT) {
			mm_fail(ENOENT, "no Module.symvers in %s/build nor %s", mt->dir, sv->path);
			goto out;
		}
	}
	if (err < 0) {
		mm_fail(err, "cannot read %s: %s", sv->path, strerror(-err));
		goto out;
	}
	err = symvers_parse(sv);
out:
	if (err < 0) {
		modtree_symvers_close(sv);
		return err;
	}
	*svp = sv;
	return 0;
}

void modtree_symvers_close(struct modtree_symvers *sv)
{
	if (!sv)
		return;
	free(sv->syms);
	free(sv->slots);
	free(sv->buf);
	free(sv->path);
	free(sv);
}

const char *modtree_symvers_path(const struct modtree_symvers *sv)
{
	return sv->path;
}

const struct modtree_symver *modtree_symvers_find(const struct modtree_symvers *sv,
						  const char *name)
{
	size_t h = symver_hash(name) & sv->mask;

	for (; sv->slots[h]; h = (h + 1) & sv->mask)
		if (strcmp(sv->syms[sv->slots[h] - 1].name, name) == 0)
			return &sv->syms[sv->slots[h] - 1];
	return NULL;
}

struct modtree_kconfig {
	char *path;
	char *lines; /* the file with a NUL before it and in place of each newline */
	size_t len;
	char *release;
};

/* Make the file's lines NUL-separated, with a NUL first: "\0CONFIG_X=y\0...". */
static void kconfig_index(struct modtree_kconfig *kc, char *buf, size_t len)
{
	kc->lines = mm_malloc(len + 2);
	kc->lines[0] = '\0';
	memcpy(kc->lines + 1, buf, len);
	kc->lines[len + 1] = '\0';
	kc->len = len + 2;
	for (char *p = kc->lines + 1; (p = memchr(p, '\n', kc->len - (size_t)(p - kc->lines)));)
		*p++ = '\0';
}

/* UTS_RELEASE from "#define UTS_RELEASE "6.1.0-56-amd64"". */
static char *read_uts_release(const char *dir)
{
	static const char key[] = "#define UTS_RELEASE \"";
	char *path, *buf, *p, *end, *release = NULL;
	int err;

	path = mm_asprintf("%s/build/include/generated/utsrelease.h", dir);
	err = mm_read_file(path, &buf, NULL);
	free(path);
	if (err < 0)
		return NULL;
	p = strstr(buf, key);
	if (p) {
		p += sizeof(key) - 1;
		end = strchr(p, '"');
		if (end)
			release = mm_strndup(p, (size_t)(end - p));
	}
	free(buf);
	return release;
}

int modtree_kconfig_open(struct modtree *mt, struct modtree_kconfig **kcp)
{
	struct modtree_kconfig *kc = mm_calloc(1, sizeof(*kc));
	char *buf;
	size_t len;
	int err;

	kc->path = mm_asprintf("%s/build/.config", mt->dir);
	err = mm_read_file(kc->path, &buf, &len);
	if (err == -ENOENT) {
		free(kc->path);
		kc->path = mm_asprintf("%s/build/include/config/auto.conf", mt->dir);
		err = mm_read_file(kc->path, &buf, &len);
	}
	if (err == -ENOENT) {
		free(kc->path);
		kc->path = mm_asprintf("%s/boot/config-%s", mm_cfg.basedir, mt->kver);
		err = mm_read_file(kc->path, &buf, &len);
	}
	if (err < 0) {
		if (err == -ENOENT)
			mm_fail(err, "no kernel configuration in %s/build nor %s", mt->dir,
				kc->path);
		else
			mm_fail(err, "cannot read %s: %s", kc->path, strerror(-err));
		free(kc->path);
		free(kc);
		return err;
	}
	kconfig_index(kc, buf, len);
	free(buf);
	kc->release = read_uts_release(mt->dir);
	*kcp = kc;
	return 0;
}

void modtree_kconfig_close(struct modtree_kconfig *kc)
{
	if (!kc)
		return;
	free(kc->lines);
	free(kc->release);
	free(kc->path);
	free(kc);
}

const char *modtree_kconfig_path(const struct modtree_kconfig *kc)
{
	return kc->path;
}

const char *modtree_kconfig_release(const struct modtree_kconfig *kc)
{
	return kc->release;
}

const char *modtree_kconfig_get(const struct modtree_kconfig *kc, const char *name)
{
	size_t nlen = strlen(name), klen = nlen + 2;
	char *key = mm_malloc(klen);
	const char *line;

	/* "\0NAME=": the option at the start of a line. */
	key[0] = '\0';
	memcpy(key + 1, name, nlen);
	key[klen - 1] = '=';
	line = memmem(kc->lines, kc->len, key, klen);
	free(key);
	return line ? line + klen : NULL;
}

int modtree_foreach_module(struct modtree *mt, int (*fn)(const char *path, void *data), void *data)
{
	char *path, *buf, *line;
	int err;

	path = mm_asprintf("%s/modules.dep", mt->dir);
	err = mm_read_file(path, &buf, NULL);
	if (err < 0)
		mm_fail(err, "cannot read %s: %s", path, strerror(-err));
	free(path);
	if (err < 0)
		return err;
	for (line = buf; *line && !err;) {
		char *next = cut_line(line);
		char *colon;

		colon = strchr(line, ':');
		if (colon) {
			*colon = '\0';
			path = line[0] == '/' ? mm_strdup(line)
					      : mm_asprintf("%s/%s", mt->dir, line);
			err = fn(path, data);
			free(path);
		}
		line = next;
	}
	free(buf);
	return err;
}

int modtree_symbol_providers(struct modtree *mt, const char *sym, struct modtree_mod **mods,
			     size_t *n)
{
	char *alias = mm_asprintf("symbol:%s", sym);
	int err;

	/* Many look-ups follow: map the indexes once (a no-op when done). */
	kmod_load_resources(mt->ctx);
	err = modtree_lookup(mt, alias, mods, n);
	free(alias);
	return err;
}

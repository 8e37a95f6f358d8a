// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * depmod's .bin indexes: which key, value and priority each entry gets, as
 * kmod 30's output_*_bin give them; the trie itself is index-write.c's.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "depmod-internal.h"
#include "index.h"

/* kmod's buffers: a line of modules.builtin, a field of modules.builtin.modinfo. */
#define KMOD_PATH_MAX 4096

/* IX written into F, unless ERR (from filling it) says it failed; frees IX. */
static int finish(struct dm_index *ix, int err, struct dm_file *f)
{
	FILE *out;

	if (err < 0) {
		dm_index_free(ix);
		return err;
	}
	out = open_memstream(&f->data, &f->len);
	if (!out) {
		dm_index_free(ix);
		return mm_fail(errno, "cannot make an index in memory: %m");
	}
	err = dm_index_write(ix, out);
	if (fclose(out) != 0 && err >= 0)
		err = mm_fail(errno, "cannot make an index in memory: %m");
	dm_index_free(ix);
	return err;
}

int dmi_dep_bin(const struct dmi *d, char *const *lines, struct dm_file *f)
{
	struct dm_index *ix = dm_index_new();
	int err = 0;

	for (size_t i = 0; i < d->n && err >= 0; i++) {
		err = dm_index_add(ix, d->mods[i].m->name, lines[i], i);
		if (err > 0 && d->c->warn)
			mm_warn("duplicate module deps:\n%s", lines[i]);
	}
	return finish(ix, err, f);
}

bool dmi_alias_normalize(const char *alias, struct mm_strbuf *sb)
{
	for (const char *p = alias; *p; p++) {
		if (*p == ']')
			return false;
		if (*p != '[') {
			mm_strbuf_addc(sb, *p == '-' ? '_' : *p);
			continue;
		}
		while (*p && *p != ']')
			mm_strbuf_addc(sb, *p++);
		if (!*p)
			return false;
		mm_strbuf_addc(sb, ']');
	}
	if (!sb->s)
		mm_strbuf_add(sb, "");
	return true;
}

/* KEY -> VALUE at PRIORITY unless the alias has an unmatched bracket (a warning, as kmod). */
static int add_alias(struct dm_index *ix, const char *alias, const char *value, unsigned int prio,
		     bool warn_dups)
{
	struct mm_strbuf sb = { 0 };
	int err = 0;

	if (!dmi_alias_normalize(alias, &sb))
		mm_warn("Unmatched bracket in %s", alias);
	else
		err = dm_index_add(ix, sb.s, value, prio);
	if (err > 0 && warn_dups)
		mm_warn("duplicate module alias:\n%s %s", sb.s, value);
	mm_strbuf_free(&sb);
	return err < 0 ? err : 0;
}

int dmi_alias_bin(const struct dmi *d, struct dm_file *f)
{
	struct dm_index *ix = dm_index_new();
	int err = 0;

	for (size_t i = 0; i < d->n && err >= 0; i++) {
		const struct dmi_mod *dm = &d->mods[i];
		const char *const *info = dm->str + dm->nexports + dm->nimports;

		for (size_t j = 0; j < dm->ninfo && err >= 0; j++)
			if (info[2 * j][0] == DMI_ALIAS)
				err = add_alias(ix, info[2 * j + 1], dm->m->name, i, d->c->warn);
	}
	return finish(ix, err, f);
}

int dmi_symbols_bin(const struct dmi *d, const struct dmi_sym *const *order, size_t n,
		    struct dm_file *f)
{
	struct dm_index *ix = dm_index_new();
	int err = 0;

	for (size_t i = 0; i < n && err >= 0; i++) {
		char *key = mm_asprintf("symbol:%s", order[i]->name);

		err = dm_index_add(ix, key, d->mods[order[i]->owner].m->name, order[i]->owner);
		free(key);
	}
	return finish(ix, err, f);
}

/* The module directory's file NAME, whole; false when it cannot be read (no index entries, as
 * kmod). */
static bool read_moddir_file(const struct dmi *d, const char *name, char **buf, size_t *len)
{
	const struct depmod_config *c = d->c;
	char *dir = mm_asprintf("%s%s/%s", c->basedir ? c->basedir : "",
				c->moduledir ? c->moduledir : "/lib/modules", c->kver);
	char *path = mm_asprintf("%s/%s", dir, name);
	int err = mm_read_file(path, buf, len);

	if (err < 0)
		mm_warn("could not open %s at %s: %s", name, dir, strerror(-err));
	free(path);
	free(dir);
	return err >= 0;
}

/* modules.builtin's lines: the name from each path (kmod's path_to_modname, stopping at the first
 * '.'). */
int dmi_builtin_bin(const struct dmi *d, struct dm_file *f)
{
	struct dm_index *ix = dm_index_new();
	char *buf, *line, *next;
	size_t len;
	int err = 0;

	if (!read_moddir_file(d, "modules.builtin", &buf, &len)) {
		dm_index_free(ix);
		f->data = mm_strdup("");
		return 0;
	}
	for (line = buf; *line && err >= 0; line = next) {
		char *nl = strchr(line, '\n'), *base, *name;

		next = nl ? nl + 1 : line + strlen(line);
		if (!isalpha((unsigned char)line[0])) {
			mm_warn("Invalid modules.builtin line: %.*s", (int)(next - line), line);
			continue;
		}
		name = mm_strndup(line, next - line);
		base = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
		base[strcspn(base, ".")] = '\0';
		mm_modname_normalize(base);
		err = dm_index_add(ix, base, "", 0);
		free(name);
	}
	free(buf);
	return finish(ix, err, f);
}

/*
 * kmod's flush_stream_to(): the bytes up to END, a NUL or the end of the
 * buffer; their length when END stopped them, else 0.
 */
static size_t field(const char *buf, size_t len, size_t *pos, char end, const char **start)
{
	size_t n = 0;
	int c = EOF;

	*start = buf + *pos;
	while (*pos < len) {
		c = (unsigned char)buf[(*pos)++];
		if (c == end || c == '\0')
			break;
		n++;
		c = EOF;
	}
	if (n >= KMOD_PATH_MAX)
		n = KMOD_PATH_MAX - 1;
	return c == end ? n : 0;
}

/* modules.builtin.modinfo: "module.key=value\0"; each alias of a builtin module. */
int dmi_builtin_alias_bin(const struct dmi *d, struct dm_file *f)
{
	struct dm_index *ix = dm_index_new();
	size_t len, pos = 0, n;
	const char *s;
	char *buf;
	int err = 0;

	if (!read_moddir_file(d, "modules.builtin.modinfo", &buf, &len)) {
		dm_index_free(ix);
		f->data = mm_strdup("");
		return 0;
	}
	while (pos < len && err >= 0) {
		char *mod, *alias;

		if (!(n = field(buf, len, &pos, '.', &s)))
			continue;
		mod = mm_strndup(s, n);
		n = field(buf, len, &pos, '=', &s);
		if (n != 5 || strncmp(s, "alias", 5) != 0) {
			field(buf, len, &pos, '\0', &s);
		} else if ((n = field(buf, len, &pos, '\0', &s))) {
			alias = mm_strndup(s, n);
			err = add_alias(ix, alias, mod, 0, false);
			free(alias);
		}
		free(mod);
	}
	free(buf);
	return finish(ix, err, f);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modules.dep: each module's file and what it needs, read whole (the text
 * depmod writes beside modules.dep.bin, else libkmod's dump of the index)
 * for many lookups, or through libkmod for one.
 */
#include <errno.h>
#include <libkmod.h>
#include <limits.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "modtree-internal.h"
#include "mymod/util.h"

/*
 * modules.dep read whole: for many lookups, one pass instead of a search
 * (and a stat() of every listed file) a module.
 */
struct dep_index {
	char *buf;    /* modules.dep, or libkmod's dump of it; lines NUL-terminated */
	char **names; /* each module's name, in the file's order */
	size_t n;
	struct hsearch_data tab; /* NAME -> "RELPATH: DEPS" */
	char *prefix;		 /* what makes a RELPATH absolute */
};

void mt_dep_index_free(struct dep_index *di)
{
	if (!di)
		return;
	hdestroy_r(&di->tab);
	free(di->buf);
	for (size_t i = 0; i < di->n; i++)
		free(di->names[i]);
	free(di->names);
	free(di->prefix);
	free(di);
}

const char *mt_dep_find(struct dep_index *di, const char *name)
{
	ENTRY e = { .key = (char *)name }, *found;

	if (!hsearch_r(e, FIND, &found, &di->tab))
		return NULL;
	return found->data;
}

char *mt_dep_path(const struct dep_index *di, const char *rel, size_t len)
{
	if (rel[0] == '/')
		return mm_strndup(rel, len);
	return mm_asprintf("%s%.*s", di->prefix, (int)len, rel);
}

static int dump_dep_index(struct modtree *mt, char **bufp, size_t *lenp)
{
	char *buf = NULL;
	off_t len;
	int fd, err;

	fd = memfd_create("modules.dep", MFD_CLOEXEC);
	if (fd < 0)
		return mm_fail(errno, "cannot list the modules of %s: %s", mt->dir,
			       strerror(errno));
	err = kmod_dump_index(mt->ctx, KMOD_INDEX_MODULES_DEP, fd);
	if (err < 0) {
		err = mm_fail(-err, "cannot read %s/modules.dep.bin: %s", mt->dir, strerror(-err));
		goto out;
	}
	len = lseek(fd, 0, SEEK_CUR);
	buf = mm_malloc((size_t)len + 1);
	if (len < 0 || pread(fd, buf, (size_t)len, 0) != len) {
		err = mm_fail(EIO, "cannot read the module list of %s", mt->dir);
		goto out;
	}
	buf[len] = '\0';
	*bufp = buf;
	*lenp = (size_t)len;
	buf = NULL;
out:
	free(buf);
	close(fd);
	return err;
}

/*
 * depmod writes modules.dep beside modules.dep.bin, from the same data:
 * one read. Without it, libkmod's dump of the index (a write a field:
 * slower). *TEXT: the former.
 */
static int read_dep_index(struct modtree *mt, struct dep_index *di, size_t *len, bool *text)
{
	char *path = mm_asprintf("%s/modules.dep", mt->dir);
	int err = mm_read_file(path, &di->buf, len);

	free(path);
	*text = err == 0;
	if (*text)
		return 0;
	return dump_dep_index(mt, &di->buf, len);
}

/* What makes the relative paths of modules.dep absolute. */
static int dep_prefix(struct modtree *mt, struct dep_index *di)
{
	char cwd[PATH_MAX];

	if (mt->dir[0] == '/')
		di->prefix = mm_asprintf("%s/", mt->dir);
	else if (getcwd(cwd, sizeof(cwd)))
		di->prefix = mm_asprintf("%s/%s/", cwd, mt->dir);
	else
		return mm_fail(errno, "cannot tell the working directory: %s", strerror(errno));
	return 0;
}

/* LINE into the index: the text has "RELPATH: DEPS", the dump "NAME RELPATH: DEPS". */
static void dep_index_add(struct dep_index *di, char *line, bool text)
{
	char *colon, *rel = line;
	ENTRY e, *found;

	if (!text) {
		rel = strchr(line, ' ');
		if (!rel)
			return;
		*rel++ = '\0';
	}
	colon = strchr(rel, ':');
	if (!colon || line[0] == '#')
		return;
	if (text) {
		*colon = '\0';
		e.key = mm_modname_from_path(rel);
		*colon = ':';
	} else {
		e.key = mm_strdup(line);
	}
	e.data = rel;
	if (hsearch_r(e, ENTER, &found, &di->tab) && found->data == rel)
		di->names[di->n++] = e.key;
	else
		free(e.key);
}

static int load_dep_index(struct modtree *mt)
{
	struct dep_index *di;
	size_t len = 0;
	bool text;
	int err;

	if (mt->deps)
		return 0;
	di = mm_calloc(1, sizeof(*di));
	err = read_dep_index(mt, di, &len, &text);
	if (err == 0)
		err = dep_prefix(mt, di);
	if (err < 0)
		goto out;
	for (size_t i = 0; i < len; i++)
		di->n += di->buf[i] == '\n';
	di->names = mm_reallocarray(NULL, di->n, sizeof(*di->names));
	if (!hcreate_r(di->n * 2 + 16, &di->tab)) {
		err = mm_fail(ENOMEM, "out of memory");
		goto out;
	}
	di->n = 0;
	for (char *line = di->buf, *next; *line; line = next) {
		next = mt_cut_line(line);
		dep_index_add(di, line, text);
	}
	mt->deps = di;
	di = NULL;
out:
	mt_dep_index_free(di);
	return err;
}

int modtree_preload_deps(struct modtree *mt)
{
	return load_dep_index(mt);
}

int modtree_all(struct modtree *mt, struct modtree_mod **modsp, size_t *np)
{
	struct modtree_mod *mods;
	int err = load_dep_index(mt);

	if (err < 0)
		return err;
	mods = mm_reallocarray(NULL, mt->deps->n, sizeof(*mods));
	for (size_t i = 0; i < mt->deps->n; i++) {
		const char *rel = mt_dep_find(mt->deps, mt->deps->names[i]);

		mods[i] = (struct modtree_mod){
			.name = mm_strdup(mt->deps->names[i]),
			.path = mt_dep_path(mt->deps, rel, strcspn(rel, ":")),
		};
	}
	*modsp = mods;
	*np = mt->deps->n;
	return 0;
}

/*
 * The dependencies on a line "RELPATH: DEP...", in load order: the last
 * listed is loaded first, as libkmod reads it. (Unlike libkmod, this does
 * not check that the files exist.)
 */
static void deps_from_line(const struct dep_index *di, const char *line, struct modtree_mod **deps,
			   size_t *n)
{
	const char *p = strchr(line, ':');
	const char *end;

	if (!p)
		return;
	end = p + strlen(p);
	while (end > p + 1) {
		const char *start;
		char *path;

		while (end > p + 1 && (end[-1] == ' ' || end[-1] == '\t'))
			end--;
		start = end;
		while (start > p + 1 && start[-1] != ' ' && start[-1] != '\t')
			start--;
		if (start == end)
			break;
		path = mt_dep_path(di, start, (size_t)(end - start));
		*deps = mm_reallocarray(*deps, *n + 1, sizeof(**deps));
		(*deps)[(*n)++] = (struct modtree_mod){
			.name = mm_modname_from_path(path),
			.path = path,
		};
		end = start;
	}
}

int modtree_deps(struct modtree *mt, const char *name, struct modtree_mod **depsp, size_t *np)
{
	struct kmod_module *mod;
	struct kmod_list *list, *l;
	struct modtree_mod *deps = NULL;
	size_t n = 0;
	int err;

	if (mt->deps) {
		const char *line = mt_dep_find(mt->deps, name);

		if (line)
			deps_from_line(mt->deps, line, &deps, &n);
		*depsp = deps;
		*np = n;
		return 0;
	}
	err = kmod_module_new_from_name(mt->ctx, name, &mod);
	if (err < 0)
		return mm_fail(-err, "cannot look up %s in %s", name, mt->dir);
	list = kmod_module_get_dependencies(mod);
	kmod_list_foreach(l, list)
	{
		struct kmod_module *dep = kmod_module_get_module(l);

		mt_mods_push(&deps, &n, kmod_module_get_name(dep), kmod_module_get_path(dep),
			     false);
		kmod_module_unref(dep);
	}
	kmod_module_unref_list(list);
	kmod_module_unref(mod);
	*depsp = deps;
	*np = n;
	return 0;
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
		char *next = mt_cut_line(line);
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

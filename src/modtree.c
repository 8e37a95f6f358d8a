// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fnmatch.h>
#include <libkmod.h>
#include <limits.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "mymod/modtree.h"
#include "mymod/util.h"

struct modtree {
	struct kmod_ctx *ctx;
	char dir[PATH_MAX];
	char *kver;
	char *weakdep; /* modules.weakdep, read on first use; NULL when absent */
	bool weakdep_read;
	struct dep_index *deps; /* modules.dep read whole, once asked to */
};

static void dep_index_free(struct dep_index *di);
static void mods_push_kmod(struct modtree *mt, struct modtree_mod **mods, size_t *n,
			   struct kmod_module *mod, const char *written);

/* CONFIG: libkmod's configuration paths, NULL for its default (modprobe.d). */
static int open_with(struct modtree **mtp, const char *const *config)
{
	struct modtree *mt = mm_calloc(1, sizeof(*mt));
	const char *kver = mm_kver(); /* NULL: kernel_release() said why */
	struct stat st;
	int err = 0, why = 0;

	if (!kver) {
		err = -ENOENT;
		goto out;
	}
	if (!mm_moddir(mt->dir, sizeof(mt->dir))) {
		err = mm_fail(ENAMETOOLONG, "module directory path too long");
		goto out;
	}
	if (stat(mt->dir, &st) < 0)
		why = errno;
	else if (!S_ISDIR(st.st_mode))
		why = ENOTDIR;
	if (why) {
		err = mm_fail(ENOENT, "no module directory %s for kernel %s (%s)", mt->dir, kver,
			      strerror(why));
		goto out;
	}
	mt->ctx = kmod_new(mt->dir, config);
	if (!mt->ctx) {
		err = mm_fail(ENOMEM, "cannot read module directory %s", mt->dir);
		goto out;
	}
	kmod_set_log_priority(mt->ctx, 0);
	mt->kver = mm_strdup(kver);
	*mtp = mt;
	mt = NULL;
out:
	free(mt);
	return err;
}

int modtree_open(struct modtree **mtp)
{
	return open_with(mtp, NULL);
}

int modtree_open_as_modinfo(struct modtree **mtp)
{
	static const char *const none[] = { NULL };

	return open_with(mtp, none);
}

void modtree_close(struct modtree *mt)
{
	if (!mt)
		return;
	dep_index_free(mt->deps);
	kmod_unref(mt->ctx);
	free(mt->kver);
	free(mt->weakdep);
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

		mods_push_kmod(mt, &mods, &n, mod, NULL);
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
		free(mods[i].written);
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

void modtree_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void strv_push(char ***v, size_t *n, const char *s, size_t len)
{
	*v = mm_reallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = mm_strndup(s, len);
}

static void mods_push(struct modtree_mod **mods, size_t *n, const char *name, const char *path,
		      bool builtin)
{
	*mods = mm_reallocarray(*mods, *n + 1, sizeof(**mods));
	(*mods)[*n].name = mm_strdup(name);
	(*mods)[*n].path = path ? mm_strdup(path) : NULL;
	(*mods)[*n].builtin = builtin;
	(*mods)[*n].written = NULL;
	(*n)++;
}

/* Module MOD of a libkmod lookup onto MODS; WRITTEN: the name it was looked up by, or NULL. */
static void mods_push_kmod(struct modtree *mt, struct modtree_mod **mods, size_t *n,
			   struct kmod_module *mod, const char *written)
{
	const char *path = kmod_module_get_path(mod);

	mods_push(mods, n, kmod_module_get_name(mod), path,
		  !path && modtree_builtin(mt, kmod_module_get_name(mod)));
	if (written)
		(*mods)[*n - 1].written = mm_strdup(written);
}

/*
 * modules.dep read whole, through libkmod's dump of its index: for many
 * lookups, one pass instead of a search (and a stat() of every listed
 * file) a module.
 */
struct dep_index {
	char *buf;    /* modules.dep, or libkmod's dump of it; lines NUL-terminated */
	char **names; /* each module's name, in the file's order */
	size_t n;
	struct hsearch_data tab; /* NAME -> "RELPATH: DEPS" */
	char *prefix;		 /* what makes a RELPATH absolute */
};

static void dep_index_free(struct dep_index *di)
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

static int load_dep_index(struct modtree *mt)
{
	struct dep_index *di;
	char cwd[PATH_MAX];
	size_t len = 0;
	bool text = false;
	char *path;
	int err;

	if (mt->deps)
		return 0;
	di = mm_calloc(1, sizeof(*di));
	/*
	 * depmod writes modules.dep beside modules.dep.bin, from the same
	 * data: one read. Without it, libkmod's dump of the index (a write
	 * a field: slower).
	 */
	path = mm_asprintf("%s/modules.dep", mt->dir);
	err = mm_read_file(path, &di->buf, &len);
	free(path);
	if (err == 0)
		text = true;
	else
		err = dump_dep_index(mt, &di->buf, &len);
	if (err < 0)
		goto out;
	if (mt->dir[0] == '/')
		di->prefix = mm_asprintf("%s/", mt->dir);
	else if (getcwd(cwd, sizeof(cwd)))
		di->prefix = mm_asprintf("%s/%s/", cwd, mt->dir);
	else {
		err = mm_fail(errno, "cannot tell the working directory: %s", strerror(errno));
		goto out;
	}
	for (size_t i = 0; i < len; i++)
		di->n += di->buf[i] == '\n';
	di->names = mm_reallocarray(NULL, di->n, sizeof(*di->names));
	if (!hcreate_r(di->n * 2 + 16, &di->tab)) {
		err = mm_fail(ENOMEM, "out of memory");
		goto out;
	}
	di->n = 0;
	for (char *line = di->buf, *next; *line; line = next) {
		char *nl = strchr(line, '\n');
		char *colon, *rel = line;
		ENTRY e, *found;

		next = nl ? nl + 1 : line + strlen(line);
		if (nl)
			*nl = '\0';
		/* The text has "RELPATH: DEPS", the dump "NAME RELPATH: DEPS". */
		if (!text) {
			rel = strchr(line, ' ');
			if (!rel)
				continue;
			*rel++ = '\0';
		}
		colon = strchr(rel, ':');
		if (!colon || line[0] == '#')
			continue;
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
	mt->deps = di;
	di = NULL;
out:
	dep_index_free(di);
	return err;
}

int modtree_preload_deps(struct modtree *mt)
{
	return load_dep_index(mt);
}

static char *dep_path(const struct dep_index *di, const char *rel, size_t len)
{
	if (rel[0] == '/')
		return mm_strndup(rel, len);
	return mm_asprintf("%s%.*s", di->prefix, (int)len, rel);
}

int modtree_all(struct modtree *mt, struct modtree_mod **modsp, size_t *np)
{
	struct modtree_mod *mods;
	int err = load_dep_index(mt);

	if (err < 0)
		return err;
	mods = mm_reallocarray(NULL, mt->deps->n, sizeof(*mods));
	for (size_t i = 0; i < mt->deps->n; i++) {
		ENTRY e = { .key = mt->deps->names[i] }, *found;
		const char *rel;

		hsearch_r(e, FIND, &found, &mt->deps->tab);
		rel = found->data;
		mods[i] = (struct modtree_mod){
			.name = mm_strdup(mt->deps->names[i]),
			.path = dep_path(mt->deps, rel, strcspn(rel, ":")),
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
		path = dep_path(di, start, (size_t)(end - start));
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
		ENTRY e = { .key = (char *)name }, *found;

		if (hsearch_r(e, FIND, &found, &mt->deps->tab))
			deps_from_line(mt->deps, found->data, &deps, &n);
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

		mods_push(&deps, &n, kmod_module_get_name(dep), kmod_module_get_path(dep), false);
		kmod_module_unref(dep);
	}
	kmod_module_unref_list(list);
	kmod_module_unref(mod);
	*depsp = deps;
	*np = n;
	return 0;
}

/*
 * The names written on NAME's softdep line (the first whose pattern
 * matches, as libkmod takes it), split in two. libkmod's iterator gives
 * the line as one string in which the last "pre:" name and "post:" run
 * together ("pre: apost: b"): only the modules' own accessor tells pre
 * from post, these names only say what each module was named by.
 */
static void softdep_written(struct modtree *mt, const char *name, char ***pre, size_t *npre,
			    char ***post, size_t *npost)
{
	struct kmod_config_iter *it = kmod_config_get_softdeps(mt->ctx);
	const char *value = NULL;
	bool is_post = false;

	while (it && !value && kmod_config_iter_next(it))
		if (fnmatch(kmod_config_iter_get_key(it), name, 0) == 0)
			value = kmod_config_iter_get_value(it);
	while (value && *value) {
		size_t len;

		value += strspn(value, " \t");
		len = strcspn(value, " \t");
		if (len == 0)
			break;
		if (len == 4 && strncmp(value, "pre:", 4) == 0) {
			is_post = false;
		} else if (len == 5 && strncmp(value, "post:", 5) == 0) {
			is_post = true;
		} else if (!is_post && len > 5 && strncmp(value + len - 5, "post:", 5) == 0) {
			strv_push(pre, npre, value, len - 5);
			is_post = true;
		} else {
			strv_push(is_post ? post : pre, is_post ? npost : npre, value, len);
		}
		value += len;
	}
	kmod_config_iter_free_iter(it);
}

/*
 * The modules of LIST (one of kmod_module_get_softdeps()'s, the lookups of
 * the names on the line in turn) onto MODS, each with the name it was
 * looked up by: the names are looked up again, in the same order, and a
 * module takes the name whose lookup gives it where LIST has it.
 */
static void softdep_mods(struct modtree *mt, struct kmod_list *list, char **written, size_t nw,
			 struct modtree_mod **mods, size_t *n)
{
	struct kmod_list *l = list;

	for (size_t i = 0; i < nw && l; i++) {
		struct kmod_list *found = NULL, *f;

		if (kmod_module_new_from_lookup(mt->ctx, written[i], &found) < 0)
			continue;
		kmod_list_foreach(f, found)
		{
			struct kmod_module *want = kmod_module_get_module(f);
			struct kmod_module *got = l ? kmod_module_get_module(l) : NULL;

			if (got &&
			    strcmp(kmod_module_get_name(got), kmod_module_get_name(want)) == 0) {
				mods_push_kmod(mt, mods, n, got, written[i]);
				l = kmod_list_next(list, l);
			}
			kmod_module_unref(got);
			kmod_module_unref(want);
		}
		kmod_module_unref_list(found);
	}
	for (; l; l = kmod_list_next(list, l)) {
		struct kmod_module *mod = kmod_module_get_module(l);

		mods_push_kmod(mt, mods, n, mod, NULL);
		kmod_module_unref(mod);
	}
}

int modtree_softdeps(struct modtree *mt, const char *name, struct modtree_mod **pre, size_t *npre,
		     struct modtree_mod **post, size_t *npost)
{
	struct kmod_list *pre_list = NULL, *post_list = NULL;
	char **wpre = NULL, **wpost = NULL;
	size_t nwpre = 0, nwpost = 0;
	struct kmod_module *mod;
	int err;

	*pre = *post = NULL;
	*npre = *npost = 0;
	err = kmod_module_new_from_name(mt->ctx, name, &mod);
	if (err < 0)
		return mm_fail(-err, "cannot look up %s in %s", name, mt->dir);
	err = kmod_module_get_softdeps(mod, &pre_list, &post_list);
	if (err < 0) {
		err = mm_fail(-err, "cannot read the softdeps of %s in %s", name, mt->dir);
		goto out;
	}
	if (!pre_list && !post_list)
		goto out;
	softdep_written(mt, name, &wpre, &nwpre, &wpost, &nwpost);
	softdep_mods(mt, pre_list, wpre, nwpre, pre, npre);
	softdep_mods(mt, post_list, wpost, nwpost, post, npost);
out:
	modtree_strv_free(wpre, nwpre);
	modtree_strv_free(wpost, nwpost);
	kmod_module_unref_list(pre_list);
	kmod_module_unref_list(post_list);
	kmod_module_unref(mod);
	return err;
}

int modtree_weakdeps(struct modtree *mt, const char *name, char ***namesp, size_t *np)
{
	size_t namelen = strlen(name);
	const char *line;

	*namesp = NULL;
	*np = 0;
	if (!mt->weakdep_read) {
		char path[PATH_MAX + 32];
		int err;

		mt->weakdep_read = true;
		snprintf(path, sizeof(path), "%s/modules.weakdep", mt->dir);
		err = mm_read_file(path, &mt->weakdep, NULL);
		if (err < 0 && err != -ENOENT)
			return mm_fail(-err, "cannot read %s: %s", path, strerror(-err));
	}
	for (line = mt->weakdep; line && *line; line += strcspn(line, "\n"), line += !!*line) {
		const char *p = line + strspn(line, " \t");
		const char *end = p + strcspn(p, "\n");

		if (strncmp(p, "weakdep", 7) != 0 || (p[7] != ' ' && p[7] != '\t'))
			continue;
		p += 7 + strspn(p + 7, " \t");
		if (strncmp(p, name, namelen) != 0 || (p[namelen] != ' ' && p[namelen] != '\t'))
			continue;
		p += namelen;
		while (p < end) {
			size_t len;

			p += strspn(p, " \t");
			len = strcspn(p, " \t\n");
			if (len == 0)
				break;
			strv_push(namesp, np, p, len);
			p += len;
		}
	}
	return 0;
}

bool modtree_builtin(struct modtree *mt, const char *name)
{
	struct kmod_module *mod = NULL;
	bool builtin;

	/*
	 * By module name only: an alias of the same name may mean other modules
	 * (alias crc32 is crc32_generic's, crc32 itself is built in). modules.dep,
	 * then modules.builtin; never /sys.
	 */
	if (kmod_module_new_from_name_lookup(mt->ctx, name, &mod) < 0 || !mod)
		return false;
	builtin = !kmod_module_get_path(mod);
	kmod_module_unref(mod);
	return builtin;
}

int modtree_install_command(struct modtree *mt, const char *name, char **cmd)
{
	struct kmod_module *mod;
	const char *c;
	int err;

	*cmd = NULL;
	err = kmod_module_new_from_name(mt->ctx, name, &mod);
	if (err < 0)
		return mm_fail(-err, "cannot look up %s", name);
	c = kmod_module_get_install_commands(mod);
	if (c)
		*cmd = mm_strdup(c);
	kmod_module_unref(mod);
	return 0;
}

int modtree_probe_options(struct modtree *mt, const char *name, const char *alias, char **options)
{
	struct kmod_list *list = NULL, *l;
	int err;

	if (!alias)
		return modtree_options(mt, name, options);
	*options = NULL;
	err = kmod_module_new_from_lookup(mt->ctx, alias, &list);
	if (err < 0)
		return mm_fail(-err, "cannot look up %s in %s", alias, mt->dir);
	kmod_list_foreach(l, list)
	{
		struct kmod_module *mod = kmod_module_get_module(l);
		const char *opts = kmod_module_get_options(mod);

		if (!*options && strcmp(kmod_module_get_name(mod), name) == 0 && opts && *opts)
			*options = mm_strdup(opts);
		kmod_module_unref(mod);
	}
	kmod_module_unref_list(list);
	return 0;
}

int modtree_load(struct modtree *mt)
{
	int err = kmod_load_resources(mt->ctx);

	if (err < 0)
		return mm_fail(-err, "cannot load the indexes of %s: %s", mt->dir, strerror(-err));
	return 0;
}

/* Does a modprobe.d alias match NAME? (libkmod looks these up first.) */
static bool config_alias(struct modtree *mt, const char *name)
{
	struct kmod_config_iter *it = kmod_config_get_aliases(mt->ctx);
	bool found = false;

	while (it && !found && kmod_config_iter_next(it))
		found = fnmatch(kmod_config_iter_get_key(it), name, 0) == 0;
	kmod_config_iter_free_iter(it);
	return found;
}

int modtree_resolve(struct modtree *mt, const char *name, struct modtree_mod **modsp, size_t *np)
{
	char key[256];
	ENTRY e = { .key = key }, *found;
	size_t len = strlen(name);
	const char *rel;

	if (!mt->deps || len == 0 || len >= sizeof(key) ||
	    name[strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")])
		return modtree_lookup(mt, name, modsp, np);
	mm_modname_normalize(memcpy(key, name, len + 1));
	if (!hsearch_r(e, FIND, &found, &mt->deps->tab) || config_alias(mt, key))
		return modtree_lookup(mt, name, modsp, np);
	rel = found->data;
	*modsp = mm_calloc(1, sizeof(**modsp));
	(*modsp)->name = mm_strdup(key);
	(*modsp)->path = dep_path(mt->deps, rel, strcspn(rel, ":"));
	*np = 1;
	return 0;
}

int modtree_builtin_info(struct modtree *mt, const char *name, struct modtree_info **infop,
			 size_t *np)
{
	struct kmod_list *list = NULL, *l;
	struct modtree_info *info = NULL;
	struct kmod_module *mod;
	size_t n = 0;
	int err;

	*infop = NULL;
	*np = 0;
	err = kmod_module_new_from_name(mt->ctx, name, &mod);
	if (err < 0)
		return mm_fail(-err, "cannot look up %s", name);
	err = kmod_module_get_info(mod, &list);
	kmod_module_unref(mod);
	if (err == -ENOENT)
		return 0;
	if (err < 0)
		return mm_fail(-err, "cannot read the builtin modinfo of %s in %s: %s", name,
			       mt->dir, strerror(-err));
	kmod_list_foreach(l, list)
	{
		info = mm_reallocarray(info, n + 1, sizeof(*info));
		info[n].key = mm_strdup(kmod_module_info_get_key(l));
		info[n].value = mm_strdup(kmod_module_info_get_value(l));
		n++;
	}
	kmod_module_info_free_list(list);
	*infop = info;
	*np = n;
	return 0;
}

void modtree_info_free(struct modtree_info *info, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(info[i].key);
		free(info[i].value);
	}
	free(info);
}

/* Read a whole text file, gzip-compressed or not (zlib reads both). */
static int read_text_gz(const char *path, char **bufp, size_t *lenp)
{
	size_t len = 0, cap = 1 << 20;
	char *buf;
	gzFile gz;
	int err = 0;

	errno = 0; /* gzopen() sets it only when open() fails */
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
	struct mm_hash index; /* syms by name; the first entry of a name wins */
};

static void symvers_index(struct modtree_symvers *sv)
{
	mm_hash_reserve(&sv->index, sv->n);
	for (size_t i = 0; i < sv->n; i++)
		mm_hash_add(&sv->index, sv->syms[i].name, &sv->syms[i]);
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

			f[2] = mm_modname_normalize(base ? base + 1 : f[2]);
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
	mm_hash_free(&sv->index);
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
	return mm_hash_get(&sv->index, name);
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

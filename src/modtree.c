// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fnmatch.h>
#include <libkmod.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mymod/modtree.h"
#include "mymod/util.h"

struct modtree {
	struct kmod_ctx *ctx;
	char dir[PATH_MAX];
	char *kver;
	char *weakdep; /* modules.weakdep, read on first use; NULL when absent */
	bool weakdep_read;
	/*
	 * Modules handed out stay referenced, so libkmod keeps them (and
	 * their parsed modules.dep line) in its pool for the next lookup.
	 */
	struct kmod_module **pinned;
	size_t npinned, cappinned;
};

static void pin(struct modtree *mt, struct kmod_module *mod)
{
	if (mt->npinned == mt->cappinned) {
		mt->cappinned = mt->cappinned ? mt->cappinned * 2 : 256;
		mt->pinned = mm_reallocarray(mt->pinned, mt->cappinned, sizeof(*mt->pinned));
	}
	mt->pinned[mt->npinned++] = kmod_module_ref(mod);
}

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
		free(mt);
		return mm_fail(ENOMEM, "cannot read module directory %s", mt->dir);
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
	for (size_t i = 0; i < mt->npinned; i++)
		kmod_module_unref(mt->pinned[i]);
	free(mt->pinned);
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
		const char *path = kmod_module_get_path(mod);

		mods = mm_reallocarray(mods, n + 1, sizeof(*mods));
		mods[n].name = mm_strdup(kmod_module_get_name(mod));
		mods[n].path = path ? mm_strdup(path) : NULL;
		mods[n].builtin = !path;
		n++;
		pin(mt, mod);
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
	(*n)++;
}

/* One line of libkmod's modules.dep dump: "NAME RELPATH: DEPS...". */
static void add_dump_line(struct modtree *mt, const char *cwd, const char *line, size_t len,
			  struct modtree_mod **mods, size_t *n)
{
	const char *sp = memchr(line, ' ', len);
	const char *colon = sp ? memchr(sp, ':', len - (size_t)(sp - line)) : NULL;
	char *name, *path;

	if (!colon)
		return;
	name = mm_strndup(line, (size_t)(sp - line));
	/* Absolute, as libkmod makes them: the directory, then the working one. */
	if (sp[1] == '/')
		path = mm_strndup(sp + 1, (size_t)(colon - sp - 1));
	else if (mt->dir[0] == '/')
		path = mm_asprintf("%s/%.*s", mt->dir, (int)(colon - sp - 1), sp + 1);
	else
		path = mm_asprintf("%s/%s/%.*s", cwd, mt->dir, (int)(colon - sp - 1), sp + 1);
	*mods = mm_reallocarray(*mods, *n + 1, sizeof(**mods));
	(*mods)[*n] = (struct modtree_mod){ .name = name, .path = path, .builtin = false };
	(*n)++;
}

int modtree_all(struct modtree *mt, struct modtree_mod **modsp, size_t *np)
{
	struct modtree_mod *mods = NULL;
	size_t n = 0;
	char *map = MAP_FAILED;
	char cwd[PATH_MAX] = "";
	off_t len = 0;
	int fd, err;

	if (mt->dir[0] != '/' && !getcwd(cwd, sizeof(cwd)))
		return mm_fail(errno, "cannot tell the working directory: %s", strerror(errno));

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
	if (len > 0) {
		map = mmap(NULL, (size_t)len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			err = mm_fail(errno, "cannot map the module list: %s", strerror(errno));
			goto out;
		}
	}
	for (off_t off = 0; off < len;) {
		const char *line = map + off;
		const char *nl = memchr(line, '\n', (size_t)(len - off));
		size_t l = nl ? (size_t)(nl - line) : (size_t)(len - off);

		add_dump_line(mt, cwd, line, l, &mods, &n);
		off += (off_t)l + 1;
	}
	*modsp = mods;
	*np = n;
	mods = NULL;
out:
	if (map != MAP_FAILED)
		munmap(map, (size_t)len);
	close(fd);
	modtree_mods_free(mods, 0);
	return err;
}

int modtree_deps(struct modtree *mt, const char *name, struct modtree_mod **depsp, size_t *np)
{
	struct kmod_module *mod;
	struct kmod_list *list, *l;
	struct modtree_mod *deps = NULL;
	size_t n = 0;
	int err;

	err = kmod_module_new_from_name(mt->ctx, name, &mod);
	if (err < 0)
		return mm_fail(-err, "cannot look up %s in %s", name, mt->dir);
	list = kmod_module_get_dependencies(mod);
	pin(mt, mod);
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

/* Split "pre: a b post: c" (libkmod's softdep value) into the two lists. */
static void parse_softdep(const char *value, char ***pre, size_t *npre, char ***post, size_t *npost)
{
	bool is_post = false;

	while (*value) {
		size_t len;

		value += strspn(value, " \t");
		len = strcspn(value, " \t");
		if (len == 0)
			break;
		if (len == 4 && strncmp(value, "pre:", 4) == 0)
			is_post = false;
		else if (len == 5 && strncmp(value, "post:", 5) == 0)
			is_post = true;
		else if (is_post)
			strv_push(post, npost, value, len);
		else
			strv_push(pre, npre, value, len);
		value += len;
	}
}

int modtree_softdeps(struct modtree *mt, const char *name, char ***pre, size_t *npre, char ***post,
		     size_t *npost)
{
	struct kmod_config_iter *it;

	*pre = *post = NULL;
	*npre = *npost = 0;
	it = kmod_config_get_softdeps(mt->ctx);
	if (!it)
		return 0;
	while (kmod_config_iter_next(it)) {
		if (fnmatch(kmod_config_iter_get_key(it), name, 0) != 0)
			continue;
		parse_softdep(kmod_config_iter_get_value(it), pre, npre, post, npost);
		break;
	}
	kmod_config_iter_free_iter(it);
	return 0;
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

static bool in_list(struct kmod_list *list, const char *name)
{
	struct kmod_list *l;
	bool found = false;

	kmod_list_foreach(l, list)
	{
		struct kmod_module *mod = kmod_module_get_module(l);

		found |= strcmp(kmod_module_get_name(mod), name) == 0;
		kmod_module_unref(mod);
	}
	return found;
}

bool modtree_builtin(struct modtree *mt, const char *name)
{
	struct kmod_list *list = NULL, *filtered = NULL;
	bool builtin = false;

	if (kmod_module_new_from_lookup(mt->ctx, name, &list) < 0 || !list)
		return false;
	/* The builtin filter asks modules.builtin only, never /sys. */
	if (kmod_module_apply_filter(mt->ctx, KMOD_FILTER_BUILTIN, list, &filtered) == 0)
		builtin = in_list(list, name) && !in_list(filtered, name);
	kmod_module_unref_list(filtered);
	kmod_module_unref_list(list);
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

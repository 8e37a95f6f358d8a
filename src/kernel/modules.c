// SPDX-License-Identifier: LGPL-2.1-or-later
/* What is loaded: /proc/modules and /sys/module. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kernel-internal.h"
#include "mymod/kernel.h"
#include "mymod/util.h"

const char *kernel_mod_state_name(enum kernel_mod_state state)
{
	switch (state) {
	case KERNEL_MOD_BUILTIN:
		return "builtin";
	case KERNEL_MOD_LIVE:
		return "Live";
	case KERNEL_MOD_COMING:
		return "Loading";
	case KERNEL_MOD_GOING:
		return "Unloading";
	case KERNEL_MOD_ABSENT:
		break;
	}
	return "absent";
}

char *kernel_modpath(char *buf, size_t len, const char *name, const char *attr)
{
	static const char dir[] = "/sys/module/";
	size_t nlen = strlen(name), alen = attr ? strlen(attr) : 0;
	char rel[PATH_MAX], *p = rel + sizeof(dir) - 1;

	/* Built in place (it is asked often): no allocation, no formatting. */
	if (sizeof(dir) + nlen + (attr ? 1 + alen : 0) > sizeof(rel))
		return NULL;
	memcpy(rel, dir, sizeof(dir) - 1);
	memcpy(p, name, nlen + 1);
	mm_modname_normalize(p);
	p += nlen;
	if (attr) {
		*p++ = '/';
		memcpy(p, attr, alen + 1);
	}
	return mm_syspath(buf, len, rel);
}

int kernel_sysfile(const char *name, const char *attr, char **value)
{
	char path[PATH_MAX];
	char *buf;
	int err;

	if (!kernel_modpath(path, sizeof(path), name, attr))
		return mm_fail(ENAMETOOLONG, "the path of /sys/module/%s is too long", name);
	err = mm_read_file(path, &buf, NULL);
	if (err < 0)
		return mm_fail(err, "cannot read %s: %s", path, strerror(-err));
	buf[strcspn(buf, "\n")] = '\0';
	*value = buf;
	return 0;
}

/* The one message for a kernel without loadable-module support. */
static int no_modules(const char *path)
{
	return mm_fail(ENOSYS, "this kernel has no loadable-module support (no %s)", path);
}

bool kernel_has_modules(void)
{
	char path[PATH_MAX];

	return mm_syspath(path, sizeof(path), "/proc/modules") && access(path, F_OK) == 0;
}

static enum kernel_mod_state state_from_proc(const char *s)
{
	if (strcmp(s, "Live") == 0)
		return KERNEL_MOD_LIVE;
	if (strcmp(s, "Loading") == 0)
		return KERNEL_MOD_COMING;
	if (strcmp(s, "Unloading") == 0)
		return KERNEL_MOD_GOING;
	return KERNEL_MOD_ABSENT;
}

/*
 * The deps field: "-", or each module using it followed by ',', then the
 * kernel's own markers "[permanent]," (an init function and no exit
 * function) and, on older kernels, "[unsafe],". The markers are no module.
 */
static void split_used_by(struct kernel_module *m, char *deps)
{
	char *save = NULL;

	if (strcmp(deps, "-") == 0)
		return;
	for (char *t = strtok_r(deps, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		if (strcmp(t, "[permanent]") == 0) {
			m->permanent = true;
			continue;
		}
		if (strcmp(t, "[unsafe]") == 0) {
			m->unsafe = true;
			continue;
		}
		m->used_by = mm_reallocarray(m->used_by, m->nused_by + 1, sizeof(*m->used_by));
		m->used_by[m->nused_by++] = mm_strdup(t);
	}
}

static void module_free(struct kernel_module *m)
{
	free(m->name);
	kernel_names_free(m->used_by, m->nused_by);
	free(m->taint);
	free(m->version);
	free(m->srcversion);
}

/* "name size refcnt deps state addr [(taint)]" */
static int parse_line(char *line, struct kernel_module *m)
{
	char *f[7] = { NULL };
	char *save = NULL, *end;
	size_t nf = 0;

	for (char *t = strtok_r(line, " \t", &save); t && nf < MM_ARRAY_SIZE(f);
	     t = strtok_r(NULL, " \t", &save))
		f[nf++] = t;
	if (nf < 6)
		return -EINVAL;
	memset(m, 0, sizeof(*m));
	m->name = mm_strdup(f[0]);
	errno = 0;
	m->size = strtoul(f[1], &end, 10);
	if (errno || *end)
		goto bad;
	if (strcmp(f[2], "-") == 0) {
		m->refcnt = -1;
	} else {
		m->refcnt = strtol(f[2], &end, 10);
		if (errno || *end)
			goto bad;
	}
	split_used_by(m, f[3]);
	m->state = state_from_proc(f[4]);
	if (m->state == KERNEL_MOD_ABSENT)
		goto bad;
	m->addr = strtoull(f[5], &end, 16);
	if (errno || *end)
		goto bad;
	if (f[6] && f[6][0] == '(' && f[6][strlen(f[6]) - 1] == ')')
		m->taint = mm_strndup(f[6] + 1, strlen(f[6]) - 2);
	else
		m->taint = mm_strdup("");
	if (kernel_sysfile(m->name, "version", &m->version) < 0)
		m->version = NULL;
	if (kernel_sysfile(m->name, "srcversion", &m->srcversion) < 0)
		m->srcversion = NULL;
	return 0;
bad:
	module_free(m);
	return -EINVAL;
}

int kernel_modules(struct kernel_module **modsp, size_t *np)
{
	struct kernel_module *mods = NULL;
	char path[PATH_MAX];
	char *buf = NULL, *line, *save = NULL;
	size_t n = 0, lineno = 0;
	int err;

	if (!mm_syspath(path, sizeof(path), "/proc/modules"))
		return mm_fail(ENAMETOOLONG, "path too long");
	err = mm_read_file(path, &buf, NULL);
	if (err == -ENOENT)
		return no_modules(path);
	if (err < 0)
		return mm_fail(err, "cannot read %s: %s", path, strerror(-err));
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lineno++;
		mods = mm_reallocarray(mods, n + 1, sizeof(*mods));
		if (parse_line(line, &mods[n]) < 0) {
			err = mm_fail(EINVAL, "%s: line %zu: not a module line", path, lineno);
			goto out;
		}
		n++;
	}
out:
	free(buf);
	if (err < 0) {
		kernel_modules_free(mods, n);
		return err;
	}
	*modsp = mods;
	*np = n;
	return 0;
}

void kernel_modules_free(struct kernel_module *mods, size_t n)
{
	for (size_t i = 0; i < n; i++)
		module_free(&mods[i]);
	free(mods);
}

enum kernel_mod_state kernel_module_state(const char *name)
{
	static const char initstate[] = "/initstate";
	enum kernel_mod_state state = KERNEL_MOD_ABSENT;
	char path[PATH_MAX];
	struct stat st;
	size_t len;
	char *s;
	int err;

	/* /sys/module/NAME once; asked often, of modules mostly absent: no message. */
	if (!kernel_modpath(path, sizeof(path), name, NULL))
		return KERNEL_MOD_ABSENT;
	len = strlen(path);
	if (len + sizeof(initstate) > sizeof(path))
		return KERNEL_MOD_ABSENT;
	memcpy(path + len, initstate, sizeof(initstate));
	err = mm_read_file(path, &s, NULL);
	path[len] = '\0';
	/* A directory without initstate is a built-in module's. */
	if (err == -ENOENT && stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return KERNEL_MOD_BUILTIN;
	if (err < 0)
		return KERNEL_MOD_ABSENT;
	s[strcspn(s, "\n")] = '\0';
	if (strcmp(s, "live") == 0)
		state = KERNEL_MOD_LIVE;
	else if (strcmp(s, "coming") == 0 || strcmp(s, "unformed") == 0)
		state = KERNEL_MOD_COMING;
	else if (strcmp(s, "going") == 0)
		state = KERNEL_MOD_GOING;
	free(s);
	return state;
}

int kernel_module_loaded(const char *name)
{
	char path[PATH_MAX];

	if (!kernel_has_modules())
		return no_modules(
			mm_syspath(path, sizeof(path), "/proc/modules") ? path : "/proc/modules");
	switch (kernel_module_state(name)) {
	case KERNEL_MOD_ABSENT:
		return mm_fail(ENOENT, "%s: not loaded", name);
	case KERNEL_MOD_BUILTIN:
		return mm_fail(ENOENT, "%s: not loaded: it is built into the kernel", name);
	default:
		return 0;
	}
}

char *kernel_module_srcversion(const char *name)
{
	char *v;

	if (kernel_sysfile(name, "srcversion", &v) < 0) {
		mm_clearerr();
		return NULL;
	}
	return v;
}

long kernel_module_refcnt(const char *name)
{
	char *s, *end;
	long r;
	int err;

	err = kernel_sysfile(name, "refcnt", &s);
	if (err < 0)
		return err;
	errno = 0;
	r = strtol(s, &end, 10);
	if (errno || end == s || *end)
		r = mm_fail(EINVAL, "the reference count of %s is not a number: '%s'", name, s);
	free(s);
	return r;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int kernel_module_holders(const char *name, char ***holdersp, size_t *np)
{
	int err = kernel_module_holders_listed(name, holdersp, np);

	if (err == 0 && *np)
		qsort(*holdersp, *np, sizeof(**holdersp), cmp_names);
	return err;
}

int kernel_module_holders_listed(const char *name, char ***holdersp, size_t *np)
{
	char path[PATH_MAX];
	char **holders = NULL;
	struct dirent *de;
	size_t n = 0;
	DIR *d;

	if (!kernel_modpath(path, sizeof(path), name, "holders"))
		return mm_fail(ENAMETOOLONG, "path too long");
	d = opendir(path);
	if (!d)
		return mm_fail(errno, "cannot read %s: %s", path, strerror(errno));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		holders = mm_reallocarray(holders, n + 1, sizeof(*holders));
		holders[n++] = mm_strdup(de->d_name);
	}
	closedir(d);
	*holdersp = holders;
	*np = n;
	return 0;
}

void kernel_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int kernel_module_build_id(const char *name, char **hex)
{
	char path[PATH_MAX];
	struct mm_strbuf sb = { 0 };
	uint32_t nsz, dsz, type;
	size_t len, off;
	char *buf;
	int err;

	*hex = NULL;
	if (!kernel_modpath(path, sizeof(path), name, "notes/.note.gnu.build-id"))
		return mm_fail(ENAMETOOLONG, "the path of /sys/module/%s is too long", name);
	err = mm_read_file(path, &buf, &len);
	if (err < 0)
		return mm_fail(err, "cannot read %s: %s", path, strerror(-err));
	/* An ELF note: namesz, descsz, type, the name ("GNU") padded to 4, the id. */
	for (off = 0; off + 12 <= len; off += 12 + ((nsz + 3) & ~3u) + ((dsz + 3) & ~3u)) {
		memcpy(&nsz, buf + off, 4);
		memcpy(&dsz, buf + off + 4, 4);
		memcpy(&type, buf + off + 8, 4);
		if (nsz > len || dsz > len || off + 12 + ((nsz + 3) & ~3u) + dsz > len)
			break;
		if (type == 3 /* NT_GNU_BUILD_ID */ && nsz == 4 &&
		    memcmp(buf + off + 12, "GNU", 4) == 0) {
			mm_strbuf_addhex(&sb, buf + off + 16, dsz, 0);
			*hex = mm_strbuf_steal(&sb);
			break;
		}
	}
	free(buf);
	return *hex ? 0 : mm_fail(ENODATA, "%s has no build id note", path);
}

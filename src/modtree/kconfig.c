// SPDX-License-Identifier: LGPL-2.1-or-later
/* The kernel's build configuration (.config) and release (utsrelease.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "modtree-internal.h"
#include "mymod/util.h"

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

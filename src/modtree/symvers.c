// SPDX-License-Identifier: LGPL-2.1-or-later
/* Module.symvers: the kernel's exported symbols with their versions, as Kbuild writes them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "modtree-internal.h"
#include "mymod/util.h"

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
		char *next = mt_cut_line(line);
		char *f[5];
		size_t nf;
		char *end;
		struct modtree_symver *s;

		lineno++;
		if (!*line) {
			line = next;
			continue;
		}
		nf = mt_split_fields(line, '\t', f, MM_ARRAY_SIZE(f));
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
		err = mt_read_text_gz(sv->path, &sv->buf, &len);
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

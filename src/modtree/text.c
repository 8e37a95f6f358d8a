// SPDX-License-Identifier: LGPL-2.1-or-later
/* Text helpers of the modtree readers: whole files, lines, fields, string lists. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <zlib.h>

#include "modtree-internal.h"
#include "mymod/util.h"

/* mm_read_all()'s reader over a gzFile. */
static ssize_t gz_read(void *src, void *buf, size_t len)
{
	int r = gzread(src, buf, (unsigned int)(len > INT_MAX ? INT_MAX : len));

	return r < 0 ? -EIO : r;
}

int mt_read_text_gz(const char *path, char **bufp, size_t *lenp)
{
	gzFile gz;
	int err;

	errno = 0; /* gzopen() sets it only when open() fails */
	gz = gzopen(path, "rb");
	if (!gz)
		return errno ? -errno : -ENOMEM;
	err = mm_read_all(gz_read, gz, bufp, lenp);
	gzclose(gz);
	return err;
}

char *mt_cut_line(char *line)
{
	char *next = strchr(line, '\n');

	if (!next)
		return line + strlen(line);
	*next = '\0';
	return next + 1;
}

size_t mt_split_fields(char *line, char sep, char **fields, size_t max)
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

void mt_strv_push(char ***v, size_t *n, const char *s, size_t len)
{
	*v = mm_reallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = mm_strndup(s, len);
}

void modtree_strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* Text helpers of the modtree readers: whole files, lines, fields, string lists. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "modtree-internal.h"
#include "mymod/ko.h"
#include "mymod/util.h"

/* The text of gzip-compressed file PATH, decompressed as ko decompresses a module. */
int mt_read_text_gz(const char *path, char **bufp, size_t *lenp)
{
	uint8_t *gz = NULL, *text = NULL;
	size_t gzlen = 0, len = 0;
	int err = mm_read_file(path, (char **)&gz, &gzlen);

	if (err == 0)
		err = ko_decompress(KO_COMP_GZIP, gz, gzlen, &text, &len);
	free(gz);
	if (err < 0)
		return err;
	*bufp = mm_realloc(text, len + 1); /* a text: NUL-terminated, as mm_read_all() makes it */
	(*bufp)[len] = '\0';
	*lenp = len;
	return 0;
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

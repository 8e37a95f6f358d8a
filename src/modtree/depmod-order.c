// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modules.order, read as kmod 30's depmod reads it: in pieces of at most
 * 4095 bytes (its line buffer), each a line unless the line is longer.
 */
#include <errno.h>
#include <string.h>

#include "depmod-scan.h"

#define ORDER_PIECE 4095 /* kmod reads with fgets() into a PATH_MAX buffer */

/* The piece of TEXT starting at *POS; returns its length and moves *POS past it. */
static size_t order_piece(const char *text, size_t len, size_t *pos)
{
	size_t start = *pos, max = len - start;
	const char *nl;

	if (max > ORDER_PIECE)
		max = ORDER_PIECE;
	nl = memchr(text + start, '\n', max);
	*pos = nl ? (size_t)(nl - text) + 1 : start + max;
	return *pos - start;
}

int dm_order_parse(const char *text, size_t len, dm_order_fn *fn, void *ctx)
{
	size_t pos = 0;
	long line = 0;

	/* kmod checks every piece first and uses none when one is cut */
	while (pos < len) {
		const char *p = text + pos;
		size_t n = strnlen(p, order_piece(text, len, &pos));

		if (n > 0 && p[n - 1] != '\n')
			return -EINVAL;
	}
	for (pos = 0; pos < len;) {
		const char *p = text + pos;
		size_t n = strnlen(p, order_piece(text, len, &pos));

		line++;
		if (n > 0)
			fn(ctx, p, n - 1, line);
	}
	return 0;
}

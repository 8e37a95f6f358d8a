// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for modules.order: any bytes as the file
 * (dm_order_parse()); every key it gives is read byte by byte, and the
 * lines must rise.
 */
#include <stdint.h>
#include <stdlib.h>

#include "src/modtree/depmod-scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

static void seen(void *ctx, const char *key, size_t len, long line)
{
	long *last = ctx;

	if (line <= *last)
		abort();
	*last = line;
	for (size_t i = 0; i < len; i++)
		sink += (unsigned char)key[i];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	long last = 0;
	/* a copy of exactly SIZE bytes, so a read past the end is caught */
	char *copy = malloc(size ? size : 1);

	for (size_t i = 0; i < size; i++)
		copy[i] = (char)data[i];
	dm_order_parse(copy, size, seen, &last);
	free(copy);
	return 0;
}

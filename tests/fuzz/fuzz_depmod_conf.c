// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for depmod.d: any bytes as one configuration file
 * (dm_conf_parse()), for two kernel releases; every string it keeps is
 * read, so that a dangling or out-of-bounds pointer shows up under
 * AddressSanitizer.
 */
#include <stdint.h>
#include <string.h>

#include "src/modtree/depmod-scan.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

static void touch_all(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sink += strlen(v[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const kvers[] = { "6.1.0-57-amd64", "4.4.4" };

	for (size_t k = 0; k < 2; k++) {
		struct dm_conf cf = { 0 };

		dm_conf_parse(&cf, kvers[k], (const char *)data, size);
		for (size_t i = 0; i < cf.nsearch; i++)
			sink += cf.search[i].dir ? strlen(cf.search[i].dir) : cf.search[i].type;
		touch_all(cf.overrides, cf.noverrides);
		touch_all(cf.externals, cf.nexternals);
		touch_all(cf.excludes, cf.nexcludes);
		dm_conf_free(&cf);
	}
	return 0;
}

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ko: the CRCs a module exports its symbols with. A piece of the ko layer
 * kept apart from ko.h (where it belongs in struct ko_export) until its
 * owner folds it in.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct ko;

struct ko_crc {
	const char *name; /* the exported symbol */
	uint32_t crc;
};

/*
 * Every __crc_NAME symbol of KO: a u32 in __kcrctab or __kcrctab_gpl (an
 * absolute symbol whose value is the CRC in older kernels), in symbol
 * table order; *N is 0 for a module built without CONFIG_MODVERSIONS.
 * The array is owned by KO but made anew on each call: keep it. Returns
 * 0, or -errno with mm_fail() when the file cannot be read.
 */
int ko_export_crcs(struct ko *ko, const struct ko_crc **crcs, size_t *n);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "mymod/ko.h"

/* Compression from the first bytes (magic), KO_COMP_NONE when none. */
enum ko_comp ko_detect_compression(const void *data, size_t len);

/*
 * Decompress DATA whole into a malloc'ed *OUT. A corrupt or truncated
 * stream, or one that grows past KO_MAX_IMAGE, is -EBADMSG/-EFBIG with
 * mm_fail().
 */
int ko_decompress(enum ko_comp comp, const void *data, size_t len, uint8_t **out, size_t *outlen);

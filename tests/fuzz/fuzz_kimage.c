// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for kernel images (ko_image_certs(), which verify
 * --keyring runs on /boot/vmlinuz-RELEASE): any bytes as the image; every
 * certificate it finds must parse again and have its names read.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/ko.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* a copy of exactly SIZE bytes, so a read past the end is caught */
	uint8_t *copy = malloc(size ? size : 1);
	struct ko_cert *certs;
	size_t n;

	memcpy(copy, data, size);
	if (ko_image_certs(copy, size, &certs, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			char *cn, *id;

			if (ko_cert_names(&certs[i], &cn, &id) < 0)
				abort();
			free(cn);
			free(id);
		}
		ko_certs_free(certs, n);
	}
	free(copy);
	return 0;
}

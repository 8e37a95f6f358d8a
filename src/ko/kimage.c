// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The certificates built into a kernel image: the keys of
 * .builtin_trusted_keys (CONFIG_SYSTEM_TRUSTED_KEYS and the module signing
 * key) are DER X.509 certificates in the image's data. The running kernel
 * names them in /proc/keys but does not let anyone read them, so a
 * signature is checked against what the image on disk carries.
 */
#include <errno.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "ko-internal.h"
#include "mymod/ko.h"
#include "mymod/util.h"

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/*
 * An x86 bzImage: the setup header's "HdrS" at 0x202; the compressed
 * kernel at payload_offset (0x248) from the protected-mode code, which
 * starts after (setup_sects + 1) sectors; payload_length (0x24c) counts the
 * 4-byte decompressed size the build appends. *P and *N get the stream.
 */
static bool bzimage_payload(const uint8_t *img, size_t len, const uint8_t **p, size_t *n)
{
	size_t setup, off, plen;

	if (len < 0x250 || memcmp(img + 0x202, "HdrS", 4) != 0)
		return false;
	setup = (size_t)(img[0x1f1] ? img[0x1f1] : 4) + 1;
	off = setup * 512 + le32(img + 0x248);
	plen = le32(img + 0x24c);
	if (off > len || plen > len - off || plen < 4)
		return false;
	*p = img + off;
	*n = plen - 4;
	return true;
}

/* A DER certificate at P (30 82 LEN LEN 30 82 ...)? Its length, else 0. */
static size_t cert_at(const uint8_t *p, size_t avail)
{
	const unsigned char *q = p;
	size_t len;
	X509 *x;

	if (avail < 8 || p[0] != 0x30 || p[1] != 0x82 || p[4] != 0x30 || p[5] != 0x82)
		return 0;
	len = 4 + ((size_t)p[2] << 8 | p[3]);
	if (len > avail)
		return 0;
	x = d2i_X509(NULL, &q, (long)len);
	if (!x)
		return 0;
	X509_free(x);
	return (size_t)(q - p) == len ? len : 0;
}

int ko_image_certs(const void *data, size_t len, struct ko_cert **certs, size_t *n)
{
	const uint8_t *img = data, *payload;
	uint8_t *buf = NULL;
	size_t plen, blen;
	enum ko_comp comp;
	int err;

	*certs = NULL;
	*n = 0;
	if (bzimage_payload(img, len, &payload, &plen)) {
		comp = ko_detect_compression(payload, plen);
		if (comp == KO_COMP_NONE)
			return mm_fail(ENOTSUP, "the kernel image's payload is compressed in a way "
						"mymod cannot read (it reads xz, zstd and gzip)");
		err = ko_decompress(comp, payload, plen, &buf, &blen);
		if (err < 0)
			return err;
		img = buf;
		len = blen;
	} else if (len < 18 || memcmp(img, "\177ELF", 4) != 0 || img[16] != 2 /* ET_EXEC */) {
		return mm_fail(ENOEXEC,
			       "not a kernel image (an x86 bzImage or a vmlinux ELF file)");
	}
	for (size_t i = 0; i + 8 <= len; i++) {
		size_t clen = img[i] == 0x30 ? cert_at(img + i, len - i) : 0;

		if (!clen)
			continue;
		if ((*n & (*n - 1)) == 0)
			*certs = mm_reallocarray(*certs, *n ? *n * 2 : 1, sizeof(**certs));
		(*certs)[*n].der = mm_malloc(clen);
		memcpy((*certs)[*n].der, img + i, clen);
		(*certs)[(*n)++].len = clen;
		i += clen - 1;
	}
	free(buf);
	return 0;
}

void ko_certs_free(struct ko_cert *certs, size_t n)
{
	for (size_t i = 0; certs && i < n; i++)
		free(certs[i].der);
	free(certs);
}

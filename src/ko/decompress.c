// SPDX-License-Identifier: LGPL-2.1-or-later
/* Compressed modules: detected by magic, decompressed whole into memory. */
#include <errno.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "ko-decompress.h"
#include "ko-internal.h"
#include "mymod/util.h"

static const uint8_t gzip_magic[] = { 0x1f, 0x8b };
static const uint8_t xz_magic[] = { 0xfd, '7', 'z', 'X', 'Z', 0x00 };
static const uint8_t zstd_magic[] = { 0x28, 0xb5, 0x2f, 0xfd };

enum ko_comp ko_detect_compression(const void *data, size_t len)
{
	if (len >= sizeof(gzip_magic) && memcmp(data, gzip_magic, sizeof(gzip_magic)) == 0)
		return KO_COMP_GZIP;
	if (len >= sizeof(xz_magic) && memcmp(data, xz_magic, sizeof(xz_magic)) == 0)
		return KO_COMP_XZ;
	if (len >= sizeof(zstd_magic) && memcmp(data, zstd_magic, sizeof(zstd_magic)) == 0)
		return KO_COMP_ZSTD;
	return KO_COMP_NONE;
}

/* An output buffer that grows up to KO_MAX_IMAGE. */
struct outbuf {
	uint8_t *p;
	size_t len, cap;
};

static int outbuf_grow(struct outbuf *o)
{
	size_t cap;

	if (o->cap >= KO_MAX_IMAGE)
		return mm_fail(EFBIG, "decompressed size exceeds the limit of %zu MiB",
			       KO_MAX_IMAGE >> 20);
	cap = o->cap ? o->cap * 2 : 1 << 20;
	if (cap > KO_MAX_IMAGE)
		cap = KO_MAX_IMAGE;
	o->p = mm_realloc(o->p, cap);
	o->cap = cap;
	return 0;
}

static int gunzip(const uint8_t *in, size_t inlen, struct outbuf *o)
{
	z_stream zs = { 0 };
	int err = 0, zr;

	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return mm_fail(ENOMEM, "gzip: cannot initialise zlib");
	zs.next_in = (Bytef *)in;
	for (;;) {
		size_t chunk = inlen - (size_t)(zs.next_in - in);

		zs.avail_in = chunk > UINT32_MAX ? UINT32_MAX : (uInt)chunk;
		if (o->len == o->cap && (err = outbuf_grow(o)) < 0)
			goto out;
		zs.next_out = o->p + o->len;
		zs.avail_out = (uInt)(o->cap - o->len);
		zr = inflate(&zs, Z_NO_FLUSH);
		o->len = o->cap - zs.avail_out;
		if (zr == Z_STREAM_END) {
			/* Concatenated gzip members are one file, as gzip -d has it. */
			if ((size_t)(zs.next_in - in) < inlen && inflateReset(&zs) == Z_OK)
				continue;
			break;
		}
		if (zr == Z_BUF_ERROR && zs.avail_in == 0) {
			err = mm_fail(EBADMSG, "gzip: unexpected end of compressed data");
			goto out;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			err = mm_fail(EBADMSG, "gzip: corrupt compressed data (%s)",
				      zs.msg ? zs.msg : "zlib error");
			goto out;
		}
	}
out:
	inflateEnd(&zs);
	return err;
}

static int unxz(const uint8_t *in, size_t inlen, struct outbuf *o)
{
	lzma_stream ls = LZMA_STREAM_INIT;
	lzma_ret lr;
	int err = 0;

	/* The dictionary is allocated up front: a header must not ask for gigabytes. */
	lr = lzma_stream_decoder(&ls, KO_MAX_IMAGE, LZMA_CONCATENATED);
	if (lr != LZMA_OK)
		return mm_fail(ENOMEM, "xz: cannot initialise liblzma");
	ls.next_in = in;
	ls.avail_in = inlen;
	for (;;) {
		if (o->len == o->cap && (err = outbuf_grow(o)) < 0)
			goto out;
		ls.next_out = o->p + o->len;
		ls.avail_out = o->cap - o->len;
		lr = lzma_code(&ls, ls.avail_in ? LZMA_RUN : LZMA_FINISH);
		o->len = o->cap - ls.avail_out;
		if (lr == LZMA_STREAM_END)
			break;
		if (lr != LZMA_OK) {
			err = mm_fail(EBADMSG, "xz: %s",
				      lr == LZMA_BUF_ERROR   ? "unexpected end of compressed data"
				      : lr == LZMA_MEM_ERROR ? "out of memory"
				      : lr == LZMA_MEMLIMIT_ERROR
					      ? "the stream needs more memory than allowed"
					      : "corrupt compressed data");
			goto out;
		}
	}
out:
	lzma_end(&ls);
	return err;
}

static int unzstd(const uint8_t *in, size_t inlen, struct outbuf *o)
{
	ZSTD_DStream *zs = ZSTD_createDStream();
	ZSTD_inBuffer zin = { in, inlen, 0 };
	size_t r;
	int err = 0;

	if (!zs)
		return mm_fail(ENOMEM, "zstd: cannot initialise libzstd");
	/* A frame may declare a huge window; refuse more than the cap. */
	ZSTD_DCtx_setParameter(zs, ZSTD_d_windowLogMax, 28);
	for (;;) {
		ZSTD_outBuffer zout;

		if (o->len == o->cap && (err = outbuf_grow(o)) < 0)
			goto out;
		zout = (ZSTD_outBuffer){ o->p + o->len, o->cap - o->len, 0 };
		r = ZSTD_decompressStream(zs, &zout, &zin);
		o->len += zout.pos;
		if (ZSTD_isError(r)) {
			err = mm_fail(EBADMSG, "zstd: corrupt compressed data (%s)",
				      ZSTD_getErrorName(r));
			goto out;
		}
		if (zin.pos < zin.size || zout.pos == zout.size)
			continue;
		/* All input consumed and the decoder flushed what it could. */
		if (r != 0)
			err = mm_fail(EBADMSG, "zstd: unexpected end of compressed data");
		break;
	}
out:
	ZSTD_freeDStream(zs);
	return err;
}

int ko_decompress(enum ko_comp comp, const void *data, size_t len, uint8_t **out, size_t *outlen)
{
	struct outbuf o = { 0 };
	int err;

	switch (comp) {
	case KO_COMP_GZIP:
		err = gunzip(data, len, &o);
		break;
	case KO_COMP_XZ:
		err = unxz(data, len, &o);
		break;
	case KO_COMP_ZSTD:
		err = unzstd(data, len, &o);
		break;
	default:
		err = mm_fail(EINVAL, "unknown compression");
		break;
	}
	if (err < 0) {
		free(o.p);
		return err;
	}
	*out = o.p;
	*outlen = o.len;
	return 0;
}

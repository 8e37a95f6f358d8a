// SPDX-License-Identifier: LGPL-2.1-or-later
/* Compressed modules: detected by magic, decompressed and compressed whole in memory. */
#include <errno.h>
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "ko-internal.h"
#include "mymod/util.h"

/*
 * zlib, liblzma and libzstd, each opened when a module of its format is
 * first read or written (few are: Debian's are not compressed), so that a
 * call that meets none does not pay for them at start. Their functions are
 * called through these tables; the names are redirected below.
 */
/* clang-format off */
#define ZLIB_FUNCS(X) \
	X(deflate) X(deflateBound) X(deflateEnd) X(deflateInit2_) X(inflate) X(inflateEnd) \
	X(inflateInit2_) X(inflateReset)
#define LZMA_FUNCS(X) \
	X(lzma_code) X(lzma_end) X(lzma_lzma_preset) X(lzma_stream_buffer_bound) \
	X(lzma_stream_buffer_encode) X(lzma_stream_decoder)
#define ZSTD_FUNCS(X) \
	X(ZSTD_DCtx_setParameter) X(ZSTD_compress) X(ZSTD_compressBound) X(ZSTD_createDStream) \
	X(ZSTD_decompressStream) X(ZSTD_freeDStream) X(ZSTD_getErrorName) X(ZSTD_isError)
/* clang-format on */
struct zlib_fns {
	ZLIB_FUNCS(MM_DL_MEMBER)
};
struct lzma_fns {
	LZMA_FUNCS(MM_DL_MEMBER)
};
struct zstd_fns {
	ZSTD_FUNCS(MM_DL_MEMBER)
};
static const char *const zlib_names[] = { ZLIB_FUNCS(MM_DL_NAME) };
static const char *const lzma_names[] = { LZMA_FUNCS(MM_DL_NAME) };
static const char *const zstd_names[] = { ZSTD_FUNCS(MM_DL_NAME) };
static MM_DL_TABLE(zlib_fns) zl;
static MM_DL_TABLE(lzma_fns) xz;
static MM_DL_TABLE(zstd_fns) zst;
static struct mm_dl libs[] = {
	[KO_COMP_GZIP] = MM_DL_INIT("libz.so.1", zlib_names, zl),
	[KO_COMP_XZ] = MM_DL_INIT("liblzma.so.5", lzma_names, xz),
	[KO_COMP_ZSTD] = MM_DL_INIT("libzstd.so.1", zstd_names, zst),
};

#define deflate			  (zl.f.deflate)
#define deflateBound		  (zl.f.deflateBound)
#define deflateEnd		  (zl.f.deflateEnd)
#define deflateInit2_		  (zl.f.deflateInit2_)
#define inflate			  (zl.f.inflate)
#define inflateEnd		  (zl.f.inflateEnd)
#define inflateInit2_		  (zl.f.inflateInit2_)
#define inflateReset		  (zl.f.inflateReset)
#define lzma_code		  (xz.f.lzma_code)
#define lzma_end		  (xz.f.lzma_end)
#define lzma_lzma_preset	  (xz.f.lzma_lzma_preset)
#define lzma_stream_buffer_bound  (xz.f.lzma_stream_buffer_bound)
#define lzma_stream_buffer_encode (xz.f.lzma_stream_buffer_encode)
#define lzma_stream_decoder	  (xz.f.lzma_stream_decoder)
#define ZSTD_DCtx_setParameter	  (zst.f.ZSTD_DCtx_setParameter)
#define ZSTD_compress		  (zst.f.ZSTD_compress)
#define ZSTD_compressBound	  (zst.f.ZSTD_compressBound)
#define ZSTD_createDStream	  (zst.f.ZSTD_createDStream)
#define ZSTD_decompressStream	  (zst.f.ZSTD_decompressStream)
#define ZSTD_freeDStream	  (zst.f.ZSTD_freeDStream)
#define ZSTD_getErrorName	  (zst.f.ZSTD_getErrorName)
#define ZSTD_isError		  (zst.f.ZSTD_isError)

/* The library of format COMP, opened: 0, or -errno with mm_fail(). */
static int open_lib(enum ko_comp comp)
{
	if (comp <= KO_COMP_NONE || (size_t)comp >= sizeof(libs) / sizeof(libs[0]) ||
	    !libs[comp].soname)
		return mm_fail(EINVAL, "unknown compression");
	return mm_dl_load(&libs[comp]);
}

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
	int err = open_lib(comp);

	if (err < 0)
		return err;
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

/* gzip -n: a gzip header without name or time, deflate at zlib's default level. */
static int gzip_buf(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen)
{
	z_stream zs = { 0 };
	uLong cap;
	int zr;

	if (len > UINT32_MAX || deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS,
					     8, Z_DEFAULT_STRATEGY) != Z_OK)
		return mm_fail(ENOMEM, "gzip: cannot initialise zlib");
	cap = deflateBound(&zs, (uLong)len);
	*out = mm_malloc(cap);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = *out;
	zs.avail_out = (uInt)cap;
	zr = deflate(&zs, Z_FINISH);
	*outlen = zs.total_out;
	deflateEnd(&zs);
	return zr == Z_STREAM_END ? 0 : mm_fail(EIO, "gzip: compression failed");
}

/* xz --check=crc32 --lzma2=dict=1MiB, as the kernel's Makefile.modinst. */
static int xz_buf(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen)
{
	lzma_options_lzma opt;
	lzma_filter filters[2];
	size_t cap = lzma_stream_buffer_bound(len), pos = 0;

	if (lzma_lzma_preset(&opt, LZMA_PRESET_DEFAULT))
		return mm_fail(ENOMEM, "xz: cannot initialise liblzma");
	opt.dict_size = 1 << 20;
	filters[0] = (lzma_filter){ LZMA_FILTER_LZMA2, &opt };
	filters[1] = (lzma_filter){ LZMA_VLI_UNKNOWN, NULL };
	*out = mm_malloc(cap);
	if (lzma_stream_buffer_encode(filters, LZMA_CHECK_CRC32, NULL, in, len, *out, &pos, cap) !=
	    LZMA_OK)
		return mm_fail(EIO, "xz: compression failed");
	*outlen = pos;
	return 0;
}

static int zstd_buf(const uint8_t *in, size_t len, uint8_t **out, size_t *outlen)
{
	size_t cap = ZSTD_compressBound(len), n;

	*out = mm_malloc(cap);
	n = ZSTD_compress(*out, cap, in, len, ZSTD_CLEVEL_DEFAULT);
	if (ZSTD_isError(n))
		return mm_fail(EIO, "zstd: %s", ZSTD_getErrorName(n));
	*outlen = n;
	return 0;
}

int ko_compress(enum ko_comp comp, const void *data, size_t len, uint8_t **out, size_t *outlen)
{
	int err = open_lib(comp);

	*out = NULL;
	if (err < 0)
		return err;
	switch (comp) {
	case KO_COMP_GZIP:
		err = gzip_buf(data, len, out, outlen);
		break;
	case KO_COMP_XZ:
		err = xz_buf(data, len, out, outlen);
		break;
	case KO_COMP_ZSTD:
		err = zstd_buf(data, len, out, outlen);
		break;
	default:
		err = mm_fail(EINVAL, "unknown compression");
		break;
	}
	if (err < 0) {
		free(*out);
		*out = NULL;
	}
	return err;
}

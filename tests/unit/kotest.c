// SPDX-License-Identifier: LGPL-2.1-or-later
#include <lzma.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "kotest.h"
#include "mymod/util.h"

const char *fixture(const char *name)
{
	static char buf[4096];
	const char *dir = getenv("FIXTURES");

	if (!dir)
		fail_msg("FIXTURES is not set (run through meson test)");
	snprintf(buf, sizeof(buf), "%s/%s", dir, name);
	return buf;
}

static char sysroot[] = "/tmp/mymod-sysroot-XXXXXX";

int sysroot_setup(void **state MM_UNUSED)
{
	if (!mkdtemp(sysroot))
		return -1;
	mm_cfg.sysroot = sysroot;
	return 0;
}

int sysroot_teardown(void **state MM_UNUSED)
{
	char *cmd = mm_asprintf("rm -rf '%s'", sysroot);
	int r = system(cmd);

	free(cmd);
	return r;
}

const char *sysroot_dir(void)
{
	return sysroot;
}

static void sysroot_write(const char *rel, const char *text, const char *mode)
{
	char *path = mm_asprintf("%s%s", sysroot, rel);
	char *dir = mm_strdup(path);
	char *cmd;
	FILE *f;

	*strrchr(dir, '/') = '\0';
	cmd = mm_asprintf("mkdir -p '%s'", dir);
	assert_int_equal(system(cmd), 0);
	f = fopen(path, mode);
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(cmd);
	free(dir);
	free(path);
}

void sysroot_put(const char *rel, const char *text)
{
	sysroot_write(rel, text, "w");
}

void sysroot_append(const char *rel, const char *text)
{
	sysroot_write(rel, text, "a");
}

const char *test_kver(void)
{
	static char *kver;
	const char *src = getenv("SRCDIR");

	if (kver)
		return kver;
	if (!src)
		fail_msg("SRCDIR is not set (run through meson test)");
	kver = cmd_output("'%s/tests/fixtures/kver.sh'", src);
	if (!*kver)
		fail_msg("kver.sh found no kernel release");
	return kver;
}

uint8_t *slurp(const char *path, size_t *len)
{
	char *buf;
	int err = mm_read_file(path, &buf, len);

	if (err < 0)
		fail_msg("cannot read %s: %s", path, strerror(-err));
	return (uint8_t *)buf;
}

char *cmd_output(const char *fmt, ...)
{
	char *cmd, *out = NULL;
	size_t cap = 0, len;
	va_list ap;
	FILE *f;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&cmd, fmt, ap);
	va_end(ap);
	if (r < 0)
		fail_msg("out of memory");
	f = popen(cmd, "r");
	if (!f)
		fail_msg("cannot run %s", cmd);
	len = getdelim(&out, &cap, '\0', f);
	if (pclose(f) != 0)
		fail_msg("command failed: %s", cmd);
	free(cmd);
	if ((ssize_t)len < 0)
		len = 0;
	if (!out)
		out = mm_strdup("");
	while (len && out[len - 1] == '\n')
		out[--len] = '\0';
	return out;
}

char *write_temp(const void *data, size_t len, const char *suffix)
{
	char *path = mm_asprintf("%s/mymod-ko-test-XXXXXX%s",
				 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp", suffix);
	int fd = mkstemps(path, (int)strlen(suffix));

	if (fd < 0 || write(fd, data, len) != (ssize_t)len)
		fail_msg("cannot write %s", path);
	close(fd);
	return path;
}

void _assert_str_or_null(const char *a, const char *b, const char *file, int line)
{
	if (a == b || (a && b && strcmp(a, b) == 0))
		return;
	fail_msg("%s:%d: [%s] != [%s]", file, line, a ? a : "(NULL)", b ? b : "(NULL)");
}

const struct ko_param *find_param(const struct ko_param *p, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].name, name) == 0)
			return &p[i];
	fail_msg("no parameter %s", name);
	return NULL;
}

uint8_t *gzip_buf(const void *in, size_t len, size_t *outlen)
{
	z_stream zs = { 0 };
	size_t cap = deflateBound(&zs, len) + 64;
	uint8_t *out = mm_malloc(cap);

	if (deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		fail_msg("deflateInit2");
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)len;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		fail_msg("deflate");
	*outlen = zs.total_out;
	deflateEnd(&zs);
	return out;
}

uint8_t *xz_buf(const void *in, size_t len, size_t *outlen)
{
	size_t cap = lzma_stream_buffer_bound(len);
	uint8_t *out = mm_malloc(cap);

	*outlen = 0;
	if (lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in, len, out, outlen, cap) !=
	    LZMA_OK)
		fail_msg("lzma_easy_buffer_encode");
	return out;
}

uint8_t *zstd_buf(const void *in, size_t len, size_t *outlen)
{
	size_t cap = ZSTD_compressBound(len);
	uint8_t *out = mm_malloc(cap);

	ZSTD_CCtx *zc = ZSTD_createCCtx();

	/* With a checksum, as the zstd tool writes by default. */
	ZSTD_CCtx_setParameter(zc, ZSTD_c_compressionLevel, 19);
	ZSTD_CCtx_setParameter(zc, ZSTD_c_checksumFlag, 1);
	*outlen = ZSTD_compress2(zc, out, cap, in, len);
	ZSTD_freeCCtx(zc);
	if (ZSTD_isError(*outlen))
		fail_msg("ZSTD_compress2");
	return out;
}

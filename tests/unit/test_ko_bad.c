// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The ko layer on bad input: every case must fail with a message (or, for
 * damage outside what is asked, answer what it can), never crash; the
 * sanitizer build runs these too.
 */
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "kotest.h"
#include "mymod/util.h"

/* hello.ko in memory (x86_64: Elf64, little-endian, as the host). */
struct img {
	uint8_t *p;
	size_t len;
};

static struct img hello(void)
{
	struct img m;

	m.p = slurp(fixture("hello.ko"), &m.len);
	return m;
}

static Elf64_Ehdr *ehdr(struct img *m)
{
	return (Elf64_Ehdr *)m->p;
}

static Elf64_Shdr *shdr(struct img *m, size_t i)
{
	return (Elf64_Shdr *)(m->p + ehdr(m)->e_shoff) + i;
}

static size_t section(struct img *m, const char *name)
{
	Elf64_Shdr *strtab = shdr(m, ehdr(m)->e_shstrndx);

	for (size_t i = 1; i < ehdr(m)->e_shnum; i++)
		if (strcmp((char *)m->p + strtab->sh_offset + shdr(m, i)->sh_name, name) == 0)
			return i;
	fail_msg("no section %s", name);
	return 0;
}

/*
 * ko_open_mem, and ko_open on the same bytes in a file (read lazily
 * through the descriptor), must fail with ERR (0: any) and a message
 * containing WORDS.
 */
static void expect_open_fail(const void *data, size_t len, int err, const char *words)
{
	char *tmp = write_temp(data, len, ".ko");
	struct ko *ko = NULL;
	int r, rf;

	mm_clearerr();
	r = ko_open_mem(data, len, "bad.ko", &ko);
	if (r >= 0) {
		ko_close(ko);
		fail_msg("opened a bad image (expected \"%s\")", words);
	}
	if (err)
		assert_int_equal(r, err);
	if (!strstr(mm_errmsg(), words))
		fail_msg("message [%s] lacks [%s]", mm_errmsg(), words);

	mm_clearerr();
	rf = ko_open(tmp, &ko);
	unlink(tmp);
	free(tmp);
	if (rf >= 0) {
		ko_close(ko);
		fail_msg("opened a bad file (expected \"%s\")", words);
	}
	assert_int_equal(rf, r);
	if (!strstr(mm_errmsg(), words))
		fail_msg("file: message [%s] lacks [%s]", mm_errmsg(), words);
}

/* Whether open_img() goes through a file (lazy reads) or memory; main() runs both. */
static bool via_file;

static struct ko *open_img(struct img *m)
{
	struct ko *ko = NULL;
	char *tmp;
	int err;

	if (!via_file) {
		if (ko_open_mem(m->p, m->len, "patched.ko", &ko) < 0)
			fail_msg("ko_open_mem: %s", mm_errmsg());
		return ko;
	}
	tmp = write_temp(m->p, m->len, ".ko");
	err = ko_open(tmp, &ko);
	/* The descriptor stays open: later lazy reads still work. */
	unlink(tmp);
	free(tmp);
	if (err < 0)
		fail_msg("ko_open: %s", mm_errmsg());
	return ko;
}

static void test_empty_and_missing(void **state MM_UNUSED)
{
	struct ko *ko;
	char *tmp = write_temp("", 0, ".ko");
	char *dir = mm_asprintf("%s.d", tmp);

	assert_int_equal(ko_open(tmp, &ko), -ENOEXEC);
	assert_non_null(strstr(mm_errmsg(), "empty"));
	expect_open_fail("", 0, -ENOEXEC, "empty");
	assert_int_equal(ko_open("/nonexistent/x.ko", &ko), -ENOENT);
	assert_true(*mm_errmsg());
	assert_int_equal(mkdir(dir, 0700), 0);
	assert_int_equal(ko_open(dir, &ko), -EISDIR);
	rmdir(dir);
	unlink(tmp);
	free(dir);
	free(tmp);
}

static void test_not_elf(void **state MM_UNUSED)
{
	static const char text[] = "#!/bin/sh\necho this is not a module\n";
	struct img m = hello();

	expect_open_fail(text, sizeof(text), -ENOEXEC, "not an ELF file");
	m.p[EI_CLASS] = 7;
	expect_open_fail(m.p, m.len, -ENOEXEC, "class");
	m.p[EI_CLASS] = ELFCLASS64;
	ehdr(&m)->e_type = ET_EXEC;
	expect_open_fail(m.p, m.len, -ENOEXEC, "not a relocatable object");
	ehdr(&m)->e_type = ET_REL;
	ehdr(&m)->e_shentsize = 32;
	expect_open_fail(m.p, m.len, -ENOEXEC, "section header size");
	free(m.p);
}

static void test_truncated(void **state MM_UNUSED)
{
	struct img m = hello();
	size_t shoff = ehdr(&m)->e_shoff;
	const size_t cuts[] = { 4, 20, 63, 64, 0x300, shoff, shoff + 1, shoff + 100, m.len - 1 };

	assert_true(shoff > 0x300 && shoff < m.len);
	for (size_t i = 0; i < MM_ARRAY_SIZE(cuts); i++)
		expect_open_fail(m.p, cuts[i], -ENOEXEC, "");
	expect_open_fail(m.p, 4, -ENOEXEC, "not an ELF file");
	expect_open_fail(m.p, 20, -ENOEXEC, "header truncated");
	expect_open_fail(m.p, 63, -ENOEXEC, "header truncated");
	expect_open_fail(m.p, shoff + 100, -ENOEXEC, "section header table");
	free(m.p);
}

/*
 * Cut the file inside its largest section, then append the section names
 * and table again (what is appended must be smaller than the section).
 */
static void test_truncated_inside_section(void **state MM_UNUSED)
{
	struct img m = hello();
	size_t mi = 0, strndx = ehdr(&m)->e_shstrndx;
	size_t strsz = shdr(&m, strndx)->sh_size, cut, shoff;
	size_t tablen = (size_t)ehdr(&m)->e_shnum * sizeof(Elf64_Shdr);
	const char *name;

	for (size_t i = 1; i < ehdr(&m)->e_shnum; i++)
		if (shdr(&m, i)->sh_type != SHT_NOBITS &&
		    (!mi || shdr(&m, i)->sh_size > shdr(&m, mi)->sh_size))
			mi = i;
	assert_true(shdr(&m, mi)->sh_size > strsz + tablen + 32);
	name = (char *)m.p + shdr(&m, strndx)->sh_offset + shdr(&m, mi)->sh_name;
	cut = shdr(&m, mi)->sh_offset + 10;
	shoff = (cut + strsz + 7) & ~(size_t)7;
	uint8_t *p = mm_calloc(1, shoff + tablen);
	Elf64_Shdr *sh = (Elf64_Shdr *)(p + shoff);
	char want[128];

	memcpy(p, m.p, cut);
	memcpy(p + cut, m.p + shdr(&m, strndx)->sh_offset, strsz);
	memcpy(sh, m.p + ehdr(&m)->e_shoff, tablen);
	((Elf64_Ehdr *)p)->e_shoff = shoff;
	sh[strndx].sh_offset = cut;
	/* Sections before it stored after the cut would be reported first. */
	for (size_t i = 1; i < mi; i++)
		if (sh[i].sh_offset >= cut)
			sh[i].sh_size = 0;
	snprintf(want, sizeof(want), "section %zu (%s) extends past the end of the file", mi, name);
	expect_open_fail(p, shoff + tablen, -ENOEXEC, want);
	free(p);
	free(m.p);
}

static void test_bad_offsets(void **state MM_UNUSED)
{
	struct img m = hello();
	size_t mi = section(&m, ".modinfo");
	Elf64_Shdr saved = *shdr(&m, mi);
	char want[64];

	snprintf(want, sizeof(want), "section %zu (.modinfo) extends past the end", mi);
	ehdr(&m)->e_shoff = m.len + 4096;
	expect_open_fail(m.p, m.len, -ENOEXEC, "past the end");
	ehdr(&m)->e_shoff = m.len - 8;
	expect_open_fail(m.p, m.len, -ENOEXEC, "section header table");
	ehdr(&m)->e_shoff = (uint64_t)-64;
	expect_open_fail(m.p, m.len, -ENOEXEC, "past the end");

	m = (free(m.p), hello());
	/* offset + size wraps around. */
	shdr(&m, mi)->sh_offset = UINT64_MAX - 8;
	shdr(&m, mi)->sh_size = 0x100;
	expect_open_fail(m.p, m.len, -ENOEXEC, want);
	*shdr(&m, mi) = saved;
	shdr(&m, mi)->sh_size = UINT64_MAX;
	expect_open_fail(m.p, m.len, -ENOEXEC, want);
	*shdr(&m, mi) = saved;
	shdr(&m, mi)->sh_size = m.len - saved.sh_offset + 1;
	expect_open_fail(m.p, m.len, -ENOEXEC, want);
	*shdr(&m, mi) = saved;
	ehdr(&m)->e_shstrndx = 999;
	expect_open_fail(m.p, m.len, -ENOEXEC, "section name table");
	free(m.p);
}

/* The relocations of __param, by sh_info as the reader finds them; *N: how many (optional). */
static Elf64_Rela *param_rela(struct img *m, size_t *n)
{
	size_t param = section(m, "__param");

	for (size_t i = 1; i < ehdr(m)->e_shnum; i++) {
		if (shdr(m, i)->sh_type == SHT_RELA && shdr(m, i)->sh_info == param) {
			if (n)
				*n = shdr(m, i)->sh_size / sizeof(Elf64_Rela);
			return (Elf64_Rela *)(m->p + shdr(m, i)->sh_offset);
		}
	}
	fail_msg("no relocation section for __param");
	return NULL;
}

static Elf64_Sym *symbol(struct img *m, size_t i)
{
	return (Elf64_Sym *)(m->p + shdr(m, section(m, ".symtab"))->sh_offset) + i;
}

/* Set the addend of every __param relocation at FIELD of its entry (struct kernel_param). */
static void for_each_param_reloc(struct img *m, uint64_t field, int64_t addend)
{
	size_t n;
	Elf64_Rela *r = param_rela(m, &n);

	for (size_t i = 0; i < n; i++)
		if (r[i].r_offset % 40 == field)
			r[i].r_addend = addend;
}

/* ko_params on M fails with a message containing WORDS; the module still opens. */
static void expect_params_fail(struct img *m, const char *words)
{
	const struct ko_param *p;
	struct ko *ko = open_img(m);
	size_t n;

	mm_clearerr();
	assert_int_equal(ko_params(ko, &p, &n), -ENOEXEC);
	if (!strstr(mm_errmsg(), words))
		fail_msg("message [%s] lacks [%s]", mm_errmsg(), words);
	ko_close(ko);
}

static void test_param_reloc_out_of_range(void **state MM_UNUSED)
{
	struct img m = hello();
	Elf64_Rela *r = param_rela(&m, NULL);
	const struct ko_param *p;
	const struct ko_export *e;
	size_t n;
	struct ko *ko;

	r[0].r_info = ELF64_R_INFO(0xffffff, ELF64_R_TYPE(r[0].r_info));
	ko = open_img(&m);
	assert_int_equal(ko_params(ko, &p, &n), -ENOEXEC);
	assert_non_null(strstr(mm_errmsg(), "symbol"));
	/* The rest of the module still reads. */
	assert_int_equal(ko_exports(ko, &e, &n), 0);
	assert_int_equal(n, 3);
	ko_close(ko);

	/* A relocation that points a value outside its section: said, not a missing value. */
	m = (free(m.p), hello());
	for_each_param_reloc(&m, 32, 0x7fffffff);
	expect_params_fail(&m, "of __param points outside .");

	/* The ops of a parameter pointing past one of the kernel's kernel_param_ops. */
	m = (free(m.p), hello());
	for_each_param_reloc(&m, 16, 0x7fffffff);
	expect_params_fail(&m, "of __param points outside ");
	m = (free(m.p), hello());
	r = param_rela(&m, NULL);
	for (size_t i = 0;; i++) {
		if (r[i].r_offset % 40 == 16 && !symbol(&m, ELF64_R_SYM(r[i].r_info))->st_shndx) {
			char want[128];

			r[i].r_addend = 8;
			snprintf(want, sizeof(want),
				 "relocation %zu of __param points outside param_ops_", i);
			expect_params_fail(&m, want);
			break;
		}
	}

	/* A relocation that applies past the end of __param. */
	m = (free(m.p), hello());
	param_rela(&m, NULL)[5].r_offset = shdr(&m, section(&m, "__param"))->sh_size;
	expect_params_fail(&m, "relocation 5 of __param applies at offset");
	free(m.p);
}

/* A symbol's name outside the string table, or a table without its final NUL. */
static void test_symbol_names_outside(void **state MM_UNUSED)
{
	struct img m = hello();
	size_t strtab = shdr(&m, section(&m, ".symtab"))->sh_link;

	symbol(&m, 3)->st_name = (uint32_t)shdr(&m, strtab)->sh_size + 100;
	expect_params_fail(&m, "the name of symbol 3 (offset ");
	m = (free(m.p), hello());
	m.p[shdr(&m, strtab)->sh_offset + shdr(&m, strtab)->sh_size - 1] = 'x';
	expect_params_fail(&m, "does not end with a NUL byte");
	free(m.p);
}

static void test_damaged_tables(void **state MM_UNUSED)
{
	struct img m = hello();
	size_t symtab = section(&m, ".symtab"), param = section(&m, "__param");
	size_t mi = section(&m, ".modinfo");
	const struct ko_param *p;
	const struct ko_export *e;
	const struct ko_import *im;
	const struct ko_modinfo *kv;
	const char *last;
	size_t n;
	struct ko *ko;

	shdr(&m, symtab)->sh_link = 9999;
	ko = open_img(&m);
	assert_int_equal(ko_exports(ko, &e, &n), -ENOEXEC);
	assert_non_null(strstr(mm_errmsg(), "string table"));
	assert_true(ko_imports(ko, &im, &n) <= 0);
	ko_close(ko);

	m = (free(m.p), hello());
	shdr(&m, param)->sh_size -= 1;
	ko = open_img(&m);
	assert_int_equal(ko_params(ko, &p, &n), -ENOEXEC);
	assert_non_null(strstr(mm_errmsg(), "__param"));
	ko_close(ko);

	/* .modinfo without its final NUL: the last entry ends at the section's end. */
	m = (free(m.p), hello());
	shdr(&m, mi)->sh_size -= 1;
	ko = open_img(&m);
	assert_int_equal(ko_modinfo(ko, &kv, &n), 0);
	last = kv[n - 1].value;
	assert_true(strlen(last) > 0);
	ko_close(ko);
	free(m.p);
}

/* Extended modversions whose CRC count does not match the names (AArch64: Elf64 LE). */
static void test_bad_ext_versions(void **state MM_UNUSED)
{
	struct img m;
	const struct ko_version *v;
	const struct ko_import *im;
	struct ko *ko;
	size_t n;

	m.p = slurp(fixture("foreign/foreign-ext-aarch64.o"), &m.len);
	shdr(&m, section(&m, "__version_ext_crcs"))->sh_size -= 4;
	ko = open_img(&m);
	assert_int_equal(ko_versions(ko, &v, &n), -ENOEXEC);
	assert_non_null(strstr(mm_errmsg(), "CRCs for"));
	assert_int_equal(ko_imports(ko, &im, &n), -ENOEXEC);
	ko_close(ko);
	free(m.p);
}

/*
 * The file cut short after it was opened: __version_ext_crcs and
 * __version_ext_names can no longer be read, which is said, with no
 * arithmetic on the pointers that were not had (UBSan's pointer-overflow).
 */
static void test_ext_versions_unreadable(void **state MM_UNUSED)
{
	size_t len, n;
	uint8_t *data = slurp(fixture("foreign/foreign-ext-aarch64.o"), &len);
	char *tmp = write_temp(data, len, ".ko");
	const struct ko_version *v;
	struct ko *ko = NULL;

	if (ko_open(tmp, &ko) < 0)
		fail_msg("ko_open: %s", mm_errmsg());
	assert_int_equal(truncate(tmp, sizeof(Elf64_Ehdr)), 0);
	assert_int_equal(ko_versions(ko, &v, &n), -EIO);
	assert_non_null(strstr(mm_errmsg(), "cannot read"));
	ko_close(ko);
	unlink(tmp);
	free(tmp);
	free(data);
}

static void check_corrupt(uint8_t *c, size_t clen, const char *name)
{
	uint8_t *bad = mm_malloc(clen);

	/* Damaged in the middle. */
	memcpy(bad, c, clen);
	for (size_t i = clen / 2; i < clen / 2 + 16; i++)
		bad[i] ^= 0x5a;
	expect_open_fail(bad, clen, 0, name);
	/* Cut short. */
	expect_open_fail(c, clen / 2, -EBADMSG, name);
	expect_open_fail(c, 8, -EBADMSG, name);
	free(bad);
}

static void test_corrupt_streams(void **state MM_UNUSED)
{
	size_t len, clen;
	uint8_t *data = slurp(fixture("hello.ko"), &len), *c;

	c = gzip_buf(data, len, &clen);
	check_corrupt(c, clen, "gzip");
	free(c);
	c = xz_buf(data, len, &clen);
	check_corrupt(c, clen, "xz");
	free(c);
	c = zstd_buf(data, len, &clen);
	check_corrupt(c, clen, "zstd");
	free(c);
	/* Compressed garbage that is not ELF. */
	c = gzip_buf("hello", 5, &clen);
	expect_open_fail(c, clen, -ENOEXEC, "not an ELF file");
	free(c);
	free(data);
}

#define BOMB_MIB 300

static void test_bombs(void **state MM_UNUSED)
{
	static uint8_t zeros[1 << 20];
	size_t cap = 4 << 20, len = 0;
	uint8_t *out = mm_malloc(cap);
	z_stream zs = { 0 };
	ZSTD_CCtx *zc;

	/* gzip */
	assert_int_equal(deflateInit2(&zs, 1, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
			 Z_OK);
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	for (int i = 0; i < BOMB_MIB; i++) {
		zs.next_in = zeros;
		zs.avail_in = sizeof(zeros);
		assert_int_equal(deflate(&zs, i + 1 < BOMB_MIB ? Z_NO_FLUSH : Z_FINISH),
				 i + 1 < BOMB_MIB ? Z_OK : Z_STREAM_END);
	}
	len = zs.total_out;
	deflateEnd(&zs);
	expect_open_fail(out, len, -EFBIG, "exceeds the limit");

	/* zstd */
	zc = ZSTD_createCCtx();
	{
		ZSTD_outBuffer zo = { out, cap, 0 };

		for (int i = 0; i < BOMB_MIB; i++) {
			ZSTD_inBuffer zi = { zeros, sizeof(zeros), 0 };
			size_t r;

			do {
				r = ZSTD_compressStream2(zc, &zo, &zi,
							 i + 1 < BOMB_MIB ? ZSTD_e_continue
									  : ZSTD_e_end);
				assert_false(ZSTD_isError(r));
			} while (zi.pos < zi.size || (i + 1 == BOMB_MIB && r != 0));
		}
		len = zo.pos;
	}
	ZSTD_freeCCtx(zc);
	expect_open_fail(out, len, -EFBIG, "exceeds the limit");
	free(out);
}

static void append(struct img *m, const void *p, size_t n)
{
	m->p = mm_realloc(m->p, m->len + n);
	memcpy(m->p + m->len, p, n);
	m->len += n;
}

static void add_trailer(struct img *m, uint8_t algo, uint8_t hash, uint8_t id_type,
			uint8_t signer_len, uint8_t key_id_len, uint32_t sig_len)
{
	static const char magic[] = "~Module signature appended~\n";
	uint8_t info[12] = { algo,
			     hash,
			     id_type,
			     signer_len,
			     key_id_len,
			     0,
			     0,
			     0,
			     (uint8_t)(sig_len >> 24),
			     (uint8_t)(sig_len >> 16),
			     (uint8_t)(sig_len >> 8),
			     (uint8_t)sig_len };

	append(m, info, sizeof(info));
	append(m, magic, strlen(magic));
}

static void test_bad_signatures(void **state MM_UNUSED)
{
	const struct ko_signature *s;
	struct img m = hello();
	struct ko *ko;

	/* A length larger than the file. */
	add_trailer(&m, 0, 0, 2, 0, 0, 0x7fffffff);
	ko = open_img(&m);
	assert_int_equal(ko_signature(ko, &s), -EBADMSG);
	assert_non_null(strstr(mm_errmsg(), "signature"));
	ko_close(ko);

	/* PKCS#7 that is not DER. */
	m = (free(m.p), hello());
	append(&m, "garbage garbage garbage", 23);
	add_trailer(&m, 0, 0, 2, 0, 0, 23);
	ko = open_img(&m);
	assert_int_equal(ko_signature(ko, &s), -EBADMSG);
	assert_non_null(strstr(mm_errmsg(), "PKCS#7"));
	ko_close(ko);

	/* An old-style (X.509 id) signature: the pieces as stored. */
	m = (free(m.p), hello());
	append(&m, "Signer", 6);
	append(&m, "\x01\x02\x03", 3);
	append(&m, "SIGNATURE", 9);
	add_trailer(&m, 1, 4, 1, 6, 3, 9);
	ko = open_img(&m);
	assert_int_equal(ko_signature(ko, &s), 0);
	assert_non_null(s);
	assert_string_equal(s->id_type, "X509");
	assert_string_equal(s->algo, "RSA");
	assert_string_equal(s->hash_algo, "sha256");
	assert_string_equal(s->signer, "Signer");
	assert_int_equal(s->key_id_len, 3);
	assert_memory_equal(s->key_id, "\x01\x02\x03", 3);
	assert_int_equal(s->sig_len, 9);
	assert_memory_equal(s->sig, "SIGNATURE", 9);
	ko_close(ko);

	/* Unknown id type and algorithms: present, with what can be read. */
	m = (free(m.p), hello());
	append(&m, "xyz", 3);
	add_trailer(&m, 9, 99, 7, 0, 0, 3);
	ko = open_img(&m);
	assert_int_equal(ko_signature(ko, &s), 0);
	assert_non_null(s);
	assert_string_equal(s->id_type, "unknown (7)");
	assert_null(s->algo);
	assert_null(s->hash_algo);
	assert_int_equal(s->sig_len, 3);
	ko_close(ko);

	/* Only the magic, nothing before it fits. */
	expect_open_fail("~Module signature appended~\n", 28, -ENOEXEC, "not an ELF file");
	free(m.p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty_and_missing),
		cmocka_unit_test(test_not_elf),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_truncated_inside_section),
		cmocka_unit_test(test_ext_versions_unreadable),
		cmocka_unit_test(test_bad_offsets),
		cmocka_unit_test(test_param_reloc_out_of_range),
		cmocka_unit_test(test_symbol_names_outside),
		cmocka_unit_test(test_damaged_tables),
		cmocka_unit_test(test_bad_ext_versions),
		cmocka_unit_test(test_corrupt_streams),
		cmocka_unit_test(test_bombs),
		cmocka_unit_test(test_bad_signatures),
	};

	int failed;

	failed = cmocka_run_group_tests_name("in memory", tests, NULL, NULL);
	via_file = true;
	failed += cmocka_run_group_tests_name("through a file", tests, NULL, NULL);
	return failed;
}

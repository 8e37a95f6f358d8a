// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The ko layer on real modules: the Kbuild reference module hello.ko, a
 * signed Debian module, compressed copies, and one C source compiled for
 * three foreign architectures. Expected values come from the sources
 * (tests/fixtures/hello.c, tests/fixtures/foreign/foreign.c) or from
 * independent tools (kmod's modinfo and modprobe, binutils).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kotest.h"
#include "mymod/util.h"

static struct ko *open_ok(const char *path)
{
	struct ko *ko = NULL;
	int err = ko_open(path, &ko);

	if (err < 0)
		fail_msg("ko_open %s: %s", path, mm_errmsg());
	return ko;
}

struct pexp {
	const char *name, *type, *ops;
	int perm;
	const char *desc, *value;
};

/* tests/fixtures/hello.c */
static const struct pexp hello_params[] = {
	{ "whom", "charp", "param_ops_charp", 0644, "Whom to greet", "world" },
	{ "count", "int", "param_ops_int", 0444, "How many times to greet", "3" },
	{ "loud", "bool", "param_ops_bool", 0, "Greet in capitals (perm 0: not in sysfs)", "N" },
	{ "levels", "array of int", "param_array_ops", 0644, "Up to four levels", "1,2,3,4" },
	{ "greeting", "string", "param_ops_string", 0600, "The greeting word", "hello" },
	{ "mode", NULL, "hello_mode_ops", 0644, NULL, NULL },
};

/* tests/fixtures/foreign/foreign.c */
static const struct pexp foreign_params[] = {
	{ "whom", "charp", "param_ops_charp", 0644, "Whom to greet", "world" },
	{ "count", "int", "param_ops_int", 0444, "How many times", "-7" },
	{ "loud", "bool", "param_ops_bool", 0, NULL, "Y" },
	{ "levels", "array of int", "param_array_ops", 0644, "Up to four levels", "10,20,30" },
	{ "greeting", "string", "param_ops_string", 0600, "The greeting word", "hi" },
	/* 0xbeef as the kernel prints a hexint: "%#08x" (kernel/params.c). */
	{ "mask", "hexint", "param_ops_hexint", 0644, NULL, "0x00beef" },
	{ "port", "ushort", "param_ops_ushort", 0444, NULL, "65535" },
	{ "offset", "long", "param_ops_long", 0644, NULL, "-5" },
	{ "zeroed", "int", "param_ops_int", 0644, NULL, "0" },
	{ "mode", NULL, "foreign_mode_ops", 0644, NULL, NULL },
	/* A second entry of that name: the text of its name, shadowed. */
	{ "count", "int", "param_ops_int", 0400, "How many times", "9" },
};

/* The parameter NAME with permissions PERM (which tell entries of one name apart). */
static const struct ko_param *find_entry(const struct ko_param *p, size_t n, const char *name,
					 int perm)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].name, name) == 0 && p[i].perm == perm)
			return &p[i];
	fail_msg("no parameter %s with permissions %04o", name, (unsigned int)perm);
	return NULL;
}

/*
 * Exactly the parameters EXP, and the later entries of a name shadowed:
 * the kernel sets the first entry of a name only.
 */
static void check_params(struct ko *ko, const struct pexp *exp, size_t nexp)
{
	const struct ko_param *p;
	size_t n;

	if (ko_params(ko, &p, &n) < 0)
		fail_msg("ko_params: %s", mm_errmsg());
	assert_int_equal(n, nexp);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(p[i].shadowed, find_param(p, n, p[i].name) != &p[i]);
	for (size_t i = 0; i < nexp; i++) {
		const struct ko_param *q = find_entry(p, n, exp[i].name, exp[i].perm);

		assert_str_or_null(q->type, exp[i].type);
		assert_str_or_null(q->ops, exp[i].ops);
		assert_int_equal(q->perm, exp[i].perm);
		assert_str_or_null(q->description, exp[i].desc);
		assert_str_or_null(q->default_value, exp[i].value);
	}
}

static void check_hello_modinfo(struct ko *ko)
{
	const struct ko_modinfo *kv;
	size_t n, nparm = 0;

	assert_int_equal(ko_modinfo(ko, &kv, &n), 0);
	assert_true(n > 10);
	for (size_t i = 0; i < n; i++)
		if (strcmp(kv[i].key, "parm") == 0)
			nparm++;
	assert_int_equal(nparm, 5);
	assert_string_equal(ko_modinfo_get(ko, "license"), "GPL");
	assert_string_equal(ko_modinfo_get(ko, "version"), "1.2.3");
	assert_string_equal(ko_modinfo_get(ko, "alias"), "greeter");
	assert_string_equal(ko_modinfo_get(ko, "author"), "mymod developers");
	assert_string_equal(ko_modinfo_get(ko, "depends"), "");
	assert_null(ko_modinfo_get(ko, "no-such-key"));
	assert_string_equal(ko_name(ko), "hello");
}

/* Each key's values as kmod's modinfo -F prints them (parm is reformatted by kmod). */
static void test_hello_modinfo_vs_kmod(void **state MM_UNUSED)
{
	const char *path = fixture("hello.ko");
	struct ko *ko = open_ok(path);
	const struct ko_modinfo *kv;
	size_t n;

	check_hello_modinfo(ko);
	assert_int_equal(ko_modinfo(ko, &kv, &n), 0);
	for (size_t i = 0; i < n; i++) {
		char *exp, *got;

		if (strcmp(kv[i].key, "parm") == 0 || strcmp(kv[i].key, "parmtype") == 0)
			continue;
		got = mm_strdup("");
		for (size_t j = 0; j < n; j++) {
			char *s;

			if (strcmp(kv[j].key, kv[i].key) != 0)
				continue;
			s = mm_asprintf("%s%s%s", got, *got ? "\n" : "", kv[j].value);
			free(got);
			got = s;
		}
		exp = cmd_output("modinfo -F '%s' '%s'", kv[i].key, path);
		assert_string_equal(got, exp);
		free(exp);
		free(got);
	}
	ko_close(ko);
}

static void test_hello_params(void **state MM_UNUSED)
{
	struct ko *ko = open_ok(fixture("hello.ko"));

	check_params(ko, hello_params, MM_ARRAY_SIZE(hello_params));
	ko_close(ko);
}

/* Each export's CRC is what modpost wrote to the fixtures' Module.symvers. */
static void check_export_crcs_vs_symvers(const struct ko_export *e, size_t n)
{
	char *path = mm_asprintf("%s/Module.symvers", getenv("FIXTURES"));
	FILE *f = fopen(path, "r");
	char line[512];
	size_t matched = 0;

	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned int crc;
		char name[256];

		if (sscanf(line, "0x%x %255s", &crc, name) != 2)
			continue;
		for (size_t i = 0; i < n; i++) {
			if (strcmp(e[i].name, name) != 0)
				continue;
			assert_true(e[i].has_crc);
			assert_int_equal(e[i].crc, crc);
			matched++;
		}
	}
	fclose(f);
	free(path);
	assert_int_equal(matched, n);
}

static void test_hello_exports(void **state MM_UNUSED)
{
	struct ko *ko = open_ok(fixture("hello.ko"));
	const struct ko_export *e;
	size_t n;
	int seen = 0;

	assert_int_equal(ko_exports(ko, &e, &n), 0);
	assert_int_equal(n, 3);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(e[i].name, "hello_greet") == 0) {
			assert_false(e[i].gpl);
			assert_null(e[i].ns);
			seen |= 1;
		} else if (strcmp(e[i].name, "hello_count") == 0) {
			assert_true(e[i].gpl);
			assert_null(e[i].ns);
			seen |= 2;
		} else if (strcmp(e[i].name, "hello_whom") == 0) {
			assert_true(e[i].gpl);
			assert_str_or_null(e[i].ns, "HELLO");
			seen |= 4;
		}
	}
	assert_int_equal(seen, 7);
	check_export_crcs_vs_symvers(e, n);
	ko_close(ko);
}

/* __versions exactly as modprobe --dump-modversions prints it. */
static void check_versions_vs_modprobe(const char *path)
{
	struct ko *ko = open_ok(path);
	const struct ko_version *v;
	char *exp, *got = mm_strdup("");
	size_t n;

	assert_int_equal(ko_versions(ko, &v, &n), 0);
	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		char *s = mm_asprintf("%s0x%08x\t%s\n", got, v[i].crc, v[i].name);

		free(got);
		got = s;
	}
	exp = cmd_output("modprobe --dump-modversions '%s'", path);
	got[strlen(got) - 1] = '\0';
	assert_string_equal(got, exp);
	free(exp);
	free(got);
	ko_close(ko);
}

/* Imports: the undefined symbols binutils' nm lists, with __versions CRCs. */
static void check_imports_vs_nm(const char *path)
{
	struct ko *ko = open_ok(path);
	const struct ko_import *im;
	const struct ko_version *v;
	char *exp, *got = mm_strdup(""), *sorted;
	size_t n, nv, ncrc = 0;

	assert_int_equal(ko_imports(ko, &im, &n), 0);
	assert_int_equal(ko_versions(ko, &v, &nv), 0);
	for (size_t i = 0; i < n; i++) {
		char *s = mm_asprintf("%s%s\n", got, im[i].name);

		free(got);
		got = s;
		for (size_t j = 0; j < nv; j++) {
			if (strcmp(v[j].name, im[i].name) == 0) {
				assert_true(im[i].has_crc);
				assert_int_equal(im[i].crc, v[j].crc);
				ncrc++;
			}
		}
	}
	assert_true(ncrc > 0);
	exp = cmd_output("nm -u '%s' | awk '{print $2}' | sort", path);
	sorted = cmd_output("printf '%%s' '%s' | sort", got);
	assert_string_equal(sorted, exp);
	free(sorted);
	free(exp);
	free(got);
	ko_close(ko);
}

/* The functions and objects hello defines, with the sizes nm -S shows. */
static void test_hello_symbols(void **state MM_UNUSED)
{
	struct ko *ko = open_ok(fixture("hello.ko"));
	const struct ko_symbol *s;
	size_t n;
	int seen = 0;

	assert_int_equal(ko_symbols(ko, &s, &n), 0);
	assert_true(n >= 4);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(s[i].name, "hello_greet") == 0) {
			assert_true(s[i].func);
			assert_true(s[i].size > 0);
			seen |= 1;
		} else if (strcmp(s[i].name, "count") == 0) {
			assert_false(s[i].func);
			assert_int_equal(s[i].size, sizeof(int));
			seen |= 2;
		} else if (strcmp(s[i].name, "greeting") == 0) {
			assert_int_equal(s[i].size, 16);
			seen |= 4;
		}
		assert_true(s[i].name[0] != '\0');
		assert_string_not_equal(s[i].name, "printk"); /* undefined: not its own */
	}
	assert_int_equal(seen, 7);
	ko_close(ko);
}

static void test_hello_versions_imports(void **state MM_UNUSED)
{
	check_versions_vs_modprobe(fixture("hello.ko"));
	check_imports_vs_nm(fixture("hello.ko"));
}

/* The image init_module() gets when forced: no vermagic, __versions not allocated; the rest as is.
 */
static void test_image_forced(void **state MM_UNUSED)
{
	struct ko *ko = open_ok(fixture("hello.ko")), *f = NULL;
	size_t len, flen, diff = 0;
	const uint8_t *img = ko_elf_image(ko, &len);
	uint8_t *forced = ko_image_forced(ko, true, true, &flen);
	char *flags;

	assert_non_null(ko_modinfo_get(ko, "vermagic"));
	assert_int_equal(flen, len);
	for (size_t i = 0; i < len; i++)
		diff += img[i] != forced[i];
	/* "vermagic=..." blanked, and one byte of __versions' section header (SHF_ALLOC). */
	assert_int_equal(diff, strlen("vermagic=") + strlen(ko_modinfo_get(ko, "vermagic")) + 1);
	assert_int_equal(ko_open_mem(forced, flen, "forced.ko", &f), 0);
	assert_null(ko_modinfo_get(f, "vermagic"));
	assert_string_equal(ko_modinfo_get(f, "license"), ko_modinfo_get(ko, "license"));
	flags = cmd_output("readelf -SW '%s' | awk '/ __versions / { print $(NF - 3) }'",
			   fixture("hello.ko"));
	assert_non_null(strchr(flags, 'A'));
	free(flags);
	free(forced);
	ko_close(f);
	/* Nothing asked, nothing changed. */
	forced = ko_image_forced(ko, false, false, &flen);
	assert_memory_equal(forced, img, len);
	free(forced);
	ko_close(ko);
}

static void test_hello_elf(void **state MM_UNUSED)
{
	const char *path = fixture("hello.ko");
	struct ko *ko = open_ok(path);
	const struct ko_elf_info *ei;
	const struct ko_section *secs;
	char *bid, *nsec;
	size_t n;
	bool modinfo = false;

	assert_int_equal(ko_elf_info(ko, &ei), 0);
	assert_int_equal(ei->elfclass, 64);
	assert_false(ei->big_endian);
	assert_string_equal(ei->machine_name, "x86_64");
	assert_true(ei->rela);
	bid = cmd_output("readelf -n '%s' | sed -n 's/.*Build ID: *//p'", path);
	assert_str_or_null(ei->build_id, bid);
	free(bid);

	assert_int_equal(ko_sections(ko, &secs, &n), 0);
	nsec = cmd_output("readelf -h '%s' | sed -n 's/.*Number of section headers: *//p'", path);
	assert_int_equal(n + 1, strtoul(nsec, NULL, 10));
	free(nsec);
	for (size_t i = 0; i < n; i++)
		if (strcmp(secs[i].name, ".modinfo") == 0 && secs[i].size > 0)
			modinfo = true;
	assert_true(modinfo);
	assert_true(ko_fd(ko) >= 0);
	assert_int_equal(ko_compression(ko), KO_COMP_NONE);
	assert_string_equal(ko_path(ko), path);
	{
		/* Read lazily, mapped on demand: the same bytes as the file. */
		size_t len, ilen, flen;
		uint8_t *data = slurp(path, &len);
		const void *img = ko_elf_image(ko, &ilen), *file = ko_file_data(ko, &flen);

		assert_int_equal(ilen, len);
		assert_int_equal(flen, len);
		assert_memory_equal(img, data, len);
		assert_memory_equal(file, data, len);
		free(data);
	}
	ko_close(ko);
}

static void check_same_as_plain(struct ko *plain, struct ko *comp)
{
	const struct ko_modinfo *a, *b;
	const struct ko_param *pa, *pb;
	size_t na, nb, la, lb;
	const void *ia, *ib;

	assert_int_equal(ko_modinfo(plain, &a, &na), 0);
	assert_int_equal(ko_modinfo(comp, &b, &nb), 0);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(a[i].key, b[i].key);
		assert_string_equal(a[i].value, b[i].value);
	}
	check_params(comp, hello_params, MM_ARRAY_SIZE(hello_params));
	assert_int_equal(ko_params(plain, &pa, &na), 0);
	assert_int_equal(ko_params(comp, &pb, &nb), 0);
	assert_int_equal(na, nb);
	ia = ko_elf_image(plain, &la);
	ib = ko_elf_image(comp, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(ia, ib, la);
}

static void test_compressed(void **state MM_UNUSED)
{
	static const struct {
		enum ko_comp comp;
		const char *suffix;
		uint8_t *(*compress)(const void *, size_t, size_t *);
	} kinds[] = {
		{ KO_COMP_GZIP, ".ko.gz", gzip_buf },
		{ KO_COMP_XZ, ".ko.xz", xz_buf },
		{ KO_COMP_ZSTD, ".ko.zst", zstd_buf },
	};
	const char *path = fixture("hello.ko");
	struct ko *plain = open_ok(path);
	size_t len;
	uint8_t *data = slurp(path, &len);

	for (size_t i = 0; i < MM_ARRAY_SIZE(kinds); i++) {
		size_t clen, flen;
		uint8_t *c = kinds[i].compress(data, len, &clen);
		char *tmp = write_temp(c, clen, kinds[i].suffix);
		/* Detected by content: a misleading name changes nothing. */
		char *tmp2 = write_temp(c, clen, ".ko");
		struct ko *ko = open_ok(tmp), *ko2 = open_ok(tmp2), *km = NULL;
		const void *fd;

		assert_int_equal(ko_compression(ko), kinds[i].comp);
		assert_int_equal(ko_compression(ko2), kinds[i].comp);
		assert_string_equal(ko_comp_name(ko_compression(ko)),
				    kinds[i].comp == KO_COMP_GZIP ? "gzip"
				    : kinds[i].comp == KO_COMP_XZ ? "xz"
								  : "zstd");
		fd = ko_file_data(ko, &flen);
		assert_int_equal(flen, clen);
		assert_memory_equal(fd, c, clen);
		check_same_as_plain(plain, ko);
		check_same_as_plain(plain, ko2);
		assert_int_equal(ko_open_mem(c, clen, "mem.ko", &km), 0);
		assert_int_equal(ko_fd(km), -1);
		check_same_as_plain(plain, km);
		assert_string_equal(ko_name(ko), "hello");
		ko_close(km);
		ko_close(ko2);
		ko_close(ko);
		unlink(tmp);
		unlink(tmp2);
		free(tmp);
		free(tmp2);
		free(c);
	}
	free(data);
	ko_close(plain);
}

static void hex(char *out, const uint8_t *p, size_t n)
{
	out[0] = '\0';
	for (size_t i = 0; i < n; i++)
		sprintf(out + 3 * i, "%02X%s", p[i], i + 1 < n ? ":" : "");
}

/* A Debian-signed module: what kmod's modinfo shows of the signature. */
static void test_signature_vs_kmod(void **state MM_UNUSED)
{
	char *path = mm_asprintf("/lib/modules/%s/kernel/drivers/block/loop.ko", test_kver());
	struct ko *ko, *hello;
	const struct ko_signature *s;
	char *exp, buf[4096];

	if (access(path, R_OK) != 0)
		fail_msg("%s is missing (apt-get install linux-image-amd64)", path);
	ko = open_ok(path);
	assert_int_equal(ko_signature(ko, &s), 0);
	assert_non_null(s);
	exp = cmd_output("modinfo -F sig_id '%s'", path);
	assert_str_or_null(s->id_type, exp);
	free(exp);
	exp = cmd_output("modinfo -F signer '%s'", path);
	assert_str_or_null(s->signer, exp);
	free(exp);
	exp = cmd_output("modinfo -F sig_hashalgo '%s'", path);
	assert_str_or_null(s->hash_algo, exp);
	free(exp);
	exp = cmd_output("modinfo -F sig_key '%s'", path);
	assert_true(s->key_id_len * 3 < sizeof(buf));
	hex(buf, s->key_id, s->key_id_len);
	assert_string_equal(buf, exp);
	free(exp);
	exp = cmd_output("modinfo -F signature '%s' | tr -d ' \\t\\n'", path);
	assert_true(s->sig_len * 3 < sizeof(buf));
	hex(buf, s->sig, s->sig_len);
	assert_string_equal(buf, exp);
	free(exp);
	assert_string_equal(s->algo, "rsa");
	/*
	 * The kernel's key id: the raw serial (kmod's sig_key, with DER's
	 * leading zero where the top bit is set), then the issuer's RDNs
	 * (each a SET). The vm suite shows the kernel finds its key by it.
	 */
	{
		size_t zero = s->key_id[0] & 0x80 ? 1 : 0;

		assert_non_null(s->auth_id);
		assert_true(s->auth_id_len > zero + s->key_id_len);
		assert_memory_equal(s->auth_id + zero, s->key_id, s->key_id_len);
		assert_int_equal(s->auth_id[zero + s->key_id_len], 0x31);
	}
	check_versions_vs_modprobe(path);
	ko_close(ko);

	/* The Kbuild fixture is not signed. */
	hello = open_ok(fixture("hello.ko"));
	assert_int_equal(ko_signature(hello, &s), 0);
	assert_null(s);
	ko_close(hello);
	free(path);
}

/* foreign.c's modversions: the first N (3 in __versions, 4 in the extended form). */
static const struct ko_version foreign_versions[] = {
	{ "module_layout", 0x12345678 },
	{ "printk", 0x9abcdef0 },
	{ "param_ops_int", 0x0badf00d },
	{ "a_symbol_whose_name_is_longer_than_fifty_five_bytes_for_ext_versions", 0xfeedface },
};

static void check_versions(struct ko *ko, size_t nexp)
{
	const struct ko_version *v;
	size_t n;

	assert_int_equal(ko_versions(ko, &v, &n), 0);
	assert_int_equal(n, nexp);
	for (size_t i = 0; i < n; i++) {
		assert_string_equal(v[i].name, foreign_versions[i].name);
		assert_int_equal(v[i].crc, foreign_versions[i].crc);
	}
}

/* only_doc: a parm= text for a name __param does not have is not a parameter. */
static void check_foreign_unmatched(struct ko *ko)
{
	const struct ko_param *d;
	size_t n;

	assert_int_equal(ko_params_unmatched(ko, &d, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(d[0].name, "only_doc");
	assert_string_equal(d[0].description, "Documented but not a parameter");
	assert_null(d[0].type);
	assert_null(d[0].ops);
	assert_int_equal(d[0].perm, -1);
}

static void check_foreign(const char *file, int elfclass, bool be, const char *machine, bool rela)
{
	struct ko *ko = open_ok(fixture(file));
	const struct ko_elf_info *ei;
	const struct ko_export *e;
	const struct ko_import *im;
	const struct ko_modinfo *kv;
	size_t n;
	int seen = 0;

	assert_int_equal(ko_elf_info(ko, &ei), 0);
	assert_int_equal(ei->elfclass, elfclass);
	assert_int_equal(ei->big_endian, be);
	assert_string_equal(ei->machine_name, machine);
	assert_int_equal(ei->rela, rela);
	assert_str_or_null(ei->build_id, "0123456789abcdef");

	/* Empty padding is skipped; the entry without '=' is a key with "" (as kmod). */
	assert_int_equal(ko_modinfo(ko, &kv, &n), 0);
	assert_int_equal(n, 19);
	for (size_t i = 0; i < n; i++)
		assert_true(*kv[i].key);
	assert_string_equal(ko_modinfo_get(ko, "no equals sign here"), "");
	assert_string_equal(ko_modinfo_get(ko, "version"), "0.9");
	assert_string_equal(ko_modinfo_get(ko, "license"), "GPL");

	check_params(ko, foreign_params, MM_ARRAY_SIZE(foreign_params));
	check_foreign_unmatched(ko);

	assert_int_equal(ko_exports(ko, &e, &n), 0);
	assert_int_equal(n, 4);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(e[i].name, "foreign_new") == 0 && e[i].gpl && e[i].ns &&
		    strcmp(e[i].ns, "NEWNS") == 0)
			seen |= 8;
		if (strcmp(e[i].name, "foreign_greet") == 0 && !e[i].gpl && !e[i].ns)
			seen |= 1;
		if (strcmp(e[i].name, "foreign_count") == 0 && e[i].gpl && !e[i].ns)
			seen |= 2;
		if (strcmp(e[i].name, "foreign_whom") == 0 && e[i].gpl && e[i].ns &&
		    strcmp(e[i].ns, "FOREIGN") == 0)
			seen |= 4;
	}
	assert_int_equal(seen, 15);

	check_versions(ko, 3);

	seen = 0;
	assert_int_equal(ko_imports(ko, &im, &n), 0);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(im[i].name, "printk") == 0 && im[i].has_crc && im[i].crc == 0x9abcdef0)
			seen |= 1;
		if (strcmp(im[i].name, "param_ops_charp") == 0 && !im[i].has_crc)
			seen |= 2;
		if (strcmp(im[i].name, "foreign_greet") == 0)
			seen |= 4; /* defined here: not an import */
	}
	assert_int_equal(seen, 3);
	ko_close(ko);
}

static void test_foreign_arm(void **state MM_UNUSED)
{
	check_foreign("foreign/foreign-arm.o", 32, false, "ARM", false);
}

static void test_foreign_s390x(void **state MM_UNUSED)
{
	check_foreign("foreign/foreign-s390x.o", 64, true, "S390", true);
}

static void test_foreign_aarch64(void **state MM_UNUSED)
{
	check_foreign("foreign/foreign-aarch64.o", 64, false, "AArch64", true);
}

/* Extended modversions (>= 6.11): names of any length, CRCs in the file's byte order. */
static void test_foreign_ext_versions(void **state MM_UNUSED)
{
	static const char *const files[] = { "foreign/foreign-ext-arm.o",
					     "foreign/foreign-ext-s390x.o",
					     "foreign/foreign-ext-aarch64.o" };
	const char *long_name = foreign_versions[3].name;

	for (size_t f = 0; f < MM_ARRAY_SIZE(files); f++) {
		struct ko *ko = open_ok(fixture(files[f]));
		const struct ko_import *im;
		size_t n;
		bool seen = false;

		check_versions(ko, 4);
		assert_int_equal(ko_imports(ko, &im, &n), 0);
		for (size_t i = 0; i < n; i++)
			if (strcmp(im[i].name, long_name) == 0 && im[i].has_crc &&
			    im[i].crc == 0xfeedface)
				seen = true;
		assert_true(seen);
		check_params(ko, foreign_params, MM_ARRAY_SIZE(foreign_params));
		ko_close(ko);
	}
}

/*
 * A hexint is printed as the kernel's param_get_hexint() prints it,
 * "%#08x" (kernel/params.c): '#' adds no 0x to 0, so 0 is 00000000.
 * The AArch64 object's mask (0xbeef) patched in memory.
 */
static void test_hexint_format(void **state MM_UNUSED)
{
	static const struct {
		uint32_t v;
		const char *shown;
	} cases[] = { { 0, "00000000" }, { 0x1, "0x000001" }, { 0xdeadbeef, "0xdeadbeef" } };
	static const uint8_t beef[4] = { 0xef, 0xbe, 0, 0 };
	size_t len, n;
	uint8_t *data = slurp(fixture("foreign/foreign-aarch64.o"), &len), *at = NULL;
	const struct ko_param *p;
	struct ko *ko;

	for (uint8_t *q = data; q + 4 <= data + len; q++) {
		if (memcmp(q, beef, 4) == 0) {
			assert_null(at);
			at = q;
		}
	}
	assert_non_null(at);
	for (size_t i = 0; i < MM_ARRAY_SIZE(cases); i++) {
		for (int b = 0; b < 4; b++)
			at[b] = (uint8_t)(cases[i].v >> (8 * b));
		assert_int_equal(ko_open_mem(data, len, "mask.ko", &ko), 0);
		assert_int_equal(ko_params(ko, &p, &n), 0);
		assert_string_equal(find_param(p, n, "mask")->default_value, cases[i].shown);
		ko_close(ko);
	}
	free(data);
}

/*
 * In memory (ko_open_mem), on a big-endian file: the name comes from the
 * given path, and reading everything leaves the image as it was (it is
 * what init_module would be given).
 */
static void test_mem_image_untouched(void **state MM_UNUSED)
{
	size_t len, ilen, n;
	uint8_t *data = slurp(fixture("foreign/foreign-s390x.o"), &len);
	const struct ko_param *p;
	const struct ko_import *im;
	const struct ko_export *e;
	const void *img;
	struct ko *ko;

	assert_int_equal(ko_open_mem(data, len, "some/dir/my-mod.ko", &ko), 0);
	assert_string_equal(ko_name(ko), "my_mod");
	check_params(ko, foreign_params, MM_ARRAY_SIZE(foreign_params));
	assert_int_equal(ko_exports(ko, &e, &n), 0);
	assert_int_equal(ko_imports(ko, &im, &n), 0);
	assert_int_equal(ko_params(ko, &p, &n), 0);
	img = ko_elf_image(ko, &ilen);
	assert_int_equal(ilen, len);
	assert_memory_equal(img, data, len);
	ko_close(ko);
	free(data);
}

static void test_open_fd(void **state MM_UNUSED)
{
	int fd = open(fixture("hello.ko"), O_RDONLY | O_CLOEXEC);
	struct ko *ko;

	assert_true(fd >= 0);
	assert_int_equal(ko_open_fd(fd, "hello.ko", &ko), 0);
	assert_int_equal(ko_fd(ko), fd);
	check_params(ko, hello_params, MM_ARRAY_SIZE(hello_params));
	ko_close(ko);
	/* ko_close closed it. */
	assert_int_equal(fcntl(fd, F_GETFD), -1);
}

/* Everything the layer answers, from two opens of the same module. */
static void check_same_answers(struct ko *a, struct ko *b)
{
	const struct ko_modinfo *ma, *mb;
	const struct ko_param *pa, *pb;
	const struct ko_export *ea, *eb;
	const struct ko_import *ia, *ib;
	const struct ko_version *va, *vb;
	const struct ko_section *sa, *sb;
	const struct ko_signature *ga, *gb;
	const struct ko_elf_info *fa, *fb;
	size_t na, nb;

	assert_int_equal(ko_modinfo(a, &ma, &na), 0);
	assert_int_equal(ko_modinfo(b, &mb, &nb), 0);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(ma[i].key, mb[i].key);
		assert_string_equal(ma[i].value, mb[i].value);
	}
	assert_int_equal(ko_params(a, &pa, &na), 0);
	assert_int_equal(ko_params(b, &pb, &nb), 0);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(pa[i].name, pb[i].name);
		assert_str_or_null(pa[i].type, pb[i].type);
		assert_str_or_null(pa[i].ops, pb[i].ops);
		assert_int_equal(pa[i].perm, pb[i].perm);
		assert_str_or_null(pa[i].description, pb[i].description);
		assert_str_or_null(pa[i].default_value, pb[i].default_value);
	}
	assert_int_equal(ko_exports(a, &ea, &na), 0);
	assert_int_equal(ko_exports(b, &eb, &nb), 0);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(ea[i].name, eb[i].name);
		assert_int_equal(ea[i].gpl, eb[i].gpl);
		assert_str_or_null(ea[i].ns, eb[i].ns);
	}
	assert_int_equal(ko_imports(a, &ia, &na), 0);
	assert_int_equal(ko_imports(b, &ib, &nb), 0);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(ia[i].name, ib[i].name);
		assert_int_equal(ia[i].has_crc, ib[i].has_crc);
		assert_int_equal(ia[i].crc, ib[i].crc);
	}
	assert_int_equal(ko_versions(a, &va, &na), 0);
	assert_int_equal(ko_versions(b, &vb, &nb), 0);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(va[i].name, vb[i].name);
		assert_int_equal(va[i].crc, vb[i].crc);
	}
	assert_int_equal(ko_sections(a, &sa, &na), 0);
	assert_int_equal(ko_sections(b, &sb, &nb), 0);
	assert_int_equal(na, nb);
	for (size_t i = 0; i < na; i++) {
		assert_string_equal(sa[i].name, sb[i].name);
		assert_int_equal(sa[i].size, sb[i].size);
	}
	assert_int_equal(ko_elf_info(a, &fa), 0);
	assert_int_equal(ko_elf_info(b, &fb), 0);
	assert_int_equal(fa->machine, fb->machine);
	assert_str_or_null(fa->build_id, fb->build_id);
	assert_int_equal(ko_signature(a, &ga), 0);
	assert_int_equal(ko_signature(b, &gb), 0);
	assert_int_equal(ga == NULL, gb == NULL);
	if (ga) {
		assert_str_or_null(ga->signer, gb->signer);
		assert_int_equal(ga->sig_len, gb->sig_len);
		assert_memory_equal(ga->sig, gb->sig, ga->sig_len);
	}
	assert_string_equal(ko_name(a), ko_name(b));
}

/*
 * A file is read piecewise through its descriptor (whole sections, or
 * windows of large ones); memory is read in place. Both must agree, on
 * modules whose .data, .rodata and string tables are large.
 */
static void test_file_reads_match_memory(void **state MM_UNUSED)
{
	static const char *const mods[] = {
		"kernel/arch/x86/kvm/kvm.ko",
		"kernel/drivers/net/ethernet/intel/e1000e/e1000e.ko",
		"kernel/sound/pci/hda/snd-hda-intel.ko",
		"kernel/fs/nfs/nfs.ko",
		"kernel/drivers/block/loop.ko",
	};

	for (size_t i = 0; i < MM_ARRAY_SIZE(mods) + 1; i++) {
		char *path = i < MM_ARRAY_SIZE(mods)
				     ? mm_asprintf("/lib/modules/%s/%s", test_kver(), mods[i])
				     : mm_strdup(fixture("hello.ko"));
		struct ko *file = open_ok(path), *mem = NULL;
		size_t len;
		uint8_t *data = slurp(path, &len);

		assert_int_equal(ko_open_mem(data, len, path, &mem), 0);
		check_same_answers(file, mem);
		ko_close(mem);
		ko_close(file);
		free(data);
		free(path);
	}
}

/*
 * The certificates built into Debian's kernel image: one of them is the
 * key Debian's modules are signed with, so loop.ko verifies against them;
 * a changed copy does not; an unsigned module is said to be unsigned.
 */
static void test_image_certs(void **state MM_UNUSED)
{
	char *image = mm_asprintf("/boot/vmlinuz-%s", test_kver());
	char *path = mm_asprintf("/lib/modules/%s/kernel/drivers/block/loop.ko", test_kver());
	struct ko_cert *certs;
	char *buf, *mod, *cn, *id;
	size_t len, modlen, n, which;
	enum ko_verdict v;

	if (mm_read_file(image, &buf, &len) < 0)
		fail_msg("%s is missing (apt-get install linux-image-amd64)", image);
	assert_int_equal(ko_image_certs(buf, len, &certs, &n), 0);
	assert_true(n >= 1);
	assert_int_equal(mm_read_file(path, &mod, &modlen), 0);
	assert_int_equal(ko_verify_certs(mod, modlen, certs, n, &v, &which), 0);
	assert_int_equal(v, KO_VALID);
	assert_true(which < n);
	assert_int_equal(ko_cert_names(&certs[which], &cn, &id), 0);
	assert_non_null(id);
	assert_int_equal(strlen(id), 40); /* a SHA-1 subject key identifier */
	free(cn);
	free(id);
	mod[modlen / 2] ^= 1;
	assert_int_equal(ko_verify_certs(mod, modlen, certs, n, &v, &which), 0);
	assert_int_equal(v, KO_CHANGED);
	ko_certs_free(certs, n);
	/* Not a kernel image: a module, text, a bzImage cut short; a damaged payload. */
	assert_int_equal(ko_image_certs(mod, modlen, &certs, &n), -ENOEXEC);
	assert_int_equal(ko_image_certs("text", 4, &certs, &n), -ENOEXEC);
	assert_int_equal(ko_image_certs(buf, 65536, &certs, &n), -ENOEXEC);
	memset(buf + len / 2, 0, 4096);
	assert_int_equal(ko_image_certs(buf, len, &certs, &n), -EBADMSG);
	assert_null(certs);
	free(mod);
	free(buf);
	free(path);
	free(image);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hello_modinfo_vs_kmod),
		cmocka_unit_test(test_hello_params),
		cmocka_unit_test(test_hello_exports),
		cmocka_unit_test(test_hello_symbols),
		cmocka_unit_test(test_hello_versions_imports),
		cmocka_unit_test(test_hello_elf),
		cmocka_unit_test(test_image_forced),
		cmocka_unit_test(test_compressed),
		cmocka_unit_test(test_signature_vs_kmod),
		cmocka_unit_test(test_image_certs),
		cmocka_unit_test(test_foreign_arm),
		cmocka_unit_test(test_foreign_s390x),
		cmocka_unit_test(test_foreign_aarch64),
		cmocka_unit_test(test_foreign_ext_versions),
		cmocka_unit_test(test_hexint_format),
		cmocka_unit_test(test_mem_image_untouched),
		cmocka_unit_test(test_open_fd),
		cmocka_unit_test(test_file_reads_match_memory),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * modtree's readers for mymod check: Module.symvers (plain, or gzip'd in
 * /boot), the kernel configuration and its fallbacks, modules.dep order.
 * Each test builds a small module directory of its own under a temporary
 * base directory (-b).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <errno.h>
#include <zlib.h>

#include "mymod/modtree.h"
#include "mymod/util.h"

#define KVER "9.9.9-test"

static char base[] = "/tmp/mymod-modtree-XXXXXX";

static void put(const char *rel, const char *text)
{
	char *path = mm_asprintf("%s/%s", base, rel);
	char *cmd = mm_asprintf("mkdir -p \"$(dirname '%s')\"", path);
	FILE *f;

	assert_int_equal(system(cmd), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	free(cmd);
	free(path);
}

static void put_gz(const char *rel, const char *text)
{
	char *path = mm_asprintf("%s/%s", base, rel);
	gzFile gz;

	put(rel, "");
	gz = gzopen(path, "wb");
	assert_non_null(gz);
	assert_int_equal(gzputs(gz, text), (int)strlen(text));
	gzclose(gz);
	free(path);
}

static int setup(void **state)
{
	(void)state;
	if (!mkdtemp(base))
		return -1;
	mm_cfg.basedir = base;
	mm_cfg.kver = KVER;
	put("lib/modules/" KVER "/modules.dep",
	    "kernel/b/second.ko: kernel/a/first.ko\nkernel/a/first.ko:\n/abs/extra.ko:\n");
	return 0;
}

static int teardown(void **state)
{
	char *cmd = mm_asprintf("rm -rf '%s'", base);

	(void)state;
	assert_int_equal(system(cmd), 0);
	free(cmd);
	return 0;
}

static const char symvers[] =
	"0x4c9d28b0\tphys_base\tvmlinux\tEXPORT_SYMBOL\t\n"
	"0x84b45156\tcxl_thing\tvmlinux\tEXPORT_SYMBOL_GPL\tCXL\n"
	"0x0000abcd\tloop_register\tdrivers/block/my-loop\tEXPORT_SYMBOL_GPL\t\n";

static void symvers_fields(void **state)
{
	const struct modtree_symver *s;
	struct modtree_symvers *sv;
	struct modtree *mt;

	(void)state;
	put("lib/modules/" KVER "/build/Module.symvers", symvers);
	assert_int_equal(modtree_open(&mt), 0);
	assert_int_equal(modtree_symvers_open(mt, &sv), 0);
	assert_non_null(strstr(modtree_symvers_path(sv), "/build/Module.symvers"));
	s = modtree_symvers_find(sv, "phys_base");
	assert_non_null(s);
	assert_int_equal(s->crc, 0x4c9d28b0);
	assert_string_equal(s->owner, "vmlinux");
	assert_false(s->gpl);
	assert_null(s->ns);
	s = modtree_symvers_find(sv, "cxl_thing");
	assert_non_null(s);
	assert_true(s->gpl);
	assert_string_equal(s->ns, "CXL");
	s = modtree_symvers_find(sv, "loop_register");
	assert_non_null(s);
	assert_string_equal(s->owner, "my_loop"); /* the module's name, '_' form */
	assert_int_equal(s->crc, 0xabcd);
	assert_null(modtree_symvers_find(sv, "no_such_symbol"));
	modtree_symvers_close(sv);
	modtree_close(mt);
}

static void symvers_from_boot(void **state)
{
	char *p = mm_asprintf("%s/lib/modules/" KVER "/build/Module.symvers", base);
	struct modtree_symvers *sv;
	struct modtree *mt;

	(void)state;
	unlink(p);
	free(p);
	assert_int_equal(modtree_open(&mt), 0);
	assert_int_equal(modtree_symvers_open(mt, &sv), -ENOENT);
	assert_non_null(strstr(mm_errmsg(), "no Module.symvers"));
	put_gz("boot/symvers-" KVER ".gz", symvers);
	assert_int_equal(modtree_symvers_open(mt, &sv), 0);
	assert_non_null(strstr(modtree_symvers_path(sv), "/boot/symvers-" KVER ".gz"));
	assert_non_null(modtree_symvers_find(sv, "cxl_thing"));
	modtree_symvers_close(sv);
	/* A line that is not Module.symvers' is an error, not a guess. */
	put("lib/modules/" KVER "/build/Module.symvers", "0x1234\tonly_two\n");
	assert_int_equal(modtree_symvers_open(mt, &sv), -EINVAL);
	put("lib/modules/" KVER "/build/Module.symvers", "zz\tname\tvmlinux\tEXPORT_SYMBOL\t\n");
	assert_int_equal(modtree_symvers_open(mt, &sv), -EINVAL);
	assert_non_null(strstr(mm_errmsg(), "bad CRC"));
	modtree_close(mt);
}

static void kconfig_fallbacks(void **state)
{
	struct modtree_kconfig *kc;
	struct modtree *mt;
	char *p;

	(void)state;
	assert_int_equal(modtree_open(&mt), 0);
	assert_int_equal(modtree_kconfig_open(mt, &kc), -ENOENT);
	put("boot/config-" KVER, "# CONFIG_SMP is not set\nCONFIG_MODVERSIONS=y\n");
	assert_int_equal(modtree_kconfig_open(mt, &kc), 0);
	assert_null(modtree_kconfig_get(kc, "CONFIG_SMP"));
	assert_string_equal(modtree_kconfig_get(kc, "CONFIG_MODVERSIONS"), "y");
	assert_null(modtree_kconfig_release(kc)); /* no utsrelease.h */
	modtree_kconfig_close(kc);
	put("lib/modules/" KVER "/build/include/config/auto.conf", "CONFIG_SMP=y\n");
	put("lib/modules/" KVER "/build/include/generated/utsrelease.h",
	    "#define UTS_RELEASE \"" KVER "\"\n");
	assert_int_equal(modtree_kconfig_open(mt, &kc), 0);
	assert_non_null(strstr(modtree_kconfig_path(kc), "auto.conf"));
	assert_string_equal(modtree_kconfig_get(kc, "CONFIG_SMP"), "y");
	assert_string_equal(modtree_kconfig_release(kc), KVER);
	modtree_kconfig_close(kc);
	put("lib/modules/" KVER "/build/.config", "CONFIG_MODULE_SIG_HASH=\"sha256\"\n");
	assert_int_equal(modtree_kconfig_open(mt, &kc), 0);
	p = mm_asprintf("%s/lib/modules/" KVER "/build/.config", base);
	assert_string_equal(modtree_kconfig_path(kc), p);
	assert_string_equal(modtree_kconfig_get(kc, "CONFIG_MODULE_SIG_HASH"), "\"sha256\"");
	free(p);
	modtree_kconfig_close(kc);
	modtree_close(mt);
}

static int collect(const char *path, void *data)
{
	char **seen = data;
	char *s = mm_asprintf("%s%s;", *seen, path);

	free(*seen);
	*seen = s;
	return strstr(path, "/abs/") ? 7 : 0;
}

static void foreach_in_order(void **state)
{
	struct modtree *mt;
	char *seen = mm_strdup("");
	char *want;

	(void)state;
	assert_int_equal(modtree_open(&mt), 0);
	assert_int_equal(modtree_foreach_module(mt, collect, &seen), 7);
	want = mm_asprintf("%s/lib/modules/" KVER "/kernel/b/second.ko;%s/lib/modules/" KVER
			   "/kernel/a/first.ko;/abs/extra.ko;",
			   base, base);
	assert_string_equal(seen, want);
	free(want);
	free(seen);
	modtree_close(mt);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(symvers_fields),
		cmocka_unit_test(symvers_from_boot),
		cmocka_unit_test(kconfig_fallbacks),
		cmocka_unit_test(foreach_in_order),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

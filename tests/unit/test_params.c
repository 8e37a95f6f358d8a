// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * findings_param_value() on hello_dev.ko's own parameters: what the 6.1
 * kernel's parsers (kernel/params.c, lib/kstrtox.c) take and refuse, for
 * each type; and what the ko layer reads of their limits (an array's
 * size and element type, a string's buffer).
 */
#include <stdlib.h>
#include <string.h>

#include "kotest.h"
#include "mymod/findings.h"
#include "mymod/util.h"

static struct ko *dev;

static const struct ko_param *param(const char *name)
{
	const struct ko_param *p;
	size_t n;

	assert_int_equal(ko_params(dev, &p, &n), 0);
	for (size_t i = 0; i < n; i++)
		if (strcmp(p[i].name, name) == 0)
			return &p[i];
	fail_msg("hello_dev.ko has no parameter %s", name);
	return NULL;
}

/* VALUE for NAME: taken (WHY NULL), or refused with WHY in the words. */
static void expect(const char *name, const char *value, const char *why)
{
	char *got = findings_param_value(param(name), value, NULL);

	if (!why && got)
		fail_msg("%s=%s refused (%s), the kernel takes it", name, value, got);
	if (why && (!got || !strstr(got, why)))
		fail_msg("%s=%s: want [%s], got [%s]", name, value, why, got ? got : "taken");
	free(got);
}

static void test_limits(void **state MM_UNUSED)
{
	assert_int_equal(param("ports")->max, 3);
	assert_string_equal(param("ports")->elem_ops, "param_ops_uint");
	assert_int_equal(param("speed")->max, 0);
	assert_null(param("speed")->elem_ops);
}

static void test_integers(void **state MM_UNUSED)
{
	expect("speed", "4294967295", NULL);
	expect("speed", "4294967296", "out of range for uint (0 to 4294967295)");
	expect("speed", "-1", "not a number");
	expect("speed", "0x1f", NULL);
	expect("speed", "017", NULL);
	expect("speed", "018", "not a number"); /* octal */
	expect("speed", "+5", NULL);
	expect("speed", "5\n", NULL); /* echo's newline */
	expect("speed", "5 ", "not a number");
	expect("speed", "", "not a number");
	expect("speed", "0x", "not a number");
	expect("delta", "-32768", NULL);
	expect("delta", "-32769", "out of range for short (-32768 to 32767)");
	expect("delta", "32767", NULL);
	expect("delta", "32768", "out of range");
	expect("level", "255", NULL);
	expect("level", "256", "out of range for byte (0 to 255)");
	expect("mask", "0xffffffff", NULL);
	expect("mask", "0x100000000", "out of range for hexint");
	expect("big", "18446744073709551615", NULL);
	expect("big", "18446744073709551616", "out of range");
	expect("serial", "-2147483648", NULL);
	expect("serial", "2147483648", "out of range for int");
}

static void test_bools_strings(void **state MM_UNUSED)
{
	expect("enabled", "Y", NULL);
	expect("enabled", "on", NULL);
	expect("enabled", "off", NULL);
	expect("enabled", "yes", NULL); /* kstrtobool looks at the first letter */
	expect("enabled", "0", NULL);
	expect("enabled", "maybe", "not a boolean");
	expect("enabled", "o", "not a boolean");
	expect("quiet", "n", NULL);
	expect("quiet", "2", "not a boolean");
	expect("label", "anything at all", NULL);
	char *long_text = malloc(1026);
	memset(long_text, 'x', 1025);
	long_text[1025] = '\0';
	expect("label", long_text, "1025 bytes, more than charp's 1024");
	long_text[1024] = '\0';
	expect("label", long_text, NULL);
	free(long_text);
}

static void test_arrays(void **state MM_UNUSED)
{
	expect("ports", "1", NULL);
	expect("ports", "1,2,3", NULL);
	expect("ports", "1,2,3,4", "4 elements, more than the 3 it takes");
	expect("ports", "1,x", "element 2: 'x' is not a number");
	expect("ports", "1,,3", "element 2:");
	expect("ports", "1,-2", "element 2:");
	/* The module's own setter: only the kernel can tell. */
	expect("even", "3", NULL);
}

static int setup(void **state MM_UNUSED)
{
	return ko_open(fixture("hello_dev.ko"), &dev);
}

static int teardown(void **state MM_UNUSED)
{
	ko_close(dev);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_integers),
		cmocka_unit_test(test_bools_strings),
		cmocka_unit_test(test_arrays),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel layer's reading of stack traces in log text, on lines as
 * dmesg, a console and the journal print them: each frame's symbol,
 * offset, size, module and build id, and where they are in the line; the
 * release on the CPU: line; and lines that are neither.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mymod/kernel.h"
#include "mymod/util.h"

/* The frame of LINE (which must have one), with the texts of its parts. */
struct seen {
	struct kernel_frame f;
	char sym[64], mod[64], id[64], rest[64];
};

static void frame_of(const char *line, struct seen *s)
{
	assert_true(kernel_log_frame(line, strlen(line), &s->f));
	snprintf(s->sym, sizeof(s->sym), "%.*s", (int)s->f.sym_len, line + s->f.sym);
	snprintf(s->mod, sizeof(s->mod), "%.*s", (int)s->f.module_len, line + s->f.module);
	snprintf(s->id, sizeof(s->id), "%.*s", (int)s->f.build_id_len, line + s->f.build_id);
	snprintf(s->rest, sizeof(s->rest), "%s", line + s->f.end);
}

static void call_trace(void **state MM_UNUSED)
{
	struct seen s;

	frame_of("[   12.345678]  hello_init+0x1c/0x40 [hello]", &s);
	assert_string_equal(s.sym, "hello_init");
	assert_int_equal(s.f.offset, 0x1c);
	assert_int_equal(s.f.size, 0x40);
	assert_string_equal(s.mod, "hello");
	assert_string_equal(s.id, "");
	assert_string_equal(s.rest, "");
	assert_false(s.f.unreliable);
	assert_false(s.f.rip);

	frame_of("[   12.345678]  ? hello_warn_check+0xb/0x23 [hello_warn]\n", &s);
	assert_string_equal(s.sym, "hello_warn_check");
	assert_true(s.f.unreliable);
	assert_string_equal(s.rest, "\n");

	frame_of("[    3.000001]  do_one_initcall+0x44/0x200", &s);
	assert_string_equal(s.sym, "do_one_initcall");
	assert_int_equal(s.f.module_len, 0);
	assert_int_equal(s.f.size, 0x200);

	/* The suffixes GCC gives split and specialised functions. */
	frame_of(" [<ffffffffc0a5e01c>] foo_probe.cold.12+0x5/0x7d [foo-bar]", &s);
	assert_string_equal(s.sym, "foo_probe.cold.12");
	assert_string_equal(s.mod, "foo-bar");
}

static void rip_and_warning(void **state MM_UNUSED)
{
	struct seen s;

	frame_of("[ 1.5] RIP: 0010:hello_warn_check+0xb/0x23 [hello_warn]", &s);
	assert_true(s.f.rip);
	assert_string_equal(s.sym, "hello_warn_check");
	assert_int_equal(s.f.offset, 0xb);

	frame_of("[ 1.5] WARNING: CPU: 0 PID: 9 at /b/hello_warn.c:20 hello_warn_check+0xb/0x23 "
		 "[hello_warn]",
		 &s);
	assert_false(s.f.rip);
	assert_string_equal(s.sym, "hello_warn_check");
	assert_string_equal(s.mod, "hello_warn");
}

static void build_id(void **state MM_UNUSED)
{
	struct seen s;

	frame_of("[ 7.1]  hello_init+0x1c/0x40 [hello 0123456789abcdef0123456789abcdef01234567]",
		 &s);
	assert_string_equal(s.mod, "hello");
	assert_string_equal(s.id, "0123456789abcdef0123456789abcdef01234567");
	assert_string_equal(s.rest, "");
}

static void journal(void **state MM_UNUSED)
{
	struct seen s;

	frame_of("Dec 02 23:40:01 host kernel:  hello_init+0x1c/0x40 [hello]", &s);
	assert_string_equal(s.sym, "hello_init");
	assert_string_equal(s.mod, "hello");
	frame_of("<4>[ 1.0] hello_exit+0x0/0x5 [hello] extra words", &s);
	assert_string_equal(s.rest, " extra words");
}

static void not_frames(void **state MM_UNUSED)
{
	static const char *const lines[] = {
		"",
		"[   12.345678] hello: world",
		"[   12.345678] Modules linked in: hello_warn(O+) loop",
		"[ 1.0] RSP: 0018:ffffb0b8c0013d98 EFLAGS: 00010202",
		"+0x1/0x2",
		"a+0x/0x2",
		"a+0x1/0x",
		"a+0x1/0x2g",
		"a+0x12345678901234567/0x2",
		"a+0x1/0x2+0x3",
		"a+0x1 0x2",
		"Code: 48 89 e5 +0x",
	};
	struct kernel_frame f;

	for (size_t i = 0; i < MM_ARRAY_SIZE(lines); i++)
		assert_false(kernel_log_frame(lines[i], strlen(lines[i]), &f));
	/* The length given is the end: nothing past it is read. */
	assert_false(kernel_log_frame("hello_init+0x1c/0x40", 15, &f));
}

static void module_part_damaged(void **state MM_UNUSED)
{
	struct seen s;

	/* A bracket that is not a module: the frame is the kernel's. */
	frame_of("x+0x1/0x2 [not a module]", &s);
	assert_int_equal(s.f.module_len, 0);
	assert_string_equal(s.rest, " [not a module]");
	frame_of("x+0x1/0x2 [hello", &s);
	assert_int_equal(s.f.module_len, 0);
	frame_of("x+0x1/0x2 [hello xyz]", &s);
	assert_int_equal(s.f.module_len, 0);
}

static void release(void **state MM_UNUSED)
{
	static const char tainted[] = "[ 1.2] CPU: 0 PID: 123 Comm: insmod Tainted: G           O  "
				      "     6.1.0-57-amd64 #1  Debian 6.1.158-1";
	static const char clean[] = "[ 1.2] CPU: 3 PID: 1 Comm: swapper/0 Not tainted 6.12.9+ #14";
	static const char uid[] =
		"CPU: 0 UID: 0 PID: 1 Comm: a b Tainted: G W 6.13.0-rc1 #2 PREEMPT";
	size_t s, n;

	assert_true(kernel_log_release(tainted, strlen(tainted), &s, &n));
	assert_int_equal(n, strlen("6.1.0-57-amd64"));
	assert_memory_equal(tainted + s, "6.1.0-57-amd64", n);
	assert_true(kernel_log_release(clean, strlen(clean), &s, &n));
	assert_memory_equal(clean + s, "6.12.9+", n);
	assert_true(kernel_log_release(uid, strlen(uid), &s, &n));
	assert_memory_equal(uid + s, "6.13.0-rc1", n);
	assert_false(kernel_log_release("CPU: 0 PID: 1 Comm: x", 21, &s, &n));
	assert_false(kernel_log_release("hello #1", 8, &s, &n));
	assert_false(kernel_log_release("CPU: 0 PID: 1 Comm: x Not tainted #1", 36, &s, &n));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(call_trace), cmocka_unit_test(rip_and_warning),
		cmocka_unit_test(build_id),   cmocka_unit_test(journal),
		cmocka_unit_test(not_frames), cmocka_unit_test(module_part_damaged),
		cmocka_unit_test(release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for the kernel log: any bytes as the lines of a log
 * (kernel_log_events() directly), and as what /dev/kmsg returns after a
 * load (kernel_log_open() on a file under a private MYMOD sysroot, then
 * kernel_log_read() for a few module names and the events of what it
 * selects), as the whole log for kernel_log_module() (mymod log), and as
 * /proc/kallsyms for kernel_module_symbols() (mymod symbols). Every string
 * of every event, record and symbol is read, so that a dangling or
 * out-of-bounds pointer shows up under AddressSanitizer.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mymod/kernel.h"
#include "mymod/util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;
static char sysroot[] = "/tmp/mymod-fuzz-events.XXXXXX";
static char kmsg[sizeof(sysroot) + 16];
static char kallsyms[sizeof(sysroot) + 16];

static void touch(const char *s)
{
	if (s)
		sink += strlen(s);
}

static void events(const char *const *lines, size_t n)
{
	struct kernel_event *ev;
	size_t nev;

	kernel_log_events(lines, n, &ev, &nev);
	for (size_t i = 0; i < nev; i++) {
		touch(ev[i].line);
		touch(ev[i].name);
		touch(ev[i].value);
		touch(ev[i].expected);
		sink += (size_t)ev[i].kind + (size_t)ev[i].number;
	}
	kernel_events_free(ev, nev);
}

static void cleanup(void)
{
	unlink(kmsg);
	unlink(kallsyms);
	snprintf(kmsg, sizeof(kmsg), "%s/dev", sysroot);
	rmdir(kmsg);
	snprintf(kallsyms, sizeof(kallsyms), "%s/proc", sysroot);
	rmdir(kallsyms);
	rmdir(sysroot);
}

int LLVMFuzzerInitialize(int *argc MM_UNUSED, char ***argv MM_UNUSED)
{
	char dev[sizeof(kmsg)];

	if (!mkdtemp(sysroot))
		abort();
	snprintf(dev, sizeof(dev), "%s/dev", sysroot);
	snprintf(kmsg, sizeof(kmsg), "%s/dev/kmsg", sysroot);
	if (mkdir(dev, 0700) < 0)
		abort();
	snprintf(dev, sizeof(dev), "%s/proc", sysroot);
	snprintf(kallsyms, sizeof(kallsyms), "%s/proc/kallsyms", sysroot);
	if (mkdir(dev, 0700) < 0)
		abort();
	atexit(cleanup);
	mm_cfg.sysroot = sysroot;
	return 0;
}

/* DATA's lines (a NUL ends one too) as the log's texts. */
static void as_lines(const uint8_t *data, size_t size)
{
	char *buf = mm_strndup((const char *)data, size);
	const char **lines = NULL;
	size_t n = 0;

	for (char *p = buf, *end = buf + strlen(buf); p <= end; p += strcspn(p, "\n") + 1) {
		lines = mm_reallocarray(lines, n + 1, sizeof(*lines));
		lines[n++] = p;
		p[strcspn(p, "\n")] = '\0';
	}
	events(lines, n);
	free(lines);
	free(buf);
}

static const char *const names[] = { "hello", "hello_user", "hello_fail", "ofb", "tcp_scalable" };

/* Write DATA to PATH. */
static void put(const char *path, const uint8_t *data, size_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
}

/* DATA as the whole log, for mymod log: each module's records. */
static void as_module_log(const uint8_t *data, size_t size)
{
	put(kmsg, data, size);
	for (size_t i = 0; i < MM_ARRAY_SIZE(names); i++) {
		const struct kernel_log_record *r;
		struct kernel_log *log;
		size_t n;

		if (kernel_log_open_all(&log) < 0 ||
		    kernel_log_module(log, names[i], 0, &r, &n) < 0)
			abort();
		for (size_t k = 0; k < n; k++) {
			touch(r[k].text);
			sink += r[k].level + (size_t)r[k].usec + (size_t)r[k].seq;
		}
		kernel_log_close(log);
	}
}

/* DATA as /proc/kallsyms, for mymod symbols. */
static void as_kallsyms(const uint8_t *data, size_t size)
{
	put(kallsyms, data, size);
	for (size_t i = 0; i < MM_ARRAY_SIZE(names); i++) {
		struct kernel_sym *s;
		size_t n;

		if (kernel_module_symbols(names[i], &s, &n) < 0)
			abort();
		for (size_t k = 0; k < n; k++) {
			touch(s[k].name);
			sink += (size_t)s[k].addr + (size_t)s[k].type;
		}
		kernel_syms_free(s, n);
	}
}

/* DATA as the records /dev/kmsg gives after kernel_log_open(). */
static void as_kmsg(const uint8_t *data, size_t size)
{
	struct kernel_log *log;
	int fd = open(kmsg, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0)
		abort();
	if (kernel_log_open(&log) < 0)
		abort();
	if (write(fd, data, size) != (ssize_t)size)
		abort();
	close(fd);
	for (size_t i = 0; i < MM_ARRAY_SIZE(names); i++) {
		const char *const *lines;
		size_t n;

		if (kernel_log_read(log, names[i], &lines, &n) < 0)
			abort();
		events(lines, n);
	}
	kernel_log_close(log);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	as_lines(data, size);
	as_kmsg(data, size);
	as_module_log(data, size);
	as_kallsyms(data, size);
	return 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "mymod/kernel.h"
#include "mymod/util.h"

struct mm_config mm_cfg = {
	.basedir = "",
	.sysroot = "",
	.cmd = NULL,
};

static _Thread_local char errbuf[1024];

void mm_config_init(void)
{
	const char *s = getenv("MYMOD_SYSROOT");

	if (s && *s)
		mm_cfg.sysroot = s;
	mm_cfg.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
}

const char *mm_kver(void)
{
	return mm_cfg.kver ? mm_cfg.kver : kernel_release();
}

char *mm_moddir(char *buf, size_t len)
{
	const char *kver = mm_kver();
	int n;

	if (!kver)
		return NULL;
	n = snprintf(buf, len, "%s/lib/modules/%s", mm_cfg.basedir, kver);
	if (n < 0 || (size_t)n >= len)
		return NULL;
	return buf;
}

char *mm_syspath(char *buf, size_t len, const char *path)
{
	int n = snprintf(buf, len, "%s%s", mm_cfg.sysroot, path);

	if (n < 0 || (size_t)n >= len)
		return NULL;
	return buf;
}

int mm_fail(int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	return err > 0 ? -err : err;
}

const char *mm_errmsg(void)
{
	return errbuf;
}

void mm_clearerr(void)
{
	errbuf[0] = '\0';
}

/* kmod's word for syslog level PRIO. */
static const char *kmod_prio_name(int prio, char buf[16])
{
	static const char *const names[] = {
		[LOG_CRIT] = "FATAL",	 [LOG_ERR] = "ERROR", [LOG_WARNING] = "WARNING",
		[LOG_NOTICE] = "NOTICE", [LOG_INFO] = "INFO", [LOG_DEBUG] = "DEBUG",
	};

	if (prio >= LOG_CRIT && prio <= LOG_DEBUG)
		return names[prio];
	snprintf(buf, 16, "LOG-%03d", prio);
	return buf;
}

void mm_kmod_message(int prio, const char *text)
{
	static bool opened;
	const char *tool = mm_cfg.kmod_tool ? mm_cfg.kmod_tool : program_invocation_short_name;
	char buf[16];

	if (!mm_cfg.syslog) {
		fprintf(stderr, "%s: %s: %s", tool, kmod_prio_name(prio, buf), text);
		return;
	}
	if (!opened) {
		openlog(tool, LOG_CONS, LOG_DAEMON);
		opened = true;
	}
	syslog(prio, "%s: %s", kmod_prio_name(prio, buf), text);
}

MM_PRINTF(2, 0) static void vreport(const char *kind, const char *fmt, va_list ap)
{
	char *msg, *line;

	if (mm_cfg.quiet || (mm_cfg.kmod_tool && kind && strcmp(kind, "hint") == 0))
		return;
	if (mm_cfg.kmod_tool) {
		if (vasprintf(&msg, fmt, ap) < 0)
			return;
		line = mm_asprintf("%s\n", msg);
		mm_kmod_message(kind ? LOG_WARNING : LOG_ERR, line);
		free(line);
		free(msg);
		return;
	}
	fputs("mymod: ", stderr);
	if (mm_cfg.cmd)
		fprintf(stderr, "%s: ", mm_cfg.cmd);
	if (kind)
		fprintf(stderr, "%s: ", kind);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void mm_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(NULL, fmt, ap);
	va_end(ap);
}

void mm_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("warning", fmt, ap);
	va_end(ap);
}

void mm_hint(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport("hint", fmt, ap);
	va_end(ap);
}

static void *oom(void)
{
	fputs("mymod: out of memory\n", stderr);
	abort();
}

void *mm_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	return p ? p : oom();
}

void *mm_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	return p ? p : oom();
}

void *mm_realloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	return q ? q : oom();
}

void *mm_reallocarray(void *p, size_t n, size_t size)
{
	void *q = reallocarray(p, n ? n : 1, size ? size : 1);

	return q ? q : oom();
}

char *mm_strdup(const char *s)
{
	char *p = strdup(s);

	return p ? p : oom();
}

char *mm_strndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	return p ? p : oom();
}

char *mm_asprintf(const char *fmt, ...)
{
	va_list ap;
	char *s;
	int r;

	va_start(ap, fmt);
	r = vasprintf(&s, fmt, ap);
	va_end(ap);
	return r < 0 ? oom() : s;
}

static const char *const ko_suffixes[] = { ".ko", ".ko.gz", ".ko.xz", ".ko.zst" };

static size_t ko_suffix_len(const char *s)
{
	size_t len = strlen(s);

	for (size_t i = 0; i < MM_ARRAY_SIZE(ko_suffixes); i++) {
		size_t sl = strlen(ko_suffixes[i]);

		if (len > sl && strcmp(s + len - sl, ko_suffixes[i]) == 0)
			return sl;
	}
	return 0;
}

bool mm_is_module_file(const char *name)
{
	return ko_suffix_len(name) > 0;
}

bool mm_is_path(const char *arg)
{
	return strchr(arg, '/') || ko_suffix_len(arg) > 0;
}

char *mm_modname_from_path(const char *path)
{
	const char *base = strrchr(path, '/');
	char *name;

	base = base ? base + 1 : path;
	name = mm_strndup(base, strlen(base) - ko_suffix_len(base));
	return mm_modname_normalize(name);
}

char *mm_modname_normalize(char *name)
{
	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
	return name;
}

static char modname_char(char c)
{
	return c == '-' ? '_' : c;
}

bool mm_modname_eqn(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (modname_char(a[i]) != modname_char(b[i]))
			return false;
		if (!a[i])
			break;
	}
	return true;
}

bool mm_modname_eq(const char *a, const char *b)
{
	return mm_modname_eqn(a, b, SIZE_MAX);
}

int mm_read_all(mm_read_fn *rd, void *src, char **bufp, size_t *lenp)
{
	size_t len = 0, cap = 4096;
	char *buf = mm_malloc(cap);

	for (;;) {
		ssize_t r;

		if (len + 1 >= cap) {
			cap *= 2;
			buf = mm_realloc(buf, cap);
		}
		r = rd(src, buf + len, cap - len - 1);
		if (r < 0) {
			free(buf);
			return (int)r;
		}
		if (r == 0)
			break;
		len += (size_t)r;
	}
	buf[len] = '\0';
	*bufp = buf;
	if (lenp)
		*lenp = len;
	return 0;
}

/* mm_read_all()'s reader over a file descriptor. */
static ssize_t fd_read(void *src, void *buf, size_t len)
{
	ssize_t r;

	do
		r = read(*(int *)src, buf, len);
	while (r < 0 && errno == EINTR);
	return r < 0 ? -errno : r;
}

int mm_read_file(const char *path, char **bufp, size_t *lenp)
{
	int fd, err;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	err = mm_read_all(fd_read, &fd, bufp, lenp);
	close(fd);
	return err;
}

int mm_mkdir_parents(const char *path, mode_t mode)
{
	char *p = mm_strdup(path), *end = strrchr(p, '/');
	int err = 0;

	if (end)
		*end = '\0';
	for (char *s = p + 1; end && !err; s++) {
		bool last = *s == '\0';

		if (*s != '/' && !last)
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST)
			err = -errno;
		if (last)
			break;
		*s = '/';
	}
	free(p);
	return err;
}

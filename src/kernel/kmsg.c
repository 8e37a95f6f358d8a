// SPDX-License-Identifier: LGPL-2.1-or-later
/* The kernel log, /dev/kmsg: what it said about a module since a moment. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel-internal.h"
#include "mymod/kernel.h"
#include "mymod/util.h"

struct kernel_log {
	int fd;
	char **msgs; /* every message read so far */
	size_t nmsgs;
	const char **lines; /* the last kernel_log_read()'s selection */
};

/* The loader's messages that name no module (ELF checks, lockdown). */
static const char *const loader_prefixes[] = {
	"Invalid ", "Lockdown: ", "Module ", "module: ", "No module found",
};

int kernel_log_open(struct kernel_log **logp)
{
	struct kernel_log *log;
	char path[PATH_MAX];
	int fd;

	if (!mm_syspath(path, sizeof(path), "/dev/kmsg"))
		return mm_fail(ENAMETOOLONG, "path too long");
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return mm_fail(errno, "cannot read the kernel log %s: %s", path, strerror(errno));
	if (lseek(fd, 0, SEEK_END) < 0) {
		int err = errno;

		close(fd);
		return mm_fail(err, "cannot seek in the kernel log %s: %s", path, strerror(err));
	}
	log = mm_calloc(1, sizeof(*log));
	log->fd = fd;
	*logp = log;
	return 0;
}

/*
 * A record is "prio,seq,usec,flags[,...];text\n" followed by " KEY=VALUE\n"
 * lines; /dev/kmsg returns one per read, a plain file (tests) several.
 * Keep the texts.
 */
static void add_records(struct kernel_log *log, const char *buf)
{
	while (*buf) {
		size_t len = strcspn(buf, "\n");
		const char *text = memchr(buf, ';', len);

		if (buf[0] != ' ' && text) {
			text++;
			log->msgs = mm_reallocarray(log->msgs, log->nmsgs + 1, sizeof(*log->msgs));
			log->msgs[log->nmsgs++] = mm_strndup(text, (size_t)(buf + len - text));
		}
		buf += len;
		if (*buf == '\n')
			buf++;
	}
}

static bool is_name_char(char c)
{
	return isalnum((unsigned char)c) || c == '_' || c == '-';
}

/* Does TEXT contain NAME as a word, '-' and '_' alike? */
static bool names(const char *text, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = text; *p; p++) {
		if (p > text && is_name_char(p[-1]))
			continue;
		if (mm_modname_eqn(p, name, len) && !is_name_char(p[len]))
			return true;
	}
	return false;
}

static bool from_loader(const char *text)
{
	for (size_t i = 0; i < MM_ARRAY_SIZE(loader_prefixes); i++)
		if (strncmp(text, loader_prefixes[i], strlen(loader_prefixes[i])) == 0)
			return true;
	return false;
}

int kernel_log_read(struct kernel_log *log, const char *name, const char *const **linesp,
		    size_t *np)
{
	char rec[8192];
	size_t n = 0;

	for (;;) {
		ssize_t r = read(log->fd, rec, sizeof(rec) - 1);

		if (r < 0 && (errno == EINTR || errno == EPIPE))
			continue; /* EPIPE: records were overwritten; go on from the next */
		if (r < 0 && errno == EAGAIN)
			break;
		if (r < 0)
			return mm_fail(errno, "cannot read the kernel log: %s", strerror(errno));
		if (r == 0)
			break;
		rec[r] = '\0';
		add_records(log, rec);
	}
	free(log->lines);
	log->lines = mm_calloc(log->nmsgs + 1, sizeof(*log->lines));
	for (size_t i = 0; i < log->nmsgs; i++)
		if (names(log->msgs[i], name) || from_loader(log->msgs[i]))
			log->lines[n++] = log->msgs[i];
	*linesp = (const char *const *)log->lines;
	*np = n;
	return 0;
}

void kernel_log_close(struct kernel_log *log)
{
	if (!log)
		return;
	close(log->fd);
	for (size_t i = 0; i < log->nmsgs; i++)
		free(log->msgs[i]);
	free(log->msgs);
	free(log->lines);
	free(log);
}

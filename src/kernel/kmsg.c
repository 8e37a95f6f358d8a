// SPDX-License-Identifier: LGPL-2.1-or-later
/* The kernel log, /dev/kmsg: what it said about a module since a moment. */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel-internal.h"
#include "mymod/kernel.h"
#include "mymod/util.h"

struct kernel_log {
	int fd;
	char **msgs;			/* every message read so far */
	struct kernel_log_record *recs; /* the same, with their prefix's fields */
	size_t nmsgs;
	const char **lines;		  /* the last kernel_log_read()'s selection */
	struct kernel_log_record *picked; /* the last kernel_log_module()'s */
	size_t seen;			  /* messages kernel_log_module() has looked at */
	bool eof;			  /* the last read found the end of a plain file */
};

/* The loader's messages that name no module (ELF checks, lockdown). */
static const char *const loader_prefixes[] = {
	"Invalid ", "Lockdown: ", "Module ", "module: ", "No module found",
};

/* Open the log; AT_END: move to its end, so that only what is logged afterwards is read. */
static int log_open(struct kernel_log **logp, bool at_end)
{
	struct kernel_log *log;
	char path[PATH_MAX];
	int fd;

	if (!mm_syspath(path, sizeof(path), "/dev/kmsg"))
		return mm_fail(ENAMETOOLONG, "path too long");
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return mm_fail(errno, "cannot read the kernel log %s: %s", path, strerror(errno));
	if (at_end && lseek(fd, 0, SEEK_END) < 0) {
		int err = errno;

		close(fd);
		return mm_fail(err, "cannot seek in the kernel log %s: %s", path, strerror(err));
	}
	log = mm_calloc(1, sizeof(*log));
	log->fd = fd;
	*logp = log;
	return 0;
}

int kernel_log_open(struct kernel_log **logp)
{
	return log_open(logp, true);
}

int kernel_log_open_all(struct kernel_log **logp)
{
	return log_open(logp, false);
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
			struct kernel_log_record *r;

			text++;
			log->msgs = mm_reallocarray(log->msgs, log->nmsgs + 1, sizeof(*log->msgs));
			log->recs = mm_reallocarray(log->recs, log->nmsgs + 1, sizeof(*log->recs));
			r = &log->recs[log->nmsgs];
			*r = (struct kernel_log_record){ 0 };
			/* "prio,seq,usec,...": a field that does not parse stays 0. */
			if (sscanf(buf, "%u,%llu,%llu", &r->level, &r->seq, &r->usec) >= 1)
				r->level &= 7; /* the facility is in the bits above */
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

/* Read every record the log has now. */
static int drain(struct kernel_log *log)
{
	char rec[8192];

	log->eof = false;
	for (;;) {
		ssize_t r = read(log->fd, rec, sizeof(rec) - 1);

		if (r < 0 && (errno == EINTR || errno == EPIPE))
			continue; /* EPIPE: records were overwritten; go on from the next */
		if (r < 0 && errno == EAGAIN)
			return 0;
		if (r < 0)
			return mm_fail(errno, "cannot read the kernel log: %s", strerror(errno));
		if (r == 0) {
			log->eof = true; /* a plain file (tests): /dev/kmsg says EAGAIN */
			return 0;
		}
		rec[r] = '\0';
		add_records(log, rec);
	}
}

int kernel_log_read(struct kernel_log *log, const char *name, const char *const **linesp,
		    size_t *np)
{
	size_t n = 0;
	int err = drain(log);

	if (err < 0)
		return err;
	free(log->lines);
	log->lines = mm_calloc(log->nmsgs + 1, sizeof(*log->lines));
	for (size_t i = 0; i < log->nmsgs; i++)
		if (names(log->msgs[i], name) || from_loader(log->msgs[i]))
			log->lines[n++] = log->msgs[i];
	*linesp = (const char *const *)log->lines;
	*np = n;
	return 0;
}

/* "NAME" and then ':', or a driver's "NAME DEVICE: " (dev_printk, netdev_printk), '-' and '_'
 * alike. */
static bool printed_by(const char *text, const char *name)
{
	size_t len = strlen(name), dev;

	if (!mm_modname_eqn(text, name, len))
		return false;
	if (text[len] == ':')
		return true;
	if (text[len] != ' ')
		return false;
	/* The device's name holds a ':' ("0000:00:03.0", "1-1:"); a netdev's follows it. */
	dev = strcspn(text + len + 1, " ");
	return dev > 1 && memchr(text + len + 1, ':', dev);
}

/* A stack frame in module NAME: " func+0x10/0x20 [NAME]" (also "[NAME]" alone). */
static bool frame_in(const char *text, const char *name)
{
	size_t len = strlen(name);

	for (const char *p = strchr(text, '['); p; p = strchr(p + 1, '['))
		if (mm_modname_eqn(p + 1, name, len) && p[len + 1] == ']')
			return true;
	return false;
}

bool kernel_log_about(const char *text, const char *name)
{
	return printed_by(text, name) || frame_in(text, name);
}

/* Wait up to WAIT_MS (-1: until a signal) for the log to have more. */
static void wait_more(struct kernel_log *log, int wait_ms)
{
	struct pollfd p = { .fd = log->fd, .events = POLLIN };

	/* A plain file is always readable: sleep instead of spinning. */
	poll(log->eof ? NULL : &p, log->eof ? 0 : 1, log->eof && wait_ms < 0 ? 200 : wait_ms);
}

int kernel_log_module(struct kernel_log *log, const char *name, int wait_ms,
		      const struct kernel_log_record **recs, size_t *np)
{
	size_t n = 0;
	int err = drain(log);

	if (err == 0 && log->seen == log->nmsgs && wait_ms) {
		wait_more(log, wait_ms);
		err = drain(log);
	}
	if (err < 0)
		return err;
	free(log->picked);
	log->picked = mm_calloc(log->nmsgs - log->seen + 1, sizeof(*log->picked));
	for (; log->seen < log->nmsgs; log->seen++) {
		if (!kernel_log_about(log->msgs[log->seen], name))
			continue;
		log->picked[n] = log->recs[log->seen];
		log->picked[n++].text = log->msgs[log->seen];
	}
	*recs = log->picked;
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
	free(log->recs);
	free(log->lines);
	free(log->picked);
	free(log);
}

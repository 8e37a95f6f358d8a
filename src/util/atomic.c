// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Replacing a file all or nothing: written beside it, then renamed into
 * place, with the signals that would stop us half-way held until the
 * temporary file is either renamed or removed.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mymod/util.h"

static int write_all(int fd, const char *p, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Write DATA to the open temporary TMP (descriptor FD) and rename it to PATH. */
static int fill_and_rename(int fd, const char *tmp, const char *path, const void *data, size_t len,
			   mode_t mode)
{
	int err = write_all(fd, data, len);

	if (err == 0 && fchmod(fd, mode) < 0)
		err = -errno;
	if (err == 0 && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && err == 0)
		err = -errno;
	if (err == 0 && rename(tmp, path) < 0)
		err = -errno;
	return err;
}

int mm_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	static const int held[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	char *tmp = mm_asprintf("%s.XXXXXX", path);
	sigset_t set, old;
	int fd, err;

	sigemptyset(&set);
	for (size_t i = 0; i < MM_ARRAY_SIZE(held); i++)
		sigaddset(&set, held[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	fd = mkstemp(tmp);
	if (fd < 0) {
		err = mm_fail(errno, "cannot create a file beside %s: %s", path, strerror(errno));
	} else {
		err = fill_and_rename(fd, tmp, path, data, len, mode);
		if (err < 0) {
			unlink(tmp);
			mm_fail(-err, "cannot write %s: %s", path, strerror(-err));
		}
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(tmp);
	return err;
}

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
#include <sys/random.h>
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

/*
 * PATH's directory, opened with open() (kmod's testsuite redirects open(),
 * not mkstemp()'s or rename()'s paths, into its test root), and PATH's
 * last component in *BASE. -errno.
 */
static int open_dir_of(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	char *dir;
	int dfd;

	*base = slash ? slash + 1 : path;
	if (!slash)
		dir = mm_strdup(".");
	else
		dir = slash == path ? mm_strdup("/") : mm_strndup(path, (size_t)(slash - path));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(dir);
	return dfd < 0 ? -errno : dfd;
}

/* A new file BASE.XXXXXX in DFD, as mkstemp() makes one; its name in TMP. -errno. */
static int create_temp_at(int dfd, const char *base, char **tmp)
{
	static const char chars[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
	unsigned char r[6];
	int fd;

	for (int tries = 0; tries < 100; tries++) {
		if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r))
			return -EAGAIN;
		*tmp = mm_asprintf("%s.%c%c%c%c%c%c", base, chars[r[0] % 62], chars[r[1] % 62],
				   chars[r[2] % 62], chars[r[3] % 62], chars[r[4] % 62],
				   chars[r[5] % 62]);
		fd = openat(dfd, *tmp, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd < 0 ? -errno : fd;
		free(*tmp);
		*tmp = NULL;
	}
	return -EEXIST;
}

/* Write DATA to the open temporary TMP (descriptor FD) in DFD and rename it to BASE. */
static int fill_and_rename(int fd, int dfd, const char *tmp, const char *base, const void *data,
			   size_t len, mode_t mode)
{
	int err = write_all(fd, data, len);

	if (err == 0 && fchmod(fd, mode) < 0)
		err = -errno;
	if (err == 0 && fsync(fd) < 0)
		err = -errno;
	if (close(fd) < 0 && err == 0)
		err = -errno;
	if (err == 0 && renameat(dfd, tmp, dfd, base) < 0)
		err = -errno;
	return err;
}

int mm_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	static const int held[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	char *tmp = NULL;
	const char *base;
	sigset_t set, old;
	int dfd, fd, err;

	sigemptyset(&set);
	for (size_t i = 0; i < MM_ARRAY_SIZE(held); i++)
		sigaddset(&set, held[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	dfd = open_dir_of(path, &base);
	fd = dfd < 0 ? dfd : create_temp_at(dfd, base, &tmp);
	if (fd < 0) {
		err = mm_fail(-fd, "cannot create a file beside %s: %s", path, strerror(-fd));
	} else {
		err = fill_and_rename(fd, dfd, tmp, base, data, len, mode);
		if (err < 0) {
			unlinkat(dfd, tmp, 0);
			mm_fail(-err, "cannot write %s: %s", path, strerror(-err));
		}
	}
	if (dfd >= 0)
		close(dfd);
	sigprocmask(SIG_SETMASK, &old, NULL);
	free(tmp);
	return err;
}

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
#include <time.h>
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

/* Write DATA to the open temporary TMP (descriptor FD) in directory DFD and rename it to BASE. */
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

/*
 * PATH's directory, opened with open() (as kmod's depmod does, so that
 * kmod's testsuite, which rewrites open()'s paths, sees it), and *BASE
 * PATH's last component. -1 with errno when it cannot be opened.
 */
static int open_dir(const char *path, const char **base)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? mm_strndup(path, slash == path ? 1 : (size_t)(slash - path))
			  : mm_strdup(".");
	int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	*base = slash ? slash + 1 : path;
	free(dir);
	return dfd;
}

/* A new file "BASE.XXXXXX" in DFD, open for writing, its name in *TMP; -1 with errno. */
static int make_temp(int dfd, const char *base, char **tmp)
{
	static unsigned int counter;
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	for (int i = 0; i < 100; i++) {
		unsigned int r = (unsigned int)ts.tv_nsec ^ ((unsigned int)getpid() << 8) ^
				 (++counter * 2654435761u);
		int fd;

		*tmp = mm_asprintf("%s.%06x", base, r & 0xffffff);
		fd = openat(dfd, *tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0 || errno != EEXIST)
			return fd;
		free(*tmp);
		*tmp = NULL;
	}
	errno = EEXIST;
	return -1;
}

int mm_write_atomic(const char *path, const void *data, size_t len, mode_t mode)
{
	static const int held[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
	char *tmp = NULL;
	const char *base;
	sigset_t set, old;
	int fd = -1, dfd, err;

	sigemptyset(&set);
	for (size_t i = 0; i < MM_ARRAY_SIZE(held); i++)
		sigaddset(&set, held[i]);
	sigprocmask(SIG_BLOCK, &set, &old);
	dfd = open_dir(path, &base);
	if (dfd >= 0)
		fd = make_temp(dfd, base, &tmp);
	if (fd < 0) {
		err = mm_fail(errno, "cannot create a file beside %s: %s", path, strerror(errno));
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

// SPDX-License-Identifier: LGPL-2.1-or-later
/* The module system calls, and what stops them. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/module.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "kernel-internal.h"
#include "mymod/kernel.h"
#include "mymod/util.h"

#ifndef MODULE_INIT_COMPRESSED_FILE
#define MODULE_INIT_COMPRESSED_FILE 4
#endif

bool kernel_modules_disabled(void)
{
	char path[PATH_MAX];
	char *s;
	bool disabled;

	if (!mm_syspath(path, sizeof(path), "/proc/sys/kernel/modules_disabled") ||
	    mm_read_file(path, &s, NULL) < 0)
		return false;
	disabled = s[0] == '1';
	free(s);
	return disabled;
}

char *kernel_lockdown(void)
{
	char path[PATH_MAX];
	char *s, *open, *close, *mode = NULL;

	if (!mm_syspath(path, sizeof(path), "/sys/kernel/security/lockdown") ||
	    mm_read_file(path, &s, NULL) < 0)
		return NULL;
	/* "none [integrity] confidentiality": the bracketed one is in force. */
	open = strchr(s, '[');
	close = open ? strchr(open, ']') : NULL;
	if (close && strncmp(open + 1, "none", (size_t)(close - open - 1)) != 0)
		mode = mm_strndup(open + 1, (size_t)(close - open - 1));
	free(s);
	return mode;
}

bool kernel_can_decompress(enum ko_comp comp)
{
	char path[PATH_MAX];
	bool can;
	char *s;

	if (comp == KO_COMP_NONE)
		return true;
	if (!mm_syspath(path, sizeof(path), "/sys/module/compression") ||
	    mm_read_file(path, &s, NULL) < 0)
		return false;
	s[strcspn(s, "\n")] = '\0';
	can = strcmp(s, ko_comp_name(comp)) == 0;
	free(s);
	return can;
}

const char *kernel_load_method_name(enum kernel_load_method method)
{
	switch (method) {
	case KERNEL_LOAD_FINIT:
		return "finit_module";
	case KERNEL_LOAD_FINIT_COMPRESSED:
		return "finit_module (compressed)";
	case KERNEL_LOAD_INIT:
		return "init_module";
	case KERNEL_LOAD_FINIT_MEMFD:
		return "finit_module (memfd)";
	}
	return "?";
}

enum kernel_load_method kernel_load_method(struct ko *ko, unsigned int flags)
{
	enum ko_comp comp = ko_compression(ko);

	if (ko_fd(ko) >= 0) {
		if (comp == KO_COMP_NONE)
			return KERNEL_LOAD_FINIT;
		if (kernel_can_decompress(comp))
			return KERNEL_LOAD_FINIT_COMPRESSED;
	}
	/* init_module takes no flags: forcing needs finit_module on a file. */
	return flags ? KERNEL_LOAD_FINIT_MEMFD : KERNEL_LOAD_INIT;
}

static unsigned int init_flags(unsigned int flags)
{
	unsigned int f = 0;

	if (flags & KERNEL_LOAD_FORCE_VERMAGIC)
		f |= MODULE_INIT_IGNORE_VERMAGIC;
	if (flags & KERNEL_LOAD_FORCE_MODVERSION)
		f |= MODULE_INIT_IGNORE_MODVERSIONS;
	return f;
}

static int sys_finit(int fd, const char *params, unsigned int flags)
{
	return syscall(SYS_finit_module, fd, params, flags) < 0 ? -errno : 0;
}

/*
 * init_module() and delete_module() through libc's entry points (glibc has
 * them, undeclared), as libkmod calls them: kmod's testsuite interposes
 * these, and syscall() for finit_module, to stand in for the kernel.
 */
extern long init_module(void *image, unsigned long len, const char *params);
extern long delete_module(const char *name, unsigned int flags);

static int sys_init(const void *image, size_t len, const char *params)
{
	return init_module((void *)image, len, params) < 0 ? -errno : 0;
}

/*
 * The decompressed image in a memfd, reopened read-only: the kernel
 * refuses a file that is open for writing (ETXTBSY).
 */
static int image_memfd(const void *image, size_t len)
{
	char path[64];
	size_t off = 0;
	int fd, ro = -1;

	fd = memfd_create("mymod-module", MFD_CLOEXEC);
	if (fd < 0)
		return -errno;
	while (off < len) {
		ssize_t w = write(fd, (const char *)image + off, len - off);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			ro = -errno;
			goto out;
		}
		off += (size_t)w;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ro = open(path, O_RDONLY | O_CLOEXEC);
	if (ro < 0)
		ro = -errno;
out:
	close(fd);
	return ro;
}

/* init_module() has no flags: what they would make the kernel skip is stripped, as libkmod does. */
static int init_forced(struct ko *ko, const char *params, unsigned int flags)
{
	size_t len;
	void *image = ko_image_forced(ko, flags & KERNEL_LOAD_FORCE_MODVERSION,
				      flags & KERNEL_LOAD_FORCE_VERMAGIC, &len);
	int err;

	if (!image)
		return -ENOMEM;
	err = sys_init(image, len, params);
	free(image);
	return err;
}

int kernel_load(struct ko *ko, const char *params, unsigned int flags)
{
	const void *image;
	size_t len;
	int err, fd;

	switch (kernel_load_method(ko, flags)) {
	case KERNEL_LOAD_FINIT:
		err = sys_finit(ko_fd(ko), params, init_flags(flags));
		if (err != -ENOSYS)
			return err;
		if (flags)
			return init_forced(ko, params, flags);
		break; /* a kernel without finit_module: init_module below */
	case KERNEL_LOAD_FINIT_COMPRESSED:
		return sys_finit(ko_fd(ko), params,
				 init_flags(flags) | MODULE_INIT_COMPRESSED_FILE);
	case KERNEL_LOAD_FINIT_MEMFD:
		image = ko_elf_image(ko, &len);
		if (!image)
			return -ENOMEM;
		fd = image_memfd(image, len);
		if (fd < 0)
			return fd;
		err = sys_finit(fd, params, init_flags(flags));
		close(fd);
		return err;
	case KERNEL_LOAD_INIT:
		break;
	}
	image = ko_elf_image(ko, &len);
	if (!image)
		return -ENOMEM;
	return sys_init(image, len, params);
}

int kernel_unload(const char *name, unsigned int flags)
{
	char *mod = mm_modname_normalize(mm_strdup(name));
	int err;

	err = delete_module(mod, O_NONBLOCK | ((flags & KERNEL_UNLOAD_FORCE) ? O_TRUNC : 0)) < 0
		      ? -errno
		      : 0;
	free(mod);
	return err;
}

static long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int kernel_wait_unused(const char *name, long timeout_ms)
{
	const struct timespec step = { .tv_nsec = 50 * 1000000 };
	long deadline = now_ms() + timeout_ms;

	for (;;) {
		long r = kernel_module_refcnt(name);

		if (r == 0 || r == -ENOENT)
			return 0;
		if (r < 0)
			return (int)r;
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		nanosleep(&step, NULL);
	}
}

bool kernel_sig_errno(int err)
{
	switch (err < 0 ? -err : err) {
	case EKEYREJECTED:
	case EKEYEXPIRED:
	case EKEYREVOKED:
	case ENOKEY:
	case EBADMSG:
	case ENOPKG:
		return true;
	default:
		return false;
	}
}

enum kernel_errno_source kernel_load_errno_source(int err)
{
	if (kernel_sig_errno(err))
		return KERNEL_ERRNO_LOADER;
	switch (err < 0 ? -err : err) {
	case ENOEXEC:
	case ETXTBSY:
	case EFAULT:
	case EFBIG:
	case ENOSYS:
	case EOPNOTSUPP:
		return KERNEL_ERRNO_LOADER;
	case ENOENT:
	case EINVAL:
	case EEXIST:
	case EPERM:
	case EBUSY:
	case ENOMEM:
	case ENOSPC:
		return KERNEL_ERRNO_EITHER;
	default:
		return KERNEL_ERRNO_INIT;
	}
}

const char *kernel_errno_name(int err)
{
	static _Thread_local char buf[16];
	const char *s;

	if (err < 0)
		err = -err;
	s = strerrorname_np(err);
	if (s)
		return s;
	snprintf(buf, sizeof(buf), "E%d", err);
	return buf;
}

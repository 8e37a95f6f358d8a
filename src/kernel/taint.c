// SPDX-License-Identifier: LGPL-2.1-or-later
/* Why the kernel is tainted: /proc/sys/kernel/tainted and /sys/module/NAME/taint. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "kernel-internal.h"
#include "mymod/kernel.h"
#include "mymod/util.h"

/* kernel/panic.c's taint_flags[] of Linux 6.1, in bit order. */
static const struct kernel_taint_flag flags[] = {
	{ 0, 'P', 'G', "PROPRIETARY_MODULE", true },
	{ 1, 'F', ' ', "FORCED_MODULE", true },
	{ 2, 'S', ' ', "CPU_OUT_OF_SPEC", false },
	{ 3, 'R', ' ', "FORCED_RMMOD", false },
	{ 4, 'M', ' ', "MACHINE_CHECK", false },
	{ 5, 'B', ' ', "BAD_PAGE", false },
	{ 6, 'U', ' ', "USER", false },
	{ 7, 'D', ' ', "DIE", false },
	{ 8, 'A', ' ', "OVERRIDDEN_ACPI_TABLE", false },
	{ 9, 'W', ' ', "WARN", false },
	{ 10, 'C', ' ', "CRAP", true },
	{ 11, 'I', ' ', "FIRMWARE_WORKAROUND", false },
	{ 12, 'O', ' ', "OOT_MODULE", true },
	{ 13, 'E', ' ', "UNSIGNED_MODULE", true },
	{ 14, 'L', ' ', "SOFTLOCKUP", false },
	{ 15, 'K', ' ', "LIVEPATCH", true },
	{ 16, 'X', ' ', "AUX", true },
	{ 17, 'T', ' ', "RANDSTRUCT", false },
	{ 18, 'N', ' ', "TEST", true },
};

const struct kernel_taint_flag *kernel_taint_flags(size_t *n)
{
	*n = MM_ARRAY_SIZE(flags);
	return flags;
}

const struct kernel_taint_flag *kernel_taint_flag(char letter)
{
	for (size_t i = 0; i < MM_ARRAY_SIZE(flags); i++)
		if (flags[i].letter == letter)
			return &flags[i];
	return NULL;
}

int kernel_tainted(unsigned long long *mask)
{
	char path[PATH_MAX];
	char *buf, *end;
	int err;

	if (!mm_syspath(path, sizeof(path), "/proc/sys/kernel/tainted"))
		return mm_fail(ENAMETOOLONG, "path too long");
	err = mm_read_file(path, &buf, NULL);
	if (err < 0)
		return mm_fail(err, "cannot read %s: %s", path, strerror(-err));
	errno = 0;
	*mask = strtoull(buf, &end, 10);
	if (errno || end == buf || (*end && *end != '\n'))
		err = mm_fail(EINVAL, "%s is not a number: '%.*s'", path, (int)strcspn(buf, "\n"),
			      buf);
	free(buf);
	return err;
}

int kernel_module_taint(const char *name, char **letters)
{
	return kernel_sysfile(name, "taint", letters);
}

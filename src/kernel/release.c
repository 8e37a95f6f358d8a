// SPDX-License-Identifier: LGPL-2.1-or-later
/* Which kernel runs: its release and its machine. */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "mymod/kernel.h"
#include "mymod/util.h"

const char *kernel_release(void)
{
	static char release[256];
	int err;
	char path[PATH_MAX];
	char *s;

	if (release[0])
		return release;
	if (!mm_syspath(path, sizeof(path), "/proc/sys/kernel/osrelease")) {
		mm_fail(ENAMETOOLONG, "cannot read the running kernel's release: path too long");
		return NULL;
	}
	err = mm_read_file(path, &s, NULL);
	if (err == 0) {
		s[strcspn(s, "\n")] = '\0';
		if (!s[0] || strlen(s) >= sizeof(release))
			err = -EINVAL;
		else
			strcpy(release, s);
		free(s);
	}
	if (err < 0) {
		mm_fail(err, "cannot read the running kernel's release from %s: %s", path,
			err == -EINVAL ? "not a release" : strerror(-err));
		return NULL;
	}
	return release;
}

const char *kernel_machine(void)
{
	static struct utsname u;

	if (!u.machine[0] && uname(&u) < 0)
		return "unknown";
	return u.machine;
}

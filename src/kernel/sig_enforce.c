// SPDX-License-Identifier: LGPL-2.1-or-later
#include <limits.h>
#include <stdlib.h>

#include "mymod/kernel-sig.h"
#include "mymod/util.h"

bool kernel_sig_enforced(void)
{
	char path[PATH_MAX];
	bool enforced;
	char *s;

	if (!mm_syspath(path, sizeof(path), "/sys/module/module/parameters/sig_enforce") ||
	    mm_read_file(path, &s, NULL) < 0)
		return false;
	enforced = s[0] == 'Y' || s[0] == '1';
	free(s);
	return enforced;
}

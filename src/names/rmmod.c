// SPDX-License-Identifier: LGPL-2.1-or-later
/* mymod called as rmmod. */
#include <stdio.h>

#include "mymod/cmd.h"
#include "names.h"

int names_rmmod(int argc, char *argv[])
{
	(void)argc;
	(void)argv;
	fputs("rmmod: not yet implemented by mymod\n", stderr);
	return MM_EXIT_FAIL;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/* Which kernel runs: its release and its machine. */
#include <elf.h>
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

/* uname(), asked once: NULL, with mm_fail(), when it fails. */
static const struct utsname *uts(void)
{
	static struct utsname u;

	if (!u.release[0] && uname(&u) < 0) {
		mm_fail(errno, "uname() failed: %s", strerror(errno));
		return NULL;
	}
	return &u;
}

const char *kernel_release_uname(void)
{
	const struct utsname *u = uts();

	return u ? u->release : NULL;
}

const char *kernel_machine(void)
{
	const struct utsname *u = uts();

	return u ? u->machine : "unknown";
}

unsigned int kernel_elf_machine(const char *machine)
{
	static const struct {
		const char *prefix;
		unsigned int em;
	} map[] = {
		{ "x86_64", EM_X86_64 }, { "ia64", EM_IA_64 },	    { "aarch64", EM_AARCH64 },
		{ "arm", EM_ARM },	 { "s390", EM_S390 },	    { "ppc64", EM_PPC64 },
		{ "ppc", EM_PPC },	 { "riscv", EM_RISCV },	    { "mips", EM_MIPS },
		{ "loongarch", 258 },	 { "sparc64", EM_SPARCV9 },
	};

	/* i386, i486, i586, i686. */
	if (machine[0] == 'i' && machine[1] >= '3' && machine[1] <= '6' &&
	    strcmp(machine + 2, "86") == 0)
		return EM_386;
	for (size_t i = 0; i < MM_ARRAY_SIZE(map); i++)
		if (strncmp(machine, map[i].prefix, strlen(map[i].prefix)) == 0)
			return map[i].em;
	return EM_NONE;
}

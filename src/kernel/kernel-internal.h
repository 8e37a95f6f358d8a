/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared inside the kernel layer only. */
#pragma once

#include <stddef.h>

/* The sysroot path of /sys/module/NAME[/ATTR] into BUF; NULL if too long. */
char *kernel_modpath(char *buf, size_t len, const char *name, const char *attr);

/* The first line of /sys/module/NAME/ATTR, without its newline. -errno, with mm_fail(). */
int kernel_sysfile(const char *name, const char *attr, char **value);

/*
 * The ELF machine (e_machine) of the modules a kernel running on uname's
 * MACHINE loads: "x86_64", "i686", "ppc64le", "armv7l"...; EM_NONE when
 * unknown.
 */
unsigned int kernel_elf_machine(const char *machine);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Shared inside the kernel layer only. */
#pragma once

#include <stddef.h>

/* The sysroot path of /sys/module/NAME[/ATTR] into BUF; NULL if too long. */
char *kernel_modpath(char *buf, size_t len, const char *name, const char *attr);

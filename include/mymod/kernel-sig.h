/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kernel: the running kernel's module signature enforcement. A piece of
 * the kernel layer kept apart from kernel.h until its owner folds it in.
 */
#pragma once

#include <stdbool.h>

/*
 * /sys/module/module/parameters/sig_enforce is Y: unsigned modules, and
 * those signed with an unknown key, are refused (EKEYREJECTED). Set by
 * CONFIG_MODULE_SIG_FORCE or module.sig_enforce=1, and it cannot be
 * unset while the kernel runs. False when the file is absent.
 */
bool kernel_sig_enforced(void);

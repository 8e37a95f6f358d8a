/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kernel: what mymod check asks of the running kernel beyond kernel.h —
 * signature enforcement and the exported symbols. Pieces of the kernel
 * layer kept apart from kernel.h until its owner folds them in.
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

/*
 * The symbols the running kernel and its loaded modules export: the
 * __ksymtab_NAME entries of /proc/kallsyms (CONFIG_KALLSYMS_ALL). Fails
 * with -errno (and mm_fail) when /proc/kallsyms cannot be read, and with
 * -ENODATA when it lists no export (a kernel without KALLSYMS_ALL).
 */
struct kernel_symbols;

int kernel_symbols_open(struct kernel_symbols **ksp);
void kernel_symbols_close(struct kernel_symbols *ks);
/* Does the running kernel export NAME? *OWNER: the loaded module's name, or "vmlinux". */
bool kernel_symbols_find(const struct kernel_symbols *ks, const char *name, const char **owner);

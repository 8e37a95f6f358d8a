/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * One module handed to the kernel, and why it failed: the kernel log
 * around the attempt, parsed into events, explained by the findings layer.
 * Shared by load (one module, or a chain's steps) and reload.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "mymod/findings.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"

struct modtree;

/* One module handed to the kernel: what became of it, and why when it failed. */
struct attempt {
	int err;      /* 0 loaded, else kernel_load()'s -errno */
	bool already; /* -EEXIST: someone else loaded it meanwhile */
	struct kernel_log *log;
	const char *const *lines; /* the kernel's messages about it (owned by log) */
	size_t nlines;
	struct kernel_event *events; /* those messages, parsed */
	size_t nevents;
	struct findings why; /* the explanation of a failure */
};

/*
 * Load KO with parameter string PSTR and KERNEL_LOAD_* FLAGS into *A: its
 * errno, the kernel's lines about it, and on failure their explanation
 * (MT: the module directory, NULL for the one mm_modtree_try() opens).
 */
void attempt_load(struct modtree *mt, struct ko *ko, const char *pstr, unsigned int flags,
		  struct attempt *a);
void attempt_done(struct attempt *a);

/* Each cause as an error on PATH, with what to do, then what the kernel logged. */
void report_failure(const char *path, const struct attempt *a);

/* "kernel log:" and LINES, indented, on stderr (nothing when N is 0). */
void print_log(const char *const *lines, size_t n);

/*
 * The parameter string for the kernel: CONFIG (modprobe.d's options, or
 * NULL) first, then PARAMS, a value with blanks quoted. Free it.
 */
char *load_param_string(const char *config, char **params, int nparams);

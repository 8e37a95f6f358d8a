/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Work done in parallel, printed as if done in order: `load --jobs` loads
 * modules whose dependency chains share nothing concurrently.
 */
#pragma once

#include <stddef.h>

/* The work of group I (of jobs_run()); returns MM_EXIT_*. */
typedef int (*jobs_fn)(size_t i, void *data);

/*
 * Run FN for groups 0..N-1, up to JOBS at a time, each in a child process.
 * What a group prints is kept and printed when it ends, the groups in
 * order, so the output reads as if they had run one after another (a
 * group's stdout before its stderr). Returns MM_EXIT_OK when every group
 * did; MM_EXIT_FAIL when one failed or could not be started.
 */
int jobs_run(size_t n, unsigned int jobs, jobs_fn fn, void *data);

/* The default number of jobs: the CPUs this process may run on. */
unsigned int jobs_default(void);

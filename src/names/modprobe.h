/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mymod called as modprobe: kmod's options (modprobe.c) and what each
 * does through the cmd layer's calls (modprobe-probe.c), with kmod's
 * messages (mp_log()).
 */
#pragma once

#include <stdbool.h>
#include <syslog.h>

#include "mymod/util.h"

struct mp_opts {
	int verbose;	    /* kmod's log threshold: LOG_WARNING, -q LOG_EMERG, each -v one more */
	int log_prio;	    /* the priority of "Module X not found": LOG_CRIT, -a LOG_WARNING */
	bool show;	    /* -D: print the plan */
	bool dry_run;	    /* -n, -D */
	bool ignore_loaded; /* -D: as if nothing were loaded */
	bool lookup_only;   /* -R */
	bool first_time;
	bool ignore_commands; /* -i */
	bool use_blacklist;   /* -b */
	bool remove_holders;
	unsigned int load_flags;    /* KERNEL_LOAD_FORCE_* */
	unsigned long long wait_ms; /* -w */
	bool force;		    /* -f */
};

extern struct mp_opts mp;

/* kmod's log line "modprobe: PRIORITY: MESSAGE" (MESSAGE ends with '\n'), when PRIO passes. */
void mp_log(int prio, const char *fmt, ...) MM_PRINTF(2, 3);
#define MP_ERR(...) mp_log(LOG_ERR, __VA_ARGS__)

/* modprobe [-a] NAME [PARAMS]: load what ARG names with EXTRA (kmod's string, or NULL). */
int mp_insert(const char *arg, const char *extra);
/* modprobe -r NAME. */
int mp_remove(const char *arg);

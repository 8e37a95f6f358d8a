// SPDX-License-Identifier: LGPL-2.1-or-later
/* mymod log: what the kernel log says about a module, and, with --follow, what it goes on saying.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "mymod/out.h"
#include "mymod/util.h"

static const struct option options[] = {
	{ "follow", no_argument, NULL, 'f' },
	{ "json", no_argument, NULL, 'J' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod log [OPTIONS] MODULE\n"
	      "\n"
	      "Print the kernel log's lines about a module (/dev/kmsg): those it printed,\n"
	      "the loader's about it, and stack frames in it.\n"
	      "\n"
	      "Options:\n"
	      "  -f, --follow           go on printing new lines until interrupted\n"
	      "  -J, --json             print JSON (with --follow, one object a line)\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

static volatile sig_atomic_t stop;

static void on_signal(int sig MM_UNUSED)
{
	stop = 1;
}

/* SIGINT and SIGTERM end --follow; without SA_RESTART, so that a wait returns. */
static void catch_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

static struct json_object *record_json(const struct kernel_log_record *r)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "time", json_object_new_double((double)r->usec / 1e6));
	json_object_object_add(o, "level", json_object_new_int((int)r->level));
	json_object_object_add(o, "text", out_json_str(r->text));
	return o;
}

/* As dmesg prints a record: "[    5.123456] text". */
static void print_record(const struct kernel_log_record *r)
{
	printf("[%5llu.%06llu] ", r->usec / 1000000, r->usec % 1000000);
	out_puts(stdout, r->text);
	putchar('\n');
}

/* What the log holds now, as one JSON object. */
static int past_json(struct kernel_log *log, const char *name, bool loaded)
{
	struct json_object *o = json_object_new_object(), *arr = json_object_new_array();
	const struct kernel_log_record *r;
	size_t n;
	int err = kernel_log_module(log, name, 0, &r, &n);

	for (size_t i = 0; err == 0 && i < n; i++)
		json_object_array_add(arr, record_json(&r[i]));
	json_object_object_add(o, "module", out_json_str(name));
	json_object_object_add(o, "loaded", json_object_new_boolean(loaded));
	json_object_object_add(o, "lines", arr);
	if (err == 0)
		out_json_print(o);
	json_object_put(o);
	return err;
}

/* Print what the log holds now and, with FOLLOW, what comes, until a signal. */
static int print(struct kernel_log *log, const char *name, bool follow, bool json)
{
	const struct kernel_log_record *r;
	size_t n;
	int wait = 0;

	while (!stop) {
		int err = kernel_log_module(log, name, wait, &r, &n);

		if (err < 0)
			return err;
		for (size_t i = 0; i < n; i++) {
			if (json) {
				struct json_object *o = record_json(&r[i]);

				out_json_print_line(o);
				json_object_put(o);
			} else {
				print_record(&r[i]);
			}
		}
		fflush(stdout);
		if (!follow)
			break;
		wait = -1;
	}
	return 0;
}

/* The log cannot be opened: why, and what to do. */
static int no_log(const char *name)
{
	int err = errno;

	mm_error("%s: %s", name, mm_errmsg());
	if (err == EPERM || err == EACCES)
		mm_hint("kernel.dmesg_restrict is 1: only root (CAP_SYSLOG) reads the kernel log");
	return MM_EXIT_FAIL;
}

static int show(const char *name, bool follow, bool json)
{
	struct kernel_log *log;
	bool loaded;
	int err;

	err = kernel_module_loaded(name);
	if (err == -ENOSYS) {
		mm_error("%s", mm_errmsg());
		return MM_EXIT_FAIL;
	}
	/* A built-in module logs too (with its prefix): as good as loaded. */
	loaded = err == 0 || kernel_module_state(name) == KERNEL_MOD_BUILTIN;
	mm_clearerr();
	err = kernel_log_open_all(&log);
	if (err < 0) {
		errno = -err;
		return no_log(name);
	}
	if (!loaded && follow)
		mm_warn("%s: not loaded; its lines will follow when it is", name);
	else if (!loaded)
		mm_error("%s: not loaded; the lines the kernel log still holds about it follow",
			 name);
	if (follow)
		catch_signals();
	if (json && !follow)
		err = past_json(log, name, loaded);
	else
		err = print(log, name, follow, json);
	if (err < 0)
		mm_error("%s: %s", name, mm_errmsg());
	kernel_log_close(log);
	return err < 0 || (!loaded && !follow) ? MM_EXIT_FAIL : MM_EXIT_OK;
}

static int run(int argc, char *argv[])
{
	bool follow = false, json = false;
	int c;

	while ((c = getopt_long(argc, argv, "fJh", options, NULL)) != -1) {
		switch (c) {
		case 'f':
			follow = true;
			break;
		case 'J':
			json = true;
			break;
		case 'h':
			usage();
			return MM_EXIT_OK;
		default:
			return mm_usage_error();
		}
	}
	if (optind + 1 != argc) {
		mm_error("%s", optind == argc ? "no module named" : "one module at a time");
		return mm_usage_error();
	}
	return show(argv[optind], follow, json);
}

const struct mm_cmd cmd_log = {
	.name = "log",
	.run = run,
	.summary = "what the kernel log says about a module (--follow: as it comes)",
};

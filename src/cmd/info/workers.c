// SPDX-License-Identifier: LGPL-2.1-or-later
/* mymod info over many arguments: split among worker processes, output kept in order. */
#include <errno.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/wait.h>
#include <unistd.h>

#include "info.h"
#include "mymod/cmd.h"
#include "mymod/modtree.h"
#include "mymod/out.h"
#include "mymod/util.h"

static int copy_fd(int from, int to)
{
	char buf[1 << 16];
	off_t off = 0, size = lseek(from, 0, SEEK_END);
	ssize_t n;

	while (size > 0 && off < size) {
		n = sendfile(to, from, &off, (size_t)(size - off));
		if (n <= 0)
			break;
	}
	if (size >= 0 && off == size)
		return 0;
	/* sendfile cannot write to this descriptor: copy what is left. */
	if (lseek(from, off, SEEK_SET) < 0)
		return -errno;
	while ((n = read(from, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		for (ssize_t done = 0, w; done < n; done += w) {
			w = write(to, buf + done, (size_t)(n - done));
			if (w < 0 && errno == EINTR)
				w = 0;
			else if (w < 0)
				return -errno;
		}
	}
	return 0;
}

struct worker {
	pid_t pid; /* -1: the parent does this part itself */
	int out, err;
	size_t lo, hi;
};

/* In the child: print the part into the memory files, and exit with its status. */
static void __attribute__((noreturn))
worker_main(struct info_run *r, char **args, const struct worker *w)
{
	int status;

	if (dup2(w->out, STDOUT_FILENO) < 0 || dup2(w->err, STDERR_FILENO) < 0)
		_exit(MM_EXIT_FAIL);
	status = info_run_args(r, args + w->lo, w->hi - w->lo);
	mm_cmd_end();
	if (fflush(stdout) != 0)
		status = MM_EXIT_FAIL;
	exit(status);
}

static void worker_start(struct info_run *r, char **args, struct worker *w)
{
	w->pid = -1;
	w->out = memfd_create("mymod-info-stdout", MFD_CLOEXEC);
	w->err = memfd_create("mymod-info-stderr", MFD_CLOEXEC);
	if (w->out < 0 || w->err < 0)
		return;
	w->pid = fork();
	if (w->pid != 0)
		return;
	worker_main(r, args, w);
}

/* Wait for W and copy its output out; or do its part here if it never started. */
static int worker_finish(struct info_run *r, char **args, struct worker *w)
{
	int status = MM_EXIT_OK, ws;

	if (w->pid < 0) {
		status = info_run_args(r, args + w->lo, w->hi - w->lo);
		fflush(stdout);
		goto out;
	}
	while (waitpid(w->pid, &ws, 0) < 0 && errno == EINTR)
		;
	if (copy_fd(w->out, STDOUT_FILENO) < 0 || copy_fd(w->err, STDERR_FILENO) < 0)
		status = MM_EXIT_FAIL;
	if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0)
		status = MM_EXIT_FAIL;
	if (WIFSIGNALED(ws))
		mm_error("%s ... %s: reading these was cut short by signal %d", args[w->lo],
			 args[w->hi - 1], WTERMSIG(ws));
out:
	if (w->out >= 0)
		close(w->out);
	if (w->err >= 0)
		close(w->err);
	return status;
}

/*
 * The text formats (modinfo, -F) over many arguments, as scripts run
 * them: the arguments are split between worker processes, each printing
 * into memory files that the parent copies out in argument order (the
 * parent prints the first part itself).
 * Processes, not threads: nothing below (libelf, libkmod, the layers'
 * caches) has to be thread-safe, and each part's output stays whole in
 * its own memory file.
 */
int info_run_split(struct info_run *r, char **args, size_t nargs, size_t nworkers)
{
	struct worker w[8];
	int status = MM_EXIT_OK;

	if (nworkers > MM_ARRAY_SIZE(w))
		nworkers = MM_ARRAY_SIZE(w);
	fflush(stdout);
	fflush(stderr);
	for (size_t k = 0; k < nworkers; k++) {
		w[k] = (struct worker){ .pid = -1, .out = -1, .err = -1 };
		w[k].lo = nargs * k / nworkers;
		w[k].hi = nargs * (k + 1) / nworkers;
		/* The first part is printed here, straight to stdout. */
		if (k > 0)
			worker_start(r, args, &w[k]);
	}
	for (size_t k = 0; k < nworkers; k++)
		if (worker_finish(r, args, &w[k]) != MM_EXIT_OK)
			status = MM_EXIT_FAIL;
	return status;
}

/* Worker processes for the text formats: one per CPU, when there is enough to share. */
size_t info_workers(const struct info_opts *o, size_t nargs)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (o->format == FMT_JSON || (o->format == FMT_HUMAN && !o->field))
		return 0;
	if (cpus < 2 || nargs < 64)
		return 0;
	return cpus > 8 ? 8 : (size_t)cpus;
}

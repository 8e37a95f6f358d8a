// SPDX-License-Identifier: LGPL-2.1-or-later
/* Groups of work in child processes, their output replayed in order: see jobs.h. */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "jobs.h"
#include "mymod/cmd.h"
#include "mymod/util.h"

struct job {
	pid_t pid; /* 0: not started; -1: ended */
	int out, err;
	int status; /* MM_EXIT_* */
};

unsigned int jobs_default(void)
{
	cpu_set_t set;
	int n;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && (n = CPU_COUNT(&set)) > 0)
		return (unsigned int)n;
	n = (int)sysconf(_SC_NPROCESSORS_ONLN);
	return n > 0 ? (unsigned int)n : 1;
}

/* Copy what FD holds (from its start) to TO, and close FD. */
static void replay(int fd, FILE *to)
{
	char buf[8192];
	ssize_t r;

	if (fd < 0)
		return;
	if (lseek(fd, 0, SEEK_SET) == 0)
		while ((r = read(fd, buf, sizeof(buf))) > 0)
			fwrite(buf, 1, (size_t)r, to);
	fflush(to);
	close(fd);
}

/* Start group I in a child whose stdout and stderr go to J's memfds. */
static int start(struct job *j, size_t i, jobs_fn fn, void *data)
{
	j->out = memfd_create("mymod-job-out", MFD_CLOEXEC);
	j->err = memfd_create("mymod-job-err", MFD_CLOEXEC);
	if (j->out < 0 || j->err < 0)
		return mm_fail(errno, "cannot make a file for a job's output: %m");
	fflush(stdout);
	fflush(stderr);
	j->pid = fork();
	if (j->pid < 0)
		return mm_fail(errno, "cannot start a job: %m");
	if (j->pid == 0) {
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		if (dup2(j->out, STDOUT_FILENO) < 0 || dup2(j->err, STDERR_FILENO) < 0)
			_exit(MM_EXIT_FAIL);
		j->status = fn(i, data);
		fflush(stdout);
		fflush(stderr);
		_exit(j->status);
	}
	return 0;
}

/* Wait for a child of JOBS (N of them) to end, and record its status. */
static void reap(struct job *jobs, size_t n)
{
	int st;
	pid_t pid;

	while ((pid = waitpid(-1, &st, 0)) < 0 && errno == EINTR)
		;
	for (size_t i = 0; i < n; i++) {
		if (pid < 0 && jobs[i].pid > 0) { /* no child left to wait for: none can end */
			jobs[i].pid = -1;
			jobs[i].status = MM_EXIT_FAIL;
		} else if (pid > 0 && jobs[i].pid == pid) {
			jobs[i].pid = -1;
			jobs[i].status = WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st);
		}
	}
}

/* Print group J's output, then say how it ended if by a signal. MM_EXIT_*. */
static int finish(struct job *j, size_t i)
{
	replay(j->out, stdout);
	replay(j->err, stderr);
	if (j->status < 0) {
		mm_error("job %zu was ended by signal %d", i + 1, -j->status);
		return MM_EXIT_FAIL;
	}
	return j->status == MM_EXIT_OK ? MM_EXIT_OK : MM_EXIT_FAIL;
}

int jobs_run(size_t n, unsigned int jobs, jobs_fn fn, void *data)
{
	struct job *j = mm_calloc(n ? n : 1, sizeof(*j));
	size_t next = 0, printed = 0, running = 0;
	int ret = MM_EXIT_OK;

	for (size_t i = 0; i < n; i++)
		j[i].out = j[i].err = -1;
	while (printed < n) {
		while (next < n && running < jobs) {
			if (start(&j[next], next, fn, data) < 0) {
				mm_error("%s", mm_errmsg());
				j[next].pid = -1;
				j[next].status = MM_EXIT_FAIL;
			} else {
				running++;
			}
			next++;
		}
		if (j[printed].pid > 0)
			reap(j, n);
		running = 0;
		for (size_t i = printed; i < next; i++)
			running += j[i].pid > 0;
		for (; printed < next && j[printed].pid < 0; printed++)
			if (finish(&j[printed], printed) != MM_EXIT_OK)
				ret = MM_EXIT_FAIL;
	}
	free(j);
	return ret;
}

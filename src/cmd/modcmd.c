// SPDX-License-Identifier: LGPL-2.1-or-later
/* modprobe.d's install and remove commands (modcmd.h). */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "modcmd.h"
#include "mymod/cmd.h"
#include "mymod/util.h"

char *modcmd_expand(const char *cmd, const char *options)
{
	static const char var[] = "$CMDLINE_OPTS";
	struct mm_strbuf sb = { 0 };
	const char *p;

	while ((p = strstr(cmd, var))) {
		mm_strbuf_addn(&sb, cmd, (size_t)(p - cmd));
		mm_strbuf_add(&sb, options ? options : "");
		cmd = p + sizeof(var) - 1;
	}
	mm_strbuf_add(&sb, cmd);
	return mm_strbuf_steal(&sb);
}

bool modcmd_inside(const char *name)
{
	const char *m = getenv("MODPROBE_MODULE");

	return m && mm_modname_eq(m, name);
}

/*
 * Read what the command writes into SB until the shell (PID) has exited
 * and the pipe FD holds no more: not until the pipe closes, which a
 * helper the command leaves running in the background may never do.
 * Returns the shell's wait status.
 */
static int collect(int fd, pid_t pid, struct mm_strbuf *sb)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	bool exited = false, eof = false;
	int status = -1;
	char buf[4096];

	while (!eof) {
		/* Once the shell is gone, take what is there and stop. */
		int ready = poll(&p, 1, exited ? 0 : 100);
		ssize_t n = ready > 0 ? read(fd, buf, sizeof(buf)) : 0;

		if (n > 0) {
			mm_strbuf_addn(sb, buf, (size_t)n);
			continue;
		}
		if (ready > 0 && n == 0)
			eof = true; /* every writer closed it */
		else if (exited)
			break;
		if (!exited && waitpid(pid, &status, WNOHANG) == pid)
			exited = true;
	}
	while (!exited && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	return status;
}

/* Run CMD by /bin/sh -c with NAME in MODPROBE_MODULE; its output into *OUT. The wait status, or -1.
 */
static int shell(const char *cmd, const char *name, char **out)
{
	struct mm_strbuf sb = { 0 };
	int fds[2], status = -1;
	pid_t pid;

	fflush(stdout);
	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		setenv("MODPROBE_MODULE", name, 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	if (pid > 0) {
		fcntl(fds[0], F_SETFL, O_NONBLOCK);
		status = collect(fds[0], pid, &sb);
	}
	close(fds[0]);
	*out = mm_strbuf_steal(&sb);
	return status;
}

static void print_output(FILE *f, const char *out, const char *indent)
{
	for (const char *l = out; *l;) {
		size_t n = strcspn(l, "\n");

		fprintf(f, "%s%.*s\n", indent, (int)n, l);
		l += n + (l[n] == '\n');
	}
}

int modcmd_system(const char *name, const char *cmd, const char *options)
{
	char *full = modcmd_expand(cmd, options);
	int status;

	setenv("MODPROBE_MODULE", name, 1);
	status = system(full);
	unsetenv("MODPROBE_MODULE");
	free(full);
	if (status != -1 && WIFEXITED(status))
		return WEXITSTATUS(status);
	return -1;
}

int modcmd_run(const char *type, const char *name, const char *cmd, const char *options,
	       bool dry_run)
{
	char *full = modcmd_expand(cmd, options), *out = NULL;
	int status;

	if (dry_run) {
		printf("would run %s's %s command: %s\n", name, type, full);
		free(full);
		return 0;
	}
	status = shell(full, name, &out);
	if (status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0) {
		print_output(stdout, out, "");
	} else {
		if (status == -1)
			mm_error("%s: cannot run its %s command '%s': %s", name, type, full,
				 strerror(errno));
		else if (WIFSIGNALED(status))
			mm_error("%s: its %s command '%s' was killed by signal %d", name, type,
				 full, WTERMSIG(status));
		else
			mm_error("%s: its %s command '%s' failed with exit status %d", name, type,
				 full, WEXITSTATUS(status));
		if (out && *out) {
			fputs("command output:\n", stderr);
			print_output(stderr, out, "  ");
		}
		mm_hint("the command comes from modprobe.d; --ignore-%s %s the module itself", type,
			strcmp(type, "install") == 0 ? "loads" : "unloads");
	}
	free(out);
	free(full);
	if (status != -1 && WIFEXITED(status))
		return WEXITSTATUS(status);
	return -1;
}

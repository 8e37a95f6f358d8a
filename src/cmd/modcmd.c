// SPDX-License-Identifier: LGPL-2.1-or-later
/* modprobe.d's install and remove commands (modcmd.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "modcmd.h"
#include "mymod/cmd.h"
#include "mymod/util.h"

/* CMD with every $CMDLINE_OPTS replaced by OPTIONS, as kmod does. */
static char *expand(const char *cmd, const char *options)
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

/* Run CMD by /bin/sh -c with NAME in MODPROBE_MODULE; its output into *OUT. The wait status, or -1.
 */
static int shell(const char *cmd, const char *name, char **out)
{
	struct mm_strbuf sb = { 0 };
	int fds[2], status = -1;
	char buf[4096];
	ssize_t n;
	pid_t pid;

	fflush(stdout);
	if (pipe(fds) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(fds[1], STDOUT_FILENO);
		dup2(fds[1], STDERR_FILENO);
		close(fds[0]);
		close(fds[1]);
		setenv("MODPROBE_MODULE", name, 1);
		execl("/bin/sh", "sh", "-c", cmd, (char *)NULL);
		_exit(127);
	}
	close(fds[1]);
	while (pid > 0 && ((n = read(fds[0], buf, sizeof(buf))) > 0 || (n < 0 && errno == EINTR)))
		if (n > 0)
			mm_strbuf_addn(&sb, buf, (size_t)n);
	close(fds[0]);
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	*out = mm_strbuf_steal(&sb);
	return pid > 0 ? status : -1;
}

static void print_output(FILE *f, const char *out, const char *indent)
{
	for (const char *l = out; *l;) {
		size_t n = strcspn(l, "\n");

		fprintf(f, "%s%.*s\n", indent, (int)n, l);
		l += n + (l[n] == '\n');
	}
}

int modcmd_run(const char *type, const char *name, const char *cmd, const char *options,
	       bool dry_run)
{
	char *full = expand(cmd, options), *out = NULL;
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
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

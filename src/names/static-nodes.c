// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * kmod static-nodes: the device nodes the running kernel's modules.devname
 * lists (modtree_devnames()), in kmod 34's three formats.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "mymod/modtree.h"
#include "names.h"

enum format { HUMAN, TMPFILES, DEVNAME };

static const struct {
	const char *name;
	const char *description;
} formats[] = {
	[HUMAN] = { "human", "(default) a human readable format. Do not parse." },
	[TMPFILES] = { "tmpfiles", "the tmpfiles.d(5) format used by systemd-tmpfiles." },
	[DEVNAME] = { "devname", "the modules.devname format." },
};

static void help(void)
{
	printf("Usage:\n"
	       "\t%s static-nodes [options]\n"
	       "\n"
	       "kmod static-nodes outputs the static-node information of the currently running "
	       "kernel.\n"
	       "\n"
	       "Options:\n"
	       "\t-f, --format=FORMAT  choose format to use: see \"Formats\"\n"
	       "\t-o, --output=FILE    write output to file\n"
	       "\t-h, --help           show this help\n"
	       "\n"
	       "Formats:\n",
	       names_prog);
	for (size_t i = 0; i < MM_ARRAY_SIZE(formats); i++)
		printf("\t%-12s %s\n", formats[i].name, formats[i].description);
}

struct nodes {
	const char *output; /* -o, opened when modules.devname could be */
	FILE *out;
	enum format format;
	int status;
};

/* Open OUTPUT (its directories made), or stdout. NULL after saying why. */
static FILE *open_output(const char *output)
{
	FILE *f;

	if (!output)
		return stdout;
	if (mm_mkdir_parents(output, 0755) < 0) {
		fprintf(stderr, "Error: could not create parent directory for %s - %s.\n", output,
			strerror(errno));
		return NULL;
	}
	f = fopen(output, "we");
	if (!f)
		fprintf(stderr, "Error: could not create %s - %s\n", output, strerror(errno));
	return f;
}

static int write_node(const struct modtree_devname *d, const char *line, void *data)
{
	struct nodes *s = data;
	const char *dir;

	if (!s->out && !(s->out = open_output(s->output)))
		return -EIO;
	if (!d) {
		fprintf(stderr, "Error: invalid devname entry: %s", line);
		s->status = MM_EXIT_FAIL;
		return 0;
	}
	if (s->format == DEVNAME) {
		fprintf(s->out, "%s %s %c%u:%u\n", d->module, d->devname, d->type, d->major,
			d->minor);
	} else if (s->format == TMPFILES) {
		dir = strrchr(d->devname, '/');
		if (dir)
			fprintf(s->out, "d /dev/%.*s 0755 - - -\n", (int)(dir - d->devname),
				d->devname);
		fprintf(s->out, "%c! /dev/%s 0600 - - - %u:%u\n", d->type, d->devname, d->major,
			d->minor);
	} else {
		fprintf(s->out,
			"Module: %s\n\tDevice node: /dev/%s\n\t\tType: %s device\n\t\tMajor: "
			"%u\n\t\tMinor: %u\n",
			d->module, d->devname, d->type == 'c' ? "character" : "block", d->major,
			d->minor);
	}
	return 0;
}

/* -f and -o into S; -1 to go on, else the exit status. */
static int parse(int argc, char *argv[], struct nodes *s, const char **output)
{
	static const struct option options[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "o:f:h", options, NULL)) != -1) {
		if (c == 'o') {
			*output = optarg;
		} else if (c == 'f') {
			for (i = 0; i < MM_ARRAY_SIZE(formats) && strcmp(formats[i].name, optarg);
			     i++)
				;
			if (i == MM_ARRAY_SIZE(formats)) {
				fprintf(stderr, "Unknown format: '%s'.\n", optarg);
				help();
				return MM_EXIT_FAIL;
			}
			s->format = (enum format)i;
		} else if (c == 'h') {
			help();
			return MM_EXIT_OK;
		} else {
			return MM_EXIT_FAIL;
		}
	}
	return -1;
}

int names_kmod_static_nodes(int argc, char *argv[])
{
	struct nodes s = { .format = HUMAN, .status = MM_EXIT_OK };
	char dir[PATH_MAX];
	int err, status = parse(argc, argv, &s, &s.output);

	if (status >= 0)
		return status;
	mm_cfg.kver = kernel_release_uname();
	mm_cfg.basedir = "";
	if (!mm_cfg.kver || !mm_moddir(dir, sizeof(dir))) {
		fputs("Error: uname failed!\n", stderr);
		return MM_EXIT_FAIL;
	}
	err = modtree_devnames(dir, write_node, &s);
	if (err == 0 && !s.out && !(s.out = open_output(s.output)))
		err = -EIO;
	if (err == -ENOENT)
		fprintf(stderr, "Warning: %s/modules.devname not found - ignoring\n", dir);
	else if (err < 0 && err != -EIO)
		fprintf(stderr, "Error: could not open %s/modules.devname - %s\n", dir,
			strerror(-err));
	if (err < 0 && err != -ENOENT)
		s.status = MM_EXIT_FAIL;
	if (s.out && s.out != stdout)
		fclose(s.out);
	return s.status;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod decode: kernel log text in, the same text out, with the source
 * file and line (and the inline chain) added to each stack frame that
 * lies in a module, from that module's DWARF; kernel frames too with
 * --vmlinux. A frame that cannot be decoded truthfully (no debug
 * information, another build) is marked so; every other byte passes
 * through as it came.
 */
#include <errno.h>
#include <ftw.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "mymod/out.h"
#include "mymod/util.h"

static const struct option options[] = {
	{ "file", required_argument, NULL, 'f' },    { "module-dir", required_argument, NULL, 'd' },
	{ "vmlinux", required_argument, NULL, 'v' }, MM_MODDIR_OPTIONS,
	{ "help", no_argument, NULL, 'h' },	     { NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod decode [OPTIONS] [FILE]\n"
	      "\n"
	      "Copy kernel log text (FILE, or standard input: dmesg, a console log, a\n"
	      "journal excerpt) to standard output, adding to each stack frame that lies\n"
	      "in a module the source file and line, and the functions inlined there,\n"
	      "from the module's debug information. The module's file is looked up in\n"
	      "the module directory of the kernel release the log names, unless given.\n"
	      "\n"
	      "Options:\n"
	      "  -f, --file=M.KO        the file of a module in the log (repeatable)\n"
	      "  -d, --module-dir=DIR   look for the modules' files under DIR (a build tree)\n"
	      "      --vmlinux=FILE     decode the kernel's own frames with FILE's debug "
	      "info\n" MM_MODDIR_USAGE "  -h, --help             show this help\n",
	      stdout);
}

/* A file frames are decoded with: a module's, or vmlinux. Opened on first use. */
struct source {
	char *name; /* module name; NULL for vmlinux */
	char *path; /* NULL: not found (said once) */
	struct ko_dwarf *d;
	char *err; /* why it cannot be opened */
	bool opened;
};

struct decoder {
	struct source *srcs;
	size_t n;
	bool moddir;		/* look modules up in the module directory */
	struct source *vmlinux; /* NULL without --vmlinux */
	bool kver_given;	/* -k: not the log's release */
	char *release;		/* the release the log names, once read */
};

static struct source *add_source(struct decoder *dec, const char *name, const char *path)
{
	struct source *s;

	dec->srcs = mm_reallocarray(dec->srcs, dec->n + 1, sizeof(*dec->srcs));
	s = &dec->srcs[dec->n++];
	memset(s, 0, sizeof(*s));
	s->name = name ? mm_strdup(name) : NULL;
	s->path = path ? mm_strdup(path) : NULL;
	return s;
}

/* --file: the module's name from its .modinfo, as the log prints it. */
static int add_file(struct decoder *dec, const char *path)
{
	struct ko *ko;
	int err = ko_open(path, &ko);

	if (err < 0) {
		mm_error("%s: %s", path, mm_errmsg());
		return err;
	}
	add_source(dec, ko_name(ko), path);
	ko_close(ko);
	return 0;
}

static struct decoder *walking;

static int walk_one(const char *path, const struct stat *st MM_UNUSED, int type,
		    struct FTW *ftw MM_UNUSED)
{
	char *name;

	if (type != FTW_F || !mm_is_module_file(path))
		return 0;
	name = mm_modname_from_path(path);
	add_source(walking, name, path);
	free(name);
	return 0;
}

/* --module-dir: every module file under DIR, by its file name. */
static int add_dir(struct decoder *dec, const char *dir)
{
	walking = dec;
	if (nftw(dir, walk_one, 16, FTW_PHYS) != 0) {
		mm_error("%s: cannot read the directory: %m", dir);
		return -1;
	}
	return 0;
}

static int found(const struct mm_target *t, void *data)
{
	char **path = data;

	if (!*path && t->path)
		*path = mm_strdup(t->path);
	return 0;
}

/* The source for module NAME (LEN bytes): known, or looked up once. */
static struct source *module_source(struct decoder *dec, const char *name)
{
	char *path = NULL;
	struct source *s;

	for (size_t i = 0; i < dec->n; i++)
		if (dec->srcs[i].name && mm_modname_eq(dec->srcs[i].name, name))
			return &dec->srcs[i];
	if (dec->moddir)
		mm_resolve(name, 0, found, &path);
	else
		mm_warn("%s: no file given for this module (--file, --module-dir): its frames are "
			"not decoded",
			name);
	s = add_source(dec, name, path);
	free(path);
	return s;
}

static struct ko_dwarf *source_dwarf(struct source *s)
{
	if (!s->opened && s->path && ko_dwarf_open(s->path, &s->d) < 0)
		s->err = mm_asprintf("%s: %s", s->path, mm_errmsg());
	s->opened = true;
	return s->d;
}

/* " at FILE:LINE (F0 inlined into F1 at FILE:LINE, ...)": LOCS, as text. */
static void add_locs(struct mm_strbuf *sb, const struct ko_srcloc *locs, size_t n)
{
	char *text = out_srclocs(locs, n);

	mm_strbuf_addf(sb, " at %s", text);
	free(text);
}

/* Does the build id the log printed (ID, LEN bytes) name another file than S's? */
static bool build_differs(struct source *s, const char *id, size_t len, struct mm_strbuf *sb)
{
	const char *mine = ko_dwarf_build_id(s->d);

	if (len == 0 || (mine && strlen(mine) == len && strncasecmp(mine, id, len) == 0))
		return false;
	mm_strbuf_add(sb, " (build id differs: log ");
	mm_strbuf_addn(sb, id, len);
	mm_strbuf_addf(sb, ", %s %s)", s->path, mine ? mine : "none");
	return true;
}

/* What to add to the line of frame F, into SB; nothing when it is not ours to decode. */
static void annotate(struct decoder *dec, const char *line, const struct kernel_frame *f,
		     struct mm_strbuf *sb)
{
	char *mod = f->module_len ? mm_strndup(line + f->module, f->module_len) : NULL;
	char *sym = mm_strndup(line + f->sym, f->sym_len);
	struct source *s = mod ? module_source(dec, mod) : dec->vmlinux;
	struct ko_srcloc *locs;
	size_t n;

	if (!s || !s->path)
		goto out;
	if (!source_dwarf(s)) {
		mm_strbuf_addf(sb, " (%s)", s->err);
		goto out;
	}
	if (build_differs(s, line + f->build_id, f->build_id_len, sb))
		goto out;
	if (ko_dwarf_lookup(s->d, sym, f->offset, &locs, &n) < 0) {
		mm_strbuf_addf(sb, " (%s)", mm_errmsg());
		goto out;
	}
	add_locs(sb, locs, n);
	ko_srclocs_free(locs, n);
out:
	free(mod);
	free(sym);
}

/* One line of LEN bytes (with its '\n', if any), copied to stdout with what decoding adds. */
static void decode_line(struct decoder *dec, const char *line, size_t len)
{
	struct mm_strbuf sb = { 0 };
	struct kernel_frame f;
	size_t body = len;
	char *text;

	while (body > 0 && (line[body - 1] == '\n' || line[body - 1] == '\r'))
		body--;
	if (kernel_log_frame(line, body, &f))
		annotate(dec, line, &f, &sb);
	if (sb.len == 0) {
		fwrite(line, 1, len, stdout);
		return;
	}
	text = out_safe(sb.s);
	fwrite(line, 1, body, stdout);
	fputs(text, stdout);
	fwrite(line + body, 1, len - body, stdout);
	free(text);
	mm_strbuf_free(&sb);
}

/* How far to read ahead for the CPU: line when a module frame comes first (a WARNING: line). */
#define RELEASE_AHEAD 64

struct line {
	char *s;
	size_t len; /* with its '\n', when it has one */
};

/* The input, a line at a time (so that dmesg -w | mymod decode works), some read ahead. */
struct input {
	FILE *f;
	const char *name;
	struct line *ahead;
	size_t first, n; /* the lines read ahead not yet decoded: ahead[first..n) */
	int err;	 /* errno of a failed read */
};

static bool read_line(struct input *in, struct line *l)
{
	size_t cap = 0;
	ssize_t n;

	l->s = NULL;
	n = getline(&l->s, &cap, in->f);
	if (n < 0) {
		if (ferror(in->f))
			in->err = errno;
		free(l->s);
		return false;
	}
	l->len = (size_t)n;
	return true;
}

static bool next_line(struct input *in, struct line *l)
{
	if (in->first == in->n) {
		in->first = in->n = 0;
		return read_line(in, l);
	}
	*l = in->ahead[in->first++];
	return true;
}

/* The first release the log names is the one whose module directory is read (-k wins). */
static void note_release(struct decoder *dec, const struct line *l)
{
	size_t s, n;

	if (dec->release || dec->kver_given || !kernel_log_release(l->s, l->len, &s, &n))
		return;
	dec->release = mm_strndup(l->s + s, n);
	mm_cfg.kver = dec->release;
}

/*
 * L is a module frame to look up in the module directory before the log
 * has named its release (the WARNING: line comes before the CPU: line):
 * read ahead a little for it.
 */
static void release_ahead(struct decoder *dec, struct input *in, const struct line *l)
{
	struct kernel_frame f;

	if (dec->release || dec->kver_given || !dec->moddir ||
	    !kernel_log_frame(l->s, l->len, &f) || f.module_len == 0)
		return;
	for (size_t i = in->first; i < in->n && !dec->release; i++)
		note_release(dec, &in->ahead[i]);
	while (!dec->release && in->n - in->first < RELEASE_AHEAD) {
		in->ahead = mm_reallocarray(in->ahead, in->n + 1, sizeof(*in->ahead));
		if (!read_line(in, &in->ahead[in->n]))
			return;
		note_release(dec, &in->ahead[in->n++]);
	}
}

/* FILE ("-" or NULL: standard input), decoded to stdout. */
static int decode_input(struct decoder *dec, const char *path)
{
	struct input in = { .f = stdin, .name = "standard input" };
	struct line l;

	if (path && strcmp(path, "-") != 0) {
		in.name = path;
		in.f = fopen(path, "re");
		if (!in.f) {
			mm_error("%s: cannot read: %m", path);
			return -1;
		}
	}
	/* Each line as soon as it is decoded: the input may be dmesg -w, journalctl -f. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	while (next_line(&in, &l)) {
		note_release(dec, &l);
		release_ahead(dec, &in, &l);
		decode_line(dec, l.s, l.len);
		free(l.s);
	}
	free(in.ahead);
	if (in.f != stdin)
		fclose(in.f);
	if (in.err) {
		mm_error("%s: cannot read: %s", in.name, strerror(in.err));
		return -1;
	}
	return 0;
}

/* --vmlinux: the kernel image, which must carry debug information to be of use. */
static int open_vmlinux(struct decoder *dec, const char *path)
{
	struct source *s = mm_calloc(1, sizeof(*s));

	dec->vmlinux = s;
	s->path = mm_strdup(path);
	if (!source_dwarf(s)) {
		mm_error("%s", s->err);
		return -1;
	}
	if (!ko_dwarf_has_debuginfo(s->d)) {
		mm_error("%s: no debug information (the image of a -dbg package has it)", path);
		return -1;
	}
	return 0;
}

static void source_free(struct source *s)
{
	ko_dwarf_close(s->d);
	free(s->name);
	free(s->path);
	free(s->err);
}

static void decoder_free(struct decoder *dec)
{
	for (size_t i = 0; i < dec->n; i++)
		source_free(&dec->srcs[i]);
	free(dec->srcs);
	if (dec->vmlinux)
		source_free(dec->vmlinux);
	free(dec->vmlinux);
}

static int parse_options(int argc, char *argv[], struct decoder *dec, const char **vmlinux)
{
	int c;

	while ((c = getopt_long(argc, argv, "f:d:h" MM_MODDIR_SHORTOPTS, options, NULL)) != -1) {
		if (mm_moddir_opt(c, optarg))
			continue;
		switch (c) {
		case 'f':
			if (add_file(dec, optarg) < 0)
				return MM_EXIT_FAIL;
			break;
		case 'd':
			if (add_dir(dec, optarg) < 0)
				return MM_EXIT_FAIL;
			break;
		case 'v':
			*vmlinux = optarg;
			break;
		case 'h':
			usage();
			return -1;
		default:
			return mm_usage_error();
		}
	}
	if (argc - optind > 1) {
		mm_error("one FILE at most (or standard input)");
		return mm_usage_error();
	}
	return MM_EXIT_OK;
}

static int run(int argc, char *argv[])
{
	struct decoder dec = { 0 };
	const char *vmlinux = NULL;
	int status = parse_options(argc, argv, &dec, &vmlinux);

	if (status != MM_EXIT_OK)
		goto out;
	dec.moddir = dec.n == 0;
	dec.kver_given = mm_cfg.kver != NULL;
	status = MM_EXIT_FAIL;
	if (vmlinux && open_vmlinux(&dec, vmlinux) < 0)
		goto out;
	if (decode_input(&dec, argv[optind]) < 0)
		goto out;
	status = fflush(stdout) == 0 ? MM_EXIT_OK : MM_EXIT_FAIL;
out:
	if (dec.release)
		mm_cfg.kver = NULL;
	free(dec.release);
	decoder_free(&dec);
	return status < 0 ? MM_EXIT_OK : status;
}

const struct mm_cmd cmd_decode = {
	.name = "decode",
	.run = run,
	.summary = "add source lines to the module frames of a kernel stack trace",
	.needs = MM_NEEDS_MODDIR,
};

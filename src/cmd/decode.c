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
#include <unistd.h>

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
	mm_strbuf_addf(sb, " at %s:%u", locs[0].file, locs[0].line);
	if (n < 2)
		return;
	mm_strbuf_addf(sb, " (%s", locs[0].function ? locs[0].function : "?");
	for (size_t i = 1; i < n; i++)
		mm_strbuf_addf(sb, "%s inlined into %s at %s:%u", i > 1 ? "," : "",
			       locs[i].function ? locs[i].function : "?",
			       locs[i].file ? locs[i].file : "?", locs[i].line);
	mm_strbuf_addc(sb, ')');
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

static ssize_t read_fd(void *src, void *buf, size_t len)
{
	ssize_t r = read(*(int *)src, buf, len);

	return r < 0 ? -errno : r;
}

/* FILE ("-" or NULL: standard input), whole. */
static int read_input(const char *path, char **buf, size_t *len)
{
	int fd = 0, err;

	if (path && strcmp(path, "-") != 0) {
		err = mm_read_file(path, buf, len);
	} else {
		path = "standard input";
		err = mm_read_all(read_fd, &fd, buf, len);
	}
	if (err < 0)
		mm_error("%s: cannot read: %s", path, strerror(-err));
	return err;
}

/* The first kernel release the log names; NULL when none. */
static char *log_release(const char *buf, size_t len)
{
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - buf) : len, s, n;

		if (kernel_log_release(buf + i, end - i, &s, &n))
			return mm_strndup(buf + i + s, n);
		i = end + 1;
	}
	return NULL;
}

static void decode_text(struct decoder *dec, const char *buf, size_t len)
{
	for (size_t i = 0; i < len;) {
		const char *nl = memchr(buf + i, '\n', len - i);
		size_t end = nl ? (size_t)(nl - buf) + 1 : len;

		decode_line(dec, buf + i, end - i);
		i = end;
	}
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
	char *buf = NULL, *release = NULL;
	size_t len;
	int status = parse_options(argc, argv, &dec, &vmlinux);

	if (status != MM_EXIT_OK)
		goto out;
	dec.moddir = dec.n == 0;
	status = MM_EXIT_FAIL;
	if (read_input(argv[optind], &buf, &len) < 0)
		goto out;
	if (vmlinux && open_vmlinux(&dec, vmlinux) < 0)
		goto out;
	release = mm_cfg.kver ? NULL : log_release(buf, len);
	if (release)
		mm_cfg.kver = release;
	decode_text(&dec, buf, len);
	status = fflush(stdout) == 0 ? MM_EXIT_OK : MM_EXIT_FAIL;
out:
	if (release)
		mm_cfg.kver = NULL;
	free(release);
	free(buf);
	decoder_free(&dec);
	return status < 0 ? MM_EXIT_OK : status;
}

const struct mm_cmd cmd_decode = {
	.name = "decode",
	.run = run,
	.summary = "add source lines to the module frames of a kernel stack trace",
	.needs = MM_NEEDS_MODDIR,
};

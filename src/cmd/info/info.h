/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * mymod info, inside: each module becomes one record (struct info,
 * pointing into the ko layer's structs), read in record.c; the human
 * (human.c), JSON (json.c) and modinfo (modinfo.c) formats print that
 * record; many arguments are shared among worker processes (workers.c).
 */
#pragma once

#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "mymod/ko.h"

struct json_object;
struct modtree;
enum info_format {
	FMT_HUMAN,
	FMT_JSON,
	FMT_MODINFO,
	FMT_EXPORTS,	 /* --show-exports: modprobe's lines */
	FMT_MODVERSIONS, /* --dump-modversions: modprobe's lines */
};

struct info_opts {
	enum info_format format;
	const char *field;
	char sep;
	bool symbols;
	bool sections;
	const char *cert_path; /* --cert: the signature is checked against it */
	struct ko_cert cert;
	bool kmod34_keys; /* a key longer than 15 is not padded, as kmod 34's modinfo */
};

/* One module, as every format prints it. Arrays are owned by the ko (or modtree). */
struct info {
	const char *name;
	char *filename; /* absolute, as kmod prints it; NULL for builtin */
	bool builtin;
	enum ko_comp comp;
	const struct ko_modinfo *modinfo;
	size_t nmodinfo;
	const struct ko_param *params;
	size_t nparams;
	const struct ko_param *unmatched; /* parm= text for no parameter */
	size_t nunmatched;
	const struct ko_export *exports;
	size_t nexports;
	const struct ko_import *imports;
	size_t nimports;
	const struct ko_version *versions;
	size_t nversions;
	const struct ko_section *sections;
	size_t nsections;
	const struct ko_signature *sig;
	bool verified; /* --cert: VERDICT is the signature's against it */
	enum ko_verdict verdict;
	const struct ko_elf_info *elf;
};

/* What a format needs from the ko layer; the rest is never computed. */
enum {
	NEED_MODINFO = 1 << 0,
	NEED_SIG = 1 << 1,
	NEED_ALL = 0xff,
};

/* The state of one run over the arguments. */
struct info_run {
	const struct info_opts *opts;
	struct json_object *json; /* the array, for FMT_JSON */
	size_t printed;
};

static inline bool streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

/* The working directory, read once: kmod prints relative paths made absolute. */
extern char info_cwd[PATH_MAX];

/* record.c: what a format needs, and reading a module into a record. */
bool info_as_modinfo(const struct info_opts *o);
unsigned int info_needs(const struct info_opts *o);
bool info_is_sig_field(const char *field);
char *info_absolute_path(const char *path);
int info_from_ko(struct ko *ko, unsigned int need, struct info *in);
const char *info_elf_class(const struct ko_elf_info *elf);
const char *info_elf_endian(const struct ko_elf_info *elf);
char *info_perm_str(int perm);
const char *info_errtext(int err);
int info_load_file(const char *path, const struct info_opts *o, struct ko **kop, struct info *in);

/* The three formats. modinfo's head: what it prints before it reads the module (a
 * builtin's name, the filename); true when that is all -F asked for. */
bool info_print_modinfo_head(FILE *f, const struct info *in, const struct info_opts *o);
void info_print_modinfo(FILE *f, const struct info *in, const struct info_opts *o);
struct json_object *info_json(const struct info *in);
void info_print_human(const struct info *in, const struct info_opts *o, bool first);

/* info.c: print one record as the options ask; run over arguments. */
int info_run_args(struct info_run *r, char **args, size_t nargs);
void info_emit(struct info_run *r, const struct info *in);

/*
 * Print ARGS as O asks (after its options are read); returns the exit
 * status. mymod info and the modinfo name both run this.
 */
int info_main(const struct info_opts *o, char **args, size_t nargs);

/* workers.c: the arguments split among worker processes. */
int info_run_split(struct info_run *r, char **args, size_t nargs, size_t nworkers);
size_t info_workers(const struct info_opts *o, size_t nargs);

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod info: what is in a module: its modinfo, parameters (from __param
 * itself), exported and required symbols, ELF facts, signature. Each
 * module becomes one record (struct info, pointing into the ko layer's
 * structs); the human, JSON and modinfo formats all print that record.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mymod/cmd.h"
#include "mymod/ko.h"
#include "mymod/modtree.h"
#include "mymod/out.h"
#include "mymod/util.h"

enum info_format {
	FMT_HUMAN,
	FMT_JSON,
	FMT_MODINFO,
};

enum {
	OPT_FORMAT = 0x100,
	OPT_SYMBOLS,
	OPT_SECTIONS,
};

static const struct option options[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "json", no_argument, NULL, 'J' },
	{ "field", required_argument, NULL, 'F' },
	{ "null", no_argument, NULL, '0' },
	{ "symbols", no_argument, NULL, OPT_SYMBOLS },
	{ "sections", no_argument, NULL, OPT_SECTIONS },
	MM_MODDIR_OPTIONS,
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(FILE *f)
{
	fputs("Usage: mymod info [OPTIONS] MODULE|FILE...\n"
	      "\n"
	      "Show what is in kernel modules: modinfo, parameters, exported and required\n"
	      "symbols, ELF facts, signature. A FILE is a path (.ko, .ko.gz, .ko.xz, .ko.zst,\n"
	      "or anything with a '/'); a MODULE is a name or alias looked up in the module\n"
	      "directory.\n"
	      "\n"
	      "Options:\n"
	      "      --format=FORMAT    human (default), json, or modinfo (exactly as kmod's\n"
	      "                         modinfo prints)\n"
	      "  -J, --json             the same as --format=json\n"
	      "  -F, --field=FIELD      print only FIELD's values, as modinfo -F does\n"
	      "  -0, --null             end values with NUL instead of newline (modinfo, -F)\n"
	      "      --symbols          list the required symbols, not just their count\n"
	      "      --sections         list the ELF sections with their sizes\n" MM_MODDIR_USAGE
	      "  -h, --help             show this help\n",
	      f);
}

struct info_opts {
	enum info_format format;
	const char *field;
	char sep;
	bool symbols;
	bool sections;
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
	const struct ko_section *sections;
	size_t nsections;
	const struct ko_signature *sig;
	const struct ko_elf_info *elf;
};

/* What a format needs from the ko layer; the rest is never computed. */
enum {
	NEED_MODINFO = 1 << 0,
	NEED_SIG = 1 << 1,
	NEED_ALL = 0xff,
};

static bool streq(const char *a, const char *b)
{
	return strcmp(a, b) == 0;
}

static bool is_sig_field(const char *field)
{
	static const char *const sig_fields[] = { "sig_id", "signer", "sig_key", "sig_hashalgo",
						  "signature" };

	for (size_t i = 0; i < MM_ARRAY_SIZE(sig_fields); i++)
		if (streq(field, sig_fields[i]))
			return true;
	return false;
}

/* Whether what is printed is modinfo's: --format=modinfo, or -F. */
static bool as_modinfo(const struct info_opts *o)
{
	return o->field || o->format == FMT_MODINFO;
}

static unsigned int needs(const struct info_opts *o)
{
	if (o->field && streq(o->field, "filename"))
		return 0;
	if (o->field)
		return is_sig_field(o->field) ? NEED_MODINFO | NEED_SIG : NEED_MODINFO;
	if (o->format == FMT_MODINFO)
		return NEED_MODINFO | NEED_SIG;
	return NEED_ALL;
}

/* The working directory, read once: kmod prints relative paths made absolute. */
static char cwd[PATH_MAX];

static char *absolute_path(const char *path)
{
	size_t clen = strlen(cwd), plen = strlen(path);
	char *abs;

	if (path[0] == '/' || !clen)
		return mm_strdup(path);
	abs = mm_malloc(clen + 1 + plen + 1);
	memcpy(abs, cwd, clen);
	abs[clen] = '/';
	memcpy(abs + clen + 1, path, plen + 1);
	return abs;
}

/* Fill IN from KO with what the format needs. */
static int info_from_ko(struct ko *ko, unsigned int need, struct info *in)
{
	int err;

	in->name = ko_name(ko);
	in->filename = absolute_path(ko_path(ko));
	in->comp = ko_compression(ko);
	if (need & NEED_MODINFO) {
		err = ko_modinfo(ko, &in->modinfo, &in->nmodinfo);
		if (err < 0)
			return err;
	}
	if (need & NEED_SIG) {
		err = ko_signature(ko, &in->sig);
		if (err < 0)
			return err;
	}
	if (need != NEED_ALL)
		return 0;
	err = ko_elf_info(ko, &in->elf);
	if (!err)
		err = ko_params(ko, &in->params, &in->nparams);
	if (!err)
		err = ko_params_unmatched(ko, &in->unmatched, &in->nunmatched);
	if (!err)
		err = ko_exports(ko, &in->exports, &in->nexports);
	if (!err)
		err = ko_imports(ko, &in->imports, &in->nimports);
	if (!err)
		err = ko_sections(ko, &in->sections, &in->nsections);
	return err;
}

/*
 * modinfo's view of the parameters: parm= and parmtype= joined by name.
 * kmod prints them in the reverse order of their first appearance.
 */
struct parm {
	const char *name;
	int namelen;
	const char *desc;
	const char *type;
};

static size_t merge_parms(const struct ko_modinfo *kv, size_t n, struct parm **parmsp)
{
	struct parm *parms = NULL;
	size_t np = 0;

	for (size_t i = 0; i < n; i++) {
		bool is_desc = streq(kv[i].key, "parm");
		const char *colon;
		size_t j;
		int len;

		if (!is_desc && !streq(kv[i].key, "parmtype"))
			continue;
		colon = strchr(kv[i].value, ':');
		if (!colon)
			continue;
		len = (int)(colon - kv[i].value);
		for (j = 0; j < np; j++)
			if (parms[j].namelen == len && memcmp(parms[j].name, kv[i].value, len) == 0)
				break;
		if (j == np) {
			parms = mm_reallocarray(parms, np + 1, sizeof(*parms));
			parms[np++] = (struct parm){ .name = kv[i].value, .namelen = len };
		}
		if (is_desc)
			parms[j].desc = colon + 1;
		else
			parms[j].type = colon + 1;
	}
	*parmsp = parms;
	return np;
}

static void print_parms(FILE *f, const struct info *in, const char *prefix, char sep)
{
	struct parm *parms;
	size_t np = merge_parms(in->modinfo, in->nmodinfo, &parms);

	for (size_t i = np; i-- > 0;) {
		const struct parm *p = &parms[i];

		fputs(prefix, f);
		if (!p->desc)
			fprintf(f, "%.*s:%s%s%s%c", p->namelen, p->name, *prefix ? "" : " (",
				p->type, *prefix ? "" : ")", sep);
		else if (p->type)
			fprintf(f, "%.*s:%s (%s)%c", p->namelen, p->name, p->desc, p->type, sep);
		else
			fprintf(f, "%.*s:%s%c", p->namelen, p->name, p->desc, sep);
	}
	free(parms);
}

/* The signature as modinfo lists it, after the .modinfo entries. */
struct sig_kv {
	struct ko_modinfo kv[5];
	char *hex[2];
	size_t n;
};

static void sig_kv_init(const struct ko_signature *sig, struct sig_kv *s)
{
	memset(s, 0, sizeof(*s));
	if (!sig)
		return;
	s->hex[0] = out_hex_colon(sig->key_id, sig->key_id_len, true);
	s->hex[1] = out_hex_colon(sig->sig, sig->sig_len, true);
	s->kv[0] = (struct ko_modinfo){ "sig_id", sig->id_type ? sig->id_type : "" };
	s->kv[1] = (struct ko_modinfo){ "signer", sig->signer ? sig->signer : "" };
	s->kv[2] = (struct ko_modinfo){ "sig_key", s->hex[0] };
	s->kv[3] = (struct ko_modinfo){ "sig_hashalgo", sig->hash_algo ? sig->hash_algo : "" };
	s->kv[4] = (struct ko_modinfo){ "signature", s->hex[1] };
	s->n = 5;
}

static void print_kv(FILE *f, const struct ko_modinfo *kv, const struct info_opts *o)
{
	size_t klen;

	if (o->field) {
		if (streq(o->field, kv->key))
			fprintf(f, "%s%c", kv->value, o->sep);
		return;
	}
	if (streq(kv->key, "parm") || streq(kv->key, "parmtype"))
		return;
	if (o->sep == '\0') {
		fprintf(f, "%s=%s%c", kv->key, kv->value, o->sep);
		return;
	}
	/* A key longer than 15 pads by the excess, as modinfo's negative width does. */
	klen = strlen(kv->key);
	fwrite_unlocked(kv->key, 1, klen, f);
	putc_unlocked(':', f);
	for (size_t pad = klen <= 15 ? 15 - klen : klen - 15; pad > 0; pad--)
		putc_unlocked(' ', f);
	fputs_unlocked(kv->value, f);
	putc_unlocked(o->sep, f);
}

/*
 * What modinfo prints before it reads the module: the name of a builtin
 * and the filename. True when that is all -F asked for.
 */
static bool print_modinfo_head(FILE *f, const struct info *in, const struct info_opts *o)
{
	const char *filename = in->builtin ? "(builtin)" : in->filename;

	if (in->builtin) {
		if (!o->field)
			fprintf(f, "%-16s%s%c", "name:", in->name, o->sep);
		else if (streq(o->field, "name"))
			fprintf(f, "%s%c", in->name, o->sep);
	}
	if (o->field && streq(o->field, "filename")) {
		fprintf(f, "%s%c", filename, o->sep);
		return true;
	}
	if (!o->field)
		fprintf(f, "%-16s%s%c", "filename:", filename, o->sep);
	return false;
}

/* Exactly what kmod's modinfo prints for the module. */
static void print_modinfo(FILE *f, const struct info *in, const struct info_opts *o)
{
	struct sig_kv sig;

	if (print_modinfo_head(f, in, o))
		return;
	if (o->field && streq(o->field, "parm")) {
		print_parms(f, in, "", o->sep);
		return;
	}
	for (size_t i = 0; i < in->nmodinfo; i++)
		print_kv(f, &in->modinfo[i], o);
	sig_kv_init(in->sig, &sig);
	for (size_t i = 0; i < sig.n; i++)
		print_kv(f, &sig.kv[i], o);
	free(sig.hex[0]);
	free(sig.hex[1]);
	if (!o->field)
		print_parms(f, in, "parm:           ", o->sep);
}

static const char *elf_class(const struct ko_elf_info *elf)
{
	return elf->elfclass == 64 ? "ELF64" : "ELF32";
}

static const char *elf_endian(const struct ko_elf_info *elf)
{
	return elf->big_endian ? "big" : "little";
}

static char *perm_str(int perm)
{
	return perm < 0 ? NULL : mm_asprintf("%04o", (unsigned int)perm);
}

static struct json_object *json_modinfo(const struct info *in)
{
	struct json_object *obj = json_object_new_object();

	for (size_t i = 0; i < in->nmodinfo; i++) {
		char *key = out_utf8(in->modinfo[i].key);
		struct json_object *values;

		if (!json_object_object_get_ex(obj, key, &values)) {
			values = json_object_new_array();
			json_object_object_add(obj, key, values);
		}
		json_object_array_add(values, out_json_str(in->modinfo[i].value));
		free(key);
	}
	return obj;
}

static struct json_object *json_params(const struct info *in)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < in->nparams; i++) {
		const struct ko_param *p = &in->params[i];
		struct json_object *obj = json_object_new_object();
		char *perm = perm_str(p->perm);

		json_object_object_add(obj, "name", out_json_str(p->name));
		json_object_object_add(obj, "type", out_json_str(p->type));
		json_object_object_add(obj, "ops", out_json_str(p->ops));
		json_object_object_add(obj, "perm", out_json_str(perm));
		json_object_object_add(obj, "description", out_json_str(p->description));
		json_object_object_add(obj, "default", out_json_str(p->default_value));
		json_object_object_add(obj, "shadowed", json_object_new_boolean(p->shadowed));
		json_object_array_add(arr, obj);
		free(perm);
	}
	return arr;
}

static struct json_object *json_unmatched(const struct info *in)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < in->nunmatched; i++) {
		const struct ko_param *p = &in->unmatched[i];
		struct json_object *obj = json_object_new_object();

		json_object_object_add(obj, "name", out_json_str(p->name));
		json_object_object_add(obj, "type", out_json_str(p->type));
		json_object_object_add(obj, "description", out_json_str(p->description));
		json_object_array_add(arr, obj);
	}
	return arr;
}

static struct json_object *json_exports(const struct info *in)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < in->nexports; i++) {
		struct json_object *obj = json_object_new_object();

		json_object_object_add(obj, "name", out_json_str(in->exports[i].name));
		json_object_object_add(obj, "gpl", json_object_new_boolean(in->exports[i].gpl));
		json_object_object_add(obj, "namespace", out_json_str(in->exports[i].ns));
		json_object_array_add(arr, obj);
	}
	return arr;
}

static struct json_object *json_imports(const struct info *in)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < in->nimports; i++) {
		const struct ko_import *imp = &in->imports[i];
		struct json_object *obj = json_object_new_object();
		char crc[16];

		snprintf(crc, sizeof(crc), "0x%08x", imp->crc);
		json_object_object_add(obj, "name", out_json_str(imp->name));
		json_object_object_add(obj, "crc", imp->has_crc ? out_json_str(crc) : NULL);
		json_object_array_add(arr, obj);
	}
	return arr;
}

static struct json_object *json_sections(const struct info *in)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < in->nsections; i++) {
		struct json_object *obj = json_object_new_object();

		json_object_object_add(obj, "name", out_json_str(in->sections[i].name));
		json_object_object_add(obj, "size", json_object_new_uint64(in->sections[i].size));
		json_object_array_add(arr, obj);
	}
	return arr;
}

static struct json_object *json_signature(const struct info *in)
{
	struct json_object *obj;
	char *key;

	if (!in->sig)
		return NULL;
	obj = json_object_new_object();
	key = out_keyid(in->sig->key_id, in->sig->key_id_len);
	json_object_object_add(obj, "id_type", out_json_str(in->sig->id_type));
	json_object_object_add(obj, "signer", out_json_str(in->sig->signer));
	json_object_object_add(obj, "key", out_json_str(key));
	json_object_object_add(obj, "hash_algo", out_json_str(in->sig->hash_algo));
	json_object_object_add(obj, "algo", out_json_str(in->sig->algo));
	free(key);
	return obj;
}

static struct json_object *json_elf(const struct info *in)
{
	struct json_object *obj;

	if (!in->elf)
		return NULL;
	obj = json_object_new_object();
	json_object_object_add(obj, "class", out_json_str(elf_class(in->elf)));
	json_object_object_add(obj, "endian", out_json_str(elf_endian(in->elf)));
	json_object_object_add(obj, "machine", out_json_str(in->elf->machine_name));
	json_object_object_add(obj, "build_id", out_json_str(in->elf->build_id));
	return obj;
}

static struct json_object *json_info(const struct info *in)
{
	struct json_object *obj = json_object_new_object();

	json_object_object_add(obj, "name", out_json_str(in->name));
	json_object_object_add(obj, "filename", out_json_str(in->filename));
	json_object_object_add(obj, "builtin", json_object_new_boolean(in->builtin));
	json_object_object_add(obj, "compression",
			       in->builtin ? NULL : out_json_str(ko_comp_name(in->comp)));
	json_object_object_add(obj, "modinfo", json_modinfo(in));
	json_object_object_add(obj, "params", json_params(in));
	json_object_object_add(obj, "unmatched_parm", json_unmatched(in));
	json_object_object_add(obj, "exports", json_exports(in));
	json_object_object_add(obj, "imports", json_imports(in));
	json_object_object_add(obj, "sections", json_sections(in));
	json_object_object_add(obj, "signature", json_signature(in));
	json_object_object_add(obj, "elf", json_elf(in));
	return obj;
}

/* The human format: headings, then aligned tables indented under them. */

#define STR(name)                                                                                  \
	{                                                                                          \
		name, 0, 0, OUT_STRING, "", "-"                                                    \
	}
static const struct out_col kv_cols[] = { STR("KEY"), STR("VALUE") };
static const struct out_col param_cols[] = {
	STR("NAME"), STR("TYPE"), STR("PERM"), STR("DEFAULT"), STR("DESCRIPTION"),
};
static const struct out_col export_cols[] = { STR("NAME"), STR("LICENSE"), STR("NAMESPACE") };
static const struct out_col import_cols[] = { STR("NAME"), STR("CRC") };
static const struct out_col section_cols[] = {
	STR("NAME"),
	{ "SIZE", 0, SCOLS_FL_RIGHT, OUT_NUMBER, "", "-" },
};
#undef STR

static const int col_ids[] = { 0, 1, 2, 3, 4 };

#define SPEC(cols)                                                                                 \
	{                                                                                          \
		cols, MM_ARRAY_SIZE(cols), col_ids, MM_ARRAY_SIZE(cols), NULL                      \
	}
static const struct out_spec kv_spec = SPEC(kv_cols), param_spec = SPEC(param_cols),
			     export_spec = SPEC(export_cols), import_spec = SPEC(import_cols),
			     section_spec = SPEC(section_cols);
#undef SPEC

/* A row of text cells. */
static void table_row(struct out_table *t, const char *const *cells, size_t n)
{
	struct out_row *r = out_row_new(t, NULL);

	for (size_t i = 0; i < n; i++)
		out_set_str(r, (int)i, cells[i]);
}

/* Print T indented by two spaces, under a heading when HEADINGS; then free it. */
static void table_print(struct out_table *t, size_t ncols, bool headings)
{
	const struct out_opts o = { .noheadings = !headings, .indent = 2, .colsep = "  " };
	struct out_sel sel = { .ids = { 0, 1, 2, 3, 4 }, .sort = -1 };

	if (!t)
		return;
	sel.n = ncols;
	if (out_table_print(t, &sel, &o) < 0)
		mm_error("%s", mm_errmsg());
	out_table_free(t);
}

static void heading(const char *title, size_t count, bool show_count)
{
	printf("%s%s%s", out_color("bold"), title, out_color("reset"));
	if (show_count)
		printf(" (%zu)", count);
	putchar('\n');
}

static void human_module(const struct info *in)
{
	struct out_table *tb = out_table_new(&kv_spec);
	const char *prev = NULL;

	table_row(tb, (const char *[]){ "filename", in->builtin ? "(builtin)" : in->filename }, 2);
	if (!in->builtin)
		table_row(tb, (const char *[]){ "compression", ko_comp_name(in->comp) }, 2);
	/* Every key once, in the order it first appears, with all its values. */
	for (size_t i = 0; i < in->nmodinfo; i++) {
		const char *key = in->modinfo[i].key;
		bool seen = false;

		if (streq(key, "parm") || streq(key, "parmtype") || streq(key, "name"))
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = streq(in->modinfo[j].key, key);
		if (seen)
			continue;
		for (size_t j = i; j < in->nmodinfo; j++) {
			if (!streq(in->modinfo[j].key, key))
				continue;
			table_row(tb,
				  (const char *[]){ prev == key ? "" : key, in->modinfo[j].value },
				  2);
			prev = key;
		}
	}
	printf("%s%s%s\n", out_color("bold"), in->name, out_color("reset"));
	table_print(tb, 2, false);
}

/* A section's heading with its count, and its table: NULL when it has no rows. */
static struct out_table *section(const char *title, size_t count, const struct out_spec *spec)
{
	heading(title, count, true);
	return count ? out_table_new(spec) : NULL;
}

/* parm= text that names no parameter: a finding for the module's author. */
static void human_unmatched(const struct info *in)
{
	for (size_t i = 0; i < in->nunmatched; i++) {
		const struct ko_param *p = &in->unmatched[i];
		const char *desc = p->description;

		char *text = mm_asprintf("%s: described in .modinfo, but __param has no such "
					 "parameter%s%s",
					 p->name, desc ? ": " : "", desc ? desc : "");

		fputs("  ", stdout);
		out_puts(stdout, text);
		putchar('\n');
		free(text);
	}
}

static void human_params(const struct info *in)
{
	struct out_table *tb = section("Parameters", in->nparams, &param_spec);
	bool shadowed = false;

	if (!tb)
		return;
	for (size_t i = 0; i < in->nparams; i++) {
		const struct ko_param *p = &in->params[i];
		char *perm = perm_str(p->perm);
		char *type = p->type || !p->ops ? NULL : mm_asprintf("custom (%s)", p->ops);
		char *name = p->shadowed ? mm_asprintf("%s (shadowed)", p->name) : NULL;

		table_row(tb,
			  (const char *[]){ name ? name : p->name, type ? type : p->type, perm,
					    p->default_value, p->description },
			  5);
		shadowed |= p->shadowed;
		free(name);
		free(type);
		free(perm);
	}
	table_print(tb, 5, true);
	if (shadowed)
		puts("  (shadowed): the kernel sets only the first __param entry of a name");
}

static void human_exports(const struct info *in)
{
	struct out_table *tb = section("Exported symbols", in->nexports, &export_spec);

	if (!tb)
		return;
	for (size_t i = 0; i < in->nexports; i++) {
		const struct ko_export *e = &in->exports[i];

		table_row(tb,
			  (const char *[]){ e->name, e->gpl ? "GPL-only" : "any",
					    e->ns ? e->ns : "" },
			  3);
	}
	table_print(tb, 3, true);
}

static void human_imports(const struct info *in, const struct info_opts *o)
{
	struct out_table *tb;

	if (!o->symbols) {
		heading("Required symbols", in->nimports, true);
		if (in->nimports)
			printf("  (--symbols lists them with their CRCs)\n");
		return;
	}
	tb = section("Required symbols", in->nimports, &import_spec);
	if (!tb)
		return;
	for (size_t i = 0; i < in->nimports; i++) {
		char crc[16];

		snprintf(crc, sizeof(crc), "0x%08x", in->imports[i].crc);
		table_row(
			tb,
			(const char *[]){ in->imports[i].name, in->imports[i].has_crc ? crc : "" },
			2);
	}
	table_print(tb, 2, true);
}

static void human_elf(const struct info *in, const struct info_opts *o)
{
	struct out_table *tb;

	if (!in->elf)
		return;
	tb = out_table_new(&kv_spec);
	table_row(tb, (const char *[]){ "class", elf_class(in->elf) }, 2);
	table_row(tb, (const char *[]){ "endianness", elf_endian(in->elf) }, 2);
	table_row(tb, (const char *[]){ "machine", in->elf->machine_name }, 2);
	table_row(tb, (const char *[]){ "build-id", in->elf->build_id }, 2);
	heading("ELF", 0, false);
	table_print(tb, 2, false);
	if (!o->sections)
		return;
	tb = section("Sections", in->nsections, &section_spec);
	if (!tb)
		return;
	for (size_t i = 0; i < in->nsections; i++) {
		struct out_row *r = out_row_new(tb, NULL);

		out_set_str(r, 0, in->sections[i].name);
		out_set_num(r, 1, (long long)in->sections[i].size);
	}
	table_print(tb, 2, true);
}

static void human_signature(const struct info *in)
{
	struct out_table *tb;
	char *key;

	if (in->builtin)
		return;
	if (!in->sig) {
		heading("Signature", 0, false);
		printf("  none\n");
		return;
	}
	tb = out_table_new(&kv_spec);
	key = out_keyid(in->sig->key_id, in->sig->key_id_len);
	table_row(tb, (const char *[]){ "type", in->sig->id_type }, 2);
	table_row(tb, (const char *[]){ "signer", in->sig->signer }, 2);
	table_row(tb, (const char *[]){ "key", key }, 2);
	table_row(tb, (const char *[]){ "hash", in->sig->hash_algo }, 2);
	table_row(tb, (const char *[]){ "algorithm", in->sig->algo }, 2);
	heading("Signature", 0, false);
	table_print(tb, 2, false);
	free(key);
}

static void print_human(const struct info *in, const struct info_opts *o, bool first)
{
	if (!first)
		putchar('\n');
	human_module(in);
	human_params(in);
	human_unmatched(in);
	if (in->builtin) {
		printf("  (built into the kernel: only its modinfo is known)\n");
		return;
	}
	human_exports(in);
	human_imports(in, o);
	human_elf(in, o);
	human_signature(in);
}

/* The state of one run over the arguments. */
struct info_run {
	const struct info_opts *opts;
	struct json_object *json; /* the array, for FMT_JSON */
	struct modtree *mt;
	char *mt_err; /* why the module directory cannot be read */
	size_t printed;
};

static void emit(struct info_run *r, const struct info *in)
{
	switch (r->opts->format) {
	case FMT_MODINFO:
		print_modinfo(stdout, in, r->opts);
		break;
	case FMT_JSON:
		json_object_array_add(r->json, json_info(in));
		break;
	case FMT_HUMAN:
		if (r->opts->field)
			print_modinfo(stdout, in, r->opts);
		else
			print_human(in, r->opts, r->printed == 0);
		break;
	}
	r->printed++;
}

static const char *errtext(int err)
{
	const char *msg = mm_errmsg();

	return *msg ? msg : strerror(-err);
}

/* Open PATH and fill IN with what the format needs; *KOP is to be closed. */
static int load_file(const char *path, const struct info_opts *o, struct ko **kop, struct info *in)
{
	int err;

	mm_clearerr();
	*kop = NULL;
	err = ko_open(path, kop);
	if (!err)
		err = info_from_ko(*kop, needs(o), in);
	return err;
}

static int info_name(struct info_run *r, const char *arg);

/*
 * PATH could not be read (ERR). modinfo prints its filename: line first,
 * for a regular file or one modules.dep names (BY_NAME), and prints -F
 * filename without reading the file at all: so do the modinfo formats.
 * Returns ERR, or 0 when -F filename was all there was to print.
 */
static int unreadable(struct info_run *r, const char *arg, const char *path, bool by_name, int err)
{
	const struct info_opts *o = r->opts;
	struct info in = { 0 };
	bool done = false;

	if (as_modinfo(o) && (by_name || ko_is_file(path))) {
		in.filename = absolute_path(path);
		done = print_modinfo_head(stdout, &in, o);
		free(in.filename);
	}
	if (done)
		return 0;
	mm_error("%s: %s", arg, errtext(err));
	return err;
}

static int info_file(struct info_run *r, const char *arg, const char *path, bool by_name)
{
	struct info in = { 0 };
	struct ko *ko;
	int err = load_file(path, r->opts, &ko, &in);

	if (err < 0)
		err = unreadable(r, arg, path, by_name, err);
	else
		emit(r, &in);
	free(in.filename);
	ko_close(ko);
	return err;
}

/* Print each argument; returns the exit status. */
static int run_args(struct info_run *r, char **args, size_t nargs)
{
	int status = MM_EXIT_OK;

	for (size_t i = 0; i < nargs; i++) {
		int err = mm_is_path(args[i]) ? info_file(r, args[i], args[i], false)
					      : info_name(r, args[i]);

		if (err < 0)
			status = MM_EXIT_FAIL;
	}
	return status;
}

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
	status = run_args(r, args + w->lo, w->hi - w->lo);
	modtree_close(r->mt);
	free(r->mt_err);
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
		status = run_args(r, args + w->lo, w->hi - w->lo);
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
static int run_split(struct info_run *r, char **args, size_t nargs, size_t nworkers)
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

static int info_builtin(struct info_run *r, const char *arg, const char *name)
{
	struct modtree_info *mi = NULL;
	struct ko_modinfo *kv = NULL;
	struct ko_param *params = NULL;
	struct info in = { .name = name, .builtin = true };
	size_t n = 0;
	int err;

	err = modtree_builtin_info(r->mt, name, &mi, &n);
	if (err < 0) {
		mm_error("%s: %s", arg, errtext(err));
		return err;
	}
	kv = mm_calloc(n, sizeof(*kv));
	for (size_t i = 0; i < n; i++)
		kv[i] = (struct ko_modinfo){ mi[i].key, mi[i].value };
	in.modinfo = kv;
	in.nmodinfo = n;
	/* No __param to read: the parameters are what parm= and parmtype= say. */
	if (needs(r->opts) == NEED_ALL)
		in.nparams = ko_modinfo_params(kv, n, &params);
	in.params = params;
	emit(r, &in);
	ko_modinfo_params_free(params, in.nparams);
	free(kv);
	modtree_info_free(mi, n);
	return 0;
}

static int info_name(struct info_run *r, const char *arg)
{
	struct modtree_mod *mods = NULL;
	size_t n = 0;
	int err = 0;

	if (r->mt_err) {
		mm_error("%s: %s", arg, r->mt_err);
		return -ENOENT;
	}
	if (!r->mt) {
		/* As modinfo, which reads no modprobe.d: its aliases mean nothing to it. */
		err = as_modinfo(r->opts) ? modtree_open_as_modinfo(&r->mt) : modtree_open(&r->mt);
		if (err < 0) {
			r->mt_err = mm_strdup(errtext(err));
			mm_error("%s: %s", arg, r->mt_err);
			mm_hint("use -k KVER (or -b DIR) to look names up in an installed kernel's "
				"/lib/modules/KVER, or give a file's path");
			return err;
		}
	}
	err = modtree_lookup(r->mt, arg, &mods, &n);
	if (err < 0) {
		mm_error("%s: %s", arg, errtext(err));
		return err;
	}
	if (n == 0) {
		mm_error("%s: no module or alias %s in %s", arg, arg, modtree_dir(r->mt));
		mm_hint("names and aliases come from modules.dep and modules.alias there "
			"(depmod writes them); to read a file, give its path (./%s.ko)",
			arg);
		return -ENOENT;
	}
	for (size_t i = 0; i < n; i++) {
		int e;

		/* modinfo shows a module that is not there as a builtin one. */
		if (mods[i].builtin || (!mods[i].path && as_modinfo(r->opts)))
			e = info_builtin(r, arg, mods[i].name);
		else if (!mods[i].path)
			e = mm_module_not_there(r->mt, arg, &mods[i]);
		else
			e = info_file(r, arg, mods[i].path, true);

		if (e < 0)
			err = e;
	}
	modtree_mods_free(mods, n);
	return err;
}

/* Worker processes for the text formats: one per CPU, when there is enough to share. */
static size_t workers(const struct info_opts *o, size_t nargs)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	if (o->format == FMT_JSON || (o->format == FMT_HUMAN && !o->field))
		return 0;
	if (cpus < 2 || nargs < 64)
		return 0;
	return cpus > 8 ? 8 : (size_t)cpus;
}

static int parse_format(const char *s, enum info_format *f)
{
	if (streq(s, "human"))
		*f = FMT_HUMAN;
	else if (streq(s, "json"))
		*f = FMT_JSON;
	else if (streq(s, "modinfo"))
		*f = FMT_MODINFO;
	else
		return -1;
	return 0;
}

static int run(int argc, char *argv[])
{
	struct info_opts opts = { .format = FMT_HUMAN, .sep = '\n' };
	struct info_run r = { .opts = &opts };
	static char outbuf[1 << 16];
	int c, status = MM_EXIT_OK;
	size_t nworkers;

	while ((c = getopt_long(argc, argv, "JF:0" MM_MODDIR_SHORTOPTS "h", options, NULL)) != -1) {
		if (mm_moddir_opt(c, optarg))
			continue;
		switch (c) {
		case OPT_FORMAT:
			if (parse_format(optarg, &opts.format) < 0) {
				mm_error("unknown format '%s' (human, json, modinfo)", optarg);
				return mm_usage_error();
			}
			break;
		case 'J':
			opts.format = FMT_JSON;
			break;
		case 'F':
			opts.field = optarg;
			break;
		case '0':
			opts.sep = '\0';
			break;
		case OPT_SYMBOLS:
			opts.symbols = true;
			break;
		case OPT_SECTIONS:
			opts.sections = true;
			break;
		case 'h':
			usage(stdout);
			return MM_EXIT_OK;
		default:
			return mm_usage_error();
		}
	}
	if (optind >= argc) {
		mm_error("no module or file given");
		return mm_usage_error();
	}
	if (opts.sep == '\0' && !opts.field && opts.format != FMT_MODINFO) {
		mm_error("--null needs --field or --format=modinfo");
		return mm_usage_error();
	}
	if (opts.format == FMT_JSON && opts.field) {
		mm_error(
			"--field and --null print modinfo values; they do not combine with --json");
		return mm_usage_error();
	}
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (opts.format == FMT_JSON)
		r.json = json_object_new_array();
	if (!getcwd(cwd, sizeof(cwd)))
		cwd[0] = '\0';
	nworkers = workers(&opts, (size_t)(argc - optind));
	if (nworkers > 1)
		status = run_split(&r, argv + optind, (size_t)(argc - optind), nworkers);
	else
		status = run_args(&r, argv + optind, (size_t)(argc - optind));
	if (r.json) {
		out_json_print(r.json);
		json_object_put(r.json);
	}
	modtree_close(r.mt);
	free(r.mt_err);
	if (fflush(stdout) != 0) {
		mm_error("cannot write output: %s", strerror(errno));
		status = MM_EXIT_FAIL;
	}
	return status;
}

const struct mm_cmd cmd_info = {
	.name = "info",
	.run = run,
	.summary = "show what is in a module: modinfo, parameters, symbols, signature",
};

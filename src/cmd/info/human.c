// SPDX-License-Identifier: LGPL-2.1-or-later
/* mymod info, for people: headings, then aligned tables indented under them. */
#include <stdlib.h>
#include <string.h>

#include "info.h"
#include "mymod/cmd.h"
#include "mymod/modtree.h"
#include "mymod/out.h"
#include "mymod/util.h"

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
		char *perm = info_perm_str(p->perm);
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
	table_row(tb, (const char *[]){ "class", info_elf_class(in->elf) }, 2);
	table_row(tb, (const char *[]){ "endianness", info_elf_endian(in->elf) }, 2);
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

/* The signature against --cert, in words. */
static const char *verdict_words(enum ko_verdict v, const struct info_opts *o)
{
	static char buf[PATH_MAX + 96];

	switch (v) {
	case KO_VALID:
		snprintf(buf, sizeof(buf), "yes, for the key of %s", o->cert_path);
		break;
	case KO_CHANGED:
		snprintf(buf, sizeof(buf),
			 "no: signed with the key of %s, but changed after signing", o->cert_path);
		break;
	default:
		snprintf(buf, sizeof(buf), "no: signed by another key than %s's", o->cert_path);
		break;
	}
	return buf;
}

static void human_signature(const struct info *in, const struct info_opts *o)
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
	if (in->verified)
		table_row(tb, (const char *[]){ "verifies", verdict_words(in->verdict, o) }, 2);
	heading("Signature", 0, false);
	table_print(tb, 2, false);
	free(key);
}

void info_print_human(const struct info *in, const struct info_opts *o, bool first)
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
	human_signature(in, o);
}

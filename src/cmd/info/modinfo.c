// SPDX-License-Identifier: LGPL-2.1-or-later
/* mymod info --format=modinfo and -F: exactly what kmod's modinfo prints. */
#include <stdlib.h>
#include <string.h>

#include "info.h"
#include "mymod/cmd.h"
#include "mymod/modtree.h"
#include "mymod/out.h"
#include "mymod/util.h"

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
	/* A key longer than 15 pads by the excess, as kmod 30's negative width does (34: none). */
	klen = strlen(kv->key);
	fwrite_unlocked(kv->key, 1, klen, f);
	putc_unlocked(':', f);
	for (size_t pad = klen <= 15 ? 15 - klen : o->kmod34_keys ? 0 : klen - 15; pad > 0; pad--)
		putc_unlocked(' ', f);
	fputs_unlocked(kv->value, f);
	putc_unlocked(o->sep, f);
}

/*
 * What modinfo prints before it reads the module: the name of a builtin
 * and the filename. True when that is all -F asked for.
 */
bool info_print_modinfo_head(FILE *f, const struct info *in, const struct info_opts *o)
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
void info_print_modinfo(FILE *f, const struct info *in, const struct info_opts *o)
{
	struct sig_kv sig;

	if (info_print_modinfo_head(f, in, o))
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

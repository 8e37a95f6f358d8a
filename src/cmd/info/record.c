// SPDX-License-Identifier: LGPL-2.1-or-later
/* mymod info: a module file read into its record, and what each format needs of it. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "info.h"
#include "mymod/cmd.h"
#include "mymod/modtree.h"
#include "mymod/out.h"
#include "mymod/util.h"

bool info_is_sig_field(const char *field)
{
	static const char *const sig_fields[] = { "sig_id", "signer", "sig_key", "sig_hashalgo",
						  "signature" };

	for (size_t i = 0; i < MM_ARRAY_SIZE(sig_fields); i++)
		if (streq(field, sig_fields[i]))
			return true;
	return false;
}

/* Whether what is printed is modinfo's: --format=modinfo, or -F. */
bool info_as_modinfo(const struct info_opts *o)
{
	return o->field || o->format == FMT_MODINFO;
}

unsigned int info_needs(const struct info_opts *o)
{
	if (o->field && streq(o->field, "filename"))
		return 0;
	if (o->field)
		return info_is_sig_field(o->field) ? NEED_MODINFO | NEED_SIG : NEED_MODINFO;
	if (o->format == FMT_MODINFO)
		return NEED_MODINFO | NEED_SIG;
	return NEED_ALL;
}

/* The working directory, read once: kmod prints relative paths made absolute. */
char info_cwd[PATH_MAX];

char *info_absolute_path(const char *path)
{
	size_t clen = strlen(info_cwd), plen = strlen(path);
	char *abs;

	if (path[0] == '/' || !clen)
		return mm_strdup(path);
	abs = mm_malloc(clen + 1 + plen + 1);
	memcpy(abs, info_cwd, clen);
	abs[clen] = '/';
	memcpy(abs + clen + 1, path, plen + 1);
	return abs;
}

/* Fill IN from KO with what the format needs. */
int info_from_ko(struct ko *ko, unsigned int need, struct info *in)
{
	int err;

	in->name = ko_name(ko);
	in->filename = info_absolute_path(ko_path(ko));
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
		err = ko_versions(ko, &in->versions, &in->nversions);
	if (!err)
		err = ko_sections(ko, &in->sections, &in->nsections);
	return err;
}

const char *info_elf_class(const struct ko_elf_info *elf)
{
	return elf->elfclass == 64 ? "ELF64" : "ELF32";
}

const char *info_elf_endian(const struct ko_elf_info *elf)
{
	return elf->big_endian ? "big" : "little";
}

char *info_perm_str(int perm)
{
	return perm < 0 ? NULL : mm_asprintf("%04o", (unsigned int)perm);
}

const char *info_errtext(int err)
{
	const char *msg = mm_errmsg();

	return *msg ? msg : strerror(-err);
}

/* Open PATH and fill IN with what the format info_needs; *KOP is to be closed. */
int info_load_file(const char *path, const struct info_opts *o, struct ko **kop, struct info *in)
{
	int err;

	mm_clearerr();
	*kop = NULL;
	err = ko_open(path, kop);
	if (!err)
		err = info_from_ko(*kop, info_needs(o), in);
	if (!err && o->cert_path) {
		size_t len;
		const void *image = ko_elf_image(*kop, &len);

		err = image ? ko_verify_certs(image, len, &o->cert, 1, &in->verdict, NULL) : -EIO;
		in->verified = err == 0;
	}
	return err;
}

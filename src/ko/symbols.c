// SPDX-License-Identifier: LGPL-2.1-or-later
/* Exported symbols (__ksymtab*), imported symbols, __versions. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ko-internal.h"
#include "mymod/util.h"

#define KSYMTAB_PREFIX	 "__ksymtab_"
#define KSTRTABNS_PREFIX "__kstrtabns_"
#define CRC_PREFIX	 "__crc_"
/* struct modversion_info: an unsigned long and the rest of 64 bytes of name. */
#define MODVERSION_SIZE 64

struct named {
	const char *name;
	size_t idx;
};

static int named_cmp(const void *a, const void *b)
{
	return strcmp(((const struct named *)a)->name, ((const struct named *)b)->name);
}

/*
 * The namespace of export NAME whose __ksymtab entry is at IDX+OFF: the
 * string at __kstrtabns_NAME (up to 6.3), else the entry's namespace
 * field through its relocation (struct kernel_symbol, newer kernels).
 */
static const char *export_ns(struct ko *ko, const struct named *ns, size_t nns, const char *name,
			     size_t idx, uint64_t off, uint64_t entsize)
{
	struct named key = { .name = name }, *hit;
	struct ko_ref ref;
	const char *s = NULL;
	GElf_Sym sym;
	size_t shndx;

	hit = bsearch(&key, ns, nns, sizeof(*ns), named_cmp);
	if (hit) {
		if (ko_symbol(ko, hit->idx, &sym, &shndx, NULL))
			s = ko_sec_string(ko, shndx, sym.st_value);
	} else if (entsize == 12 || entsize == 3 * ko->ptrsize) {
		/* { value, name, namespace }: PREL32 offsets or pointers. */
		if (ko_resolve(ko, idx, off + entsize / 3 * 2, &ref) == 0 && ref.reloc)
			s = ko_sec_string(ko, ref.shndx, ref.off);
	}
	return s && *s ? s : NULL;
}

/*
 * With modversions, export NAME's CRC is the u32 at symbol __crc_NAME
 * (in __kcrctab or __kcrctab_gpl, as modpost writes it since 5.19), or
 * the value of that symbol when it is absolute (older kernels).
 */
static void export_crc(struct ko *ko, const struct named *crc, size_t ncrc, struct ko_export *e)
{
	struct named key = { .name = e->name }, *hit;
	const uint8_t *p;
	GElf_Sym sym;
	size_t shndx;

	hit = bsearch(&key, crc, ncrc, sizeof(*crc), named_cmp);
	if (!hit || !ko_symbol(ko, hit->idx, &sym, &shndx, NULL))
		return;
	if (sym.st_shndx == SHN_ABS) {
		e->has_crc = true;
		e->crc = (uint32_t)sym.st_value;
		return;
	}
	p = ko_sec_bytes(ko, shndx, sym.st_value, 4, NULL);
	if (!p)
		return;
	e->has_crc = true;
	e->crc = ko_rd32(ko, p);
}

int ko_exports(struct ko *ko, const struct ko_export **exports, size_t *n)
{
	size_t ksymtab = ko_find_section(ko, "__ksymtab");
	size_t ksymtab_gpl = ko_find_section(ko, "__ksymtab_gpl");
	struct named *ns = NULL, *crc = NULL;
	uint64_t *entry = NULL;
	size_t nns = 0, ncrc = 0, nexp = 0, cnt[2] = { 0, 0 };
	int err;

	if (ko->have_exports)
		goto out;
	err = ko_load_symtab(ko);
	if (err < 0)
		return err;
	if (!ko->symtab || (!ksymtab && !ksymtab_gpl))
		goto done;
	/* Every symbol's name is looked at: read the names whole. */
	err = ko_sec_load(ko, ko->shdrs[ko->symtab].sh_link);
	if (err < 0)
		return err;
	ko->exports = ko_keep(ko, mm_calloc(ko->nsyms, sizeof(*ko->exports)));
	ns = mm_calloc(ko->nsyms, sizeof(*ns));
	crc = mm_calloc(ko->nsyms, sizeof(*crc));
	entry = mm_calloc(ko->nsyms, sizeof(*entry));
	for (size_t i = 1; i < ko->nsyms; i++) {
		GElf_Sym sym;
		size_t shndx;
		const char *name;

		if (!ko_symbol(ko, i, &sym, &shndx, &name))
			continue;
		if (strncmp(name, KSTRTABNS_PREFIX, strlen(KSTRTABNS_PREFIX)) == 0) {
			ns[nns++] = (struct named){ name + strlen(KSTRTABNS_PREFIX), i };
		} else if (strncmp(name, CRC_PREFIX, strlen(CRC_PREFIX)) == 0 && shndx) {
			crc[ncrc++] = (struct named){ name + strlen(CRC_PREFIX), i };
		} else if (strncmp(name, KSYMTAB_PREFIX, strlen(KSYMTAB_PREFIX)) == 0 && shndx &&
			   (shndx == ksymtab || shndx == ksymtab_gpl) &&
			   GELF_ST_TYPE(sym.st_info) != STT_SECTION) {
			cnt[shndx == ksymtab_gpl]++;
			ko->exports[nexp].name = name + strlen(KSYMTAB_PREFIX);
			ko->exports[nexp].gpl = shndx == ksymtab_gpl;
			entry[nexp++] = sym.st_value;
		}
	}
	qsort(ns, nns, sizeof(*ns), named_cmp);
	qsort(crc, ncrc, sizeof(*crc), named_cmp);
	for (size_t i = 0; i < nexp; i++) {
		struct ko_export *e = &ko->exports[i];
		size_t idx = e->gpl ? ksymtab_gpl : ksymtab;
		uint64_t entsize = cnt[e->gpl] ? ko->shdrs[idx].sh_size / cnt[e->gpl] : 0;

		e->ns = export_ns(ko, ns, nns, e->name, idx, entry[i], entsize);
		export_crc(ko, crc, ncrc, e);
	}
	free(entry);
	free(crc);
	free(ns);
done:
	ko->nexports = nexp;
	ko->have_exports = true;
out:
	*exports = ko->exports;
	*n = ko->nexports;
	return 0;
}

/*
 * Since 6.11, modpost may also write every CRC to __version_ext_crcs (u32
 * each) and the names, NUL-separated, to __version_ext_names: a superset
 * of __versions (names longer than 55 bytes fit). Preferred when present.
 */
static int load_ext_versions(struct ko *ko, size_t crcs, size_t names)
{
	const GElf_Shdr *cs = &ko->shdrs[crcs], *ns = &ko->shdrs[names];
	size_t count = cs->sh_size / 4, i = 0;
	const uint8_t *c = ko_sec_bytes(ko, crcs, 0, cs->sh_size, NULL);
	const char *p = (const char *)ko_sec_bytes(ko, names, 0, ns->sh_size, NULL);
	const char *end;

	if (!c || !p)
		return mm_fail(EIO, "cannot read __version_ext_crcs or __version_ext_names");
	end = p + ns->sh_size;
	ko->versions = ko_keep(ko, mm_calloc(count, sizeof(*ko->versions)));
	for (; i < count && p < end; i++) {
		const char *nul = memchr(p, '\0', (size_t)(end - p));

		if (!nul)
			break;
		ko->versions[i].crc = ko_rd32(ko, c + 4 * i);
		ko->versions[i].name = p;
		p = nul + 1;
	}
	if (i != count || p != end || cs->sh_size % 4)
		return mm_fail(ENOEXEC, "__version_ext_crcs has %zu CRCs for %zu names", count, i);
	ko->nversions = count;
	return 0;
}

int ko_versions(struct ko *ko, const struct ko_version **versions, size_t *n)
{
	size_t idx, count, crcs, names;
	const GElf_Shdr *sh;
	int err;

	if (ko->have_versions)
		goto out;
	crcs = ko_find_section(ko, "__version_ext_crcs");
	names = ko_find_section(ko, "__version_ext_names");
	if (crcs && names && ko->shdrs[crcs].sh_type != SHT_NOBITS &&
	    ko->shdrs[names].sh_type != SHT_NOBITS) {
		err = load_ext_versions(ko, crcs, names);
		if (err < 0) {
			ko->versions = NULL;
			ko->nversions = 0;
			return err;
		}
		goto done;
	}
	idx = ko_find_section(ko, "__versions");
	sh = idx ? &ko->shdrs[idx] : NULL;
	if (sh && sh->sh_type != SHT_NOBITS) {
		if (sh->sh_size % MODVERSION_SIZE)
			return mm_fail(ENOEXEC,
				       "__versions section size %llu is not a multiple of %d",
				       (unsigned long long)sh->sh_size, MODVERSION_SIZE);
		if (ko_sec_load(ko, idx) < 0)
			return -EIO;
		count = sh->sh_size / MODVERSION_SIZE;
		ko->versions = ko_keep(ko, mm_calloc(count, sizeof(*ko->versions)));
		for (size_t i = 0; i < count; i++) {
			const uint8_t *e =
				ko_sec_bytes(ko, idx, i * MODVERSION_SIZE, MODVERSION_SIZE, NULL);
			size_t max = MODVERSION_SIZE - ko->ptrsize;
			const char *name;

			if (!e) {
				ko->versions = NULL;
				return mm_fail(EIO, "cannot read __versions entry %zu", i);
			}
			name = (const char *)e + ko->ptrsize;
			ko->versions[i].crc = (uint32_t)ko_rdptr(ko, e);
			ko->versions[i].name =
				memchr(name, '\0', max) ? name : ko_strndup(ko, name, max);
		}
		ko->nversions = count;
	}
done:
	ko->have_versions = true;
out:
	*versions = ko->versions;
	*n = ko->nversions;
	return 0;
}

int ko_imports(struct ko *ko, const struct ko_import **imports, size_t *n)
{
	const struct ko_version *vers;
	struct mm_hash crcs = { 0 }; /* the __versions entries by name (the first one wins) */
	size_t nvers, nimp = 0;
	int err;

	if (ko->have_imports)
		goto out;
	err = ko_load_symtab(ko);
	if (err < 0)
		return err;
	err = ko_versions(ko, &vers, &nvers);
	if (err < 0)
		return err;
	if (!ko->symtab)
		goto done;
	err = ko_sec_load(ko, ko->shdrs[ko->symtab].sh_link);
	if (err < 0)
		return err;
	mm_hash_reserve(&crcs, nvers);
	for (size_t i = 0; i < nvers; i++)
		mm_hash_add(&crcs, vers[i].name, &vers[i]);
	ko->imports = ko_keep(ko, mm_calloc(ko->nsyms, sizeof(*ko->imports)));
	for (size_t i = 1; i < ko->nsyms; i++) {
		const struct ko_version *hit;
		GElf_Sym sym;
		const char *name;

		if (!ko_symbol(ko, i, &sym, NULL, NULL) || sym.st_shndx != SHN_UNDEF ||
		    !ko_symbol(ko, i, &sym, NULL, &name) || !*name)
			continue;
		hit = mm_hash_get(&crcs, name);
		ko->imports[nimp++] = (struct ko_import){
			.name = name,
			.has_crc = hit != NULL,
			.crc = hit ? hit->crc : 0,
			.weak = GELF_ST_BIND(sym.st_info) == STB_WEAK,
		};
	}
	mm_hash_free(&crcs);
done:
	ko->nimports = nimp;
	ko->have_imports = true;
out:
	*imports = ko->imports;
	*n = ko->nimports;
	return 0;
}

int ko_symbols(struct ko *ko, const struct ko_symbol **syms, size_t *n)
{
	size_t k = 0;
	int err;

	if (ko->have_defined)
		goto out;
	err = ko_load_symtab(ko);
	if (err < 0)
		return err;
	if (ko->symtab)
		ko->defined = ko_keep(ko, mm_calloc(ko->nsyms, sizeof(*ko->defined)));
	for (size_t i = 1; ko->symtab && i < ko->nsyms; i++) {
		GElf_Sym sym;
		size_t shndx;
		const char *name;
		int type;

		if (!ko_symbol(ko, i, &sym, &shndx, &name) || !shndx || !*name)
			continue;
		type = GELF_ST_TYPE(sym.st_info);
		if (type != STT_FUNC && type != STT_OBJECT)
			continue;
		ko->defined[k++] = (struct ko_symbol){ name, sym.st_size, type == STT_FUNC };
	}
	ko->ndefined = k;
	ko->have_defined = true;
out:
	*syms = ko->defined;
	*n = ko->ndefined;
	return 0;
}

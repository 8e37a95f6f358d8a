// SPDX-License-Identifier: LGPL-2.1-or-later
/* ELF facts, the symbol table, and relocations of data sections. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ko-internal.h"
#include "mymod/util.h"

static const struct {
	unsigned int machine;
	const char *name;
} machines[] = {
	{ EM_X86_64, "x86_64" },	{ EM_386, "i386" },	  { EM_ARM, "ARM" },
	{ EM_AARCH64, "AArch64" },	{ EM_S390, "S390" },	  { EM_PPC, "PowerPC" },
	{ EM_PPC64, "PowerPC64" },	{ EM_RISCV, "RISC-V" },	  { EM_MIPS, "MIPS" },
	{ EM_LOONGARCH, "LoongArch" },	{ EM_SPARC, "SPARC" },	  { EM_SPARCV9, "SPARC64" },
	{ EM_SPARC32PLUS, "SPARC32+" }, { EM_PARISC, "PA-RISC" }, { EM_SH, "SuperH" },
	{ EM_ALPHA, "Alpha" },		{ EM_IA_64, "IA-64" },	  { EM_68K, "m68k" },
	{ EM_ARCV2, "ARCv2" },		{ EM_XTENSA, "Xtensa" },  { EM_MICROBLAZE, "MicroBlaze" },
	{ EM_OPENRISC, "OpenRISC" },	{ EM_CSKY, "C-SKY" },
};

static const char *build_id(struct ko *ko)
{
	for (size_t i = 1; i < ko->shnum; i++) {
		Elf_Scn *scn;
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (ko->shdrs[i].sh_type != SHT_NOTE)
			continue;
		scn = elf_getscn(ko->elf, i);
		data = scn ? elf_getdata(scn, NULL) : NULL;
		if (!data)
			continue;
		while ((off = gelf_getnote(data, off, &nh, &noff, &doff)) > 0) {
			if (nh.n_type != NT_GNU_BUILD_ID || nh.n_namesz != 4 ||
			    memcmp((const char *)data->d_buf + noff, "GNU", 4) != 0 ||
			    nh.n_descsz == 0)
				continue;
			return ko_keep(ko,
				       mm_hex((const uint8_t *)data->d_buf + doff, nh.n_descsz));
		}
	}
	return NULL;
}

int ko_elf_info(struct ko *ko, const struct ko_elf_info **info)
{
	struct ko_elf_info *ei = &ko->elf_info;

	if (ko->have_elf_info)
		goto out;
	ei->elfclass = ko->elfclass;
	ei->big_endian = ko->big_endian;
	ei->machine = ko->ehdr.e_machine;
	for (size_t i = 0; i < MM_ARRAY_SIZE(machines); i++)
		if (machines[i].machine == ei->machine)
			ei->machine_name = machines[i].name;
	if (!ei->machine_name)
		ei->machine_name = ko_keep(ko, mm_asprintf("machine %u", ei->machine));
	/* The first relocation section decides; without one, the ABI's habit. */
	ei->rela = !(ei->machine == EM_386 || ei->machine == EM_ARM ||
		     (ei->machine == EM_MIPS && ko->elfclass == 32));
	for (size_t i = 1; i < ko->shnum; i++) {
		if (ko->shdrs[i].sh_type == SHT_RELA || ko->shdrs[i].sh_type == SHT_REL) {
			ei->rela = ko->shdrs[i].sh_type == SHT_RELA;
			break;
		}
	}
	ei->build_id = build_id(ko);
	ko->have_elf_info = true;
out:
	*info = ei;
	return 0;
}

/*
 * Every symbol's name starts inside the string table, and the table ends
 * with a NUL (as ELF has it), so every name can be read: a name outside
 * it is damage, not an unnamed symbol.
 */
static int check_symbol_names(struct ko *ko)
{
	size_t strtab = ko->shdrs[ko->symtab].sh_link;
	const GElf_Shdr *sh = &ko->shdrs[strtab];
	const uint8_t *last;
	GElf_Sym sym;

	for (size_t i = 1; i < ko->nsyms; i++) {
		if (!gelf_getsym(ko->symdata, (int)i, &sym))
			return mm_fail(ENOEXEC, "cannot read symbol %zu: %s", i, elf_errmsg(-1));
		if (sym.st_name && (sym.st_name >= sh->sh_size || sh->sh_type == SHT_NOBITS))
			return mm_fail(ENOEXEC,
				       "the name of symbol %zu (offset %u) is outside the string "
				       "table %s (%llu bytes)",
				       i, (unsigned int)sym.st_name, ko->scnnames[strtab],
				       (unsigned long long)sh->sh_size);
	}
	if (sh->sh_size == 0 || sh->sh_type == SHT_NOBITS)
		return 0;
	last = ko_sec_bytes(ko, strtab, sh->sh_size - 1, 1, NULL);
	if (!last)
		return -EIO;
	if (*last)
		return mm_fail(ENOEXEC, "the string table %s does not end with a NUL byte",
			       ko->scnnames[strtab]);
	return 0;
}

int ko_load_symtab(struct ko *ko)
{
	Elf_Scn *scn;
	size_t entsize;
	int err;

	if (ko->have_symtab)
		return 0;
	ko->have_symtab = true;
	for (size_t i = 1; i < ko->shnum; i++) {
		if (ko->shdrs[i].sh_type == SHT_SYMTAB) {
			ko->symtab = i;
			break;
		}
	}
	if (!ko->symtab)
		return 0;
	if (ko->shdrs[ko->symtab].sh_link == 0 || ko->shdrs[ko->symtab].sh_link >= ko->shnum) {
		unsigned int link = ko->shdrs[ko->symtab].sh_link;

		ko->symtab = 0;
		return mm_fail(ENOEXEC, "symbol table's string table index %u is invalid", link);
	}
	scn = elf_getscn(ko->elf, ko->symtab);
	ko->symdata = scn ? elf_getdata(scn, NULL) : NULL;
	if (!ko->symdata) {
		ko->symtab = 0;
		return mm_fail(ENOEXEC, "cannot read the symbol table: %s", elf_errmsg(-1));
	}
	entsize = gelf_fsize(ko->elf, ELF_T_SYM, 1, EV_CURRENT);
	ko->nsyms = entsize ? ko->symdata->d_size / entsize : 0;
	for (size_t i = 1; i < ko->shnum; i++) {
		if (ko->shdrs[i].sh_type == SHT_SYMTAB_SHNDX &&
		    ko->shdrs[i].sh_link == ko->symtab) {
			scn = elf_getscn(ko->elf, i);
			ko->xndxdata = scn ? elf_getdata(scn, NULL) : NULL;
			break;
		}
	}
	err = check_symbol_names(ko);
	if (err < 0)
		ko->symtab = 0;
	return err;
}

bool ko_symbol(struct ko *ko, size_t i, GElf_Sym *sym, size_t *shndx, const char **name)
{
	Elf32_Word xndx = 0;
	const char *s;

	if (!ko->symtab || i >= ko->nsyms ||
	    !gelf_getsymshndx(ko->symdata, ko->xndxdata, (int)i, sym, &xndx))
		return false;
	if (shndx)
		*shndx = sym->st_shndx == SHN_XINDEX ? xndx : sym->st_shndx;
	if (name) {
		s = sym->st_name ? ko_sec_string(ko, ko->shdrs[ko->symtab].sh_link, sym->st_name)
				 : NULL;
		*name = s ? s : "";
	}
	return true;
}

const char *ko_symbol_at(struct ko *ko, size_t idx, uint64_t off)
{
	const char *best = NULL;

	if (ko_load_symtab(ko) < 0)
		return NULL;
	for (size_t i = 1; i < ko->nsyms; i++) {
		GElf_Sym sym;
		size_t shndx;
		const char *name;
		int type;

		/* The name last: reading it may cost a read of the string table. */
		if (!ko_symbol(ko, i, &sym, &shndx, NULL) || shndx != idx || sym.st_value != off ||
		    !ko_symbol(ko, i, &sym, &shndx, &name) || !*name)
			continue;
		type = GELF_ST_TYPE(sym.st_info);
		if (type == STT_OBJECT || type == STT_FUNC)
			return name;
		if (type != STT_SECTION && type != STT_FILE && !best)
			best = name;
	}
	return best;
}

struct ko_reloc {
	uint64_t offset;
	uint64_t sym;
	int64_t addend;
	bool has_addend;
	size_t index; /* in its relocation section, as readelf -r counts */
};

struct ko_relmap {
	size_t n;
	struct ko_reloc r[];
};

static int reloc_cmp(const void *a, const void *b)
{
	const struct ko_reloc *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/*
 * All relocations that apply to section IDX (found by sh_info), sorted by
 * offset; NULL with mm_fail() when one applies outside IDX.
 */
/* Entry J of relocation section DATA (REL or RELA) into R; false when libelf cannot read it. */
static bool read_reloc(Elf_Data *data, bool rela, size_t j, struct ko_reloc *r)
{
	GElf_Rela ra;
	GElf_Rel rl;

	if (rela) {
		if (!gelf_getrela(data, (int)j, &ra))
			return false;
		*r = (struct ko_reloc){ .offset = ra.r_offset,
					.sym = GELF_R_SYM(ra.r_info),
					.addend = ra.r_addend,
					.has_addend = true };
	} else {
		if (!gelf_getrel(data, (int)j, &rl))
			return false;
		*r = (struct ko_reloc){ .offset = rl.r_offset, .sym = GELF_R_SYM(rl.r_info) };
	}
	r->index = j;
	return true;
}

/*
 * Append the relocations of section I, which apply to section IDX, to
 * *MAPP (*CAP entries allocated). Returns 0, or -ENOEXEC for one that
 * points outside its section.
 */
static int add_relocs(struct ko *ko, size_t i, size_t idx, struct ko_relmap **mapp, size_t *cap)
{
	const GElf_Shdr *sh = &ko->shdrs[i], *target = &ko->shdrs[idx];
	bool rela = sh->sh_type == SHT_RELA;
	Elf_Scn *scn = elf_getscn(ko->elf, i);
	Elf_Data *data = scn ? elf_getdata(scn, NULL) : NULL;
	size_t entsize, n;

	if (!data)
		return 0;
	entsize = gelf_fsize(ko->elf, rela ? ELF_T_RELA : ELF_T_REL, 1, EV_CURRENT);
	n = entsize ? data->d_size / entsize : 0;
	for (size_t j = 0; j < n; j++) {
		struct ko_relmap *map = *mapp;
		struct ko_reloc *r;

		if (map->n == *cap) {
			*cap = *cap ? *cap * 2 : 16;
			*mapp = map = mm_realloc(map, sizeof(*map) + *cap * sizeof(map->r[0]));
		}
		r = &map->r[map->n];
		if (!read_reloc(data, rela, j, r))
			break;
		if (r->offset >= target->sh_size)
			return mm_fail(ENOEXEC,
				       "relocation %zu of %s applies at offset %llu, outside it "
				       "(%llu bytes)",
				       j, ko->scnnames[idx], (unsigned long long)r->offset,
				       (unsigned long long)target->sh_size);
		map->n++;
	}
	return 0;
}

static struct ko_relmap *load_relmap(struct ko *ko, size_t idx)
{
	struct ko_relmap *map;
	size_t cap = 0;

	if (!ko->relmaps)
		ko->relmaps = mm_calloc(ko->shnum, sizeof(*ko->relmaps));
	if (ko->relmaps[idx])
		return ko->relmaps[idx];
	map = mm_calloc(1, sizeof(*map));
	for (size_t i = 1; i < ko->shnum; i++) {
		const GElf_Shdr *sh = &ko->shdrs[i];

		if ((sh->sh_type != SHT_REL && sh->sh_type != SHT_RELA) || sh->sh_info != idx)
			continue;
		if (sh->sh_link != ko->symtab)
			continue;
		if (add_relocs(ko, i, idx, &map, &cap) < 0) {
			free(map);
			return NULL;
		}
	}
	for (size_t i = 1; i < map->n; i++) {
		/* Assemblers write them in order; sort only when they are not. */
		if (map->r[i - 1].offset > map->r[i].offset) {
			qsort(map->r, map->n, sizeof(map->r[0]), reloc_cmp);
			break;
		}
	}
	ko->relmaps[idx] = map;
	return map;
}

/*
 * A pointer to a symbol of a section of the file lands inside that
 * section (one past its end is still a pointer C allows). Undefined,
 * absolute and common symbols have no section here to be inside of.
 */
static int check_target(struct ko *ko, size_t idx, const GElf_Sym *sym, const struct ko_ref *ref)
{
	const GElf_Shdr *sh;

	if (sym->st_shndx == SHN_UNDEF ||
	    (sym->st_shndx >= SHN_LORESERVE && sym->st_shndx != SHN_XINDEX))
		return 0;
	if (ref->shndx >= ko->shnum)
		return mm_fail(ENOEXEC,
			       "relocation %zu of %s points outside the file: its symbol %llu is "
			       "in section %zu, of %zu",
			       ref->index, ko->scnnames[idx], (unsigned long long)ref->sym,
			       ref->shndx, ko->shnum);
	sh = &ko->shdrs[ref->shndx];
	if (ref->off > sh->sh_size)
		return mm_fail(ENOEXEC,
			       "relocation %zu of %s points outside %s: at offset %lld of its "
			       "%llu bytes",
			       ref->index, ko->scnnames[idx], ko->scnnames[ref->shndx],
			       (long long)ref->off, (unsigned long long)sh->sh_size);
	return 0;
}

int ko_resolve(struct ko *ko, size_t idx, uint64_t off, struct ko_ref *ref)
{
	struct ko_relmap *map;
	struct ko_reloc key = { .offset = off }, *r;
	const uint8_t *p;
	GElf_Sym sym;
	bool zero;
	int err;

	memset(ref, 0, sizeof(*ref));
	p = ko_sec_bytes(ko, idx, off, ko->ptrsize, &zero);
	if (zero)
		return 0; /* .bss: a NULL pointer, nothing relocates it */
	if (!p)
		return mm_fail(ENOEXEC, "pointer at offset %llu of section %zu (%s) is outside it",
			       (unsigned long long)off, idx, ko->scnnames[idx]);
	ref->inplace = ko_rdptr(ko, p);
	err = ko_load_symtab(ko);
	if (err < 0)
		return err;
	if (!ko->symtab)
		return 0;
	map = load_relmap(ko, idx);
	if (!map)
		return -ENOEXEC;
	r = bsearch(&key, map->r, map->n, sizeof(map->r[0]), reloc_cmp);
	if (!r)
		return 0;
	ref->sym = r->sym;
	if (!ko_symbol(ko, r->sym, &sym, &ref->shndx, NULL))
		return mm_fail(ENOEXEC,
			       "relocation at offset %llu of section %zu (%s) names symbol %llu, "
			       "but the symbol table has %zu",
			       (unsigned long long)off, idx, ko->scnnames[idx],
			       (unsigned long long)r->sym, ko->nsyms);
	ref->reloc = true;
	ref->index = r->index;
	ref->symtype = GELF_ST_TYPE(sym.st_info);
	ref->addend = r->has_addend ? r->addend : (int64_t)ref->inplace;
	ref->off = sym.st_value + (uint64_t)ref->addend;
	if (ko->ptrsize == 4)
		ref->off &= UINT32_MAX;
	return check_target(ko, idx, &sym, ref);
}

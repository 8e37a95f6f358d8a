/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared by the files of the ko layer only: the struct ko, bounds-checked
 * readers in the file's byte order, and relocation resolution.
 */
#pragma once

#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mymod/ko.h"

/* Decompressed images larger than this are refused (a bomb, not a module). */
#define KO_MAX_IMAGE ((size_t)256 << 20)

/*
 * Sections this large are read piecewise (a window at a time) until read
 * whole. The fuzz build makes both small, so small inputs reach it.
 */
#ifndef KO_WINDOW_MIN
#define KO_WINDOW_MIN 8192
#endif
#ifndef KO_WINDOW
#define KO_WINDOW 512
#endif

struct ko_relmap;

struct ko_window {
	uint64_t off, len;
	uint8_t *buf;
};

struct ko {
	char *path;
	int fd;
	enum ko_comp comp;

	/*
	 * An uncompressed file is read through libelf from the descriptor,
	 * only the parts asked for (header, section table, sections used);
	 * FILE and IMAGE are then mapped on first use of ko_file_data() or
	 * ko_elf_image(). Compressed files and ko_open_mem() have both in
	 * memory from the start.
	 */
	const uint8_t *file; /* as stored */
	size_t file_len;
	bool file_mapped;   /* munmap, else free */
	uint8_t *image_buf; /* decompressed image, NULL when the file is the image */
	const uint8_t *image;
	size_t image_len;
	const uint8_t **secdata;   /* [shnum] raw section contents, read on first use */
	struct ko_window *windows; /* [shnum] the last piece read of a large section */

	Elf *elf;
	GElf_Ehdr ehdr;
	int elfclass;
	bool big_endian;
	size_t ptrsize;
	size_t shnum;
	GElf_Shdr *shdrs;      /* [shnum] */
	const char **scnnames; /* [shnum], "" when unnamed */
	struct ko_section *sections;

	/* Everything below is computed on first use. */
	void **allocs; /* freed by ko_close */
	size_t nallocs;

	bool have_symtab;
	size_t symtab; /* section index, 0 when none */
	Elf_Data *symdata;
	Elf_Data *xndxdata;
	size_t nsyms;
	struct ko_relmap **relmaps; /* [shnum], per target section */

	bool have_elf_info;
	struct ko_elf_info elf_info;
	bool have_modinfo;
	struct ko_modinfo *modinfo;
	size_t nmodinfo;
	char *name;
	bool have_params;
	struct ko_param *params;
	size_t nparams;
	struct ko_param *unmatched; /* parm= text that names no __param entry */
	size_t nunmatched;
	bool have_exports;
	struct ko_export *exports;
	size_t nexports;
	bool have_versions;
	struct ko_version *versions;
	size_t nversions;
	bool have_imports;
	struct ko_import *imports;
	size_t nimports;
	bool have_defined;
	struct ko_symbol *defined;
	size_t ndefined;
	bool have_signature;
	struct ko_signature *signature;
};

/* Keep P until ko_close; returns P. */
void *ko_keep(struct ko *ko, void *p);
char *ko_strdup(struct ko *ko, const char *s);
char *ko_strndup(struct ko *ko, const char *s, size_t n);

/* Integers in the file's byte order; P must have the bytes. */
uint16_t ko_rd16(const struct ko *ko, const uint8_t *p);
uint32_t ko_rd32(const struct ko *ko, const uint8_t *p);
uint64_t ko_rd64(const struct ko *ko, const uint8_t *p);
/* An unsigned long of the file's class. */
uint64_t ko_rdptr(const struct ko *ko, const uint8_t *p);

/* Index of the first section called NAME, 0 when none. */
size_t ko_find_section(const struct ko *ko, const char *name);

/*
 * LEN bytes at OFF of section IDX. NULL when out of range; for a NOBITS
 * section (.bss) *ZERO is set and the result points to zeros.
 */
const uint8_t *ko_sec_bytes(struct ko *ko, size_t idx, uint64_t off, uint64_t len, bool *zero);

/* The NUL-terminated string at OFF of section IDX, NULL when not inside it. */
const char *ko_sec_string(struct ko *ko, size_t idx, uint64_t off);

/* Read section IDX whole now (a table about to be walked): 0 or -errno. */
int ko_sec_load(struct ko *ko, size_t idx);

/* LEN bytes of the image at OFF (the caller checked they are inside), NULL on a read error. */
const uint8_t *ko_image_range(struct ko *ko, uint64_t off, size_t len);

/* Load the symbol table; 0, or -errno with mm_fail(). No symtab is not an error. */
int ko_load_symtab(struct ko *ko);
/* Symbol I with its section index (SHN_XINDEX resolved); false when out of range. */
bool ko_symbol(struct ko *ko, size_t i, GElf_Sym *sym, size_t *shndx, const char **name);

/* Where a pointer-sized word of a section points, through its relocation. */
struct ko_ref {
	bool reloc;	  /* a relocation applies to the word */
	uint64_t inplace; /* the word itself */
	size_t shndx;	  /* section of the symbol, SHN_UNDEF when undefined */
	uint64_t off;	  /* symbol value + addend: offset in shndx */
	uint64_t sym;	  /* the symbol's index */
	size_t index;	  /* the relocation's, in its section (for messages) */
	int symtype;	  /* STT_* */
	int64_t addend;
};

/*
 * Resolve the pointer at OFF of section IDX. Returns 0 (ref->reloc false
 * when no relocation applies), or -errno with mm_fail() when the
 * relocation is malformed: its symbol index out of range, or a target
 * outside the section of its symbol; and when any relocation of IDX
 * applies outside IDX.
 */
int ko_resolve(struct ko *ko, size_t idx, uint64_t off, struct ko_ref *ref);

/* The name of a symbol defined at section IDX offset OFF (objects first), or NULL. */
const char *ko_symbol_at(struct ko *ko, size_t idx, uint64_t off);

int ko_load_modinfo(struct ko *ko);

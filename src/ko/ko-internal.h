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

#include "mymod/dl.h"
#include "mymod/ko.h"

/*
 * libelf, opened when the first module is (ko_libelf_open(), from every
 * ko_open*()), so a call that reads no module does not pay for it at start.
 * Its functions are called through this table; the names are redirected.
 */
/* clang-format off */
#define KO_LIBELF_FUNCS(X) \
	X(elf_begin) X(elf_end) X(elf_errmsg) X(elf_getdata) X(elf_getident) X(elf_getscn) \
	X(elf_getshdrnum) X(elf_getshdrstrndx) X(elf_kind) X(elf_memory) X(elf_rawdata) \
	X(elf_version) X(gelf_fsize) X(gelf_getehdr) X(gelf_getnote) X(gelf_getrel) \
	X(gelf_getrela) X(gelf_getshdr) X(gelf_getsym) X(gelf_getsymshndx)
/* clang-format on */
struct ko_libelf_fns {
	KO_LIBELF_FUNCS(MM_DL_MEMBER)
};
union ko_libelf_table {
	struct ko_libelf_fns f;
	void *p[sizeof(struct ko_libelf_fns) / sizeof(void *)];
};
extern union ko_libelf_table ko_libelf;

/* Open libelf (once): 0, or -ENOTSUP with mm_fail(). */
int ko_libelf_open(void);

#define elf_begin	  (ko_libelf.f.elf_begin)
#define elf_end		  (ko_libelf.f.elf_end)
#define elf_errmsg	  (ko_libelf.f.elf_errmsg)
#define elf_getdata	  (ko_libelf.f.elf_getdata)
#define elf_getident	  (ko_libelf.f.elf_getident)
#define elf_getscn	  (ko_libelf.f.elf_getscn)
#define elf_getshdrnum	  (ko_libelf.f.elf_getshdrnum)
#define elf_getshdrstrndx (ko_libelf.f.elf_getshdrstrndx)
#define elf_kind	  (ko_libelf.f.elf_kind)
#define elf_memory	  (ko_libelf.f.elf_memory)
#define elf_rawdata	  (ko_libelf.f.elf_rawdata)
#define elf_version	  (ko_libelf.f.elf_version)
#define gelf_fsize	  (ko_libelf.f.gelf_fsize)
#define gelf_getehdr	  (ko_libelf.f.gelf_getehdr)
#define gelf_getnote	  (ko_libelf.f.gelf_getnote)
#define gelf_getrel	  (ko_libelf.f.gelf_getrel)
#define gelf_getrela	  (ko_libelf.f.gelf_getrela)
#define gelf_getshdr	  (ko_libelf.f.gelf_getshdr)
#define gelf_getsym	  (ko_libelf.f.gelf_getsym)
#define gelf_getsymshndx  (ko_libelf.f.gelf_getsymshndx)

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

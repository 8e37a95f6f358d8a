// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Source lines from a module's DWARF, through libdwfl and libdw: the one
 * file that uses them. A relocatable module is reported "offline": libdwfl
 * lays out its sections and applies the relocations of its .debug_*
 * sections, so that a symbol's address and the DWARF agree. A separate
 * debuginfo file is never searched for (no debuginfod, no network): what
 * is decoded is what the file given carries.
 */
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mymod/dl.h"
#include "mymod/ko.h"
#include "mymod/util.h"

/*
 * libdw is opened on first use (dlopen), so that the commands that never
 * read DWARF do not map it, and libbz2 with it, at every start. Its
 * functions are called through this table, with their own types; the
 * names below are redirected to it.
 */
/* clang-format off */
#define DW_FUNCS(X) \
	X(dwfl_begin) \
	X(dwfl_end) \
	X(dwfl_errmsg) \
	X(dwfl_report_begin) \
	X(dwfl_report_end) \
	X(dwfl_report_offline) \
	X(dwfl_offline_section_address) \
	X(dwfl_module_getsym_info) \
	X(dwfl_module_getsymtab) \
	X(dwfl_module_getsrc) \
	X(dwfl_module_getdwarf) \
	X(dwfl_module_build_id) \
	X(dwfl_module_addrdie) \
	X(dwfl_lineinfo) \
	X(dwarf_tag) \
	X(dwarf_getscopes) \
	X(dwarf_getscopes_die) \
	X(dwarf_formudata) \
	X(dwarf_formstring) \
	X(dwarf_attr) \
	X(dwarf_attr_integrate) \
	X(dwarf_getsrcfiles) \
	X(dwarf_filesrc)
/* clang-format on */
struct dw_fns {
	DW_FUNCS(MM_DL_MEMBER)
};
static MM_DL_TABLE(dw_fns) dw;

static int dw_load(void)
{
	static const char *const names[] = { DW_FUNCS(MM_DL_NAME) };
	static int loaded; /* 0 not tried, 1 loaded, -errno failed */

	if (loaded)
		return loaded < 0 ? mm_fail(-loaded, "libdw (elfutils) cannot be loaded") : 0;
	loaded = mm_dl_open("libdw.so.1", names, dw.p, sizeof(names) / sizeof(names[0])) < 0
			 ? -ENOTSUP
			 : 1;
	return loaded < 0 ? -ENOTSUP : 0;
}

#define dwfl_begin		     dw.f.dwfl_begin
#define dwfl_end		     dw.f.dwfl_end
#define dwfl_errmsg		     dw.f.dwfl_errmsg
#define dwfl_report_begin	     dw.f.dwfl_report_begin
#define dwfl_report_end		     dw.f.dwfl_report_end
#define dwfl_report_offline	     dw.f.dwfl_report_offline
#define dwfl_offline_section_address dw.f.dwfl_offline_section_address
#define dwfl_module_getsym_info	     dw.f.dwfl_module_getsym_info
#define dwfl_module_getsymtab	     dw.f.dwfl_module_getsymtab
#define dwfl_module_getsrc	     dw.f.dwfl_module_getsrc
#define dwfl_module_getdwarf	     dw.f.dwfl_module_getdwarf
#define dwfl_module_build_id	     dw.f.dwfl_module_build_id
#define dwfl_module_addrdie	     dw.f.dwfl_module_addrdie
#define dwfl_lineinfo		     dw.f.dwfl_lineinfo
#define dwarf_tag		     dw.f.dwarf_tag
#define dwarf_getscopes		     dw.f.dwarf_getscopes
#define dwarf_getscopes_die	     dw.f.dwarf_getscopes_die
#define dwarf_formudata		     dw.f.dwarf_formudata
#define dwarf_formstring	     dw.f.dwarf_formstring
#define dwarf_attr		     dw.f.dwarf_attr
#define dwarf_attr_integrate	     dw.f.dwarf_attr_integrate
#define dwarf_getsrcfiles	     dw.f.dwarf_getsrcfiles
#define dwarf_filesrc		     dw.f.dwarf_filesrc

struct ko_dwarf {
	Dwfl *dwfl;
	Dwfl_Module *mod;
	char *path;
	char *build_id;
	int has_dwarf;		/* -1 not asked yet */
	struct mm_hash symbols; /* name -> index in libdwfl's symbol table */
	bool indexed;
};

static int no_debuginfo(Dwfl_Module *mod MM_UNUSED, void **userdata MM_UNUSED,
			const char *modname MM_UNUSED, Dwarf_Addr base MM_UNUSED,
			const char *file MM_UNUSED, const char *debuglink MM_UNUSED,
			GElf_Word crc MM_UNUSED, char **debuginfo_file MM_UNUSED)
{
	return -1;
}

/* Filled when libdw is loaded: its offline layout of a relocatable file. */
static Dwfl_Callbacks offline = {
	.find_debuginfo = no_debuginfo,
};

/* A descriptor libdwfl can read the ELF image from: the file, or a memfd of it decompressed. */
static int image_fd(struct ko *ko)
{
	const void *image;
	size_t len;
	int fd;

	if (ko_compression(ko) == KO_COMP_NONE && ko_fd(ko) >= 0) {
		fd = fcntl(ko_fd(ko), F_DUPFD_CLOEXEC, 0);
		return fd < 0 ? mm_fail(-errno, "cannot duplicate its descriptor: %m") : fd;
	}
	image = ko_elf_image(ko, &len);
	if (!image)
		return -ENOMEM;
	fd = memfd_create("mymod-ko", MFD_CLOEXEC);
	if (fd < 0)
		return mm_fail(-errno, "cannot make a file of the decompressed module: %m");
	for (size_t done = 0; done < len;) {
		ssize_t w = write(fd, (const char *)image + done, len - done);

		if (w < 0) {
			int err = -errno;

			close(fd);
			return mm_fail(err, "cannot write the decompressed module: %m");
		}
		done += (size_t)w;
	}
	return fd;
}

static int report(struct ko_dwarf *d, int fd)
{
	d->dwfl = dwfl_begin(&offline);
	if (!d->dwfl) {
		close(fd);
		return mm_fail(-ENOMEM, "libdwfl: %s", dwfl_errmsg(-1));
	}
	dwfl_report_begin(d->dwfl);
	/* The descriptor is libdwfl's from here, on success or not. */
	d->mod = dwfl_report_offline(d->dwfl, d->path, d->path, fd);
	if (dwfl_report_end(d->dwfl, NULL, NULL) != 0 || !d->mod)
		return mm_fail(-EBADMSG, "libdwfl cannot read it: %s", dwfl_errmsg(-1));
	return 0;
}

/*
 * PATH as a linked image (vmlinux: ET_EXEC, or ET_DYN), which ko_open()
 * refuses: a descriptor of it, or -1 when it is not one.
 */
static int image_file(const char *path)
{
	unsigned char h[18];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	unsigned int type;

	if (fd < 0)
		return -1;
	if (pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) || memcmp(h, ELFMAG, SELFMAG) != 0) {
		close(fd);
		return -1;
	}
	type = h[EI_DATA] == ELFDATA2MSB ? (unsigned int)h[16] << 8 | h[17]
					 : (unsigned int)h[17] << 8 | h[16];
	if (type != ET_EXEC && type != ET_DYN) {
		close(fd);
		return -1;
	}
	return fd;
}

/* A module through ko_open() (checked, decompressed), else a linked image as it is. */
static int open_fd(const char *path)
{
	struct ko *ko;
	int fd, err = ko_open(path, &ko);

	if (err < 0) {
		fd = image_file(path);
		return fd < 0 ? err : fd;
	}
	fd = image_fd(ko);
	ko_close(ko);
	return fd;
}

static void read_build_id(struct ko_dwarf *d)
{
	const unsigned char *bits;
	GElf_Addr vaddr;
	int n = dwfl_module_build_id(d->mod, &bits, &vaddr);

	if (n > 0)
		d->build_id = mm_hex(bits, (size_t)n);
}

int ko_dwarf_open(const char *path, struct ko_dwarf **dp)
{
	struct ko_dwarf *d;
	int fd, err = dw_load();

	*dp = NULL;
	if (err < 0)
		return err;
	offline.section_address = dwfl_offline_section_address;
	fd = open_fd(path);
	if (fd < 0)
		return fd;
	d = mm_calloc(1, sizeof(*d));
	d->path = mm_strdup(path);
	d->has_dwarf = -1;
	err = report(d, fd);
	if (err < 0) {
		ko_dwarf_close(d);
		return err;
	}
	read_build_id(d);
	*dp = d;
	return 0;
}

void ko_dwarf_close(struct ko_dwarf *d)
{
	if (!d)
		return;
	if (d->dwfl)
		dwfl_end(d->dwfl);
	mm_hash_free(&d->symbols);
	free(d->path);
	free(d->build_id);
	free(d);
}

const char *ko_dwarf_build_id(const struct ko_dwarf *d)
{
	return d->build_id;
}

bool ko_dwarf_has_debuginfo(struct ko_dwarf *d)
{
	Dwarf_Addr bias;

	if (d->has_dwarf < 0)
		d->has_dwarf = dwfl_module_getdwarf(d->mod, &bias) != NULL;
	return d->has_dwarf;
}

/*
 * Every defined symbol's index in libdwfl's table, by name: functions
 * first, so that a name a function and another symbol share means the
 * function (vmlinux has some 150000; a trace asks about many frames).
 */
static void index_symbols(struct ko_dwarf *d)
{
	int n = dwfl_module_getsymtab(d->mod);

	mm_hash_reserve(&d->symbols, n > 0 ? (size_t)n : 0);
	for (int pass = 0; pass < 2; pass++) {
		for (int i = 1; i < n; i++) {
			GElf_Sym sym;
			GElf_Addr addr;
			GElf_Word shndx;
			const char *name =
				dwfl_module_getsym_info(d->mod, i, &sym, &addr, &shndx, NULL, NULL);
			bool func = GELF_ST_TYPE(sym.st_info) == STT_FUNC;

			if (name && *name && shndx != SHN_UNDEF && func == (pass == 0))
				mm_hash_add(&d->symbols, name, (const void *)(uintptr_t)i);
		}
	}
	d->indexed = true;
}

/* SYMBOL's address as libdwfl laid the file out. */
static int symbol_address(struct ko_dwarf *d, const char *symbol, Dwarf_Addr *addr)
{
	uintptr_t i;
	GElf_Sym sym;

	if (!d->indexed)
		index_symbols(d);
	i = (uintptr_t)mm_hash_get(&d->symbols, symbol);
	if (i == 0 || !dwfl_module_getsym_info(d->mod, (int)i, &sym, addr, NULL, NULL, NULL))
		return mm_fail(-ENOENT, "no symbol %s in %s", symbol, d->path);
	return 0;
}

static char *die_name(Dwarf_Die *die)
{
	Dwarf_Attribute attr;
	const char *name = dwarf_formstring(dwarf_attr_integrate(die, DW_AT_name, &attr));

	return name ? mm_strdup(name) : NULL;
}

/* The source file of index IDX in CU's file table (a DW_AT_call_file), or NULL. */
static char *cu_file(Dwarf_Die *cu, Dwarf_Word idx)
{
	Dwarf_Files *files;
	size_t nfiles;
	const char *name;

	if (dwarf_getsrcfiles(cu, &files, &nfiles) != 0 || idx >= nfiles)
		return NULL;
	name = dwarf_filesrc(files, idx, NULL, NULL);
	return name ? mm_strdup(name) : NULL;
}

static struct ko_srcloc *add_loc(struct ko_srcloc **locs, size_t *n)
{
	*locs = mm_reallocarray(*locs, *n + 1, sizeof(**locs));
	memset(&(*locs)[*n], 0, sizeof(**locs));
	return &(*locs)[(*n)++];
}

/* The first function (an inlined one, or a subprogram) among SCOPES from FROM on, or -1. */
static int function_scope(Dwarf_Die *scopes, int n, int from)
{
	for (int j = from; j < n; j++) {
		int tag = dwarf_tag(&scopes[j]);

		if (tag == DW_TAG_inlined_subroutine || tag == DW_TAG_entry_point ||
		    tag == DW_TAG_subprogram)
			return j;
	}
	return -1;
}

/*
 * The inline chain at PC, as eu-addr2line -i finds it: the innermost
 * scope, then its parents (not the abstract origins dwarf_getscopes()
 * adds). LOCS[0] (the line table's answer) gets its function's name; each
 * inlined subroutine adds the function it was inlined into, at its call.
 */
static void inline_chain(struct ko_dwarf *d, Dwarf_Addr pc, struct ko_srcloc **locs, size_t *n)
{
	Dwarf_Addr bias;
	Dwarf_Die *cu = dwfl_module_addrdie(d->mod, pc, &bias);
	Dwarf_Die *scopes = NULL, inner;
	int ns = cu ? dwarf_getscopes(cu, pc - bias, &scopes) : -1;
	int j;

	if (ns <= 0)
		goto out;
	inner = scopes[0];
	free(scopes);
	scopes = NULL;
	ns = dwarf_getscopes_die(&inner, &scopes);
	j = function_scope(scopes, ns, 0);
	if (j >= 0)
		(*locs)[0].function = die_name(&scopes[j]);
	for (int i = 0; i < ns; i++) {
		Dwarf_Attribute attr;
		Dwarf_Word file, line;
		struct ko_srcloc *loc;

		if (dwarf_tag(&scopes[i]) != DW_TAG_inlined_subroutine)
			continue;
		loc = add_loc(locs, n);
		if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_file, &attr), &file) == 0)
			loc->file = cu_file(cu, file);
		if (dwarf_formudata(dwarf_attr(&scopes[i], DW_AT_call_line, &attr), &line) == 0)
			loc->line = (unsigned int)line;
		j = function_scope(scopes, ns, i + 1);
		if (j >= 0)
			loc->function = die_name(&scopes[j]);
	}
out:
	free(scopes);
}

int ko_dwarf_lookup(struct ko_dwarf *d, const char *symbol, uint64_t offset,
		    struct ko_srcloc **locs, size_t *n)
{
	Dwarf_Addr addr = 0;
	Dwfl_Line *line;
	const char *file;
	int lineno = 0;
	int err;

	*locs = NULL;
	*n = 0;
	if (!ko_dwarf_has_debuginfo(d))
		return mm_fail(-ENODATA, "no debug information in %s", d->path);
	err = symbol_address(d, symbol, &addr);
	if (err < 0)
		return err;
	addr += offset;
	line = dwfl_module_getsrc(d->mod, addr);
	file = line ? dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL) : NULL;
	if (!file)
		return mm_fail(-ENODATA, "no line for %s+%#" PRIx64 " in %s", symbol, offset,
			       d->path);
	add_loc(locs, n)->file = mm_strdup(file);
	(*locs)[0].line = (unsigned int)lineno;
	inline_chain(d, addr, locs, n);
	return 0;
}

void ko_srclocs_free(struct ko_srcloc *locs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(locs[i].function);
		free(locs[i].file);
	}
	free(locs);
}

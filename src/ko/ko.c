// SPDX-License-Identifier: LGPL-2.1-or-later
/* Opening a module: read once, decompress, check the ELF header and sections. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ko-decompress.h"
#include "ko-internal.h"
#include "mymod/util.h"

const char *ko_comp_name(enum ko_comp comp)
{
	switch (comp) {
	case KO_COMP_NONE:
		return "none";
	case KO_COMP_GZIP:
		return "gzip";
	case KO_COMP_XZ:
		return "xz";
	case KO_COMP_ZSTD:
		return "zstd";
	}
	return "unknown";
}

void *ko_keep(struct ko *ko, void *p)
{
	ko->allocs = mm_reallocarray(ko->allocs, ko->nallocs + 1, sizeof(*ko->allocs));
	ko->allocs[ko->nallocs++] = p;
	return p;
}

char *ko_strdup(struct ko *ko, const char *s)
{
	return ko_keep(ko, mm_strdup(s));
}

char *ko_strndup(struct ko *ko, const char *s, size_t n)
{
	return ko_keep(ko, mm_strndup(s, n));
}

uint16_t ko_rd16(const struct ko *ko, const uint8_t *p)
{
	return ko->big_endian ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

uint32_t ko_rd32(const struct ko *ko, const uint8_t *p)
{
	if (ko->big_endian)
		return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	return (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

uint64_t ko_rd64(const struct ko *ko, const uint8_t *p)
{
	uint64_t a = ko_rd32(ko, p), b = ko_rd32(ko, p + 4);

	return ko->big_endian ? a << 32 | b : b << 32 | a;
}

uint64_t ko_rdptr(const struct ko *ko, const uint8_t *p)
{
	return ko->ptrsize == 8 ? ko_rd64(ko, p) : ko_rd32(ko, p);
}

size_t ko_find_section(const struct ko *ko, const char *name)
{
	for (size_t i = 1; i < ko->shnum; i++)
		if (strcmp(ko->scnnames[i], name) == 0)
			return i;
	return 0;
}

static const uint8_t zeros[64];

const uint8_t *ko_sec_bytes(const struct ko *ko, size_t idx, uint64_t off, uint64_t len, bool *zero)
{
	const GElf_Shdr *sh;

	if (zero)
		*zero = false;
	if (idx == 0 || idx >= ko->shnum)
		return NULL;
	sh = &ko->shdrs[idx];
	if (off > sh->sh_size || len > sh->sh_size - off)
		return NULL;
	if (sh->sh_type == SHT_NOBITS) {
		if (!zero || len > sizeof(zeros))
			return NULL;
		*zero = true;
		return zeros;
	}
	/* Checked at open: the section lies inside the image. */
	return ko->image + sh->sh_offset + off;
}

const char *ko_sec_string(const struct ko *ko, size_t idx, uint64_t off)
{
	const GElf_Shdr *sh;
	const char *s;

	if (idx == 0 || idx >= ko->shnum)
		return NULL;
	sh = &ko->shdrs[idx];
	if (sh->sh_type == SHT_NOBITS || off >= sh->sh_size)
		return NULL;
	s = (const char *)ko->image + sh->sh_offset + off;
	if (!memchr(s, '\0', sh->sh_size - off))
		return NULL;
	return s;
}

static int check_elf(struct ko *ko)
{
	size_t shstrndx, shentsize;
	const char *what = ko->comp == KO_COMP_NONE ? "file" : "decompressed image";

	if (ko->image_len < EI_NIDENT || memcmp(ko->image, ELFMAG, SELFMAG) != 0)
		return mm_fail(ENOEXEC, "not an ELF file%s", ko->image_len == 0 ? " (empty)" : "");
	if (ko->image[EI_CLASS] != ELFCLASS32 && ko->image[EI_CLASS] != ELFCLASS64)
		return mm_fail(ENOEXEC, "unknown ELF class %u", ko->image[EI_CLASS]);
	if (ko->image[EI_DATA] != ELFDATA2LSB && ko->image[EI_DATA] != ELFDATA2MSB)
		return mm_fail(ENOEXEC, "unknown ELF byte order %u", ko->image[EI_DATA]);
	ko->elfclass = ko->image[EI_CLASS] == ELFCLASS64 ? 64 : 32;
	ko->ptrsize = ko->elfclass / 8;
	ko->big_endian = ko->image[EI_DATA] == ELFDATA2MSB;
	if (ko->image_len < (ko->elfclass == 64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return mm_fail(ENOEXEC, "ELF header truncated (%s is %zu bytes)", what,
			       ko->image_len);

	/* libelf may convert in place: it gets a private, writable image. */
	ko->elf = elf_memory((char *)ko->image, ko->image_len);
	if (!ko->elf || elf_kind(ko->elf) != ELF_K_ELF || !gelf_getehdr(ko->elf, &ko->ehdr))
		return mm_fail(ENOEXEC, "not a valid ELF file: %s", elf_errmsg(-1));
	if (ko->ehdr.e_type != ET_REL)
		return mm_fail(ENOEXEC,
			       "ELF type %u is not a relocatable object: not a kernel module",
			       ko->ehdr.e_type);
	shentsize = gelf_fsize(ko->elf, ELF_T_SHDR, 1, EV_CURRENT);
	if (ko->ehdr.e_shoff == 0)
		return mm_fail(ENOEXEC, "no section header table");
	if (ko->ehdr.e_shentsize != shentsize)
		return mm_fail(ENOEXEC, "section header size %u is not %zu", ko->ehdr.e_shentsize,
			       shentsize);
	if (ko->ehdr.e_shoff >= ko->image_len)
		return mm_fail(ENOEXEC,
			       "section header table at offset %llu is past the end of the %s "
			       "(%zu bytes)",
			       (unsigned long long)ko->ehdr.e_shoff, what, ko->image_len);
	/* With e_shnum 0 the count is in section 0; it must fit first. */
	if (ko->image_len - ko->ehdr.e_shoff < shentsize)
		return mm_fail(ENOEXEC, "section header table extends past the end of the %s",
			       what);
	if (elf_getshdrnum(ko->elf, &ko->shnum) < 0)
		return mm_fail(ENOEXEC, "cannot read the section count: %s", elf_errmsg(-1));
	if (ko->shnum == 0 || ko->shnum > (ko->image_len - ko->ehdr.e_shoff) / shentsize)
		return mm_fail(ENOEXEC,
			       "section header table (%zu entries at offset %llu) extends past "
			       "the end of the %s",
			       ko->shnum, (unsigned long long)ko->ehdr.e_shoff, what);
	if (elf_getshdrstrndx(ko->elf, &shstrndx) < 0 || shstrndx == 0 || shstrndx >= ko->shnum)
		return mm_fail(ENOEXEC, "invalid section name table index");

	ko->shdrs = mm_calloc(ko->shnum, sizeof(*ko->shdrs));
	ko->scnnames = mm_calloc(ko->shnum, sizeof(*ko->scnnames));
	ko->scnnames[0] = "";
	for (size_t i = 1; i < ko->shnum; i++) {
		GElf_Shdr *sh = &ko->shdrs[i];
		Elf_Scn *scn = elf_getscn(ko->elf, i);

		if (!scn || !gelf_getshdr(scn, sh))
			return mm_fail(ENOEXEC, "cannot read section header %zu: %s", i,
				       elf_errmsg(-1));
	}
	/* Names need the name table's bounds checked first. */
	if (ko->shdrs[shstrndx].sh_type == SHT_NOBITS ||
	    ko->shdrs[shstrndx].sh_offset > ko->image_len ||
	    ko->shdrs[shstrndx].sh_size > ko->image_len - ko->shdrs[shstrndx].sh_offset)
		return mm_fail(ENOEXEC, "section name table (section %zu) is outside the %s",
			       shstrndx, what);
	for (size_t i = 1; i < ko->shnum; i++) {
		const GElf_Shdr *sh = &ko->shdrs[i];
		const char *name = ko_sec_string(ko, shstrndx, ko->shdrs[i].sh_name);

		ko->scnnames[i] = name ? name : "";
		if (sh->sh_type == SHT_NOBITS || sh->sh_size == 0)
			continue;
		if (sh->sh_offset > ko->image_len || sh->sh_size > ko->image_len - sh->sh_offset)
			return mm_fail(ENOEXEC, "section %zu (%s) extends past the end of the %s",
				       i, name ? name : "unnamed", what);
	}
	return 0;
}

static void ko_free(struct ko *ko)
{
	if (!ko)
		return;
	if (ko->relmaps) {
		for (size_t i = 0; i < ko->shnum; i++)
			free(ko->relmaps[i]);
		free(ko->relmaps);
	}
	for (size_t i = 0; i < ko->nallocs; i++)
		free(ko->allocs[i]);
	free(ko->allocs);
	free(ko->sections);
	free(ko->scnnames);
	free(ko->shdrs);
	if (ko->elf)
		elf_end(ko->elf);
	free(ko->image_buf);
	if (ko->file_mapped)
		munmap((void *)ko->file, ko->file_len);
	else
		free((void *)ko->file);
	if (ko->fd >= 0)
		close(ko->fd);
	free(ko->path);
	free(ko);
}

/* FILE/FILE_LEN are set: find the image and check it. */
static int ko_init(struct ko *ko)
{
	int err;

	if (elf_version(EV_CURRENT) == EV_NONE)
		return mm_fail(ENOSYS, "libelf is too old: %s", elf_errmsg(-1));
	if (ko->file_len == 0)
		return mm_fail(ENOEXEC, "empty file");
	ko->comp = ko_detect_compression(ko->file, ko->file_len);
	if (ko->comp == KO_COMP_NONE) {
		ko->image = ko->file;
		ko->image_len = ko->file_len;
	} else {
		err = ko_decompress(ko->comp, ko->file, ko->file_len, &ko->image_buf,
				    &ko->image_len);
		if (err < 0)
			return err;
		ko->image = ko->image_buf;
	}
	return check_elf(ko);
}

int ko_open_fd(int fd, const char *path, struct ko **kop)
{
	struct ko *ko = mm_calloc(1, sizeof(*ko));
	struct stat st;
	void *map;
	int err;

	ko->fd = fd;
	ko->path = mm_strdup(path);
	if (fstat(fd, &st) < 0) {
		err = mm_fail(errno, "cannot stat: %m");
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = mm_fail(S_ISDIR(st.st_mode) ? EISDIR : EINVAL, "not a regular file");
		goto out;
	}
	if (st.st_size > 0) {
		map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
		if (map == MAP_FAILED) {
			err = mm_fail(errno, "cannot map: %m");
			goto out;
		}
		ko->file = map;
		ko->file_len = (size_t)st.st_size;
		ko->file_mapped = true;
	}
	err = ko_init(ko);
out:
	if (err < 0) {
		ko_free(ko);
		return err;
	}
	*kop = ko;
	return 0;
}

int ko_open(const char *path, struct ko **kop)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return mm_fail(errno, "%m");
	return ko_open_fd(fd, path, kop);
}

int ko_open_mem(const void *data, size_t len, const char *name, struct ko **kop)
{
	struct ko *ko = mm_calloc(1, sizeof(*ko));
	uint8_t *copy = mm_malloc(len);
	int err;

	if (len)
		memcpy(copy, data, len);
	ko->fd = -1;
	ko->path = mm_strdup(name ? name : "(memory)");
	ko->file = copy;
	ko->file_len = len;
	err = ko_init(ko);
	if (err < 0) {
		ko_free(ko);
		return err;
	}
	*kop = ko;
	return 0;
}

void ko_close(struct ko *ko)
{
	ko_free(ko);
}

const char *ko_path(const struct ko *ko)
{
	return ko->path;
}

int ko_fd(const struct ko *ko)
{
	return ko->fd;
}

enum ko_comp ko_compression(const struct ko *ko)
{
	return ko->comp;
}

const void *ko_file_data(const struct ko *ko, size_t *len)
{
	if (len)
		*len = ko->file_len;
	return ko->file;
}

const void *ko_elf_image(const struct ko *ko, size_t *len)
{
	if (len)
		*len = ko->image_len;
	return ko->image;
}

const char *ko_name(struct ko *ko)
{
	const char *s;

	if (ko->name)
		return ko->name;
	s = ko_modinfo_get(ko, "name");
	if (s && *s)
		ko->name = ko_strdup(ko, s);
	else
		ko->name = ko_keep(ko, mm_modname_from_path(ko->path));
	return ko->name;
}

int ko_sections(struct ko *ko, const struct ko_section **secs, size_t *n)
{
	if (!ko->sections) {
		ko->sections = mm_calloc(ko->shnum, sizeof(*ko->sections));
		for (size_t i = 1; i < ko->shnum; i++) {
			ko->sections[i - 1].name = ko->scnnames[i];
			ko->sections[i - 1].size = ko->shdrs[i].sh_size;
		}
	}
	*secs = ko->sections;
	*n = ko->shnum - 1;
	return 0;
}

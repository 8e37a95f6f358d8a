// SPDX-License-Identifier: LGPL-2.1-or-later
/* Opening a module: decompress, check the ELF header and sections; read sections on demand. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

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
	/* Capacity doubles at powers of two. */
	if ((ko->nallocs & (ko->nallocs - 1)) == 0)
		ko->allocs = mm_reallocarray(ko->allocs, ko->nallocs ? ko->nallocs * 2 : 8,
					     sizeof(*ko->allocs));
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

bool ko_has_section(const struct ko *ko, const char *name)
{
	return ko_find_section(ko, name) != 0;
}

static const uint8_t zeros[64];

/* The raw contents of section IDX (not NOBITS), read on first use. */
static const uint8_t *sec_data(struct ko *ko, size_t idx)
{
	const GElf_Shdr *sh = &ko->shdrs[idx];
	Elf_Scn *scn;
	Elf_Data *d;

	if (ko->secdata[idx])
		return ko->secdata[idx];
	if (ko->image) {
		/* Checked at open: the section lies inside the image. */
		ko->secdata[idx] = ko->image + sh->sh_offset;
	} else {
		scn = elf_getscn(ko->elf, idx);
		d = scn ? elf_rawdata(scn, NULL) : NULL;
		if (!d || d->d_size != sh->sh_size || (!d->d_buf && sh->sh_size)) {
			mm_fail(EIO, "cannot read section %zu (%s): %s", idx, ko->scnnames[idx],
				elf_errmsg(-1));
			return NULL;
		}
		ko->secdata[idx] = d->d_buf ? d->d_buf : zeros;
	}
	return ko->secdata[idx];
}

int ko_sec_load(struct ko *ko, size_t idx)
{
	if (idx == 0 || idx >= ko->shnum || ko->shdrs[idx].sh_type == SHT_NOBITS)
		return 0;
	return sec_data(ko, idx) ? 0 : -EIO;
}

/*
 * A small piece of a large section that is not read yet: read just that
 * (a window from OFF), as a lookup of one value or name in a big .data or
 * .rodata needs. Windows are kept until ko_close, so pointers stay valid.
 */
static const uint8_t *sec_window(struct ko *ko, size_t idx, uint64_t off, uint64_t len,
				 uint64_t *avail)
{
	const GElf_Shdr *sh = &ko->shdrs[idx];
	struct ko_window *w;
	uint64_t wlen;
	ssize_t r;

	if (!ko->windows)
		ko->windows = mm_calloc(ko->shnum, sizeof(*ko->windows));
	w = &ko->windows[idx];
	if (w->buf && off >= w->off && len <= w->len && off - w->off <= w->len - len) {
		*avail = w->len - (off - w->off);
		return w->buf + (off - w->off);
	}
	wlen = sh->sh_size - off < KO_WINDOW ? sh->sh_size - off : KO_WINDOW;
	w->buf = ko_keep(ko, mm_malloc(wlen));
	r = pread(ko->fd, w->buf, wlen, (off_t)(sh->sh_offset + off));
	if (r != (ssize_t)wlen) {
		w->buf = NULL;
		mm_fail(r < 0 ? errno : EIO, "cannot read section %zu (%s)", idx,
			ko->scnnames[idx]);
		return NULL;
	}
	w->off = off;
	w->len = wlen;
	*avail = wlen;
	return w->buf;
}

/* Whether a read of LEN bytes from section IDX is served by a window. */
static bool use_window(const struct ko *ko, size_t idx, uint64_t len)
{
	return !ko->image && !ko->secdata[idx] && ko->shdrs[idx].sh_size >= KO_WINDOW_MIN &&
	       len <= KO_WINDOW;
}

const uint8_t *ko_sec_bytes(struct ko *ko, size_t idx, uint64_t off, uint64_t len, bool *zero)
{
	const GElf_Shdr *sh;
	const uint8_t *data;
	uint64_t wlen;

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
	if (use_window(ko, idx, len))
		return sec_window(ko, idx, off, len, &wlen);
	data = sec_data(ko, idx);
	return data ? data + off : NULL;
}

const char *ko_sec_string(struct ko *ko, size_t idx, uint64_t off)
{
	const GElf_Shdr *sh;
	const uint8_t *data;
	uint64_t avail, wlen;

	if (idx == 0 || idx >= ko->shnum)
		return NULL;
	sh = &ko->shdrs[idx];
	if (sh->sh_type == SHT_NOBITS || off >= sh->sh_size)
		return NULL;
	avail = sh->sh_size - off;
	if (use_window(ko, idx, 1)) {
		data = sec_window(ko, idx, off, 1, &wlen);
		if (!data)
			return NULL;
		if (memchr(data, '\0', wlen))
			return (const char *)data;
		/* Not terminated inside the window: the section decides. */
		if (wlen == avail)
			return NULL;
	}
	data = sec_data(ko, idx);
	if (!data || !memchr(data + off, '\0', avail))
		return NULL;
	return (const char *)data + off;
}

const uint8_t *ko_image_range(struct ko *ko, uint64_t off, size_t len)
{
	uint8_t *buf;
	ssize_t r;

	if (ko->image)
		return ko->image + off;
	buf = ko_keep(ko, mm_malloc(len));
	r = pread(ko->fd, buf, len, (off_t)off);
	if (r != (ssize_t)len) {
		mm_fail(r < 0 ? errno : EIO, "cannot read %zu bytes at offset %llu: %s", len,
			(unsigned long long)off, r < 0 ? strerror(errno) : "short read");
		return NULL;
	}
	return buf;
}

/* HEAD holds the first bytes of the image (up to an ELF header). */
static int check_header(struct ko *ko, const uint8_t *head, size_t headlen)
{
	const char *what = ko->comp == KO_COMP_NONE ? "file" : "decompressed image";

	if (headlen < EI_NIDENT || memcmp(head, ELFMAG, SELFMAG) != 0)
		return mm_fail(ENOEXEC, "not an ELF file");
	if (head[EI_CLASS] != ELFCLASS32 && head[EI_CLASS] != ELFCLASS64)
		return mm_fail(ENOEXEC, "unknown ELF class %u", head[EI_CLASS]);
	if (head[EI_DATA] != ELFDATA2LSB && head[EI_DATA] != ELFDATA2MSB)
		return mm_fail(ENOEXEC, "unknown ELF byte order %u", head[EI_DATA]);
	ko->elfclass = head[EI_CLASS] == ELFCLASS64 ? 64 : 32;
	ko->ptrsize = (size_t)ko->elfclass / 8;
	ko->big_endian = head[EI_DATA] == ELFDATA2MSB;
	if (ko->image_len < (ko->elfclass == 64 ? sizeof(Elf64_Ehdr) : sizeof(Elf32_Ehdr)))
		return mm_fail(ENOEXEC, "ELF header truncated (%s is %zu bytes)", what,
			       ko->image_len);
	return 0;
}

/* The ELF header and section header table, against the image size. */
static int check_elf(struct ko *ko)
{
	size_t shstrndx, shentsize;
	const char *what = ko->comp == KO_COMP_NONE ? "file" : "decompressed image";

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
	ko->secdata = mm_calloc(ko->shnum, sizeof(*ko->secdata));
	for (size_t i = 1; i < ko->shnum; i++) {
		Elf_Scn *scn = elf_getscn(ko->elf, i);

		ko->scnnames[i] = "";
		if (!scn || !gelf_getshdr(scn, &ko->shdrs[i]))
			return mm_fail(ENOEXEC, "cannot read section header %zu: %s", i,
				       elf_errmsg(-1));
	}
	ko->scnnames[0] = "";
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
	free(ko->secdata);
	free(ko->windows);
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

static const char *const libelf_names[] = { KO_LIBELF_FUNCS(MM_DL_NAME) };
union ko_libelf_table ko_libelf;
static struct mm_dl libelf_dl = MM_DL_INIT("libelf.so.1", libelf_names, ko_libelf);

int ko_libelf_open(void)
{
	return mm_dl_load(&libelf_dl);
}

static int init_libelf(void)
{
	if (ko_libelf_open() < 0)
		return -ENOTSUP;
	if (elf_version(EV_CURRENT) == EV_NONE)
		return mm_fail(ENOSYS, "libelf is too old: %s", elf_errmsg(-1));
	return 0;
}

/* FILE/FILE_LEN hold the whole file: find the image and check it. */
static int init_mem(struct ko *ko)
{
	int err = init_libelf();

	if (err < 0)
		return err;
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
	err = check_header(ko, ko->image, ko->image_len);
	if (err < 0)
		return err;
	/* libelf may convert in place: it gets a private, writable image. */
	ko->elf = elf_memory((char *)ko->image, ko->image_len);
	return check_elf(ko);
}

static int map_file(struct ko *ko)
{
	void *map;

	map = mmap(NULL, ko->file_len, PROT_READ | PROT_WRITE, MAP_PRIVATE, ko->fd, 0);
	if (map == MAP_FAILED)
		return mm_fail(errno, "cannot map: %m");
	ko->file = map;
	ko->file_mapped = true;
	return 0;
}

int ko_open_fd(int fd, const char *path, struct ko **kop)
{
	struct ko *ko = mm_calloc(1, sizeof(*ko));
	uint8_t head[sizeof(Elf64_Ehdr)];
	const char *why;
	struct stat st;
	ssize_t r;
	int err;

	ko->fd = fd;
	ko->path = mm_strdup(path);
	if ((err = init_libelf()) < 0)
		goto out;
	if (fstat(fd, &st) < 0) {
		err = mm_fail(errno, "cannot stat: %m");
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		err = mm_fail(S_ISDIR(st.st_mode) ? EISDIR : EINVAL, "not a regular file");
		goto out;
	}
	if (st.st_size == 0) {
		err = mm_fail(ENOEXEC, "empty file");
		goto out;
	}
	ko->file_len = ko->image_len = (size_t)st.st_size;
	/* An ELF file: libelf reads what is asked for, when it is asked for. */
	ko->elf = elf_begin(fd, ELF_C_READ, NULL);
	if (ko->elf && elf_kind(ko->elf) == ELF_K_ELF) {
		err = check_header(ko, (const uint8_t *)elf_getident(ko->elf, NULL),
				   ko->file_len < EI_NIDENT ? ko->file_len : EI_NIDENT);
		if (err == 0)
			err = check_elf(ko);
		goto out;
	}
	why = elf_errmsg(-1);
	if (ko->elf)
		elf_end(ko->elf);
	ko->elf = NULL;
	/* Compressed, or not a module: the first bytes say which. */
	r = pread(fd, head, sizeof(head), 0);
	if (r < 0) {
		err = mm_fail(errno, "cannot read: %m");
		goto out;
	}
	if (ko_detect_compression(head, (size_t)r) != KO_COMP_NONE) {
		err = map_file(ko);
		if (err == 0)
			err = init_mem(ko);
		goto out;
	}
	err = check_header(ko, head, (size_t)r);
	if (err == 0)
		err = mm_fail(ENOEXEC, "not a valid ELF file: %s",
			      why ? why : "rejected by libelf");
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

/* The e_type of the ELF header HEAD (check_header() has passed it). */
static unsigned int header_type(const struct ko *ko, const uint8_t *head)
{
	/* e_type: right after e_ident, 2 bytes in the file's byte order. */
	return ko->big_endian ? (unsigned int)head[EI_NIDENT] << 8 | head[EI_NIDENT + 1]
			      : (unsigned int)head[EI_NIDENT + 1] << 8 | head[EI_NIDENT];
}

int ko_open_load(const char *path, struct ko **kop)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	uint8_t head[sizeof(Elf64_Ehdr)];
	struct ko *ko;
	struct stat st;
	ssize_t r;
	int err;

	if (fd < 0)
		return mm_fail(errno, "%m");
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0 ||
	    (r = pread(fd, head, sizeof(head), 0)) < 0 ||
	    ko_detect_compression(head, (size_t)r) != KO_COMP_NONE)
		return ko_open_fd(fd, path, kop);
	ko = mm_calloc(1, sizeof(*ko));
	ko->fd = fd;
	ko->path = mm_strdup(path);
	ko->file_len = ko->image_len = (size_t)st.st_size;
	err = check_header(ko, head, (size_t)r);
	if (err == 0 && header_type(ko, head) != ET_REL)
		err = mm_fail(ENOEXEC,
			      "ELF type %u is not a relocatable object: not a kernel module",
			      header_type(ko, head));
	if (err < 0) {
		ko_free(ko);
		return err;
	}
	*kop = ko;
	return 0;
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
	err = init_mem(ko);
	if (err < 0) {
		ko_free(ko);
		return err;
	}
	*kop = ko;
	return 0;
}

bool ko_is_file(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISREG(st.st_mode);
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

/* Mapped on first use when the file was opened uncompressed. */
static void ensure_mapped(const struct ko *cko)
{
	struct ko *ko = (struct ko *)cko; /* a cache: the struct is never const itself */

	if (ko->file || ko->fd < 0)
		return;
	if (map_file(ko) == 0 && ko->comp == KO_COMP_NONE)
		ko->image = ko->file;
}

const void *ko_file_data(const struct ko *ko, size_t *len)
{
	ensure_mapped(ko);
	if (len)
		*len = ko->file ? ko->file_len : 0;
	return ko->file;
}

const void *ko_elf_image(const struct ko *ko, size_t *len)
{
	ensure_mapped(ko);
	if (len)
		*len = ko->image ? ko->image_len : 0;
	return ko->image;
}

/* Clear SHF_ALLOC in section IDX's header of IMG (a copy of KO's image). */
static void unalloc(const struct ko *ko, uint8_t *img, size_t idx)
{
	/* sh_flags: after sh_name and sh_type, 8 bytes in ELF64, 4 in ELF32. */
	size_t size = ko->elfclass == 64 ? 8 : 4;
	size_t at = ko->ehdr.e_shoff + idx * ko->ehdr.e_shentsize + 8;

	img[ko->big_endian ? at + size - 1 : at] &= (uint8_t)~SHF_ALLOC;
}

/* Blank the vermagic= string of section IDX (.modinfo) of IMG, which holds LEN bytes. */
static void blank_vermagic(const struct ko *ko, uint8_t *img, size_t len, size_t idx)
{
	const GElf_Shdr *sh = &ko->shdrs[idx];
	uint8_t *p, *end;

	if (sh->sh_type == SHT_NOBITS || sh->sh_offset > len || sh->sh_size > len - sh->sh_offset)
		return;
	p = img + sh->sh_offset;
	end = p + sh->sh_size;
	while (p < end) {
		size_t n = strnlen((const char *)p, (size_t)(end - p));

		if (n >= 9 && memcmp(p, "vermagic=", 9) == 0)
			memset(p, 0, n);
		p += n + 1;
	}
}

void *ko_image_forced(struct ko *ko, bool modversions, bool vermagic, size_t *len)
{
	const void *image = ko_elf_image(ko, len);
	size_t idx;
	uint8_t *copy;

	if (!image)
		return NULL;
	copy = mm_malloc(*len);
	memcpy(copy, image, *len);
	idx = modversions ? ko_find_section(ko, "__versions") : 0;
	if (idx)
		unalloc(ko, copy, idx);
	idx = vermagic ? ko_find_section(ko, ".modinfo") : 0;
	if (idx)
		blank_vermagic(ko, copy, *len, idx);
	return copy;
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

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * ko: one kernel module file.
 *
 * The only layer that reads ELF (through libelf) or decompresses. A module
 * is opened once, through one descriptor: what is inspected and what is
 * handed to the kernel come from the same bytes. Any architecture, class
 * and byte order is read, whatever the host is.
 *
 * Every function that can fail returns 0 or a negative errno and describes
 * the failure with mm_fail() (see util.h), in words fit for
 * "mymod: CMD: FILE: <words>". Malformed input (truncated, corrupt,
 * offsets outside the file or section) is a failure, never a crash.
 *
 * Everything returned (strings, arrays) is owned by the struct ko and
 * valid until ko_close(). Tables are computed on first use and cached, so
 * a command pays only for what it asks.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ko;

enum ko_comp {
	KO_COMP_NONE,
	KO_COMP_GZIP,
	KO_COMP_XZ,
	KO_COMP_ZSTD,
};

/* "none", "gzip", "xz", "zstd". */
const char *ko_comp_name(enum ko_comp comp);

/* Compression from the first bytes (magic), KO_COMP_NONE when none. */
enum ko_comp ko_detect_compression(const void *data, size_t len);

/*
 * Decompress DATA whole into a malloc'ed *OUT. A corrupt or truncated
 * stream, or one that grows past 256 MiB, is -EBADMSG/-EFBIG with mm_fail().
 */
int ko_decompress(enum ko_comp comp, const void *data, size_t len, uint8_t **out, size_t *outlen);

/*
 * Compress DATA whole into a malloc'ed *OUT as the kernel's build compresses
 * modules (gzip -n, xz --check=crc32 --lzma2=dict=1MiB, zstd), so that
 * both kmod and the kernel's own decompressor read it. 0 or -errno.
 */
int ko_compress(enum ko_comp comp, const void *data, size_t len, uint8_t **out, size_t *outlen);

/*
 * Open PATH: detect compression from the content (not the name),
 * decompress in memory, and check the ELF header and section header
 * table (every section inside the file). An uncompressed file is not
 * read whole: the parts asked for are read through the descriptor when
 * first needed (cheaper than mapping it, for the many-modules case).
 */
int ko_open(const char *path, struct ko **kop);
/*
 * Open PATH to hand it to the kernel (kernel_load() without flags) and
 * nothing else: an uncompressed file's ELF identification and type are
 * checked, its sections are not read (the kernel checks them, as it does
 * for kmod). A compressed file, or one that is not a regular file, is
 * opened as ko_open() does.
 */
int ko_open_load(const char *path, struct ko **kop);
/* The same on an open descriptor, which the struct ko takes over (closed on failure too). */
int ko_open_fd(int fd, const char *path, struct ko **kop);
/* The same on bytes in memory (fuzzing, tests); DATA is copied. */
int ko_open_mem(const void *data, size_t len, const char *name, struct ko **kop);
/*
 * Whether PATH is a regular file (following links), whatever is in it:
 * what kmod's modinfo takes for a module file, whose filename: line it
 * prints before it finds the file cannot be read.
 */
bool ko_is_file(const char *path);
void ko_close(struct ko *ko);

const char *ko_path(const struct ko *ko);
/* The descriptor it was read from, -1 for ko_open_mem. For finit_module. */
int ko_fd(const struct ko *ko);
enum ko_comp ko_compression(const struct ko *ko);
/*
 * The file as stored (still compressed, if it is). Mapped on first call
 * for an uncompressed file; NULL (with mm_fail()) if that fails.
 */
const void *ko_file_data(const struct ko *ko, size_t *len);
/* The ELF image, decompressed: what init_module takes. As ko_file_data. */
const void *ko_elf_image(const struct ko *ko, size_t *len);
/*
 * A copy of that image with what forcing makes the kernel skip, as libkmod
 * strips it for init_module() (a kernel without finit_module): with
 * MODVERSIONS the __versions section no longer allocated, with VERMAGIC
 * the vermagic= string of .modinfo blanked. NULL when there is no image.
 * Free it.
 */
void *ko_image_forced(struct ko *ko, bool modversions, bool vermagic, size_t *len);

/* The module's name: modinfo "name=", else from the file name ('-' -> '_'). */
const char *ko_name(struct ko *ko);

struct ko_elf_info {
	int elfclass; /* 32 or 64 */
	bool big_endian;
	unsigned int machine;	  /* e_machine */
	const char *machine_name; /* "x86_64", "AArch64", "ARM", "S390", ... */
	bool rela;		  /* relocations are RELA (else REL) */
	const char *build_id;	  /* lower-case hex, NULL when absent */
};
int ko_elf_info(struct ko *ko, const struct ko_elf_info **info);

struct ko_section {
	const char *name;
	uint64_t size;
};
/* Has it a section called NAME? */
bool ko_has_section(const struct ko *ko, const char *name);
/* Every section header but the null one, in file order. */
int ko_sections(struct ko *ko, const struct ko_section **secs, size_t *n);

/* One .modinfo entry "key=value", in file order; a string without '=' is a key with value "", as
 * kmod reads it. */
struct ko_modinfo {
	const char *key;
	const char *value;
};
int ko_modinfo(struct ko *ko, const struct ko_modinfo **kv, size_t *n);
/* The first value of KEY, or NULL. */
const char *ko_modinfo_get(struct ko *ko, const char *key);

/*
 * A parameter: an entry of the __param section (struct kernel_param, read
 * through its relocations), in section order, joined with the parm= and
 * parmtype= text .modinfo gives its name. .modinfo names a parameter
 * without the MODULE_PARAM_PREFIX a module may set (mmc_block's
 * "mmcblk."): an entry without text of its own name takes the text of the
 * part after its last '.', and keeps __param's name, the one options must
 * use. Two entries may have one name (a module linked from several files
 * that each declare it, as wm97xx-ts's delay): the kernel sets the first
 * only, the later ones are shadowed. default_value is what sysfs would
 * show before any option is applied (ints in decimal, hexint as the
 * kernel's "%#08x", bool Y/N, arrays comma-joined), NULL for custom ops or
 * when it cannot be read.
 */
struct ko_param {
	const char *name;	   /* as the kernel matches options: "mmcblk.perdev_minors" */
	const char *type;	   /* parmtype=, e.g. "int", "charp", "array of int"; NULL */
	const char *ops;	   /* kernel_param_ops symbol, e.g. "param_ops_int"; NULL */
	int perm;		   /* e.g. 0644; -1 when not in __param */
	const char *description;   /* parm=; NULL when none */
	const char *default_value; /* printable initial value from the file; NULL */
	/*
	 * What the kernel takes: an array's most elements, a string's buffer
	 * size (the value fits in max - 1 bytes); 0 when not known.
	 */
	unsigned int max;
	const char *elem_ops; /* an array's element ops ("param_ops_uint"); NULL */
	bool shadowed;	      /* an earlier entry has this name: the kernel never sets this one */
};
int ko_params(struct ko *ko, const struct ko_param **params, size_t *n);
/*
 * The parm= and parmtype= text that describes no __param entry, a mistake
 * of the module's author (fscache's MODULE_PARM_DESC(fscache_debug, ...)
 * for the parameter module_param_named() calls debug): name, type and
 * description, in .modinfo's order; ops and default_value NULL, perm -1.
 */
int ko_params_unmatched(struct ko *ko, const struct ko_param **docs, size_t *n);
/*
 * The parameters that parm= and parmtype= entries name, joined as
 * ko_params() joins them: for a module built into the kernel, whose
 * modinfo is all there is (ops and default_value NULL, perm -1). Cannot
 * fail; returns the count. type and description point into KV; free the
 * array with ko_modinfo_params_free().
 */
size_t ko_modinfo_params(const struct ko_modinfo *kv, size_t n, struct ko_param **params);
void ko_modinfo_params_free(struct ko_param *params, size_t n);

/* An exported symbol (__ksymtab, __ksymtab_gpl), in symbol table order. */
struct ko_export {
	const char *name;
	bool gpl;
	const char *ns; /* namespace, NULL when none */
	bool has_crc;	/* modversions: the __crc_NAME value in __kcrctab* */
	uint32_t crc;
};
int ko_exports(struct ko *ko, const struct ko_export **exports, size_t *n);

/* An undefined symbol of the symbol table, with its __versions CRC. */
struct ko_import {
	const char *name;
	bool has_crc;
	uint32_t crc;
	bool weak; /* STB_WEAK: the kernel accepts it unresolved */
};
int ko_imports(struct ko *ko, const struct ko_import **imports, size_t *n);

/* A function or object the module defines (its symbol table's STT_FUNC and STT_OBJECT). */
struct ko_symbol {
	const char *name;
	uint64_t size; /* st_size, in bytes; 0 when the compiler gave none */
	bool func;     /* STT_FUNC, else STT_OBJECT */
};
/* Every one, in symbol table order; a static name may be there twice. */
int ko_symbols(struct ko *ko, const struct ko_symbol **syms, size_t *n);

/* A __versions entry, in section order (as modprobe --dump-modversions). */
struct ko_version {
	const char *name;
	uint32_t crc;
};
int ko_versions(struct ko *ko, const struct ko_version **versions, size_t *n);

/* The appended signature ("~Module signature appended~"). */
struct ko_signature {
	const char *id_type;   /* "PKCS#7", "PGP", "X509" */
	const char *algo;      /* e.g. "rsa", NULL when unknown */
	const char *hash_algo; /* e.g. "sha256", NULL when unknown */
	const char *signer;    /* NULL when unknown */
	const uint8_t *key_id; /* PKCS#7: the signer's serial number */
	size_t key_id_len;
	/*
	 * PKCS#7: the key's identifier as the kernel looks it up in its
	 * keyrings (raw serial number, then raw issuer name); NULL otherwise.
	 */
	const uint8_t *auth_id;
	size_t auth_id_len;
	const uint8_t *sig;
	size_t sig_len;
};
/* *SIG is NULL when the module carries no signature. */
int ko_signature(struct ko *ko, const struct ko_signature **sig);

/* The trailer of an appended module signature, as the kernel reads it. */
struct ko_sig_trailer {
	uint8_t algo, hash, id_type, signer_len, key_id_len;
	size_t sig_len;
	size_t start; /* where the appended signature begins: the unsigned module's length */
	size_t end;   /* where the struct module_signature begins */
};

/*
 * Parse the trailer at the end of a SIZE-byte image whose last N bytes are
 * TAIL (N holding at least the magic and the struct). 1 with *T filled
 * when the image is signed, 0 when not, -EBADMSG when the trailer is
 * damaged.
 */
int ko_sig_trailer(const uint8_t *tail, size_t n, size_t size, struct ko_sig_trailer *t);

/*
 * Sign the LEN bytes of module DATA as the kernel's scripts/sign-file does
 * (PKCS#7 without attributes, the struct module_signature trailer and its
 * magic): KEY a PEM private key, CERT a PEM or DER certificate, HASH a
 * digest name ("sha256"). *SIG gets what is appended to DATA (with DETACH,
 * the PKCS#7 alone, as sign-file -d writes it). Returns 0 or -errno.
 */
int ko_sign(const void *data, size_t len, const char *key, const char *cert, const char *hash,
	    bool detach, void **sig, size_t *siglen);

/* What checking a module's appended signature against a certificate found. */
enum ko_verdict {
	KO_VALID,	 /* the key of CERT signed these bytes */
	KO_CHANGED,	 /* signed by CERT's key, but the bytes are not the ones signed */
	KO_OTHER_SIGNER, /* signed, by another key */
	KO_NOT_SIGNED,
};

/*
 * Check the signature appended to the LEN bytes of DATA (the module file
 * as it is, not decompressed) against the certificate CERT (PEM or DER):
 * the digest over the module, the signature, and that CERT is the signer.
 * Returns 0 with *V, or -errno (a damaged trailer or PKCS#7, an unreadable
 * certificate).
 */
int ko_verify(const void *data, size_t len, const char *cert, enum ko_verdict *v);

/* "valid", "changed", "other-signer", "not-signed": V as JSON gives it. */
const char *ko_verdict_name(enum ko_verdict v);

/* A certificate, DER. */
struct ko_cert {
	uint8_t *der;
	size_t len;
};
void ko_certs_free(struct ko_cert *certs, size_t n);

/* Read a PEM or DER certificate file into *CERT (DER). 0 or -errno. */
int ko_cert_read(const char *path, struct ko_cert *cert);

/*
 * A certificate's subject common name and subject key identifier (lower
 * case hex, as the kernel's key description shows it); either NULL when
 * absent. Free both. 0 or -errno (not a certificate).
 */
int ko_cert_names(const struct ko_cert *cert, char **subject, char **key_id);

/*
 * ko_verify() against N certificates: *V as there, with KO_OTHER_SIGNER
 * when none of them signed; *WHICH (may be NULL) the signer's index, N when none.
 */
int ko_verify_certs(const void *data, size_t len, const struct ko_cert *certs, size_t n,
		    enum ko_verdict *v, size_t *which);

/*
 * The X.509 certificates built into a kernel image (an x86 bzImage, whose
 * payload is decompressed, or a vmlinux ELF file): the keys it puts into
 * .builtin_trusted_keys. Found by their DER encoding in the image's bytes.
 * 0 with *CERTS (free with ko_certs_free()), or -errno: not a kernel
 * image, an unreadable payload.
 */
int ko_image_certs(const void *data, size_t len, struct ko_cert **certs, size_t *n);

/*
 * Source lines from DWARF (through libdw, in src/ko/dwarf.c alone): a
 * module file (relocatable: its sections are laid out and the DWARF
 * relocated, as the kernel would place them), or any ELF with debug
 * information, such as vmlinux. Independent of where the address came
 * from: a stack trace's "symbol+offset", or an address given by hand.
 */
struct ko_dwarf;

/*
 * Open PATH for ko_dwarf_lookup(): a module (compressed or not, checked
 * as ko_open() checks it), or a linked image (vmlinux, ET_EXEC or ET_DYN)
 * as it is. A file without debug information opens:
 * ko_dwarf_has_debuginfo() says so.
 */
int ko_dwarf_open(const char *path, struct ko_dwarf **dp);
void ko_dwarf_close(struct ko_dwarf *d);
/* Its build id, lower-case hex; NULL when it has none. */
const char *ko_dwarf_build_id(const struct ko_dwarf *d);
/* Does it carry DWARF (.debug_info) of its own? */
bool ko_dwarf_has_debuginfo(struct ko_dwarf *d);

/* One function of the chain at an address: where it is, in that function's source. */
struct ko_srcloc {
	char *function; /* NULL when DWARF names none */
	char *file;	/* as the compiler recorded it (often absolute) */
	unsigned int line;
};

/*
 * Where SYMBOL+OFFSET is in the source, as addr2line -f -i says: LOCS[0]
 * is the innermost function with the line of the address, each next one
 * the function it was inlined into with the line of the call; the last
 * is the function SYMBOL names (or its outermost caller). -ENOENT when
 * SYMBOL is not a defined symbol of the file, -ENODATA when there is no
 * debug information or no line for the address (mm_fail: which). Free
 * with ko_srclocs_free().
 */
int ko_dwarf_lookup(struct ko_dwarf *d, const char *symbol, uint64_t offset,
		    struct ko_srcloc **locs, size_t *n);
void ko_srclocs_free(struct ko_srcloc *locs, size_t n);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kernel: the running kernel's module interface.
 *
 * The only layer that makes module system calls (finit_module,
 * init_module, delete_module) or reads /proc/modules, /sys/module,
 * /proc/sys/kernel, /sys/kernel/security and /dev/kmsg, and the one that
 * says which kernel runs. Every path comes
 * from mm_syspath(), so MYMOD_SYSROOT can point the layer at a fake tree.
 *
 * Functions that can fail return 0 or a negative errno and describe the
 * failure with mm_fail(). The exceptions are kernel_load(), kernel_unload()
 * and kernel_wait_unused(): they report facts only, their errno and (for a
 * load) the kernel log's records parsed into events, which the findings
 * layer puts into words (findings_explain_load(), findings_explain_unload()).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mymod/ko.h"

/* ---- Which kernel runs ---- */

/*
 * Its release ("6.1.0-57-amd64"), from /proc/sys/kernel/osrelease, so
 * that MYMOD_SYSROOT fakes it too; read once. NULL, with mm_fail(), when
 * it cannot be read.
 */
const char *kernel_release(void);

/*
 * Its release as uname() says, as kmod's tools ask (kmod's testsuite fakes
 * uname(), not /proc): NULL, with mm_fail(), when uname() fails.
 */
const char *kernel_release_uname(void);

/* The machine it runs on, as uname -m says ("x86_64"); "unknown" if uname fails. */
const char *kernel_machine(void);

/*
 * The ELF machine (e_machine) of the modules a kernel running on uname's
 * MACHINE loads: "x86_64", "i686", "ppc64le", "armv7l"...; EM_NONE when
 * unknown.
 */
unsigned int kernel_elf_machine(const char *machine);

/* ---- What is loaded ---- */

enum kernel_mod_state {
	KERNEL_MOD_ABSENT,  /* neither loaded nor built in (as far as /sys/module says) */
	KERNEL_MOD_BUILTIN, /* /sys/module/NAME without initstate */
	KERNEL_MOD_LIVE,
	KERNEL_MOD_COMING, /* its init function is running */
	KERNEL_MOD_GOING,  /* being removed */
};

/* "absent", "builtin", "Live", "Loading", "Unloading" (the last three as /proc/modules says). */
const char *kernel_mod_state_name(enum kernel_mod_state state);

/* A loaded module: a line of /proc/modules, completed from /sys/module/NAME. */
struct kernel_module {
	char *name;
	unsigned long size; /* bytes */
	long refcnt;	    /* -1 when the kernel cannot unload ("-") */
	char **used_by;	    /* the modules that hold it */
	size_t nused_by;
	bool permanent; /* "[permanent]": an init function and no exit function, so it cannot be
			   unloaded (but with KERNEL_UNLOAD_FORCE) */
	bool unsafe;	/* "[unsafe]": marked unsafe to unload (kernels before 2.6.29) */
	enum kernel_mod_state state;
	char *taint;		 /* letters, e.g. "OE"; "" when none */
	unsigned long long addr; /* load address; 0 when hidden (not root) */
	char *version;		 /* /sys/module/NAME/version, NULL when none */
	char *srcversion;	 /* /sys/module/NAME/srcversion, NULL when none */
};

/* Does the running kernel support loadable modules (has /proc/modules)? */
bool kernel_has_modules(void);

/*
 * Every loaded module, in /proc/modules order (most recent first). Fails
 * with -ENOSYS and a plain message when the kernel has no loadable-module
 * support.
 */
int kernel_modules(struct kernel_module **mods, size_t *n);
void kernel_modules_free(struct kernel_module *mods, size_t n);

/* NAME's state ('-' and '_' alike), from /sys/module/NAME. */
enum kernel_mod_state kernel_module_state(const char *name);

/*
 * Is NAME loaded (live, coming or going)? 0, or with mm_fail(): -ENOSYS
 * when the kernel has no loadable-module support, -ENOENT "NAME: not
 * loaded" (built in: said so).
 */
int kernel_module_loaded(const char *name);

/* /sys/module/NAME/srcversion, or NULL when it has none. Free it. */
char *kernel_module_srcversion(const char *name);

/* NAME's reference count (/sys/module/NAME/refcnt), or -errno with mm_fail(). */
long kernel_module_refcnt(const char *name);

/* The modules holding NAME (/sys/module/NAME/holders). Free with kernel_names_free(). */
int kernel_module_holders(const char *name, char ***holders, size_t *n);
/* The same in the directory's order, as libkmod lists them (lsmod's "Used by"). */
int kernel_module_holders_listed(const char *name, char ***holders, size_t *n);
void kernel_names_free(char **names, size_t n);

/* ---- Where a loaded module is ---- */

/* A section of a loaded module, from /sys/module/NAME/sections/SECTION. */
struct kernel_section {
	char *name; /* ".text", ".data", ... */
	unsigned long long addr;
};

/*
 * The sections of loaded module NAME, by address (then name). All
 * addresses are 0 when the kernel hides them (not root, kptr_restrict).
 * -errno with mm_fail(): -EACCES when the files cannot be read (root only).
 */
int kernel_module_sections(const char *name, struct kernel_section **secs, size_t *n);
void kernel_sections_free(struct kernel_section *secs, size_t n);

/* A symbol of /proc/kallsyms: "ADDR TYPE NAME\t[MODULE]". */
struct kernel_sym {
	unsigned long long addr; /* 0 when hidden (kptr_restrict) */
	char type;		 /* nm's letter: t, T, d, D, b, r... */
	char *name;
};

/*
 * The symbols /proc/kallsyms lists for loaded module NAME (NULL: the
 * kernel image's own), by address (then in its order).
 */
int kernel_module_symbols(const char *name, struct kernel_sym **syms, size_t *n);
void kernel_syms_free(struct kernel_sym *syms, size_t n);

/*
 * The kernel image's own symbol at or before ADDR (the last of those at
 * the same address), from one pass over /proc/kallsyms, and *NEXT the
 * address of the first symbol after ADDR (0: none). -ENOENT when none is
 * at or before it; free SYM->name.
 */
int kernel_image_symbol(unsigned long long addr, struct kernel_sym *sym, unsigned long long *next);

/* ---- Why the kernel is tainted ---- */

/* A taint flag, as kernel/panic.c's taint_flags[] has it. */
struct kernel_taint_flag {
	unsigned int bit; /* its bit in /proc/sys/kernel/tainted */
	char letter;	  /* as "Tainted:" lines and /sys/module/NAME/taint print it */
	char letter_off;  /* what "Tainted:" prints when it is not set ('G' for P, else ' ') */
	const char *name; /* TAINT_NAME without "TAINT_" */
	bool module;	  /* a module can carry it (/sys/module/NAME/taint) */
};

/* The flags the kernel knows (Linux 6.1), in bit order. */
const struct kernel_taint_flag *kernel_taint_flags(size_t *n);
/* The flag whose letter is LETTER; NULL when none. */
const struct kernel_taint_flag *kernel_taint_flag(char letter);

/* /proc/sys/kernel/tainted: the bits set. -errno with mm_fail(). */
int kernel_tainted(unsigned long long *mask);

/* The letters module NAME carries (/sys/module/NAME/taint, "" when none). -errno with mm_fail(). */
int kernel_module_taint(const char *name, char **letters);

/* ---- What stops any load ---- */

/* /proc/sys/kernel/modules_disabled is 1: no module can be loaded until reboot. */
bool kernel_modules_disabled(void);

/* The lockdown mode ("integrity", "confidentiality"), or NULL when none or unknown. Free it. */
char *kernel_lockdown(void);

/*
 * /sys/module/module/parameters/sig_enforce is Y: unsigned modules, and
 * those signed with an unknown key, are refused (EKEYREJECTED). Set by
 * CONFIG_MODULE_SIG_FORCE or module.sig_enforce=1, and it cannot be
 * unset while the kernel runs. False when the file is absent.
 */
bool kernel_sig_enforced(void);

/*
 * Does the running kernel trust the key that ID names (struct
 * ko_signature's auth_id)? Looks it up as module_sig_check() does: an
 * asymmetric key with exactly that id in .secondary_trusted_keys (which
 * links .builtin_trusted_keys and the machine keyring), else in
 * .builtin_trusted_keys. 1 trusted, 0 not; -ENOKEY when the keyrings
 * cannot be found (not root, a fake sysroot, no CONFIG_KEYS), -errno else.
 */
int kernel_key_trusted(const uint8_t *id, size_t len);

/*
 * The build id of loaded module NAME (/sys/module/NAME/notes, root only),
 * lower-case hex as ko_elf_info() gives a file's. -errno (mm_fail) when it
 * has none or it cannot be read.
 */
int kernel_module_build_id(const char *name, char **hex);

/* ---- A module's parameters ---- */

/* The first line of /sys/module/NAME/ATTR, without its newline. -errno, with mm_fail(). */
int kernel_sysfile(const char *name, const char *attr, char **value);

struct kernel_param_value {
	char *name;
	char *value;	   /* as sysfs prints it, without the newline; NULL when unreadable */
	int err;	   /* errno when it could not be read */
	unsigned int mode; /* the file's permission bits */
};

/*
 * The parameters /sys/module/MODULE/parameters shows, by name (those with
 * permissions 0 have no file there). -ENOENT (mm_fail) when MODULE is
 * neither loaded nor built in with a /sys/module directory.
 */
int kernel_param_values(const char *module, struct kernel_param_value **v, size_t *n);
void kernel_param_values_free(struct kernel_param_value *v, size_t n);

/*
 * Write VALUE to parameter NAME of MODULE in one write(2), as the kernel
 * parses it. 0 or the -errno the kernel gave (a fact: the caller explains).
 */
int kernel_param_write(const char *module, const char *name, const char *value);

/* ---- Dynamic debug ---- */

/* One pr_debug()/dev_dbg() callsite, as the control file lists it. */
struct kernel_callsite {
	char *file; /* as the build recorded it: "drivers/block/loop.c" */
	unsigned int line;
	char *module;
	char *function;
	char *flags;  /* "_" (off), "p", "pflmt", ... */
	char *format; /* escaped as the kernel prints it ("\012" for a newline) */
};

/*
 * The control file's path into BUF: /proc/dynamic_debug/control, else
 * debugfs's. -ENOENT (mm_fail) when debugfs is not mounted and there is no
 * /proc one; -ENOTSUP when the kernel has no CONFIG_DYNAMIC_DEBUG.
 */
int kernel_dyndbg_control(char *buf, size_t len);

/* The callsites of MODULE (all when NULL), in the control file's order. */
int kernel_dyndbg_read(const char *module, struct kernel_callsite **v, size_t *n);
void kernel_callsites_free(struct kernel_callsite *v, size_t n);

/* Write QUERY ("module hello +p") to the control file: 0 or the kernel's -errno. */
int kernel_dyndbg_write(const char *query);

/* mount -t debugfs none /sys/kernel/debug: 0 or -errno (mm_fail). */
int kernel_mount_debugfs(void);

/* ---- The keys it trusts for module signatures ---- */

struct kernel_key {
	long serial;
	char *type;	   /* "asymmetric"; "keyring" for a linked keyring; "blacklist" */
	uint32_t perm;	   /* the KEY_POS/USR/GRP/OTH_* bits */
	char *description; /* as the kernel gives it: "SUBJECT CN: KEYID" for an X.509 key */
	char *name;	   /* the description without its key id */
	char *key_id;	   /* an X.509 key's subject key identifier in hex; NULL else */
};

struct kernel_keyring {
	const char *name; /* ".builtin_trusted_keys", ... */
	long serial;	  /* 0: this kernel has no such keyring (or it cannot be seen) */
	int err;	  /* errno when its members could not be read */
	struct kernel_key *keys;
	size_t n;
};

/*
 * The keyrings module signatures and the integrity code use, in the
 * kernel's order: .builtin_trusted_keys, .secondary_trusted_keys (which
 * links the built-in and machine keyrings), .machine (MOK), .platform
 * (UEFI db), .blacklist. Found by name in /proc/keys (visible to root
 * only) and read with keyctl. -ENOKEY when /proc/keys cannot be read.
 */
int kernel_keyrings(struct kernel_keyring **rings, size_t *n);
void kernel_keyrings_free(struct kernel_keyring *rings, size_t n);

/*
 * 1 when the firmware booted with Secure Boot on, 0 off; -ENOENT when the
 * kernel was not booted through UEFI, -ENODATA when the variable cannot be read.
 */
int kernel_secure_boot(void);

/* ---- What the running kernel exports ---- */

/*
 * The symbols the running kernel and its loaded modules export: the
 * __ksymtab_NAME entries of /proc/kallsyms (CONFIG_KALLSYMS_ALL). Fails
 * with -errno (and mm_fail) when /proc/kallsyms cannot be read, and with
 * -ENODATA when it lists no export (a kernel without KALLSYMS_ALL).
 */
struct kernel_symbols;

int kernel_symbols_open(struct kernel_symbols **ksp);
void kernel_symbols_close(struct kernel_symbols *ks);
/* Does the running kernel export NAME? *OWNER: the loaded module's name, or "vmlinux". */
bool kernel_symbols_find(const struct kernel_symbols *ks, const char *name, const char **owner);

/* ---- Loading ---- */

enum {
	KERNEL_LOAD_FORCE_VERMAGIC = 1 << 0,   /* MODULE_INIT_IGNORE_VERMAGIC */
	KERNEL_LOAD_FORCE_MODVERSION = 1 << 1, /* MODULE_INIT_IGNORE_MODVERSIONS */
};

enum kernel_load_method {
	KERNEL_LOAD_FINIT,	      /* finit_module on the file's descriptor */
	KERNEL_LOAD_FINIT_COMPRESSED, /* the same, and the kernel decompresses */
	KERNEL_LOAD_INIT,	      /* init_module on the image decompressed in memory */
	KERNEL_LOAD_FINIT_MEMFD,      /* finit_module on a memfd holding that image (for flags) */
};

/* "finit_module", "finit_module (compressed)", "init_module", "finit_module (memfd)". */
const char *kernel_load_method_name(enum kernel_load_method method);

/* Can the kernel decompress COMP itself? (/sys/module/compression) */
bool kernel_can_decompress(enum ko_comp comp);

/*
 * How kernel_load() hands KO to the kernel: the file's descriptor when it
 * is uncompressed or the kernel can decompress it, else the image ko
 * decompressed (init_module, or a memfd when FLAGS need finit_module).
 */
enum kernel_load_method kernel_load_method(struct ko *ko, unsigned int flags);

/*
 * Load KO with the parameter string PARAMS ("a=1 b=2", may be "").
 * Returns 0 or the system call's -errno, which may be the module's init
 * function's own error; no message (kernel_log_events() says what the
 * kernel logged about it). When the module's image cannot be mapped
 * (ko_elf_image()), -ENOMEM before any system call.
 */
int kernel_load(struct ko *ko, const char *params, unsigned int flags);

/* Who can make a load fail with an errno. */
enum kernel_errno_source {
	KERNEL_ERRNO_LOADER, /* the loader only (ENOEXEC, the key errors, ETXTBSY, ...) */
	KERNEL_ERRNO_EITHER, /* the loader or the module's init function (ENOENT, EINVAL, ...) */
	KERNEL_ERRNO_INIT,   /* the module's init function only: the loader never returns it */
};

/* Who can have returned ERR (positive or negative) from kernel_load(). */
enum kernel_errno_source kernel_load_errno_source(int err);

/* Is ERR one that a signature the kernel refused fails a load with (module_sig_check())? */
bool kernel_sig_errno(int err);

/* "ENODEV"; "E<number>" for an unknown one. */
const char *kernel_errno_name(int err);

/* ---- Unloading ---- */

enum {
	KERNEL_UNLOAD_FORCE = 1 << 0, /* O_TRUNC: remove even if in use (rmmod -f) */
};

/* delete_module(NAME, O_NONBLOCK [| O_TRUNC]). Returns 0 or -errno, no message. */
int kernel_unload(const char *name, unsigned int flags);

/*
 * Wait until NAME's reference count is 0 (or it is gone), polling, for
 * at most TIMEOUT_MS. Returns 0, -ETIMEDOUT, or another -errno.
 */
int kernel_wait_unused(const char *name, long timeout_ms);

/* ---- The kernel log ---- */

struct kernel_log;

/*
 * Open /dev/kmsg (non-blocking) and move to its end, so that
 * kernel_log_read() returns only what the kernel logs afterwards. Fails
 * with -errno (e.g. -EPERM under dmesg_restrict): a load goes on without.
 */
int kernel_log_open(struct kernel_log **logp);

/*
 * The messages logged since kernel_log_open() that concern module NAME:
 * those naming it as a word, and the loader's own that name no module
 * (invalid ELF header, lockdown). Text only, in order; owned by LOG until
 * the next call or kernel_log_close().
 */
int kernel_log_read(struct kernel_log *log, const char *name, const char *const **lines, size_t *n);
void kernel_log_close(struct kernel_log *log);

/*
 * Open /dev/kmsg (non-blocking) at its first record: kernel_log_module()
 * reads what the ring buffer still holds, then what comes. -errno with
 * mm_fail() (-EPERM under dmesg_restrict).
 */
int kernel_log_open_all(struct kernel_log **logp);

/* A record of the kernel log. */
struct kernel_log_record {
	unsigned int level;	 /* 0 (emergency) to 7 (debug) */
	unsigned long long seq;	 /* the kernel's sequence number */
	unsigned long long usec; /* since boot */
	const char *text;
};

/*
 * Is TEXT about module NAME ('-' and '_' alike): printed by it ("NAME:",
 * a driver's "NAME DEVICE:", which the loader's own messages about it
 * also start with), or a stack frame in it ("[NAME]")?
 */
bool kernel_log_about(const char *text, const char *name);

/*
 * The records about NAME (kernel_log_about()) the log has gained since
 * the last call (the first: since kernel_log_open*()). When there are
 * none yet, waits up to WAIT_MS for more (0: not at all; -1: until a
 * signal interrupts). Owned by LOG until the next call.
 */
int kernel_log_module(struct kernel_log *log, const char *name, int wait_ms,
		      const struct kernel_log_record **recs, size_t *n);

/* ---- What the kernel log says about a load ---- */

/* The loader's records (kernel/module/ and kernel/params.c of Linux 6.1); M is the module. */
enum kernel_event_kind {
	KERNEL_EVENT_UNKNOWN_SYMBOL,	/* "M: Unknown symbol S (err E)": name S, number E */
	KERNEL_EVENT_SYMBOL_VERSION,	/* "M: disagrees about version of symbol S": name S */
	KERNEL_EVENT_NO_SYMBOL_VERSION, /* "M: no symbol version for S" (it loads): name S */
	/* "M: module uses symbol (S) from namespace N, but does not import it.": name S, value N */
	KERNEL_EVENT_NAMESPACE,
	/* "M: module using GPL-only symbols uses symbols S from proprietary module P.": name S,
	   value P */
	KERNEL_EVENT_PROPRIETARY,
	KERNEL_EVENT_DUPLICATE_EXPORT, /* "M: exports duplicate symbol S (owned by O)": name S,
					  value O */
	KERNEL_EVENT_PARAM_INVALID,    /* "M: `V' invalid for parameter `P'": name P, value V */
	KERNEL_EVENT_PARAM_TOO_LONG,   /* "M: `V' too large for parameter `P'": name P, value V */
	KERNEL_EVENT_PARAM_UNKNOWN,    /* "M: unknown parameter 'P' ignored" (it loads): name P */
	KERNEL_EVENT_VERMAGIC, /* "M: version magic 'V' should be 'K'": value V, expected K */
	/* "Loading of R is rejected": value R ("unsigned module", "module with unavailable key",
	   "module with unsupported crypto") */
	KERNEL_EVENT_SIGNATURE,
	/* "Lockdown: COMM: W is restricted; ...": value W ("unsigned module loading") */
	KERNEL_EVENT_LOCKDOWN,
	KERNEL_EVENT_ARCH,    /* "Invalid architecture in ELF header: N": number N (e_machine) */
	KERNEL_EVENT_BAD_ELF, /* another check of the ELF image ("Invalid ELF header len 12",
				 "Module len 9 truncated", "No module found in object") */
	/* "initcall F [M] returned E after T usecs" (initcall_debug), "M: 'F'->init suspiciously
	   returned E, it should follow 0/-E convention": number E */
	KERNEL_EVENT_INIT_RETURNED,
};

struct kernel_event {
	enum kernel_event_kind kind;
	char *line;	/* the record's text */
	char *name;	/* the symbol or parameter; NULL when the kind has none */
	char *value;	/* as the kind says; NULL when it has none */
	char *expected; /* KERNEL_EVENT_VERMAGIC: the kernel's version magic */
	long number;	/* as the kind says (an errno as the kernel prints it: negative); else 0 */
};

/*
 * The events among LINES (kernel_log_read()'s), in order; a line that is
 * none of them (e.g. the module's own messages) gives none. Never fails.
 * Free with kernel_events_free().
 */
void kernel_log_events(const char *const *lines, size_t n, struct kernel_event **events,
		       size_t *nevents);
void kernel_events_free(struct kernel_event *events, size_t n);

/* ---- Stack traces in log text (an oops or warning, from any machine) ---- */

/*
 * A stack frame as the kernel prints one (%pS, %pSb): "SYMBOL+0xOFF/0xSIZE",
 * then " [MODULE]" or " [MODULE BUILDID]" when it lies in a module. In a
 * call trace ("? " before it when the unwinder is not sure of it), on the
 * RIP: line, or on a WARNING: line. Positions are byte offsets into the line.
 */
struct kernel_frame {
	size_t sym, sym_len; /* the symbol's name */
	uint64_t offset, size;
	size_t module, module_len;     /* module_len 0: in the kernel image */
	size_t build_id, build_id_len; /* build_id_len 0: not printed */
	size_t end;		       /* just past the frame (its ']', or its size) */
	bool unreliable;	       /* "? " before it */
	bool rip;		       /* on the "RIP: " line: the instruction that faulted */
};

/*
 * The first frame in the LEN bytes of LINE (which need not be
 * NUL-terminated and may hold any bytes): true with *F filled, false when
 * it has none. Reads nothing outside LINE.
 */
bool kernel_log_frame(const char *line, size_t len, struct kernel_frame *f);

/*
 * The kernel release the LEN bytes of LINE name, when it is the "CPU: N
 * PID: N Comm: C Tainted: FLAGS RELEASE #N" line of a trace (or "Not
 * tainted"): true with *START and *RLEN (the release's position and length).
 */
bool kernel_log_release(const char *line, size_t len, size_t *start, size_t *rlen);

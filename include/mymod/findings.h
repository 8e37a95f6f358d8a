/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * findings: will a module load on a kernel, and if not, why.
 *
 * The checks the kernel makes when it loads a module (version magic,
 * symbol versions, symbol resolution, GPL-only symbols, namespaces,
 * signature, its own state) made beforehand, as data: from the module
 * file (ko), the module directory (modtree) and, for the running kernel,
 * the kernel layer. Each finding says what is wrong and what to do, and
 * names the errno the kernel fails the load with.
 *
 * The one place that puts the kernel's facts into words: after the kernel
 * refused a load or an unload, findings_explain_load() and
 * findings_explain_unload() explain it, in the words of the check that
 * predicted the cause where one did.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct kernel_event;
struct ko;
struct ko_param;
struct modtree;

enum finding_severity {
	FINDING_INFO,	 /* a fact worth knowing */
	FINDING_WARNING, /* loads, but taints the kernel or may fail elsewhere */
	FINDING_BLOCKER, /* the kernel refuses the module */
};

/* "info", "warning", "blocker". */
const char *finding_severity_name(enum finding_severity sev);

struct finding {
	enum finding_severity severity;
	/*
	 * Stable identifier: "vermagic", "arch", "modversion", "unresolved",
	 * "dependency", "license", "namespace", "duplicate-export",
	 * "signature", "out-of-tree", "staging", "retpoline", "kernel-state",
	 * "unverified", "blacklist"; in an explanation also "refusal" (what the
	 * kernel said, or its errno, in words) and "unload".
	 */
	const char *code;
	char *symbol;  /* the symbol it is about, or NULL */
	char *field;   /* the modinfo field, module or kernel fact it is about, or NULL */
	char *message; /* what is the matter, one line */
	char *hint;    /* what to do, one line; NULL when nothing need be done */
	int err;       /* the errno a load fails with because of it; 0 when none */
};

struct findings {
	struct finding *v;
	size_t n;
};

void findings_free(struct findings *f);
/* Is there a blocker? */
bool findings_blocked(const struct findings *f);

/*
 * The kernel a module is checked against: the one of module directory
 * MT (its headers' Module.symvers and configuration, its modules), and,
 * when it is the running kernel, that kernel's state. Reads what it
 * needs once, so checking many modules costs little more than one.
 */
struct findings_target;

int findings_target_open(struct modtree *mt, struct findings_target **tp);
void findings_target_close(struct findings_target *t);

/* CERT (PEM or DER; NULL: none): the signature check also verifies the signature against it. */
void findings_target_set_cert(struct findings_target *t, const char *cert);
/* Is the target the running kernel (its state was consulted)? */
bool findings_target_running(const struct findings_target *t);
/* The kernel's version magic and where it was read, or NULL when unknown. */
const char *findings_target_vermagic(struct findings_target *t, const char **source);

/*
 * Every finding for module KO on target T, blockers first. Fails only
 * when KO cannot be read; what cannot be known becomes a finding.
 */
int findings_check(struct findings_target *t, struct ko *ko, struct findings *out);

/*
 * The one explanation of the kernel's refusal to load KO: ERR (positive or
 * negative) as kernel_load() returned it, and EVENTS what the kernel
 * logged about KO meanwhile (kernel_log_events(); may be none). One
 * finding per cause, in the order the kernel met them; each message names
 * the errno, and a hint already given by an earlier finding is NULL.
 *
 * A cause the kernel logged is told in the words of the check that
 * predicts it, where one does (then its hint also says how to force the
 * load, where an option can); else in the kernel's. With no such event,
 * the checks' blockers with that errno explain it, else their warnings,
 * else what the errno means for KO and the kernel's state (e.g. an init
 * function's own error). MT is the module directory the checks read (the
 * command's own, so that nothing reads it twice); NULL: no checks. The
 * checks run only when the loader may have returned ERR, and only those
 * that can give it.
 */
void findings_explain_load(struct modtree *mt, struct ko *ko, int err,
			   const struct kernel_event *events, size_t nevents, struct findings *out);

/*
 * The explanation of a refused unload of NAME: ERR as kernel_unload() or
 * kernel_wait_unused() returned it. One finding; reads NAME's state,
 * holders and reference count.
 */
void findings_explain_unload(int err, const char *name, struct findings *out);

/*
 * Would the kernel take VALUE for parameter P, as kernel/params.c parses
 * it (its ops; an array's count first, then each element; a string's
 * buffer)? CURRENT is its value now (a bool_enable_only cannot be turned
 * off), or NULL. NULL when it would, or when P's ops are the module's own
 * (only the kernel can tell); else why not, in words (free it).
 */
char *findings_param_value(const struct ko_param *p, const char *value, const char *current);

/* ---- Why the kernel is tainted ---- */

/* What taint flag BIT (kernel_taint_flags()) means, in words; NULL for a bit unknown. */
const char *findings_taint_meaning(unsigned int bit);

/*
 * Why a loaded module carries taint LETTER ("O: out-of-tree: ..."), in
 * words; KO, its file (the build the kernel loaded) or NULL, tells more:
 * the licence (P), unsigned or which untrusted key (E). Free it.
 */
char *findings_taint_why(char letter, struct ko *ko);

/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * findings: will a module load on a kernel, and if not, why.
 *
 * The checks the kernel makes when it loads a module (version magic,
 * symbol versions, symbol resolution, GPL-only symbols, namespaces,
 * signature, its own state) made beforehand, as data: from the module
 * file (ko), the module directory (modtree) and, for the running kernel,
 * the kernel layer. Each finding says what is wrong and what to do, and
 * names the errno the kernel fails the load with, so the same findings
 * explain a load that failed.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

struct ko;
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
	 * "unverified", "blacklist".
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
 * After the kernel refused KO with errno ERR (positive or negative):
 * the findings that explain it, those whose err is ERR: its blockers, or
 * when none is, the other findings with that errno.
 * *OUT is empty when none does (the cause is then outside what can be
 * checked beforehand, e.g. the module's init function failed).
 */
int findings_for_load_error(struct modtree *mt, struct ko *ko, int err, struct findings *out);

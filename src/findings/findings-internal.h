/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared inside the findings layer only: the target kernel (target.c),
 * where an imported symbol comes from (symbols.c), the checks (checks.c),
 * the explanation of a refusal (explain.c).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "mymod/findings.h"

struct findings_target {
	struct modtree *mt;
	const char *kver;
	bool running;
	struct modtree_symvers *symvers; /* NULL when absent */
	char *symvers_error;		 /* why it could not be read, when it is there */
	struct modtree_kconfig *kconfig; /* NULL when absent */
	struct {
		bool force_load;	 /* CONFIG_MODULE_FORCE_LOAD */
		bool sig;		 /* CONFIG_MODULE_SIG */
		bool sig_force;		 /* CONFIG_MODULE_SIG_FORCE */
		bool retpoline;		 /* CONFIG_RETPOLINE or CONFIG_MITIGATION_RETPOLINE */
		bool missing_ns_allowed; /* CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS */
		bool modversions;	 /* CONFIG_MODVERSIONS */
	} config;			 /* what the checks ask of the configuration, read once */
	bool sampled;			 /* the tree's modules were tried for what follows */
	char *vermagic;			 /* NULL when unknown */
	char *vermagic_source;
	bool vermagic_partial; /* computed from the headers: no architecture words */
	bool have_elf;	       /* machine and class of the tree's modules are known */
	unsigned int machine;
	int elfclass;
	char *machine_name;
	void *providers;	      /* tsearch() tree of struct provider, by path */
	struct kernel_symbols *ksyms; /* running kernel's exports, read on first need */
	bool ksyms_tried;
	const char *cert; /* check --cert: the signature verified against it */
};

/*
 * The kernel's version magic, and its machine and ELF class, from the
 * first in-tree module of the tree that has them (else the version magic
 * from the headers): read on first need, as few refusals need it.
 */
void findings_target_sample(struct findings_target *t);

/* Where an imported symbol comes from, and how it is exported. */
struct symbol_source {
	bool found;
	const char *owner;  /* the exporting module's name; NULL for the kernel */
	bool proprietary;   /* that module's license is not GPL-compatible */
	const char *listed; /* Module.symvers names this owner, which the tree lacks */
	bool gpl;	    /* EXPORT_SYMBOL_GPL */
	bool gpl_known;	    /* whether gpl is known */
	const char *ns;	    /* namespace, NULL when none */
	bool has_crc;	    /* the kernel's CRC is known */
	uint32_t crc;
	const char *crc_from; /* where the CRC comes from */
	bool kallsyms;	      /* found in /proc/kallsyms only: how it is exported is unknown */
};

/*
 * Resolve SYM as the kernel will (symbols.c). SELF is the checked
 * module's name: a module of that name in the tree is the old copy of
 * it, not a provider.
 */
void findings_resolve(struct findings_target *t, const char *sym, const char *self,
		      struct symbol_source *src);
/* The running kernel's exports (/proc/kallsyms), or NULL when not running or unreadable. */
struct kernel_symbols *findings_running_exports(struct findings_target *t);
/* The modules read to resolve symbols, released with the target. */
void findings_providers_free(struct findings_target *t);
/* include/linux/license.h: does the kernel take LICENSE as GPL-compatible? */
bool findings_license_gpl(const char *license);

/* Append a finding, taking MESSAGE and HINT (NULL when nothing need be done). */
struct finding *findings_push(struct findings *f, enum finding_severity sev, const char *code,
			      int err, char *message, char *hint);

/* Move FROM's finding I to the end of TO (FROM's is left empty, for findings_free()). */
struct finding *findings_take(struct findings *to, struct findings *from, size_t i);

/*
 * The findings of the checks that can fail a load with ERR (positive), in
 * check order: what findings_check() finds with that errno, at less cost.
 */
void findings_check_errno(struct findings_target *t, struct ko *ko, int err, struct findings *out);

// SPDX-License-Identifier: LGPL-2.1-or-later
/* Why the kernel is tainted, in words: each flag, and why a module carries one. */
#include <stdlib.h>
#include <string.h>

#include "mymod/findings.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "mymod/out.h"
#include "mymod/util.h"

/* What each flag means, in Documentation/admin-guide/tainted-kernels.rst's words; by bit. */
static const char *const meanings[] = {
	"a module with a proprietary licence (not GPL-compatible) was loaded",
	"a module was loaded by force, its version checks skipped (insmod -f, modprobe --force)",
	"the kernel runs on a CPU out of its specification (e.g. SMP on CPUs not made for it)",
	"a module was unloaded by force (rmmod -f)",
	"the processor reported a machine check exception",
	"bad page: the memory manager found a page in a state it should never be in",
	"a user or program asked for the taint, or changed a setting the kernel does not support",
	"the kernel died recently: an oops or a BUG",
	"an ACPI table was overridden by the user",
	"the kernel issued a warning (WARN)",
	"a staging driver was loaded (drivers/staging: not up to the kernel's quality standards)",
	"the kernel works around a severe bug in the platform firmware",
	"an out-of-tree module was loaded: one built outside the kernel's source tree",
	"an unsigned module, or one signed with a key the kernel does not trust, was loaded",
	"a soft lockup occurred",
	"the kernel was live-patched",
	"an auxiliary taint a distribution defines (SUSE: a module not supported by SUSE)",
	"the kernel was built with the randstruct plugin",
	"a kernel test (KUnit) was run",
};

const char *findings_taint_meaning(unsigned int bit)
{
	return bit < MM_ARRAY_SIZE(meanings) ? meanings[bit] : NULL;
}

/* E: which of the two, when the file tells. */
static char *why_unsigned(struct ko *ko)
{
	const struct ko_signature *sig = NULL;
	char *id, *s;

	if (!ko || ko_signature(ko, &sig) < 0)
		return mm_strdup("E: unsigned or signed with a key the kernel does not trust");
	if (!sig)
		return mm_strdup("E: unsigned (the file carries no signature)");
	id = sig->key_id ? out_keyid(sig->key_id, sig->key_id_len) : mm_strdup("unknown");
	if (sig->auth_id && kernel_key_trusted(sig->auth_id, sig->auth_id_len) == 0)
		s = mm_asprintf("E: signed with key %s, which the kernel does not trust", id);
	else
		s = mm_asprintf(
			"E: signed with key %s, but the kernel did not accept the signature", id);
	mm_clearerr();
	free(id);
	return s;
}

char *findings_taint_why(char letter, struct ko *ko)
{
	const char *v;

	switch (letter) {
	case 'P':
		v = ko ? ko_modinfo_get(ko, "license") : NULL;
		if (v)
			return mm_asprintf("P: its licence, '%s', is not GPL-compatible", v);
		return mm_strdup("P: its licence is not GPL-compatible");
	case 'F':
		return mm_strdup("F: loaded by force, its version checks skipped");
	case 'C':
		return mm_strdup("C: a staging driver (staging=Y in its .modinfo)");
	case 'O':
		return mm_strdup("O: out-of-tree: built outside the kernel's source tree (no "
				 "intree=Y in its .modinfo)");
	case 'E':
		return why_unsigned(ko);
	case 'K':
		return mm_strdup("K: a live patch");
	case 'X':
		return mm_strdup("X: an auxiliary taint (SUSE: not supported by SUSE)");
	case 'N':
		return mm_strdup("N: a kernel test module");
	default:
		return mm_asprintf("%c: a taint flag this version of mymod does not know", letter);
	}
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel a module is checked against: its module directory, headers
 * (Module.symvers, configuration) and, when it runs, its state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "findings-internal.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "mymod/modtree.h"
#include "mymod/util.h"

/* How many modules of the tree to try for the kernel's own version magic. */
#define VERMAGIC_TRIES 32

/* The kernel's configuration option NAME is set to y. */
static bool kconfig_y(const struct findings_target *t, const char *name)
{
	const char *v = t->kconfig ? modtree_kconfig_get(t->kconfig, name) : NULL;

	return v && strcmp(v, "y") == 0;
}

struct tree_sample {
	struct findings_target *t;
	const char *prefix; /* in-tree modules are installed under DIR/kernel/ */
	int tries;
};

/* The version magic of the first in-tree module that has one. */
static int sample_tree_module(const char *path, void *data)
{
	struct tree_sample *s = data;
	const struct ko_elf_info *elf;
	const char *vm, *intree;
	struct ko *ko;

	if (strncmp(path, s->prefix, strlen(s->prefix)) != 0)
		return 0;
	if (s->tries++ >= VERMAGIC_TRIES)
		return 1;
	if (ko_open(path, &ko) < 0)
		return 0;
	vm = ko_modinfo_get(ko, "vermagic");
	intree = ko_modinfo_get(ko, "intree");
	if (vm && intree && strcmp(intree, "Y") == 0 && ko_elf_info(ko, &elf) == 0) {
		s->t->vermagic = mm_strdup(vm);
		s->t->vermagic_source = mm_asprintf("module %s of the tree", path);
		s->t->have_elf = true;
		s->t->machine = elf->machine;
		s->t->elfclass = elf->elfclass;
		s->t->machine_name = mm_strdup(elf->machine_name ? elf->machine_name : "unknown");
	}
	ko_close(ko);
	return s->t->vermagic ? 1 : 0;
}

/*
 * VERMAGIC_STRING of include/linux/vermagic.h, from the configuration:
 * UTS_RELEASE, then "SMP ", "preempt " or "preempt_rt ", "mod_unload ",
 * "modversions ". The architecture's part is not in the configuration.
 */
static void vermagic_from_headers(struct findings_target *t)
{
	const char *release = modtree_kconfig_release(t->kconfig);

	t->vermagic = mm_asprintf("%s %s%s%s%s", release ? release : t->kver,
				  kconfig_y(t, "CONFIG_SMP") ? "SMP " : "",
				  kconfig_y(t, "CONFIG_PREEMPT_BUILD") ? "preempt "
				  : kconfig_y(t, "CONFIG_PREEMPT_RT")  ? "preempt_rt "
								       : "",
				  kconfig_y(t, "CONFIG_MODULE_UNLOAD") ? "mod_unload " : "",
				  kconfig_y(t, "CONFIG_MODVERSIONS") ? "modversions " : "");
	t->vermagic_partial = true;
	t->vermagic_source =
		mm_asprintf("the headers (%s%s)", release ? "utsrelease.h, " : "release from -k, ",
			    modtree_kconfig_path(t->kconfig));
}

void findings_target_sample(struct findings_target *t)
{
	struct tree_sample sample = { .t = t };
	char *prefix;

	if (t->sampled)
		return;
	t->sampled = true;
	prefix = mm_asprintf("%s/kernel/", modtree_dir(t->mt));
	sample.prefix = prefix;
	modtree_foreach_module(t->mt, sample_tree_module, &sample);
	free(prefix);
	if (!t->vermagic && t->kconfig)
		vermagic_from_headers(t);
	mm_clearerr();
}

static bool is_running_kernel(const char *kver)
{
	const char *running;

	if (!mm_cfg.kver)
		return true;
	running = kernel_release();
	return running && strcmp(running, kver) == 0;
}

int findings_target_open(struct modtree *mt, struct findings_target **tp)
{
	struct findings_target *t = mm_calloc(1, sizeof(*t));
	int err;

	t->mt = mt;
	t->kver = modtree_kver(mt);
	t->running = is_running_kernel(t->kver);
	err = modtree_symvers_open(mt, &t->symvers);
	if (err < 0) {
		t->symvers = NULL;
		if (err != -ENOENT)
			t->symvers_error = mm_strdup(mm_errmsg());
	}
	if (modtree_kconfig_open(mt, &t->kconfig) < 0)
		t->kconfig = NULL;
	t->config.force_load = kconfig_y(t, "CONFIG_MODULE_FORCE_LOAD");
	t->config.sig = kconfig_y(t, "CONFIG_MODULE_SIG");
	t->config.sig_force = kconfig_y(t, "CONFIG_MODULE_SIG_FORCE");
	t->config.retpoline =
		kconfig_y(t, "CONFIG_RETPOLINE") || kconfig_y(t, "CONFIG_MITIGATION_RETPOLINE");
	t->config.missing_ns_allowed =
		kconfig_y(t, "CONFIG_MODULE_ALLOW_MISSING_NAMESPACE_IMPORTS");
	t->config.modversions = kconfig_y(t, "CONFIG_MODVERSIONS");
	mm_clearerr();
	*tp = t;
	return 0;
}

void findings_target_set_cert(struct findings_target *t, const char *cert)
{
	t->cert = cert;
}

void findings_target_close(struct findings_target *t)
{
	if (!t)
		return;
	findings_providers_free(t);
	kernel_symbols_close(t->ksyms);
	modtree_symvers_close(t->symvers);
	modtree_kconfig_close(t->kconfig);
	free(t->symvers_error);
	free(t->vermagic);
	free(t->vermagic_source);
	free(t->machine_name);
	free(t);
}

bool findings_target_running(const struct findings_target *t)
{
	return t->running;
}

const char *findings_target_vermagic(struct findings_target *t, const char **source)
{
	findings_target_sample(t);
	if (source)
		*source = t->vermagic_source;
	return t->vermagic;
}

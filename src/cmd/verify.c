// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod verify: does a module's appended signature hold, for a given
 * certificate? The digest over the module, the PKCS#7 signature and the
 * signer, checked through libcrypto as the kernel checks them.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/cmd.h"
#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "mymod/out.h"
#include "mymod/util.h"

static const struct option options[] = {
	MM_MODDIR_OPTIONS,
	{ "cert", required_argument, NULL, 'c' },
	{ "keyring", no_argument, NULL, 'K' },
	{ "kernel-image", required_argument, NULL, 'i' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod verify [--cert=CERT]... [--keyring [--kernel-image=FILE]] MODULE...\n"
	      "\n"
	      "Check each module's appended signature: that one of the given keys signed\n"
	      "it, and that the module is the one signed. MODULE is a file, or a name or\n"
	      "alias in the module directory. Exit 0 only when every MODULE is valid. A\n"
	      "compressed module is checked as the kernel sees it, decompressed.\n"
	      "\n"
	      "Options:\n" MM_MODDIR_USAGE
	      "  -c, --cert=CERT        a certificate (PEM or DER) of a key that may have signed\n"
	      "  -K, --keyring          the keys the running kernel trusts for modules (see\n"
	      "                         mymod keys): their certificates are read from the\n"
	      "                         kernel image, as the kernel does not show them\n"
	      "  -i, --kernel-image=FILE  the running kernel's image (default\n"
	      "                         /boot/vmlinuz-RELEASE)\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

/* The keys a signature is checked against, and where each came from. */
struct trust {
	struct ko_cert *certs;
	char **origin;
	size_t n;
	bool keyring;
	size_t missing; /* trusted keys whose certificate is not at hand */
};

static void trust_add(struct trust *t, struct ko_cert cert, char *origin)
{
	t->certs = mm_reallocarray(t->certs, t->n + 1, sizeof(*t->certs));
	t->origin = mm_reallocarray(t->origin, t->n + 1, sizeof(*t->origin));
	t->certs[t->n] = cert;
	t->origin[t->n++] = origin;
}

static void trust_free(struct trust *t)
{
	ko_certs_free(t->certs, t->n);
	for (size_t i = 0; i < t->n; i++)
		free(t->origin[i]);
	free(t->origin);
}

/* The certificates in the kernel image IMAGE (default: the running kernel's). */
static int image_certs(const char *image, struct ko_cert **certs, size_t *n)
{
	char path[PATH_MAX];
	const char *rel;
	char *def = NULL, *buf;
	size_t len;
	int err;

	if (!image) {
		rel = kernel_release();
		if (!rel)
			return -ENOENT;
		def = mm_asprintf("/boot/vmlinuz-%s", rel);
		image = mm_syspath(path, sizeof(path), def) ? path : def;
	}
	err = mm_read_file(image, &buf, &len);
	if (err < 0) {
		err = mm_fail(err,
			      "cannot read the kernel image %s: %s (give it with --kernel-image)",
			      image, strerror(-err));
	} else {
		err = ko_image_certs(buf, len, certs, n);
		free(buf);
		if (err < 0) {
			char *why = mm_strdup(mm_errmsg());

			err = mm_fail(err, "%s: %s", image, why);
			free(why);
		}
	}
	free(def);
	return err;
}

/* Is key K (of RING) one of the kernel image's certificates? Take it into T. */
static bool take_from_image(struct trust *t, const struct kernel_key *k, const char *ring,
			    struct ko_cert *certs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char *cn, *id;
		bool same;

		if (!certs[i].der || ko_cert_names(&certs[i], &cn, &id) < 0)
			continue;
		same = id && strcmp(id, k->key_id) == 0;
		free(cn);
		free(id);
		if (same) {
			trust_add(t, certs[i], mm_asprintf("%s, from the kernel image", ring));
			certs[i].der = NULL;
			return true;
		}
	}
	return false;
}

/* --keyring: the trusted keys' certificates that are at hand. */
static int trust_keyring(struct trust *t, const char *image)
{
	struct kernel_keyring *rings;
	struct ko_cert *certs = NULL;
	size_t nrings, ncerts = 0;
	int err = image_certs(image, &certs, &ncerts);

	if (err < 0) {
		mm_error("%s", mm_errmsg());
		return err;
	}
	err = kernel_keyrings(&rings, &nrings);
	if (err < 0)
		ko_certs_free(certs, ncerts);

	t->keyring = true;
	if (err < 0) {
		mm_error("%s", mm_errmsg());
		return err;
	}
	for (size_t r = 0; r < nrings; r++) {
		/* Modules are checked against the secondary keyring (built-in and machine keys). */
		if (strcmp(rings[r].name, ".blacklist") == 0 ||
		    strcmp(rings[r].name, ".platform") == 0)
			continue;
		for (size_t k = 0; k < rings[r].n; k++) {
			const struct kernel_key *key = &rings[r].keys[k];

			if (!key->key_id || take_from_image(t, key, rings[r].name, certs, ncerts))
				continue;
			mm_warn("%s in %s: its certificate is not in the kernel image (give it "
				"with "
				"--cert to check signatures by it)",
				key->name, rings[r].name);
			t->missing++;
		}
	}
	ko_certs_free(certs, ncerts);
	kernel_keyrings_free(rings, nrings);
	return 0;
}

/* "signed by 'SIGNER', key ID, HASH", from the ko layer's reading. */
static char *who(struct ko *ko)
{
	const struct ko_signature *s = NULL;
	char *id, *text;

	if (ko_signature(ko, &s) < 0 || !s)
		return mm_strdup("");
	id = out_keyid(s->key_id, s->key_id_len);
	text = mm_asprintf(" (signer '%s', key %s, %s)", s->signer ? s->signer : "unknown",
			   *id ? id : "unknown", s->hash_algo ? s->hash_algo : "unknown hash");
	free(id);
	return text;
}

/* What KO_OTHER_SIGNER means for the keys in T. */
static const char *other_signer(const struct trust *t, struct ko *ko)
{
	const struct ko_signature *s = NULL;

	if (!t->keyring)
		return t->n == 1 ? "signed by a key other than the certificate's"
				 : "signed by a key other than the certificates'";
	if (ko_signature(ko, &s) == 0 && s && s->auth_id &&
	    kernel_key_trusted(s->auth_id, s->auth_id_len) == 1)
		return "not checked: signed by a key the kernel trusts, whose certificate is not "
		       "at hand";
	return "signed by a key the kernel does not trust";
}

static int verify_one(const char *path, const struct trust *t)
{
	static const char *const words[] = {
		[KO_VALID] = "valid",
		[KO_CHANGED] = "invalid: the module was changed after signing",
		[KO_NOT_SIGNED] = "not signed",
	};
	enum ko_verdict v;
	const void *image;
	struct ko *ko;
	size_t len, which;
	char *by;
	int err = ko_open(path, &ko);

	image = err < 0 ? NULL : ko_elf_image(ko, &len);
	if (!image || (err = ko_verify_certs(image, len, t->certs, t->n, &v, &which)) < 0) {
		mm_error("%s: %s", path, mm_errmsg());
		ko_close(ko);
		return -1;
	}
	by = who(ko);
	printf("%s: ", path);
	out_puts(stdout, v == KO_OTHER_SIGNER ? other_signer(t, ko) : words[v]);
	out_puts(stdout, v == KO_NOT_SIGNED ? "" : by);
	if (which < t->n && t->keyring) {
		fputs(" [", stdout);
		out_puts(stdout, t->origin[which]);
		putchar(']');
	}
	putchar('\n');
	free(by);
	ko_close(ko);
	return v == KO_VALID ? 0 : -1;
}

static int verify_target(const struct mm_target *tg, void *data)
{
	if (tg->kind == MM_TARGET_BUILTIN) {
		printf("%s: built into the kernel: no module file, no signature of its own\n",
		       tg->arg);
		return -1;
	}
	return verify_one(tg->path, data);
}

static int run(int argc, char *argv[])
{
	struct trust t = { 0 };
	const char *image = NULL;
	bool keyring = false;
	struct ko_cert cert;
	int c, status = MM_EXIT_OK;

	while ((c = getopt_long(argc, argv, MM_MODDIR_SHORTOPTS "c:Ki:h", options, NULL)) != -1) {
		if (mm_moddir_opt(c, optarg)) {
			continue;
		} else if (c == 'c') {
			if (ko_cert_read(optarg, &cert) < 0) {
				mm_error("%s: %s", optarg, mm_errmsg());
				trust_free(&t);
				return MM_EXIT_FAIL;
			}
			trust_add(&t, cert, mm_asprintf("the certificate %s", optarg));
		} else if (c == 'K') {
			keyring = true;
		} else if (c == 'i') {
			image = optarg;
		} else if (c == 'h') {
			usage();
			trust_free(&t);
			return MM_EXIT_OK;
		} else {
			trust_free(&t);
			return mm_usage_error();
		}
	}
	if ((!t.n && !keyring) || optind >= argc || (image && !keyring)) {
		mm_error(image && !keyring ? "--kernel-image goes with --keyring"
			 : optind < argc   ? "--cert CERT or --keyring is needed: the keys the "
					     "module should be "
					     "signed with"
					   : "no FILE given");
		trust_free(&t);
		return mm_usage_error();
	}
	if (keyring && trust_keyring(&t, image) < 0) {
		trust_free(&t);
		return MM_EXIT_FAIL;
	}
	for (int i = optind; i < argc; i++)
		if (mm_resolve(argv[i], 0, verify_target, &t) < 0)
			status = MM_EXIT_FAIL;
	trust_free(&t);
	return status;
}
const struct mm_cmd cmd_verify = {
	.name = "verify",
	.run = run,
	.needs = MM_NEEDS_MODDIR,
	.summary = "check a module's signature against certificates or the kernel's keys",
};

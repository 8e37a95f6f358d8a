// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod verify: does a module's appended signature hold, for a given
 * certificate? The digest over the module, the PKCS#7 signature and the
 * signer, checked through libcrypto as the kernel checks them.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "mymod/cmd.h"
#include "mymod/ko.h"
#include "mymod/out.h"
#include "mymod/util.h"

static const struct option options[] = {
	{ "cert", required_argument, NULL, 'c' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod verify --cert=CERT FILE...\n"
	      "\n"
	      "Check each module's appended signature against CERT (PEM or DER): that\n"
	      "CERT's key signed it, and that the module is the one signed. Exit 0 only\n"
	      "when every FILE is valid. A compressed module is checked as the kernel\n"
	      "sees it, decompressed.\n"
	      "\n"
	      "Options:\n"
	      "  -c, --cert=CERT        the certificate of the key that should have signed\n"
	      "  -h, --help             show this help\n",
	      stdout);
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

static int verify_one(const char *path, const char *cert)
{
	static const char *const words[] = {
		[KO_VALID] = "valid",
		[KO_CHANGED] = "invalid: the module was changed after signing",
		[KO_OTHER_SIGNER] = "signed by a key other than the certificate's",
		[KO_NOT_SIGNED] = "not signed",
	};
	enum ko_verdict v;
	const void *image;
	struct ko *ko;
	size_t len;
	char *by;
	int err = ko_open(path, &ko);

	image = err < 0 ? NULL : ko_elf_image(ko, &len);
	if (!image || (err = ko_verify(image, len, cert, &v)) < 0) {
		mm_error("%s: %s", path, mm_errmsg());
		ko_close(ko);
		return -1;
	}
	by = who(ko);
	printf("%s: ", path);
	out_puts(stdout, words[v]);
	out_puts(stdout, v == KO_NOT_SIGNED ? "" : by);
	putchar('\n');
	free(by);
	ko_close(ko);
	return v == KO_VALID ? 0 : -1;
}

static int run(int argc, char *argv[])
{
	const char *cert = NULL;
	int c, status = MM_EXIT_OK;

	while ((c = getopt_long(argc, argv, "c:h", options, NULL)) != -1) {
		if (c == 'c') {
			cert = optarg;
		} else if (c == 'h') {
			usage();
			return MM_EXIT_OK;
		} else {
			return mm_usage_error();
		}
	}
	if (!cert || optind >= argc) {
		mm_error(!cert ? "--cert CERT is needed: the key the module should be signed with"
			       : "no FILE given");
		return mm_usage_error();
	}
	for (int i = optind; i < argc; i++)
		if (verify_one(argv[i], cert) < 0)
			status = MM_EXIT_FAIL;
	return status;
}

const struct mm_cmd cmd_verify = {
	.name = "verify",
	.run = run,
	.summary = "check a module's signature against a certificate",
};

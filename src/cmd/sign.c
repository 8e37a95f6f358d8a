// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * mymod sign: append a module signature exactly as the kernel's
 * scripts/sign-file does, replacing each file all or nothing.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "mymod/cmd.h"
#include "mymod/ko.h"
#include "mymod/util.h"

enum { OPT_RESIGN = 0x100 };

static const struct option options[] = {
	{ "hash", required_argument, NULL, 'a' },    { "detach", no_argument, NULL, 'd' },
	{ "resign", no_argument, NULL, OPT_RESIGN }, { "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },	     { NULL, 0, NULL, 0 },
};

static void usage(void)
{
	fputs("Usage: mymod sign [OPTIONS] KEY CERT FILE...\n"
	      "\n"
	      "Sign kernel modules as the kernel's scripts/sign-file does (the same bytes):\n"
	      "KEY a PEM private key, CERT its certificate (PEM or DER). Each FILE is\n"
	      "replaced all or nothing, keeping its mode.\n"
	      "\n"
	      "Options:\n"
	      "  -a, --hash=HASH        the digest: sha256 (default), sha384, sha512, ...\n"
	      "  -d, --detach           write FILE.p7s (the PKCS#7 alone), leave FILE as it is\n"
	      "      --resign           replace a signature FILE has already\n"
	      "  -o, --output=OUT       write the signed module to OUT (one FILE only)\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

struct sign_opts {
	const char *hash, *key, *cert, *output;
	bool detach, resign;
};

/* A compressed module: the kernel checks the signature of what it decompresses itself. */
static bool compressed(const unsigned char *p, size_t len)
{
	return (len >= 2 && p[0] == 0x1f && p[1] == 0x8b) ||
	       (len >= 6 && memcmp(p,
				   "\xfd"
				   "7zXZ\0",
				   6) == 0) ||
	       (len >= 4 && memcmp(p, "\x28\xb5\x2f\xfd", 4) == 0);
}

/* The module's length without the signature it has; -errno after saying why. */
static int unsigned_len(const char *path, const unsigned char *p, size_t len,
			const struct sign_opts *o, size_t *out)
{
	size_t n = len < 4096 ? len : 4096;
	struct ko_sig_trailer t;
	int err = ko_sig_trailer(p + len - n, n, len, &t);

	*out = len;
	if (err < 0) {
		mm_error("%s: %s", path, mm_errmsg());
		return err;
	}
	if (err > 0 && !o->resign && !o->detach) {
		mm_error("%s: already signed", path);
		mm_hint("--resign replaces the signature");
		return -EEXIST;
	}
	if (err > 0)
		*out = t.start;
	return 0;
}

static int sign_one(const char *path, const struct sign_opts *o)
{
	char *data = NULL, *out = NULL, *dest;
	size_t len = 0, mlen, siglen = 0;
	void *sig = NULL;
	struct stat st;
	int err = mm_read_file(path, &data, &len);

	if (err < 0 || stat(path, &st) < 0) {
		mm_error("%s: %s", path, err < 0 ? mm_errmsg() : strerror(errno));
		free(data);
		return -EIO;
	}
	if (compressed((const unsigned char *)data, len)) {
		mm_error("%s: a compressed module", path);
		mm_hint("the kernel checks the signature of the decompressed module only when it "
			"decompresses it itself: decompress it, sign it, compress it again");
		free(data);
		return -EINVAL;
	}
	err = unsigned_len(path, (const unsigned char *)data, len, o, &mlen);
	if (err == 0 &&
	    (err = ko_sign(data, mlen, o->key, o->cert, o->hash, o->detach, &sig, &siglen)) < 0)
		mm_error("%s: %s", path, mm_errmsg());
	if (err == 0) {
		dest = o->detach ? mm_asprintf("%s.p7s", path)
				 : mm_strdup(o->output ? o->output : path);
		out = o->detach ? sig : mm_malloc(mlen + siglen);
		if (!o->detach) {
			memcpy(out, data, mlen);
			memcpy(out + mlen, sig, siglen);
		}
		err = mm_write_atomic(dest, out, o->detach ? siglen : mlen + siglen,
				      st.st_mode & 07777);
		if (err < 0)
			mm_error("%s", mm_errmsg());
		if (out != sig)
			free(out);
		free(dest);
	}
	free(sig);
	free(data);
	return err;
}

static int run(int argc, char *argv[])
{
	struct sign_opts o = { .hash = "sha256" };
	int c, status = MM_EXIT_OK;

	while ((c = getopt_long(argc, argv, "a:do:h", options, NULL)) != -1) {
		if (c == 'a')
			o.hash = optarg;
		else if (c == 'd')
			o.detach = true;
		else if (c == OPT_RESIGN)
			o.resign = true;
		else if (c == 'o')
			o.output = optarg;
		else if (c == 'h')
			return usage(), MM_EXIT_OK;
		else
			return mm_usage_error();
	}
	if (argc - optind < 3) {
		mm_error("KEY, CERT and a FILE are needed");
		return mm_usage_error();
	}
	if (o.output && argc - optind > 3) {
		mm_error("--output takes one FILE");
		return mm_usage_error();
	}
	o.key = argv[optind];
	o.cert = argv[optind + 1];
	for (int i = optind + 2; i < argc; i++)
		if (sign_one(argv[i], &o) < 0)
			status = MM_EXIT_FAIL;
	return status;
}

const struct mm_cmd cmd_sign = {
	.name = "sign",
	.run = run,
	.summary = "sign modules as the kernel's sign-file does",
};

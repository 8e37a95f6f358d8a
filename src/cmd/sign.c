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

enum { OPT_RESIGN = 0x100, OPT_RECOMPRESS };

static const struct option options[] = {
	{ "hash", required_argument, NULL, 'a' },
	{ "detach", no_argument, NULL, 'd' },
	{ "resign", no_argument, NULL, OPT_RESIGN },
	{ "output", required_argument, NULL, 'o' },
	{ "recompress", no_argument, NULL, OPT_RECOMPRESS },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
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
	      "      --recompress       sign a compressed module's decompressed image and\n"
	      "                         compress it again (the signature is checked inside)\n"
	      "  -h, --help             show this help\n",
	      stdout);
}

struct sign_opts {
	const char *hash, *key, *cert, *output;
	bool detach, resign, recompress;
};

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

/*
 * PATH's bytes into *DATA, decompressed (*COMP the compression) with
 * --recompress; a compressed module without it is refused, with why.
 */
static int read_module(const char *path, const struct sign_opts *o, char **data, size_t *len,
		       enum ko_comp *comp)
{
	uint8_t *plain;
	size_t plen;
	int err = mm_read_file(path, data, len);

	if (err < 0) {
		mm_error("%s: %s", path, strerror(-err));
		return err;
	}
	*comp = ko_detect_compression(*data, *len);
	if (*comp == KO_COMP_NONE)
		return 0;
	if (!o->recompress) {
		mm_error("%s: a compressed module (%s)", path, ko_comp_name(*comp));
		mm_hint("the kernel checks the signature inside the decompressed module: "
			"--recompress signs the decompressed module and compresses it again");
		return -EINVAL;
	}
	err = ko_decompress(*comp, *data, *len, &plain, &plen);
	if (err < 0) {
		mm_error("%s: %s", path, mm_errmsg());
		return err;
	}
	free(*data);
	*data = (char *)plain;
	*len = plen;
	return 0;
}

/* The MLEN bytes of DATA and SIG, compressed again as COMP; written to DEST all or nothing. */
static int write_signed(const char *dest, const char *data, size_t mlen, const void *sig,
			size_t siglen, enum ko_comp comp, mode_t mode)
{
	uint8_t *out = mm_malloc(mlen + siglen), *z = NULL;
	size_t n = mlen + siglen;
	int err = 0;

	memcpy(out, data, mlen);
	memcpy(out + mlen, sig, siglen);
	if (comp != KO_COMP_NONE) {
		err = ko_compress(comp, out, n, &z, &n);
		free(out);
		out = z;
		if (err < 0)
			mm_error("%s: %s", dest, mm_errmsg());
	}
	if (err == 0 && (err = mm_write_atomic(dest, out, n, mode)) < 0)
		mm_error("%s", mm_errmsg());
	free(out);
	return err;
}

static int sign_one(const char *path, const struct sign_opts *o)
{
	char *data = NULL, *dest;
	size_t len = 0, mlen, siglen = 0;
	enum ko_comp comp = KO_COMP_NONE;
	void *sig = NULL;
	struct stat st;
	int err = stat(path, &st) < 0 ? -errno : 0;

	if (err < 0)
		mm_error("%s: %s", path, strerror(-err));
	else
		err = read_module(path, o, &data, &len, &comp);
	if (err == 0)
		err = unsigned_len(path, (const unsigned char *)data, len, o, &mlen);
	if (err == 0 &&
	    (err = ko_sign(data, mlen, o->key, o->cert, o->hash, o->detach, &sig, &siglen)) < 0)
		mm_error("%s: %s", path, mm_errmsg());
	if (err == 0 && o->detach) {
		dest = mm_asprintf("%s.p7s", path);
		err = mm_write_atomic(dest, sig, siglen, st.st_mode & 07777);
		if (err < 0)
			mm_error("%s", mm_errmsg());
		free(dest);
	} else if (err == 0) {
		err = write_signed(o->output ? o->output : path, data, mlen, sig, siglen, comp,
				   st.st_mode & 07777);
	}
	free(sig);
	free(data);
	return err < 0 ? err : 0;
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
		else if (c == OPT_RECOMPRESS)
			o.recompress = true;
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

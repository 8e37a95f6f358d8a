// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The appended signature:
 *   [module][signer][key id][signature][struct module_signature][magic]
 * For PKCS#7 (what sign-file writes) signer and key id are inside the DER
 * message: the signer is the issuer's common name and the key id the
 * serial number, as kmod's modinfo shows them.
 */
#include <errno.h>
#include <limits.h>
#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/pkcs7.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "ko-internal.h"
#include "mymod/util.h"

#define SIG_MAGIC "~Module signature appended~\n"

/* struct module_signature: u8 algo, hash, id_type, signer_len, key_id_len, pad[3]; be32 sig_len */
#define MODSIG_SIZE 12

enum { PKEY_ID_PGP, PKEY_ID_X509, PKEY_ID_PKCS7 };

static const char *const id_types[] = { "PGP", "X509", "PKCS#7" };
static const char *const pkey_algos[] = { "DSA", "RSA" };
static const char *const hash_algos[] = { "md4",    "md5",    "sha1",	"rmd160", "sha256",
					  "sha384", "sha512", "sha224", "sm3" };

static const uint8_t *keep_bytes(struct ko *ko, const void *p, size_t len)
{
	uint8_t *q = ko_keep(ko, mm_malloc(len));

	if (len)
		memcpy(q, p, len);
	return q;
}

/* The common name of NAME, else its last entry (as kmod shows it). */
static const char *name_string(struct ko *ko, const X509_NAME *name)
{
	int n = X509_NAME_entry_count(name);
	int i = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
	const ASN1_STRING *d;

	if (n <= 0)
		return NULL;
	if (i < 0)
		i = n - 1;
	d = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i));
	if (!d)
		return NULL;
	return ko_strndup(ko, (const char *)ASN1_STRING_get0_data(d),
			  (size_t)ASN1_STRING_length(d));
}

static const char *pkey_name(int nid)
{
	switch (nid) {
	case NID_rsaEncryption:
	case NID_sha1WithRSAEncryption:
	case NID_sha224WithRSAEncryption:
	case NID_sha256WithRSAEncryption:
	case NID_sha384WithRSAEncryption:
	case NID_sha512WithRSAEncryption:
		return "rsa";
	case NID_X9_62_id_ecPublicKey:
	case NID_ecdsa_with_SHA1:
	case NID_ecdsa_with_SHA224:
	case NID_ecdsa_with_SHA256:
	case NID_ecdsa_with_SHA384:
	case NID_ecdsa_with_SHA512:
		return "ecdsa";
	case NID_dsa:
		return "dsa";
	case NID_ED25519:
		return "ed25519";
	}
	return NULL;
}

static int fill_pkcs7(struct ko *ko, struct ko_signature *s, const uint8_t *der, size_t len)
{
	const unsigned char *p = der;
	STACK_OF(PKCS7_SIGNER_INFO) * sis;
	PKCS7_SIGNER_INFO *si;
	X509_ALGOR *dig_alg = NULL, *sig_alg = NULL;
	const ASN1_OBJECT *obj;
	BIGNUM *sno = NULL;
	PKCS7 *p7;
	char buf[128];
	int err = 0, n;

	p7 = len <= LONG_MAX ? d2i_PKCS7(NULL, &p, (long)len) : NULL;
	if (!p7)
		return mm_fail(EBADMSG, "signature: PKCS#7 data is not valid DER");
	sis = PKCS7_type_is_signed(p7) ? PKCS7_get_signer_info(p7) : NULL;
	si = sis ? sk_PKCS7_SIGNER_INFO_value(sis, 0) : NULL;
	if (!si || !si->issuer_and_serial || !si->enc_digest) {
		err = mm_fail(EBADMSG, "signature: PKCS#7 message has no signer");
		goto out;
	}
	s->sig = keep_bytes(ko, ASN1_STRING_get0_data(si->enc_digest),
			    (size_t)ASN1_STRING_length(si->enc_digest));
	s->sig_len = (size_t)ASN1_STRING_length(si->enc_digest);
	s->signer = name_string(ko, si->issuer_and_serial->issuer);

	sno = ASN1_INTEGER_to_BN(si->issuer_and_serial->serial, NULL);
	if (sno) {
		uint8_t *kid = ko_keep(ko, mm_malloc((size_t)BN_num_bytes(sno)));

		s->key_id_len = (size_t)BN_bn2bin(sno, kid);
		s->key_id = kid;
	}
	PKCS7_SIGNER_INFO_get0_algs(si, NULL, &dig_alg, &sig_alg);
	if (dig_alg) {
		X509_ALGOR_get0(&obj, NULL, NULL, dig_alg);
		n = OBJ_obj2txt(buf, sizeof(buf), obj, 0);
		if (n > 0 && (size_t)n < sizeof(buf))
			s->hash_algo = ko_strdup(ko, buf);
	}
	if (sig_alg) {
		X509_ALGOR_get0(&obj, NULL, NULL, sig_alg);
		s->algo = pkey_name(OBJ_obj2nid(obj));
	}
out:
	BN_free(sno);
	PKCS7_free(p7);
	return err;
}

int ko_signature(struct ko *ko, const struct ko_signature **sigp)
{
	const size_t mlen = strlen(SIG_MAGIC);
	const uint8_t *tail, *info, *m;
	struct ko_signature *s;
	size_t size = ko->image_len, sig_len, signer_len, key_id_len, n;
	int err;

	if (ko->have_signature)
		goto out;
	n = size < mlen + MODSIG_SIZE ? size : mlen + MODSIG_SIZE;
	tail = ko_image_range(ko, size - n, n);
	if (!tail)
		return -EIO;
	if (n < mlen || memcmp(tail + n - mlen, SIG_MAGIC, mlen) != 0)
		goto none;
	size -= mlen;
	if (size < MODSIG_SIZE)
		return mm_fail(EBADMSG, "signature: trailer truncated");
	size -= MODSIG_SIZE;
	info = tail;
	sig_len = (size_t)info[8] << 24 | (size_t)info[9] << 16 | (size_t)info[10] << 8 | info[11];
	signer_len = info[3];
	key_id_len = info[4];
	if (sig_len == 0 || sig_len > size || signer_len + key_id_len > size - sig_len)
		return mm_fail(EBADMSG,
			       "signature: length %zu does not fit in the file (%zu bytes before "
			       "the trailer)",
			       sig_len, size);
	/* M: [signer][key id][signature], up to the information block. */
	n = sig_len + signer_len + key_id_len;
	m = ko_image_range(ko, size - n, n);
	if (!m)
		return -EIO;
	s = ko_keep(ko, mm_calloc(1, sizeof(*s)));
	if (info[2] < MM_ARRAY_SIZE(id_types))
		s->id_type = id_types[info[2]];
	else
		s->id_type = ko_keep(ko, mm_asprintf("unknown (%u)", info[2]));
	if (info[2] == PKEY_ID_PKCS7) {
		err = fill_pkcs7(ko, s, m + signer_len + key_id_len, sig_len);
		if (err < 0)
			return err;
	} else {
		const uint8_t *p = m;

		if (info[0] < MM_ARRAY_SIZE(pkey_algos))
			s->algo = pkey_algos[info[0]];
		if (info[1] < MM_ARRAY_SIZE(hash_algos))
			s->hash_algo = hash_algos[info[1]];
		if (signer_len)
			s->signer = ko_strndup(ko, (const char *)p, signer_len);
		s->key_id = p + signer_len;
		s->key_id_len = key_id_len;
		s->sig = p + signer_len + key_id_len;
		s->sig_len = sig_len;
	}
	ko->signature = s;
none:
	ko->have_signature = true;
out:
	*sigp = ko->signature;
	return 0;
}

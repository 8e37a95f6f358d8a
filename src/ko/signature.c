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
#include <openssl/asn1t.h>
#include <openssl/bn.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "ko-internal.h"
#include "mymod/util.h"

#define SIG_MAGIC "~Module signature appended~\n"

/* Bytes read from the end of the file at once: trailer and PKCS#7 of any usual key. */
#define SIG_TAIL_READ 4096

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

/*
 * A PKCS#7 SignedData as sign-file writes it, decoded by OpenSSL's DER
 * decoder from these templates rather than by d2i_PKCS7: what is not
 * shown is left undecoded (ANY), and the issuer is read as plain
 * attribute-value pairs. d2i_PKCS7 builds an X509_NAME with its canonical
 * form, which was two thirds of the cost of reading a signature.
 */
typedef struct {
	ASN1_OBJECT *type;
	ASN1_TYPE *value;
} KO_ATV;

ASN1_SEQUENCE(KO_ATV) = {
	ASN1_SIMPLE(KO_ATV, type, ASN1_OBJECT),
	ASN1_SIMPLE(KO_ATV, value, ASN1_ANY),
} static_ASN1_SEQUENCE_END(KO_ATV)

/* RelativeDistinguishedName: SET OF AttributeTypeAndValue. */
ASN1_ITEM_TEMPLATE(KO_RDN) = ASN1_EX_TEMPLATE_TYPE(ASN1_TFLG_SET_OF, 0, rdn, KO_ATV)
static_ASN1_ITEM_TEMPLATE_END(KO_RDN)

typedef struct {
	OPENSSL_STACK *issuer; /* of KO_RDN, each a stack of KO_ATV */
	ASN1_INTEGER *serial;
} KO_ISSUER_AND_SERIAL;

ASN1_SEQUENCE(KO_ISSUER_AND_SERIAL) = {
	ASN1_SEQUENCE_OF(KO_ISSUER_AND_SERIAL, issuer, KO_RDN),
	ASN1_SIMPLE(KO_ISSUER_AND_SERIAL, serial, ASN1_INTEGER),
} static_ASN1_SEQUENCE_END(KO_ISSUER_AND_SERIAL)

typedef struct {
	ASN1_INTEGER *version;
	KO_ISSUER_AND_SERIAL *issuer_and_serial;
	X509_ALGOR *digest_alg;
	ASN1_SEQUENCE_ANY *auth_attr;
	X509_ALGOR *digest_enc_alg;
	ASN1_OCTET_STRING *enc_digest;
	ASN1_SEQUENCE_ANY *unauth_attr;
} KO_SIGNER_INFO;

ASN1_SEQUENCE(KO_SIGNER_INFO) = {
	ASN1_SIMPLE(KO_SIGNER_INFO, version, ASN1_INTEGER),
	ASN1_SIMPLE(KO_SIGNER_INFO, issuer_and_serial, KO_ISSUER_AND_SERIAL),
	ASN1_SIMPLE(KO_SIGNER_INFO, digest_alg, X509_ALGOR),
	ASN1_IMP_SET_OF_OPT(KO_SIGNER_INFO, auth_attr, ASN1_ANY, 0),
	ASN1_SIMPLE(KO_SIGNER_INFO, digest_enc_alg, X509_ALGOR),
	ASN1_SIMPLE(KO_SIGNER_INFO, enc_digest, ASN1_OCTET_STRING),
	ASN1_IMP_SET_OF_OPT(KO_SIGNER_INFO, unauth_attr, ASN1_ANY, 1),
} static_ASN1_SEQUENCE_END(KO_SIGNER_INFO)

typedef struct {
	ASN1_INTEGER *version;
	ASN1_SEQUENCE_ANY *digest_algs;
	ASN1_TYPE *content;
	ASN1_SEQUENCE_ANY *certs;
	ASN1_SEQUENCE_ANY *crls;
	OPENSSL_STACK *signer_infos; /* of KO_SIGNER_INFO */
} KO_SIGNED;

ASN1_SEQUENCE(KO_SIGNED) = {
	ASN1_SIMPLE(KO_SIGNED, version, ASN1_INTEGER),
	ASN1_SET_OF(KO_SIGNED, digest_algs, ASN1_ANY),
	ASN1_SIMPLE(KO_SIGNED, content, ASN1_ANY),
	ASN1_IMP_SET_OF_OPT(KO_SIGNED, certs, ASN1_ANY, 0),
	ASN1_IMP_SET_OF_OPT(KO_SIGNED, crls, ASN1_ANY, 1),
	ASN1_SET_OF(KO_SIGNED, signer_infos, KO_SIGNER_INFO),
} static_ASN1_SEQUENCE_END(KO_SIGNED)

/* ContentInfo { contentType, [0] EXPLICIT content }. */
typedef struct {
	ASN1_OBJECT *type;
	KO_SIGNED *signed_data;
} KO_PKCS7;

ASN1_SEQUENCE(KO_PKCS7) = {
	ASN1_SIMPLE(KO_PKCS7, type, ASN1_OBJECT),
	ASN1_EXP_OPT(KO_PKCS7, signed_data, KO_SIGNED, 0),
} static_ASN1_SEQUENCE_END(KO_PKCS7)

/*
 * The kernel's name for the signing key: the raw serial number, then the
 * raw issuer (the contents of each, without tag and length), as
 * pkcs7_sig_note_issuer() makes it and x509_cert_parse() makes a key's
 * "id" from its certificate. The issuer is re-encoded from the decoded
 * template; DER has one encoding, so these are the bytes of the file.
 */
static int note_auth_id(struct ko *ko, struct ko_signature *s, KO_ISSUER_AND_SERIAL *ias)
{
	const unsigned char *p, *serial, *issuer;
	unsigned char *der = NULL;
	long serial_len, issuer_len, seq_len;
	int tag, class, n, err = 0;
	uint8_t *id;

	n = ASN1_item_i2d((ASN1_VALUE *)ias, &der, ASN1_ITEM_rptr(KO_ISSUER_AND_SERIAL));
	if (n <= 0)
		return mm_fail(EBADMSG, "signature: cannot encode the signer's issuer and serial");
	p = der;
	/* SEQUENCE { Name, INTEGER }: step into the sequence, then over each part. */
	if (ASN1_get_object(&p, &seq_len, &tag, &class, n) & 0x80)
		goto bad;
	if (ASN1_get_object(&p, &issuer_len, &tag, &class, der + n - p) & 0x80)
		goto bad;
	issuer = p;
	p += issuer_len;
	if (ASN1_get_object(&p, &serial_len, &tag, &class, der + n - p) & 0x80 ||
	    tag != V_ASN1_INTEGER)
		goto bad;
	serial = p;
	id = ko_keep(ko, mm_malloc((size_t)(serial_len + issuer_len)));
	memcpy(id, serial, (size_t)serial_len);
	memcpy(id + serial_len, issuer, (size_t)issuer_len);
	s->auth_id = id;
	s->auth_id_len = (size_t)(serial_len + issuer_len);
	goto out;
bad:
	err = mm_fail(EBADMSG, "signature: the signer's issuer and serial are not valid DER");
out:
	OPENSSL_free(der);
	return err;
}

/* The issuer's first common name, else its last attribute (as kmod shows it). */
static const char *issuer_string(struct ko *ko, const OPENSSL_STACK *issuer)
{
	const ASN1_TYPE *last = NULL;

	for (int i = 0; i < OPENSSL_sk_num(issuer); i++) {
		const OPENSSL_STACK *rdn = OPENSSL_sk_value(issuer, i);

		for (int j = 0; j < OPENSSL_sk_num(rdn); j++) {
			const KO_ATV *atv = OPENSSL_sk_value(rdn, j);

			last = atv->value;
			if (OBJ_obj2nid(atv->type) == NID_commonName)
				goto found;
		}
	}
found:
	/* Every string type, and nothing else, keeps its bytes in asn1_string. */
	if (!last || last->type == V_ASN1_BOOLEAN || last->type == V_ASN1_NULL ||
	    last->type == V_ASN1_OBJECT || !last->value.asn1_string)
		return NULL;
	return ko_strndup(ko, (const char *)ASN1_STRING_get0_data(last->value.asn1_string),
			  (size_t)ASN1_STRING_length(last->value.asn1_string));
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
	const KO_SIGNER_INFO *si = NULL;
	const ASN1_OBJECT *obj;
	BIGNUM *sno = NULL;
	KO_PKCS7 *p7;
	char buf[128];
	int err = 0, n;

	p7 = len <= LONG_MAX
		     ? (KO_PKCS7 *)ASN1_item_d2i(NULL, &p, (long)len, ASN1_ITEM_rptr(KO_PKCS7))
		     : NULL;
	if (!p7)
		return mm_fail(EBADMSG, "signature: PKCS#7 data is not valid DER");
	if (OBJ_obj2nid(p7->type) == NID_pkcs7_signed && p7->signed_data &&
	    OPENSSL_sk_num(p7->signed_data->signer_infos) > 0)
		si = OPENSSL_sk_value(p7->signed_data->signer_infos, 0);
	if (!si) {
		err = mm_fail(EBADMSG, "signature: PKCS#7 message has no signer");
		goto out;
	}
	s->sig_len = (size_t)ASN1_STRING_length(si->enc_digest);
	s->sig = keep_bytes(ko, ASN1_STRING_get0_data(si->enc_digest), s->sig_len);
	s->signer = issuer_string(ko, si->issuer_and_serial->issuer);
	err = note_auth_id(ko, s, si->issuer_and_serial);
	if (err < 0)
		goto out;

	sno = ASN1_INTEGER_to_BN(si->issuer_and_serial->serial, NULL);
	if (sno) {
		uint8_t *kid = ko_keep(ko, mm_malloc((size_t)BN_num_bytes(sno)));

		s->key_id_len = (size_t)BN_bn2bin(sno, kid);
		s->key_id = kid;
	}
	X509_ALGOR_get0(&obj, NULL, NULL, si->digest_alg);
	n = OBJ_obj2txt(buf, sizeof(buf), obj, 0);
	if (n > 0 && (size_t)n < sizeof(buf))
		s->hash_algo = ko_strdup(ko, buf);
	X509_ALGOR_get0(&obj, NULL, NULL, si->digest_enc_alg);
	s->algo = pkey_name(OBJ_obj2nid(obj));
out:
	BN_free(sno);
	ASN1_item_free((ASN1_VALUE *)p7, ASN1_ITEM_rptr(KO_PKCS7));
	return err;
}

int ko_sig_trailer(const uint8_t *tail, size_t n, size_t size, struct ko_sig_trailer *t)
{
	const size_t mlen = strlen(SIG_MAGIC);
	const uint8_t *info;

	memset(t, 0, sizeof(*t));
	if (n < mlen || memcmp(tail + n - mlen, SIG_MAGIC, mlen) != 0)
		return 0;
	if (size < mlen + MODSIG_SIZE || n < mlen + MODSIG_SIZE)
		return mm_fail(EBADMSG, "signature: trailer truncated");
	info = tail + n - mlen - MODSIG_SIZE;
	t->end = size - mlen - MODSIG_SIZE;
	t->algo = info[0];
	t->hash = info[1];
	t->id_type = info[2];
	t->signer_len = info[3];
	t->key_id_len = info[4];
	t->sig_len =
		(size_t)info[8] << 24 | (size_t)info[9] << 16 | (size_t)info[10] << 8 | info[11];
	if (t->sig_len == 0 || t->sig_len > t->end ||
	    t->signer_len + t->key_id_len > t->end - t->sig_len)
		return mm_fail(EBADMSG,
			       "signature: length %zu does not fit in the file (%zu bytes before "
			       "the trailer)",
			       t->sig_len, t->end);
	t->start = t->end - t->sig_len - t->signer_len - t->key_id_len;
	return 1;
}

int ko_signature(struct ko *ko, const struct ko_signature **sigp)
{
	const uint8_t *tail, *m;
	struct ko_sig_trailer t;
	struct ko_signature *s;
	size_t size = ko->image_len, n, base;
	int err;

	if (ko->have_signature)
		goto out;
	/* One read of the file's end holds the trailer and, usually, the signature. */
	n = size < SIG_TAIL_READ ? size : SIG_TAIL_READ;
	base = size - n;
	tail = ko_image_range(ko, base, n);
	if (!tail)
		return -EIO;
	err = ko_sig_trailer(tail, n, size, &t);
	if (err < 0)
		return err;
	if (err == 0)
		goto none;
	/* M: [signer][key id][signature], up to the information block. */
	n = t.end - t.start;
	m = t.start >= base ? tail + (t.start - base) : ko_image_range(ko, t.start, n);
	if (!m)
		return -EIO;
	s = ko_keep(ko, mm_calloc(1, sizeof(*s)));
	if (t.id_type < MM_ARRAY_SIZE(id_types))
		s->id_type = id_types[t.id_type];
	else
		s->id_type = ko_keep(ko, mm_asprintf("unknown (%u)", t.id_type));
	if (t.id_type == PKEY_ID_PKCS7) {
		err = fill_pkcs7(ko, s, m + t.signer_len + t.key_id_len, t.sig_len);
		if (err < 0)
			return err;
	} else {
		const uint8_t *p = m;

		if (t.algo < MM_ARRAY_SIZE(pkey_algos))
			s->algo = pkey_algos[t.algo];
		if (t.hash < MM_ARRAY_SIZE(hash_algos))
			s->hash_algo = hash_algos[t.hash];
		if (t.signer_len)
			s->signer = ko_strndup(ko, (const char *)p, t.signer_len);
		s->key_id = p + t.signer_len;
		s->key_id_len = t.key_id_len;
		s->sig = p + t.signer_len + t.key_id_len;
		s->sig_len = t.sig_len;
	}
	ko->signature = s;
none:
	ko->have_signature = true;
out:
	*sigp = ko->signature;
	return 0;
}

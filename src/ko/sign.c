// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Signing a module as the kernel's scripts/sign-file does: a detached
 * PKCS#7 (CMS) SignedData over the module's bytes, without certificates
 * or signed attributes, then the struct module_signature trailer and its
 * magic. RSA's PKCS#1 v1.5 signatures are deterministic, so the result is
 * sign-file's byte for byte.
 */
#include <errno.h>
#include <openssl/bio.h>
#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/ko.h"
#include "mymod/util.h"

#define SIG_MAGIC     "~Module signature appended~\n"
#define PKEY_ID_PKCS7 2

/* OpenSSL's last error, in words, after WHAT. */
static int crypto_fail(int err, const char *what)
{
	unsigned long e = ERR_peek_last_error();
	char buf[256] = "";

	if (e)
		ERR_error_string_n(e, buf, sizeof(buf));
	ERR_clear_error();
	return mm_fail(err, "%s%s%s", what, *buf ? ": " : "", buf);
}

static EVP_PKEY *read_key(const char *path)
{
	BIO *b = BIO_new_file(path, "rb");
	EVP_PKEY *k = b ? PEM_read_bio_PrivateKey(b, NULL, NULL, NULL) : NULL;

	if (!k)
		crypto_fail(EINVAL, b ? "cannot read the private key (PEM; wrong passphrase?)"
				      : "cannot open the private key");
	BIO_free(b);
	return k;
}

/* A PEM certificate, or a DER one. */
static X509 *read_cert(const char *path)
{
	BIO *b = BIO_new_file(path, "rb");
	X509 *x = NULL;

	if (b) {
		x = PEM_read_bio_X509(b, NULL, NULL, NULL);
		if (!x) {
			ERR_clear_error();
			BIO_reset(b);
			x = d2i_X509_bio(b, NULL);
		}
	}
	if (!x)
		crypto_fail(EINVAL, b ? "cannot read the certificate (PEM or DER)"
				      : "cannot open the certificate");
	BIO_free(b);
	return x;
}

/* The DER of a detached PKCS#7 over DATA by KEY and CERT with digest MD. */
static int cms_der(const void *data, size_t len, EVP_PKEY *key, X509 *cert, const EVP_MD *md,
		   unsigned char **der, int *derlen)
{
	const unsigned int flags = CMS_NOCERTS | CMS_BINARY;
	BIO *in = BIO_new_mem_buf(data, (int)len);
	CMS_ContentInfo *cms;
	int err = 0;

	cms = CMS_sign(NULL, NULL, NULL, NULL, flags | CMS_PARTIAL | CMS_DETACHED | CMS_STREAM);
	if (!cms || !in)
		err = crypto_fail(ENOMEM, "cannot start the signature");
	else if (!CMS_add1_signer(cms, cert, key, md, flags | CMS_NOSMIMECAP | CMS_NOATTR))
		err = crypto_fail(EINVAL, "cannot sign (does the key match the certificate?)");
	else if (!CMS_final(cms, in, NULL, flags))
		err = crypto_fail(EINVAL, "cannot sign");
	else if ((*derlen = i2d_CMS_ContentInfo(cms, der)) <= 0)
		err = crypto_fail(ENOMEM, "cannot encode the signature");
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return err;
}

/* What sign-file appends: the PKCS#7, struct module_signature, the magic. */
static void *appended(const unsigned char *der, int derlen, size_t *len)
{
	const size_t mlen = strlen(SIG_MAGIC);
	unsigned char *p = mm_malloc((size_t)derlen + 12 + mlen);
	unsigned char info[12] = { 0, 0, PKEY_ID_PKCS7 };

	info[8] = (unsigned char)((unsigned int)derlen >> 24);
	info[9] = (unsigned char)((unsigned int)derlen >> 16);
	info[10] = (unsigned char)((unsigned int)derlen >> 8);
	info[11] = (unsigned char)derlen;
	memcpy(p, der, (size_t)derlen);
	memcpy(p + derlen, info, sizeof(info));
	memcpy(p + derlen + sizeof(info), SIG_MAGIC, mlen);
	*len = (size_t)derlen + sizeof(info) + mlen;
	return p;
}

int ko_sign(const void *data, size_t len, const char *key, const char *cert, const char *hash,
	    bool detach, void **sig, size_t *siglen)
{
	const EVP_MD *md = EVP_get_digestbyname(hash);
	EVP_PKEY *k = NULL;
	X509 *x = NULL;
	unsigned char *der = NULL;
	int derlen = 0, err;

	if (!md)
		return mm_fail(EINVAL, "unknown hash '%s' (sha256, sha384, sha512, ...)", hash);
	if (len > (size_t)INT32_MAX)
		return mm_fail(EFBIG, "the module is too large to sign (%zu bytes)", len);
	k = read_key(key);
	x = k ? read_cert(cert) : NULL;
	err = k && x ? cms_der(data, len, k, x, md, &der, &derlen) : -EINVAL;
	if (err == 0 && detach) {
		*sig = mm_malloc((size_t)derlen);
		memcpy(*sig, der, (size_t)derlen);
		*siglen = (size_t)derlen;
	} else if (err == 0) {
		*sig = appended(der, derlen, siglen);
	}
	OPENSSL_free(der);
	X509_free(x);
	EVP_PKEY_free(k);
	return err;
}

/* The DER PKCS#7 of an appended signature, or NULL (after mm_fail) when it is not one. */
static CMS_ContentInfo *read_cms(const unsigned char *der, size_t len)
{
	const unsigned char *p = der;
	CMS_ContentInfo *cms = d2i_CMS_ContentInfo(NULL, &p, (long)len);

	if (!cms)
		crypto_fail(EBADMSG, "the signature is not a PKCS#7 message");
	return cms;
}

/* Is CERT the signer SI names (issuer and serial, or subject key id)? */
static bool signer_is(CMS_SignerInfo *si, X509 *cert)
{
	return CMS_SignerInfo_cert_cmp(si, cert) == 0;
}

/* The one of CERTS that signed SI, or NULL. */
static X509 *find_signer(CMS_SignerInfo *si, STACK_OF(X509) * certs)
{
	for (int i = 0; i < sk_X509_num(certs); i++)
		if (signer_is(si, sk_X509_value(certs, i)))
			return sk_X509_value(certs, i);
	return NULL;
}

/* ko_verify_certs() with the certificates parsed; *WHICH their index. */
static int verify_x509(const void *data, size_t len, STACK_OF(X509) * certs, enum ko_verdict *v,
		       int *which)
{
	size_t n = len < 4096 ? len : 4096;
	const unsigned char *p = data;
	struct ko_sig_trailer t;
	STACK_OF(CMS_SignerInfo) * sis;
	STACK_OF(X509) * one;
	CMS_ContentInfo *cms;
	BIO *content;
	X509 *x = NULL;
	int err = ko_sig_trailer(p + len - n, n, len, &t);

	*v = KO_NOT_SIGNED;
	*which = -1;
	if (err <= 0)
		return err;
	if (t.id_type != PKEY_ID_PKCS7)
		return mm_fail(ENOTSUP, "a signature of type %u, not PKCS#7", t.id_type);
	cms = read_cms(p + t.end - t.sig_len, t.sig_len);
	if (!cms)
		return -EINVAL;
	sis = CMS_get0_SignerInfos(cms);
	*v = KO_OTHER_SIGNER;
	if (sk_CMS_SignerInfo_num(sis) == 1)
		x = find_signer(sk_CMS_SignerInfo_value(sis, 0), certs);
	if (x) {
		one = sk_X509_new_null();
		sk_X509_push(one, x);
		content = BIO_new_mem_buf(data, (int)t.start);
		*v = CMS_verify(cms, one, NULL, content, NULL,
				CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY | CMS_NOINTERN)
			     ? KO_VALID
			     : KO_CHANGED;
		*which = sk_X509_find(certs, x);
		ERR_clear_error();
		BIO_free(content);
		sk_X509_free(one);
	}
	CMS_ContentInfo_free(cms);
	return 0;
}

int ko_verify(const void *data, size_t len, const char *cert, enum ko_verdict *v)
{
	STACK_OF(X509) *certs = sk_X509_new_null();
	X509 *x = read_cert(cert);
	int which, err;

	if (!x) {
		sk_X509_free(certs);
		return -EINVAL;
	}
	sk_X509_push(certs, x);
	err = verify_x509(data, len, certs, v, &which);
	sk_X509_pop_free(certs, X509_free);
	return err;
}

int ko_verify_certs(const void *data, size_t len, const struct ko_cert *certs, size_t n,
		    enum ko_verdict *v, size_t *which)
{
	STACK_OF(X509) *stack = sk_X509_new_null();
	int w = -1, err = 0;

	for (size_t i = 0; i < n && err == 0; i++) {
		const unsigned char *q = certs[i].der;
		X509 *x = d2i_X509(NULL, &q, (long)certs[i].len);

		if (!x)
			err = crypto_fail(EINVAL, "cannot read a certificate (DER)");
		else
			sk_X509_push(stack, x);
	}
	if (err == 0)
		err = verify_x509(data, len, stack, v, &w);
	sk_X509_pop_free(stack, X509_free);
	if (which)
		*which = w < 0 ? n : (size_t)w;
	return err;
}

const char *ko_verdict_name(enum ko_verdict v)
{
	static const char *const names[] = {
		[KO_VALID] = "valid",
		[KO_CHANGED] = "changed",
		[KO_OTHER_SIGNER] = "other-signer",
		[KO_NOT_SIGNED] = "not-signed",
	};

	return (size_t)v < MM_ARRAY_SIZE(names) ? names[v] : "unknown";
}

int ko_cert_read(const char *path, struct ko_cert *cert)
{
	X509 *x = read_cert(path);
	unsigned char *der = NULL;
	int len;

	if (!x)
		return -EINVAL;
	len = i2d_X509(x, &der);
	X509_free(x);
	if (len <= 0)
		return crypto_fail(EINVAL, "cannot encode the certificate");
	cert->der = mm_malloc((size_t)len);
	memcpy(cert->der, der, (size_t)len);
	cert->len = (size_t)len;
	OPENSSL_free(der);
	return 0;
}

int ko_cert_names(const struct ko_cert *cert, char **subject, char **key_id)
{
	const unsigned char *q = cert->der;
	X509 *x = d2i_X509(NULL, &q, (long)cert->len);
	const ASN1_OCTET_STRING *skid;
	X509_NAME *name;
	char cn[256];
	struct mm_strbuf sb = { 0 };

	*subject = *key_id = NULL;
	if (!x)
		return crypto_fail(EINVAL, "cannot read a certificate (DER)");
	name = X509_get_subject_name(x);
	if (X509_NAME_get_text_by_NID(name, NID_commonName, cn, sizeof(cn)) >= 0)
		*subject = mm_strdup(cn);
	skid = X509_get0_subject_key_id(x);
	if (skid) {
		mm_strbuf_addhex(&sb, ASN1_STRING_get0_data(skid), (size_t)ASN1_STRING_length(skid),
				 0);
		*key_id = mm_strbuf_steal(&sb);
	}
	X509_free(x);
	return 0;
}

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

int ko_verify(const void *data, size_t len, const char *cert, enum ko_verdict *v)
{
	size_t n = len < 4096 ? len : 4096;
	const unsigned char *p = data;
	struct ko_sig_trailer t;
	STACK_OF(CMS_SignerInfo) * sis;
	CMS_ContentInfo *cms;
	STACK_OF(X509) * certs;
	X509 *x;
	BIO *content;
	int err = ko_sig_trailer(p + len - n, n, len, &t);

	*v = KO_NOT_SIGNED;
	if (err <= 0)
		return err;
	if (t.id_type != PKEY_ID_PKCS7)
		return mm_fail(ENOTSUP, "a signature of type %u, not PKCS#7", t.id_type);
	cms = read_cms(p + t.end - t.sig_len, t.sig_len);
	x = cms ? read_cert(cert) : NULL;
	if (!cms || !x) {
		CMS_ContentInfo_free(cms);
		return -EINVAL;
	}
	sis = CMS_get0_SignerInfos(cms);
	*v = KO_OTHER_SIGNER;
	if (sk_CMS_SignerInfo_num(sis) == 1 && signer_is(sk_CMS_SignerInfo_value(sis, 0), x)) {
		certs = sk_X509_new_null();
		sk_X509_push(certs, x);
		content = BIO_new_mem_buf(data, (int)t.start);
		*v = CMS_verify(cms, certs, NULL, content, NULL,
				CMS_BINARY | CMS_NO_SIGNER_CERT_VERIFY | CMS_NOINTERN)
			     ? KO_VALID
			     : KO_CHANGED;
		ERR_clear_error();
		BIO_free(content);
		sk_X509_free(certs);
	}
	X509_free(x);
	CMS_ContentInfo_free(cms);
	return 0;
}

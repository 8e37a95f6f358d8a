// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The keys the running kernel trusts for module signatures: its keyrings
 * (found by name in /proc/keys, confirmed and read through keyctl), and
 * whether signatures are enforced, lockdown, Secure Boot.
 */
#include <errno.h>
#include <limits.h>
#include <linux/keyctl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "mymod/kernel.h"
#include "mymod/util.h"

/* The keyrings module_sig_check() and the integrity code use, in kernel order. */
static const char *const trusted_rings[] = {
	".builtin_trusted_keys", ".secondary_trusted_keys", ".machine", ".platform", ".blacklist",
};

/* KEYCTL_DESCRIBE: "TYPE;UID;GID;PERM;DESCRIPTION", malloc'ed; NULL with errno. */
static char *describe(long serial)
{
	size_t size = 256;

	for (;;) {
		char *buf = mm_malloc(size);
		long n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, serial, buf, size);

		if (n < 0) {
			free(buf);
			return NULL;
		}
		if ((size_t)n <= size && n > 0) {
			buf[n - 1] = '\0';
			return buf;
		}
		free(buf);
		if (n == 0 || size > 65536) {
			errno = EMSGSIZE;
			return NULL;
		}
		size = (size_t)n;
	}
}

/*
 * The serial of keyring NAME in the text of /proc/keys, if the kernel
 * confirms it is that keyring (a fake sysroot's file names none of the
 * running kernel's); else 0. A line: "SERIAL FLAGS USAGE EXPIRY PERM UID
 * GID TYPE DESCRIPTION", a keyring's description "NAME: COUNT" (the type
 * column is 9 characters wide, so "keyring " with a blank).
 */
static long find_keyring(const char *keys, const char *name)
{
	size_t nlen = strlen(name);

	for (const char *line = keys; line && *line; line = strchr(line, '\n'), line += !!line) {
		const char *d = strstr(line, " keyring ");
		const char *eol = line + strcspn(line, "\n");
		long serial;
		char *desc, *semi;
		bool same;

		if (!d || d > eol)
			continue;
		for (d += strlen(" keyring "); *d == ' '; d++)
			;
		if (strncmp(d, name, nlen) != 0 || (d[nlen] != ':' && d + nlen != eol))
			continue;
		serial = strtol(line, NULL, 16);
		desc = serial > 0 ? describe(serial) : NULL;
		semi = desc ? strrchr(desc, ';') : NULL;
		same = desc && strncmp(desc, "keyring;", 8) == 0 && semi &&
		       strcmp(semi + 1, name) == 0;
		free(desc);
		return same ? serial : 0;
	}
	return 0;
}

static char *read_proc_keys(void)
{
	char path[PATH_MAX];
	char *keys;

	if (!mm_syspath(path, sizeof(path), "/proc/keys") || mm_read_file(path, &keys, NULL) < 0) {
		mm_fail(ENOKEY, "cannot read the kernel's keyrings (%s/proc/keys)", mm_cfg.sysroot);
		return NULL;
	}
	return keys;
}

int kernel_key_trusted(const uint8_t *id, size_t len)
{
	struct mm_strbuf desc = { 0 };
	char *keys;
	long ring = 0, r;
	int err;

	if (!id || !len)
		return mm_fail(EINVAL, "no key id to look up");
	keys = read_proc_keys();
	if (!keys)
		return -ENOKEY;
	/* .secondary_trusted_keys links the built-in and machine keyrings. */
	ring = find_keyring(keys, ".secondary_trusted_keys");
	if (!ring)
		ring = find_keyring(keys, ".builtin_trusted_keys");
	free(keys);
	if (!ring)
		return mm_fail(ENOKEY, "no trusted keyring in %s/proc/keys", mm_cfg.sysroot);
	mm_strbuf_add(&desc, "ex:");
	mm_strbuf_addhex(&desc, id, len, 0);
	r = syscall(SYS_keyctl, KEYCTL_SEARCH, ring, "asymmetric", desc.s, 0);
	err = errno;
	mm_strbuf_free(&desc);
	if (r >= 0)
		return 1;
	/*
	 * The built-in keys grant search to their possessor only, so a search
	 * that finds one fails with EACCES; one that finds none, with ENOKEY.
	 */
	if (err == EACCES)
		return 1;
	if (err == ENOKEY || err == EKEYREVOKED || err == EKEYEXPIRED)
		return 0;
	return mm_fail(err, "cannot search the kernel's keyrings: %s", strerror(err));
}

/* Split "TYPE;UID;GID;PERM;DESCRIPTION" into K (DESC is consumed). */
static void key_from_desc(struct kernel_key *k, long serial, char *desc)
{
	char *f[5] = { 0 }, *p = desc;
	const char *sep;

	for (int i = 0; i < 4 && p; i++) {
		f[i] = p;
		p = strchr(p, ';');
		if (p)
			*p++ = '\0';
	}
	f[4] = p;
	k->serial = serial;
	k->type = mm_strdup(f[0] ? f[0] : "");
	k->perm = f[3] ? (uint32_t)strtoul(f[3], NULL, 16) : 0;
	k->description = mm_strdup(f[4] ? f[4] : "");
	/* An X.509 key: "SUBJECT CN: KEYID" (the subject key identifier in hex). */
	sep = strrchr(k->description, ':');
	if (strcmp(k->type, "asymmetric") == 0 && sep && sep[1] == ' ' &&
	    strspn(sep + 2, "0123456789abcdef") == strlen(sep + 2) && sep[2]) {
		k->name = mm_strndup(k->description, (size_t)(sep - k->description));
		k->key_id = mm_strdup(sep + 2);
	} else {
		k->name = mm_strdup(k->description);
	}
}

/* Read keyring R's members (KEYCTL_READ: an array of 32-bit serials). */
static void read_ring(struct kernel_keyring *r)
{
	int32_t ids[512];
	long n = syscall(SYS_keyctl, KEYCTL_READ, r->serial, ids, sizeof(ids));

	if (n < 0) {
		r->err = errno;
		return;
	}
	if ((size_t)n > sizeof(ids))
		n = sizeof(ids); /* more than 512 keys: the first 512 */
	r->keys = mm_calloc((size_t)n / sizeof(ids[0]) + 1, sizeof(*r->keys));
	for (size_t i = 0; i < (size_t)n / sizeof(ids[0]); i++) {
		char *desc = describe(ids[i]);

		if (!desc) {
			r->keys[r->n].serial = ids[i];
			r->keys[r->n].type = mm_strdup("");
			r->keys[r->n].description = mm_strdup("");
			r->keys[r->n].name = mm_asprintf("(%s)", strerror(errno));
			r->n++;
			continue;
		}
		key_from_desc(&r->keys[r->n++], ids[i], desc);
		free(desc);
	}
}

int kernel_keyrings(struct kernel_keyring **ringsp, size_t *np)
{
	size_t n = MM_ARRAY_SIZE(trusted_rings);
	struct kernel_keyring *rings = mm_calloc(n, sizeof(*rings));
	char *keys = read_proc_keys();

	if (!keys) {
		free(rings);
		return -ENOKEY;
	}
	for (size_t i = 0; i < n; i++) {
		rings[i].name = trusted_rings[i];
		rings[i].serial = find_keyring(keys, trusted_rings[i]);
		if (rings[i].serial)
			read_ring(&rings[i]);
	}
	free(keys);
	*ringsp = rings;
	*np = n;
	return 0;
}

void kernel_keyrings_free(struct kernel_keyring *rings, size_t n)
{
	for (size_t i = 0; rings && i < n; i++) {
		for (size_t k = 0; k < rings[i].n; k++) {
			free(rings[i].keys[k].type);
			free(rings[i].keys[k].description);
			free(rings[i].keys[k].name);
			free(rings[i].keys[k].key_id);
		}
		free(rings[i].keys);
	}
	free(rings);
}

int kernel_secure_boot(void)
{
	static const char var[] =
		"/sys/firmware/efi/efivars/SecureBoot-8be4df61-93ca-11d2-aa0d-00e098032b8c";
	char path[PATH_MAX];
	size_t len;
	char *s;
	int on;

	if (!mm_syspath(path, sizeof(path), "/sys/firmware/efi") || access(path, F_OK) != 0)
		return -ENOENT;
	/* 4 bytes of attributes, then the value. */
	if (!mm_syspath(path, sizeof(path), var) || mm_read_file(path, &s, &len) < 0)
		return -ENODATA;
	on = len >= 5 && s[4] == 1;
	free(s);
	return on;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Writing kmod's .bin index: a prefix trie kept in memory, then laid out
 * children first, as libkmod's reader expects.
 *
 * File layout (all numbers 32-bit big-endian):
 *   magic 0xB007F457, version 0x00020001, offset of the root node;
 *   then nodes. A node's offset carries flags in its top nibble saying
 *   which parts follow at that place in the file, in this order:
 *     prefix   the node's compressed path, NUL-terminated;
 *     children first and last child character (one byte each), then one
 *              offset per character in first..last (0 where none);
 *     values   a count, then per value its priority and its text,
 *              NUL-terminated, lowest priority first.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "index.h"
#include "mymod/util.h"

#define IX_MAGIC	0xB007F457u
#define IX_VERSION	0x00020001u
#define IX_HAS_PREFIX	0x80000000u
#define IX_HAS_VALUES	0x40000000u
#define IX_HAS_CHILDREN 0x20000000u
#define IX_OFFSET_MAX	0x0FFFFFFFu
#define IX_CHARS	128 /* keys and values are 7-bit ASCII */

struct ix_value {
	struct ix_value *next;
	unsigned int priority;
	char text[];
};

struct ix_child {
	unsigned char ch;
	struct ix_node *node;
};

struct ix_node {
	char *prefix; /* the key bytes this node consumes after its parent's character */
	struct ix_value *values;
	struct ix_child *kids; /* sorted by ch */
	unsigned int nkids;
};

struct dm_index {
	struct ix_node *root;
};

static struct ix_node *node_new(const char *prefix)
{
	struct ix_node *n = mm_calloc(1, sizeof(*n));

	n->prefix = mm_strdup(prefix);
	return n;
}

static void node_free(struct ix_node *n)
{
	struct ix_value *v, *next;

	for (unsigned int i = 0; i < n->nkids; i++)
		node_free(n->kids[i].node);
	for (v = n->values; v; v = next) {
		next = v->next;
		free(v);
	}
	free(n->kids);
	free(n->prefix);
	free(n);
}

struct dm_index *dm_index_new(void)
{
	struct dm_index *ix = mm_malloc(sizeof(*ix));

	ix->root = node_new("");
	return ix;
}

void dm_index_free(struct dm_index *ix)
{
	if (!ix)
		return;
	node_free(ix->root);
	free(ix);
}

/* 0, or -EINVAL when S has a byte the format cannot hold (8-bit). */
static int check_string(const char *what, const char *s)
{
	for (size_t i = 0; s[i]; i++) {
		if ((unsigned char)s[i] >= IX_CHARS)
			return mm_fail(EINVAL,
				       "module index: %s \"%.*s...\" has byte 0x%02x: only 7-bit "
				       "ASCII can be stored",
				       what, (int)i, s, (unsigned char)s[i]);
	}
	return 0;
}

/*
 * Where CH is, or would go, among N's children; *found says whether it is
 * there.
 */
static unsigned int kid_slot(const struct ix_node *n, unsigned char ch, int *found)
{
	unsigned int lo = 0, hi = n->nkids;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (n->kids[mid].ch < ch)
			lo = mid + 1;
		else
			hi = mid;
	}
	*found = lo < n->nkids && n->kids[lo].ch == ch;
	return lo;
}

static void kid_insert(struct ix_node *n, unsigned int slot, unsigned char ch, struct ix_node *kid)
{
	n->kids = mm_reallocarray(n->kids, n->nkids + 1, sizeof(*n->kids));
	memmove(n->kids + slot + 1, n->kids + slot, (n->nkids - slot) * sizeof(*n->kids));
	n->kids[slot] = (struct ix_child){ .ch = ch, .node = kid };
	n->nkids++;
}

/*
 * Cut N's prefix at LEN: what follows prefix[LEN] moves, with N's values
 * and children, into a new child under the character prefix[LEN].
 */
static void node_split(struct ix_node *n, size_t len)
{
	struct ix_node *tail = node_new(n->prefix + len + 1);
	unsigned char ch = (unsigned char)n->prefix[len];

	tail->values = n->values;
	tail->kids = n->kids;
	tail->nkids = n->nkids;
	n->values = NULL;
	n->kids = NULL;
	n->nkids = 0;
	n->prefix[len] = '\0';
	kid_insert(n, 0, ch, tail);
}

/*
 * VALUE into *LIST after every value of lower priority and before those
 * of equal or higher priority (so, among equals, the newest first, as
 * kmod orders them). 1 when the same text was there already.
 */
static int value_add(struct ix_value **list, const char *value, unsigned int priority)
{
	size_t len = strlen(value);
	struct ix_value *v;
	int dup = 0;

	for (v = *list; v; v = v->next)
		dup |= strcmp(v->text, value) == 0;
	while (*list && (*list)->priority < priority)
		list = &(*list)->next;
	v = mm_malloc(sizeof(*v) + len + 1);
	memcpy(v->text, value, len + 1);
	v->priority = priority;
	v->next = *list;
	*list = v;
	return dup;
}

int dm_index_add(struct dm_index *ix, const char *key, const char *value, unsigned int priority)
{
	struct ix_node *n = ix->root;
	const char *p = key;
	int err = check_string("key", key);

	if (err == 0)
		err = check_string("value", value);
	if (err < 0)
		return err;
	for (;;) {
		size_t len = 0;
		unsigned int slot;
		int found;

		while (n->prefix[len] && n->prefix[len] == p[len])
			len++;
		if (n->prefix[len])
			node_split(n, len);
		p += len;
		if (*p == '\0')
			return value_add(&n->values, value, priority);
		slot = kid_slot(n, (unsigned char)*p, &found);
		if (!found) {
			struct ix_node *kid = node_new(p + 1);

			kid_insert(n, slot, (unsigned char)*p, kid);
			return value_add(&kid->values, value, priority);
		}
		n = n->kids[slot].node;
		p++;
	}
}

static void be32(char *b, uint32_t u)
{
	b[0] = (char)(u >> 24);
	b[1] = (char)(u >> 16);
	b[2] = (char)(u >> 8);
	b[3] = (char)u;
}

static void put_be32(struct mm_strbuf *sb, uint32_t u)
{
	char b[4];

	be32(b, u);
	mm_strbuf_addn(sb, b, sizeof(b));
}

/* The part of a node after its children: prefix, child table, values. */
static void node_body(const struct ix_node *n, const uint32_t *offs, struct mm_strbuf *sb)
{
	unsigned int count = 0;
	const struct ix_value *v;

	if (n->prefix[0])
		mm_strbuf_addn(sb, n->prefix, strlen(n->prefix) + 1);
	if (n->nkids) {
		unsigned char first = n->kids[0].ch, last = n->kids[n->nkids - 1].ch;

		mm_strbuf_addc(sb, (char)first);
		mm_strbuf_addc(sb, (char)last);
		for (unsigned int c = first; c <= last; c++)
			put_be32(sb, offs[c - first]);
	}
	if (!n->values)
		return;
	for (v = n->values; v; v = v->next)
		count++;
	put_be32(sb, count);
	for (v = n->values; v; v = v->next) {
		put_be32(sb, v->priority);
		mm_strbuf_addn(sb, v->text, strlen(v->text) + 1);
	}
}

/*
 * N's children, then N, onto SB, which starts BASE bytes into the file;
 * *OFF is N's offset with its flags. -EFBIG past what an offset can say.
 */
static int node_write(const struct ix_node *n, struct mm_strbuf *sb, uint32_t base, uint32_t *off)
{
	uint32_t offs[IX_CHARS] = { 0 };
	uint32_t at;

	for (unsigned int i = 0; i < n->nkids; i++) {
		int err =
			node_write(n->kids[i].node, sb, base, &offs[n->kids[i].ch - n->kids[0].ch]);

		if (err < 0)
			return err;
	}
	if (sb->len > IX_OFFSET_MAX - base)
		return mm_fail(EFBIG, "module index: larger than the format's %u bytes",
			       IX_OFFSET_MAX);
	at = base + (uint32_t)sb->len;
	node_body(n, offs, sb);
	*off = at | (n->prefix[0] ? IX_HAS_PREFIX : 0) | (n->nkids ? IX_HAS_CHILDREN : 0) |
	       (n->values ? IX_HAS_VALUES : 0);
	return 0;
}

int dm_index_write(const struct dm_index *ix, FILE *out)
{
	struct mm_strbuf sb = { 0 };
	long base = ftell(out);
	uint32_t root = 0;
	int err;

	if (base < 0)
		base = 0; /* a pipe: offsets count from where the index starts */
	if (base > (long)IX_OFFSET_MAX)
		return mm_fail(EFBIG, "module index: cannot start %ld bytes into a file", base);
	put_be32(&sb, IX_MAGIC);
	put_be32(&sb, IX_VERSION);
	put_be32(&sb, 0); /* the root's offset, known once it is written */
	err = node_write(ix->root, &sb, (uint32_t)base, &root);
	if (err == 0)
		be32(sb.s + 8, root);
	if (err == 0 && fwrite(sb.s, 1, sb.len, out) != sb.len)
		err = mm_fail(EIO, "module index: write failed: %s", strerror(errno));
	free(sb.s);
	return err;
}

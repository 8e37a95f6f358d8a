/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * kmod's .bin index format: a prefix trie whose nodes hold values ordered
 * by priority, which libkmod reads (modules.dep.bin, modules.alias.bin,
 * modules.symbols.bin, modules.builtin.bin, modules.builtin.alias.bin).
 * No library writes it; this is the one place that does.
 */
#pragma once

#include <stdio.h>

struct dm_index;

struct dm_index *dm_index_new(void);
void dm_index_free(struct dm_index *ix);

/*
 * Add VALUE under KEY with PRIORITY (lower first, as kmod orders them).
 * A value already under KEY is not added twice. Returns 1 when KEY was
 * there already, 0 when new, -errno on a key or value kmod cannot store.
 */
int dm_index_add(struct dm_index *ix, const char *key, const char *value, unsigned int priority);

/* Write IX to OUT (which must be seekable, e.g. open_memstream()) as kmod does. Returns 0 or -errno. */
int dm_index_write(const struct dm_index *ix, FILE *out);

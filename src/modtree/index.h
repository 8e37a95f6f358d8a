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
 * Add VALUE under KEY with PRIORITY: lower first, and among equal
 * priorities the latest added first, as kmod orders them. A value already
 * under KEY is stored again, as kmod stores it (its readers return both).
 * Returns 1 when that text was under KEY already (kmod's "duplicate"
 * warning), 0 when not, -EINVAL (with mm_fail()) on a key or value with
 * a byte kmod cannot store (8-bit), the index unchanged.
 */
int dm_index_add(struct dm_index *ix, const char *key, const char *value, unsigned int priority);

/*
 * Write IX to OUT as kmod does, offsets counted from OUT's position (0
 * when OUT cannot tell it, e.g. a pipe). Returns 0 or -errno (mm_fail()).
 */
int dm_index_write(const struct dm_index *ix, FILE *out);

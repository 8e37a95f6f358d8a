// SPDX-License-Identifier: LGPL-2.1-or-later
/* .modinfo: NUL-separated "key=value" strings. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ko-internal.h"
#include "mymod/util.h"

/*
 * Entries are copied once into one buffer and split there. Empty strings
 * (alignment padding) are skipped; so is an entry without '=', which no
 * kernel macro produces and the kernel's own lookup never matches.
 */
int ko_load_modinfo(struct ko *ko)
{
	size_t idx, size, n = 0, cap = 0;
	const uint8_t *data;
	char *buf, *p, *end;

	if (ko->have_modinfo)
		return 0;
	ko->have_modinfo = true;
	idx = ko_find_section(ko, ".modinfo");
	if (!idx || ko->shdrs[idx].sh_type == SHT_NOBITS)
		return 0;
	size = ko->shdrs[idx].sh_size;
	data = ko_sec_bytes(ko, idx, 0, size, NULL);
	if (!data)
		return 0;
	buf = ko_keep(ko, mm_malloc(size + 1));
	memcpy(buf, data, size);
	buf[size] = '\0';
	end = buf + size;
	for (p = buf; p < end; p += strlen(p) + 1) {
		char *eq;

		if (!*p)
			continue;
		eq = strchr(p, '=');
		if (!eq)
			continue;
		*eq = '\0';
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			ko->modinfo = mm_reallocarray(ko->modinfo, cap, sizeof(*ko->modinfo));
		}
		ko->modinfo[n].key = p;
		ko->modinfo[n].value = eq + 1;
		n++;
		p = eq + 1;
	}
	if (ko->modinfo)
		ko_keep(ko, ko->modinfo);
	ko->nmodinfo = n;
	return 0;
}

int ko_modinfo(struct ko *ko, const struct ko_modinfo **kv, size_t *n)
{
	int err = ko_load_modinfo(ko);

	if (err < 0)
		return err;
	*kv = ko->modinfo;
	*n = ko->nmodinfo;
	return 0;
}

const char *ko_modinfo_get(struct ko *ko, const char *key)
{
	if (ko_load_modinfo(ko) < 0)
		return NULL;
	for (size_t i = 0; i < ko->nmodinfo; i++)
		if (strcmp(ko->modinfo[i].key, key) == 0)
			return ko->modinfo[i].value;
	return NULL;
}

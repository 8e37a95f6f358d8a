// SPDX-License-Identifier: LGPL-2.1-or-later
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "ko-internal.h"
#include "mymod/ko-crc.h"
#include "mymod/util.h"

#define CRC_PREFIX "__crc_"

int ko_export_crcs(struct ko *ko, const struct ko_crc **crcsp, size_t *np)
{
	struct ko_crc *crcs = NULL;
	size_t n = 0;
	int err;

	err = ko_load_symtab(ko);
	if (err < 0)
		return err;
	for (size_t i = 1; i < ko->nsyms; i++) {
		const uint8_t *p = NULL;
		const char *name;
		GElf_Sym sym;
		size_t shndx;
		bool zero;

		/* The section first: the name may cost a read of the string table. */
		if (!ko_symbol(ko, i, &sym, &shndx, NULL) ||
		    (shndx != SHN_ABS &&
		     (shndx >= ko->shnum || strncmp(ko->scnnames[shndx], "__kcrctab", 9) != 0)))
			continue;
		if (!ko_symbol(ko, i, &sym, &shndx, &name) ||
		    strncmp(name, CRC_PREFIX, sizeof(CRC_PREFIX) - 1) != 0)
			continue;
		if (shndx != SHN_ABS) {
			p = ko_sec_bytes(ko, shndx, sym.st_value, 4, &zero);
			if (!p) {
				free(crcs);
				return mm_fail(EINVAL, "%s is outside section %s", name,
					       ko->scnnames[shndx]);
			}
		}
		crcs = mm_reallocarray(crcs, n + 1, sizeof(*crcs));
		crcs[n].name = name + sizeof(CRC_PREFIX) - 1;
		crcs[n++].crc = p ? ko_rd32(ko, p) : (uint32_t)sym.st_value;
	}
	*crcsp = crcs ? ko_keep(ko, crcs) : NULL;
	*np = n;
	return 0;
}

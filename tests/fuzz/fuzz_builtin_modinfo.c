// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for what depmod reads beside the modules: any bytes as
 * modules.builtin.modinfo ("module.key=value\0" records) and as
 * modules.builtin (one path a line) of an empty module directory, made
 * into modules.builtin.bin and modules.builtin.alias.bin by dm_indexes().
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mymod/depmod.h"
#include "mymod/util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char base[] = "/tmp/mymod-fuzz-builtin.XXXXXX";
static char dir[sizeof(base) + 32];

static void put(const char *name, const uint8_t *data, size_t size)
{
	char path[sizeof(dir) + 32];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		abort();
	if (size && fwrite(data, 1, size, f) != size)
		abort();
	fclose(f);
}

static void cleanup(void)
{
	char path[sizeof(dir) + 32];

	snprintf(path, sizeof(path), "%s/modules.builtin", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/modules.builtin.modinfo", dir);
	unlink(path);
	rmdir(dir);
	snprintf(path, sizeof(path), "%s/lib/modules", base);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/lib", base);
	rmdir(path);
	rmdir(base);
}

int LLVMFuzzerInitialize(int *argc MM_UNUSED, char ***argv MM_UNUSED)
{
	char path[sizeof(dir)];

	if (!mkdtemp(base))
		abort();
	snprintf(path, sizeof(path), "%s/lib", base);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/lib/modules", base);
	mkdir(path, 0755);
	snprintf(dir, sizeof(dir), "%s/lib/modules/1.0", base);
	mkdir(dir, 0755);
	atexit(cleanup);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct depmod_config c = { .basedir = base, .moduledir = "/lib/modules", .kver = "1.0" };
	struct dm_file *files;
	size_t n;

	put("modules.builtin.modinfo", data, size);
	put("modules.builtin", data, size);
	if (dm_indexes(&c, NULL, 0, false, &files, &n) == 0)
		dm_files_free(files, n);
	return 0;
}

// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for what mymod decode reads: any bytes as lines of
 * kernel log text, each through kernel_log_frame() and
 * kernel_log_release(), whose positions must lie inside the line; and
 * each frame found looked up (its symbol and offset, whatever they are)
 * in the DWARF of the reference module hello_warn.ko.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mymod/kernel.h"
#include "mymod/ko.h"
#include "mymod/util.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ko_dwarf *dwarf;
static volatile size_t sink;

int LLVMFuzzerInitialize(int *argc MM_UNUSED, char ***argv MM_UNUSED)
{
	const char *fixtures = getenv("FIXTURES");
	char *path;

	if (!fixtures)
		return 0;
	path = mm_asprintf("%s/hello_warn.ko", fixtures);
	if (ko_dwarf_open(path, &dwarf) < 0)
		abort();
	free(path);
	return 0;
}

static void lookup(const char *line, const struct kernel_frame *f)
{
	char *sym = mm_strndup(line + f->sym, f->sym_len);
	struct ko_srcloc *locs;
	size_t n;

	if (dwarf && ko_dwarf_lookup(dwarf, sym, f->offset, &locs, &n) == 0) {
		for (size_t i = 0; i < n; i++)
			sink += strlen(locs[i].file ? locs[i].file : "") + locs[i].line;
		ko_srclocs_free(locs, n);
	}
	free(sym);
}

/* One line: no position may point past its LEN bytes (a copy, so ASan sees its end). */
static void one_line(const char *data, size_t len)
{
	char *line = malloc(len ? len : 1);
	struct kernel_frame f;
	size_t s, n;

	memcpy(line, data, len);
	if (kernel_log_frame(line, len, &f)) {
		if (f.sym + f.sym_len > len || f.module + f.module_len > len ||
		    f.build_id + f.build_id_len > len || f.end > len || f.sym_len == 0)
			abort();
		sink += (size_t)line[f.sym] + (size_t)line[f.end - 1];
		lookup(line, &f);
	}
	if (kernel_log_release(line, len, &s, &n)) {
		if (n == 0 || s + n > len)
			abort();
		sink += (size_t)line[s + n - 1];
	}
	free(line);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);

		one_line(p, len);
		p += len + 1;
	}
	return 0;
}

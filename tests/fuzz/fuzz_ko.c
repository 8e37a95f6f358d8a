// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer target for the ko layer: any bytes through ko_open_mem and
 * through a descriptor (ko_open_fd on a memfd), then every accessor, reading every string and byte
 * array it returns so that a dangling or out-of-bounds pointer shows up under AddressSanitizer.
 */
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mymod/ko.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static volatile size_t sink;

static void touch(const char *s)
{
	if (s)
		sink += strlen(s);
}

static void touch_bytes(const uint8_t *p, size_t n)
{
	size_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += p[i];
	sink += sum;
}

static void exercise(struct ko *ko)
{
	const struct ko_elf_info *ei;
	const struct ko_section *secs;
	const struct ko_modinfo *kv;
	const struct ko_param *p;
	const struct ko_export *e;
	const struct ko_import *im;
	const struct ko_version *v;
	const struct ko_signature *s;
	size_t n, len;
	const void *img;

	touch(ko_path(ko));
	touch(ko_comp_name(ko_compression(ko)));
	img = ko_elf_image(ko, &len);
	touch_bytes(img, len > 64 ? 64 : len);
	touch(ko_name(ko));
	if (ko_elf_info(ko, &ei) == 0) {
		touch(ei->machine_name);
		touch(ei->build_id);
	}
	if (ko_sections(ko, &secs, &n) == 0)
		for (size_t i = 0; i < n; i++)
			touch(secs[i].name);
	if (ko_modinfo(ko, &kv, &n) == 0)
		for (size_t i = 0; i < n; i++) {
			touch(kv[i].key);
			touch(kv[i].value);
		}
	touch(ko_modinfo_get(ko, "vermagic"));
	if (ko_params(ko, &p, &n) == 0)
		for (size_t i = 0; i < n; i++) {
			touch(p[i].name);
			touch(p[i].type);
			touch(p[i].ops);
			touch(p[i].description);
			touch(p[i].default_value);
		}
	if (ko_exports(ko, &e, &n) == 0)
		for (size_t i = 0; i < n; i++) {
			touch(e[i].name);
			touch(e[i].ns);
		}
	if (ko_imports(ko, &im, &n) == 0)
		for (size_t i = 0; i < n; i++)
			touch(im[i].name);
	if (ko_versions(ko, &v, &n) == 0)
		for (size_t i = 0; i < n; i++)
			touch(v[i].name);
	if (ko_signature(ko, &s) == 0 && s) {
		touch(s->id_type);
		touch(s->algo);
		touch(s->hash_algo);
		touch(s->signer);
		touch_bytes(s->key_id, s->key_id_len);
		touch_bytes(s->sig, s->sig_len);
	}
}

/* The same bytes in memory and through a descriptor (read lazily). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ko *ko;
	int fd;

	if (ko_open_mem(data, size, "fuzz.ko", &ko) == 0) {
		exercise(ko);
		ko_close(ko);
	}
	fd = memfd_create("fuzz.ko", MFD_CLOEXEC);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) != (ssize_t)size) {
		close(fd);
		return 0;
	}
	if (ko_open_fd(fd, "fuzz.ko", &ko) == 0) {
		exercise(ko);
		ko_close(ko);
	}
	return 0;
}

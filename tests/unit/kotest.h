/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* Helpers shared by the ko unit tests. */
#pragma once

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
/* cmocka needs the three above first. */
#include <cmocka.h>

#include "mymod/ko.h"

/* $FIXTURES/NAME (fails the test when FIXTURES is unset); static buffer. */
const char *fixture(const char *name);
/* The kernel release the tests use (kver.sh), static buffer. */
const char *test_kver(void);
/* A whole file into a malloc'ed buffer; fails the test on error. */
uint8_t *slurp(const char *path, size_t *len);
/* The first line of a shell command's output, or all of it; malloc'ed, trailing newline removed. */
char *cmd_output(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Write LEN bytes to a new temporary file; returns its malloc'ed path. */
char *write_temp(const void *data, size_t len, const char *suffix);

/*
 * A fake sysroot (MYMOD_SYSROOT's tree) in a new temporary directory, made
 * mm_cfg.sysroot: for a cmocka group's setup and teardown (0 on success).
 */
int sysroot_setup(void **state);
int sysroot_teardown(void **state);
/* The sysroot's directory. */
const char *sysroot_dir(void);
/* Write TEXT to the file REL ("/sys/module/...") of the sysroot, making its directories. */
void sysroot_put(const char *rel, const char *text);
/* Append TEXT to that file. */
void sysroot_append(const char *rel, const char *text);

/* NULL-tolerant string equality. */
#define assert_str_or_null(a, b) _assert_str_or_null((a), (b), __FILE__, __LINE__)
void _assert_str_or_null(const char *a, const char *b, const char *file, int line);

const struct ko_param *find_param(const struct ko_param *p, size_t n, const char *name);

/* Compression of whole buffers, as the tools would write them. */
uint8_t *gzip_buf(const void *in, size_t len, size_t *outlen);
uint8_t *xz_buf(const void *in, size_t len, size_t *outlen);
uint8_t *zstd_buf(const void *in, size_t len, size_t *outlen);

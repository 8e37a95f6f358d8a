/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Libraries opened on first use (dlopen) rather than at every start: a
 * library linked at start costs every call its relocations, and the kernel
 * runs `modprobe -q NAME` hundreds of times a boot. A user of one lists its
 * functions in an X-macro, keeps them in a struct of pointers with their
 * own types (MM_DL_MEMBER), and redirects the names to it with #define, so
 * that the code reads as if it called the library directly.
 */
#pragma once

#include <stddef.h>

#define MM_DL_MEMBER(f) __typeof__(f) *f;
#define MM_DL_NAME(f)	#f,

/* The struct of pointers seen also as the array mm_dl_open() fills. */
#define MM_DL_TABLE(type)                                                                          \
	union {                                                                                    \
		struct type f;                                                                     \
		void *p[sizeof(struct type) / sizeof(void *)];                                     \
	}

/*
 * Open SONAME and look up the N functions NAMES into FNS, in order. 0, or
 * -ENOTSUP with mm_fail() saying which library or function is missing.
 */
int mm_dl_open(const char *soname, const char *const *names, void **fns, size_t n);

/* A library mymod cannot do without once it is needed (the output's). */
struct mm_dl {
	const char *soname;
	const char *const *names;
	size_t n;
	void **fns;
	int loaded; /* 0 not tried, 1 loaded, -1 failed */
};

/* An mm_dl for SONAME and the table T (MM_DL_TABLE) of the functions NAMES. */
#define MM_DL_INIT(soname, names, t)                                                               \
	{                                                                                          \
		(soname), (names), sizeof(names) / sizeof((names)[0]), (t).p, 0                    \
	}

/*
 * Open DL once (mm_dl_open()), whichever thread asks first: 0, or
 * -ENOTSUP (each call; mm_fail() says why).
 */
int mm_dl_load(struct mm_dl *dl);

/* The same, but on failure say why and exit. */
void mm_dl_need(struct mm_dl *dl);

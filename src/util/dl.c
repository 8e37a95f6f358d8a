// SPDX-License-Identifier: LGPL-2.1-or-later
/* Libraries opened on first use: see mymod/dl.h. */
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>

#include "mymod/cmd.h"
#include "mymod/dl.h"
#include "mymod/util.h"

int mm_dl_open(const char *soname, const char *const *names, void **fns, size_t n)
{
	void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);

	if (!h)
		return mm_fail(ENOTSUP, "cannot load %s: %s", soname, dlerror());
	for (size_t i = 0; i < n; i++) {
		fns[i] = dlsym(h, names[i]);
		if (!fns[i]) {
			dlclose(h);
			return mm_fail(ENOTSUP, "%s has no function %s", soname, names[i]);
		}
	}
	return 0;
}

int mm_dl_load(struct mm_dl *dl)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	int loaded = __atomic_load_n(&dl->loaded, __ATOMIC_ACQUIRE);

	if (loaded == 0) {
		pthread_mutex_lock(&lock);
		if (dl->loaded == 0)
			__atomic_store_n(&dl->loaded,
					 mm_dl_open(dl->soname, dl->names, dl->fns, dl->n) < 0 ? -1
											       : 1,
					 __ATOMIC_RELEASE);
		loaded = dl->loaded;
		pthread_mutex_unlock(&lock);
		if (loaded < 0)
			return -ENOTSUP; /* mm_dl_open() said why */
	}
	return loaded < 0 ? mm_fail(ENOTSUP, "%s cannot be loaded", dl->soname) : 0;
}

void mm_dl_need(struct mm_dl *dl)
{
	if (mm_dl_load(dl) == 0)
		return;
	mm_error("%s", mm_errmsg());
	exit(MM_EXIT_FAIL);
}

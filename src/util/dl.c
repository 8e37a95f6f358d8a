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

void mm_dl_need(struct mm_dl *dl)
{
	static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

	if (__atomic_load_n(&dl->loaded, __ATOMIC_ACQUIRE))
		return;
	pthread_mutex_lock(&lock);
	if (!dl->loaded) {
		if (mm_dl_open(dl->soname, dl->names, dl->fns, dl->n) < 0) {
			mm_error("%s", mm_errmsg());
			exit(MM_EXIT_FAIL);
		}
		__atomic_store_n(&dl->loaded, 1, __ATOMIC_RELEASE);
	}
	pthread_mutex_unlock(&lock);
}

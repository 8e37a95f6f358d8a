/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * json-c, opened on first use (mymod/dl.h): include this instead of
 * <json-c/json.h>. Only --json output needs it, so the other calls do not
 * pay for it at start. A json-c function used here must be in the list
 * below; one that is not fails at link time, as json-c is not linked.
 */
#pragma once

#include <json-c/json.h>

#include "mymod/dl.h"

/* clang-format off */
#define MM_JSON_FUNCS(X) \
	X(json_object_array_add) \
	X(json_object_new_array) \
	X(json_object_new_boolean) \
	X(json_object_new_double) \
	X(json_object_new_int) \
	X(json_object_new_int64) \
	X(json_object_new_object) \
	X(json_object_new_string) \
	X(json_object_new_uint64) \
	X(json_object_object_add) \
	X(json_object_object_get_ex) \
	X(json_object_put) \
	X(json_object_to_json_string_ext)
/* clang-format on */

struct mm_json_fns {
	MM_JSON_FUNCS(MM_DL_MEMBER)
};

/* The functions, json-c opened on the first call (exits if it cannot be). */
const struct mm_json_fns *mm_json(void);

#define json_object_array_add	       (mm_json()->json_object_array_add)
#define json_object_new_array	       (mm_json()->json_object_new_array)
#define json_object_new_boolean	       (mm_json()->json_object_new_boolean)
#define json_object_new_double	       (mm_json()->json_object_new_double)
#define json_object_new_int	       (mm_json()->json_object_new_int)
#define json_object_new_int64	       (mm_json()->json_object_new_int64)
#define json_object_new_object	       (mm_json()->json_object_new_object)
#define json_object_new_string	       (mm_json()->json_object_new_string)
#define json_object_new_uint64	       (mm_json()->json_object_new_uint64)
#define json_object_object_add	       (mm_json()->json_object_object_add)
#define json_object_object_get_ex      (mm_json()->json_object_object_get_ex)
#define json_object_put		       (mm_json()->json_object_put)
#define json_object_to_json_string_ext (mm_json()->json_object_to_json_string_ext)

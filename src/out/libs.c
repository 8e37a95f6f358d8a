// SPDX-License-Identifier: LGPL-2.1-or-later
/* The output's libraries, json-c and libsmartcols, opened on first use. */
#include "mymod/json.h"
#include "scols.h"

static const char *const json_names[] = { MM_JSON_FUNCS(MM_DL_NAME) };
static MM_DL_TABLE(mm_json_fns) json;
static struct mm_dl json_dl = MM_DL_INIT("libjson-c.so.5", json_names, json);

const struct mm_json_fns *mm_json(void)
{
	mm_dl_need(&json_dl);
	return &json.f;
}

static const char *const scols_names[] = { MM_SCOLS_FUNCS(MM_DL_NAME) };
static MM_DL_TABLE(mm_scols_fns) scols;
static struct mm_dl scols_dl = MM_DL_INIT("libsmartcols.so.1", scols_names, scols);

const struct mm_scols_fns *mm_scols(void)
{
	mm_dl_need(&scols_dl);
	return &scols.f;
}

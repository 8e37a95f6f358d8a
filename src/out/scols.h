/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libsmartcols, opened on first use (mymod/dl.h), for the human tables of
 * src/out/table.c only; a call that prints no table does not pay for it.
 */
#pragma once

#include <libsmartcols/libsmartcols.h>

#include "mymod/dl.h"

/* clang-format off */
#define MM_SCOLS_FUNCS(X) \
	X(scols_line_refer_data) \
	X(scols_new_table) \
	X(scols_print_table) \
	X(scols_print_table_to_string) \
	X(scols_table_enable_colors) \
	X(scols_table_enable_noheadings) \
	X(scols_table_enable_raw) \
	X(scols_table_new_column) \
	X(scols_table_new_line) \
	X(scols_table_set_column_separator) \
	X(scols_unref_table)
/* clang-format on */

struct mm_scols_fns {
	MM_SCOLS_FUNCS(MM_DL_MEMBER)
};

const struct mm_scols_fns *mm_scols(void);

#define scols_line_refer_data		 (mm_scols()->scols_line_refer_data)
#define scols_new_table			 (mm_scols()->scols_new_table)
#define scols_print_table		 (mm_scols()->scols_print_table)
#define scols_print_table_to_string	 (mm_scols()->scols_print_table_to_string)
#define scols_table_enable_colors	 (mm_scols()->scols_table_enable_colors)
#define scols_table_enable_noheadings	 (mm_scols()->scols_table_enable_noheadings)
#define scols_table_enable_raw		 (mm_scols()->scols_table_enable_raw)
#define scols_table_new_column		 (mm_scols()->scols_table_new_column)
#define scols_table_new_line		 (mm_scols()->scols_table_new_line)
#define scols_table_set_column_separator (mm_scols()->scols_table_set_column_separator)
#define scols_unref_table		 (mm_scols()->scols_unref_table)

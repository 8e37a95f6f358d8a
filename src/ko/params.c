// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Parameters: the __param section (an array of struct kernel_param,
 * pointers resolved through the relocations that target it), joined with
 * .modinfo's parm= and parmtype= text. Initial values are read from the
 * variables the entries point to.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ko-internal.h"
#include "mymod/util.h"

/* struct kernel_param, struct kparam_string, struct kparam_array offsets. */
struct layout {
	size_t size, name, ops, perm, arg;
	size_t str_string;
	size_t arr_max, arr_elemsize, arr_num, arr_ops, arr_elem;
};

static const struct layout layout64 = {
	.size = 40,
	.name = 0,
	.ops = 16,
	.perm = 24,
	.arg = 32,
	.str_string = 8,
	.arr_max = 0,
	.arr_elemsize = 4,
	.arr_num = 8,
	.arr_ops = 16,
	.arr_elem = 24,
};

static const struct layout layout32 = {
	.size = 20,
	.name = 0,
	.ops = 8,
	.perm = 12,
	.arg = 16,
	.str_string = 4,
	.arr_max = 0,
	.arr_elemsize = 4,
	.arr_num = 8,
	.arr_ops = 12,
	.arr_elem = 16,
};

/* Longest default value built (an array of many elements stops here). */
#define MAX_VALUE 4096
/* Most elements read from one array parameter. */
#define MAX_ELEMS 1024

/* The name of the symbol a resolved pointer designates, NULL when unknown. */
static const char *ref_symbol(struct ko *ko, const struct ko_ref *ref)
{
	GElf_Sym sym;
	const char *name;

	if (!ref->reloc)
		return NULL;
	if (ref->symtype != STT_SECTION && ref->addend == 0 &&
	    ko_symbol(ko, ref->sym, &sym, NULL, &name) && *name)
		return name;
	if (ref->shndx == SHN_UNDEF || ref->shndx >= ko->shnum)
		return NULL;
	return ko_symbol_at(ko, ref->shndx, ref->off);
}

/*
 * The string the pointer at IDX+OFF designates: 1 with *S (NULL for a
 * NULL pointer), 0 when it cannot be read, or -errno.
 */
static int ptr_string(struct ko *ko, size_t idx, uint64_t off, const char **s)
{
	struct ko_ref ref;
	int err = ko_resolve(ko, idx, off, &ref);

	*s = NULL;
	if (err < 0)
		return err;
	if (!ref.reloc)
		return ref.inplace == 0;
	*s = ko_sec_string(ko, ref.shndx, ref.off);
	return *s != NULL;
}

enum vkind { V_NONE, V_INT, V_UINT, V_HEX, V_BOOL, V_INVBOOL, V_CHARP };

static const struct {
	const char *ops;
	enum vkind kind;
	int size; /* bytes; 0: the class's long */
} scalar_ops[] = {
	{ "param_ops_byte", V_UINT, 1 },       { "param_ops_short", V_INT, 2 },
	{ "param_ops_ushort", V_UINT, 2 },     { "param_ops_int", V_INT, 4 },
	{ "param_ops_uint", V_UINT, 4 },       { "param_ops_long", V_INT, 0 },
	{ "param_ops_ulong", V_UINT, 0 },      { "param_ops_ullong", V_UINT, 8 },
	{ "param_ops_hexint", V_HEX, 4 },      { "param_ops_bint", V_INT, 4 },
	{ "param_ops_bool", V_BOOL, 1 },       { "param_ops_bool_enable_only", V_BOOL, 1 },
	{ "param_ops_invbool", V_INVBOOL, 1 }, { "param_ops_charp", V_CHARP, 0 },
};

static enum vkind kind_of(const struct ko *ko, const char *ops, size_t *size)
{
	if (!ops)
		return V_NONE;
	for (size_t i = 0; i < MM_ARRAY_SIZE(scalar_ops); i++) {
		if (strcmp(ops, scalar_ops[i].ops) == 0) {
			*size = scalar_ops[i].size ? (size_t)scalar_ops[i].size : ko->ptrsize;
			if (scalar_ops[i].kind == V_CHARP)
				*size = ko->ptrsize;
			return scalar_ops[i].kind;
		}
	}
	return V_NONE;
}

static int64_t sext(uint64_t v, size_t size)
{
	unsigned int shift = (unsigned int)(64 - 8 * size);

	return size >= 8 ? (int64_t)v : (int64_t)(v << shift) >> shift;
}

/*
 * The value of the variable at IDX+OFF into OUT, as sysfs prints it: 1,
 * 0 when it cannot be read, or -errno (a relocation that points outside).
 */
static int format_value(struct ko *ko, enum vkind kind, size_t size, size_t idx, uint64_t off,
			char *out, size_t outsz)
{
	const uint8_t *p;
	uint64_t v;
	bool zero;
	const char *s;
	int err;

	if (kind == V_CHARP) {
		err = ptr_string(ko, idx, off, &s);
		if (err > 0)
			snprintf(out, outsz, "%s", s ? s : "(null)");
		return err;
	}
	p = ko_sec_bytes(ko, idx, off, size, &zero);
	if (!p)
		return 0;
	switch (size) {
	case 1:
		v = p[0];
		break;
	case 2:
		v = ko_rd16(ko, p);
		break;
	case 4:
		v = ko_rd32(ko, p);
		break;
	case 8:
		v = ko_rd64(ko, p);
		break;
	default:
		return 0;
	}
	switch (kind) {
	case V_INT:
		snprintf(out, outsz, "%" PRId64, sext(v, size));
		break;
	case V_UINT:
		snprintf(out, outsz, "%" PRIu64, v);
		break;
	case V_HEX:
		/* kernel/params.c: STANDARD_PARAM_DEF(hexint, ..., "%#08x", ...); no 0x for 0. */
		snprintf(out, outsz, "%#08" PRIx64, v);
		break;
	case V_BOOL:
		snprintf(out, outsz, "%c", v ? 'Y' : 'N');
		break;
	case V_INVBOOL:
		snprintf(out, outsz, "%c", v ? 'N' : 'Y');
		break;
	default:
		return 0;
	}
	return 1;
}

/* A pointer field: 1 with where it points (a defined section), 0 when at none, or -errno. */
static int follow(struct ko *ko, size_t idx, uint64_t off, size_t *tidx, uint64_t *toff)
{
	struct ko_ref ref;
	int err = ko_resolve(ko, idx, off, &ref);

	if (err < 0)
		return err;
	if (!ref.reloc || ref.shndx == SHN_UNDEF || ref.shndx >= ko->shnum)
		return 0;
	*tidx = ref.shndx;
	*toff = ref.off;
	return 1;
}

/* A struct kparam_string's text: 1 with *OUT (malloc'ed), 0 when unreadable, or -errno. */
static int string_value(struct ko *ko, const struct layout *l, size_t idx, uint64_t off, char **out)
{
	const uint8_t *p;
	uint32_t maxlen;
	size_t sidx;
	uint64_t soff;
	const GElf_Shdr *sh;
	bool zero;
	int err;

	*out = NULL;
	p = ko_sec_bytes(ko, idx, off, 4, &zero);
	if (!p)
		return 0;
	err = follow(ko, idx, off + l->str_string, &sidx, &soff);
	if (err <= 0)
		return err;
	maxlen = ko_rd32(ko, p);
	sh = &ko->shdrs[sidx];
	if (soff > sh->sh_size)
		return 0;
	if (sh->sh_type == SHT_NOBITS) {
		*out = mm_strdup("");
		return 1;
	}
	if (maxlen > sh->sh_size - soff)
		maxlen = (uint32_t)(sh->sh_size - soff);
	p = ko_sec_bytes(ko, sidx, soff, maxlen, NULL);
	if (!p)
		return 0;
	*out = mm_strndup((const char *)p, maxlen);
	return 1;
}

/* A struct kparam_array's elements, comma-joined: as string_value(). */
static int array_value(struct ko *ko, const struct layout *l, size_t idx, uint64_t off, char **out)
{
	const uint8_t *p;
	uint32_t max, elemsize, num;
	size_t nidx, eidx, esize;
	uint64_t noff, eoff;
	struct ko_ref ref;
	enum vkind kind;
	struct mm_strbuf buf = { 0 };
	bool zero;
	int err;

	*out = NULL;
	p = ko_sec_bytes(ko, idx, off, l->arr_elem + ko->ptrsize, &zero);
	if (!p)
		return 0;
	max = ko_rd32(ko, p + l->arr_max);
	elemsize = ko_rd32(ko, p + l->arr_elemsize);
	num = max;
	err = follow(ko, idx, off + l->arr_num, &nidx, &noff);
	if (err < 0)
		return err;
	if (err > 0) {
		const uint8_t *q = ko_sec_bytes(ko, nidx, noff, 4, &zero);

		if (!q)
			return 0;
		num = ko_rd32(ko, q);
		if (num > max)
			num = max;
	}
	err = ko_resolve(ko, idx, off + l->arr_ops, &ref);
	if (err < 0)
		return err;
	kind = kind_of(ko, ref_symbol(ko, &ref), &esize);
	if (kind == V_NONE || elemsize != esize || num > MAX_ELEMS)
		return 0;
	err = follow(ko, idx, off + l->arr_elem, &eidx, &eoff);
	if (err <= 0)
		return err;
	for (uint32_t i = 0; i < num; i++) {
		char v[MAX_VALUE];

		err = format_value(ko, kind, esize, eidx, eoff + (uint64_t)i * elemsize, v,
				   sizeof(v));
		if (err <= 0)
			goto out;
		if (buf.len + strlen(v) + 2 > MAX_VALUE) {
			err = 0;
			goto out;
		}
		if (i)
			mm_strbuf_addc(&buf, ',');
		mm_strbuf_add(&buf, v);
	}
	*out = mm_strbuf_steal(&buf);
	err = 1;
out:
	mm_strbuf_free(&buf);
	return err;
}

/*
 * What the kernel takes for the parameter whose kparam_string or
 * kparam_array is at AIDX+AOFF: P's max and elem_ops. 1, or -errno.
 */
static int limits(struct ko *ko, const struct layout *l, const char *ops, size_t aidx,
		  uint64_t aoff, struct ko_param *p)
{
	const uint8_t *b;
	struct ko_ref ref;
	int err;

	if (!ops)
		return 1;
	if (strcmp(ops, "param_ops_string") == 0) {
		b = ko_sec_bytes(ko, aidx, aoff, 4, NULL);
		p->max = b ? ko_rd32(ko, b) : 0;
	} else if (strcmp(ops, "param_array_ops") == 0) {
		b = ko_sec_bytes(ko, aidx, aoff, l->arr_ops + ko->ptrsize, NULL);
		if (!b)
			return 1;
		p->max = ko_rd32(ko, b + l->arr_max);
		err = ko_resolve(ko, aidx, aoff + l->arr_ops, &ref);
		if (err < 0)
			return err;
		p->elem_ops = ref_symbol(ko, &ref);
	}
	return 1;
}

/*
 * The printable initial value of the variable at AIDX+AOFF for OPS into
 * *VALUE (NULL when it is not known); 0, or -errno.
 */
static int default_value(struct ko *ko, const struct layout *l, const char *ops, size_t aidx,
			 uint64_t aoff, const char **value)
{
	char buf[MAX_VALUE];
	enum vkind kind;
	char *v = NULL;
	size_t size;
	int err = 0;

	*value = NULL;
	if (!ops)
		return 0;
	if (strcmp(ops, "param_ops_string") == 0) {
		err = string_value(ko, l, aidx, aoff, &v);
	} else if (strcmp(ops, "param_array_ops") == 0) {
		err = array_value(ko, l, aidx, aoff, &v);
	} else if ((kind = kind_of(ko, ops, &size)) != V_NONE) {
		err = format_value(ko, kind, size, aidx, aoff, buf, sizeof(buf));
		if (err > 0)
			v = mm_strdup(buf);
	}
	if (v)
		*value = ko_keep(ko, v);
	return err < 0 ? err : 0;
}

/*
 * A parameter's ops point at a struct kernel_param_ops. The kernel's own
 * (an undefined symbol here) are pointed at by their name alone: with an
 * addend the pointer is inside or past one, never at one.
 */
static int check_ops(struct ko *ko, const struct ko_ref *ref, const char *param)
{
	const char *name = "";
	GElf_Sym sym;

	if (!ref->reloc || ref->shndx != SHN_UNDEF || ref->addend == 0)
		return 0;
	ko_symbol(ko, ref->sym, &sym, NULL, &name);
	return mm_fail(ENOEXEC,
		       "relocation %zu of __param points outside %s: the ops of parameter %s "
		       "are %s%+lld",
		       ref->index, *name ? name : "its symbol", param, name,
		       (long long)ref->addend);
}

/* Parameters being collected; names are KO's (or malloc'ed when KO is NULL). */
struct plist {
	struct ko *ko;
	struct ko_param *v;
	size_t n, cap;
};

static struct ko_param *param_find(const struct plist *l, const char *name, size_t len)
{
	for (size_t i = 0; i < l->n; i++)
		if (strncmp(l->v[i].name, name, len) == 0 && !l->v[i].name[len])
			return &l->v[i];
	return NULL;
}

/* A new parameter NAME at the end of L, whether or not L has one of that name. */
static struct ko_param *param_add(struct plist *l, const char *name, size_t len)
{
	struct ko_param *p;

	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = mm_reallocarray(l->v, l->cap, sizeof(*l->v));
	}
	p = &l->v[l->n++];
	*p = (struct ko_param){
		.name = l->ko ? ko_strndup(l->ko, name, len) : mm_strndup(name, len),
		.perm = -1,
	};
	return p;
}

/* The parameter NAME, added when there is none. */
static struct ko_param *param_get(struct plist *l, const char *name, size_t len)
{
	struct ko_param *p = param_find(l, name, len);

	return p ? p : param_add(l, name, len);
}

/* parm=NAME:desc and parmtype=NAME:type, in file order. */
static void join_modinfo(struct plist *l, const struct ko_modinfo *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *key = kv[i].key, *val = kv[i].value;
		const char *colon = strchr(val, ':');
		bool desc = strcmp(key, "parm") == 0;
		struct ko_param *p;

		if ((!desc && strcmp(key, "parmtype") != 0) || !colon || colon == val)
			continue;
		p = param_get(l, val, (size_t)(colon - val));
		if (desc && !p->description)
			p->description = colon + 1;
		else if (!desc && !p->type)
			p->type = colon + 1;
	}
}

size_t ko_modinfo_params(const struct ko_modinfo *kv, size_t n, struct ko_param **params)
{
	struct plist l = { 0 };

	join_modinfo(&l, kv, n);
	*params = l.v;
	return l.n;
}

void ko_modinfo_params_free(struct ko_param *params, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free((char *)params[i].name);
	free(params);
}

/*
 * Give each __param entry the parm= and parmtype= text (DOCS) of its
 * name, and mark in USED the texts taken. parm= and parmtype= name a
 * parameter without its MODULE_PARAM_PREFIX, which __param's names carry:
 * a loadable module's prefix is empty unless the module overrides it, as
 * mmc_block does ("mmcblk.", so __param has "mmcblk.perdev_minors" and
 * .modinfo "perdev_minors"). Without text of its own name, an entry takes
 * the text of the part after its last '.', and keeps its name: the kernel
 * matches options against __param's names (load_module() gives
 * parse_args() mod->kp, the __param section, and parse_one() compares
 * whole names), so "mmcblk.perdev_minors=..." is what modprobe and insmod
 * must pass, and the sysfs file has that name too
 * (module_param_sysfs_setup()).
 */
static void join_docs(struct plist *params, const struct plist *docs, bool *used)
{
	for (size_t i = 0; i < params->n; i++) {
		struct ko_param *p = &params->v[i];
		const char *dot = strrchr(p->name, '.');
		const struct ko_param *d = param_find(docs, p->name, strlen(p->name));

		if (!d && dot)
			d = param_find(docs, dot + 1, strlen(dot + 1));
		if (!d)
			continue;
		p->type = d->type;
		p->description = d->description;
		used[d - docs->v] = true;
	}
}

/*
 * Every entry of __param, in section order. The kernel sets the first
 * entry of a name only (parse_one() stops at the first match): a later
 * one of the same name is shadowed.
 */
static int walk_param(struct ko *ko, struct plist *list)
{
	const struct layout *l = ko->elfclass == 64 ? &layout64 : &layout32;
	size_t idx = ko_find_section(ko, "__param");
	const GElf_Shdr *sh;
	int err;

	if (!idx)
		return 0;
	sh = &ko->shdrs[idx];
	if (sh->sh_type == SHT_NOBITS)
		return 0;
	if (sh->sh_size % l->size)
		return mm_fail(ENOEXEC, "__param section size %llu is not a multiple of %zu",
			       (unsigned long long)sh->sh_size, l->size);
	err = ko_sec_load(ko, idx);
	if (err < 0)
		return err;
	for (uint64_t off = 0; off < sh->sh_size; off += l->size) {
		const uint8_t *e = ko_sec_bytes(ko, idx, off, l->size, NULL);
		struct ko_ref nref, oref;
		const char *name, *ops;
		struct ko_param *p;
		size_t aidx;
		uint64_t aoff;

		if (!e)
			return -EIO;
		err = ko_resolve(ko, idx, off + l->name, &nref);
		if (err < 0)
			return err;
		name = nref.reloc ? ko_sec_string(ko, nref.shndx, nref.off) : NULL;
		if (!name)
			return mm_fail(ENOEXEC, "__param entry %llu has no readable name",
				       (unsigned long long)(off / l->size));
		err = ko_resolve(ko, idx, off + l->ops, &oref);
		if (err < 0)
			return err;
		err = check_ops(ko, &oref, name);
		if (err < 0)
			return err;
		ops = ref_symbol(ko, &oref);
		p = param_add(list, name, strlen(name));
		p->shadowed = param_find(list, name, strlen(name)) != p;
		p->ops = ops;
		p->perm = ko_rd16(ko, e + l->perm);
		err = follow(ko, idx, off + l->arg, &aidx, &aoff);
		if (err > 0)
			err = limits(ko, l, ops, aidx, aoff, p);
		if (err > 0)
			err = default_value(ko, l, ops, aidx, aoff, &p->default_value);
		if (err < 0)
			return err;
	}
	return 0;
}

/* The parameters and the parm= text that names none, once. */
static int load_params(struct ko *ko)
{
	struct plist params = { .ko = ko }, docs = { .ko = ko };
	bool *used = NULL;
	size_t n = 0;
	int err;

	err = ko_load_modinfo(ko);
	if (err < 0)
		goto out;
	err = walk_param(ko, &params);
	if (err < 0)
		goto out;
	join_modinfo(&docs, ko->modinfo, ko->nmodinfo);
	used = mm_calloc(docs.n + 1, sizeof(*used));
	join_docs(&params, &docs, used);
	for (size_t i = 0; i < docs.n; i++)
		if (!used[i])
			docs.v[n++] = docs.v[i];
	ko->params = params.v ? ko_keep(ko, params.v) : NULL;
	ko->nparams = params.n;
	ko->unmatched = n ? ko_keep(ko, docs.v) : NULL;
	ko->nunmatched = n;
	ko->have_params = true;
	params.v = NULL;
	if (n)
		docs.v = NULL;
out:
	free(params.v);
	free(docs.v);
	free(used);
	return err;
}

int ko_params(struct ko *ko, const struct ko_param **params, size_t *n)
{
	int err = ko->have_params ? 0 : load_params(ko);

	if (err < 0)
		return err;
	*params = ko->params;
	*n = ko->nparams;
	return 0;
}

int ko_params_unmatched(struct ko *ko, const struct ko_param **docs, size_t *n)
{
	int err = ko->have_params ? 0 : load_params(ko);

	if (err < 0)
		return err;
	*docs = ko->unmatched;
	*n = ko->nunmatched;
	return 0;
}

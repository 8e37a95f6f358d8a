// SPDX-License-Identifier: LGPL-2.1-or-later
/* mymod info --json: the record as nested JSON. */
#include "mymod/json.h"
#include <stdlib.h>

#include "info.h"
#include "mymod/cmd.h"
#include "mymod/modtree.h"
#include "mymod/out.h"
#include "mymod/util.h"

static struct json_object *json_modinfo(const struct info *in)
{
	struct json_object *obj = json_object_new_object();

	for (size_t i = 0; i < in->nmodinfo; i++) {
		char *key = out_utf8(in->modinfo[i].key);
		struct json_object *values;

		if (!json_object_object_get_ex(obj, key, &values)) {
			values = json_object_new_array();
			json_object_object_add(obj, key, values);
		}
		json_object_array_add(values, out_json_str(in->modinfo[i].value));
		free(key);
	}
	return obj;
}

static struct json_object *json_params(const struct info *in)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < in->nparams; i++) {
		const struct ko_param *p = &in->params[i];
		struct json_object *obj = json_object_new_object();
		char *perm = info_perm_str(p->perm);

		json_object_object_add(obj, "name", out_json_str(p->name));
		json_object_object_add(obj, "type", out_json_str(p->type));
		json_object_object_add(obj, "ops", out_json_str(p->ops));
		json_object_object_add(obj, "perm", out_json_str(perm));
		json_object_object_add(obj, "description", out_json_str(p->description));
		json_object_object_add(obj, "default", out_json_str(p->default_value));
		json_object_object_add(obj, "shadowed", json_object_new_boolean(p->shadowed));
		json_object_array_add(arr, obj);
		free(perm);
	}
	return arr;
}

static struct json_object *json_unmatched(const struct info *in)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < in->nunmatched; i++) {
		const struct ko_param *p = &in->unmatched[i];
		struct json_object *obj = json_object_new_object();

		json_object_object_add(obj, "name", out_json_str(p->name));
		json_object_object_add(obj, "type", out_json_str(p->type));
		json_object_object_add(obj, "description", out_json_str(p->description));
		json_object_array_add(arr, obj);
	}
	return arr;
}

static struct json_object *json_exports(const struct info *in)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < in->nexports; i++) {
		struct json_object *obj = json_object_new_object();

		json_object_object_add(obj, "name", out_json_str(in->exports[i].name));
		json_object_object_add(obj, "gpl", json_object_new_boolean(in->exports[i].gpl));
		json_object_object_add(obj, "namespace", out_json_str(in->exports[i].ns));
		json_object_array_add(arr, obj);
	}
	return arr;
}

static struct json_object *json_imports(const struct info *in)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < in->nimports; i++) {
		const struct ko_import *imp = &in->imports[i];
		struct json_object *obj = json_object_new_object();
		char crc[16];

		snprintf(crc, sizeof(crc), "0x%08x", imp->crc);
		json_object_object_add(obj, "name", out_json_str(imp->name));
		json_object_object_add(obj, "crc", imp->has_crc ? out_json_str(crc) : NULL);
		json_object_array_add(arr, obj);
	}
	return arr;
}

static struct json_object *json_sections(const struct info *in)
{
	struct json_object *arr = json_object_new_array();

	for (size_t i = 0; i < in->nsections; i++) {
		struct json_object *obj = json_object_new_object();

		json_object_object_add(obj, "name", out_json_str(in->sections[i].name));
		json_object_object_add(obj, "size", json_object_new_uint64(in->sections[i].size));
		json_object_array_add(arr, obj);
	}
	return arr;
}

static struct json_object *json_signature(const struct info *in)
{
	struct json_object *obj;
	char *key;

	if (!in->sig)
		return NULL;
	obj = json_object_new_object();
	key = out_keyid(in->sig->key_id, in->sig->key_id_len);
	json_object_object_add(obj, "id_type", out_json_str(in->sig->id_type));
	json_object_object_add(obj, "signer", out_json_str(in->sig->signer));
	json_object_object_add(obj, "key", out_json_str(key));
	json_object_object_add(obj, "hash_algo", out_json_str(in->sig->hash_algo));
	json_object_object_add(obj, "algo", out_json_str(in->sig->algo));
	if (in->verified)
		json_object_object_add(obj, "verified", out_json_str(ko_verdict_name(in->verdict)));
	free(key);
	return obj;
}

static struct json_object *json_elf(const struct info *in)
{
	struct json_object *obj;

	if (!in->elf)
		return NULL;
	obj = json_object_new_object();
	json_object_object_add(obj, "class", out_json_str(info_elf_class(in->elf)));
	json_object_object_add(obj, "endian", out_json_str(info_elf_endian(in->elf)));
	json_object_object_add(obj, "machine", out_json_str(in->elf->machine_name));
	json_object_object_add(obj, "build_id", out_json_str(in->elf->build_id));
	return obj;
}

struct json_object *info_json(const struct info *in)
{
	struct json_object *obj = json_object_new_object();

	json_object_object_add(obj, "name", out_json_str(in->name));
	json_object_object_add(obj, "filename", out_json_str(in->filename));
	json_object_object_add(obj, "builtin", json_object_new_boolean(in->builtin));
	json_object_object_add(obj, "compression",
			       in->builtin ? NULL : out_json_str(ko_comp_name(in->comp)));
	json_object_object_add(obj, "modinfo", json_modinfo(in));
	json_object_object_add(obj, "params", json_params(in));
	json_object_object_add(obj, "unmatched_parm", json_unmatched(in));
	json_object_object_add(obj, "exports", json_exports(in));
	json_object_object_add(obj, "imports", json_imports(in));
	json_object_object_add(obj, "sections", json_sections(in));
	json_object_object_add(obj, "signature", json_signature(in));
	json_object_object_add(obj, "elf", json_elf(in));
	return obj;
}

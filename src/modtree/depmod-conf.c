// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * depmod.d: search, override, external and exclude lines, read as kmod
 * 30's depmod reads them. Lines it does not understand are skipped, as
 * kmod skips them (it only logs them).
 */
#include <dirent.h>
#include <fcntl.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "depmod-scan.h"
#include "mymod/util.h"

#define CONF_SEP "\t "

static void strv_add(char ***v, size_t *n, const char *s)
{
	*v = mm_reallocarray(*v, *n + 1, sizeof(**v));
	(*v)[(*n)++] = mm_strdup(s);
}

static bool is_repeat(char c)
{
	return c == '*' || c == '+' || c == '?' || c == '{';
}

/*
 * Can PATTERN be compiled in reasonable time and memory? glibc's regcomp()
 * copies the operand of '+' once and that of "{M,N}" N times, nested
 * copies multiplying, and its epsilon closures grow exponentially with
 * repetition operators in a row ("a*++++"), which POSIX leaves undefined
 * anyway: those are refused, and the copies bounded from above (as if every
 * repetition were nested). A kernel release pattern ("4\.4\..*") is far
 * below the bound.
 */
static bool conf_pattern_sane(const char *p)
{
	double cost = (double)strlen(p) + 1;
	char prev = '\0';

	for (; *p && cost <= 1e5; prev = *p++) {
		char *end;
		unsigned long lo, hi;

		if (is_repeat(*p) && (is_repeat(prev) || prev == '}'))
			return false;
		if (*p == '+' || *p == '*' || *p == '?') {
			cost *= 2;
		} else if (*p == '{') {
			lo = hi = strtoul(p + 1, &end, 10);
			if (*end == ',')
				hi = strtoul(end + 1, &end, 10);
			cost *= (double)(lo > hi ? lo : hi) + 1;
		}
	}
	return cost <= 1e5;
}

/* Does the kernel release KVER match PATTERN ("*", or a regular expression found anywhere in it)?
 */
static bool conf_kver_matches(const char *kver, const char *pattern)
{
	regex_t re;
	bool match;

	if (strcmp(pattern, "*") == 0)
		return true;
	if (!conf_pattern_sane(pattern) || regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB) != 0)
		return false;
	match = regexec(&re, kver, 0, NULL, 0) == 0;
	regfree(&re);
	return match;
}

static void conf_search(struct dm_conf *cf, const char *word)
{
	struct dm_search *s;

	cf->search = mm_reallocarray(cf->search, cf->nsearch + 1, sizeof(*cf->search));
	s = &cf->search[cf->nsearch++];
	s->dir = NULL;
	if (strcmp(word, "built-in") == 0) {
		s->type = DM_SEARCH_BUILTIN;
	} else if (strcmp(word, "external") == 0) {
		s->type = DM_SEARCH_EXTERNAL;
	} else {
		s->type = DM_SEARCH_DIR;
		s->dir = mm_strdup(word);
	}
}

/* One line (NUL-terminated, continuations joined) of a depmod.d file. */
static void conf_line(struct dm_conf *cf, const char *kver, char *line)
{
	char *save = NULL, *cmd, *a, *b, *c;

	if (line[0] == '#')
		return;
	cmd = strtok_r(line, CONF_SEP, &save);
	if (!cmd)
		return;
	if (strcmp(cmd, "search") == 0 || strcmp(cmd, "exclude") == 0) {
		bool search = cmd[0] == 's';

		while ((a = strtok_r(NULL, CONF_SEP, &save)))
			if (search)
				conf_search(cf, a);
			else
				strv_add(&cf->excludes, &cf->nexcludes, a);
		return;
	}
	a = strtok_r(NULL, CONF_SEP, &save);
	b = strtok_r(NULL, CONF_SEP, &save);
	if (strcmp(cmd, "override") == 0) {
		c = strtok_r(NULL, CONF_SEP, &save);
		if (!a || !b || !c || !conf_kver_matches(kver, b))
			return;
		char *path = mm_asprintf("%s/%s", c, a);
		cf->overrides = mm_reallocarray(cf->overrides, cf->noverrides + 1, sizeof(char *));
		cf->overrides[cf->noverrides++] = path;
	} else if (strcmp(cmd, "external") == 0) {
		if (a && b && conf_kver_matches(kver, a))
			strv_add(&cf->externals, &cf->nexternals, b);
	}
}

void dm_conf_parse(struct dm_conf *cf, const char *kver, const char *text, size_t len)
{
	struct mm_strbuf line = { 0 };
	size_t i = 0;

	while (i < len || line.len > 0) {
		char ch = i < len ? text[i++] : '\n';

		if (ch == '\\') {
			if (i < len && text[i] == '\n') {
				i++;
				continue;
			}
			/* kmod drops the backslash; at the end it stores EOF's low byte */
			ch = i < len ? text[i++] : (char)0xff;
		} else if (ch == '\n') {
			if (line.len > 0)
				conf_line(cf, kver, line.s);
			line.len = 0;
			continue;
		}
		mm_strbuf_addc(&line, ch);
	}
	mm_strbuf_free(&line);
}

/* A configuration file to read: its base name decides the order. */
struct conf_file {
	char *name;
	char *path;
};

/* Add DIR/NAME (DIR NULL: NAME is the path) in name order, unless its base name is there already.
 */
static void conf_files_add(struct conf_file **files, size_t *n, const char *dir, const char *name)
{
	char *path = dir ? mm_asprintf("%s/%s", dir, name) : mm_strdup(name);
	const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
	size_t i;
	int cmp = 1;

	for (i = 0; i < *n; i++) {
		cmp = strcmp(base, (*files)[i].name);
		if (cmp <= 0)
			break;
	}
	if (i < *n && cmp == 0) {
		free(path);
		return;
	}
	*files = mm_reallocarray(*files, *n + 1, sizeof(**files));
	memmove(*files + i + 1, *files + i, (*n - i) * sizeof(**files));
	(*files)[i].path = path;
	(*files)[i].name = path + (base - path);
	(*n)++;
}

/* The "*.conf" files of the directory PATH, or PATH itself when it is a file. */
static void conf_files_list(struct conf_file **files, size_t *n, const char *path)
{
	struct dirent *de;
	struct stat st;
	DIR *d;

	if (stat(path, &st) != 0)
		return;
	if (!S_ISDIR(st.st_mode)) {
		conf_files_add(files, n, NULL, path);
		return;
	}
	d = opendir(path);
	if (!d)
		return;
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (de->d_name[0] == '.' || len < 6 || strcmp(de->d_name + len - 5, ".conf") != 0)
			continue;
		if (fstatat(dirfd(d), de->d_name, &st, 0) == 0 && S_ISDIR(st.st_mode))
			continue;
		conf_files_add(files, n, path, de->d_name);
	}
	closedir(d);
}

void dm_conf_load(struct dm_conf *cf, const char *basedir, const char *kver,
		  const char *const *paths, size_t npaths)
{
	static const char *const defaults[] = { "/etc/depmod.d", "/run/depmod.d",
						"/usr/local/lib/depmod.d", "/lib/depmod.d" };
	struct conf_file *files = NULL;
	size_t i, n = 0;

	for (i = 0; paths && i < npaths; i++)
		conf_files_list(&files, &n, paths[i]);
	for (i = 0; !paths && i < MM_ARRAY_SIZE(defaults); i++) {
		char *dir = mm_asprintf("%s%s", basedir ? basedir : "", defaults[i]);

		conf_files_list(&files, &n, dir);
		free(dir);
	}
	for (i = 0; i < n; i++) {
		char *text;
		size_t len;

		if (mm_read_file(files[i].path, &text, &len) == 0) {
			dm_conf_parse(cf, kver, text, len);
			free(text);
		}
		free(files[i].path);
	}
	free(files);
	/* with no search line, kmod searches "updates" first, and the rest equally */
	if (cf->nsearch == 0)
		conf_search(cf, "updates");
}

static void strv_free(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

void dm_conf_free(struct dm_conf *cf)
{
	for (size_t i = 0; i < cf->nsearch; i++)
		free(cf->search[i].dir);
	free(cf->search);
	strv_free(cf->overrides, cf->noverrides);
	strv_free(cf->externals, cf->nexternals);
	strv_free(cf->excludes, cf->nexcludes);
	*cf = (struct dm_conf){ 0 };
}

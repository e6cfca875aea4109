/*
 * policy-include.c: reading one policy file, its includes, and the merge.
 *
 * Every file is checked on its own (pol_check_doc), then the files are
 * merged: included files first, the including file's values overriding
 * them (objects merged key by key; the top-level "sources", "waivers"
 * and "critical_values" arrays concatenated; other values replaced).
 * An include cycle, a missing file and nesting deeper than INCLUDE_DEPTH
 * are errors at the include that named the file.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "diag.h"
#include "log.h"
#include "policy-int.h"
#include "policy.h"
#include "vigil.h"
#include "xmalloc.h"

#define POLICY_MAX_SIZE		(16UL * 1024 * 1024)
#define INCLUDE_DEPTH		32

static int
is_concat_key(const char *k)
{
	return strcmp(k, "sources") == 0 || strcmp(k, "waivers") == 0 ||
	    strcmp(k, "critical_values") == 0;
}

/* Merges src over dst (see the comment at the top). */
static void
merge(json_t *dst, json_t *src, int top)
{
	const char	*k;
	json_t		*sv, *dv;

	json_object_foreach(src, k, sv) {
		dv = json_object_get(dst, k);
		if (top && is_concat_key(k) && json_is_array(dv) &&
		    json_is_array(sv))
			json_array_extend(dv, sv);
		else if (json_is_object(dv) && json_is_object(sv))
			merge(dv, sv, 0);
		else
			json_object_set(dst, k, sv);
	}
}

/* Loads the file named by include value e (pushed in v) into merged. */
static void
load_include(struct lctx *L, struct vctx *v, json_t *e, json_t *merged)
{
	json_t	*sub = NULL;
	char	*p;

	if (!json_is_string(e) || *json_string_value(e) == '\0') {
		pol_perr(L, v, "'include' must be a file name or an array of "
		    "file names");
		return;
	}
	p = pol_rel_path(v->file, json_string_value(e));
	if (pol_load_file(L, p, json_string_value(e), v, &sub) == 0 &&
	    sub != NULL)
		merge(merged, sub, 1);
	json_decref(sub);
	free(p);
}

static int
str_in(char **l, size_t n, const char *s)
{
	size_t	 i;

	for (i = 0; i < n; i++) {
		if (strcmp(l[i], s) == 0)
			return 1;
	}
	return 0;
}

/* Adds a diagnostic at the include that named a file, or at the file. */
static void __attribute__((format(printf, 4, 5)))
ferr(struct lctx *L, struct vctx *from, const char *path, const char *fmt,
    ...)
{
	va_list	 ap;
	char	*m;

	va_start(ap, fmt);
	m = xvasprintf(fmt, ap);
	va_end(ap);
	if (from != NULL)
		pol_perr(L, from, "%s", m);
	else
		diags_add(L->d, path, 0, 0, "%s", m);
	free(m);
}

/*
 * JSON has no comments, but a policy written by hand often has some:
 * each // or /-star comment outside a string is an error at its position,
 * and is blanked (newlines kept, so positions stay) so that the rest of
 * the file is still checked in the same pass.
 */
static void
blank_comments(struct lctx *L, const char *path, struct buf *b)
{
	char	*p = b->data, *end = b->data + b->len;
	int	 line = 1, col = 1, instr = 0, block;

	while (p < end) {
		if (instr) {
			if (*p == '\\' && p + 1 < end) {
				p++;
				col++;
			} else if (*p == '"')
				instr = 0;
		} else if (*p == '"')
			instr = 1;
		else if (*p == '/' && p + 1 < end &&
		    (p[1] == '/' || p[1] == '*')) {
			block = p[1] == '*';
			diags_add(L->d, path, line, col, "JSON has no comments; "
			    "remove this %s comment", block ? "/* */" : "//");
			p[0] = p[1] = ' ';
			p += 2;
			col += 2;
			while (p < end) {
				if (block && *p == '*' && p + 1 < end &&
				    p[1] == '/') {
					p[0] = p[1] = ' ';
					p += 2;
					col += 2;
					break;
				}
				if (*p == '\n') {
					if (!block)
						break;
					line++;
					col = 1;
					p++;
					continue;
				}
				if (((unsigned char)*p & 0xc0) != 0x80)
					col++;
				*p++ = ' ';
			}
			continue;
		}
		if (*p == '\n') {
			line++;
			col = 1;
		} else if (((unsigned char)*p & 0xc0) != 0x80)
			col++;
		p++;
	}
}

/*
 * Loads, checks and merges path and its includes into *out (a new
 * reference, or NULL when the file was already loaded).  from is the
 * including file, positioned at the include, or NULL; shown is the name
 * as written there.
 */
int
pol_load_file(struct lctx *L, const char *path, const char *shown,
    struct vctx *from, json_t **out)
{
	struct vctx	 v;
	struct buf	 b;
	json_error_t	 err;
	json_t		*root = NULL, *merged = NULL, *inc, *e;
	char		*rp;
	size_t		 i;
	int		 r = VGL_ERR_POLICY;

	*out = NULL;
	buf_init(&b, POLICY_MAX_SIZE);
	if ((rp = realpath(path, NULL)) == NULL) {
		ferr(L, from, path, "cannot open '%s': %s", shown,
		    strerror(errno));
		goto out;
	}
	if (str_in(L->stack, L->nstack, rp)) {
		ferr(L, from, path, "include cycle: '%s' is already being "
		    "loaded", shown);
		goto out;
	}
	if (str_in(L->done, L->ndone, rp)) {
		r = 0;
		goto out;
	}
	if (L->nstack >= INCLUDE_DEPTH) {
		ferr(L, from, path, "includes nested too deeply");
		goto out;
	}
	if (buf_read_file(&b, path) != 0) {
		ferr(L, from, path, "cannot read '%s': %s", shown,
		    errno != 0 ? strerror(errno) : "too large");
		goto out;
	}
	log_debug("policy: loading %s", path);
	L->stack = xreallocarray(L->stack, L->nstack + 1, sizeof(*L->stack));
	L->stack[L->nstack++] = rp;
	rp = NULL;

	blank_comments(L, path, &b);
	root = json_loadb(b.data, b.len, JSON_REJECT_DUPLICATES, &err);
	if (root == NULL) {
		diags_add(L->d, path, err.line, err.column, "%s", err.text);
		goto popout;
	}
	memset(&v, 0, sizeof(v));
	v.file = path;
	v.text = b.data;
	v.len = b.len;
	if (!json_is_object(root)) {
		pol_perr(L, &v, "a policy must be a JSON object");
		goto popout;
	}

	merged = json_object();
	if ((inc = json_object_get(root, "include")) != NULL) {
		pol_push_key(&v, "include");
		if (json_is_array(inc)) {
			json_array_foreach(inc, i, e) {
				pol_push_idx(&v, i);
				load_include(L, &v, e, merged);
				pol_pop(&v);
			}
		} else
			load_include(L, &v, inc, merged);
		pol_pop(&v);
		json_object_del(root, "include");
	}
	pol_check_doc(L, &v, root);
	buf_append(&L->text, b.data, b.len);
	merge(merged, root, 1);
	*out = merged;
	merged = NULL;
	r = 0;
 popout:
	L->nstack--;
	L->done = xreallocarray(L->done, L->ndone + 1, sizeof(*L->done));
	L->done[L->ndone++] = L->stack[L->nstack];
 out:
	free(rp);
	json_decref(root);
	json_decref(merged);
	buf_release(&b);
	return r;
}

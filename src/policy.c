/*
 * policy.c: loads the policy file (SPEC section 4) and answers questions
 * about it.
 *
 * policy_load() reads the top-level file and its includes, each checked
 * on its own and then merged (policy-include.c, policy-check.c), and
 * builds a struct policy from the merged document.  Relative paths
 * (state.db, rules.paths, *_file) were rewritten relative to the file
 * that names them before the merge.  Secrets are read only when asked
 * for (policy_secret).
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/crypto.h>

#include "buf.h"
#include "diag.h"
#include "log.h"
#include "policy-int.h"
#include "policy.h"
#include "url.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#define SECRET_MAX_SIZE		(1024UL * 1024)

static char *
dup_str(json_t *obj, const char *key)
{
	json_t	*v;

	v = json_object_get(obj, key);
	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

/* Fills p from the merged, checked document. */
static void
build(struct lctx *L, struct policy *p)
{
	const struct origin	*o;
	struct policy_source	*ps;
	struct waiver		*w;
	json_t			*root = p->root, *a, *e, *rules, *st;
	size_t			 i;

	p->organization = dup_str(root, "organization");
	if (p->organization == NULL)
		p->organization = xstrdup("vigil");
	if ((st = json_object_get(root, "state")) != NULL)
		p->db = dup_str(st, "db");

	if ((a = json_object_get(root, "sources")) != NULL &&
	    json_array_size(a) > 0) {
		p->sources = xcalloc(json_array_size(a), sizeof(*p->sources));
		json_array_foreach(a, i, e) {
			ps = &p->sources[p->nsources++];
			ps->name = dup_str(e, "name");
			ps->type = dup_str(e, "type");
			ps->obj = e;
			if ((o = pol_find_origin(L, e)) != NULL) {
				ps->file = xstrdup(o->file);
				ps->line = o->line;
				ps->col = o->col;
			}
		}
	}

	if (!json_is_object(json_object_get(root, "parameters")))
		json_object_set_new(root, "parameters", json_object());
	p->parameters = json_object_get(root, "parameters");

	if ((a = json_object_get(root, "waivers")) != NULL &&
	    json_array_size(a) > 0) {
		p->waivers = xcalloc(json_array_size(a), sizeof(*p->waivers));
		json_array_foreach(a, i, e) {
			w = &p->waivers[p->nwaivers++];
			w->rule = dup_str(e, "rule");
			w->resource = dup_str(e, "resource");
			w->reason = dup_str(e, "reason");
			w->approved_by = dup_str(e, "approved_by");
			w->expires = dup_str(e, "expires");
			if ((o = pol_find_origin(L, e)) != NULL) {
				w->file = xstrdup(o->file);
				w->line = o->line;
				w->col = o->col;
			}
		}
	}

	p->rules_builtin = 1;
	if ((rules = json_object_get(root, "rules")) != NULL) {
		if ((a = json_object_get(rules, "paths")) != NULL &&
		    json_array_size(a) > 0) {
			p->rule_paths = xcalloc(json_array_size(a),
			    sizeof(*p->rule_paths));
			json_array_foreach(a, i, e) {
				if (json_is_string(e))
					p->rule_paths[p->nrule_paths++] =
					    xstrdup(json_string_value(e));
			}
		}
		if (json_is_false(json_object_get(rules, "builtin")))
			p->rules_builtin = 0;
		p->rules_enable = json_object_get(rules, "enable");
		p->rules_disable = json_object_get(rules, "disable");
		p->rules_severity = json_object_get(rules, "severity");
	}
	p->expect = json_object_get(root, "expect");
	p->critical_values = json_object_get(root, "critical_values");
	if (json_array_size(p->critical_values) > 0) {
		p->cv_pos = xcalloc(json_array_size(p->critical_values),
		    sizeof(*p->cv_pos));
		json_array_foreach(p->critical_values, i, e) {
			if ((o = pol_find_origin(L, e)) != NULL) {
				p->cv_pos[i].file = xstrdup(o->file);
				p->cv_pos[i].line = o->line;
				p->cv_pos[i].col = o->col;
			}
			p->ncv_pos = i + 1;
		}
	}
	p->freeze = json_object_get(root, "freeze");
	p->notify = json_object_get(root, "notify");
	p->where = L->where != NULL ? L->where : json_object();
	L->where = NULL;
	sha256_hex(L->text.data, L->text.len, p->sha256);
}

static void
free_strv(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static int
load_policy(const char *path, struct policy **out, struct diags *d,
    int partial)
{
	struct lctx	 L;
	struct policy	*p = NULL;
	json_t		*root = NULL;
	size_t		 nd = d->n, i;
	int		 r = VGL_ERR_POLICY;

	*out = NULL;
	memset(&L, 0, sizeof(L));
	L.d = d;
	buf_init(&L.text, 0);
	pol_load_file(&L, path, path, NULL, &root);
	if (root == NULL || (d->n > nd && !partial))
		goto out;
	p = xcalloc(1, sizeof(*p));
	p->path = xstrdup(path);
	p->root = root;
	root = NULL;
	build(&L, p);
	*out = p;
	p = NULL;
	r = d->n > nd ? VGL_ERR_POLICY : 0;
 out:
	policy_free(p);
	json_decref(root);
	json_decref(L.where);
	buf_release(&L.text);
	free_strv(L.stack, L.nstack);
	free_strv(L.done, L.ndone);
	free_strv(L.names, L.nnames);
	free_strv(L.cvnames, L.ncvnames);
	for (i = 0; i < L.norig; i++)
		free(L.orig[i].file);
	free(L.orig);
	return r;
}

int
policy_load(const char *path, struct policy **out, struct diags *d)
{
	return load_policy(path, out, d, 0);
}

int
policy_load_all(const char *path, struct policy **out, struct diags *d)
{
	return load_policy(path, out, d, 1);
}

void
policy_free(struct policy *p)
{
	size_t	 i;

	if (p == NULL)
		return;
	for (i = 0; i < p->nsources; i++) {
		free(p->sources[i].name);
		free(p->sources[i].type);
		free(p->sources[i].file);
	}
	free(p->sources);
	for (i = 0; i < p->nwaivers; i++) {
		free(p->waivers[i].rule);
		free(p->waivers[i].resource);
		free(p->waivers[i].reason);
		free(p->waivers[i].approved_by);
		free(p->waivers[i].expires);
		free(p->waivers[i].file);
	}
	free(p->waivers);
	for (i = 0; i < p->ncv_pos; i++)
		free(p->cv_pos[i].file);
	free(p->cv_pos);
	free_strv(p->rule_paths, p->nrule_paths);
	free(p->path);
	free(p->organization);
	free(p->db);
	json_decref(p->where);
	json_decref(p->root);
	free(p);
}

const struct policy_source *
policy_source_find(const struct policy *p, const char *name)
{
	size_t	 i;

	for (i = 0; p != NULL && i < p->nsources; i++) {
		if (p->sources[i].name != NULL &&
		    strcmp(p->sources[i].name, name) == 0)
			return &p->sources[i];
	}
	return NULL;
}

const char *
policy_source_str(const struct policy_source *ps, const char *key,
    const char *def)
{
	json_t	*v;

	v = ps != NULL ? json_object_get(ps->obj, key) : NULL;
	return json_is_string(v) ? json_string_value(v) : def;
}

double
policy_source_num(const struct policy_source *ps, const char *key,
    double def)
{
	json_t	*v;

	v = ps != NULL ? json_object_get(ps->obj, key) : NULL;
	return json_is_number(v) ? json_number_value(v) : def;
}

int
policy_source_bool(const struct policy_source *ps, const char *key, int def)
{
	json_t	*v;

	v = ps != NULL ? json_object_get(ps->obj, key) : NULL;
	return json_is_boolean(v) ? json_is_true(v) : def;
}

/* Reads a secret file: regular, not group/other accessible, bounded. */
static int
read_secret_file(const char *path, char **out, char **why)
{
	struct stat	 st;
	struct buf	 b;
	char		 tmp[4096];
	ssize_t		 n;
	int		 fd, r = VGL_ERR_POLICY;

	buf_init(&b, SECRET_MAX_SIZE);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1) {
		*why = xasprintf("cannot open secret file '%s': %s", path,
		    strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*why = xasprintf("secret file '%s' is not a regular file",
		    path);
		goto out;
	}
	if ((st.st_mode & 077) != 0) {
		*why = xasprintf("secret file '%s' is readable by group or "
		    "others (mode %04o); chmod 600 it", path,
		    (unsigned int)(st.st_mode & 07777));
		goto out;
	}
	for (;;) {
		n = read(fd, tmp, sizeof(tmp));
		if (n == -1 && errno == EINTR)
			continue;
		if (n == -1) {
			*why = xasprintf("cannot read secret file '%s': %s",
			    path, strerror(errno));
			goto out;
		}
		if (n == 0)
			break;
		if (buf_append(&b, tmp, (size_t)n) != 0) {
			*why = xasprintf("secret file '%s' is too large",
			    path);
			goto out;
		}
	}
	if (b.len > 0 && b.data[b.len - 1] == '\n') {
		b.data[--b.len] = '\0';
		if (b.len > 0 && b.data[b.len - 1] == '\r')
			b.data[--b.len] = '\0';
	}
	*out = buf_detach(&b, NULL);
	r = 0;
 out:
	OPENSSL_cleanse(tmp, sizeof(tmp));
	if (b.data != NULL)
		OPENSSL_cleanse(b.data, b.cap);
	buf_release(&b);
	if (fd != -1)
		close(fd);
	return r;
}

int
policy_secret(json_t *obj, const char *base, const char *def_env,
    char **out, char **why)
{
	json_t		*je, *jf;
	const char	*var = def_env, *val;
	char		*key, *s = NULL;
	int		 r;

	*out = NULL;
	key = xasprintf("%s_env", base);
	je = obj != NULL ? json_object_get(obj, key) : NULL;
	free(key);
	key = xasprintf("%s_file", base);
	jf = obj != NULL ? json_object_get(obj, key) : NULL;
	free(key);

	if (json_is_string(jf) && !json_is_string(je)) {
		if ((r = read_secret_file(json_string_value(jf), &s, why)) != 0)
			return r;
	} else {
		if (json_is_string(je))
			var = json_string_value(je);
		if (var == NULL || (val = getenv(var)) == NULL || *val == '\0')
			return VGL_ERR_NOTFOUND;
		s = xstrdup(val);
	}
	log_add_secret(s);
	*out = s;
	return 0;
}

/*
 * source.c: the table of source types and helpers shared by collectors.
 */
#include "config.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "source.h"
#include "store.h"
#include "vigil.h"
#include "xmalloc.h"

/*
 * One row per provider type, defined in its folder (src/<provider>/);
 * keep sorted by name.
 */
extern const struct source_type source_atlassian;
extern const struct source_type source_aws;
extern const struct source_type source_discord;
extern const struct source_type source_dns;
extern const struct source_type source_gws;
extern const struct source_type source_ldap;
extern const struct source_type source_rdap;

const struct source_type *const source_types[] = {
	&source_atlassian,
	&source_aws,
	&source_discord,
	&source_dns,
	&source_gws,	/* google_workspace */
	&source_ldap,
	&source_rdap,
	NULL
};

const struct source_type *
source_type_find(const char *name)
{
	size_t	 i;

	for (i = 0; name != NULL && source_types[i] != NULL; i++) {
		if (strcmp(source_types[i]->name, name) == 0)
			return source_types[i];
	}
	return NULL;
}

char *
source_ref_problem(const struct policy *p, const char *s, const char *type)
{
	const struct policy_source	 *ps;
	const char			**names;
	const char			 *near;
	char				 *r;
	size_t				  i, n = 0;

	if ((ps = policy_source_find(p, s)) != NULL && ps->type != NULL &&
	    strcmp(ps->type, type) == 0)
		return NULL;
	names = xcalloc(p->nsources + 1, sizeof(*names));
	for (i = 0; i < p->nsources; i++)
		if (p->sources[i].name != NULL && p->sources[i].type != NULL &&
		    strcmp(p->sources[i].type, type) == 0)
			names[n++] = p->sources[i].name;
	if (ps != NULL)
		r = xasprintf("source '%s' is a %s source, not %s", s,
		    ps->type != NULL ? ps->type : "?", type);
	else if ((near = diag_suggest(s, names, n)) != NULL)
		r = xasprintf("no %s source named '%s' in the policy; did you "
		    "mean '%s'?", type, s, near);
	else
		r = xasprintf("no %s source named '%s' in the policy", type, s);
	free(names);
	return r;
}

void
source_register_types(void)
{
	static struct policy_type	 t[sizeof(source_types) /
					    sizeof(source_types[0])];
	static struct store_type	 st[sizeof(source_types) /
					    sizeof(source_types[0])];
	size_t				 i;

	for (i = 0; source_types[i] != NULL; i++) {
		t[i].name = source_types[i]->name;
		t[i].keys = source_types[i]->keys;
		t[i].endpoint_keys = source_types[i]->endpoint_keys;
		t[i].kinds = source_types[i]->kinds;
		t[i].http = source_types[i]->http;
		t[i].check = source_types[i]->check;
		t[i].freeze_keys = source_types[i]->freeze_keys;
		t[i].check_freeze = source_types[i]->check_freeze;
		st[i].schema = source_types[i]->schema;
		st[i].identity = source_types[i]->identity;
	}
	policy_set_types(t, i);
	store_set_types(st, i);
}

int
source_put_row(struct source_ctx *ctx, const char *table, json_t *row)
{
	int	 r;

	if (row == NULL) {
		log_error("%s: cannot build a %s row", ctx->ps->name, table);
		return VGL_ERR_INTERNAL;
	}
	if (ctx->account_id != NULL && json_object_get(row, "account_id") ==
	    NULL)
		json_object_set_new(row, "account_id",
		    json_string(ctx->account_id));
	r = snap_insert(ctx->snap, table, ctx->ps->name, row);
	json_decref(row);
	if (r == 0)
		ctx->resources++;
	return r;
}

int
source_fail(struct source_ctx *ctx, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	free(ctx->error);
	ctx->error = log_redact(msg);
	free(msg);
	return VGL_ERR_PROVIDER;
}

void
source_status(struct source_ctx *ctx, const char *fmt, ...)
{
	va_list	 ap;
	char	*msg;

	if (ctx == NULL || ctx->on_status == NULL)
		return;
	if (fmt == NULL) {
		ctx->on_status(ctx, NULL);
		return;
	}
	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	ctx->on_status(ctx, msg);
	free(msg);
}

void
source_http_wait(void *ctx, const char *what)
{
	if (what == NULL)
		source_status(ctx, NULL);
	else
		source_status(ctx, "%s", what);
}

void
source_http_opts(const struct policy_source *ps,
    const struct collect_opts *co, struct http_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->source = ps->name;
	o->ca_file = policy_source_str(ps, "ca_file", NULL);
	o->timeout_s = policy_source_num(ps, "timeout_s", 30);
	o->max_concurrency = (int)policy_source_num(ps, "max_concurrency", 4);
	o->rate_limit_rps = policy_source_num(ps, "rate_limit_rps", 0);
	/* The deadline grows with the per-request timeout. */
	o->deadline_s = policy_source_num(ps, "deadline_s",
	    o->timeout_s * 10 > 300 ? o->timeout_s * 10 : 300);
	o->record_dir = co != NULL ? co->record_dir : NULL;
	o->replay_dir = co != NULL ? co->replay_dir : NULL;
}

char *
source_endpoint(const struct policy_source *ps, const char *key,
    const char *def)
{
	json_t		*eps, *v;
	const char	*s = NULL;
	size_t		 n;

	if (key != NULL && (eps = json_object_get(ps->obj, "endpoints")) !=
	    NULL && (v = json_object_get(eps, key)) != NULL &&
	    json_is_string(v))
		s = json_string_value(v);
	if (s == NULL)
		s = policy_source_str(ps, "endpoint", NULL);
	if (s == NULL)
		s = def;
	if (s == NULL)
		return NULL;
	n = strlen(s);
	while (n > 0 && s[n - 1] == '/')
		n--;
	return xstrndup(s, n);
}

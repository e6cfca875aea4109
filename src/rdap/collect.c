/*
 * rdap/collect.c: the registrar source (type "rdap"), RFC 9082/9083.
 *
 * Each domain's registry RDAP server comes from the IANA bootstrap file
 * (RFC 9224) shipped as data/rdap-dns.json, unless the policy gives an
 * `endpoint`.  All domains are queried concurrently through the shared
 * HTTP layer.  A domain whose TLD has no RDAP service, or that the
 * registry does not know (404), is still written to `domains` with its
 * `lookup` column saying so, for registrar.lookup_failed to report.
 * The registry's DS set (secureDNS.dsData) is one `domain_ds` row per
 * DS, in the form dns_records gives a DS, so that rules can compare it
 * with the zone's live DS and DNSKEY records.
 */
#include "config.h"
#include "paths.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "log.h"
#include "source.h"
#include "store.h"
#include "util.h"
#include "vigil.h"
#include "rdap/rdap.h"
#include "xmalloc.h"

static const char rdap_schema[] =
"CREATE TABLE IF NOT EXISTS domains(run INTEGER NOT NULL, source TEXT,\n"
"  domain TEXT, registrar TEXT, registrar_iana_id TEXT, status TEXT,\n"
"  transfer_locked INTEGER, update_locked INTEGER, delete_locked INTEGER,\n"
"  expires TEXT, registered TEXT, last_changed TEXT, nameservers TEXT,\n"
"  dnssec_signed INTEGER, lookup TEXT, rdap_server TEXT, raw TEXT);\n"
"CREATE INDEX IF NOT EXISTS domains_run ON domains(run, domain);\n"
"CREATE TABLE IF NOT EXISTS domain_ds(run INTEGER NOT NULL, source TEXT,\n"
"  domain TEXT, key_tag INTEGER, algorithm INTEGER, digest_type INTEGER,\n"
"  digest TEXT, value TEXT, raw TEXT);\n"
"CREATE INDEX IF NOT EXISTS domain_ds_run ON domain_ds(run, domain);\n";

static const char *const rdap_keys[] = {
	"domains", "bootstrap_path", "deadline_s", NULL
};

/* How the policy checker checks its keys (struct policy_type). */
static const struct policy_key rdap_kinds[] = {
	{ "domains", POLICY_STRARRAY },
	{ NULL, 0 }
};

/* The bootstrap file: from the policy, the build tree or datadir. */
static char *
bootstrap_path(const struct policy_source *ps)
{
	const char	*p;
	char		*s;

	if ((p = policy_source_str(ps, "bootstrap_path", NULL)) != NULL) {
		/* Relative to the policy file that names it. */
		const char *slash = ps->file != NULL ? strrchr(ps->file, '/') :
		    NULL;

		if (p[0] == '/' || slash == NULL)
			return xstrdup(p);
		return xasprintf("%.*s/%s", (int)(slash - ps->file), ps->file,
		    p);
	}
	if ((p = getenv("VIGIL_RDAP_BOOTSTRAP")) != NULL)
		return xstrdup(p);
	s = xasprintf("%s/data/rdap-dns.json", VIGIL_DATADIR);
	if (access(s, R_OK) == 0)
		return s;
	free(s);
	return xasprintf("%s/data/rdap-dns.json", VIGIL_SRCDIR);
}

/*
 * The base URL (without trailing slash) of the RDAP service for name:
 * longest matching label suffix, https preferred.  NULL when none.
 */
static char *
bootstrap_lookup(json_t *boot, const char *name)
{
	json_t		*services, *svc, *labels, *urls, *l, *u;
	const char	*best_url = NULL, *ls, *us;
	size_t		 i, j, k, best_len = 0, nl, n = strlen(name);
	int		 best_https = 0, https;

	services = json_object_get(boot, "services");
	json_array_foreach(services, i, svc) {
		labels = json_array_get(svc, 0);
		urls = json_array_get(svc, 1);
		json_array_foreach(labels, j, l) {
			if ((ls = json_string_value(l)) == NULL)
				continue;
			nl = strlen(ls);
			if (nl == 0 || nl > n || strcasecmp(name + n - nl, ls)
			    != 0 || (nl < n && name[n - nl - 1] != '.'))
				continue;
			if (nl < best_len)
				continue;
			json_array_foreach(urls, k, u) {
				if ((us = json_string_value(u)) == NULL)
					continue;
				https = strncmp(us, "https://", 8) == 0;
				if (nl > best_len || (https && !best_https)) {
					best_url = us;
					best_len = nl;
					best_https = https;
				}
			}
		}
	}
	if (best_url == NULL)
		return NULL;
	n = strlen(best_url);
	while (n > 0 && best_url[n - 1] == '/')
		n--;
	return xstrndup(best_url, n);
}

static char *
normalise_name(const char *s)
{
	char	*d;
	size_t	 i, n;

	d = xstrdup(s);
	n = strlen(d);
	while (n > 0 && d[n - 1] == '.')
		d[--n] = '\0';
	for (i = 0; i < n; i++)
		d[i] = (char)tolower((unsigned char)d[i]);
	return d;
}

static int
status_has(json_t *status, const char *what)
{
	json_t		*v;
	size_t		 i;
	const char	*s;
	char		 a[64];

	json_array_foreach(status, i, v) {
		if ((s = json_string_value(v)) == NULL)
			continue;
		snprintf(a, sizeof(a), "client %s prohibited", what);
		if (strcasecmp(s, a) == 0)
			return 1;
		snprintf(a, sizeof(a), "server %s prohibited", what);
		if (strcasecmp(s, a) == 0)
			return 1;
	}
	return 0;
}

static char *
event_date(json_t *events, const char *action)
{
	json_t		*e;
	size_t		 i;
	const char	*a, *d;
	long long	 t;
	char		 out[32];

	json_array_foreach(events, i, e) {
		a = json_string_value(json_object_get(e, "eventAction"));
		d = json_string_value(json_object_get(e, "eventDate"));
		if (a == NULL || d == NULL || strcasecmp(a, action) != 0)
			continue;
		if (iso8601_parse(d, &t) != 0)
			return xstrdup(d);
		iso8601_utc(t, out, sizeof(out));
		return xstrdup(out);
	}
	return NULL;
}

/* The registrar entity's name (jCard "fn") and IANA id. */
static void
registrar_of(json_t *entities, char **name, char **iana)
{
	json_t		*e, *roles, *r, *ids, *id, *vc, *prop;
	size_t		 i, j;
	const char	*s;
	int		 is_reg;

	*name = *iana = NULL;
	json_array_foreach(entities, i, e) {
		roles = json_object_get(e, "roles");
		is_reg = 0;
		json_array_foreach(roles, j, r) {
			if ((s = json_string_value(r)) != NULL &&
			    strcasecmp(s, "registrar") == 0)
				is_reg = 1;
		}
		if (!is_reg)
			continue;
		ids = json_object_get(e, "publicIds");
		json_array_foreach(ids, j, id) {
			s = json_string_value(json_object_get(id, "type"));
			if (s != NULL && strcasecmp(s, "IANA Registrar ID") ==
			    0 && *iana == NULL) {
				json_t *v = json_object_get(id, "identifier");
				if (json_is_string(v))
					*iana = xstrdup(json_string_value(v));
				else if (json_is_integer(v))
					*iana = xasprintf("%lld", (long long)
					    json_integer_value(v));
			}
		}
		vc = json_array_get(json_object_get(e, "vcardArray"), 1);
		json_array_foreach(vc, j, prop) {
			s = json_string_value(json_array_get(prop, 0));
			if (s != NULL && strcmp(s, "fn") == 0 && *name == NULL &&
			    json_is_string(json_array_get(prop, 3)))
				*name = xstrdup(json_string_value(
				    json_array_get(prop, 3)));
		}
		if (*name == NULL && (s = json_string_value(
		    json_object_get(e, "handle"))) != NULL)
			*name = xstrdup(s);
		return;
	}
}

static json_t *
nameserver_list(json_t *nss)
{
	json_t		*out, *ns;
	size_t		 i;
	const char	*s;
	char		*n;

	out = json_array();
	json_array_foreach(nss, i, ns) {
		if ((s = json_string_value(json_object_get(ns, "ldhName")))
		    == NULL)
			continue;
		n = normalise_name(s);
		json_array_append_new(out, json_string(n));
		free(n);
	}
	/* Sorted, so that drift and comparisons do not depend on order. */
	for (i = 1; i < json_array_size(out); i++) {
		size_t k = i;
		while (k > 0 && strcmp(json_string_value(json_array_get(out,
		    k - 1)), json_string_value(json_array_get(out, k))) > 0) {
			json_t *a = json_incref(json_array_get(out, k - 1));
			json_array_set(out, k - 1, json_array_get(out, k));
			json_array_set_new(out, k, a);
			k--;
		}
	}
	return out;
}

/* One RFC 9083 domain object -> a `domains` row. */
static json_t *
domain_row(const char *domain, const char *server, json_t *obj)
{
	json_t	*row, *status, *sec;
	char	*reg, *iana, *exp, *regd, *chg;
	int	 signed_;

	status = json_object_get(obj, "status");
	if (!json_is_array(status))
		status = NULL;
	registrar_of(json_object_get(obj, "entities"), &reg, &iana);
	exp = event_date(json_object_get(obj, "events"), "expiration");
	regd = event_date(json_object_get(obj, "events"), "registration");
	chg = event_date(json_object_get(obj, "events"), "last changed");
	sec = json_object_get(obj, "secureDNS");
	signed_ = json_is_true(json_object_get(sec, "delegationSigned")) ||
	    json_array_size(json_object_get(sec, "dsData")) > 0;
	row = json_pack("{s:s, s:s?, s:s?, s:O, s:b, s:b, s:b, s:s?, s:s?, "
	    "s:s?, s:o, s:b, s:s, s:s, s:O}",
	    "domain", domain, "registrar", reg, "registrar_iana_id", iana,
	    "status", status != NULL ? status : json_array(),
	    "transfer_locked", status_has(status, "transfer"),
	    "update_locked", status_has(status, "update"),
	    "delete_locked", status_has(status, "delete"),
	    "expires", exp, "registered", regd, "last_changed", chg,
	    "nameservers", nameserver_list(json_object_get(obj,
	    "nameservers")), "dnssec_signed", signed_, "lookup", "ok",
	    "rdap_server", server, "raw", obj);
	if (status == NULL)
		json_decref(json_object_get(row, "status"));
	free(reg);
	free(iana);
	free(exp);
	free(regd);
	free(chg);
	return row;
}

/* A JSON integer, or a string of digits, in [0, max]; -1 otherwise. */
static long
ds_int(json_t *v, long max)
{
	const char	*s;
	char		*end;
	long		 n;

	if (json_is_integer(v))
		n = (long)json_integer_value(v);
	else if ((s = json_string_value(v)) != NULL && *s != '\0') {
		errno = 0;
		n = strtol(s, &end, 10);
		if (errno != 0 || *end != '\0')
			return -1;
	} else
		return -1;
	return n >= 0 && n <= max ? n : -1;
}

/*
 * One `domain_ds` row per secureDNS.dsData entry (RFC 9083 section
 * 10.2.9): key tag, algorithm, digest type and the digest upper-case,
 * and `value` as "KEYTAG ALG DIGESTTYPE HEXDIGEST" (the dns_records form);
 * an entry with a missing or malformed field keeps value NULL so that
 * registrar.dnssec_ds_mismatch reports it rather than skipping it.
 */
static int
insert_ds(struct source_ctx *ctx, const char *domain, json_t *obj)
{
	json_t		*ds, *row;
	const char	*dg;
	char		*hex = NULL, *value = NULL;
	long		 kt, alg, dt;
	size_t		 i, k, n;
	int		 r;

	json_array_foreach(json_object_get(json_object_get(obj, "secureDNS"),
	    "dsData"), i, ds) {
		kt = ds_int(json_object_get(ds, "keyTag"), 65535);
		alg = ds_int(json_object_get(ds, "algorithm"), 255);
		dt = ds_int(json_object_get(ds, "digestType"), 255);
		dg = json_string_value(json_object_get(ds, "digest"));
		hex = NULL;
		if (dg != NULL && (n = strlen(dg)) > 0 && n % 2 == 0) {
			hex = xstrdup(dg);
			for (k = 0; k < n; k++) {
				if (!isxdigit((unsigned char)hex[k])) {
					free(hex);
					hex = NULL;
					break;
				}
				hex[k] = (char)toupper((unsigned char)hex[k]);
			}
		}
		value = kt >= 0 && alg >= 0 && dt >= 0 && hex != NULL ?
		    xasprintf("%ld %ld %ld %s", kt, alg, dt, hex) : NULL;
		row = json_pack("{s:s, s:o, s:o, s:o, s:s?, s:s?, s:O}",
		    "domain", domain,
		    "key_tag", kt >= 0 ? json_integer(kt) : json_null(),
		    "algorithm", alg >= 0 ? json_integer(alg) : json_null(),
		    "digest_type", dt >= 0 ? json_integer(dt) : json_null(),
		    "digest", hex, "value", value, "raw", ds);
		free(hex);
		free(value);
		/* Facts of the domain, not resources of their own. */
		if (row == NULL)
			return VGL_ERR_INTERNAL;
		r = snap_insert(ctx->snap, "domain_ds", ctx->ps->name, row);
		json_decref(row);
		if (r != 0)
			return r;
	}
	return 0;
}

static int
insert_unchecked(struct source_ctx *ctx, const char *domain,
    const char *lookup, const char *server)
{
	json_t	*row;

	row = json_pack("{s:s, s:s, s:s?, s:[]}", "domain", domain, "lookup",
	    lookup, "rdap_server", server, "nameservers");
	return source_put_row(ctx, "domains", row);
}

static int
rdap_collect(struct source_ctx *ctx)
{
	json_t			*domains, *boot = NULL, *d, *obj, *row;
	const char		*ocn;
	json_error_t		 jerr;
	struct http_req		**reqs = NULL;
	char			**names = NULL, **servers = NULL, *endpoint;
	char			*bpath = NULL;
	size_t			 i, n, nreq = 0;
	struct buf		 errs;
	int			 r = 0, nerr = 0;

	buf_init(&errs, 0);
	domains = json_object_get(ctx->ps->obj, "domains");
	n = json_array_size(domains);
	endpoint = source_endpoint(ctx->ps, NULL, NULL);
	if (endpoint == NULL) {
		bpath = bootstrap_path(ctx->ps);
		if ((boot = json_load_file(bpath, 0, &jerr)) == NULL) {
			r = source_fail(ctx, "cannot read RDAP bootstrap "
			    "file '%s': %s", bpath, jerr.text);
			goto out;
		}
	}
	reqs = xcalloc(n, sizeof(*reqs));
	names = xcalloc(n, sizeof(*names));
	servers = xcalloc(n, sizeof(*servers));
	json_array_foreach(domains, i, d) {
		char *url, *base;

		names[i] = normalise_name(json_string_value(d));
		base = endpoint != NULL ? xstrdup(endpoint) :
		    bootstrap_lookup(boot, names[i]);
		if (base == NULL) {
			log_warn("%s: no RDAP service for '%s' in the IANA "
			    "bootstrap file", ctx->ps->name, names[i]);
			if ((r = insert_unchecked(ctx, names[i],
			    "no_rdap_service", NULL)) != 0)
				goto out;
			continue;
		}
		servers[i] = base;
		url = xasprintf("%s/domain/%s", base, names[i]);
		reqs[nreq] = http_req_new("GET", url);
		http_req_set_header(reqs[nreq], "Accept",
		    "application/rdap+json");
		reqs[nreq]->user = &names[i];
		nreq++;
		free(url);
	}
	if (nreq > 0)
		http_do_all(ctx->http, reqs, nreq);
	for (i = 0; i < nreq; i++) {
		struct http_req	*q = reqs[i];
		char		**np = q->user;
		const char	*name = *np;
		const char	*server = servers[np - names];

		if (q->result != 0) {
			buf_printf(&errs, "%s%s: %s", nerr++ ? "; " : "",
			    name, q->error != NULL ? q->error :
			    vgl_err(q->result));
			continue;
		}
		if (q->status == 404) {
			if ((r = insert_unchecked(ctx, name, "not_found",
			    server)) != 0)
				goto out;
			continue;
		}
		if (q->status != 200) {
			buf_printf(&errs, "%s%s: RDAP server answered HTTP "
			    "%ld for %s", nerr++ ? "; " : "", name, q->status,
			    q->effective_url != NULL ? q->effective_url :
			    q->url);
			continue;
		}
		obj = json_loadb(q->resp.data, q->resp.len, 0, &jerr);
		if (obj == NULL || !json_is_object(obj)) {
			buf_printf(&errs, "%s%s: malformed RDAP JSON at line "
			    "%d column %d: %s", nerr++ ? "; " : "", name,
			    jerr.line, jerr.column, obj == NULL ? jerr.text :
			    "not an object");
			json_decref(obj);
			continue;
		}
		/*
		 * RFC 9083: every object names its class.  A JSON object
		 * that is not a domain (a proxy's or portal's answer, an
		 * error body with 200) must fail the source, not pass as a
		 * domain without status, locks or nameservers.
		 */
		ocn = json_string_value(json_object_get(obj,
		    "objectClassName"));
		if (ocn == NULL || strcmp(ocn, "domain") != 0) {
			buf_printf(&errs, "%s%s: the answer is not an RDAP "
			    "domain object (objectClassName %s%s%s) from %s: "
			    "check the source's endpoint", nerr++ ? "; " : "",
			    name, ocn != NULL ? "'" : "", ocn != NULL ? ocn :
			    "missing", ocn != NULL ? "'" : "",
			    q->effective_url != NULL ? q->effective_url :
			    q->url);
			json_decref(obj);
			continue;
		}
		row = domain_row(name, server, obj);
		if ((r = source_put_row(ctx, "domains", row)) != 0 ||
		    (r = insert_ds(ctx, name, obj)) != 0) {
			json_decref(obj);
			goto out;
		}
		json_decref(obj);
	}
	if (nerr > 0)
		r = source_fail(ctx, "%s", errs.data);
 out:
	for (i = 0; i < nreq; i++)
		http_req_free(reqs[i]);
	for (i = 0; names != NULL && i < n; i++) {
		free(names[i]);
		free(servers[i]);
	}
	free(reqs);
	free(names);
	free(servers);
	free(endpoint);
	free(bpath);
	json_decref(boot);
	buf_release(&errs);
	return r;
}

static void
rdap_check(const struct policy_source *ps, struct diags *d)
{
	json_t	*domains = json_object_get(ps->obj, "domains");

	if (!json_is_array(domains) || json_array_size(domains) == 0)
		diags_add(d, ps->file, ps->line, ps->col, "source '%s': "
		    "\"domains\" must be a non-empty array of names",
		    ps->name);
}

/* Rule providers (rules/rdap) that stand for rdap. */
static const char *const rdap_rule_providers[] = { "registrar", NULL };

/*
 * Natural keys for drift (drift.c); domains.rdap_server (the RDAP base
 * URL used) describes how vigil looked, not the state it saw.
 */
static const struct drift_table rdap_drift[] = {
	{ "domain_ds",			"domain,value", NULL, NULL, NULL },
	{ "domains",			"domain", "rdap_server", NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct source_type source_rdap = {
	.name = "rdap",
	.rule_providers = rdap_rule_providers,
	.drift = rdap_drift,
	.critical = rdap_critical,
	.keys = rdap_keys,
	.endpoint_keys = NULL,
	.kinds = rdap_kinds,
	.http = 1,
	.follow_redirects = 1,	/* RFC 7480: registries redirect to registrars */
	.schema = rdap_schema,
	.check = rdap_check,
	.collect = rdap_collect,
};

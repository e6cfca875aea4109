/*
 * ldap/collect.c: the LDAP source (type "ldap"): users and groups of an
 * OpenLDAP or Active Directory directory, read with libldap.
 *
 * The collector connects to `uri` (ldap:// or ldaps://, StartTLS when
 * `starttls` is true; certificates are always verified, `ca_file` adds a
 * trust anchor), binds with `bind_dn` and the password of password_env or
 * password_file (anonymously when neither is set; a DN with an empty
 * password is refused), then runs paged subtree searches (RFC 2696, pages
 * of 500) under `base_dn` for users and groups, and a base read of every
 * password policy entry named by a user's pwdPolicySubentry.
 *
 * Rows (docs/schema.md): ldap_users(dn, uid, email, name, disabled,
 * password_changed, password_never_expires, groups, is_admin, raw) and
 * ldap_groups(dn, name, members, raw).  A connection, TLS, bind or search
 * failure fails the source with libldap's reason and the server's
 * diagnostic message.
 *
 * Besides the accounts, three facts about the directory itself go into
 * ldap_server: whether the connection is cleartext (ldap:// without
 * StartTLS) to a host that is not literally loopback; whether an
 * anonymous simple bind on a second connection can read the base entry;
 * and whether the audit bind can read userPassword of entries other than
 * its own, asked with attrsonly (the attribute's name comes back, never a
 * value; nothing of a value is ever stored).  ldap_user_activity holds
 * each user's last successful bind where the server keeps one (OpenLDAP
 * pwdLastSuccess with "lastbind on", slapo-lastbind authTimestamp, AD
 * lastLogonTimestamp) and its creation time.
 *
 * With --record DIR each search (all its pages) is written to
 * DIR/<source>/NNNNNN.json: the request, the result code and the entries
 * as {dn, attributes}; with --replay DIR the searches are answered from
 * there and nothing is sent.  The bind password is never recorded.
 */
#include "config.h"

#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <lber.h>
#include <ldap.h>

#include "log.h"
#include "record.h"
#include "source.h"
#include "url.h"
#include "store.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#define LDAP_PAGE_SIZE		500
#define UAC_ACCOUNTDISABLE	0x2
#define UAC_DONT_EXPIRE_PASSWD	0x10000
#define FILETIME_UNIX_OFFSET	11644473600LL

static const char ldap_schema[] =
"CREATE TABLE IF NOT EXISTS ldap_users(run INTEGER NOT NULL, source TEXT,\n"
"  dn TEXT, uid TEXT, email TEXT, name TEXT, disabled INTEGER,\n"
"  password_changed TEXT, password_never_expires INTEGER, groups TEXT,\n"
"  is_admin INTEGER, raw TEXT);\n"
"CREATE INDEX IF NOT EXISTS ldap_users_run ON ldap_users(run, dn);\n"
"CREATE TABLE IF NOT EXISTS ldap_groups(run INTEGER NOT NULL, source TEXT,\n"
"  dn TEXT, name TEXT, members TEXT, raw TEXT);\n"
"CREATE INDEX IF NOT EXISTS ldap_groups_run ON ldap_groups(run, dn);\n"
"CREATE TABLE IF NOT EXISTS ldap_server(run INTEGER NOT NULL, source TEXT,\n"
"  uri TEXT, host TEXT, tls TEXT, loopback INTEGER, bind_dn TEXT,\n"
"  anonymous_bind INTEGER, anonymous_read INTEGER, anonymous_detail TEXT,\n"
"  password_readable INTEGER, password_readable_entries INTEGER,\n"
"  password_readable_sample TEXT, password_detail TEXT,\n"
"  last_bind_users INTEGER, raw TEXT);\n"
"CREATE TABLE IF NOT EXISTS ldap_user_activity(run INTEGER NOT NULL,\n"
"  source TEXT, dn TEXT, uid TEXT, last_bind TEXT,\n"
"  last_bind_attribute TEXT, created TEXT);\n"
"CREATE INDEX IF NOT EXISTS ldap_user_activity_run ON\n"
"  ldap_user_activity(run, dn);\n";

static const char *const ldap_keys[] = {
	"uri", "base_dn", "bind_dn", "password_env", "starttls",
	"user_filter", "group_filter", "ca_file", "timeout_s", NULL
};

/* How the policy checker checks its keys (struct policy_type). */
static const struct policy_key ldap_kinds[] = {
	{ "uri", POLICY_STRING },
	{ "base_dn", POLICY_STRING },
	{ "bind_dn", POLICY_STRING },
	{ "starttls", POLICY_BOOL },
	{ "user_filter", POLICY_STRING },
	{ "group_filter", POLICY_STRING },
	{ NULL, 0 }
};

static const char default_user_filter[] =
    "(|(objectClass=inetOrgPerson)(objectClass=posixAccount)"
    "(objectClass=user))";
static const char default_group_filter[] =
    "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames)"
    "(objectClass=posixGroup)(objectClass=group))";

static char *user_attrs[] = {
	"uid", "sAMAccountName", "mail", "cn", "displayName", "memberOf",
	"pwdChangedTime", "pwdLastSet", "shadowLastChange",
	"pwdAccountLockedTime", "nsAccountLock", "shadowExpire",
	"userAccountControl", "accountExpires", "pwdPolicySubentry",
	"objectClass", "pwdLastSuccess", "authTimestamp", "lastLogonTimestamp",
	"createTimestamp", "whenCreated", NULL
};
static char *group_attrs[] = {
	"cn", "sAMAccountName", "member", "uniqueMember", "memberUid",
	"objectClass", NULL
};
static char *policy_attrs[] = { "pwdMaxAge", "objectClass", NULL };

struct ldapc {
	struct source_ctx	*ctx;
	LDAP			*ld;
	const char		*uri;
	struct timeval		 tv;
	long long		 now;
	char			*record_path;	/* record_dir/source */
	unsigned long		 seq;
	json_t			*replay;	/* recorded searches */
	char			*replay_path;
};

/* The result of one search. */
struct result {
	json_t		*entries;	/* [{dn, attributes: {name: [v]}}] */
	int		 code;		/* LDAP result code */
	char		*text;		/* server's diagnostic, or NULL */
	long		 pages;
};

/* Recording and replay. */

static json_t *
attrs_json(char **attrs)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; attrs[i] != NULL; i++)
		json_array_append_new(a, json_string(attrs[i]));
	return a;
}

/* Writes one search: the request, its result and entries. */
static int
record_search(struct ldapc *l, const char *base, int scope,
    const char *filter, char **attrs, const struct result *res)
{
	json_t	*o;
	char	 when[32];
	int	 r;

	iso8601_utc((long long)time(NULL), when, sizeof(when));
	o = json_pack("{s:s, s:s, s:i, s:s, s:o, s:i, s:s?, s:I, s:O, s:s}",
	    "server", l->uri, "base", base, "scope", scope, "filter", filter,
	    "attributes", attrs_json(attrs), "result_code", res->code,
	    "result_text", res->text, "pages", (json_int_t)res->pages,
	    "entries", res->entries, "captured_at", when);
	if ((r = record_write_next(l->record_path, &l->seq, o, NULL)) != 0)
		r = source_fail(l->ctx, "cannot write recording in '%s': %s",
		    l->record_path, strerror(errno));
	json_decref(o);
	return r;
}

static int
replay_load(struct ldapc *l)
{
	json_t		*o;
	char		*why = NULL;
	size_t		 i;
	int		 r;

	if ((r = record_load_dir(l->replay_path, &l->replay, &why)) != 0) {
		r = source_fail(l->ctx, "no usable recording for source '%s': "
		    "%s", l->ctx->ps->name, why);
		free(why);
		return r;
	}
	json_array_foreach(l->replay, i, o) {
		if (!json_is_string(json_object_get(o, "base")) ||
		    !json_is_string(json_object_get(o, "filter")) ||
		    !json_is_integer(json_object_get(o, "scope")) ||
		    !json_is_integer(json_object_get(o, "result_code")) ||
		    !json_is_array(json_object_get(o, "entries")))
			return source_fail(l->ctx, "invalid recording in '%s' "
			    "(exchange %zu): expected base, scope, filter, "
			    "result_code and entries", l->replay_path, i + 1);
	}
	return 0;
}

/* The first unused recorded search for base, scope and filter. */
static int
replay_search(struct ldapc *l, const char *base, int scope,
    const char *filter, struct result *res)
{
	json_t		*o;
	const char	*t;
	size_t		 i;

	json_array_foreach(l->replay, i, o) {
		if (json_is_true(json_object_get(o, "used")) ||
		    strcmp(json_string_value(json_object_get(o, "base")),
		    base) != 0 ||
		    json_integer_value(json_object_get(o, "scope")) != scope ||
		    strcmp(json_string_value(json_object_get(o, "filter")),
		    filter) != 0)
			continue;
		json_object_set_new(o, "used", json_true());
		res->entries = json_incref(json_object_get(o, "entries"));
		res->code = (int)json_integer_value(json_object_get(o,
		    "result_code"));
		t = json_string_value(json_object_get(o, "result_text"));
		res->text = t != NULL ? xstrdup(t) : NULL;
		res->pages = (long)json_integer_value(json_object_get(o,
		    "pages"));
		l->ctx->requests += res->pages > 0 ? res->pages : 1;
		return 0;
	}
	return source_fail(l->ctx, "no recorded answer for the search "
	    "%s under '%s' in %s", filter, base, l->replay_path);
}

/* Live searches. */

/* Fails the source with libldap's reason and the diagnostic message. */
static int
ld_fail(struct ldapc *l, int rc, const char *what)
{
	char	*diag = NULL;
	int	 r;

	if (l->ld != NULL)
		ldap_get_option(l->ld, LDAP_OPT_DIAGNOSTIC_MESSAGE, &diag);
	r = source_fail(l->ctx, "%s %s: %s%s%s%s", what, l->uri,
	    ldap_err2string(rc), diag != NULL && *diag != '\0' ? " (" : "",
	    diag != NULL ? diag : "", diag != NULL && *diag != '\0' ?
	    ")" : "");
	ldap_memfree(diag);
	return r;
}

static void
entry_json(LDAP *ld, LDAPMessage *e, json_t *entries)
{
	BerElement	 *ber = NULL;
	struct berval	**vals;
	json_t		 *attrs, *arr, *v;
	char		 *dn, *a, *k;
	size_t		  i;

	dn = ldap_get_dn(ld, e);
	attrs = json_object();
	for (a = ldap_first_attribute(ld, e, &ber); a != NULL;
	    a = ldap_next_attribute(ld, e, ber)) {
		arr = json_array();
		if ((vals = ldap_get_values_len(ld, e, a)) != NULL) {
			for (i = 0; vals[i] != NULL; i++) {
				/* Text attributes only; not valid UTF-8: dropped. */
				v = json_stringn(vals[i]->bv_val,
				    vals[i]->bv_len);
				if (v != NULL)
					json_array_append_new(arr, v);
			}
			ldap_value_free_len(vals);
		}
		k = xstrdup(a);
		for (i = 0; k[i] != '\0'; i++)
			k[i] = (char)tolower((unsigned char)k[i]);
		json_object_set_new(attrs, k, arr);
		free(k);
		ldap_memfree(a);
	}
	if (ber != NULL)
		ber_free(ber, 0);
	json_array_append_new(entries, json_pack("{s:s, s:o}", "dn",
	    dn != NULL ? dn : "", "attributes", attrs));
	ldap_memfree(dn);
}

static int
live_search(struct ldapc *l, const char *base, int scope,
    const char *filter, char **attrs, struct result *res)
{
	struct berval	 cookie = { 0, NULL };
	LDAPControl	*page, *sctrls[2], **rctrls, *pr;
	LDAPMessage	*msg, *e;
	ber_int_t	 est;
	char		*emsg;
	int		 rc, err = 0, r = 0;

	res->entries = json_array();
	do {
		page = NULL;
		rctrls = NULL;
		msg = NULL;
		emsg = NULL;
		rc = ldap_create_page_control(l->ld, LDAP_PAGE_SIZE, &cookie,
		    1, &page);
		if (rc != LDAP_SUCCESS) {
			r = ld_fail(l, rc, "cannot make a paged search for");
			break;
		}
		sctrls[0] = page;
		sctrls[1] = NULL;
		l->ctx->requests++;
		res->pages++;
		rc = ldap_search_ext_s(l->ld, base, scope, filter, attrs, 0,
		    sctrls, NULL, &l->tv, LDAP_NO_LIMIT, &msg);
		ldap_control_free(page);
		if (msg == NULL) {
			r = ld_fail(l, rc, "search failed on");
			break;
		}
		for (e = ldap_first_entry(l->ld, msg); e != NULL;
		    e = ldap_next_entry(l->ld, e))
			entry_json(l->ld, e, res->entries);
		rc = ldap_parse_result(l->ld, msg, &err, NULL, &emsg, NULL,
		    &rctrls, 1);
		msg = NULL;
		if (rc != LDAP_SUCCESS) {
			r = ld_fail(l, rc, "bad search result from");
			break;
		}
		ber_memfree(cookie.bv_val);
		cookie.bv_val = NULL;
		cookie.bv_len = 0;
		if (err != LDAP_SUCCESS) {
			res->code = err;
			res->text = emsg != NULL && *emsg != '\0' ?
			    xstrdup(emsg) : NULL;
		} else if ((pr = ldap_control_find(LDAP_CONTROL_PAGEDRESULTS,
		    rctrls, NULL)) != NULL)
			ldap_parse_pageresponse_control(l->ld, pr, &est,
			    &cookie);
		ldap_memfree(emsg);
		ldap_controls_free(rctrls);
	} while (err == LDAP_SUCCESS && cookie.bv_len > 0);
	ber_memfree(cookie.bv_val);
	return r;
}

static void
result_release(struct result *res)
{
	json_decref(res->entries);
	free(res->text);
	memset(res, 0, sizeof(*res));
}

/* One search, live or replayed, recorded when asked. */
static int
search(struct ldapc *l, const char *base, int scope, const char *filter,
    char **attrs, struct result *res)
{
	int	 r;

	memset(res, 0, sizeof(*res));
	if (l->replay != NULL)
		r = replay_search(l, base, scope, filter, res);
	else
		r = live_search(l, base, scope, filter, attrs, res);
	if (r == 0 && l->record_path != NULL)
		r = record_search(l, base, scope, filter, attrs, res);
	return r;
}

/* Connecting and binding. */

static int
connect_bind(struct ldapc *l)
{
	struct source_ctx	*ctx = l->ctx;
	const char		*ca = policy_source_str(ctx->ps, "ca_file",
				    NULL);
	const char		*bind_dn = policy_source_str(ctx->ps,
				    "bind_dn", NULL);
	struct berval		 cred = { 0, NULL };
	char			*pw = NULL, *why = NULL;
	int			 v3 = LDAP_VERSION3;
	int			 demand = LDAP_OPT_X_TLS_DEMAND, zero = 0;
	int			 starttls, ldaps, rc, r;

	starttls = policy_source_bool(ctx->ps, "starttls", 0);
	ldaps = strncasecmp(l->uri, "ldaps://", 8) == 0;
	if (bind_dn != NULL) {
		r = policy_secret(ctx->ps->obj, "password", NULL, &pw, &why);
		if (r == VGL_ERR_NOTFOUND)
			r = source_fail(ctx, "no bind password for '%s': set "
			    "the variable named by password_env, or "
			    "password_file", bind_dn);
		else if (r != 0)
			r = source_fail(ctx, "bind password: %s",
			    why != NULL ? why : "cannot be read");
		free(why);
		if (r != 0)
			return r;
		if (*pw == '\0') {
			freestr_secret(pw);
			/* RFC 4513 5.1.2: an unauthenticated bind. */
			return source_fail(ctx, "refusing to bind as '%s' with "
			    "an empty password", bind_dn);
		}
	}
	if ((rc = ldap_initialize(&l->ld, l->uri)) != LDAP_SUCCESS) {
		r = ld_fail(l, rc, "cannot use");
		goto out;
	}
	ldap_set_option(l->ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(l->ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	ldap_set_option(l->ld, LDAP_OPT_NETWORK_TIMEOUT, &l->tv);
	ldap_set_option(l->ld, LDAP_OPT_TIMEOUT, &l->tv);
	if (ldaps || starttls) {
		ldap_set_option(l->ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
		if (ca != NULL)
			ldap_set_option(l->ld, LDAP_OPT_X_TLS_CACERTFILE, ca);
		if ((rc = ldap_set_option(l->ld, LDAP_OPT_X_TLS_NEWCTX,
		    &zero)) != LDAP_OPT_SUCCESS) {
			r = ld_fail(l, rc, "cannot set up TLS for");
			goto out;
		}
	}
	if (starttls && !ldaps) {
		ctx->requests++;
		if ((rc = ldap_start_tls_s(l->ld, NULL, NULL)) !=
		    LDAP_SUCCESS) {
			r = ld_fail(l, rc, "StartTLS failed with");
			goto out;
		}
	}
	if (pw != NULL) {
		cred.bv_val = pw;
		cred.bv_len = strlen(pw);
	}
	ctx->requests++;
	rc = ldap_sasl_bind_s(l->ld, bind_dn, LDAP_SASL_SIMPLE, &cred, NULL,
	    NULL, NULL);
	if (rc != LDAP_SUCCESS) {
		if (bind_dn != NULL) {
			char *what = xasprintf("bind as '%s' failed on",
			    bind_dn);

			r = ld_fail(l, rc, what);
			free(what);
		} else
			r = ld_fail(l, rc, "anonymous bind failed on");
		goto out;
	}
	r = 0;
 out:
	freestr_secret(pw);
	return r;
}

/* Values of entries. */

static json_t *
attr(json_t *entry, const char *name)
{
	return json_object_get(json_object_get(entry, "attributes"), name);
}

static const char *
attr1(json_t *entry, const char *name)
{
	return json_string_value(json_array_get(attr(entry, name), 0));
}

static int
attr_num(json_t *entry, const char *name, long long *out)
{
	const char	*s = attr1(entry, name);
	char		*end;

	if (s == NULL || *s == '\0')
		return -1;
	errno = 0;
	*out = strtoll(s, &end, 10);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

/* A DN in a canonical form for comparisons: normalised, lower-case. */
static char *
norm_dn(const char *dn)
{
	char	*n = NULL, *d;
	size_t	 i;

	if (ldap_dn_normalize(dn, LDAP_DN_FORMAT_LDAP, &n,
	    LDAP_DN_FORMAT_LDAPV3) == LDAP_SUCCESS && n != NULL) {
		d = xstrdup(n);
		ldap_memfree(n);
	} else
		d = xstrdup(dn);
	for (i = 0; d[i] != '\0'; i++)
		d[i] = (char)tolower((unsigned char)d[i]);
	return d;
}

/* GeneralizedTime (YYYYMMDDHHMMSS[.f]Z) to ISO-8601 UTC; -1 if not. */
static int
gentime_iso(const char *s, char *out, size_t len)
{
	int	 y, mo, d, h, mi, sec = 0, n = 0;

	if (s == NULL || strlen(s) < 11 ||
	    sscanf(s, "%4d%2d%2d%2d%2d%n", &y, &mo, &d, &h, &mi, &n) != 5)
		return -1;
	if (isdigit((unsigned char)s[n]) && isdigit((unsigned char)s[n + 1]))
		sec = (s[n] - '0') * 10 + (s[n + 1] - '0');
	if (y < 0 || mo < 1 || mo > 12 || d < 1 || d > 31 || h < 0 ||
	    h > 23 || mi < 0 || mi > 59 || sec > 60)
		return -1;
	snprintf(out, len, "%04d-%02d-%02dT%02d:%02d:%02dZ", y, mo, d, h, mi,
	    sec);
	return 0;
}

/* AD FILETIME (100 ns since 1601) to Unix seconds. */
static long long
filetime_unix(long long v)
{
	return v / 10000000LL - FILETIME_UNIX_OFFSET;
}

/*
 * disabled: pwdAccountLockedTime present (ppolicy), nsAccountLock true
 * (389-DS), shadowExpire on or before today, AD ACCOUNTDISABLE or an
 * accountExpires in the past.
 */
static int
user_disabled(struct ldapc *l, json_t *e)
{
	const char	*s;
	long long	 v;

	if (json_array_size(attr(e, "pwdaccountlockedtime")) > 0)
		return 1;
	if ((s = attr1(e, "nsaccountlock")) != NULL &&
	    strcasecmp(s, "true") == 0)
		return 1;
	if (attr_num(e, "shadowexpire", &v) == 0 && v >= 0 &&
	    v * 86400 <= l->now)
		return 1;
	if (attr_num(e, "useraccountcontrol", &v) == 0 &&
	    (v & UAC_ACCOUNTDISABLE) != 0)
		return 1;
	if (attr_num(e, "accountexpires", &v) == 0 && v != 0 &&
	    v != 0x7FFFFFFFFFFFFFFFLL && filetime_unix(v) <= l->now)
		return 1;
	return 0;
}

/* pwdChangedTime, else AD pwdLastSet, else shadowLastChange. */
static int
password_changed(json_t *e, char *out, size_t len)
{
	long long	 v;

	if (gentime_iso(attr1(e, "pwdchangedtime"), out, len) == 0)
		return 0;
	if (attr_num(e, "pwdlastset", &v) == 0 && v > 0) {
		iso8601_utc(filetime_unix(v), out, len);
		return 0;
	}
	if (attr_num(e, "shadowlastchange", &v) == 0 && v > 0) {
		iso8601_utc(v * 86400, out, len);
		return 0;
	}
	return -1;
}

/*
 * Reads each password policy named by a pwdPolicySubentry once: map of
 * normalised DN to 1 (pwdMaxAge 0 or absent: never expires) or 0.  A
 * policy that cannot be read (no such entry, no access) is 0.
 */
static int
read_policies(struct ldapc *l, json_t *users, json_t *policies)
{
	struct result	 res;
	json_t		*e, *pe;
	const char	*dn;
	char		*nd;
	long long	 maxage;
	size_t		 i;
	int		 r = 0, never;

	json_array_foreach(users, i, e) {
		if ((dn = attr1(e, "pwdpolicysubentry")) == NULL)
			continue;
		nd = norm_dn(dn);
		if (json_object_get(policies, nd) != NULL) {
			free(nd);
			continue;
		}
		if ((r = search(l, dn, LDAP_SCOPE_BASE, "(objectClass=*)",
		    policy_attrs, &res)) != 0) {
			free(nd);
			return r;
		}
		never = 0;
		pe = json_array_get(res.entries, 0);
		if (res.code == LDAP_SUCCESS && pe != NULL)
			never = attr_num(pe, "pwdmaxage", &maxage) != 0 ||
			    maxage == 0;
		else
			log_warn("%s: password policy '%s' cannot be read: "
			    "%s%s%s", l->ctx->ps->name, dn,
			    ldap_err2string(res.code), res.text != NULL ?
			    ": " : "", res.text != NULL ? res.text : "");
		json_object_set_new(policies, nd, json_integer(never));
		free(nd);
		result_release(&res);
	}
	return 0;
}

static void
map_add(json_t *map, const char *key, const char *val)
{
	json_t	*a;

	if ((a = json_object_get(map, key)) == NULL) {
		a = json_array();
		json_object_set_new(map, key, a);
	}
	json_array_append_new(a, json_string(val));
}

static int
insert_row(struct source_ctx *ctx, const char *table, json_t *row)
{
	return source_put_row(ctx, table, row);
}

/* The name of a group: cn, else sAMAccountName, else its first RDN. */
static char *
group_name(json_t *g)
{
	const char	*s, *dn, *eq, *comma;

	if ((s = attr1(g, "cn")) != NULL ||
	    (s = attr1(g, "samaccountname")) != NULL)
		return xstrdup(s);
	dn = json_string_value(json_object_get(g, "dn"));
	if ((eq = strchr(dn, '=')) == NULL)
		return xstrdup(dn);
	comma = strchr(eq, ',');
	return comma != NULL ? xstrndup(eq + 1, (size_t)(comma - eq - 1)) :
	    xstrdup(eq + 1);
}

/*
 * Writes ldap_groups, and fills bymember (normalised member DN, or
 * "uid:" uid, to group DNs) and names (normalised group DN to name).
 */
static int
write_groups(struct ldapc *l, json_t *groups, json_t *bymember,
    json_t *names)
{
	static const char *const member_attrs[] = {
		"member", "uniquemember", "memberuid"
	};
	json_t		*g, *members, *v;
	const char	*dn, *s;
	char		*name, *nd, *key, *hash;
	size_t		 i, j, k;
	int		 r;

	json_array_foreach(groups, i, g) {
		dn = json_string_value(json_object_get(g, "dn"));
		name = group_name(g);
		nd = norm_dn(dn);
		json_object_set_new(names, nd, json_string(name));
		free(nd);
		members = json_array();
		for (k = 0; k < 3; k++) {
			json_array_foreach(attr(g, member_attrs[k]), j, v) {
				s = json_string_value(v);
				json_array_append_new(members, json_string(s));
				if (k == 2) {
					key = xasprintf("uid:%s", s);
					map_add(bymember, key, dn);
					free(key);
					continue;
				}
				/* uniqueMember: DN [# optional uid]. */
				key = xstrdup(s);
				if (k == 1 && (hash = strrchr(key, '#')) !=
				    NULL && hash[1] == '\'')
					*hash = '\0';
				nd = norm_dn(key);
				map_add(bymember, nd, dn);
				free(nd);
				free(key);
			}
		}
		r = insert_row(l->ctx, "ldap_groups", json_pack("{s:s, s:s, "
		    "s:o, s:O}", "dn", dn, "name", name, "members", members,
		    "raw", g));
		free(name);
		if (r != 0)
			return r;
	}
	return 0;
}

/* Is one of groups (DNs) named in admins (group names or DNs)? */
static int
in_admin_group(json_t *groups, json_t *names, json_t *admins)
{
	json_t		*g, *a;
	const char	*nm;
	char		*nd, *na;
	size_t		 i, j;
	int		 hit = 0;

	json_array_foreach(groups, i, g) {
		nd = norm_dn(json_string_value(g));
		nm = json_string_value(json_object_get(names, nd));
		json_array_foreach(admins, j, a) {
			if (!json_is_string(a))
				continue;
			na = norm_dn(json_string_value(a));
			if (strcmp(na, nd) == 0 || (nm != NULL &&
			    strcasecmp(json_string_value(a), nm) == 0))
				hit = 1;
			free(na);
		}
		free(nd);
		if (hit)
			break;
	}
	return hit;
}

static int
write_users(struct ldapc *l, json_t *users, json_t *bymember, json_t *names,
    json_t *policies)
{
	json_t		*e, *groups, *seen, *v, *admins = NULL, *row;
	const char	*dn, *uid, *pol;
	char		*nd, *key, when[64];
	long long	 uac;
	size_t		 i, j, k;
	int		 never, r;

	if (l->ctx->policy != NULL)
		admins = json_object_get(l->ctx->policy->parameters,
		    "ldap_admin_groups");
	json_array_foreach(users, i, e) {
		dn = json_string_value(json_object_get(e, "dn"));
		if ((uid = attr1(e, "uid")) == NULL)
			uid = attr1(e, "samaccountname");
		/* Groups: memberOf, and the groups naming the user. */
		groups = json_array();
		seen = json_object();
		json_array_foreach(attr(e, "memberof"), j, v) {
			nd = norm_dn(json_string_value(v));
			if (json_object_get(seen, nd) == NULL) {
				json_object_set_new(seen, nd, json_true());
				json_array_append(groups, v);
			}
			free(nd);
		}
		nd = norm_dn(dn);
		key = uid != NULL ? xasprintf("uid:%s", uid) : NULL;
		for (k = 0; k < 2; k++) {
			json_array_foreach(json_object_get(bymember,
			    k == 0 ? nd : (key != NULL ? key : "")), j, v) {
				char *ng = norm_dn(json_string_value(v));

				if (json_object_get(seen, ng) == NULL) {
					json_object_set_new(seen, ng,
					    json_true());
					json_array_append(groups, v);
				}
				free(ng);
			}
		}
		free(nd);
		free(key);
		json_decref(seen);
		never = attr_num(e, "useraccountcontrol", &uac) == 0 &&
		    (uac & UAC_DONT_EXPIRE_PASSWD) != 0;
		if ((pol = attr1(e, "pwdpolicysubentry")) != NULL) {
			nd = norm_dn(pol);
			if (json_integer_value(json_object_get(policies,
			    nd)) == 1)
				never = 1;
			free(nd);
		}
		row = json_pack("{s:s, s:s?, s:s?, s:s?, s:b, s:b, s:o, s:b, "
		    "s:O}", "dn", dn, "uid", uid, "email", attr1(e, "mail"),
		    "name", attr1(e, "displayname") != NULL ?
		    attr1(e, "displayname") : attr1(e, "cn"), "disabled",
		    user_disabled(l, e), "password_never_expires", never,
		    "groups", groups, "is_admin",
		    in_admin_group(groups, names, admins), "raw", e);
		if (password_changed(e, when, sizeof(when)) == 0)
			json_object_set_new(row, "password_changed",
			    json_string(when));
		else
			json_object_set_new(row, "password_changed",
			    json_null());
		if ((r = insert_row(l->ctx, "ldap_users", row)) != 0)
			return r;
	}
	return 0;
}

/* The directory itself: cleartext, anonymous access, password hashes. */

#define PW_PROBE_LIMIT	100	/* entries asked for */
#define PW_SAMPLE	10

/* One probe's outcome, written into ldap_server. */
struct probes {
	int		 anon_bind;	/* 1 allowed, 0 refused, -1 ? */
	int		 anon_read;	/* 1 base entry read, 0, -1 ? */
	char		*anon_detail;
	int		 pw_readable;	/* 1, 0, -1 unknown */
	long		 pw_entries;	/* others exposing it */
	json_t		*pw_sample;	/* <= PW_SAMPLE DNs */
	char		*pw_detail;
};

/* The attribute names (never the values) of an entry. */
static void
entry_names_json(LDAP *ld, LDAPMessage *e, json_t *entries)
{
	BerElement	*ber = NULL;
	json_t		*attrs = json_object();
	char		*dn, *a, *k;
	size_t		 i;

	dn = ldap_get_dn(ld, e);
	for (a = ldap_first_attribute(ld, e, &ber); a != NULL;
	    a = ldap_next_attribute(ld, e, ber)) {
		k = xstrdup(a);
		for (i = 0; k[i] != '\0'; i++)
			k[i] = (char)tolower((unsigned char)k[i]);
		json_object_set_new(attrs, k, json_array());
		free(k);
		ldap_memfree(a);
	}
	if (ber != NULL)
		ber_free(ber, 0);
	json_array_append_new(entries, json_pack("{s:s, s:o}", "dn",
	    dn != NULL ? dn : "", "attributes", attrs));
	ldap_memfree(dn);
}

/*
 * One unpaged search asking for attribute names only (attrsonly), at
 * most limit entries (sizeLimitExceeded is then an answer, not an
 * error), on ld.  Recorded and replayed like the other searches.
 */
static int
names_search(struct ldapc *l, LDAP *ld, const char *base, int scope,
    const char *filter, char **attrs, int limit, struct result *res)
{
	LDAPMessage	*msg = NULL, *e;
	char		*emsg = NULL;
	int		 rc, err = 0, r = 0;

	memset(res, 0, sizeof(*res));
	if (l->replay != NULL)
		r = replay_search(l, base, scope, filter, res);
	else {
		res->entries = json_array();
		res->pages = 1;
		l->ctx->requests++;
		rc = ldap_search_ext_s(ld, base, scope, filter, attrs, 1,
		    NULL, NULL, &l->tv, limit, &msg);
		if (msg == NULL)	/* no answer at all: its code */
			res->code = rc;
		else {
			for (e = ldap_first_entry(ld, msg); e != NULL;
			    e = ldap_next_entry(ld, e))
				entry_names_json(ld, e, res->entries);
			rc = ldap_parse_result(ld, msg, &err, NULL, &emsg,
			    NULL, NULL, 1);
			res->code = rc != LDAP_SUCCESS ? rc : err;
			res->text = emsg != NULL && *emsg != '\0' ?
			    xstrdup(emsg) : NULL;
			ldap_memfree(emsg);
		}
	}
	if (r == 0 && l->record_path != NULL)
		r = record_search(l, base, scope, filter, attrs, res);
	return r;
}

/*
 * Can the audit bind read userPassword?  (userPassword=*) under base with
 * attrsonly: an entry that comes back naming userPassword is readable (a
 * server returns an attribute, even by name, only with read access).
 * The bind's own entry does not count: reading one's own hash is normal.
 */
static int
probe_password(struct ldapc *l, const char *base, const char *bind_dn,
    struct probes *p)
{
	static char	*pw_attrs[] = { "userPassword", NULL };
	struct result	 res;
	json_t		*e;
	char		*self, *nd;
	size_t		 i;
	int		 r;

	if ((r = names_search(l, l->ld, base, LDAP_SCOPE_SUBTREE,
	    "(userPassword=*)", pw_attrs, PW_PROBE_LIMIT, &res)) != 0)
		return r;
	p->pw_sample = json_array();
	if (res.code != LDAP_SUCCESS && res.code != LDAP_SIZELIMIT_EXCEEDED &&
	    res.code != LDAP_NO_SUCH_OBJECT &&
	    res.code != LDAP_INSUFFICIENT_ACCESS) {
		p->pw_readable = -1;
		p->pw_detail = xasprintf("the userPassword probe failed: "
		    "%s%s%s", ldap_err2string(res.code), res.text != NULL ?
		    ": " : "", res.text != NULL ? res.text : "");
		result_release(&res);
		return 0;
	}
	self = bind_dn != NULL ? norm_dn(bind_dn) : NULL;
	json_array_foreach(res.entries, i, e) {
		if (attr(e, "userpassword") == NULL)
			continue;
		nd = norm_dn(json_string_value(json_object_get(e, "dn")));
		if (self == NULL || strcmp(nd, self) != 0) {
			p->pw_entries++;
			if (json_array_size(p->pw_sample) < PW_SAMPLE)
				json_array_append(p->pw_sample,
				    json_object_get(e, "dn"));
		}
		free(nd);
	}
	free(self);
	p->pw_readable = p->pw_entries > 0;
	p->pw_detail = xasprintf("%s%ld entr%s other than the audit bind's "
	    "own expose userPassword to it%s", res.code ==
	    LDAP_SIZELIMIT_EXCEEDED ? "at least " : "", p->pw_entries,
	    p->pw_entries == 1 ? "y" : "ies",
	    res.code == LDAP_SIZELIMIT_EXCEEDED ? " (probe stopped at its "
	    "size limit)" : "");
	result_release(&res);
	return 0;
}

/* The recorded anonymous probe, or NULL. */
static json_t *
replay_anon(struct ldapc *l)
{
	json_t	*o;
	size_t	 i;

	json_array_foreach(l->replay, i, o) {
		if (json_is_string(json_object_get(o, "probe")) &&
		    strcmp(json_string_value(json_object_get(o, "probe")),
		    "anonymous") == 0 && !json_is_true(json_object_get(o,
		    "used"))) {
			json_object_set_new(o, "used", json_true());
			return o;
		}
	}
	return NULL;
}

/*
 * A second connection to the same URI, with the same TLS, doing an
 * anonymous simple bind (empty DN and password) and a base read of
 * base_dn asking for no attributes.  Anonymous access is "allowed" when
 * the bind succeeds and the base entry comes back.
 */
static int
probe_anonymous(struct ldapc *l, const char *base, struct probes *p)
{
	struct source_ctx	*ctx = l->ctx;
	const char		*ca = policy_source_str(ctx->ps, "ca_file",
				    NULL);
	static char		*no_attrs[] = { LDAP_NO_ATTRS, NULL };
	struct berval		 cred = { 0, NULL };
	struct result		 res;
	LDAP			*ld = NULL;
	json_t			*o;
	int			 v3 = LDAP_VERSION3;
	int			 demand = LDAP_OPT_X_TLS_DEMAND, zero = 0;
	int			 starttls, ldaps, rc, bind_rc, r = 0;
	const char		*what = NULL;

	memset(&res, 0, sizeof(res));
	starttls = policy_source_bool(ctx->ps, "starttls", 0);
	ldaps = strncasecmp(l->uri, "ldaps://", 8) == 0;
	if (l->replay != NULL) {
		if ((o = replay_anon(l)) == NULL)
			return source_fail(ctx, "no recorded anonymous bind "
			    "probe in %s", l->replay_path);
		bind_rc = (int)json_integer_value(json_object_get(o,
		    "bind_result"));
		ctx->requests++;
		if (bind_rc == LDAP_SUCCESS && (r = replay_search(l, base,
		    LDAP_SCOPE_BASE, "(objectClass=*)", &res)) != 0)
			return r;
		goto judge;
	}
	if ((rc = ldap_initialize(&ld, l->uri)) != LDAP_SUCCESS) {
		bind_rc = rc;
		what = "connect";
		goto judge;
	}
	ldap_set_option(ld, LDAP_OPT_PROTOCOL_VERSION, &v3);
	ldap_set_option(ld, LDAP_OPT_REFERRALS, LDAP_OPT_OFF);
	ldap_set_option(ld, LDAP_OPT_NETWORK_TIMEOUT, &l->tv);
	ldap_set_option(ld, LDAP_OPT_TIMEOUT, &l->tv);
	if (ldaps || starttls) {
		ldap_set_option(ld, LDAP_OPT_X_TLS_REQUIRE_CERT, &demand);
		if (ca != NULL)
			ldap_set_option(ld, LDAP_OPT_X_TLS_CACERTFILE, ca);
		ldap_set_option(ld, LDAP_OPT_X_TLS_NEWCTX, &zero);
	}
	if (starttls && !ldaps) {
		ctx->requests++;
		if ((bind_rc = ldap_start_tls_s(ld, NULL, NULL)) !=
		    LDAP_SUCCESS) {
			what = "StartTLS";
			goto judge;
		}
	}
	ctx->requests++;
	bind_rc = ldap_sasl_bind_s(ld, NULL, LDAP_SASL_SIMPLE, &cred, NULL,
	    NULL, NULL);
	what = "bind";
	if (bind_rc == LDAP_SUCCESS && (r = names_search(l, ld, base,
	    LDAP_SCOPE_BASE, "(objectClass=*)", no_attrs, 1, &res)) != 0)
		goto out;
	if (l->record_path != NULL) {
		/* Shaped like a search, so that replay_load accepts it. */
		o = json_pack("{s:s, s:s, s:s, s:i, s:s, s:i, s:[], s:i, "
		    "s:s?}", "probe", "anonymous", "server", l->uri, "base",
		    base, "scope", LDAP_SCOPE_BASE, "filter",
		    "(anonymous bind)",
		    "result_code", bind_rc, "entries", "bind_result", bind_rc,
		    "bind_text", ldap_err2string(bind_rc));
		if (record_write_next(l->record_path, &l->seq, o, NULL) != 0)
			r = source_fail(ctx, "cannot write recording in '%s': "
			    "%s", l->record_path, strerror(errno));
		json_decref(o);
		if (r != 0)
			goto out;
	}
 judge:
	switch (bind_rc) {
	case LDAP_SUCCESS:
		p->anon_bind = 1;
		p->anon_read = res.code == LDAP_SUCCESS &&
		    json_array_size(res.entries) > 0;
		p->anon_detail = p->anon_read ? xstrdup("an anonymous bind "
		    "succeeded and read the base entry") : xasprintf("an "
		    "anonymous bind succeeded but reading the base entry was "
		    "refused: %s", ldap_err2string(res.code));
		break;
	case LDAP_INAPPROPRIATE_AUTH:
	case LDAP_INVALID_CREDENTIALS:
	case LDAP_UNWILLING_TO_PERFORM:
	case LDAP_STRONG_AUTH_REQUIRED:
	case LDAP_CONFIDENTIALITY_REQUIRED:
	case LDAP_INSUFFICIENT_ACCESS:
		p->anon_bind = 0;
		p->anon_read = 0;
		p->anon_detail = xasprintf("the anonymous bind was refused: "
		    "%s", ldap_err2string(bind_rc));
		break;
	default:
		p->anon_bind = -1;
		p->anon_read = -1;
		p->anon_detail = xasprintf("the anonymous bind probe could "
		    "not complete (%s): %s", what != NULL ? what : "replay",
		    ldap_err2string(bind_rc));
		break;
	}
 out:
	result_release(&res);
	if (ld != NULL)
		ldap_unbind_ext_s(ld, NULL, NULL);
	return r;
}

/* -1 (unknown) as NULL. */
static json_t *
tri(int v)
{
	return v < 0 ? json_null() : json_integer(v);
}

/* The newest of the last-bind attributes a server keeps, as ISO-8601. */
static const char *
last_bind(json_t *e, char *out, size_t len)
{
	static const char *const gattrs[] = {
		"pwdlastsuccess", "authtimestamp"
	};
	char		 t[64];
	const char	*which = NULL;
	long long	 v;
	size_t		 i;

	*out = '\0';
	for (i = 0; i < 2; i++) {
		if (gentime_iso(attr1(e, gattrs[i]), t, sizeof(t)) == 0 &&
		    strcmp(t, out) > 0) {
			snprintf(out, len, "%s", t);
			which = gattrs[i];
		}
	}
	if (attr_num(e, "lastlogontimestamp", &v) == 0 && v > 0) {
		iso8601_utc(filetime_unix(v), t, sizeof(t));
		if (strcmp(t, out) > 0) {
			snprintf(out, len, "%s", t);
			which = "lastlogontimestamp";
		}
	}
	return which;
}

/* ldap_user_activity; returns the number of users with a last bind. */
static int
write_activity(struct ldapc *l, json_t *users, long *tracked)
{
	json_t		*e;
	const char	*which, *uid;
	char		 lb[64], cr[64];
	size_t		 i;
	int		 r, hascr;

	json_array_foreach(users, i, e) {
		which = last_bind(e, lb, sizeof(lb));
		hascr = gentime_iso(attr1(e, "createtimestamp"), cr,
		    sizeof(cr)) == 0 || gentime_iso(attr1(e, "whencreated"),
		    cr, sizeof(cr)) == 0;
		if ((uid = attr1(e, "uid")) == NULL)
			uid = attr1(e, "samaccountname");
		if (which != NULL)
			(*tracked)++;
		if ((r = insert_row(l->ctx, "ldap_user_activity",
		    json_pack("{s:O, s:s?, s:s?, s:s?, s:s?}", "dn",
		    json_object_get(e, "dn"), "uid", uid, "last_bind",
		    which != NULL ? lb : NULL, "last_bind_attribute", which,
		    "created", hascr ? cr : NULL))) != 0)
			return r;
	}
	return 0;
}

static int
write_server(struct ldapc *l, struct probes *p, long tracked)
{
	const char	*bind_dn = policy_source_str(l->ctx->ps, "bind_dn",
			    NULL);
	LDAPURLDesc	*lud = NULL;
	const char	*tls;
	char		*host;
	int		 r;

	if (strncasecmp(l->uri, "ldaps://", 8) == 0)
		tls = "ldaps";
	else if (policy_source_bool(l->ctx->ps, "starttls", 0))
		tls = "starttls";
	else
		tls = "none";
	host = ldap_url_parse(l->uri, &lud) == LDAP_URL_SUCCESS &&
	    lud->lud_host != NULL ? xstrdup(lud->lud_host) : xstrdup("");
	if (lud != NULL)
		ldap_free_urldesc(lud);
	r = insert_row(l->ctx, "ldap_server", json_pack("{s:s, s:s, s:s, "
	    "s:b, s:s?, s:o, s:o, s:s?, s:o, s:I, s:O, s:s?, s:I}",
	    "uri", l->uri, "host", host, "tls", tls,
	    "loopback", url_host_is_loopback(host), "bind_dn", bind_dn,
	    "anonymous_bind", tri(p->anon_bind),
	    "anonymous_read", tri(p->anon_read),
	    "anonymous_detail", p->anon_detail,
	    "password_readable", tri(p->pw_readable),
	    "password_readable_entries", (json_int_t)p->pw_entries,
	    "password_readable_sample", p->pw_sample,
	    "password_detail", p->pw_detail,
	    "last_bind_users", (json_int_t)tracked));
	free(host);
	return r;
}

/* The probes and the server row, after the users were read. */
static int
collect_server(struct ldapc *l, const char *base, json_t *users)
{
	struct probes	 p;
	long		 tracked = 0;
	int		 r;

	memset(&p, 0, sizeof(p));
	if ((r = probe_password(l, base, policy_source_str(l->ctx->ps,
	    "bind_dn", NULL), &p)) == 0 &&
	    (r = probe_anonymous(l, base, &p)) == 0 &&
	    (r = write_activity(l, users, &tracked)) == 0)
		r = write_server(l, &p, tracked);
	free(p.anon_detail);
	free(p.pw_detail);
	json_decref(p.pw_sample);
	return r;
}

static int
ldap_collect(struct source_ctx *ctx)
{
	const struct collect_opts *co = ctx->co;
	struct ldapc	 l;
	struct result	 ur, gr;
	json_t		*bymember = json_object(), *names = json_object();
	json_t		*policies = json_object();
	const char	*base = policy_source_str(ctx->ps, "base_dn", "");
	const char	*uf, *gf;
	double		 t;
	int		 r;

	memset(&l, 0, sizeof(l));
	memset(&ur, 0, sizeof(ur));
	memset(&gr, 0, sizeof(gr));
	l.ctx = ctx;
	l.uri = policy_source_str(ctx->ps, "uri", "");
	uf = policy_source_str(ctx->ps, "user_filter", default_user_filter);
	gf = policy_source_str(ctx->ps, "group_filter", default_group_filter);
	t = policy_source_num(ctx->ps, "timeout_s", 30);
	l.tv.tv_sec = (time_t)t;
	l.tv.tv_usec = (suseconds_t)((t - (double)(time_t)t) * 1e6);
	if (l.tv.tv_sec == 0 && l.tv.tv_usec < 100000)
		l.tv.tv_usec = 100000;
	if (ctx->now == NULL || iso8601_parse(ctx->now, &l.now) != 0)
		l.now = (long long)time(NULL);
	if (co != NULL && co->replay_dir != NULL) {
		l.replay_path = xasprintf("%s/%s", co->replay_dir,
		    ctx->ps->name);
		if ((r = replay_load(&l)) != 0)
			goto out;
	} else if ((r = connect_bind(&l)) != 0)
		goto out;
	if (co != NULL && co->record_dir != NULL && co->replay_dir == NULL)
		l.record_path = xasprintf("%s/%s", co->record_dir,
		    ctx->ps->name);
	if ((r = search(&l, base, LDAP_SCOPE_SUBTREE, uf, user_attrs,
	    &ur)) != 0)
		goto out;
	if (ur.code != LDAP_SUCCESS) {
		r = source_fail(ctx, "user search under '%s' failed on %s: "
		    "%s%s%s", base, l.uri, ldap_err2string(ur.code),
		    ur.text != NULL ? ": " : "", ur.text != NULL ? ur.text :
		    "");
		goto out;
	}
	if ((r = search(&l, base, LDAP_SCOPE_SUBTREE, gf, group_attrs,
	    &gr)) != 0)
		goto out;
	if (gr.code != LDAP_SUCCESS) {
		r = source_fail(ctx, "group search under '%s' failed on %s: "
		    "%s%s%s", base, l.uri, ldap_err2string(gr.code),
		    gr.text != NULL ? ": " : "", gr.text != NULL ? gr.text :
		    "");
		goto out;
	}
	if ((r = read_policies(&l, ur.entries, policies)) != 0)
		goto out;
	if ((r = write_groups(&l, gr.entries, bymember, names)) != 0)
		goto out;
	if ((r = write_users(&l, ur.entries, bymember, names, policies)) !=
	    0)
		goto out;
	r = collect_server(&l, base, ur.entries);
 out:
	if (l.ld != NULL)
		ldap_unbind_ext_s(l.ld, NULL, NULL);
	result_release(&ur);
	result_release(&gr);
	json_decref(bymember);
	json_decref(names);
	json_decref(policies);
	json_decref(l.replay);
	free(l.record_path);
	free(l.replay_path);
	return r;
}

/* Policy checks. */

static void
ldap_check(const struct policy_source *ps, struct diags *dg)
{
	const char	*uri = policy_source_str(ps, "uri", NULL);
	const char	*bind_dn = policy_source_str(ps, "bind_dn", NULL);
	const char	*base = policy_source_str(ps, "base_dn", NULL);
	LDAPURLDesc	*lud = NULL;
	LDAPDN		 dn;
	int		 ldaps, starttls, haspw;

	starttls = policy_source_bool(ps, "starttls", 0);
	haspw = json_object_get(ps->obj, "password_env") != NULL ||
	    json_object_get(ps->obj, "password_file") != NULL;
	if (uri == NULL)
		diags_add(dg, ps->file, ps->line, ps->col, "source '%s': "
		    "\"uri\" is required (ldap://HOST or ldaps://HOST)",
		    ps->name);
	else if (ldap_url_parse(uri, &lud) != LDAP_URL_SUCCESS ||
	    (strcasecmp(lud->lud_scheme, "ldap") != 0 &&
	    strcasecmp(lud->lud_scheme, "ldaps") != 0))
		diags_add(dg, ps->file, ps->line, ps->col, "source '%s': "
		    "\"uri\" must be an ldap:// or ldaps:// URL", ps->name);
	else {
		ldaps = strcasecmp(lud->lud_scheme, "ldaps") == 0;
		if (ldaps && starttls)
			diags_add(dg, ps->file, ps->line, ps->col, "source "
			    "'%s': \"starttls\" is for ldap:// URLs; an "
			    "ldaps:// connection is already TLS", ps->name);
		else if (!ldaps && !starttls &&
		    !url_host_is_loopback(lud->lud_host))
			/* Allowed; ldap.plaintext_connection reports it. */
			log_warn("%s: source '%s': plain ldap:// to '%s' "
			    "without \"starttls\" sends the bind password and "
			    "the directory in cleartext (reported as "
			    "ldap.plaintext_connection): use ldaps:// or "
			    "\"starttls\": true", ps->file, ps->name,
			    lud->lud_host != NULL ? lud->lud_host : "");
	}
	if (lud != NULL)
		ldap_free_urldesc(lud);
	if (base == NULL)
		diags_add(dg, ps->file, ps->line, ps->col, "source '%s': "
		    "\"base_dn\" is required", ps->name);
	else if (ldap_str2dn(base, &dn, LDAP_DN_FORMAT_LDAPV3) !=
	    LDAP_SUCCESS)
		diags_add(dg, ps->file, ps->line, ps->col, "source '%s': "
		    "\"base_dn\" is not a valid DN", ps->name);
	else
		ldap_dnfree(dn);
	if (bind_dn != NULL) {
		if (ldap_str2dn(bind_dn, &dn, LDAP_DN_FORMAT_LDAPV3) !=
		    LDAP_SUCCESS)
			diags_add(dg, ps->file, ps->line, ps->col, "source "
			    "'%s': \"bind_dn\" is not a valid DN", ps->name);
		else
			ldap_dnfree(dn);
		if (!haspw)
			diags_add(dg, ps->file, ps->line, ps->col, "source "
			    "'%s': \"bind_dn\" needs \"password_env\" or "
			    "\"password_file\"", ps->name);
	} else if (haspw)
		diags_add(dg, ps->file, ps->line, ps->col, "source '%s': a "
		    "bind password needs \"bind_dn\"", ps->name);
}

/* Its accounts in the identities view (store.c). */
static const struct identity_part ldap_identity[] = {
	{ "ldap_users", "dn uid email name disabled is_admin", NULL, NULL,
	  "SELECT lower(email), 'ldap', source, dn, coalesce(uid, name), "
	  "CASE WHEN disabled = 1 THEN 0 ELSE 1 END, coalesce(is_admin, 0) "
	  "FROM temp.ldap_users" },
	{ NULL, NULL, NULL, NULL, NULL }
};

/* Natural keys for drift (drift.c). */
static const struct drift_table ldap_drift[] = {
	{ "ldap_groups",		"dn", NULL, NULL, NULL },
	{ "ldap_server",		"uri", "last_bind_users", NULL, NULL },
	{ "ldap_users",			"dn", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct source_type source_ldap = {
	.name = "ldap",
	.identity = ldap_identity,
	.drift = ldap_drift,
	.keys = ldap_keys,
	.endpoint_keys = NULL,
	.kinds = ldap_kinds,
	.http = 0,
	.follow_redirects = 0,
	.schema = ldap_schema,
	.check = ldap_check,
	.collect = ldap_collect,
};

/*
 * aws/route53.c: Route 53 collection of the aws source: hosted zones and
 * their record sets (ListHostedZones, ListResourceRecordSets), and
 * registered domains (Route 53 Domains ListDomains, GetDomainDetail).
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>
#include <libxml/tree.h>

#include "aws/aws.h"
#include "aws/aws-int.h"
#include "buf.h"
#include "log.h"
#include "aws/sigv4.h"
#include "source.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"


/* ---- Route 53 --------------------------------------------------------- */

/* Lower-case, no trailing dot, octal escapes (\052) decoded. */
static char *
dns_name(const char *s)
{
	struct buf	 b;
	size_t		 i, n;
	char		 c;

	buf_init(&b, 0);
	n = strlen(s);
	while (n > 1 && s[n - 1] == '.')
		n--;
	for (i = 0; i < n; i++) {
		if (s[i] == '\\' && i + 3 < n + 1 && isdigit((unsigned char)
		    s[i + 1]) && isdigit((unsigned char)s[i + 2]) &&
		    isdigit((unsigned char)s[i + 3])) {
			c = (char)((s[i + 1] - '0') * 64 + (s[i + 2] - '0') *
			    8 + (s[i + 3] - '0'));
			i += 3;
		} else
			c = s[i];
		c = (char)tolower((unsigned char)c);
		buf_append(&b, &c, 1);
	}
	if (b.data == NULL)
		buf_puts(&b, "");
	return buf_detach(&b, NULL);
}

int
zones_page(struct aws *a, struct http_req *q, struct zone **zones,
    size_t *nz, char **marker, char **why)
{
	xmlDoc	*doc;
	xmlNode	*root, *hz;
	char	*id, *name, *cmt, *cnt, *p;
	int	 r = 0;

	*marker = NULL;
	if ((root = xml_result(q, "ListHostedZones", NULL, &doc, why)) ==
	    NULL) {
		xmlFreeDoc(doc);
		return VGL_ERR_PROVIDER;
	}
	for (hz = aws_xml_child(aws_xml_child(root, "HostedZones"), NULL); hz != NULL &&
	    r == 0; hz = hz->next) {
		if (!is_element(hz, "HostedZone"))
			continue;
		if ((id = aws_xml_text(hz, "Id")) == NULL)
			continue;
		p = strrchr(id, '/');
		*zones = xreallocarray(*zones, *nz + 1, sizeof(**zones));
		memset(&(*zones)[*nz], 0, sizeof(**zones));
		(*zones)[*nz].id = xstrdup(p != NULL ? p + 1 : id);
		name = aws_xml_text(hz, "Name");
		cmt = aws_xml_text(hz, "Config/Comment");
		cnt = aws_xml_text(hz, "ResourceRecordSetCount");
		r = put_row(a, "route53_zones", json_pack("{s:s, s:o, s:b, "
		    "s:o, s:s?, s:o}", "zone_id", (*zones)[*nz].id, "name",
		    jstr_own(name != NULL ? dns_name(name) : NULL), "private",
		    xbool(hz, "Config/PrivateZone"), "record_count",
		    cnt != NULL ? json_integer(strtoll(cnt, NULL, 10)) :
		    json_null(), "comment", cmt, "raw", xml_json(hz)));
		(*nz)++;
		free(id);
		free(name);
		free(cmt);
		free(cnt);
	}
	if (r == 0 && xbool(root, "IsTruncated") &&
	    (*marker = aws_xml_text(root, "NextMarker")) == NULL) {
		*why = xstrdup("ListHostedZones: IsTruncated without "
		    "NextMarker");
		r = VGL_ERR_PROVIDER;
	}
	xmlFreeDoc(doc);
	return r;
}

static struct http_req *
rrset_req(struct aws *a, struct zone *z)
{
	struct http_req	*q;
	struct buf	 b;
	char		*e;

	buf_init(&b, 0);
	e = http_escape(z->id);
	buf_printf(&b, "%s/hostedzone/%s/rrset?maxitems=300", R53_PATH, e);
	free(e);
	if (z->next_name != NULL) {
		e = http_escape(z->next_name);
		buf_printf(&b, "&name=%s", e);
		free(e);
	}
	if (z->next_type != NULL) {
		e = http_escape(z->next_type);
		buf_printf(&b, "&type=%s", e);
		free(e);
	}
	if (z->next_ident != NULL) {
		e = http_escape(z->next_ident);
		buf_printf(&b, "&identifier=%s", e);
		free(e);
	}
	q = get_req(a, SVC_R53, b.data);
	q->user = z;
	buf_release(&b);
	return q;
}

static int
rrsets_page(struct aws *a, struct http_req *q, char **why)
{
	struct zone	*z = q->user;
	xmlDoc		*doc;
	xmlNode		*root, *rs, *rr;
	json_t		*raw;
	char		*name, *type, *ttl, *ident, *v, *alias;
	char		*pn, *pt, *pi;
	int		 r = 0;

	/* The position that asked for this page, to see it advance. */
	pn = z->next_name;
	pt = z->next_type;
	pi = z->next_ident;
	z->next_name = z->next_type = z->next_ident = NULL;
	z->more = 0;
	if ((root = xml_result(q, "ListResourceRecordSets", NULL, &doc,
	    why)) == NULL) {
		xmlFreeDoc(doc);
		free(pn);
		free(pt);
		free(pi);
		return VGL_ERR_PROVIDER;
	}
	for (rs = aws_xml_child(aws_xml_child(root, "ResourceRecordSets"), NULL);
	    rs != NULL && r == 0; rs = rs->next) {
		if (!is_element(rs, "ResourceRecordSet"))
			continue;
		v = aws_xml_text(rs, "Name");
		name = dns_name(v != NULL ? v : "");
		free(v);
		type = aws_xml_text(rs, "Type");
		ttl = aws_xml_text(rs, "TTL");
		ident = aws_xml_text(rs, "SetIdentifier");
		raw = xml_json(rs);
		alias = aws_xml_text(rs, "AliasTarget/DNSName");
		if (alias != NULL) {
			v = xstrdup(alias);
			r = put_row(a, "route53_records", json_pack("{s:s, "
			    "s:s, s:s?, s:n, s:s, s:s?, s:b, s:O}",
			    "zone_id", z->id, "name", name, "type", type,
			    "ttl", "value", v, "set_identifier", ident,
			    "alias", 1, "raw", raw));
			free(v);
		}
		for (rr = aws_xml_child(aws_xml_child(rs, "ResourceRecords"), NULL);
		    rr != NULL && r == 0; rr = rr->next) {
			if (!is_element(rr, "ResourceRecord"))
				continue;
			v = aws_xml_text(rr, "Value");
			r = put_row(a, "route53_records", json_pack("{s:s, "
			    "s:s, s:s?, s:o, s:s?, s:s?, s:b, s:O}",
			    "zone_id", z->id, "name", name, "type", type,
			    "ttl", ttl != NULL ? json_integer(strtoll(ttl,
			    NULL, 10)) : json_null(), "value", v,
			    "set_identifier", ident, "alias", 0, "raw", raw));
			free(v);
		}
		json_decref(raw);
		free(alias);
		free(name);
		free(type);
		free(ttl);
		free(ident);
	}
	if (r == 0 && xbool(root, "IsTruncated")) {
		z->more = 1;
		z->next_name = aws_xml_text(root, "NextRecordName");
		z->next_type = aws_xml_text(root, "NextRecordType");
		z->next_ident = aws_xml_text(root, "NextRecordIdentifier");
		if (z->next_name == NULL) {
			*why = xstrdup("ListResourceRecordSets: IsTruncated "
			    "without NextRecordName");
			r = VGL_ERR_PROVIDER;
		} else if (pn != NULL && strcmp(pn, z->next_name) == 0 &&
		    (pt == NULL) == (z->next_type == NULL) && (pt == NULL ||
		    strcmp(pt, z->next_type) == 0) && (pi == NULL) ==
		    (z->next_ident == NULL) && (pi == NULL ||
		    strcmp(pi, z->next_ident) == 0)) {
			*why = xstrdup("ListResourceRecordSets: the next "
			    "page position is the one just sent; the list "
			    "cannot be followed");
			r = VGL_ERR_PROVIDER;
		}
	}
	xmlFreeDoc(doc);
	free(pn);
	free(pt);
	free(pi);
	return r;
}

/* Every zone's records, one page of every zone per round. */
int
route53_records(struct aws *a, struct zone *zones, size_t nz, char **why)
{
	struct http_req	**reqs;
	size_t		 i, n;
	int		 r = 0;

	reqs = xcalloc(nz + 1, sizeof(*reqs));
	for (i = 0; i < nz; i++)
		zones[i].more = 1;
	while (r == 0) {
		for (i = n = 0; i < nz; i++)
			if (zones[i].more)
				reqs[n++] = rrset_req(a, &zones[i]);
		if (n == 0)
			break;
		http_do_all(a->http, reqs, n);
		for (i = 0; i < n; i++) {
			if (r == 0)
				r = rrsets_page(a, reqs[i], why);
			http_req_free(reqs[i]);
			reqs[i] = NULL;
		}
	}
	free(reqs);
	return r;
}


static json_t *
epoch_iso(json_t *v)
{
	char	 out[32];

	if (!json_is_number(v))
		return json_null();
	iso8601_utc((long long)json_number_value(v), out, sizeof(out));
	return json_string(out);
}

struct http_req *
domains_req(struct aws *a, const char *marker)
{
	json_t	*b;

	b = json_pack("{s:i}", "MaxItems", 100);
	if (marker != NULL)
		json_object_set_new(b, "Marker", json_string(marker));
	return json_req(a, SVC_R53D, DOMAINS_TARGET, "ListDomains", b);
}

/* One ListDomains page: appends the summaries to list. */
int
domains_page(struct http_req *q, json_t *list, char **marker, char **why)
{
	json_t		*o, *d;
	size_t		 i;
	const char	*m;

	*marker = NULL;
	if (json_reply(q, "ListDomains", &o, why) != 0)
		return VGL_ERR_PROVIDER;
	json_array_foreach(json_object_get(o, "Domains"), i, d) {
		if (json_is_string(json_object_get(d, "DomainName")))
			json_array_append(list, d);
	}
	if ((m = json_string_value(json_object_get(o, "NextPageMarker"))) !=
	    NULL && *m != '\0')
		*marker = xstrdup(m);
	json_decref(o);
	return 0;
}

static int
status_has(json_t *list, const char *what)
{
	json_t		*v;
	size_t		 i;
	const char	*s;

	json_array_foreach(list, i, v) {
		if ((s = json_string_value(v)) != NULL &&
		    strcasecmp(s, what) == 0)
			return 1;
	}
	return 0;
}

int
domain_details(struct aws *a, json_t *list, char **why)
{
	struct http_req	**reqs;
	json_t		*d, *o, *ns, *names, *sl, *v;
	const char	*name;
	char		*dn;
	size_t		 i, j, n;
	int		 r = 0, lock;

	n = json_array_size(list);
	reqs = xcalloc(n + 1, sizeof(*reqs));
	json_array_foreach(list, i, d) {
		reqs[i] = json_req(a, SVC_R53D, DOMAINS_TARGET,
		    "GetDomainDetail", json_pack("{s:O}", "DomainName",
		    json_object_get(d, "DomainName")));
	}
	if (n > 0)
		http_do_all(a->http, reqs, n);
	for (i = 0; i < n && r == 0; i++) {
		d = json_array_get(list, i);
		name = json_string_value(json_object_get(d, "DomainName"));
		if ((r = json_reply(reqs[i], "GetDomainDetail", &o, why)) != 0)
			break;
		sl = json_object_get(o, "StatusList");
		lock = status_has(sl, "clientTransferProhibited") ||
		    status_has(sl, "serverTransferProhibited") ||
		    (sl == NULL && json_is_true(json_object_get(d,
		    "TransferLock")));
		names = json_array();
		json_array_foreach(json_object_get(o, "Nameservers"), j, ns) {
			if ((v = json_object_get(ns, "Name")) != NULL &&
			    json_is_string(v)) {
				dn = dns_name(json_string_value(v));
				json_array_append_new(names, json_string(dn));
				free(dn);
			}
		}
		dn = dns_name(name);
		v = json_object_get(o, "ExpirationDate");
		r = put_row(a, "route53_domains", json_pack("{s:s, s:b, s:b, "
		    "s:o, s:O, s:O?, s:o, s:O?, s:o, s:O}", "domain", dn,
		    "transfer_lock", lock, "auto_renew",
		    json_object_get(o, "AutoRenew") != NULL ?
		    json_is_true(json_object_get(o, "AutoRenew")) :
		    json_is_true(json_object_get(d, "AutoRenew")), "expires",
		    epoch_iso(v != NULL ? v : json_object_get(d, "Expiry")),
		    "status", sl != NULL ? sl : json_null(), "registrar",
		    json_object_get(o, "RegistrarName"), "nameservers", names,
		    "dnssec", json_object_get(o, "DnsSec"), "created",
		    epoch_iso(json_object_get(o, "CreationDate")), "raw", o));
		free(dn);
		json_decref(o);
	}
	for (i = 0; i < n; i++)
		http_req_free(reqs[i]);
	free(reqs);
	return r;
}

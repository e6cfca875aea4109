/*
 * dns/collect.c: the DNS source (type "dns"): live answers for the audited
 * zones and names, from the system resolver or a named nameserver.
 *
 * Queries go through glibc's resolver with a private res_state per
 * thread (res_nmkquery + res_nsend, so that NXDOMAIN and NODATA stay
 * apart); answers are parsed with ns_initparse/ns_parserr.  For each
 * zone: NS, SOA, A, AAAA, MX, TXT, CAA and DS at the apex and TXT at
 * _dmarc.<zone>; for each of `names`: A, AAAA and CNAME, and the target
 * of every CNAME is looked up (A, then AAAA) to tell a dangling alias.
 * A zone whose parent answers DS is also asked DNSKEY (each zone key's
 * DS digests are computed, RFC 4034 5.1.4); a zone that answers MX is
 * asked TXT at each DKIM selector (<selector>._domainkey.<zone>) and at
 * _mta-sts.<zone>, following CNAMEs.  Each nameserver of the zone's NS
 * set is resolved (A) and asked SOA for the zone at each address, once,
 * directly: dns_ns_checks says whether it answered authoritatively.
 *
 * Rows of dns_records (docs/schema.md): one per answered record with
 * status "answer"; a negative answer is one row with status "nxdomain"
 * or "nodata" and no value, so that an absent record is a fact a rule
 * can see.  A timeout, an unreachable server or any other RCODE
 * (SERVFAIL, REFUSED...) fails the source.
 *
 * With --record DIR every exchange is written to DIR/<source>/NNNNNN.json
 * (query name and type, the raw reply in base64); with --replay DIR the
 * answers come from there and no packet is sent.
 */
#include "config.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netinet/in.h>

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <resolv.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "buf.h"
#include "dns/dns.h"
#include "log.h"
#include "record.h"
#include "source.h"
#include "store.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#define DNS_ANSWER_MAX	65535
#define DNS_T_CAA	257

static const char dns_schema[] =
"CREATE TABLE IF NOT EXISTS dns_records(run INTEGER NOT NULL, source TEXT,\n"
"  zone TEXT, name TEXT, type TEXT, ttl INTEGER, value TEXT, status TEXT,\n"
"  target TEXT, target_status TEXT, raw TEXT);\n"
"CREATE INDEX IF NOT EXISTS dns_records_run ON dns_records(run, zone, "
"name, type);\n"
"CREATE TABLE IF NOT EXISTS dns_ns_checks(run INTEGER NOT NULL, source TEXT,\n"
"  zone TEXT, nameserver TEXT, address TEXT, status TEXT, rcode TEXT,\n"
"  authoritative INTEGER, raw TEXT);\n"
"CREATE INDEX IF NOT EXISTS dns_ns_checks_run ON dns_ns_checks(run, zone);\n";

static const char *const dns_keys[] = {
	"zones", "names", "nameserver", "timeout_s", "dkim_selectors",
	"authoritative_port", NULL
};

/* How the policy checker checks its keys (struct policy_type). */
static const struct policy_key dns_kinds[] = {
	{ "zones", POLICY_STRARRAY },
	{ "names", POLICY_STRARRAY },
	{ "nameserver", POLICY_STRING },
	{ NULL, 0 }
};

/*
 * The default port for asking a zone's nameservers directly: that of the
 * source's nameserver when it names one (a lab or test setup where every
 * server listens on one port), else 53.
 */
static int
nameserver_port(const char *ns)
{
	const char	*colon;
	char		*end;
	long		 port;

	if (ns == NULL || (colon = strrchr(ns, ':')) == NULL)
		return 53;
	errno = 0;
	port = strtol(colon + 1, &end, 10);
	if (errno != 0 || *end != '\0' || port < 1 || port > 65535)
		return 53;
	return (int)port;
}

/* DKIM selectors asked when neither the source nor the policy's
 * parameters name any: the rule dns.dkim_missing has the same default. */
static const char *const dkim_default[] = {
	"google", "selector1", "selector2", NULL
};

/* At most this many addresses of one nameserver are asked SOA. */
#define NS_ADDR_MAX	8

struct dns {
	struct source_ctx	*ctx;
	struct __res_state	 rs;
	int			 rs_open;
	char			*server;	/* "host:port" for messages */
	char			*record_path;	/* record_dir/source */
	unsigned long		 seq;
	json_t			*replay;	/* recorded exchanges */
	char			*replay_path;
	double			 timeout_s;
	int			 auth_port;	/* of delegated nameservers */
};

/* One reply: the raw message and its header facts. */
struct reply {
	unsigned char	*msg;
	int		 len;
	int		 rcode;
	ns_msg		 m;
};

static const struct {
	int		 type;
	const char	*name;
} rr_types[] = {
	{ ns_t_a, "A" }, { ns_t_ns, "NS" }, { ns_t_cname, "CNAME" },
	{ ns_t_soa, "SOA" }, { ns_t_mx, "MX" }, { ns_t_txt, "TXT" },
	{ ns_t_aaaa, "AAAA" }, { 43, "DS" }, { DNS_T_CAA, "CAA" },
	{ 48, "DNSKEY" },
};

static const char *
type_name(int type)
{
	size_t	 i;

	for (i = 0; i < sizeof(rr_types) / sizeof(rr_types[0]); i++)
		if (rr_types[i].type == type)
			return rr_types[i].name;
	return NULL;
}

static const char *
rcode_name(int rcode)
{
	static const char *const names[] = {
		"NOERROR", "FORMERR", "SERVFAIL", "NXDOMAIN", "NOTIMP",
		"REFUSED", "YXDOMAIN", "YXRRSET", "NXRRSET", "NOTAUTH",
		"NOTZONE"
	};

	if (rcode >= 0 && rcode < (int)(sizeof(names) / sizeof(names[0])))
		return names[rcode];
	return "RCODE?";
}

/* Lower-case, without trailing dots; "" for the root. */
static char *
norm_name(const char *s)
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

/* Recording and replay. */

/* Writes one exchange: the query and the raw reply in base64. */
/*
 * at: the nameserver asked directly ("address:port", dns_ns_checks), or
 * NULL for the resolver; rp NULL: that nameserver did not answer.
 */
static int
record_exchange(struct dns *d, const char *name, const char *type,
    const char *at, const struct reply *rp)
{
	json_t	*o;
	char	*b64;
	char	 when[32];
	int	 r;

	if (rp != NULL) {
		b64 = xmalloc(4 * (((size_t)rp->len + 2) / 3) + 1);
		EVP_EncodeBlock((unsigned char *)b64, rp->msg, rp->len);
	} else
		b64 = xstrdup("");
	iso8601_utc((long long)time(NULL), when, sizeof(when));
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "name", name,
	    "type", type, "server", at != NULL ? at : d->server, "rcode",
	    rp != NULL ? rcode_name(rp->rcode) : "NO_ANSWER",
	    "answer_base64", b64, "captured_at", when);
	if (at != NULL)
		json_object_set_new(o, "at", json_string(at));
	if (rp == NULL)
		json_object_set_new(o, "no_answer", json_true());
	free(b64);
	if ((r = record_write_next(d->record_path, &d->seq, o, NULL)) != 0)
		r = source_fail(d->ctx, "cannot write recording in '%s': %s",
		    d->record_path, strerror(errno));
	json_decref(o);
	return r;
}

static int
replay_load(struct dns *d)
{
	json_t		*o;
	char		*why = NULL;
	size_t		 i;
	int		 r;

	if ((r = record_load_dir(d->replay_path, &d->replay, &why)) != 0) {
		r = source_fail(d->ctx, "no usable recording for source '%s': "
		    "%s", d->ctx->ps->name, why);
		free(why);
		return r;
	}
	json_array_foreach(d->replay, i, o) {
		if (!json_is_string(json_object_get(o, "name")) ||
		    !json_is_string(json_object_get(o, "type")) ||
		    !json_is_string(json_object_get(o, "answer_base64")))
			return source_fail(d->ctx, "invalid recording in '%s' "
			    "(exchange %zu): expected name, type and "
			    "answer_base64", d->replay_path, i + 1);
	}
	return 0;
}

static int
b64_decode(const char *s, unsigned char **out, int *lenp)
{
	size_t	 len = strlen(s);
	int	 n, pad = 0;

	if (len % 4 != 0 || len > DNS_ANSWER_MAX * 2)
		return -1;
	*out = xmalloc(len / 4 * 3 + 1);
	if ((n = EVP_DecodeBlock(*out, (const unsigned char *)s,
	    (int)len)) < 0) {
		free(*out);
		*out = NULL;
		return -1;
	}
	if (len > 0 && s[len - 1] == '=')
		pad++;
	if (len > 1 && s[len - 2] == '=')
		pad++;
	*lenp = n - pad;
	return 0;
}

/*
 * The first unused recorded answer for name and type (asked of the
 * resolver, or with at non-NULL of that nameserver directly).  *silent
 * (when not NULL) is set to 1 for a recorded "no answer".
 */
static int
replay_one(struct dns *d, const char *name, const char *type,
    const char *at, struct reply *rp, int *silent)
{
	json_t		*o;
	const char	*oat;
	size_t		 i;

	json_array_foreach(d->replay, i, o) {
		oat = json_string_value(json_object_get(o, "at"));
		if (json_is_true(json_object_get(o, "used")) ||
		    strcmp(json_string_value(json_object_get(o, "name")),
		    name) != 0 ||
		    strcmp(json_string_value(json_object_get(o, "type")),
		    type) != 0 || (at == NULL) != (oat == NULL) ||
		    (at != NULL && strcmp(at, oat) != 0))
			continue;
		json_object_set_new(o, "used", json_true());
		if (json_is_true(json_object_get(o, "no_answer"))) {
			if (silent == NULL)
				return source_fail(d->ctx, "invalid recording "
				    "in '%s': no answer for %s %s",
				    d->replay_path, name, type);
			*silent = 1;
			return 0;
		}
		if (b64_decode(json_string_value(json_object_get(o,
		    "answer_base64")), &rp->msg, &rp->len) != 0)
			return source_fail(d->ctx, "invalid recording in '%s':"
			    " answer for %s %s is not base64", d->replay_path,
			    name, type);
		return 0;
	}
	return source_fail(d->ctx, "no recorded answer for %s %s%s%s in %s",
	    name, type, at != NULL ? " at " : "", at != NULL ? at : "",
	    d->replay_path);
}

/* Queries. */

/*
 * Sets up the resolver: the system's, or the policy's nameserver
 * ("host" or "host:port", IPv4 address or a name resolving to one).
 */
static int
resolver_init(struct dns *d, const char *ns, double timeout_s)
{
	struct addrinfo	 hints, *ai = NULL;
	struct sockaddr_in sin;
	const char	*colon;
	char		*host, *end;
	long		 port = 53;
	int		 e, t;

	memset(&d->rs, 0, sizeof(d->rs));
	if (res_ninit(&d->rs) != 0)
		return source_fail(d->ctx, "cannot initialise the resolver");
	d->rs_open = 1;
	t = timeout_s < 1 ? 1 : (int)(timeout_s + 0.5);
	d->rs.retrans = t;
	d->rs.retry = 2;
	d->rs.options &= ~(RES_DNSRCH | RES_DEFNAMES);
	if (ns == NULL) {
		d->server = xstrdup("the system resolver");
		return 0;
	}
	if ((colon = strrchr(ns, ':')) != NULL) {
		host = xstrndup(ns, (size_t)(colon - ns));
		errno = 0;
		port = strtol(colon + 1, &end, 10);
		if (errno != 0 || *end != '\0' || end == colon + 1 ||
		    port < 1 || port > 65535) {
			free(host);
			return source_fail(d->ctx, "nameserver '%s': bad port",
			    ns);
		}
	} else
		host = xstrdup(ns);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((unsigned short)port);
	if (inet_pton(AF_INET, host, &sin.sin_addr) != 1) {
		memset(&hints, 0, sizeof(hints));
		hints.ai_family = AF_INET;
		hints.ai_socktype = SOCK_DGRAM;
		if ((e = getaddrinfo(host, NULL, &hints, &ai)) != 0 ||
		    ai == NULL) {
			free(host);
			return source_fail(d->ctx, "nameserver '%s': cannot "
			    "resolve '%.*s' to an IPv4 address: %s", ns,
			    (int)(colon != NULL ? colon - ns :
			    (long)strlen(ns)), ns, gai_strerror(e));
		}
		sin.sin_addr = ((struct sockaddr_in *)(void *)
		    ai->ai_addr)->sin_addr;
		freeaddrinfo(ai);
	}
	free(host);
	d->rs.nsaddr_list[0] = sin;
	d->rs.nscount = 1;
	d->server = xstrdup(ns);
	return 0;
}

/*
 * Asks name/type.  Any reply (whatever its RCODE) is 0 with rp filled;
 * no reply is a source failure.
 */
static int
ask(struct dns *d, const char *name, int type, struct reply *rp)
{
	unsigned char	 q[NS_PACKETSZ];
	const char	*tn = type_name(type);
	int		 qlen, n, r;

	memset(rp, 0, sizeof(*rp));
	d->ctx->requests++;
	if (d->replay != NULL) {
		if ((r = replay_one(d, name, tn, NULL, rp, NULL)) != 0)
			return r;
	} else {
		qlen = res_nmkquery(&d->rs, ns_o_query, name, ns_c_in, type,
		    NULL, 0, NULL, q, sizeof(q));
		if (qlen < 0)
			return source_fail(d->ctx, "cannot make a DNS query "
			    "for %s %s (bad name?)", name, tn);
		rp->msg = xmalloc(DNS_ANSWER_MAX);
		errno = 0;
		n = res_nsend(&d->rs, q, qlen, rp->msg, DNS_ANSWER_MAX);
		if (n < 0) {
			int e = errno;

			return source_fail(d->ctx, "no answer from %s for %s "
			    "%s: %s", d->server, name, tn, e == ETIMEDOUT ||
			    e == 0 ? "timed out" : strerror(e));
		}
		rp->len = n;
	}
	if (ns_initparse(rp->msg, rp->len, &rp->m) != 0)
		return source_fail(d->ctx, "malformed DNS reply from %s for "
		    "%s %s", d->server, name, tn);
	rp->rcode = ns_msg_getflag(rp->m, ns_f_rcode);
	if (d->record_path != NULL &&
	    (r = record_exchange(d, name, tn, NULL, rp)) != 0)
		return r;
	if (rp->rcode != ns_r_noerror && rp->rcode != ns_r_nxdomain)
		return source_fail(d->ctx, "%s answered %s for %s %s",
		    d->server, rcode_name(rp->rcode), name, tn);
	return 0;
}

static void
reply_free(struct reply *rp)
{
	free(rp->msg);
	rp->msg = NULL;
}

/*
 * One UDP exchange with sin: the query q, up to two tries of timeout_s
 * each; the reply must come from sin (a connected socket) and carry the
 * query's id.  Returns the reply's length, or -1 (no reply).  Not
 * res_nsend: it turns REFUSED and SERVFAIL replies into a failure, and a
 * lame-delegation check must see them.
 */
static int
udp_exchange(const struct sockaddr_in *sin, const unsigned char *q,
    int qlen, unsigned char *ans, int anslen, double timeout_s)
{
	struct pollfd	 pfd;
	ssize_t		 n;
	int		 fd, tries, ms;

	ms = timeout_s < 1 ? 1000 : (int)(timeout_s * 1000);
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	if (connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) == -1) {
		close(fd);
		return -1;
	}
	for (tries = 0; tries < 2; tries++) {
		if (send(fd, q, (size_t)qlen, 0) != qlen)
			break;
		pfd.fd = fd;
		pfd.events = POLLIN;
		while (poll(&pfd, 1, ms) == 1) {
			n = recv(fd, ans, (size_t)anslen, 0);
			if (n < 0)
				break;	/* e.g. ECONNREFUSED: try again */
			if (n >= NS_HFIXEDSZ && ans[0] == q[0] &&
			    ans[1] == q[1] && (ans[2] & 0x80)) {
				close(fd);
				return (int)n;
			}
		}
	}
	close(fd);
	return -1;
}

/*
 * Asks name/type of one nameserver (IPv4 address addr, port
 * d->auth_port) directly, without recursion.  *answered is 0 when no reply came (timeout, unreachable, or a
 * reply that is not DNS): that is a fact about the nameserver, not a
 * failure of the source.  Any reply is 0 with rp filled, whatever its
 * RCODE.  Returns 0, or an error (recording, replay).
 */
static int
ask_at(struct dns *d, const char *addr, const char *name, int type,
    struct reply *rp, int *answered)
{
	struct __res_state rs;
	struct sockaddr_in sin;
	unsigned char	 q[NS_PACKETSZ];
	const char	*tn = type_name(type);
	char		 at[INET_ADDRSTRLEN + 8];
	int		 qlen, n, r, silent = 0;

	memset(rp, 0, sizeof(*rp));
	*answered = 0;
	snprintf(at, sizeof(at), "%s:%d", addr, d->auth_port);
	d->ctx->requests++;
	if (d->replay != NULL) {
		if ((r = replay_one(d, name, tn, at, rp, &silent)) != 0)
			return r;
		if (silent)
			return 0;
	} else {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_port = htons((unsigned short)d->auth_port);
		if (inet_pton(AF_INET, addr, &sin.sin_addr) != 1)
			return source_fail(d->ctx, "bad nameserver address "
			    "'%s'", addr);
		/* A query without RD: the nameserver's own data only. */
		memset(&rs, 0, sizeof(rs));
		if (res_ninit(&rs) != 0)
			return source_fail(d->ctx, "cannot initialise the "
			    "resolver");
		rs.options &= ~(RES_DNSRCH | RES_DEFNAMES | RES_RECURSE);
		qlen = res_nmkquery(&rs, ns_o_query, name, ns_c_in, type,
		    NULL, 0, NULL, q, sizeof(q));
		res_nclose(&rs);
		if (qlen < 0)
			return source_fail(d->ctx, "cannot make a DNS query "
			    "for %s %s (bad name?)", name, tn);
		rp->msg = xmalloc(DNS_ANSWER_MAX);
		n = udp_exchange(&sin, q, qlen, rp->msg, DNS_ANSWER_MAX,
		    d->timeout_s);
		if (n < 0) {
			reply_free(rp);
			if (d->record_path != NULL)
				return record_exchange(d, name, tn, at, NULL);
			return 0;
		}
		rp->len = n;
	}
	if (ns_initparse(rp->msg, rp->len, &rp->m) != 0) {
		reply_free(rp);
		if (d->record_path != NULL)
			return record_exchange(d, name, tn, at, NULL);
		return 0;
	}
	rp->rcode = ns_msg_getflag(rp->m, ns_f_rcode);
	*answered = 1;
	if (d->record_path != NULL &&
	    (r = record_exchange(d, name, tn, at, rp)) != 0)
		return r;
	return 0;
}

/* A domain name in RDATA at *p, normalised; advances *p. */
static int
rd_name(const struct reply *rp, const unsigned char **p,
    const unsigned char *end, struct buf *b)
{
	char	 nb[NS_MAXDNAME];
	char	*n;
	int	 k;

	if ((k = dn_expand(ns_msg_base(rp->m), end, *p, nb, sizeof(nb))) < 0)
		return -1;
	*p += k;
	n = norm_name(nb);
	buf_puts(b, n);
	free(n);
	return 0;
}

static unsigned long
rd_u32(const unsigned char *p)
{
	return (unsigned long)p[0] << 24 | (unsigned long)p[1] << 16 |
	    (unsigned long)p[2] << 8 | p[3];
}

/* A character-string quoted for presentation. */
static void
quote_string(struct buf *b, const unsigned char *s, size_t n)
{
	size_t	 i;

	buf_puts(b, "\"");
	for (i = 0; i < n; i++) {
		if (s[i] == '"' || s[i] == '\\')
			buf_printf(b, "\\%c", s[i]);
		else if (s[i] < 0x20 || s[i] > 0x7e)
			buf_printf(b, "\\%03u", s[i]);
		else
			buf_append(b, &s[i], 1);
	}
	buf_puts(b, "\"");
}

/*
 * The value of a record: its RDATA in presentation form (names
 * normalised), except TXT: the character-strings concatenated.  pres
 * gets the presentation form (TXT: quoted strings).  -1 if malformed.
 */
static int
rdata_text(const struct reply *rp, const ns_rr *rr, struct buf *val,
    struct buf *pres)
{
	const unsigned char	*p = ns_rr_rdata(*rr);
	const unsigned char	*end = p + ns_rr_rdlen(*rr);
	const unsigned char	*msgend = ns_msg_end(rp->m);
	char			 ab[INET6_ADDRSTRLEN];
	size_t			 i, k;
	int			 type = ns_rr_type(*rr);

	switch (type) {
	case ns_t_a:
	case ns_t_aaaa:
		if (ns_rr_rdlen(*rr) != (type == ns_t_a ? 4 : 16) ||
		    inet_ntop(type == ns_t_a ? AF_INET : AF_INET6, p, ab,
		    sizeof(ab)) == NULL)
			return -1;
		buf_puts(val, ab);
		break;
	case ns_t_ns:
	case ns_t_cname:
		if (rd_name(rp, &p, msgend, val) != 0)
			return -1;
		break;
	case ns_t_mx:
		if (end - p < 3)
			return -1;
		buf_printf(val, "%u ", (unsigned)(p[0] << 8 | p[1]));
		p += 2;
		if (rd_name(rp, &p, msgend, val) != 0)
			return -1;
		break;
	case ns_t_soa:
		if (rd_name(rp, &p, msgend, val) != 0)
			return -1;
		buf_puts(val, " ");
		if (rd_name(rp, &p, msgend, val) != 0 || end - p != 20)
			return -1;
		for (i = 0; i < 5; i++)
			buf_printf(val, " %lu", rd_u32(p + 4 * i));
		break;
	case ns_t_txt:
		while (p < end) {
			k = *p++;
			if ((size_t)(end - p) < k)
				return -1;
			buf_append(val, p, k);
			if (pres->len > 0)
				buf_puts(pres, " ");
			quote_string(pres, p, k);
			p += k;
		}
		break;
	case 43:	/* DS: key tag, algorithm, digest type, digest */
		if (end - p < 5)
			return -1;
		buf_printf(val, "%u %u %u ", (unsigned)(p[0] << 8 | p[1]),
		    p[2], p[3]);
		for (p += 4; p < end; p++)
			buf_printf(val, "%02X", *p);
		break;
	case 48:	/* DNSKEY: flags, protocol, algorithm, key */
		if (end - p < 5)
			return -1;
		buf_printf(val, "%u %u %u ", (unsigned)(p[0] << 8 | p[1]),
		    p[2], p[3]);
		{
			int	 kl = (int)(end - p - 4);
			char	*b64 = xmalloc(4 * (((size_t)kl + 2) / 3) + 1);

			EVP_EncodeBlock((unsigned char *)b64, p + 4, kl);
			buf_puts(val, b64);
			free(b64);
		}
		break;
	case DNS_T_CAA:	/* flags, tag, value (RFC 8659) */
		if (end - p < 2 || (size_t)(end - p - 2) < p[1])
			return -1;
		buf_printf(val, "%u ", p[0]);
		buf_append(val, p + 2, p[1]);
		buf_puts(val, " ");
		k = p[1];
		p += 2 + k;
		quote_string(val, p, (size_t)(end - p));
		break;
	default:
		return -1;
	}
	if (type != ns_t_txt)
		buf_append(pres, val->data, val->len);
	buf_append(val, "", 1);
	val->len--;
	buf_append(pres, "", 1);
	pres->len--;
	return 0;
}

/*
 * For a DNSKEY record with the Zone Key flag: its key tag (RFC 4034
 * appendix B) and the DS records that would point at it (RFC 4034
 * 5.1.4: digest of the owner name in canonical wire form followed by the
 * DNSKEY RDATA) for digest types 1 (SHA-1), 2 (SHA-256) and 4 (SHA-384),
 * in dns_records' DS form, added to raw as "key_tag" and "ds".
 */
static void
dnskey_ds(const ns_rr *rr, const char *owner, json_t *raw)
{
	static const struct {
		int		 type;
		const EVP_MD	*(*md)(void);
	} digests[] = {
		{ 1, EVP_sha1 }, { 2, EVP_sha256 }, { 4, EVP_sha384 },
	};
	const unsigned char	*rd = ns_rr_rdata(*rr);
	unsigned char		 wire[NS_MAXCDNAME], md[EVP_MAX_MD_SIZE];
	unsigned int		 mdlen, k;
	unsigned long		 ac = 0;
	size_t			 i, rdlen = ns_rr_rdlen(*rr);
	struct buf		 b;
	json_t			*ds;
	EVP_MD_CTX		*mc;
	char			*fq;
	int			 wl, tag;

	if (rdlen < 4 || !(rd[0] & 0x01))	/* Zone Key flag (bit 7) */
		return;
	for (i = 0; i < rdlen; i++)
		ac += (i & 1) ? rd[i] : (unsigned long)rd[i] << 8;
	ac += (ac >> 16) & 0xFFFF;
	tag = (int)(ac & 0xFFFF);
	fq = xasprintf("%s.", owner);
	wl = ns_name_pton(fq, wire, sizeof(wire));
	free(fq);
	if (wl < 0)
		return;
	/* ns_name_pton gives the uncompressed wire form; owner is lower. */
	for (wl = 0; wire[wl] != 0; wl += wire[wl] + 1)
		;
	wl++;
	ds = json_array();
	buf_init(&b, 0);
	for (i = 0; i < sizeof(digests) / sizeof(digests[0]); i++) {
		if ((mc = EVP_MD_CTX_new()) == NULL)
			break;
		if (EVP_DigestInit_ex(mc, digests[i].md(), NULL) == 1 &&
		    EVP_DigestUpdate(mc, wire, (size_t)wl) == 1 &&
		    EVP_DigestUpdate(mc, rd, rdlen) == 1 &&
		    EVP_DigestFinal_ex(mc, md, &mdlen) == 1) {
			buf_reset(&b);
			buf_printf(&b, "%d %u %d ", tag, rd[3],
			    digests[i].type);
			for (k = 0; k < mdlen; k++)
				buf_printf(&b, "%02X", md[k]);
			buf_append(&b, "", 1);
			json_array_append_new(ds, json_string(b.data));
		}
		EVP_MD_CTX_free(mc);
	}
	buf_release(&b);
	json_object_set_new(raw, "key_tag", json_integer(tag));
	json_object_set_new(raw, "ds", ds);
}

static int
insert_row(struct source_ctx *ctx, json_t *row)
{
	return source_put_row(ctx, "dns_records", row);
}

/* Does the answer section hold a CNAME owned by qname? */
static int
has_cname(struct reply *rp, const char *qname)
{
	ns_rr	 rr;
	char	*owner;
	int	 i, found = 0;

	for (i = 0; i < ns_msg_count(rp->m, ns_s_an) && !found; i++) {
		if (ns_parserr(&rp->m, ns_s_an, i, &rr) != 0)
			break;
		if (ns_rr_type(rr) != ns_t_cname)
			continue;
		owner = norm_name(ns_rr_name(rr));
		found = strcmp(owner, qname) == 0;
		free(owner);
	}
	return found;
}

/* Does the answer section hold any record of type? */
static int
has_type(struct reply *rp, int type)
{
	ns_rr	 rr;
	int	 i;

	for (i = 0; i < ns_msg_count(rp->m, ns_s_an); i++) {
		if (ns_parserr(&rp->m, ns_s_an, i, &rr) != 0)
			break;
		if ((int)ns_rr_type(rr) == type)
			return 1;
	}
	return 0;
}

/*
 * What the target of a CNAME is: "resolves" (an A or AAAA answer),
 * "nxdomain" (dangling) or "nodata" (exists, no address).
 */
static int
target_status(struct dns *d, const char *target, const char **status)
{
	struct reply	 rp;
	int		 r, i;
	static const int types[] = { ns_t_a, ns_t_aaaa };

	*status = "nodata";
	for (i = 0; i < 2; i++) {
		if ((r = ask(d, target, types[i], &rp)) != 0) {
			reply_free(&rp);
			return r;
		}
		if (rp.rcode == ns_r_nxdomain) {
			*status = "nxdomain";
			reply_free(&rp);
			return 0;
		}
		if (has_type(&rp, types[i])) {
			*status = "resolves";
			reply_free(&rp);
			return 0;
		}
		reply_free(&rp);
	}
	return 0;
}

/*
 * Asks name/type and writes the rows: one per record of that type owned
 * by name, else a negative row (unless name is an alias: its CNAME row,
 * from the CNAME query, says so).  With follow, records of the type at
 * the end of a CNAME chain count as name's (row name = name, raw.owner =
 * the real owner) and a name without them always gets a negative row;
 * vals (when not NULL) gets each record's value appended.
 */
static int
query_opt(struct dns *d, const char *zone, const char *name, int type,
    int follow, json_t *vals)
{
	struct reply	 rp;
	struct buf	 val, pres;
	ns_rr		 rr;
	json_t		*row, *raw;
	char		*owner;
	const char	*tn = type_name(type), *ts;
	int		 r, i, n = 0;

	buf_init(&val, 0);
	buf_init(&pres, 0);
	if ((r = ask(d, name, type, &rp)) != 0)
		goto out;
	for (i = 0; i < ns_msg_count(rp.m, ns_s_an); i++) {
		if (ns_parserr(&rp.m, ns_s_an, i, &rr) != 0) {
			r = source_fail(d->ctx, "malformed DNS reply from %s "
			    "for %s %s", d->server, name, tn);
			goto out;
		}
		if ((int)ns_rr_type(rr) != type || ns_rr_class(rr) != ns_c_in)
			continue;
		owner = norm_name(ns_rr_name(rr));
		if (strcmp(owner, name) != 0 && !follow) {
			free(owner);
			continue;
		}
		buf_reset(&val);
		buf_reset(&pres);
		if (rdata_text(&rp, &rr, &val, &pres) != 0) {
			free(owner);
			r = source_fail(d->ctx, "malformed %s record in the "
			    "reply from %s for %s", tn, d->server, name);
			goto out;
		}
		raw = json_pack("{s:s, s:i, s:s, s:s, s:s}", "owner", owner,
		    "ttl", (json_int_t)ns_rr_ttl(rr), "class", "IN", "type",
		    tn, "rdata", pres.data);
		if (type == 48)
			dnskey_ds(&rr, owner, raw);
		if (vals != NULL)
			json_array_append_new(vals, json_string(val.data));
		row = json_pack("{s:s?, s:s, s:s, s:I, s:s, s:s, s:o}",
		    "zone", zone, "name", name, "type", tn, "ttl",
		    (json_int_t)ns_rr_ttl(rr), "value", val.data, "status",
		    "answer", "raw", raw);
		if (type == ns_t_cname) {
			if ((r = target_status(d, val.data, &ts)) != 0) {
				free(owner);
				json_decref(row);
				goto out;
			}
			json_object_set_new(row, "target",
			    json_string(val.data));
			json_object_set_new(row, "target_status",
			    json_string(ts));
		}
		free(owner);
		if ((r = insert_row(d->ctx, row)) != 0)
			goto out;
		n++;
	}
	if (n == 0 && (follow || type == ns_t_cname ||
	    !has_cname(&rp, name))) {
		row = json_pack("{s:s?, s:s, s:s, s:n, s:n, s:s}", "zone",
		    zone, "name", name, "type", tn, "ttl", "value", "status",
		    rp.rcode == ns_r_nxdomain ? "nxdomain" : "nodata");
		r = insert_row(d->ctx, row);
	}
 out:
	reply_free(&rp);
	buf_release(&val);
	buf_release(&pres);
	return r;
}

static int
query(struct dns *d, const char *zone, const char *name, int type)
{
	return query_opt(d, zone, name, type, 0, NULL);
}

/*
 * One row of dns_ns_checks: nameserver ns of zone at addr (NULL: it has
 * no IPv4 address), with status authoritative, not_authoritative,
 * error_rcode, no_answer or unresolved.
 */
static int
ns_check_row(struct dns *d, const char *zone, const char *ns,
    const char *addr, const char *status, const char *rcode, int aa,
    json_t *raw)
{
	json_t	*row;

	row = json_pack("{s:s, s:s, s:s?, s:s, s:s?, s:o, s:o}", "zone",
	    zone, "nameserver", ns, "address", addr, "status", status,
	    "rcode", rcode, "authoritative", aa < 0 ? json_null() :
	    json_integer(aa), "raw", raw != NULL ? raw : json_object());
	return source_put_row(d->ctx, "dns_ns_checks", row);
}

/*
 * Lame-delegation check of one nameserver of zone: its IPv4 addresses
 * through the resolver, then SOA for the zone asked of each address
 * directly.  Authoritative means a NOERROR reply with the AA bit and the
 * zone's SOA in the answer section.
 */
static int
ns_check(struct dns *d, const char *zone, const char *ns)
{
	struct reply	 rp, ap;
	ns_rr		 rr;
	json_t		*addrs, *v;
	char		 ab[INET_ADDRSTRLEN];
	char		*owner;
	const char	*status;
	size_t		 i;
	int		 r, k, answered, aa, soa;

	addrs = json_array();
	if ((r = ask(d, ns, ns_t_a, &rp)) != 0)
		goto out;
	for (k = 0; k < ns_msg_count(rp.m, ns_s_an); k++) {
		if (ns_parserr(&rp.m, ns_s_an, k, &rr) != 0)
			break;
		if (ns_rr_type(rr) != ns_t_a || ns_rr_class(rr) != ns_c_in ||
		    ns_rr_rdlen(rr) != 4 || json_array_size(addrs) >=
		    NS_ADDR_MAX)
			continue;
		if (inet_ntop(AF_INET, ns_rr_rdata(rr), ab, sizeof(ab)) !=
		    NULL)
			json_array_append_new(addrs, json_string(ab));
	}
	if (json_array_size(addrs) == 0) {
		r = ns_check_row(d, zone, ns, NULL, "unresolved",
		    rcode_name(rp.rcode), -1, json_pack("{s:s}", "reason",
		    rp.rcode == ns_r_nxdomain ? "the name does not exist" :
		    "the name has no IPv4 address"));
		goto out;
	}
	json_array_foreach(addrs, i, v) {
		if ((r = ask_at(d, json_string_value(v), zone, ns_t_soa, &ap,
		    &answered)) != 0) {
			reply_free(&ap);
			goto out;
		}
		if (!answered) {
			r = ns_check_row(d, zone, ns, json_string_value(v),
			    "no_answer", NULL, -1, NULL);
			reply_free(&ap);
			if (r != 0)
				goto out;
			continue;
		}
		aa = ns_msg_getflag(ap.m, ns_f_aa) != 0;
		soa = 0;
		for (k = 0; k < ns_msg_count(ap.m, ns_s_an); k++) {
			if (ns_parserr(&ap.m, ns_s_an, k, &rr) != 0)
				break;
			if (ns_rr_type(rr) != ns_t_soa)
				continue;
			owner = norm_name(ns_rr_name(rr));
			soa |= strcmp(owner, zone) == 0;
			free(owner);
		}
		if (ap.rcode != ns_r_noerror)
			status = "error_rcode";
		else if (aa && soa)
			status = "authoritative";
		else
			status = "not_authoritative";
		r = ns_check_row(d, zone, ns, json_string_value(v), status,
		    rcode_name(ap.rcode), aa, json_pack("{s:b, s:i}",
		    "soa_in_answer", soa, "answer_count",
		    ns_msg_count(ap.m, ns_s_an)));
		reply_free(&ap);
		if (r != 0)
			goto out;
	}
 out:
	reply_free(&rp);
	json_decref(addrs);
	return r;
}

/* The DKIM selectors: the source's, the policy's parameter, or built in. */
static json_t *
dkim_selectors(const struct source_ctx *ctx)
{
	json_t	*a;
	size_t	 i;

	a = json_object_get(ctx->ps->obj, "dkim_selectors");
	if (a == NULL && ctx->policy != NULL)
		a = json_object_get(ctx->policy->parameters,
		    "dkim_selectors");
	if (json_is_array(a))
		return json_incref(a);
	a = json_array();
	for (i = 0; dkim_default[i] != NULL; i++)
		json_array_append_new(a, json_string(dkim_default[i]));
	return a;
}

/*
 * The queries beyond the apex set: DNSKEY when the parent has a DS, the
 * mail records when the zone has MX, and each nameserver's own answer.
 */
static int
zone_depth(struct dns *d, const char *zone, json_t *ns, int has_ds,
    int has_mx, json_t *selectors)
{
	json_t		*v;
	char		*nm, *sel;
	size_t		 i;
	int		 r = 0;

	if (has_ds && (r = query(d, zone, zone, 48)) != 0)
		return r;
	if (has_mx) {
		json_array_foreach(selectors, i, v) {
			if (!json_is_string(v))
				continue;
			sel = norm_name(json_string_value(v));
			nm = xasprintf("%s._domainkey.%s", sel, zone);
			r = query_opt(d, zone, nm, ns_t_txt, 1, NULL);
			free(nm);
			free(sel);
			if (r != 0)
				return r;
		}
		nm = xasprintf("_mta-sts.%s", zone);
		r = query_opt(d, zone, nm, ns_t_txt, 1, NULL);
		free(nm);
		if (r != 0)
			return r;
	}
	json_array_foreach(ns, i, v) {
		if ((r = ns_check(d, zone, json_string_value(v))) != 0)
			return r;
	}
	return 0;
}

/* Is there an MX that is not the null MX ("0 .", RFC 7505)? */
static int
has_real_mx(json_t *mx)
{
	json_t		*v;
	size_t		 i;
	const char	*s;

	json_array_foreach(mx, i, v) {
		s = json_string_value(v);
		if (s != NULL && strcmp(s, "0 ") != 0)
			return 1;
	}
	return 0;
}

/* The longest of zones that name is in, or NULL. */
static const char *
zone_of(char **zones, size_t nz, const char *name)
{
	const char	*best = NULL;
	size_t		 i, nl = strlen(name), zl;

	for (i = 0; i < nz; i++) {
		zl = strlen(zones[i]);
		if (zl > nl || strcmp(name + nl - zl, zones[i]) != 0 ||
		    (zl < nl && name[nl - zl - 1] != '.'))
			continue;
		if (best == NULL || zl > strlen(best))
			best = zones[i];
	}
	return best;
}

static int
dns_collect(struct source_ctx *ctx)
{
	static const int zone_types[] = {
		ns_t_ns, ns_t_soa, ns_t_a, ns_t_aaaa, ns_t_mx, ns_t_txt,
		DNS_T_CAA, 43
	};
	static const int name_types[] = { ns_t_a, ns_t_aaaa, ns_t_cname };
	const struct collect_opts *co = ctx->co;
	struct dns	 d;
	json_t		*zl, *nl, *v, *selectors;
	char		**zones = NULL, *nm, *dm;
	size_t		 i, j, nz;
	int		 r = 0;

	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.timeout_s = policy_source_num(ctx->ps, "timeout_s", 5);
	d.auth_port = (int)policy_source_num(ctx->ps, "authoritative_port",
	    nameserver_port(policy_source_str(ctx->ps, "nameserver", NULL)));
	selectors = dkim_selectors(ctx);
	zl = json_object_get(ctx->ps->obj, "zones");
	nl = json_object_get(ctx->ps->obj, "names");
	nz = json_array_size(zl);
	zones = xcalloc(nz + 1, sizeof(*zones));
	json_array_foreach(zl, i, v)
		zones[i] = norm_name(json_string_value(v));
	if (co != NULL && co->replay_dir != NULL) {
		d.replay_path = xasprintf("%s/%s", co->replay_dir,
		    ctx->ps->name);
		d.server = xstrdup("the recording");
		if ((r = replay_load(&d)) != 0)
			goto out;
	} else if ((r = resolver_init(&d, policy_source_str(ctx->ps,
	    "nameserver", NULL), policy_source_num(ctx->ps, "timeout_s",
	    5))) != 0)
		goto out;
	if (co != NULL && co->record_dir != NULL && co->replay_dir == NULL)
		d.record_path = xasprintf("%s/%s", co->record_dir,
		    ctx->ps->name);
	for (i = 0; i < nz; i++) {
		json_t *got[3];

		for (j = 0; j < 3; j++)
			got[j] = json_array();
		for (j = 0; j < sizeof(zone_types) / sizeof(zone_types[0]) &&
		    r == 0; j++)
			r = query_opt(&d, zones[i], zones[i], zone_types[j], 0,
			    zone_types[j] == ns_t_ns ? got[0] :
			    zone_types[j] == ns_t_mx ? got[1] :
			    zone_types[j] == 43 ? got[2] : NULL);
		if (r == 0) {
			dm = xasprintf("_dmarc.%s", zones[i]);
			r = query(&d, zones[i], dm, ns_t_txt);
			free(dm);
		}
		if (r == 0)
			r = zone_depth(&d, zones[i], got[0],
			    json_array_size(got[2]) > 0, has_real_mx(got[1]),
			    selectors);
		for (j = 0; j < 3; j++)
			json_decref(got[j]);
		if (r != 0)
			goto out;
	}
	json_array_foreach(nl, i, v) {
		nm = norm_name(json_string_value(v));
		for (j = 0; j < sizeof(name_types) / sizeof(name_types[0]) &&
		    r == 0; j++) {
			/* A zone's apex addresses are already asked. */
			if (name_types[j] != ns_t_cname &&
			    zone_of(zones, nz, nm) != NULL &&
			    strcmp(zone_of(zones, nz, nm), nm) == 0)
				continue;
			r = query(&d, zone_of(zones, nz, nm), nm,
			    name_types[j]);
		}
		free(nm);
		if (r != 0)
			goto out;
	}
 out:
	if (d.rs_open)
		res_nclose(&d.rs);
	for (i = 0; i < nz; i++)
		free(zones[i]);
	free(zones);
	json_decref(selectors);
	free(d.server);
	free(d.record_path);
	free(d.replay_path);
	json_decref(d.replay);
	return r;
}

static int
valid_name(const char *s)
{
	unsigned char	 b[NS_MAXCDNAME];
	size_t		 n = strlen(s);

	if (n == 0 || strcmp(s, ".") == 0)
		return 0;
	return ns_name_pton(s, b, sizeof(b)) >= 0;
}

static void
names_check(const struct policy_source *ps, struct diags *dg,
    const char *key, int required)
{
	json_t		*a = json_object_get(ps->obj, key), *v;
	size_t		 i;

	if (a == NULL && !required)
		return;
	if (!json_is_array(a) || (required && json_array_size(a) == 0)) {
		diags_add(dg, ps->file, ps->line, ps->col, "source '%s': "
		    "\"%s\" must be a%s array of names", ps->name, key,
		    required ? " non-empty" : "n");
		return;
	}
	json_array_foreach(a, i, v) {
		if (json_is_string(v) && valid_name(json_string_value(v)))
			continue;
		diags_add(dg, ps->file, ps->line, ps->col, "source '%s': "
		    "\"%s\"[%zu] is not a valid DNS name", ps->name, key, i);
	}
}

/*
 * A DKIM selector (RFC 6376 3.1): dot-separated labels of letters,
 * digits, hyphens (and underscores, seen in the wild), 1 to 63 each.
 */
static int
valid_selector(const char *s)
{
	size_t	 label = 0;

	if (*s == '\0' || strlen(s) > 200)
		return 0;
	for (; *s != '\0'; s++) {
		if (*s == '.') {
			if (label == 0)
				return 0;
			label = 0;
			continue;
		}
		if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return 0;
		if (++label > 63)
			return 0;
	}
	return label > 0;
}

/* dkim_selectors: an array of DKIM selectors. */
static void
selectors_check(const struct policy_source *ps, struct diags *dg)
{
	json_t		*a = json_object_get(ps->obj, "dkim_selectors"), *v;
	const char	*s;
	size_t		 i;

	if (a == NULL)
		return;
	if (!json_is_array(a)) {
		diags_add(dg, ps->file, ps->line, ps->col, "source '%s': "
		    "\"dkim_selectors\" must be an array of DKIM selectors",
		    ps->name);
		return;
	}
	json_array_foreach(a, i, v) {
		s = json_string_value(v);
		if (s != NULL && valid_selector(s))
			continue;
		diags_add(dg, ps->file, ps->line, ps->col, "source '%s': "
		    "\"dkim_selectors\"[%zu] is not a valid DKIM selector",
		    ps->name, i);
	}
}

static void
dns_check(const struct policy_source *ps, struct diags *dg)
{
	const char	*ns = policy_source_str(ps, "nameserver", NULL);
	json_t		*port_v;
	const char	*colon;
	char		*end;
	long		 port;

	names_check(ps, dg, "zones", 1);
	names_check(ps, dg, "names", 0);
	selectors_check(ps, dg);
	port_v = json_object_get(ps->obj, "authoritative_port");
	if (port_v != NULL && (!json_is_integer(port_v) ||
	    json_integer_value(port_v) < 1 ||
	    json_integer_value(port_v) > 65535))
		diags_add(dg, ps->file, ps->line, ps->col, "source '%s': "
		    "\"authoritative_port\" must be an integer from 1 to "
		    "65535", ps->name);
	if (ns == NULL)
		return;
	if (ns[0] == '[' || (strchr(ns, ':') != strrchr(ns, ':')))
		diags_add(dg, ps->file, ps->line, ps->col, "source '%s': "
		    "\"nameserver\" must be an IPv4 address or a host name, "
		    "with an optional :port (IPv6 is not supported)",
		    ps->name);
	else if ((colon = strrchr(ns, ':')) != NULL) {
		errno = 0;
		port = strtol(colon + 1, &end, 10);
		if (colon == ns || errno != 0 || *end != '\0' ||
		    end == colon + 1 || port < 1 || port > 65535)
			diags_add(dg, ps->file, ps->line, ps->col, "source "
			    "'%s': \"nameserver\" must be HOST or HOST:PORT "
			    "with a port from 1 to 65535", ps->name);
	}
}

/*
 * Natural keys for drift (drift.c); dns_records.ttl is not compared:
 * through a caching resolver it counts down between runs.
 */
static const struct drift_table dns_drift[] = {
	{ "dns_ns_checks",		"zone,nameserver,address", NULL, NULL,
	  NULL },
	{ "dns_records",		"zone,name,type,value", "ttl", NULL,
	  NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct source_type source_dns = {
	.name = "dns",
	.drift = dns_drift,
	.critical = dns_critical,
	.keys = dns_keys,
	.endpoint_keys = NULL,
	.kinds = dns_kinds,
	.http = 0,
	.follow_redirects = 0,
	.schema = dns_schema,
	.check = dns_check,
	.collect = dns_collect,
};

/* ---- one lookup, for critical values (dns.h) ---------------------------- */

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int
dns_answer_set(const char *nameserver, double timeout_s, const char *name,
    const char *rrtype, char ***values, size_t *nvalues, char **error)
{
	struct source_ctx ctx;
	struct dns	 d;
	struct reply	 rp;
	struct buf	 val, pres;
	ns_rr		 rr;
	char		*qname = NULL, *owner;
	size_t		 i;
	int		 r, k, type = -1;

	*values = NULL;
	*nvalues = 0;
	*error = NULL;
	memset(&ctx, 0, sizeof(ctx));
	memset(&d, 0, sizeof(d));
	memset(&rp, 0, sizeof(rp));
	d.ctx = &ctx;
	buf_init(&val, 0);
	buf_init(&pres, 0);
	for (i = 0; i < sizeof(rr_types) / sizeof(rr_types[0]); i++)
		if (rrtype != NULL && strcasecmp(rrtype, rr_types[i].name) == 0)
			type = rr_types[i].type;
	if (type < 0) {
		r = source_fail(&ctx, "unsupported record type '%s'",
		    rrtype != NULL ? rrtype : "");
		goto out;
	}
	qname = norm_name(name);
	if ((r = resolver_init(&d, nameserver, timeout_s)) != 0)
		goto out;
	if ((r = ask(&d, qname, type, &rp)) != 0)
		goto out;
	for (k = 0; k < ns_msg_count(rp.m, ns_s_an); k++) {
		if (ns_parserr(&rp.m, ns_s_an, k, &rr) != 0) {
			r = source_fail(&ctx, "malformed DNS reply from %s "
			    "for %s %s", d.server, qname, rrtype);
			goto out;
		}
		if ((int)ns_rr_type(rr) != type || ns_rr_class(rr) != ns_c_in)
			continue;
		owner = norm_name(ns_rr_name(rr));
		if (strcmp(owner, qname) != 0) {
			free(owner);
			continue;
		}
		free(owner);
		buf_reset(&val);
		buf_reset(&pres);
		if (rdata_text(&rp, &rr, &val, &pres) != 0) {
			r = source_fail(&ctx, "malformed %s record in the "
			    "reply from %s for %s", rrtype, d.server, qname);
			goto out;
		}
		*values = xreallocarray(*values, *nvalues + 1,
		    sizeof(**values));
		(*values)[(*nvalues)++] = xstrdup(val.data);
	}
	qsort(*values, *nvalues, sizeof(**values), cmp_str);
 out:
	if (r != 0) {
		for (i = 0; i < *nvalues; i++)
			free((*values)[i]);
		free(*values);
		*values = NULL;
		*nvalues = 0;
		*error = ctx.error != NULL ? ctx.error : xstrdup(vgl_err(r));
	} else
		free(ctx.error);
	reply_free(&rp);
	if (d.rs_open)
		res_nclose(&d.rs);
	free(d.server);
	free(qname);
	buf_release(&val);
	buf_release(&pres);
	return r;
}

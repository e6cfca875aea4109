/*
 * discord/freeze.c: the Discord side of the freeze (SPEC section 8;
 * docs/apis.md section 4): discord.strip_dangerous_permissions.
 *
 * Live state, with the bot token (freeze.credentials.NAME.bot_token_env
 * or _file, else the source's own):
 *   GET /users/@me                      the bot's user id
 *   GET /guilds/{id}                    owner_id and roles[]
 *   GET /guilds/{id}/members/{bot id}   the bot's roles
 * Write: PATCH /guilds/{id}/roles/{role id} {"permissions": "DECIMAL"}
 * with X-Audit-Log-Reason.  Requests are in the rate group "discord" and
 * rate_route (the HTTP layer keeps the bot's buckets, discord.h); a 429 is
 * retried by the HTTP layer after Retry-After.
 *
 * Which roles: every role that holds one of the stripped bits, except
 * break_glass.discord roles, the roles the bot itself holds (its managed
 * role included: stripping MANAGE_ROLES there would leave the bot unable
 * to thaw), and, unless the bot owns the guild, roles at or above the
 * bot's highest role: Discord lets a bot edit only roles below its
 * highest one, managed (integration) roles included.  The plan names
 * each skipped role that keeps a stripped bit, with the reason.  The
 * step's prior is the role's exact 64-bit permissions, restored by thaw.
 */
#include "config.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "discord/discord.h"
#include "freeze.h"
#include "http.h"
#include "log.h"
#include "source.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#define B(n)	(UINT64_C(1) << (n))

/* The bits the freeze strips, in bit order (Discord permissions.mdx). */
static const struct {
	const char	*name;
	int		 bit;
} strip_bits[] = {
	{ "KICK_MEMBERS", 1 },
	{ "BAN_MEMBERS", 2 },
	{ "ADMINISTRATOR", 3 },
	{ "MANAGE_CHANNELS", 4 },
	{ "MANAGE_GUILD", 5 },
	{ "MANAGE_ROLES", 28 },
	{ "MANAGE_WEBHOOKS", 29 },
};
#define NSTRIP	(sizeof(strip_bits) / sizeof(strip_bits[0]))

struct freeze_discord {
	const struct policy_source	*ps;
	struct http_client		*http;
	char				*auth;		/* "Bot TOKEN" */
	char				*base;		/* API base URL */
	const char			*guild_id;
	char				*bot_id;
	char				*caller;	/* "bot NAME (ID)" */
	/* Live state (dz_read). */
	json_t				*roles;		/* id -> role */
	json_t				*bot_roles;	/* [id] */
	const char			*owner_id;
	json_t				*guild;
	int				 top;		/* bot's highest */
	uint64_t			 have;		/* bot's perms */
};

static const char *
jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static uint64_t
strip_mask(void)
{
	uint64_t	 m = 0;
	size_t		 i;

	for (i = 0; i < NSTRIP; i++)
		m |= B(strip_bits[i].bit);
	return m;
}

/* The names of the stripped bits in perms, as a JSON array. */
static json_t *
bit_names(uint64_t perms)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < NSTRIP; i++)
		if (perms & B(strip_bits[i].bit))
			json_array_append_new(a,
			    json_string(strip_bits[i].name));
	return a;
}

static int
in_array(json_t *a, const char *s)
{
	json_t	*v;
	size_t	 i;

	json_array_foreach(a, i, v)
		if (json_is_string(v) && strcmp(json_string_value(v), s) == 0)
			return 1;
	return 0;
}

/* The "message" and "code" of a Discord error body, or "". */
static char *
error_text(const struct http_req *q)
{
	json_t		*o;
	const char	*m;
	char		*s;

	o = json_loadb(q->resp.data, q->resp.len, 0, NULL);
	m = json_string_value(json_object_get(o, "message"));
	s = m != NULL ? xasprintf(": %.200s (code %" JSON_INTEGER_FORMAT ")",
	    m, json_integer_value(json_object_get(o, "code"))) : xstrdup("");
	json_decref(o);
	return s;
}

/*
 * One request on route; 2xx parses the body into *out (when out is not
 * NULL), anything else is an error with *why set.
 */
static int
dc_call(struct freeze_discord *f, const char *method, const char *route,
    const char *path, json_t *body, json_t **out, char **why)
{
	struct http_req	*q;
	char		*url, *b, *msg;
	int		 r;

	if (out != NULL)
		*out = NULL;
	url = xasprintf("%s%s", f->base, path);
	q = http_req_new(method, url);
	free(url);
	http_req_set_header(q, "Authorization", f->auth);
	http_req_set_header(q, "Accept", "application/json");
	http_req_set_header(q, "User-Agent", "DiscordBot (vigil, "
	    PACKAGE_VERSION ")");
	if (body != NULL) {
		b = json_dumps(body, JSON_COMPACT);
		http_req_set_header(q, "Content-Type", "application/json");
		http_req_set_header(q, "X-Audit-Log-Reason",
		    "vigil freeze (vigil freeze thaw restores it)");
		http_req_set_body(q, b, strlen(b));
		free(b);
	}
	q->rate_group = "discord";
	q->rate_route = route;
	r = http_do(f->http, q);
	if (r != 0) {
		*why = xasprintf("%s %s: %s", method, path, q->error != NULL ?
		    q->error : vgl_err(r));
		http_req_free(q);
		return VGL_ERR_PROVIDER;
	}
	if (q->status < 200 || q->status > 299) {
		msg = error_text(q);
		*why = xasprintf("%s %s: HTTP %ld%s%s", method, path, q->status,
		    msg, q->status == 403 ? " (the bot lacks MANAGE_ROLES or "
		    "the role is not below the bot's highest role)" :
		    q->status == 401 ? " (Discord rejected the bot token)" :
		    "");
		free(msg);
		http_req_free(q);
		return VGL_ERR_PROVIDER;
	}
	if (out != NULL && (*out = json_loadb(q->resp.data, q->resp.len, 0,
	    NULL)) == NULL) {
		*why = xasprintf("%s %s: malformed JSON", method, path);
		http_req_free(q);
		return VGL_ERR_PROVIDER;
	}
	http_req_free(q);
	return 0;
}

static void	dz_free(void *);

/* ---- connection ---------------------------------------------------------- */

static int
dz_open(const struct policy *p, const struct policy_source *ps,
    void **out, int *own, char **why)
{
	struct freeze_discord	*f;
	struct http_opts	 o;
	json_t			*creds, *me = NULL;
	char			*tok = NULL, *ep, *w = NULL;
	int			 r;

	*out = NULL;
	*why = NULL;
	f = xcalloc(1, sizeof(*f));
	f->ps = ps;
	f->guild_id = policy_source_str(ps, "guild_id", "");
	source_http_opts(ps, NULL, &o);
	o.max_retries = 3;
	f->http = http_client_new(&o);
	http_client_set_rate(f->http, "discord", DISCORD_GLOBAL_RPS);
	http_client_set_rate_buckets(f->http, "discord");
	creds = json_object_get(json_object_get(p->freeze, "credentials"),
	    ps->name);
	*own = creds == NULL;
	r = policy_secret(creds != NULL ? creds : ps->obj, "bot_token",
	    "DISCORD_BOT_TOKEN", &tok, &w);
	if (r != 0) {
		*why = r == VGL_ERR_NOTFOUND ? xasprintf("no Discord bot token "
		    "(%s.bot_token_env, default DISCORD_BOT_TOKEN, is not "
		    "set)", creds != NULL ? "freeze.credentials" : "source") :
		    xasprintf("cannot read the Discord bot token: %s",
		    w != NULL ? w : vgl_err(r));
		free(w);
		dz_free(f);
		return VGL_ERR_POLICY;
	}
	f->auth = xasprintf("Bot %s", tok);
	freestr_secret(tok);
	ep = source_endpoint(ps, NULL, DISCORD_API);
	while (*ep != '\0' && ep[strlen(ep) - 1] == '/')
		ep[strlen(ep) - 1] = '\0';
	f->base = ep;
	if ((r = dc_call(f, "GET", "me", "/users/@me", NULL, &me, why)) != 0) {
		dz_free(f);
		return r;
	}
	if (jstr(me, "id") == NULL) {
		*why = xstrdup("GET /users/@me: the answer has no id");
		json_decref(me);
		dz_free(f);
		return VGL_ERR_PROVIDER;
	}
	f->bot_id = xstrdup(jstr(me, "id"));
	f->caller = xasprintf("bot %s (%s)", jstr(me, "username") != NULL ?
	    jstr(me, "username") : "?", f->bot_id);
	json_decref(me);
	*out = f;
	return 0;
}

static void
dz_free(void *arg)
{
	struct freeze_discord *f = arg;

	if (f == NULL)
		return;
	http_client_free(f->http);
	if (f->auth != NULL)
		freestr_secret(f->auth);
	free(f->base);
	free(f->bot_id);
	free(f->caller);
	json_decref(f->roles);
	json_decref(f->bot_roles);
	json_decref(f->guild);
	free(f);
}

static const char *
dz_caller(const void *arg)
{
	const struct freeze_discord *f = arg;

	return f->caller;
}

/* ---- live state ------------------------------------------------------------ */

static int	live_perms(struct freeze_discord *, const char *, uint64_t *);

static int
role_pos(json_t *role)
{
	return (int)json_integer_value(json_object_get(role, "position"));
}

static int
dz_read(void *arg, char **why)
{
	struct freeze_discord *f = arg;
	json_t		*g = NULL, *m = NULL, *rl, *e, *v;
	char		*path;
	uint64_t	 perms;
	size_t		 i;
	int		 r;

	*why = NULL;
	path = xasprintf("/guilds/%s", f->guild_id);
	r = dc_call(f, "GET", "guild", path, NULL, &g, why);
	free(path);
	if (r != 0)
		return r;
	rl = json_object_get(g, "roles");
	if (!json_is_array(rl)) {
		json_decref(g);
		*why = xstrdup("GET /guilds: the guild has no roles[]");
		return VGL_ERR_PROVIDER;
	}
	json_decref(f->roles);
	f->roles = json_object();
	json_array_foreach(rl, i, e) {
		if (jstr(e, "id") == NULL || discord_parse_perms(
		    json_object_get(e, "permissions"), &perms) != 0) {
			*why = xasprintf("GET /guilds: role #%zu has no id or "
			    "its permissions are not a decimal bitfield", i);
			json_decref(g);
			return VGL_ERR_PROVIDER;
		}
		json_object_set(f->roles, jstr(e, "id"), e);
	}
	json_decref(f->guild);
	f->guild = g;
	f->owner_id = jstr(g, "owner_id");
	path = xasprintf("/guilds/%s/members/%s", f->guild_id, f->bot_id);
	r = dc_call(f, "GET", "member", path, NULL, &m, why);
	free(path);
	if (r != 0)
		return r;
	json_decref(f->bot_roles);
	f->bot_roles = json_incref(json_object_get(m, "roles"));
	if (!json_is_array(f->bot_roles)) {
		json_decref(f->bot_roles);
		f->bot_roles = json_array();
	}
	json_decref(m);
	f->top = 0;
	f->have = 0;
	if (live_perms(f, f->guild_id, &perms) == 0)
		f->have = perms;	/* @everyone */
	json_array_foreach(f->bot_roles, i, v) {
		e = json_object_get(f->roles, json_string_value(v));
		if (e != NULL && role_pos(e) > f->top)
			f->top = role_pos(e);
		if (e != NULL && live_perms(f, json_string_value(v), &perms) ==
		    0)
			f->have |= perms;
	}
	return 0;
}

/* The live permissions of a role; 0 when found, -1 when gone. */
static int
live_perms(struct freeze_discord *f, const char *id, uint64_t *out)
{
	json_t	*e = json_object_get(f->roles, id);

	if (e == NULL || discord_parse_perms(json_object_get(e,
	    "permissions"), out) != 0)
		return -1;
	return 0;
}

/* ---- plan ---------------------------------------------------------------- */

/* A role name fit for one line: control characters become '?'. */
static const char *
clean_name(const char *s, char *buf, size_t len)
{
	size_t	 i;

	if (s == NULL)
		s = "";
	for (i = 0; s[i] != '\0' && i + 1 < len; i++)
		buf[i] = (unsigned char)s[i] < 0x20 || s[i] == 0x7f ? '?' :
		    s[i];
	buf[i] = '\0';
	return buf;
}

static int
dz_plan(void *arg, const struct policy *p,
    json_t *steps, FILE *out, char **why)
{
	struct freeze_discord *f = arg;
	json_t		*bg, *e, *lost;
	const char	*id, *name;
	uint64_t	 perms, mask = strip_mask();
	char		 dec[24], nbuf[101];
	int		 owner, admin;

	*why = NULL;
	if (!in_array(json_object_get(p->freeze, "actions"),
	    "discord.strip_dangerous_permissions"))
		return 0;
	bg = json_object_get(json_object_get(p->freeze, "break_glass"),
	    "discord");
	owner = f->owner_id != NULL && strcmp(f->owner_id, f->bot_id) == 0;
	admin = owner || (f->have & B(3)) != 0;
	if (out != NULL && !admin && (f->have & B(28)) == 0)
		fprintf(out, "  warning: the bot has neither ADMINISTRATOR nor "
		    "MANAGE_ROLES: Discord will refuse every role edit\n");
	json_object_foreach(f->roles, id, e) {
		if (live_perms(f, id, &perms) != 0 || (perms & mask) == 0)
			continue;
		name = clean_name(jstr(e, "name"), nbuf, sizeof(nbuf));
		lost = bit_names(perms & mask);
		if (in_array(bg, id)) {
			if (out != NULL)
				fprintf(out, "  skip role %s (%s): break-glass\n",
				    id, name);
		} else if (in_array(f->bot_roles, id)) {
			if (out != NULL)
				fprintf(out, "  skip role %s (%s): held by the "
				    "bot running this freeze%s\n", id, name,
				    json_is_true(json_object_get(e, "managed")) ?
				    " (its managed role)" : "");
		} else if (!owner && role_pos(e) >= f->top) {
			if (out != NULL) {
				char *l = json_dumps(lost, JSON_COMPACT);

				fprintf(out, "  skip role %s (%s)%s: not below "
				    "the bot's highest role, Discord refuses "
				    "the edit: it KEEPS %s\n", id, name,
				    json_is_true(json_object_get(e,
				    "managed")) ? " (managed)" : "", l);
				free(l);
			}
		} else if (!admin && (perms & mask & ~f->have) != 0) {
			if (out != NULL) {
				json_t *m = bit_names(perms & mask & ~f->have);
				char *l = json_dumps(m, JSON_COMPACT);

				fprintf(out, "  skip role %s (%s): the bot lacks "
				    "%s itself, so Discord would refuse to give "
				    "them back on thaw: it KEEPS them\n", id,
				    name, l);
				free(l);
				json_decref(m);
			}
		} else {
			snprintf(dec, sizeof(dec), "%" PRIu64, perms & ~mask);
			json_array_append_new(steps, json_pack("{s:s, s:s, "
			    "s:s, s:s, s:{s:s, s:s, s:s, s:O, s:b}, s:{s:s}}",
			    "source", f->ps->name, "action",
			    "discord.strip_dangerous_permissions", "op",
			    "strip_role_permissions", "target", id, "params",
			    "guild_id", f->guild_id, "role_name", name,
			    "permissions", dec, "strip", lost, "managed",
			    json_is_true(json_object_get(e, "managed")),
			    "prior", "permissions", json_string_value(
			    json_object_get(e, "permissions")) != NULL ?
			    json_string_value(json_object_get(e,
			    "permissions")) : "0"));
		}
		json_decref(lost);
	}
	return 0;
}

static json_t *
dz_snapshot(void *arg)
{
	struct freeze_discord *f = arg;
	json_t		*s = json_object(), *e;
	const char	*id;
	uint64_t	 perms;
	char		 dec[24], *key;

	json_object_foreach(f->roles, id, e) {
		if (live_perms(f, id, &perms) != 0)
			continue;
		snprintf(dec, sizeof(dec), "%" PRIu64, perms);
		key = xasprintf("strip_role_permissions:%s", id);
		json_object_set_new(s, key, json_pack("{s:s}", "permissions",
		    dec));
		free(key);
	}
	return s;
}

/* ---- checks ---------------------------------------------------------------- */

static int
dz_holds(void *arg, json_t *step)
{
	struct freeze_discord *f = arg;
	uint64_t	 perms;

	/* A deleted role grants nothing. */
	if (live_perms(f, jstr(step, "target"), &perms) != 0)
		return 1;
	return (perms & strip_mask()) == 0;
}

static int
prior_perms(json_t *step, uint64_t *out)
{
	return discord_parse_perms(json_object_get(json_object_get(step,
	    "prior"), "permissions"), out);
}

static int
dz_restored(void *arg, json_t *step)
{
	struct freeze_discord *f = arg;
	uint64_t	 perms, prior;

	if (live_perms(f, jstr(step, "target"), &perms) != 0)
		return 1;
	return prior_perms(step, &prior) == 0 && perms == prior;
}

static int
dz_locks_out(void *arg, json_t *step)
{
	struct freeze_discord *f = arg;

	return in_array(f->bot_roles, jstr(step, "target"));
}

/* ---- writes ---------------------------------------------------------------- */

static int
set_perms(struct freeze_discord *f, const char *role, uint64_t perms,
    char **why)
{
	json_t		*body, *o = NULL, *e;
	char		*path, dec[24];
	int		 r;

	snprintf(dec, sizeof(dec), "%" PRIu64, perms);
	body = json_pack("{s:s}", "permissions", dec);
	path = xasprintf("/guilds/%s/roles/%s", f->guild_id, role);
	r = dc_call(f, "PATCH", "patch-role", path, body, &o, why);
	free(path);
	json_decref(body);
	/* The answer is the role: keep the live state current. */
	if (r == 0 && json_is_object(o) && (e = json_object_get(f->roles,
	    role)) != NULL && json_object_get(o, "permissions") != NULL)
		json_object_set(e, "permissions", json_object_get(o,
		    "permissions"));
	json_decref(o);
	return r;
}

static int
dz_exec(void *arg, json_t *step, char **why)
{
	struct freeze_discord *f = arg;
	const char	*t = jstr(step, "target");
	uint64_t	 perms;

	*why = NULL;
	if (strcmp(jstr(step, "op"), "strip_role_permissions") != 0) {
		*why = xasprintf("unknown step '%s'", jstr(step, "op"));
		return VGL_ERR_INTERNAL;
	}
	/* From the live value: harmless bits changed since are kept. */
	if (live_perms(f, t, &perms) != 0)
		return 0;	/* the role is gone: nothing to strip */
	if ((perms & strip_mask()) == 0)
		return 0;
	return set_perms(f, t, perms & ~strip_mask(), why);
}

static int
dz_undo(void *arg, json_t *step, char **note,
    char **why)
{
	struct freeze_discord *f = arg;
	const char	*t = jstr(step, "target");
	uint64_t	 perms, prior;

	*note = *why = NULL;
	if (prior_perms(step, &prior) != 0) {
		*why = xasprintf("role %s: the journaled prior permissions are "
		    "not a decimal bitfield", t);
		return VGL_ERR_INTERNAL;
	}
	if (live_perms(f, t, &perms) != 0) {
		*note = xasprintf("role %s no longer exists: nothing to "
		    "restore", t);
		return 0;
	}
	if (perms == prior)
		return 0;	/* never changed (e.g. its write failed) */
	return set_perms(f, t, prior, why);
}

static char *
dz_step_text(json_t *step)
{
	json_t	*pa = json_object_get(step, "params");
	char	*l, *s;

	l = json_dumps(json_object_get(pa, "strip"), JSON_COMPACT);
	s = xasprintf("strip %s from %srole %s (%s): permissions %s -> %s",
	    l != NULL ? l : "[]", json_is_true(json_object_get(pa,
	    "managed")) ? "managed " : "", jstr(step, "target"),
	    jstr(pa, "role_name") != NULL ? jstr(pa, "role_name") : "",
	    jstr(json_object_get(step, "prior"), "permissions"),
	    jstr(pa, "permissions"));
	free(l);
	return s;
}

/* ---- the provider's freeze operations ------------------------------------ */

static const char *const dz_actions[] = {
	"discord.strip_dangerous_permissions", NULL
};

static int
dz_check(const struct policy *p, int apply)
{
	if (apply && json_array_size(json_object_get(json_object_get(
	    p->freeze, "break_glass"), "discord")) == 0) {
		log_error("freeze: refusing to apply: break_glass.discord is "
		    "empty; name at least one role id that keeps its "
		    "permissions during the freeze");
		return VGL_EXIT_USAGE;
	}
	return 0;
}

static const char *
dz_held_sql(const char *op, int *gone_holds)
{
	*gone_holds = 1;
	if (strcmp(op, "strip_role_permissions") == 0)
		return "SELECT (CAST(permissions AS INTEGER) & 805306430) = 0 "
		    "FROM main.discord_roles WHERE run = ?1 AND source = ?2 AND "
		    "role_id = ?3";
	return NULL;
}

const struct freeze_ops discord_freeze_ops = {
	.actions = dz_actions,
	.check = dz_check,
	.open = dz_open,
	.free = dz_free,
	.caller = dz_caller,
	.read = dz_read,
	.plan = dz_plan,
	.snapshot = dz_snapshot,
	.holds = dz_holds,
	.restored = dz_restored,
	.locks_out = dz_locks_out,
	.exec = dz_exec,
	.undo = dz_undo,
	.step_text = dz_step_text,
	.held_sql = dz_held_sql,
};

/*
 * discord/collect.c: the Discord source (type "discord"), a bot reading
 * one guild through the REST API v10.
 *
 * Calls, all with "Authorization: Bot <token>":
 *   GET /guilds/{id}?with_counts=true      the guild, its roles[] and
 *                                          approximate_member_count
 *   GET /guilds/{id}/roles                 only if the guild had no roles[]
 *   GET /guilds/{id}/members?limit=1000    paged with after=<highest id>;
 *       a page shorter than the limit is the last only once the guild's
 *       approximate_member_count members have been read (a server that
 *       gives less than asked is followed to an empty page)
 *   GET /guilds/{id}/webhooks
 *   GET /guilds/{id}/channels              every channel's permission
 *                                          overwrites, in one request
 * The members call needs the privileged GUILD_MEMBERS intent and the
 * webhooks call the MANAGE_WEBHOOKS permission: without either the audit
 * would be incomplete, so a 403 there fails the source with the reason.
 *
 * Rate limits: every request is in the rate group "discord" paced to 50
 * per second (Discord's global limit per bot), which also reads the
 * per-route bucket headers (X-RateLimit-Bucket, -Remaining, -Reset-After;
 * http_client_set_rate_buckets()): when a bucket is exhausted the next
 * request in it waits for the reset instead of provoking a 429.  A 429
 * that happens anyway (global or shared limits) is retried by the HTTP
 * layer after Retry-After.
 *
 * Permissions are 64-bit bitfields sent as decimal strings: they are
 * parsed with strtoull into uint64_t, never through a double.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <jansson.h>

#include "buf.h"
#include "discord/discord.h"
#include "log.h"
#include "source.h"
#include "store.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#define DISCORD_PAGE		1000
#define DISCORD_MAX_PAGES	100000	/* 100 M members: a loop guard */

static const char discord_schema[] =
"CREATE TABLE IF NOT EXISTS discord_guild(run INTEGER NOT NULL,\n"
"  source TEXT, guild_id TEXT, name TEXT, owner_id TEXT,\n"
"  mfa_level INTEGER, verification_level INTEGER,\n"
"  explicit_content_filter INTEGER, raw TEXT);\n"
"CREATE TABLE IF NOT EXISTS discord_roles(run INTEGER NOT NULL,\n"
"  source TEXT, guild_id TEXT, role_id TEXT, name TEXT, permissions TEXT,\n"
"  is_admin INTEGER, dangerous_permissions TEXT, position INTEGER,\n"
"  managed INTEGER, is_everyone INTEGER, bot_id TEXT, raw TEXT);\n"
"CREATE INDEX IF NOT EXISTS discord_roles_run ON discord_roles(run,\n"
"  role_id);\n"
"CREATE TABLE IF NOT EXISTS discord_members(run INTEGER NOT NULL,\n"
"  source TEXT, guild_id TEXT, user_id TEXT, username TEXT,\n"
"  global_name TEXT, bot INTEGER, roles TEXT, joined_at TEXT,\n"
"  is_admin INTEGER, is_owner INTEGER, pending INTEGER, raw TEXT);\n"
"CREATE INDEX IF NOT EXISTS discord_members_run ON discord_members(run,\n"
"  user_id);\n"
"CREATE TABLE IF NOT EXISTS discord_webhooks(run INTEGER NOT NULL,\n"
"  source TEXT, guild_id TEXT, webhook_id TEXT, channel_id TEXT,\n"
"  name TEXT, creator_id TEXT, type INTEGER, raw TEXT);\n"
"CREATE TABLE IF NOT EXISTS discord_channels(run INTEGER NOT NULL,\n"
"  source TEXT, guild_id TEXT, channel_id TEXT, name TEXT, type INTEGER,\n"
"  parent_id TEXT, position INTEGER, raw TEXT);\n"
"CREATE TABLE IF NOT EXISTS discord_channel_overwrites(run INTEGER NOT NULL,\n"
"  source TEXT, guild_id TEXT, channel_id TEXT, channel_name TEXT,\n"
"  channel_type INTEGER, target_id TEXT, target_type TEXT,\n"
"  is_everyone INTEGER, allow TEXT, deny TEXT, dangerous_allowed TEXT,\n"
"  raw TEXT);\n";

static const char *const discord_keys[] = {
	"guild_id", "bot_token_env", "bot_token_file", "deadline_s", NULL
};

/* How the policy checker checks its keys (struct policy_type). */
static const struct policy_key discord_kinds[] = {
	{ "guild_id", POLICY_STRING },
	{ "bot_token", POLICY_SECRET },
	{ NULL, 0 }
};

/*
 * The permission bits vigil calls dangerous (apis.md section 4, from
 * Discord's permissions.mdx): each lets its holder take over, deface or
 * spam the guild.  In bit order, as listed in dangerous_permissions.
 */
static const struct {
	const char	*name;
	int		 bit;
} dangerous_bits[] = {
	{ "KICK_MEMBERS", 1 },
	{ "BAN_MEMBERS", 2 },
	{ "ADMINISTRATOR", 3 },
	{ "MANAGE_CHANNELS", 4 },
	{ "MANAGE_GUILD", 5 },
	{ "MENTION_EVERYONE", 17 },
	{ "MANAGE_ROLES", 28 },
	{ "MANAGE_WEBHOOKS", 29 },
};

#define PERM_ADMINISTRATOR	(UINT64_C(1) << 3)

struct discord {
	struct source_ctx	*ctx;
	char			*base;		/* .../guilds/{id} */
	const char		*guild_id;
	char			*auth;		/* "Bot <token>", or NULL */
	const char		*token_var;
	int			 replay;
	json_t			*admin_roles;	/* object: role id -> true */
	int			 everyone_admin;
	const char		*owner_id;
	json_int_t		 approx_members; /* with_counts; -1: unknown */
};

/*
 * Parses a permission bitfield: a decimal string (as Discord sends it) or,
 * from older API versions, a JSON integer.  Returns 0 or -1.
 */
int
discord_parse_perms(json_t *v, uint64_t *out)
{
	const char		*s, *p;
	char			*end;
	unsigned long long	 u;

	if (json_is_integer(v) && json_integer_value(v) >= 0) {
		*out = (uint64_t)json_integer_value(v);
		return 0;
	}
	if ((s = json_string_value(v)) == NULL || *s == '\0')
		return -1;
	for (p = s; *p != '\0'; p++) {
		if (!isdigit((unsigned char)*p))
			return -1;
	}
	errno = 0;
	u = strtoull(s, &end, 10);
	if (errno == ERANGE || *end != '\0')
		return -1;
	*out = (uint64_t)u;
	return 0;
}

/* A snowflake (decimal string) as uint64_t; 0 when malformed. */
static uint64_t
snowflake(const char *s)
{
	char			*end;
	unsigned long long	 u;

	if (s == NULL || !isdigit((unsigned char)*s))
		return 0;
	errno = 0;
	u = strtoull(s, &end, 10);
	if (errno == ERANGE || *end != '\0')
		return 0;
	return (uint64_t)u;
}

/* The dangerous bits of perms, by name, in bit order. */
static json_t *
dangerous_list(uint64_t perms)
{
	json_t	*a = json_array();
	size_t	 i;

	for (i = 0; i < sizeof(dangerous_bits) / sizeof(dangerous_bits[0]);
	    i++) {
		if (perms & (UINT64_C(1) << dangerous_bits[i].bit))
			json_array_append_new(a,
			    json_string(dangerous_bits[i].name));
	}
	return a;
}

/* The "message" of a Discord error body, or "". */
static char *
error_message(const struct http_req *q)
{
	json_t		*o;
	const char	*m;
	char		*s;

	o = json_loadb(q->resp.data, q->resp.len, 0, NULL);
	m = json_string_value(json_object_get(o, "message"));
	s = m != NULL ? xasprintf(" (%.200s)", m) : xstrdup("");
	json_decref(o);
	return s;
}

/* http_response_cb: webhook tokens are secrets; redact them everywhere. */
static void
webhooks_seen(struct http_req *q, void *arg)
{
	json_t		*a, *w;
	const char	*t;
	size_t		 i;

	(void)arg;
	if (q->status != 200)
		return;
	if ((a = json_loadb(q->resp.data, q->resp.len, 0, NULL)) == NULL)
		return;
	json_array_foreach(a, i, w) {
		if ((t = json_string_value(json_object_get(w, "token"))) !=
		    NULL)
			log_add_secret(t);
	}
	json_decref(a);
}

/*
 * GET base + path on route; on 200 *out is the parsed JSON.  what says
 * what the call is for, forbidden what a 403 means.  Otherwise fails the
 * source with the reason.
 */
static int
dc_get(struct discord *d, const char *route, const char *path,
    const char *what, const char *forbidden, json_t **out)
{
	struct http_req	*q;
	json_error_t	 jerr;
	char		*url, *msg = NULL;
	int		 r;

	*out = NULL;
	url = xasprintf("%s%s", d->base, path);
	q = http_req_new("GET", url);
	free(url);
	if (d->auth != NULL)
		http_req_set_header(q, "Authorization", d->auth);
	http_req_set_header(q, "Accept", "application/json");
	http_req_set_header(q, "User-Agent", "DiscordBot (vigil, "
	    PACKAGE_VERSION ")");
	q->rate_group = "discord";
	q->rate_route = route;
	if (strcmp(route, "webhooks") == 0)
		q->on_response = webhooks_seen;
	r = http_do(d->ctx->http, q);
	if (r != 0) {
		r = source_fail(d->ctx, "%s: %s", what, q->error != NULL ?
		    q->error : vgl_err(r));
		goto out;
	}
	if (q->status != 200) {
		msg = error_message(q);
		if (q->status == 401)
			r = source_fail(d->ctx, "%s: HTTP 401%s: Discord "
			    "rejected the bot token (environment variable %s)",
			    what, msg, d->token_var);
		else if (q->status == 403)
			r = source_fail(d->ctx, "%s: HTTP 403%s: %s", what,
			    msg, forbidden);
		else if (q->status == 404)
			r = source_fail(d->ctx, "%s: HTTP 404%s: no guild %s "
			    "visible to the bot", what, msg, d->guild_id);
		else
			r = source_fail(d->ctx, "%s: HTTP %ld%s", what,
			    q->status, msg);
		goto out;
	}
	*out = json_loadb(q->resp.data, q->resp.len, 0, &jerr);
	if (*out == NULL)
		r = source_fail(d->ctx, "%s: malformed JSON at line %d column "
		    "%d: %s", what, jerr.line, jerr.column, jerr.text);
 out:
	free(msg);
	http_req_free(q);
	return r;
}

static int
insert(struct discord *d, const char *table, json_t *row)
{
	if (row != NULL)
		json_object_set_new(row, "guild_id", json_string(d->guild_id));
	return source_put_row(d->ctx, table, row);
}

static int
store_roles(struct discord *d, json_t *roles)
{
	json_t		*role, *row;
	const char	*id, *name;
	uint64_t	 perms;
	size_t		 i;
	int		 r, everyone, managed;
	char		 ps[32];

	json_array_foreach(roles, i, role) {
		id = json_string_value(json_object_get(role, "id"));
		name = json_string_value(json_object_get(role, "name"));
		if (id == NULL)
			return source_fail(d->ctx, "role #%zu has no id", i);
		if (discord_parse_perms(json_object_get(role, "permissions"),
		    &perms) != 0)
			return source_fail(d->ctx, "role %s: permissions are "
			    "not a decimal bitfield", id);
		everyone = strcmp(id, d->guild_id) == 0;
		managed = json_is_true(json_object_get(role, "managed"));
		if (perms & PERM_ADMINISTRATOR) {
			json_object_set_new(d->admin_roles, id, json_true());
			if (everyone)
				d->everyone_admin = 1;
		}
		/* As Discord sent it (a decimal string), or normalised. */
		snprintf(ps, sizeof(ps), "%" PRIu64, perms);
		row = json_pack("{s:s, s:s?, s:s, s:b, s:o, s:I, s:b, s:b, "
		    "s:s?, s:O}",
		    "role_id", id, "name", name, "permissions", ps,
		    "is_admin", (perms & PERM_ADMINISTRATOR) != 0,
		    "dangerous_permissions", dangerous_list(perms),
		    "position", (json_int_t)json_integer_value(
		    json_object_get(role, "position")),
		    "managed", managed, "is_everyone", everyone,
		    "bot_id", json_string_value(json_object_get(
		    json_object_get(role, "tags"), "bot_id")),
		    "raw", role);
		if (row == NULL)
			return source_fail(d->ctx, "role %s: cannot build row",
			    id);
		if ((r = insert(d, "discord_roles", row)) != 0)
			return r;
	}
	return 0;
}

static int
store_guild(struct discord *d, json_t *g)
{
	json_t		*row;
	json_t		*raw;
	const char	*id;

	id = json_string_value(json_object_get(g, "id"));
	if (id == NULL || strcmp(id, d->guild_id) != 0)
		return source_fail(d->ctx, "GET /guilds/%s answered another "
		    "guild (%s)", d->guild_id, id != NULL ? id : "no id");
	/* Roles have their own table; keep the guild's raw small. */
	raw = json_deep_copy(g);
	json_object_del(raw, "roles");
	json_object_del(raw, "emojis");
	json_object_del(raw, "stickers");
	row = json_pack("{s:s?, s:s?, s:I, s:I, s:I, s:o}",
	    "name", json_string_value(json_object_get(g, "name")),
	    "owner_id", d->owner_id,
	    "mfa_level", (json_int_t)json_integer_value(json_object_get(g,
	    "mfa_level")),
	    "verification_level", (json_int_t)json_integer_value(
	    json_object_get(g, "verification_level")),
	    "explicit_content_filter", (json_int_t)json_integer_value(
	    json_object_get(g, "explicit_content_filter")),
	    "raw", raw);
	return insert(d, "discord_guild", row);
}

/* Stores one page of members; *last is the highest user id seen. */
static int
store_members(struct discord *d, json_t *page, uint64_t *last)
{
	json_t		*m, *user, *roles, *v, *row;
	const char	*uid, *jt;
	uint64_t	 u;
	long long	 t;
	char		 when[32];
	size_t		 i, j;
	int		 admin, owner, r;

	json_array_foreach(page, i, m) {
		user = json_object_get(m, "user");
		uid = json_string_value(json_object_get(user, "id"));
		if (uid == NULL || (u = snowflake(uid)) == 0)
			return source_fail(d->ctx, "guild member #%zu has no "
			    "valid user id", i);
		if (u > *last)
			*last = u;
		roles = json_object_get(m, "roles");
		if (!json_is_array(roles))
			roles = NULL;
		owner = d->owner_id != NULL && strcmp(uid, d->owner_id) == 0;
		admin = owner || d->everyone_admin;
		json_array_foreach(roles, j, v) {
			if (json_is_string(v) && json_object_get(
			    d->admin_roles, json_string_value(v)) != NULL)
				admin = 1;
		}
		jt = json_string_value(json_object_get(m, "joined_at"));
		if (jt != NULL && iso8601_parse(jt, &t) == 0) {
			iso8601_utc(t, when, sizeof(when));
			jt = when;
		}
		row = json_pack("{s:s, s:s?, s:s?, s:b, s:O, s:s?, s:b, s:b, "
		    "s:b, s:O}",
		    "user_id", uid,
		    "username", json_string_value(json_object_get(user,
		    "username")),
		    "global_name", json_string_value(json_object_get(user,
		    "global_name")),
		    "bot", json_is_true(json_object_get(user, "bot")),
		    "roles", roles != NULL ? roles : json_array(),
		    "joined_at", jt, "is_admin", admin, "is_owner", owner,
		    "pending", json_is_true(json_object_get(m, "pending")),
		    "raw", m);
		if (roles == NULL)
			json_decref(json_object_get(row, "roles"));
		if ((r = insert(d, "discord_members", row)) != 0)
			return r;
	}
	return 0;
}

static int
collect_members(struct discord *d)
{
	json_t		*page;
	uint64_t	 last = 0, prev;
	char		*path;
	size_t		 n, pages = 0;
	json_int_t	 total = 0;
	int		 r;

	for (;;) {
		if (last == 0)
			path = xasprintf("/members?limit=%d", DISCORD_PAGE);
		else
			path = xasprintf("/members?limit=%d&after=%" PRIu64,
			    DISCORD_PAGE, last);
		r = dc_get(d, "members", path, "listing guild members",
		    "the bot needs the privileged GUILD_MEMBERS intent "
		    "(Server Members Intent in the Discord developer portal) "
		    "to list members", &page);
		free(path);
		if (r != 0)
			return r;
		if (!json_is_array(page)) {
			json_decref(page);
			return source_fail(d->ctx, "listing guild members: "
			    "the answer is not a JSON array");
		}
		prev = last;
		n = json_array_size(page);
		r = store_members(d, page, &last);
		json_decref(page);
		if (r != 0)
			return r;
		total += (json_int_t)n;
		/*
		 * A short page ends the list, unless the guild's
		 * approximate_member_count says there are more: then the
		 * server gave less than asked, and `after` is followed
		 * until an empty page.
		 */
		if (n == 0 || (n < DISCORD_PAGE && total >= d->approx_members))
			return 0;
		if (last <= prev || ++pages >= DISCORD_MAX_PAGES)
			return source_fail(d->ctx, "listing guild members: "
			    "paging does not advance after user %" PRIu64,
			    last);
	}
}

static int
collect_webhooks(struct discord *d)
{
	json_t		*a, *w, *row, *raw;
	const char	*id;
	size_t		 i;
	int		 r;

	if ((r = dc_get(d, "webhooks", "/webhooks", "listing webhooks",
	    "the bot lacks the MANAGE_WEBHOOKS permission, so the guild's "
	    "webhooks cannot be audited", &a)) != 0)
		return r;
	if (!json_is_array(a)) {
		json_decref(a);
		return source_fail(d->ctx, "listing webhooks: the answer is "
		    "not a JSON array");
	}
	json_array_foreach(a, i, w) {
		if ((id = json_string_value(json_object_get(w, "id"))) ==
		    NULL) {
			r = source_fail(d->ctx, "webhook #%zu has no id", i);
			break;
		}
		/* An incoming webhook's token (and URL) let anyone post. */
		raw = json_deep_copy(w);
		json_object_del(raw, "token");
		json_object_del(raw, "url");
		row = json_pack("{s:s, s:s?, s:s?, s:s?, s:I, s:o}",
		    "webhook_id", id,
		    "channel_id", json_string_value(json_object_get(w,
		    "channel_id")),
		    "name", json_string_value(json_object_get(w, "name")),
		    "creator_id", json_string_value(json_object_get(
		    json_object_get(w, "user"), "id")),
		    "type", (json_int_t)json_integer_value(json_object_get(w,
		    "type")),
		    "raw", raw);
		if ((r = insert(d, "discord_webhooks", row)) != 0)
			break;
	}
	json_decref(a);
	return r;
}

/*
 * One overwrite of a channel: target role (type 0) or member (type 1),
 * allow and deny as 64-bit decimal strings.
 */
static int
store_overwrite(struct discord *d, json_t *ch, json_t *ow)
{
	const char	*cid, *tid;
	json_t		*tv;
	uint64_t	 allow, deny;
	char		 as[32], ds[32];
	int		 type;

	cid = json_string_value(json_object_get(ch, "id"));
	tid = json_string_value(json_object_get(ow, "id"));
	tv = json_object_get(ow, "type");
	/* Older API versions sent "role"/"member". */
	if (json_is_integer(tv))
		type = (int)json_integer_value(tv);
	else if (json_is_string(tv))
		type = strcmp(json_string_value(tv), "role") == 0 ? 0 :
		    strcmp(json_string_value(tv), "member") == 0 ? 1 : -1;
	else
		type = -1;
	if (tid == NULL || snowflake(tid) == 0 || (type != 0 && type != 1))
		return source_fail(d->ctx, "channel %s: a permission "
		    "overwrite has no valid id or type", cid);
	if (discord_parse_perms(json_object_get(ow, "allow"), &allow) != 0 ||
	    discord_parse_perms(json_object_get(ow, "deny"), &deny) != 0)
		return source_fail(d->ctx, "channel %s: the overwrite for %s "
		    "has allow/deny that are not decimal bitfields", cid, tid);
	snprintf(as, sizeof(as), "%" PRIu64, allow);
	snprintf(ds, sizeof(ds), "%" PRIu64, deny);
	return insert(d, "discord_channel_overwrites", json_pack("{s:s, "
	    "s:s?, s:I, s:s, s:s, s:b, s:s, s:s, s:o, s:O}",
	    "channel_id", cid,
	    "channel_name", json_string_value(json_object_get(ch, "name")),
	    "channel_type", (json_int_t)json_integer_value(json_object_get(ch,
	    "type")),
	    "target_id", tid, "target_type", type == 0 ? "role" : "member",
	    "is_everyone", type == 0 && strcmp(tid, d->guild_id) == 0,
	    "allow", as, "deny", ds,
	    "dangerous_allowed", dangerous_list(allow), "raw", ow));
}

/*
 * GET /guilds/{id}/channels: every channel (threads excluded) with its
 * permission_overwrites, one request for the whole guild.
 */
static int
collect_channels(struct discord *d)
{
	json_t		*a, *ch, *ows, *ow, *raw;
	const char	*id;
	size_t		 i, j;
	int		 r;

	if ((r = dc_get(d, "channels", "/channels", "listing channels",
	    "the bot cannot list the guild's channels (it needs "
	    "VIEW_CHANNEL)", &a)) != 0)
		return r;
	if (!json_is_array(a)) {
		json_decref(a);
		return source_fail(d->ctx, "listing channels: the answer is "
		    "not a JSON array");
	}
	json_array_foreach(a, i, ch) {
		if ((id = json_string_value(json_object_get(ch, "id"))) ==
		    NULL || snowflake(id) == 0) {
			r = source_fail(d->ctx, "channel #%zu has no valid id",
			    i);
			break;
		}
		ows = json_object_get(ch, "permission_overwrites");
		if (ows != NULL && !json_is_array(ows)) {
			r = source_fail(d->ctx, "channel %s: "
			    "permission_overwrites is not an array", id);
			break;
		}
		raw = json_deep_copy(ch);
		if ((r = insert(d, "discord_channels", json_pack("{s:s, s:s?, "
		    "s:I, s:s?, s:I, s:o}", "channel_id", id,
		    "name", json_string_value(json_object_get(ch, "name")),
		    "type", (json_int_t)json_integer_value(json_object_get(ch,
		    "type")),
		    "parent_id", json_string_value(json_object_get(ch,
		    "parent_id")),
		    "position", (json_int_t)json_integer_value(
		    json_object_get(ch, "position")), "raw", raw))) != 0)
			break;
		json_array_foreach(ows, j, ow) {
			if ((r = store_overwrite(d, ch, ow)) != 0)
				break;
		}
		if (r != 0)
			break;
	}
	json_decref(a);
	return r;
}

static int
discord_collect(struct source_ctx *ctx)
{
	struct discord	 d;
	json_t		*g = NULL, *roles, *rl = NULL;
	char		*tok = NULL, *why = NULL, *ep = NULL;
	int		 r;

	memset(&d, 0, sizeof(d));
	d.ctx = ctx;
	d.guild_id = policy_source_str(ctx->ps, "guild_id", "");
	d.token_var = policy_source_str(ctx->ps, "bot_token_env",
	    "DISCORD_BOT_TOKEN");
	d.replay = http_client_replay_time(ctx->http) != 0;
	d.admin_roles = json_object();
	http_client_set_rate(ctx->http, "discord", DISCORD_GLOBAL_RPS);
	http_client_set_rate_buckets(ctx->http, "discord");

	if (!d.replay) {
		r = policy_secret(ctx->ps->obj, "bot_token",
		    "DISCORD_BOT_TOKEN", &tok, &why);
		if (r == VGL_ERR_NOTFOUND) {
			r = source_fail(ctx, "no Discord bot token: "
			    "environment variable %s is not set", d.token_var);
			goto out;
		} else if (r != 0) {
			r = source_fail(ctx, "cannot read the Discord bot "
			    "token: %s", why != NULL ? why : vgl_err(r));
			goto out;
		}
		d.auth = xasprintf("Bot %s", tok);
	}
	ep = source_endpoint(ctx->ps, NULL, DISCORD_API);
	d.base = xasprintf("%s/guilds/%s", ep, d.guild_id);

	if ((r = dc_get(&d, "guild", "?with_counts=true", "reading the guild",
	    "the bot is "
	    "not a member of the guild or cannot view it", &g)) != 0)
		goto out;
	if (!json_is_object(g)) {
		r = source_fail(ctx, "reading the guild: the answer is not "
		    "a JSON object");
		goto out;
	}
	d.owner_id = json_string_value(json_object_get(g, "owner_id"));
	d.approx_members = json_is_integer(json_object_get(g,
	    "approximate_member_count")) ? json_integer_value(
	    json_object_get(g, "approximate_member_count")) : -1;
	roles = json_object_get(g, "roles");
	if (!json_is_array(roles)) {
		if ((r = dc_get(&d, "roles", "/roles", "listing roles",
		    "the bot cannot list the guild's roles", &rl)) != 0)
			goto out;
		roles = rl;
		if (!json_is_array(roles)) {
			r = source_fail(ctx, "listing roles: the answer is "
			    "not a JSON array");
			goto out;
		}
	}
	/* Roles before members: is_admin needs the admin roles. */
	if ((r = store_guild(&d, g)) != 0 ||
	    (r = store_roles(&d, roles)) != 0 ||
	    (r = collect_members(&d)) != 0 ||
	    (r = collect_webhooks(&d)) != 0 ||
	    (r = collect_channels(&d)) != 0)
		goto out;
 out:
	if (d.auth != NULL)
		freestr_secret(d.auth);
	freestr_secret(tok);
	free(why);
	free(ep);
	free(d.base);
	json_decref(g);
	json_decref(rl);
	json_decref(d.admin_roles);
	return r;
}

static void
discord_check(const struct policy_source *ps, struct diags *d)
{
	json_t		*g = json_object_get(ps->obj, "guild_id");
	const char	*s = json_string_value(g), *p;

	if (s != NULL && *s != '\0' && strlen(s) <= 20) {
		for (p = s; isdigit((unsigned char)*p); p++)
			;
		if (*p == '\0')
			return;
	}
	diags_add(d, ps->file, ps->line, ps->col, "source '%s': "
	    "\"guild_id\" must be the guild's snowflake id as a string of "
	    "digits", ps->name);
}

/* Natural keys for drift (drift.c). */
static const struct drift_table discord_drift[] = {
	{ "discord_channel_overwrites",	"channel_id,target_id", NULL, NULL,
	  NULL },
	{ "discord_channels",		"channel_id", NULL, NULL, NULL },
	{ "discord_guild",		"guild_id", NULL, NULL, NULL },
	{ "discord_members",		"user_id", NULL, NULL, NULL },
	{ "discord_roles",		"role_id", NULL, NULL, NULL },
	{ "discord_webhooks",		"webhook_id", NULL, NULL, NULL },
	{ NULL, NULL, NULL, NULL, NULL }
};

const struct source_type source_discord = {
	.name = "discord",
	.drift = discord_drift,
	.keys = discord_keys,
	.endpoint_keys = NULL,
	.kinds = discord_kinds,
	.http = 1,
	.follow_redirects = 0,
	.schema = discord_schema,
	.check = discord_check,
	.collect = discord_collect,
	.freeze = &discord_freeze_ops,
};

#!/usr/bin/python3
"""fake_discord.py: a local Discord REST API (v10, bot side) for vigil's tests.

    fake_discord.py --port-file F --pid-file P --token TOKEN
                    [--log REQLOG.jsonl] [--scenario NAME] ...

Binds 127.0.0.1 on port 0 and writes the port and its pid to the files.
Serves, under any base path (e.g. /api/v10):

  GET /guilds/{id}[?with_counts=true]   the guild with roles[] (and
                                        approximate_member_count with
                                        with_counts, as Discord does)
  GET /guilds/{id}/roles                the roles
  GET /guilds/{id}/members?limit&after  members sorted by id, paged
  GET /guilds/{id}/webhooks             the webhooks (with tokens)
  GET /guilds/{id}/channels             the channels with their
                                        permission_overwrites

Every request must carry "Authorization: Bot TOKEN", else 401
{"message": "401: Unauthorized", "code": 0}.  An unknown guild is 404
{"message": "Unknown Guild", "code": 10004}.  Ids are snowflake strings,
permissions decimal strings, as Discord sends them.

Rate limits are real: each route has a bucket (X-RateLimit-Limit,
-Remaining, -Reset, -Reset-After, -Bucket on every answer); a request
beyond a bucket's limit gets 429 {"message", "retry_after", "global":
false} with Retry-After and X-RateLimit-Scope: user.  Default buckets
allow 10 requests per second.

Scenarios:
  exhaust     the members bucket allows 2 requests per 1.0 s, so the
              second page announces Remaining: 0, Reset-After: 1.0
  global429   the first members request gets a global 429
              (retry_after 0.5, Retry-After: 1, X-RateLimit-Global: true,
              X-RateLimit-Scope: global)
  nointent    members answers 403 Missing Access (no GUILD_MEMBERS intent)
  nowebhooks  webhooks answers 403 Missing Permissions
  badoverwrite  a channel overwrite's allow is "-1" (not a decimal
              bitfield)
  freeze      the guild laid out for the freeze: the vigil-audit bot's
              role (ADMINISTRATOR|MANAGE_ROLES) at position 6, Admin
              above it (7), Ops (5), Mods (4), Deploy (3, MANAGE_WEBHOOKS
              and bits 49 and 62), Helpers (3), NukeBot (managed, 2).
              The PATCH roles bucket allows 2 requests per 1.0 s.
  patch429    the first PATCH of a role gets a 429 that no bucket header
              announced (a shared-resource limit: retry_after 0.7,
              Retry-After: 1, X-RateLimit-Scope: shared)
For the freeze (any scenario):
  GET   /users/@me                      the bot (vigil-audit)
  GET   /guilds/{id}/members/{user id}  one member
  PATCH /guilds/{id}/roles/{role id}    {"permissions": "DECIMAL"}: as
        Discord, 403 {"message": "Missing Permissions", "code": 50013}
        unless the bot has MANAGE_ROLES (or ADMINISTRATOR), the role is
        below the bot's highest role, and (without ADMINISTRATOR) every
        bit added is one the bot has; answers the updated role.
  --fail-role ID    every PATCH of role ID answers that 403
  --patch-delay S   a PATCH waits S seconds, then applies and answers
  GET /_state (tests only, no auth, not logged): {"roles": [...]}, the
        complete mutable state, for before/after comparisons.

--page-size N gives at most N members per page whatever the limit asked
(a server that answers less than asked).

For bench/run: --members N makes the guild N members (default 2500),
--bucket-limit N lets each default route bucket allow N requests per
second (default 10; the exhaust scenario's members bucket stays 2).
--members-window S sets the exhaust scenario's members bucket window
(default 1.0 s): a slow (sanitizer) client still meets the empty bucket.

The fixture (built in): guild GUILD_ID with mfa_level 0, verification
level 1; 2500 members (a bot with ADMINISTRATOR through the Admin role
is named <img src=x onerror=alert(1)>); roles @everyone (MENTION_EVERYONE and bits above
32), Admin (ADMINISTRATOR), Mods (BAN_MEMBERS|MANAGE_MESSAGES), Helpers
(MANAGE_MESSAGES|MANAGE_THREADS|bit 53: nothing dangerous), a managed
role of the bot NukeBot (ADMINISTRATOR) and of vigil's own bot
(MANAGE_WEBHOOKS).  Hostile names included.  Member user objects carry
public_flags; NukeBot is a verified bot (VERIFIED_BOT, 1 << 16), the
other bots are not.  Channel overwrites (allow/deny decimal strings, type
0 role, 1 member): #announcements (where the incoming webhook posts) grants MENTION_EVERYONE to @everyone
and MANAGE_WEBHOOKS to Admin; #mod-chat grants MANAGE_CHANNELS and
MANAGE_ROLES to Helpers and to the member mallory, and denies
MANAGE_WEBHOOKS to Mods; #general only denies SEND_MESSAGES to
@everyone; the Staff category allows VIEW_CHANNEL to Admin.

Each request is logged to --log as one JSON line: t (epoch seconds),
time, method, path, status, scenario, auth ("ok", "bad" or "none"; never
the token).  SIGTERM or SIGINT stops the server.
"""

import argparse
import bisect
import copy
import datetime
import json
import os
import signal
import sys
import threading
import time
from urllib.parse import urlsplit, parse_qs
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

SCENARIOS = ("exhaust", "global429", "nointent", "nowebhooks",
             "badoverwrite", "freeze", "patch429")

GUILD_ID = "1100000000000000001"
OWNER_ID = "1200000000000000001"
R_ADMIN = "1300000000000000001"
R_MODS = "1300000000000000002"
R_HELPERS = "1300000000000000003"
R_NUKEBOT = "1300000000000000004"
R_VIGIL = "1300000000000000005"
U_ALICE = "1200000000000000002"
U_HOSTILE = "1200000000000000003"
U_NUKEBOT = "1200000000000000004"
U_VIGIL = "1200000000000000005"
U_MODBOT = "1200000000000000006"
NMEMBERS = 2500

B = lambda n: 1 << n
EVERYONE_PERMS = B(10) | B(11) | B(17) | B(31) | B(38)   # + MENTION_EVERYONE
ADMIN_PERMS = B(3) | B(40)
MODS_PERMS = B(2) | B(13)
HELPERS_PERMS = B(13) | B(34) | B(53)
NUKEBOT_PERMS = B(3)
VIGIL_PERMS = B(7) | B(10) | B(29)

HOSTILE = "<img src=x onerror=alert(1)>"


def role(rid, name, perms, position, managed=False, tags=None):
    r = {"id": rid, "name": name, "color": 0, "hoist": False, "icon": None,
         "unicode_emoji": None, "position": position,
         "permissions": str(perms), "managed": managed,
         "mentionable": False, "flags": 0}
    if tags is not None:
        r["tags"] = tags
    return r


ROLES = [
    role(GUILD_ID, "@everyone", EVERYONE_PERMS, 0),
    role(R_ADMIN, "Admin", ADMIN_PERMS, 5),
    role(R_MODS, "Mods", MODS_PERMS, 4),
    role(R_HELPERS, "Helpers'; DROP TABLE discord_roles; --", HELPERS_PERMS, 3),
    role(R_NUKEBOT, "NukeBot", NUKEBOT_PERMS, 2, True, {"bot_id": U_NUKEBOT}),
    role(R_VIGIL, "vigil-audit", VIGIL_PERMS, 1, True, {"bot_id": U_VIGIL}),
]

GUILD = {
    "id": GUILD_ID, "name": "Example Labs \"community\" \u2603",
    "icon": None, "splash": None, "discovery_splash": None,
    "owner_id": OWNER_ID, "afk_channel_id": None, "afk_timeout": 300,
    "verification_level": 1, "default_message_notifications": 0,
    "explicit_content_filter": 0, "roles": ROLES, "emojis": [],
    "features": ["COMMUNITY"], "mfa_level": 0, "application_id": None,
    "system_channel_id": "1400000000000000001", "system_channel_flags": 0,
    "rules_channel_id": None, "vanity_url_code": None, "description": None,
    "banner": None, "premium_tier": 0, "preferred_locale": "en-US",
    "public_updates_channel_id": None, "nsfw_level": 0, "stickers": [],
    "premium_progress_bar_enabled": False,
}


VERIFIED_BOT = B(16)


def user(uid, name, bot=False, flags=0):
    u = {"id": uid, "username": name, "discriminator": "0",
         "global_name": None if bot else name, "avatar": None,
         "public_flags": flags}
    if bot:
        u["bot"] = True
    return u


def member(u, roles, day):
    return {"user": u, "nick": None, "avatar": None, "roles": roles,
            "joined_at": "2024-01-%02dT10:00:00.123000+00:00" % (1 + day % 28),
            "premium_since": None, "deaf": False, "mute": False, "flags": 0,
            "pending": False, "communication_disabled_until": None}


def build_members(nmembers=None):
    ms = [
        member(user(OWNER_ID, "guildowner"), [], 0),
        member(user(U_ALICE, "alice"), [R_ADMIN], 1),
        member(user(U_HOSTILE, "mallory"), [R_MODS], 2),
        member(user(U_NUKEBOT, "NukeBot", True, VERIFIED_BOT), [R_NUKEBOT],
               3),
        member(user(U_VIGIL, "vigil-audit", True), [R_VIGIL], 4),
        member(user(U_MODBOT, HOSTILE, True), [R_ADMIN], 5),
    ]
    base = 1200000000000001000
    for i in range((nmembers or NMEMBERS) - len(ms)):
        uid = str(base + i * 7)
        ms.append(member(user(uid, "member%04d" % i),
                         [R_HELPERS] if i % 10 == 0 else [], i))
    ms.sort(key=lambda m: int(m["user"]["id"]))
    return ms


MEMBERS = build_members()
MEMBER_IDS = [int(m["user"]["id"]) for m in MEMBERS]

WEBHOOKS = [
    {"id": "1500000000000000001", "type": 1, "guild_id": GUILD_ID,
     "channel_id": "1400000000000000001", "name": "deploy-bot\nFAKE LINE",
     "avatar": None, "application_id": None,
     "token": "whk-secret-token-AAAA1111",
     "url": "https://discord.com/api/webhooks/1500000000000000001/"
            "whk-secret-token-AAAA1111",
     "user": user(U_ALICE, "alice")},
    {"id": "1500000000000000002", "type": 2, "guild_id": GUILD_ID,
     "channel_id": "1400000000000000002", "name": "announcements follower",
     "avatar": None, "application_id": None,
     "source_guild": {"id": "1900000000000000001", "name": "Upstream"},
     "source_channel": {"id": "1900000000000000002", "name": "news"},
     "user": user(OWNER_ID, "guildowner")},
]


def overwrite(target, kind, allow, deny):
    return {"id": target, "type": kind, "allow": str(allow),
            "deny": str(deny)}


def channel(cid, name, ctype, position, parent, overwrites):
    c = {"id": cid, "type": ctype, "guild_id": GUILD_ID, "name": name,
         "position": position, "permission_overwrites": overwrites,
         "parent_id": parent, "nsfw": False, "flags": 0}
    if ctype in (0, 5):
        c.update({"topic": None, "last_message_id": None,
                  "rate_limit_per_user": 0})
    return c


C_STAFF = "1400000000000000010"
CHANNELS = [
    channel(C_STAFF, "Staff", 4, 0, None,
            [overwrite(R_ADMIN, 0, B(10), 0)]),
    channel("1400000000000000002", "general", 0, 2, None,
            [overwrite(GUILD_ID, 0, 0, B(11))]),
    channel("1400000000000000001", "announcements", 5, 1, None,
            [overwrite(GUILD_ID, 0, B(17), 0),
             overwrite(R_ADMIN, 0, B(29), 0)]),
    channel("1400000000000000003", "mod-chat <b>", 0, 3, C_STAFF,
            [overwrite(R_HELPERS, 0, B(4) | B(28), 0),
             overwrite(R_MODS, 0, 0, B(29)),
             overwrite(U_HOSTILE, 1, B(10) | B(28), 0)]),
]


class Bucket:
    def __init__(self, bid, limit, window):
        self.bid, self.limit, self.window = bid, limit, window
        self.start = 0.0
        self.used = 0

    def take(self, now):
        """Returns (allowed, remaining, reset_after)."""
        if now - self.start >= self.window:
            self.start, self.used = now, 0
        reset_after = max(0.0, self.window - (now - self.start))
        if self.used >= self.limit:
            return False, 0, reset_after
        self.used += 1
        return True, self.limit - self.used, reset_after


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, addr, handler, opts):
        super().__init__(addr, handler)
        self.token = opts.token
        self.scenarios = set(opts.scenario or [])
        self.page_size = opts.page_size
        for s in self.scenarios:
            if s not in SCENARIOS:
                raise SystemExit("fake_discord: unknown scenario %r" % s)
        bl = opts.bucket_limit
        members_limit, members_window = (2, opts.members_window) \
            if "exhaust" in self.scenarios else (bl, 1.0)
        self.buckets = {
            "guild": Bucket("b0c1a2f3guild", bl, 1.0),
            "roles": Bucket("b0c1a2f3roles", bl, 1.0),
            "members": Bucket("b0c1a2f3members", members_limit,
                              members_window),
            "webhooks": Bucket("b0c1a2f3webhooks", bl, 1.0),
            "channels": Bucket("b0c1a2f3channels", bl, 1.0),
        }
        self.once_done = set()
        self.freeze_setup(opts)
        self.logf = open(opts.log, "a", encoding="utf-8") if opts.log else None
        self.lock = threading.Lock()

    def once(self, scenario):
        """True the first time it is asked for a scenario that is on."""
        if scenario not in self.scenarios:
            return False
        with self.lock:
            first = scenario not in self.once_done
            self.once_done.add(scenario)
        return first

    def log(self, rec):
        if self.logf is None:
            return
        with self.lock:
            self.logf.write(json.dumps(rec, sort_keys=True) + "\n")
            self.logf.flush()


R_OPS = "1300000000000000006"
R_DEPLOY = "1300000000000000007"
DEPLOY_PERMS = B(29) | B(49) | B(62)
OPS_PERMS = B(1) | B(4) | B(5) | B(40)


def _freeze_setup(self, opts):
    """The freeze's mutable roles (a copy), options and PATCH bucket."""
    self.roles = copy.deepcopy(ROLES)
    self.fail_roles = set(opts.fail_role or [])
    self.patch_delay = opts.patch_delay
    self.buckets["patch-role"] = Bucket("b0c1a2f3patchrole", 10, 1.0)
    if "freeze" not in self.scenarios:
        return
    self.buckets["patch-role"] = Bucket("b0c1a2f3patchrole", 2, 1.0)
    pos = {R_ADMIN: 7, R_VIGIL: 6, R_MODS: 4, R_HELPERS: 3, R_NUKEBOT: 2}
    for r in self.roles:
        if r["id"] in pos:
            r["position"] = pos[r["id"]]
        if r["id"] == R_VIGIL:
            r["permissions"] = str(VIGIL_PERMS | B(3) | B(28))
    self.roles.append(role(R_OPS, "Ops", OPS_PERMS, 5))
    self.roles.append(role(R_DEPLOY, "Deploy\nFAKE LINE", DEPLOY_PERMS, 3))


ThreadingHTTPServer.freeze_setup = _freeze_setup


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fake-discord/1.0"

    def log_message(self, fmt, *args):
        pass

    def send(self, status, obj, headers=None):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)
        now = datetime.datetime.now(datetime.timezone.utc)
        auth = self.headers.get("Authorization")
        self.server.log({
            # The bucket's clock, not the time the (possibly large) body
            # was finished: pacing checks compare these.
            "t": getattr(self, "t_bucket", None) or now.timestamp(),
            "time": now.strftime("%Y-%m-%dT%H:%M:%S.") +
            "%03dZ" % (now.microsecond // 1000),
            "method": self.command, "path": self.path, "status": status,
            "scenario": ",".join(sorted(self.server.scenarios)),
            "auth": "none" if auth is None else
            ("ok" if auth == "Bot " + self.server.token else "bad"),
            "user_agent": self.headers.get("User-Agent"),
        })

    def do_GET(self):
        srv = self.server
        if self.freeze_get():
            return
        url = urlsplit(self.path)
        parts = url.path.rstrip("/").split("/")
        try:
            gi = parts.index("guilds")
        except ValueError:
            self.send(404, {"message": "404: Not Found", "code": 0})
            return
        rest = parts[gi + 1:]
        if self.headers.get("Authorization") != "Bot " + srv.token:
            self.send(401, {"message": "401: Unauthorized", "code": 0})
            return
        if not rest or rest[0] != GUILD_ID:
            self.send(404, {"message": "Unknown Guild", "code": 10004})
            return
        route = rest[1] if len(rest) > 1 else "guild"
        if route not in srv.buckets or len(rest) > 2:
            self.send(404, {"message": "404: Not Found", "code": 0})
            return

        now = time.time()
        self.t_bucket = now	# logged as "t": when the bucket was taken
        if route == "members" and srv.once("global429"):
            self.send(429, {"message": "You are being rate limited.",
                            "retry_after": 0.5, "global": True},
                      {"Retry-After": "1", "X-RateLimit-Global": "true",
                       "X-RateLimit-Scope": "global"})
            return
        b = srv.buckets[route]
        with srv.lock:
            allowed, remaining, reset_after = b.take(now)
        rl = {"X-RateLimit-Limit": str(b.limit),
              "X-RateLimit-Remaining": str(remaining),
              "X-RateLimit-Reset": "%.3f" % (now + reset_after),
              "X-RateLimit-Reset-After": "%.3f" % reset_after,
              "X-RateLimit-Bucket": b.bid}
        if not allowed:
            rl["Retry-After"] = str(int(reset_after) + 1)
            rl["X-RateLimit-Scope"] = "user"
            self.send(429, {"message": "You are being rate limited.",
                            "retry_after": round(reset_after, 3),
                            "global": False}, rl)
            return

        if route == "guild":
            g = dict(GUILD, roles=srv.roles)
            if parse_qs(url.query).get("with_counts") == ["true"]:
                g = dict(g, approximate_member_count=len(MEMBERS),
                         approximate_presence_count=len(MEMBERS) // 3)
            self.send(200, g, rl)
        elif route == "roles":
            self.send(200, srv.roles, rl)
        elif route == "channels":
            if "badoverwrite" in srv.scenarios:
                bad = json.loads(json.dumps(CHANNELS))
                bad[1]["permission_overwrites"][0]["allow"] = "-1"
                self.send(200, bad, rl)
            else:
                self.send(200, CHANNELS, rl)
        elif route == "webhooks":
            if "nowebhooks" in srv.scenarios:
                self.send(403, {"message": "Missing Permissions",
                                "code": 50013}, rl)
            else:
                self.send(200, WEBHOOKS, rl)
        else:
            if "nointent" in srv.scenarios:
                self.send(403, {"message": "Missing Access", "code": 50001},
                          rl)
                return
            q = parse_qs(url.query)
            try:
                limit = int(q.get("limit", ["1"])[0])
                after = int(q.get("after", ["0"])[0])
            except ValueError:
                self.send(400, {"message": "Invalid Form Body",
                                "code": 50035}, rl)
                return
            if limit < 1 or limit > 1000:
                self.send(400, {"message": "Invalid Form Body",
                                "code": 50035}, rl)
                return
            i = bisect.bisect_right(MEMBER_IDS, after)
            if srv.page_size:
                limit = min(limit, srv.page_size)
            self.send(200, MEMBERS[i:i + limit], rl)


def _member(uid):
    for m in MEMBERS:
        if m["user"]["id"] == uid:
            return m
    return None


def _freeze_get(self):
    """GET /_state, /users/@me and /guilds/{id}/members/{uid}; 1 if
    answered."""
    srv = self.server
    path = urlsplit(self.path).path.rstrip("/")
    if path == "/_state":
        body = json.dumps({"roles": srv.roles}, sort_keys=True).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        return True
    parts = path.split("/")
    me = path.endswith("/users/@me")
    mem = len(parts) >= 4 and parts[-2] == "members" and \
        parts[-4] == "guilds"
    if not me and not mem:
        return False
    if self.headers.get("Authorization") != "Bot " + srv.token:
        self.send(401, {"message": "401: Unauthorized", "code": 0})
    elif me:
        self.send(200, user(U_VIGIL, "vigil-audit", True))
    elif parts[-3] != GUILD_ID:
        self.send(404, {"message": "Unknown Guild", "code": 10004})
    elif _member(parts[-1]) is None:
        self.send(404, {"message": "Unknown Member", "code": 10007})
    else:
        self.send(200, _member(parts[-1]))
    return True


def _do_patch(self):
    srv = self.server
    parts = urlsplit(self.path).path.rstrip("/").split("/")
    n = int(self.headers.get("Content-Length") or 0)
    raw = self.rfile.read(n) if n > 0 else b""
    if self.headers.get("Authorization") != "Bot " + srv.token:
        self.send(401, {"message": "401: Unauthorized", "code": 0})
        return
    if len(parts) < 4 or parts[-2] != "roles" or parts[-4] != "guilds":
        self.send(404, {"message": "404: Not Found", "code": 0})
        return
    if parts[-3] != GUILD_ID:
        self.send(404, {"message": "Unknown Guild", "code": 10004})
        return
    now = time.time()
    if srv.once("patch429"):
        self.send(429, {"message": "You are being rate limited.",
                        "retry_after": 0.7, "global": False},
                  {"Retry-After": "1", "X-RateLimit-Scope": "shared"})
        return
    b = srv.buckets["patch-role"]
    with srv.lock:
        allowed, remaining, reset_after = b.take(now)
    rl = {"X-RateLimit-Limit": str(b.limit),
          "X-RateLimit-Remaining": str(remaining),
          "X-RateLimit-Reset": "%.3f" % (now + reset_after),
          "X-RateLimit-Reset-After": "%.3f" % reset_after,
          "X-RateLimit-Bucket": b.bid}
    if not allowed:
        rl["Retry-After"] = str(int(reset_after) + 1)
        rl["X-RateLimit-Scope"] = "user"
        self.send(429, {"message": "You are being rate limited.",
                        "retry_after": round(reset_after, 3),
                        "global": False}, rl)
        return
    try:
        body = json.loads(raw)
        perms = body["permissions"]
        if isinstance(perms, str):
            if not perms.isdigit():
                raise ValueError(perms)
            perms = int(perms)
        if not isinstance(perms, int) or perms < 0 or perms >= 1 << 64:
            raise ValueError(perms)
    except (ValueError, KeyError, TypeError):
        self.send(400, {"message": "Invalid Form Body", "code": 50035}, rl)
        return
    if srv.patch_delay > 0:
        time.sleep(srv.patch_delay)
    with srv.lock:   # send() logs under srv.lock: answer after release
        status, answer = _patch_role(srv, parts[-1], perms)
    self.send(status, answer, rl)


def _patch_role(srv, rid, perms):
    """Applies a PATCH of role rid under srv.lock: (status, answer)."""
    denied = {"message": "Missing Permissions", "code": 50013}
    target = next((r for r in srv.roles if r["id"] == rid), None)
    if target is None:
        return 404, {"message": "Unknown Role", "code": 10011}
    bot = _member(U_VIGIL)
    mine = [r for r in srv.roles if r["id"] in bot["roles"] or
            r["id"] == GUILD_ID]
    have = 0
    for r in mine:
        have |= int(r["permissions"])
    top = max(r["position"] for r in mine)
    old = int(target["permissions"])
    if rid in srv.fail_roles or \
            not (have & (B(3) | B(28))) or \
            target["position"] >= top or \
            (not have & B(3) and (perms & ~old) & ~have):
        return 403, denied
    target["permissions"] = str(perms)
    return 200, copy.deepcopy(target)


Handler.freeze_get = _freeze_get
Handler.do_PATCH = _do_patch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--pid-file", required=True)
    ap.add_argument("--token", required=True)
    ap.add_argument("--log")
    ap.add_argument("--scenario", action="append")
    ap.add_argument("--fail-role", action="append", default=[])
    ap.add_argument("--patch-delay", type=float, default=0.0)
    ap.add_argument("--page-size", type=int, default=0,
                    help="at most N members per page, whatever the limit")
    ap.add_argument("--members", type=int, default=0,
                    help="the guild's member count (default %d)" % NMEMBERS)
    ap.add_argument("--members-window", type=float, default=1.0,
                    help="the exhaust scenario's members bucket window (s)")
    ap.add_argument("--bucket-limit", type=int, default=10,
                    help="requests per second of each route bucket")
    opts = ap.parse_args()
    if opts.members:
        global MEMBERS, MEMBER_IDS
        MEMBERS = build_members(opts.members)
        MEMBER_IDS = [int(m["user"]["id"]) for m in MEMBERS]

    srv = Server(("127.0.0.1", 0), Handler, opts)

    def stop(signum, frame):
        threading.Thread(target=srv.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    with open(opts.pid_file + ".tmp", "w") as f:
        f.write("%d\n" % os.getpid())
    os.rename(opts.pid_file + ".tmp", opts.pid_file)
    with open(opts.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(opts.port_file + ".tmp", opts.port_file)
    srv.serve_forever(poll_interval=0.1)
    srv.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())

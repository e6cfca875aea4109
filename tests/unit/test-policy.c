/*
 * test-policy.c: unit tests for the policy loader (policy.c).
 *
 * Each case writes its files into its own directory under a mkdtemp()
 * directory, loads "p.json" and compares the first diagnostic, with the
 * directory prefix removed from its file name, and the number of
 * diagnostics.  The source types are a small test-only table (rdap and
 * aws with their SPEC keys, and "chat" with the other providers' literal
 * secrets and keys of kinds the checker knows only from a type) given to
 * policy_set_types(), so that the test does not depend on the providers.
 */
#include "config.h"

#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "diag.h"
#include "log.h"
#include "policy.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#include "tap.h"

/* Test-only source types. */
static const char *const rdap_keys[] = { "domains", NULL };
static const char *const aws_keys[] = {
	"region", "access_key_id_env", "secret_access_key_env",
	"session_token_env", "assume_role_arn", "account_id", NULL
};
static const char *const aws_endpoint_keys[] = {
	"iam", "sts", "route53", "route53domains", "ssm", NULL
};
static const struct policy_key rdap_kinds[] = {
	{ "domains", POLICY_STRARRAY },
	{ NULL, 0 }
};
static const struct policy_key aws_kinds[] = {
	{ "region", POLICY_STRING },
	{ "assume_role_arn", POLICY_STRING },
	{ "account_id", POLICY_STRING },
	{ "secret_access_key", POLICY_SECRET },
	{ NULL, 0 }
};
/*
 * A test-only type: its keys' kinds are known to the checker only from
 * it ("channels" is no key of any provider).
 */
static const char *const chat_keys[] = {
	"channels", "room", "portal", "notify_all", "bot_token_env",
	"api_token_env", "admin_api_key_env", NULL
};
static const struct policy_key chat_kinds[] = {
	{ "channels", POLICY_STRARRAY },
	{ "room", POLICY_STRING },
	{ "portal", POLICY_URL },
	{ "notify_all", POLICY_BOOL },
	{ "bot_token", POLICY_SECRET },
	{ "api_token", POLICY_SECRET },
	{ "admin_api_key", POLICY_SECRET },
	{ NULL, 0 }
};

static void
rdap_check(const struct policy_source *ps, struct diags *d)
{
	if (json_object_get(ps->obj, "domains") == NULL)
		diags_add(d, ps->file, ps->line, ps->col,
		    "rdap source '%s' needs 'domains'", ps->name);
}

/* A type's key in the "freeze" section, checked by the type. */
static const char *const aws_freeze_keys[] = { "denied", NULL };

static void
aws_check_freeze(json_t *fz, struct policy_check *c)
{
	json_t	*val;

	if ((val = json_object_get(fz, "denied")) != NULL &&
	    !policy_is_strarray(val))
		policy_check_error(c, "denied", "'denied' must be an array "
		    "of strings");
}

static const struct policy_type test_types[] = {
	{
		.name = "rdap",
		.keys = rdap_keys,
		.kinds = rdap_kinds,
		.http = 1,
		.check = rdap_check,
	},
	{
		.name = "aws",
		.keys = aws_keys,
		.endpoint_keys = aws_endpoint_keys,
		.kinds = aws_kinds,
		.http = 1,
		.freeze_keys = aws_freeze_keys,
		.check_freeze = aws_check_freeze,
	},
	{
		.name = "chat",
		.keys = chat_keys,
		.kinds = chat_kinds,
		.http = 1,
	},
};

struct tfile {
	const char	*name;
	const char	*text;
	int		 mode;		/* 0: 0644 */
};

struct lcase {
	const char	*desc;
	struct tfile	 files[4];	/* files[0] is p.json's text */
	int		 ndiags;	/* expected count; 0: loads */
	const char	*first;		/* exact first diagnostic */
};

#define RDAP(extra)	"{\"sources\": [\n  {\"name\": \"r\", \"type\": " \
			"\"rdap\", \"domains\": [\"a.com\"],\n   " extra \
			"}\n]}\n"
#define AWS(extra)	"{\"sources\": [\n  {\"name\": \"a\", \"type\": " \
			"\"aws\",\n   " extra "}\n]}\n"
#define CHAT(extra)	"{\"sources\": [\n  {\"name\": \"c\", \"type\": " \
			"\"chat\",\n   " extra "}\n]}\n"

static const struct lcase cases[] = {
	/* Syntax. */
	{ "syntax error: missing value",
	    { { "p.json", "{\n  \"organization\": \"x\",\n  \"sources\": \n}\n",
	    0 } }, 1,
	    "p.json:4:1: unexpected token near '}'" },
	{ "syntax error: trailing comma in array",
	    { { "p.json", "{\"rules\": {\"enable\": [\"a\",]}}", 0 } }, 1,
	    "p.json:1:27: unexpected token near ']'" },
	{ "duplicate key rejected by jansson",
	    { { "p.json", "{\"organization\": \"a\",\n \"organization\": "
	    "\"b\"}", 0 } }, 1,
	    "p.json:2:15: duplicate object key near '\"organization\"'" },
	{ "policy must be an object",
	    { { "p.json", "  [1, 2]", 0 } }, 1,
	    "p.json:1:3: a policy must be a JSON object" },

	/* Comments: JSON has none; the rest of the file is still checked. */
	{ "// comment",
	    { { "p.json", "{\n  // the organization\n  \"organization\": "
	    "\"x\"\n}\n", 0 } }, 1,
	    "p.json:2:3: JSON has no comments; remove this // comment" },
	{ "/* */ comment, and the error after it is found too",
	    { { "p.json", "{\"organizaton\": \"x\" /* a\n b */}", 0 } }, 2,
	    "p.json:1:21: JSON has no comments; remove this /* */ comment" },
	{ "comment markers inside a string are not comments",
	    { { "p.json", "{\"organization\": \"http://x/*y*/\\\"//\"}",
	    0 } }, 0, NULL },

	/* Unknown keys. */
	{ "unknown top-level key with suggestion",
	    { { "p.json", "{\n  \"organizaton\": \"x\"\n}\n", 0 } }, 1,
	    "p.json:2:3: unknown key 'organizaton'; did you mean "
	    "'organization'?" },
	{ "unknown top-level key without suggestion",
	    { { "p.json", "{\"zzzzzzzz\": 1}", 0 } }, 1,
	    "p.json:1:2: unknown key 'zzzzzzzz'" },
	{ "unknown source key with suggestion",
	    { { "p.json", RDAP("\"domainz\": 1"), 0 } }, 1,
	    "p.json:3:4: unknown key 'domainz'; did you mean 'domains'?" },
	{ "unknown aws key suggests a twin _file key",
	    { { "p.json", AWS("\"session_token_fil\": \"x\""), 0 } }, 1,
	    "p.json:3:4: unknown key 'session_token_fil'; did you mean "
	    "'session_token_file'?" },
	{ "unknown endpoints key",
	    { { "p.json", AWS("\"endpoints\": {\"iamm\": \"https://x\"}"),
	    0 } }, 1,
	    "p.json:3:18: unknown key 'iamm'; did you mean 'iam'?" },
	{ "unknown state key",
	    { { "p.json", "{\"state\": {\"dbb\": \"x.db\"}}", 0 } }, 1,
	    "p.json:1:12: unknown key 'dbb'; did you mean 'db'?" },
	{ "unknown rules key",
	    { { "p.json", "{\"rules\": {\n \"disabled\": []}}", 0 } }, 1,
	    "p.json:2:2: unknown key 'disabled'; did you mean 'disable'?" },
	{ "unknown waiver key",
	    { { "p.json", "{\"waivers\": [{\"rule\": \"r\", \"resource\": "
	    "\"x\", \"reason\": \"y\", \"approved_by\": \"z\",\n "
	    "\"expire\": \"2030-01-01\"}]}", 0 } }, 1,
	    "p.json:2:2: unknown key 'expire'; did you mean 'expires'?" },
	{ "unknown critical value key",
	    { { "p.json", "{\"critical_values\": [{\"name\": \"w\",\n "
	    "\"expect_sha265\": \"ab\"}]}", 0 } }, 1,
	    "p.json:2:2: unknown key 'expect_sha265'; did you mean "
	    "'expect_sha256'?" },
	{ "unknown notify.email key",
	    { { "p.json", "{\"notify\": {\"email\": {\n \"smtp_ur\": "
	    "\"smtps://m.example.com\"}}}", 0 } }, 1,
	    "p.json:2:2: unknown key 'smtp_ur'; did you mean 'smtp_url'?" },
	{ "unknown freeze key",
	    { { "p.json", "{\"freeze\": {\n \"action\": []}}", 0 } }, 1,
	    "p.json:2:2: unknown key 'action'; did you mean 'actions'?" },
	{ "a type's freeze key is known",
	    { { "p.json", "{\"freeze\": {\"denied\": [\"iam:*\"],\n "
	    "\"denie\": []}}", 0 } }, 1,
	    "p.json:2:2: unknown key 'denie'; did you mean 'denied'?" },
	{ "a type checks its freeze key",
	    { { "p.json", "{\"freeze\": {\"actions\": [],\n "
	    "\"denied\": \"iam:*\"}}", 0 } }, 1,
	    "p.json:2:2: 'denied' must be an array of strings" },
	{ "key after escaped string is located",
	    { { "p.json", "{\"organization\": \"a\\\"b,{[\\\\\",\n "
	    "\"bogus\": 1}", 0 } }, 1,
	    "p.json:2:2: unknown key 'bogus'" },
	{ "column counts UTF-8 characters",
	    { { "p.json", "{\"organization\": \"\xc3\x9cn\xc3\xaf" "code\", "
	    "\"bogus\": 1}", 0 } }, 1,
	    "p.json:1:29: unknown key 'bogus'" },
	{ "escaped key name is decoded",
	    { { "p.json", "{\"organization\": \"x\", \"\\u0062ogus\": 1}",
	    0 } }, 1,
	    "p.json:1:23: unknown key 'bogus'" },

	/* Sources. */
	{ "unknown source type with suggestion",
	    { { "p.json", "{\"sources\": [\n  {\"name\": \"r\",\n   "
	    "\"type\": \"rdapp\"}\n]}", 0 } }, 1,
	    "p.json:3:4: unknown source type 'rdapp'; did you mean 'rdap'?" },
	{ "unknown source type without suggestion",
	    { { "p.json", "{\"sources\": [{\"name\": \"r\", \"type\": "
	    "\"zzzzzzzz\"}]}", 0 } }, 1,
	    "p.json:1:28: unknown source type 'zzzzzzzz'" },
	{ "source missing name",
	    { { "p.json", "{\"sources\": [\n  {\"type\": \"rdap\", "
	    "\"domains\": []}]}", 0 } }, 1,
	    "p.json:2:3: source is missing 'name'" },
	{ "source missing type",
	    { { "p.json", "{\"sources\": [\n  {\"name\": \"r\"}]}", 0 } }, 1,
	    "p.json:2:3: source 'r' is missing 'type'" },
	{ "duplicate source name",
	    { { "p.json", "{\"sources\": [\n  {\"name\": \"r\", \"type\": "
	    "\"rdap\", \"domains\": []},\n  {\"type\": \"rdap\", "
	    "\"domains\": [],\n   \"name\": \"r\"}\n]}", 0 } }, 1,
	    "p.json:4:4: duplicate source name 'r'" },
	{ "type check callback gets the source position",
	    { { "p.json", "{\"sources\": [\n  {\"name\": \"r\", \"type\": "
	    "\"aws\"},\n  {\"name\": \"s\", \"type\": \"rdap\"}]}", 0 } }, 1,
	    "p.json:3:3: rdap source 's' needs 'domains'" },
	{ "timeout_s must be positive",
	    { { "p.json", RDAP("\"timeout_s\": 0"), 0 } }, 1,
	    "p.json:3:4: 'timeout_s' must be a number greater than 0" },
	{ "max_concurrency range",
	    { { "p.json", RDAP("\"max_concurrency\": 65"), 0 } }, 1,
	    "p.json:3:4: 'max_concurrency' must be an integer from 1 to 64" },
	{ "rate_limit_rps must be a number",
	    { { "p.json", RDAP("\"rate_limit_rps\": \"5\""), 0 } }, 1,
	    "p.json:3:4: 'rate_limit_rps' must be a number greater than 0" },
	{ "domains must be strings",
	    { { "p.json", "{\"sources\": [{\"name\": \"r\", \"type\": "
	    "\"rdap\",\n \"domains\": [\"a.com\", 1]}]}", 0 } }, 1,
	    "p.json:2:2: 'domains' must be an array of strings" },
	{ "region must be a string",
	    { { "p.json", AWS("\"region\": 1"), 0 } }, 1,
	    "p.json:3:4: 'region' must be a string" },

	/* Key kinds come from the type's descriptor. */
	{ "a type's strarray kind",
	    { { "p.json", CHAT("\"channels\": [\"a\", 2]"), 0 } }, 1,
	    "p.json:3:4: 'channels' must be an array of strings" },
	{ "a type's string kind",
	    { { "p.json", CHAT("\"room\": [\"a\"]"), 0 } }, 1,
	    "p.json:3:4: 'room' must be a string" },
	{ "a type's URL kind",
	    { { "p.json", CHAT("\"portal\": \"http://example.com\""), 0 } },
	    1,
	    "p.json:3:4: plain http:// is only allowed to loopback addresses; "
	    "use https://" },
	{ "a type's bool kind",
	    { { "p.json", CHAT("\"notify_all\": \"yes\""), 0 } }, 1,
	    "p.json:3:4: 'notify_all' must be true or false" },
	{ "a type's kinds pass good values",
	    { { "p.json", CHAT("\"channels\": [\"a\"], \"room\": \"r\", "
	    "\"portal\": \"https://example.com\", \"notify_all\": true"),
	    0 } }, 0, NULL },
	{ "a key of an unknown type is checked by its kind in any type",
	    { { "p.json", "{\"sources\": [{\"name\": \"x\", \"type\": "
	    "\"zzzzzzzz\",\n \"channels\": \"a\", \"region\": 1}]}", 0 } },
	    3, "p.json:1:28: unknown source type 'zzzzzzzz'" },
	{ "a key of another type's kind is unknown, not checked by kind",
	    { { "p.json", AWS("\"channels\": \"a\""), 0 } }, 1,
	    "p.json:3:4: unknown key 'channels'" },
	{ "another type's literal secret is refused in any source",
	    { { "p.json", AWS("\"bot_token\": \"t\""), 0 } }, 1,
	    "p.json:3:4: literal secret 'bot_token' is not allowed; use "
	    "'bot_token_env' (or 'bot_token_file')" },

	/* Literal secrets. */
	{ "literal password",
	    { { "p.json", RDAP("\"password\": \"hunter2\""), 0 } }, 1,
	    "p.json:3:4: literal secret 'password' is not allowed; use "
	    "'password_env' (or 'password_file')" },
	{ "literal token",
	    { { "p.json", RDAP("\"token\": \"t\""), 0 } }, 1,
	    "p.json:3:4: literal secret 'token' is not allowed; use "
	    "'token_env' (or 'token_file')" },
	{ "literal bot_token",
	    { { "p.json", RDAP("\"bot_token\": \"t\""), 0 } }, 1,
	    "p.json:3:4: literal secret 'bot_token' is not allowed; use "
	    "'bot_token_env' (or 'bot_token_file')" },
	{ "literal secret_access_key",
	    { { "p.json", AWS("\"secret_access_key\": \"k\""), 0 } }, 1,
	    "p.json:3:4: literal secret 'secret_access_key' is not allowed; "
	    "use 'secret_access_key_env' (or 'secret_access_key_file')" },
	{ "literal api_token",
	    { { "p.json", RDAP("\"api_token\": \"t\""), 0 } }, 1,
	    "p.json:3:4: literal secret 'api_token' is not allowed; use "
	    "'api_token_env' (or 'api_token_file')" },
	{ "literal secret in an unknown source type",
	    { { "p.json", "{\"sources\": [{\"name\": \"x\", \"type\": "
	    "\"zzzzzzzz\",\n \"admin_api_key\": \"k\"}]}", 0 } }, 2,
	    "p.json:1:28: unknown source type 'zzzzzzzz'" },
	{ "literal notify.email password",
	    { { "p.json", "{\"notify\": {\"email\": {\"to\": [\"a@b\"],\n "
	    "\"password\": \"p\"}}}", 0 } }, 1,
	    "p.json:2:2: literal secret 'password' is not allowed; use "
	    "'password_env' (or 'password_file')" },
	{ "literal webhook url",
	    { { "p.json", "{\"notify\": {\"webhooks\": [{\"type\": "
	    "\"slack\",\n \"url\": \"https://hooks.slack.com/x\"}]}}", 0 } },
	    1,
	    "p.json:2:2: literal secret 'url' is not allowed; use 'url_env' "
	    "(or 'url_file')" },
	{ "literal secret in freeze credentials",
	    { { "p.json", "{\"freeze\": {\"credentials\": {\"a\": {\n "
	    "\"secret_access_key\": \"k\"}}}}", 0 } }, 1,
	    "p.json:2:2: literal secret 'secret_access_key' is not allowed; "
	    "use 'secret_access_key_env' (or 'secret_access_key_file')" },

	/* Secret files. */
	{ "secret file readable by others refused",
	    { { "p.json", AWS("\"secret_access_key_file\": \"sk\""), 0 },
	    { "sk", "s3cr3t-value\n", 0644 } }, 1,
	    "p.json:3:4: secret file 'sk' is readable by group or others "
	    "(mode 0644); chmod 600 it" },
	{ "secret file group-readable refused",
	    { { "p.json", AWS("\"secret_access_key_file\": \"sk\""), 0 },
	    { "sk", "s3cr3t-value\n", 0640 } }, 1,
	    "p.json:3:4: secret file 'sk' is readable by group or others "
	    "(mode 0640); chmod 600 it" },
	{ "secret file missing",
	    { { "p.json", AWS("\"secret_access_key_file\": \"nope\""), 0 } },
	    1, "p.json:3:4: secret file 'nope' does not exist" },
	{ "both _env and _file",
	    { { "p.json", AWS("\"session_token_env\": \"X\", "
	    "\"session_token_file\": \"sk\""), 0 },
	    { "sk", "v", 0600 } }, 1,
	    "p.json:3:30: both 'session_token_env' and 'session_token_file' "
	    "are set; use one" },
	{ "ca_file missing",
	    { { "p.json", RDAP("\"ca_file\": \"ca.pem\""), 0 } }, 1,
	    "p.json:3:4: ca_file 'ca.pem' does not exist" },
	{ "ca_file may be world-readable",
	    { { "p.json", RDAP("\"ca_file\": \"ca.pem\""), 0 },
	    { "ca.pem", "-----BEGIN CERTIFICATE-----\n", 0644 } }, 0, NULL },

	/* Endpoints. */
	{ "plain http to a public host refused",
	    { { "p.json", RDAP("\"endpoint\": \"http://rdap.example.com/\""),
	    0 } }, 1,
	    "p.json:3:4: plain http:// is only allowed to loopback "
	    "addresses; use https://" },
	{ "plain http in endpoints refused",
	    { { "p.json", AWS("\"endpoints\": {\"iam\": \"http://10.0.0.1\"}"),
	    0 } }, 1,
	    "p.json:3:18: plain http:// is only allowed to loopback "
	    "addresses; use https://" },
	{ "plain http to 127.0.0.1 accepted",
	    { { "p.json", RDAP("\"endpoint\": \"http://127.0.0.1:8080/rdap\""),
	    0 } }, 0, NULL },
	{ "plain http to 127.1.2.3 accepted",
	    { { "p.json", RDAP("\"endpoint\": \"http://127.1.2.3\""),
	    0 } }, 0, NULL },
	{ "plain http to [::1] accepted",
	    { { "p.json", AWS("\"endpoints\": {\"sts\": "
	    "\"http://[::1]:9000\"}"), 0 } }, 0, NULL },
	{ "plain http to a name starting with 127. refused",
	    { { "p.json", RDAP("\"endpoint\": "
	    "\"http://127.mail.example.com/rdap\""), 0 } }, 1,
	    "p.json:3:4: plain http:// is only allowed to loopback "
	    "addresses; use https://" },
	{ "plain http to localhost. refused (a name, not localhost)",
	    { { "p.json", RDAP("\"endpoint\": \"http://localhost.:1\""),
	    0 } }, 1,
	    "p.json:3:4: plain http:// is only allowed to loopback "
	    "addresses; use https://" },
	{ "plain http to localhost accepted",
	    { { "p.json", RDAP("\"endpoint\": \"http://localhost:1\""),
	    0 } }, 0, NULL },
	{ "https anywhere accepted",
	    { { "p.json", RDAP("\"endpoint\": \"https://rdap.example.com\""),
	    0 } }, 0, NULL },
	{ "invalid URL",
	    { { "p.json", RDAP("\"endpoint\": \"not a url\""), 0 } }, 1,
	    "p.json:3:4: invalid URL 'not a url'" },
	{ "password in an endpoint URL refused",
	    { { "p.json", RDAP("\"endpoint\": \"https://u:pw@x.example\""),
	    0 } }, 1,
	    "p.json:3:4: a password in a URL is not allowed; use the *_env "
	    "or *_file keys" },
	{ "unsupported scheme",
	    { { "p.json", RDAP("\"endpoint\": \"ftp://x.example\""), 0 } }, 1,
	    "p.json:3:4: unsupported URL scheme 'ftp'; use https://" },

	/* Includes. */
	{ "include: error inside included file names that file",
	    { { "p.json", "{\"include\": \"inc.json\"}", 0 },
	    { "inc.json", "{\n  \"organisation\": \"x\"}", 0 } }, 1,
	    "inc.json:2:3: unknown key 'organisation'; did you mean "
	    "'organization'?" },
	{ "include: syntax error inside included file",
	    { { "p.json", "{\"include\": [\"inc.json\"]}", 0 },
	    { "inc.json", "{\"organization\" \"x\"}", 0 } }, 1,
	    "inc.json:1:19: ':' expected near '\"x\"'" },
	{ "include: missing file",
	    { { "p.json", "{\"organization\": \"x\",\n \"include\": "
	    "[\"a.json\", \"nope.json\"]}", 0 },
	    { "a.json", "{}", 0 } }, 1,
	    "p.json:2:24: cannot open 'nope.json': No such file or "
	    "directory" },
	{ "include: cycle",
	    { { "p.json", "{\"include\": \"b.json\"}", 0 },
	    { "b.json", "{\"organization\": \"b\",\n \"include\": "
	    "\"p.json\"}", 0 } }, 1,
	    "b.json:2:2: include cycle: 'p.json' is already being loaded" },
	{ "include: self",
	    { { "p.json", "{\"include\": [\"./p.json\"]}", 0 } }, 1,
	    "p.json:1:14: include cycle: './p.json' is already being "
	    "loaded" },
	{ "include: duplicate source across files",
	    { { "p.json", "{\"include\": \"b.json\",\n \"sources\": [\n  "
	    "{\"name\": \"r\", \"type\": \"rdap\", \"domains\": []}]}", 0 },
	    { "b.json", "{\"sources\": [{\"name\": \"r\", \"type\": \"rdap\", "
	    "\"domains\": []}]}", 0 } }, 1,
	    "p.json:3:4: duplicate source name 'r'" },
	{ "include: must be strings",
	    { { "p.json", "{\"include\": [1]}", 0 } }, 1,
	    "p.json:1:14: 'include' must be a file name or an array of file "
	    "names" },

	/* Rules. */
	{ "bad severity in rules.severity",
	    { { "p.json", "{\"rules\": {\"severity\": {\n  \"aws.x\": "
	    "\"urgent\"}}}", 0 } }, 1,
	    "p.json:2:3: invalid severity 'urgent' for rule 'aws.x'; use "
	    "info, low, medium, high or critical" },
	{ "rules.enable must be strings",
	    { { "p.json", "{\"rules\": {\"enable\": \"aws.*\"}}", 0 } }, 1,
	    "p.json:1:12: 'enable' must be an array of rule ids or globs" },
	{ "rules.builtin must be a boolean",
	    { { "p.json", "{\"rules\": {\"builtin\": 0}}", 0 } }, 1,
	    "p.json:1:12: 'builtin' must be true or false" },

	/* Waivers, critical values, expect, notify. */
	{ "waiver missing reason",
	    { { "p.json", "{\"waivers\": [\n  {\"rule\": \"r\", \"resource\": "
	    "\"x\", \"approved_by\": \"me\"}\n]}", 0 } }, 1,
	    "p.json:2:3: waiver is missing 'reason'" },
	{ "waiver missing approved_by (third waiver)",
	    { { "p.json", "{\"waivers\": [\n {\"rule\": \"r\", \"resource\": "
	    "\"x\", \"reason\": \"y\", \"approved_by\": \"me\"},\n {\"rule\": "
	    "\"r\", \"resource\": \"x\", \"reason\": \"y\", \"approved_by\": "
	    "\"me\"}, {\"rule\": \"r\", \"resource\": \"x\", \"reason\": "
	    "\"y\"}]}", 0 } }, 1,
	    "p.json:3:70: waiver is missing 'approved_by'" },
	{ "waiver bad expires",
	    { { "p.json", "{\"waivers\": [\n  {\"rule\": \"r\", \"resource\": "
	    "\"x\", \"reason\": \"y\", \"approved_by\": \"me\",\n   "
	    "\"expires\": \"next week\"}\n]}", 0 } }, 1,
	    "p.json:3:4: invalid expiry 'next week'; use YYYY-MM-DD or an "
	    "ISO-8601 date-time" },
	{ "waiver expires on a day the month does not have",
	    { { "p.json", "{\"waivers\": [\n  {\"rule\": \"r\", \"resource\": "
	    "\"x\", \"reason\": \"y\", \"approved_by\": \"me\",\n   "
	    "\"expires\": \"2026-02-30\"}\n]}", 0 } }, 1,
	    "p.json:3:4: invalid expiry '2026-02-30': 2026-02 has only 28 "
	    "days" },
	{ "waiver expires on April 31",
	    { { "p.json", "{\"waivers\": [{\"rule\": \"r\", \"resource\": "
	    "\"x\", \"reason\": \"y\", \"approved_by\": \"me\", "
	    "\"expires\": \"2026-04-31T10:00:00Z\"}]}", 0 } }, 1,
	    "p.json:1:81: invalid expiry '2026-04-31T10:00:00Z': 2026-04 has "
	    "only 30 days" },
	{ "waiver expires on a leap day accepted",
	    { { "p.json", "{\"waivers\": [{\"rule\": \"r\", \"resource\": "
	    "\"x\", \"reason\": \"y\", \"approved_by\": \"me\", "
	    "\"expires\": \"2028-02-29\"}]}", 0 } }, 0, NULL },
	{ "waiver without expires accepted",
	    { { "p.json", "{\"waivers\": [{\"rule\": \"r\", \"resource\": "
	    "\"x\", \"reason\": \"y\", \"approved_by\": \"me\"}]}", 0 } }, 0,
	    NULL },
	{ "duplicate critical value name",
	    { { "p.json", "{\"critical_values\": [{\"name\": \"w\"},\n "
	    "{\"name\": \"w\"}]}", 0 } }, 1,
	    "p.json:2:3: duplicate critical value name 'w'" },
	{ "expect.nameservers values are arrays",
	    { { "p.json", "{\"expect\": {\"nameservers\": {\n "
	    "\"example.com\": \"ns1\"}}}", 0 } }, 1,
	    "p.json:2:2: nameservers of 'example.com' must be an array of "
	    "strings" },
	{ "webhook type",
	    { { "p.json", "{\"notify\": {\"webhooks\": [{\"type\": \"teams\","
	    " \"url_env\": \"U\"}]}}", 0 } }, 1,
	    "p.json:1:27: webhook 'type' must be slack or discord" },
	{ "webhook deadline_s must be positive",
	    { { "p.json", "{\"notify\": {\"webhooks\": [{\"type\": \"slack\","
	    " \"url_env\": \"U\", \"deadline_s\": 0}]}}", 0 } }, 1,
	    "p.json:1:60: 'deadline_s' must be a number of seconds greater "
	    "than 0 and at most 3600" },
	{ "webhook deadline_s accepted",
	    { { "p.json", "{\"notify\": {\"webhooks\": [{\"type\": \"slack\","
	    " \"url_env\": \"U\", \"deadline_s\": 2.5}]}}", 0 } }, 0, NULL },
	{ "notify.email when",
	    { { "p.json", "{\"notify\": {\"email\": {\"when\": \"never\"}}}",
	    0 } }, 1,
	    "p.json:1:23: 'when' must be always, findings or changes" },
	{ "smtp_url scheme",
	    { { "p.json", "{\"notify\": {\"email\": {\"smtp_url\": "
	    "\"https://m\"}}}", 0 } }, 1,
	    "p.json:1:23: unsupported URL scheme 'https'; use smtp:// or "
	    "smtps://" },
	{ "parameters must be an object",
	    { { "p.json", "{\"parameters\": [1]}", 0 } }, 1,
	    "p.json:1:2: 'parameters' must be an object" },

	/* Every error is reported. */
	{ "multiple errors all reported",
	    { { "p.json", "{\"organizaton\": \"x\",\n \"sources\": [{\"name\": "
	    "\"a\", \"type\": \"aws\", \"token\": \"t\", \"regoin\": \"x\"}],\n"
	    " \"rules\": {\"severity\": {\"x\": \"bad\"}},\n \"waivers\": "
	    "[{\"rule\": \"r\"}]}", 0 } }, 7,
	    "p.json:1:2: unknown key 'organizaton'; did you mean "
	    "'organization'?" },
};

static char	*tmpdir;

static void
write_file(const char *path, const char *text, int mode)
{
	FILE	*f;

	if ((f = fopen(path, "w")) == NULL) {
		printf("# cannot write %s: %s\n", path, strerror(errno));
		exit(1);
	}
	fputs(text, f);
	fclose(f);
	if (chmod(path, mode != 0 ? (mode_t)mode : 0644) != 0)
		exit(1);
}

/* Writes case n's files into tmpdir/cN and returns the directory. */
static char *
write_case(int n, const struct tfile *files)
{
	char	*dir, *p;
	int	 i;

	dir = xasprintf("%s/c%d", tmpdir, n);
	if (mkdir(dir, 0700) != 0 && errno != EEXIST)
		exit(1);
	for (i = 0; i < 4 && files[i].name != NULL; i++) {
		p = xasprintf("%s/%s", dir, files[i].name);
		write_file(p, files[i].text, files[i].mode);
		free(p);
	}
	return dir;
}

/* "FILE:LINE:COL: msg" of diag i, FILE relative to dir. */
static char *
diag_str(const struct diags *d, size_t i, const char *dir)
{
	const char	*f;
	size_t		 n = strlen(dir);

	if (i >= d->n)
		return NULL;
	f = d->v[i].file;
	if (strncmp(f, dir, n) == 0 && f[n] == '/')
		f += n + 1;
	return xasprintf("%s:%d:%d: %s", f, d->v[i].line, d->v[i].col,
	    d->v[i].msg);
}

static void
test_cases(void)
{
	struct policy	*p;
	struct diags	 d;
	char		*dir, *path, *got;
	size_t		 i, j;
	int		 r;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		memset(&d, 0, sizeof(d));
		dir = write_case((int)i, cases[i].files);
		path = xasprintf("%s/p.json", dir);
		p = (struct policy *)1;
		r = policy_load(path, &p, &d);
		got = diag_str(&d, 0, dir);
		if (cases[i].ndiags == 0) {
			ok(r == 0 && p != NULL && d.n == 0, "%s: loads",
			    cases[i].desc);
			if (got != NULL)
				printf("#   unexpected: %s\n", got);
		} else {
			ok(r == VGL_ERR_POLICY && p == NULL, "%s: fails",
			    cases[i].desc);
			is_str(got, cases[i].first, "%s: first diagnostic",
			    cases[i].desc);
			is_int(d.n, cases[i].ndiags, "%s: diagnostic count",
			    cases[i].desc);
			if (d.n != (size_t)cases[i].ndiags) {
				for (j = 0; j < d.n; j++) {
					free(got);
					got = diag_str(&d, j, dir);
					printf("#   %s\n", got);
				}
			}
		}
		free(got);
		policy_free(p == (struct policy *)1 ? NULL : p);
		diags_release(&d);
		free(path);
		free(dir);
	}
}

/* Loads path; returns the policy or NULL (diagnostics printed). */
static struct policy *
load(const char *path)
{
	struct policy	*p = NULL;
	struct diags	 d;
	size_t		 j;

	memset(&d, 0, sizeof(d));
	policy_load(path, &p, &d);
	for (j = 0; j < d.n; j++)
		printf("#   %s:%d:%d: %s\n", d.v[j].file, d.v[j].line,
		    d.v[j].col, d.v[j].msg);
	diags_release(&d);
	return p;
}

static const char full_policy[] =
"{\n"
"  \"organization\": \"Example Labs\",\n"
"  \"state\": {\"db\": \"var/vigil.db\"},\n"
"  \"sources\": [\n"
"    {\"name\": \"registrar\", \"type\": \"rdap\",\n"
"     \"domains\": [\"example.com\"], \"timeout_s\": 2.5,\n"
"     \"max_concurrency\": 4, \"rate_limit_rps\": 10,\n"
"     \"endpoint\": \"http://127.0.0.1:8443/rdap\"},\n"
"    {\"name\": \"prod\", \"type\": \"aws\", \"region\": \"eu-west-1\",\n"
"     \"access_key_id_env\": \"VIGIL_TEST_AKID\",\n"
"     \"secret_access_key_file\": \"secrets/aws\",\n"
"     \"endpoints\": {\"iam\": \"https://iam.internal\"}}\n"
"  ],\n"
"  \"rules\": {\"paths\": [\"myrules\"], \"builtin\": false,\n"
"    \"enable\": [\"aws.*\"], \"disable\": [\"dns.caa_missing\"],\n"
"    \"severity\": {\"dns.caa_missing\": \"HIGH\"}},\n"
"  \"parameters\": {\"max_access_key_age_days\": 90,\n"
"    \"allowed_admins\": [\"alice\"]},\n"
"  \"waivers\": [\n"
"    {\"rule\": \"aws.iam.*\", \"resource\": \"arn:aws:iam::1:user/ci\",\n"
"     \"reason\": \"CI user\", \"approved_by\": \"bob\",\n"
"     \"expires\": \"2030-01-01\"},\n"
"    {\"rule\": \"dns.caa_missing\", \"resource\": \"*\",\n"
"     \"reason\": \"later\", \"approved_by\": \"carol\"}\n"
"  ],\n"
"  \"critical_values\": [\n"
"    {\"name\": \"wallet\", \"source\": {\"type\": \"http_json\"},\n"
"     \"expect\": \"terra1\", \"public\": true}\n"
"  ],\n"
"  \"expect\": {\"nameservers\": {\"example.com\": [\"ns1.example.net\"]}},\n"
"  \"freeze\": {\"break_glass\": {\"aws\": [\"arn:role\"]},\n"
"    \"actions\": [\"aws.deny_mutations\"],\n"
"    \"credentials\": {\"prod\": {\"access_key_id_env\": \"W\"}}},\n"
"  \"notify\": {\"email\": {\"smtp_url\": \"smtps://mail.example.com\",\n"
"    \"from\": \"vigil@example.com\", \"to\": [\"sec@example.com\"],\n"
"    \"password_env\": \"SMTP_PW\", \"when\": \"changes\",\n"
"    \"min_severity\": \"high\", \"attach_report\": false},\n"
"    \"webhooks\": [{\"type\": \"slack\", \"url_env\": \"SLACK_URL\"}]}\n"
"}\n";

static void
test_full(void)
{
	const struct policy_source *ps;
	struct policy		*p;
	char			*dir, *s, *why = NULL, *exp, sha[65];
	int			 r;

	dir = xasprintf("%s/full", tmpdir);
	mkdir(dir, 0700);
	s = xasprintf("%s/secrets", dir);
	mkdir(s, 0700);
	free(s);
	s = xasprintf("%s/secrets/aws", dir);
	write_file(s, "wJalrXUtnFEMI/K7MDENG\n", 0600);
	free(s);
	s = xasprintf("%s/p.json", dir);
	write_file(s, full_policy, 0644);
	p = load(s);
	free(s);
	ok(p != NULL, "full policy loads");
	if (p == NULL) {
		free(dir);
		return;
	}
	is_str(p->organization, "Example Labs", "full: organization");
	exp = xasprintf("%s/var/vigil.db", dir);
	is_str(p->db, exp, "full: state.db resolved relative to the policy");
	free(exp);
	is_int(p->nsources, 2, "full: two sources");
	ps = policy_source_find(p, "registrar");
	ok(ps != NULL && strcmp(ps->type, "rdap") == 0,
	    "full: source 'registrar' found with type rdap");
	ok(policy_source_find(p, "nope") == NULL, "full: unknown source NULL");
	ok(ps != NULL && ps->line == 5 && ps->col == 5,
	    "full: source position 5:5 (got %d:%d)", ps ? ps->line : 0,
	    ps ? ps->col : 0);
	ok(policy_source_num(ps, "timeout_s", 30) == 2.5,
	    "full: policy_source_num timeout_s");
	ok(policy_source_num(ps, "missing", 30) == 30,
	    "full: policy_source_num default");
	is_str(policy_source_str(ps, "endpoint", NULL),
	    "http://127.0.0.1:8443/rdap", "full: policy_source_str endpoint");
	is_int(policy_source_bool(ps, "domains", 7), 7,
	    "full: policy_source_bool default for non-boolean");
	ps = policy_source_find(p, "prod");
	exp = xasprintf("%s/secrets/aws", dir);
	is_str(policy_source_str(ps, "secret_access_key_file", NULL), exp,
	    "full: *_file resolved relative to the policy");
	free(exp);

	/* Secrets. */
	s = NULL;
	r = policy_secret(ps->obj, "secret_access_key", NULL, &s, &why);
	is_int(r, 0, "secret file 0600 accepted");
	is_str(s, "wJalrXUtnFEMI/K7MDENG",
	    "secret file content, trailing newline stripped");
	if (s != NULL) {
		char *red = log_redact("key=wJalrXUtnFEMI/K7MDENG");

		is_str(red, "key=[REDACTED]",
		    "secret registered for redaction");
		free(red);
	}
	freestr_secret(s);
	s = NULL;
	setenv("VIGIL_TEST_AKID", "AKIAEXAMPLE1234", 1);
	r = policy_secret(ps->obj, "access_key_id", "NOT_THIS", &s, &why);
	is_int(r, 0, "_env secret read");
	is_str(s, "AKIAEXAMPLE1234", "_env secret value from the environment");
	freestr_secret(s);
	s = NULL;
	unsetenv("VIGIL_TEST_AKID");
	r = policy_secret(ps->obj, "access_key_id", NULL, &s, &why);
	is_int(r, VGL_ERR_NOTFOUND, "_env secret unset -> NOTFOUND");
	ok(s == NULL, "no secret on NOTFOUND");
	setenv("VIGIL_TEST_DEF", "default-env-value", 1);
	r = policy_secret(ps->obj, "session_token", "VIGIL_TEST_DEF", &s,
	    &why);
	is_str(s, "default-env-value", "default env used when unset");
	freestr_secret(s);
	s = NULL;
	r = policy_secret(ps->obj, "session_token", NULL, &s, &why);
	is_int(r, VGL_ERR_NOTFOUND, "no key and no default -> NOTFOUND");

	/* Secret file that became group readable after loading. */
	exp = xasprintf("%s/secrets/aws", dir);
	chmod(exp, 0644);
	r = policy_secret(ps->obj, "secret_access_key", NULL, &s, &why);
	is_int(r, VGL_ERR_POLICY, "policy_secret refuses a 0644 file");
	ok(why != NULL && strstr(why, "readable by group or others (mode "
	    "0644)") != NULL, "policy_secret why names the mode");
	free(why);
	why = NULL;
	unlink(exp);
	r = policy_secret(ps->obj, "secret_access_key", NULL, &s, &why);
	is_int(r, VGL_ERR_POLICY, "policy_secret: missing file");
	free(why);
	free(exp);

	/* Parameters, rules, waivers, expect and the rest. */
	ok(json_integer_value(json_object_get(p->parameters,
	    "max_access_key_age_days")) == 90, "full: parameters value");
	is_int(json_array_size(json_object_get(p->parameters,
	    "allowed_admins")), 1, "full: parameter array");
	is_int(p->nrule_paths, 1, "full: one rule path");
	exp = xasprintf("%s/myrules", dir);
	is_str(p->nrule_paths ? p->rule_paths[0] : NULL, exp,
	    "full: rules.paths resolved");
	free(exp);
	is_int(p->rules_builtin, 0, "full: builtin false");
	is_int(json_array_size(p->rules_enable), 1, "full: rules.enable");
	is_str(json_string_value(json_object_get(p->rules_severity,
	    "dns.caa_missing")), "HIGH", "full: rules.severity");
	is_int(p->nwaivers, 2, "full: two waivers");
	if (p->nwaivers == 2) {
		is_str(p->waivers[0].rule, "aws.iam.*", "full: waiver rule");
		is_str(p->waivers[0].expires, "2030-01-01",
		    "full: waiver expires");
		ok(p->waivers[1].expires == NULL,
		    "full: waiver without expires has NULL expires");
		is_str(p->waivers[1].approved_by, "carol",
		    "full: waiver approved_by");
		ok(p->waivers[0].line == 20 && p->waivers[0].col == 5,
		    "full: waiver position 20:5 (got %d:%d)",
		    p->waivers[0].line, p->waivers[0].col);
	}
	is_int(json_array_size(json_object_get(json_object_get(p->expect,
	    "nameservers"), "example.com")), 1, "full: expect.nameservers");
	is_int(json_array_size(p->critical_values), 1, "full: critical values");
	ok(json_is_object(p->freeze), "full: freeze");
	ok(json_is_object(p->notify), "full: notify");
	sha256_hex(full_policy, strlen(full_policy), sha);
	is_str(p->sha256, sha, "full: sha256 of the policy text");
	policy_free(p);
	free(dir);
}

static void
test_include(void)
{
	static const char top[] =
	    "{\"include\": [\"sub/inc.json\"],\n"
	    " \"organization\": \"Top\",\n"
	    " \"parameters\": {\"b\": 3},\n"
	    " \"sources\": [{\"name\": \"r2\", \"type\": \"rdap\", "
	    "\"domains\": []}]}\n";
	static const char base[] =
	    "{\"organization\": \"Base\",\n"
	    " \"parameters\": {\"a\": 1, \"b\": 2, \"c\": [1, 2]},\n"
	    " \"sources\": [{\"name\": \"r0\", \"type\": \"rdap\", "
	    "\"domains\": []}]}\n";
	static const char inc[] =
	    "{\"include\": \"../base.json\",\n"
	    " \"state\": {\"db\": \"x.db\"},\n"
	    " \"parameters\": {\"c\": [3]},\n"
	    " \"sources\": [{\"name\": \"r1\", \"type\": \"rdap\", "
	    "\"domains\": []}]}\n";
	struct policy	*p;
	char		*dir, *s, *all, sha[65];

	dir = xasprintf("%s/inc", tmpdir);
	mkdir(dir, 0700);
	s = xasprintf("%s/sub", dir);
	mkdir(s, 0700);
	free(s);
	s = xasprintf("%s/base.json", dir);
	write_file(s, base, 0644);
	free(s);
	s = xasprintf("%s/sub/inc.json", dir);
	write_file(s, inc, 0644);
	free(s);
	s = xasprintf("%s/p.json", dir);
	write_file(s, top, 0644);
	p = load(s);
	free(s);
	ok(p != NULL, "include: loads");
	if (p == NULL)
		goto out;
	is_str(p->organization, "Top", "include: including file overrides");
	is_int(json_integer_value(json_object_get(p->parameters, "a")), 1,
	    "include: objects merged (a kept)");
	is_int(json_integer_value(json_object_get(p->parameters, "b")), 3,
	    "include: objects merged (b overridden)");
	is_int(json_array_size(json_object_get(p->parameters, "c")), 1,
	    "include: other arrays replaced");
	is_int(p->nsources, 3, "include: sources concatenated");
	if (p->nsources == 3) {
		is_str(p->sources[0].name, "r0", "include: deepest first");
		is_str(p->sources[1].name, "r1", "include: then sub/inc.json");
		is_str(p->sources[2].name, "r2", "include: then p.json");
		s = xasprintf("%s/sub/../base.json", dir);
		is_str(p->sources[0].file, s, "include: source file recorded");
		free(s);
	}
	s = xasprintf("%s/sub/x.db", dir);
	is_str(p->db, s, "include: state.db relative to the included file");
	free(s);
	all = xasprintf("%s%s%s", base, inc, top);
	sha256_hex(all, strlen(all), sha);
	is_str(p->sha256, sha, "include: sha256 over all files in load order");
	free(all);
	policy_free(p);
 out:
	free(dir);
}

/*
 * policy_load_all() keeps a policy with errors for validate's other
 * checks; policy_where() finds values across includes; unset *_env
 * variables are warnings that name the variable, never a value.
 */
static void
test_load_all(void)
{
	struct policy	*p = NULL;
	struct diags	 d, w;
	const char	*file;
	char		*dir, *path, *got;
	int		 line, col, r;
	static const struct tfile files[] = {
		{ "p.json", "{\"include\": \"inc.json\", \"organizaton\": \"x\",\n"
		    " \"parameters\": {\"a_days\": \"30\"},\n"
		    " \"sources\": [{\"name\": \"s\", \"type\": \"aws\",\n"
		    "   \"access_key_id_env\": \"VIGIL_TEST_UNSET_ENV\",\n"
		    "   \"secret_access_key_env\": \"VIGIL_TEST_SET_ENV\"}],\n"
		    " \"rules\": {\"enable\": [\"x.*\"], \"severity\": "
		    "{\"y.z\": \"low\"}}}\n", 0 },
		{ "inc.json", "{\"parameters\": {\"b\": 1, \"a_days\": 2}}", 0 },
		{ NULL, NULL, 0 },
	};

	memset(&d, 0, sizeof(d));
	memset(&w, 0, sizeof(w));
	dir = write_case(1000, files);
	path = xasprintf("%s/p.json", dir);
	r = policy_load(path, &p, &d);
	ok(r == VGL_ERR_POLICY && p == NULL, "load: an error fails the load");
	diags_release(&d);
	r = policy_load_all(path, &p, &d);
	ok(r == VGL_ERR_POLICY && p != NULL && d.n == 1,
	    "load_all: fails, with the policy, one error");
	got = diag_str(&d, 0, dir);
	is_str(got, "p.json:1:25: unknown key 'organizaton'; did you mean "
	    "'organization'?", "load_all: the error");
	free(got);
	diags_release(&d);
	if (p == NULL)
		goto out;

	is_int(policy_where(p, "parameters/a_days", &file, &line, &col), 0,
	    "where: a parameter");
	got = xasprintf("%s:%d:%d", file + strlen(dir) + 1, line, col);
	is_str(got, "p.json:2:27", "where: at the value, in the file that "
	    "overrides");
	free(got);
	policy_where(p, "parameters/b", &file, &line, &col);
	got = xasprintf("%s:%d:%d", file + strlen(dir) + 1, line, col);
	is_str(got, "inc.json:1:22", "where: a parameter from an include");
	free(got);
	policy_where(p, "rules/enable/0", &file, &line, &col);
	got = xasprintf("%s:%d:%d", file + strlen(dir) + 1, line, col);
	is_str(got, "p.json:6:23", "where: an enable element");
	free(got);
	policy_where(p, "rules/severity/y.z", &file, &line, &col);
	got = xasprintf("%s:%d:%d", file + strlen(dir) + 1, line, col);
	is_str(got, "p.json:6:44", "where: a severity key");
	free(got);
	is_int(policy_where(p, "parameters/nope", &file, &line, &col), -1,
	    "where: not found");
	ok(strcmp(file, p->path) == 0 && line == 0 && col == 0,
	    "where: not found is the policy file");

	unsetenv("VIGIL_TEST_UNSET_ENV");
	setenv("VIGIL_TEST_SET_ENV", "s3cr3t-value", 1);
	policy_env_warnings(p, &w);
	is_int(w.n, 1, "env: one warning");
	got = diag_str(&w, 0, dir);
	is_str(got, "p.json:4:25: warning: source 's': 'access_key_id_env' "
	    "names the environment variable VIGIL_TEST_UNSET_ENV, which is "
	    "not set", "env: names the source, key and variable");
	free(got);
	diags_release(&w);
	setenv("VIGIL_TEST_SET_ENV", "", 1);
	policy_env_warnings(p, &w);
	is_int(w.n, 2, "env: an empty variable warns too");
	ok(w.n == 2 && strstr(w.v[1].msg, "which is empty") != NULL &&
	    strstr(w.v[1].msg, "s3cr3t") == NULL, "env: empty, no value");
	diags_release(&w);
	unsetenv("VIGIL_TEST_SET_ENV");
	policy_free(p);
 out:
	free(path);
	free(dir);
}

static void
test_distance(void)
{
	static const struct {
		const char	*a, *b;
		int		 d;
	} t[] = {
		{ "", "", 0 },
		{ "a", "", 1 },
		{ "", "abc", 3 },
		{ "abc", "abc", 0 },
		{ "kitten", "sitting", 3 },
		{ "tokn", "token", 1 },
		{ "flaw", "lawn", 2 },
		{ "organizaton", "organization", 1 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(policy_edit_distance(t[i].a, t[i].b), t[i].d,
		    "edit distance '%s' '%s'", t[i].a, t[i].b);
}

static void
test_missing(void)
{
	struct policy	*p = (struct policy *)1;
	struct diags	 d;
	char		*path;

	memset(&d, 0, sizeof(d));
	path = xasprintf("%s/does-not-exist.json", tmpdir);
	is_int(policy_load(path, &p, &d), VGL_ERR_POLICY,
	    "missing policy file fails");
	ok(p == NULL, "missing policy file: *out NULL");
	ok(d.n == 1 && strstr(d.v[0].msg, "cannot open") != NULL,
	    "missing policy file: one diagnostic");
	diags_release(&d);
	free(path);
	policy_free(NULL);
	ok(1, "policy_free(NULL)");
}

static void
rm_rf(const char *dir)
{
	char	*cmd;

	cmd = xasprintf("rm -rf '%s'", dir);
	if (system(cmd) != 0)
		printf("# cannot remove %s\n", dir);
	free(cmd);
}

int
main(void)
{
	char	 tmpl[] = "/tmp/vigil-test-policy.XXXXXX";
	int	 r;

	if ((tmpdir = mkdtemp(tmpl)) == NULL) {
		printf("Bail out! mkdtemp: %s\n", strerror(errno));
		return 1;
	}
	umask(022);
	policy_set_types(test_types, sizeof(test_types) /
	    sizeof(test_types[0]));
	test_distance();
	test_cases();
	test_full();
	test_include();
	test_missing();
	test_load_all();
	r = done_testing();
	rm_rf(tmpdir);
	log_clear_secrets();
	return r;
}

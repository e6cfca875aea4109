/*
 * test-drift.c: drift between two runs of an in-memory store (drift.c):
 * each case changes run 2 of a common snapshot with SQL and lists the
 * exact changes expected, one "table|source|key|change|column|old|new"
 * line each (NULL as "-"), in the order drift reports them.  Then the
 * baseline functions and drift_record.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "drift.h"
#include "source.h"
#include "store.h"
#include "vigil.h"
#include "xmalloc.h"
#include "tap.h"

/* The same snapshot as runs 1 and 2. */
static const char base_sql[] =
"INSERT INTO runs(id, started, collected_at, status, evaluated) VALUES"
" (1, '2026-11-01T00:00:00Z', '2026-11-01T00:00:00Z', 'complete', 1),"
" (2, '2026-11-02T00:00:00Z', '2026-11-02T00:00:00Z', 'complete', 1),"
" (3, '2026-11-03T00:00:00Z', '2026-11-03T00:00:00Z', 'running', 0);"
"INSERT INTO sources(run, name, type, status) VALUES"
" (1, 'reg', 'rdap', 'ok'), (2, 'reg', 'rdap', 'ok'),"
" (1, 'prod', 'aws', 'ok'), (2, 'prod', 'aws', 'ok');"
"INSERT INTO domains(run, source, domain, transfer_locked, nameservers,"
"  rdap_server, raw) VALUES"
" (1, 'reg', 'a.example', 1, '[\"ns1\"]', 'http://x/', '{}'),"
" (1, 'reg', 'b.example', 1, '[\"ns1\"]', 'http://x/', '{}'),"
" (2, 'reg', 'a.example', 1, '[\"ns1\"]', 'http://x/', '{}'),"
" (2, 'reg', 'b.example', 1, '[\"ns1\"]', 'http://x/', '{}');"
"INSERT INTO aws_iam_users(run, source, arn, user_name, is_admin,"
"  password_last_used) VALUES"
" (1, 'prod', 'arn:u/alice', 'alice', 1, '2026-11-01T00:00:00Z'),"
" (1, 'prod', 'arn:u/bob', 'bob', 0, NULL),"
" (2, 'prod', 'arn:u/alice', 'alice', 1, '2026-11-01T00:00:00Z'),"
" (2, 'prod', 'arn:u/bob', 'bob', 0, NULL);"
"INSERT INTO route53_records(run, source, zone_id, name, type, ttl, value,"
"  set_identifier, alias) VALUES"
" (1, 'prod', 'Z1', 'www.example.com', 'A', 300, '192.0.2.1', NULL, 0),"
" (1, 'prod', 'Z1', 'w.example.com', 'A', 60, '192.0.2.2', 'blue', 0),"
" (2, 'prod', 'Z1', 'www.example.com', 'A', 300, '192.0.2.1', NULL, 0),"
" (2, 'prod', 'Z1', 'w.example.com', 'A', 60, '192.0.2.2', 'blue', 0);";

static const struct {
	const char	*name;
	const char	*sql;		/* applied to run 2 */
	const char	*want;		/* run 2 against run 1 */
} cases[] = {
	{ "identical runs", "", "" },
	{ "ignored columns only (raw, rdap_server, last use)",
	  "UPDATE domains SET raw = '{\"x\":1}', rdap_server = 'http://y/' "
	  "WHERE run = 2; UPDATE aws_iam_users SET password_last_used = "
	  "'2026-11-02T00:00:00Z' WHERE run = 2", "" },
	{ "one column modified",
	  "UPDATE domains SET transfer_locked = 0 WHERE run = 2 AND "
	  "domain = 'a.example'",
	  "domains|reg|a.example|modified|transfer_locked|1|0\n" },
	{ "NULL to a value and two columns",
	  "UPDATE aws_iam_users SET is_admin = 1, password_last_used = "
	  "'2026-11-02T00:00:00Z', user_name = NULL WHERE run = 2 AND "
	  "arn = 'arn:u/bob'",
	  "aws_iam_users|prod|arn:u/bob|modified|is_admin|0|1\n"
	  "aws_iam_users|prod|arn:u/bob|modified|user_name|bob|-\n" },
	{ "added and removed rows carry the row as JSON",
	  "DELETE FROM domains WHERE run = 2 AND domain = 'b.example'; "
	  "INSERT INTO domains(run, source, domain, transfer_locked, "
	  "nameservers) VALUES (2, 'reg', 'c.example', 0, '[]')",
	  "domains|reg|b.example|removed|-|{\"domain\":\"b.example\","
	  "\"registrar\":null,\"registrar_iana_id\":null,\"status\":null,"
	  "\"transfer_locked\":1,\"update_locked\":null,\"delete_locked\":"
	  "null,\"expires\":null,\"registered\":null,\"last_changed\":null,"
	  "\"nameservers\":\"[\\\"ns1\\\"]\",\"dnssec_signed\":null,"
	  "\"lookup\":null}|-\n"
	  "domains|reg|c.example|added|-|-|{\"domain\":\"c.example\","
	  "\"registrar\":null,\"registrar_iana_id\":null,\"status\":null,"
	  "\"transfer_locked\":0,\"update_locked\":null,\"delete_locked\":"
	  "null,\"expires\":null,\"registered\":null,\"last_changed\":null,"
	  "\"nameservers\":\"[]\",\"dnssec_signed\":null,\"lookup\":null}\n" },
	{ "a value in the key: removed + added; NULL key parts left out",
	  "UPDATE route53_records SET value = '192.0.2.9' WHERE run = 2 AND "
	  "name = 'www.example.com'; UPDATE route53_records SET ttl = 30 "
	  "WHERE run = 2 AND name = 'w.example.com'",
	  "route53_records|prod|Z1/w.example.com/A/192.0.2.2/blue|modified|"
	  "ttl|60|30\n"
	  "route53_records|prod|Z1/www.example.com/A/192.0.2.1|removed|-|"
	  "{\"zone_id\":\"Z1\",\"name\":\"www.example.com\",\"type\":\"A\","
	  "\"ttl\":300,\"value\":\"192.0.2.1\",\"set_identifier\":null,"
	  "\"alias\":0,\"account_id\":null}|-\n"
	  "route53_records|prod|Z1/www.example.com/A/192.0.2.9|added|-|-|"
	  "{\"zone_id\":\"Z1\",\"name\":\"www.example.com\",\"type\":\"A\","
	  "\"ttl\":300,\"value\":\"192.0.2.9\",\"set_identifier\":null,"
	  "\"alias\":0,\"account_id\":null}\n" },
	{ "the source is part of the key (key, then source)",
	  "UPDATE domains SET source = 'reg2' WHERE run = 2 AND domain = "
	  "'a.example'; INSERT INTO sources(run, name, type, status) VALUES "
	  "(2, 'reg2', 'rdap', 'ok')",
	  "domains|reg|a.example|removed|-|{\"domain\":\"a.example\","
	  "\"registrar\":null,\"registrar_iana_id\":null,\"status\":null,"
	  "\"transfer_locked\":1,\"update_locked\":null,\"delete_locked\":"
	  "null,\"expires\":null,\"registered\":null,\"last_changed\":null,"
	  "\"nameservers\":\"[\\\"ns1\\\"]\",\"dnssec_signed\":null,"
	  "\"lookup\":null}|-\n"
	  "domains|reg2|a.example|added|-|-|{\"domain\":\"a.example\","
	  "\"registrar\":null,\"registrar_iana_id\":null,\"status\":null,"
	  "\"transfer_locked\":1,\"update_locked\":null,\"delete_locked\":"
	  "null,\"expires\":null,\"registered\":null,\"last_changed\":null,"
	  "\"nameservers\":\"[\\\"ns1\\\"]\",\"dnssec_signed\":null,"
	  "\"lookup\":null}\n" },
	{ "a failed source is not compared",
	  "UPDATE sources SET status = 'failed' WHERE run = 2 AND name = "
	  "'reg'; DELETE FROM domains WHERE run = 2", "" },
	{ "a source not collected in the run is not compared",
	  "DELETE FROM sources WHERE run = 2 AND name = 'prod'; "
	  "DELETE FROM aws_iam_users WHERE run = 2", "" },
	{ "duplicate rows count once",
	  "INSERT INTO domains(run, source, domain, transfer_locked, "
	  "nameservers, rdap_server, raw) SELECT run, source, domain, "
	  "transfer_locked, nameservers, rdap_server, raw FROM domains "
	  "WHERE run = 2", "" },
};

static struct store *
fresh(void)
{
	struct store	*st = NULL;
	char		*err = NULL;

	if (store_open(NULL, STORE_MEMORY, &st) != 0)
		return NULL;
	if (sqlite3_exec(st->db, base_sql, NULL, NULL, &err) != SQLITE_OK) {
		fprintf(stderr, "# base: %s\n", err);
		sqlite3_free(err);
	}
	return st;
}

static void
put(struct buf *b, json_t *v)
{
	if (json_is_null(v) || v == NULL)
		buf_puts(b, "-");
	else if (json_is_string(v))
		buf_puts(b, json_string_value(v));
	else if (json_is_integer(v))
		buf_printf(b, "%lld", (long long)json_integer_value(v));
	else
		buf_puts(b, "?");
}

/* The changes array as lines. */
static char *
lines(json_t *arr)
{
	static const char *const keys[] = { "table", "source", "key",
	    "change", "column", "old", "new" };
	struct buf	 b;
	json_t		*c;
	size_t		 i, k;

	buf_init(&b, 0);
	buf_puts(&b, "");
	json_array_foreach(arr, i, c) {
		for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
			if (k > 0)
				buf_puts(&b, "|");
			put(&b, json_object_get(c, keys[k]));
		}
		buf_puts(&b, "\n");
	}
	return buf_detach(&b, NULL);
}

static void
test_cases(void)
{
	struct store	*st;
	json_t		*arr;
	char		*got, *err = NULL, *skipped = NULL;
	size_t		 i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if ((st = fresh()) == NULL) {
			ok(0, "%s: store opens", cases[i].name);
			continue;
		}
		if (sqlite3_exec(st->db, cases[i].sql, NULL, NULL, &err) !=
		    SQLITE_OK) {
			ok(0, "%s: case SQL: %s", cases[i].name, err);
			sqlite3_free(err);
			err = NULL;
		}
		is_int(drift_compute(st->db, 2, 1, 0, &skipped), 0,
		    "%s: computes", cases[i].name);
		arr = drift_computed_json(st->db, 2);
		got = lines(arr);
		is_str(got, cases[i].want, "%s: exact changes",
		    cases[i].name);
		free(got);
		json_decref(arr);
		free(skipped);
		skipped = NULL;
		store_close(st);
	}
}

static void
test_skipped(void)
{
	struct store	*st;
	char		*skipped = NULL;

	if ((st = fresh()) == NULL)
		return;
	sqlite3_exec(st->db, "UPDATE sources SET status = 'failed' WHERE "
	    "run = 1 AND name = 'reg'; DELETE FROM sources WHERE run = 2 AND "
	    "name = 'prod'", NULL, NULL, NULL);
	is_int(drift_compute(st->db, 2, 1, 0, &skipped), 0,
	    "skipped: computes");
	is_str(skipped != NULL ? skipped : "(null)", "prod, reg",
	    "failed in the baseline or not collected: both named");
	free(skipped);
	skipped = NULL;
	sqlite3_exec(st->db, "UPDATE sources SET status = 'ok'; INSERT INTO "
	    "sources(run, name, type, status) VALUES (2, 'prod', 'aws', 'ok')",
	    NULL, NULL, NULL);
	drift_compute(st->db, 2, 1, 0, &skipped);
	ok(skipped == NULL, "nothing skipped when every source is ok");
	free(skipped);
	store_close(st);
}

static void
test_baselines(void)
{
	struct store	*st;
	struct baseline	 b;
	json_t		*arr;
	long long	 id = 0;
	char		*got;

	if ((st = fresh()) == NULL)
		return;
	is_int(drift_baseline(st->db, &b), 0, "baseline: none yet reads");
	is_int((int)b.id, 0, "baseline: none yet");
	is_int(drift_accept(st, 1, "alice", "", &id), VGL_ERR_USAGE,
	    "accept refuses an empty note");
	is_int(drift_accept(st, 1, "", "x", &id), VGL_ERR_USAGE,
	    "accept refuses an empty name");
	is_int(drift_accept(st, 3, "alice", "x", &id), VGL_ERR_NOTFOUND,
	    "accept refuses a run that is not committed");
	is_int(drift_accept(st, 9, "alice", "x", &id), VGL_ERR_NOTFOUND,
	    "accept refuses an unknown run");

	/* No baseline: drift_record leaves no changes. */
	sqlite3_exec(st->db, "INSERT INTO changes(run, key) VALUES (2, 'old')",
	    NULL, NULL, NULL);
	is_int(drift_record(st, 2), 0, "record without a baseline");
	arr = drift_changes_json(st->db, 2);
	is_int((int)json_array_size(arr), 0,
	    "without a baseline, the run's old changes are deleted");
	json_decref(arr);

	is_int(drift_accept(st, 1, "alice", "CHG-1", &id), 0, "accept run 1");
	is_int((int)id, 1, "first baseline id");
	drift_baseline(st->db, &b);
	ok(b.id == 1 && b.run == 1 && strcmp(b.accepted_by, "alice") == 0 &&
	    strcmp(b.note, "CHG-1") == 0 && strlen(b.accepted_at) == 20,
	    "baseline read back: run, who, why, when");
	drift_baseline_release(&b);

	sqlite3_exec(st->db, "UPDATE domains SET transfer_locked = 0 WHERE "
	    "run = 2 AND domain = 'b.example'", NULL, NULL, NULL);
	is_int(drift_record(st, 2), 0, "record against the baseline");
	arr = drift_changes_json(st->db, 2);
	got = lines(arr);
	is_str(got, "domains|reg|b.example|modified|transfer_locked|1|0\n",
	    "the run's changes are stored");
	ok(json_integer_value(json_object_get(json_array_get(arr, 0),
	    "baseline_run")) == 1, "with the baseline run");
	free(got);
	json_decref(arr);
	is_int(drift_record(st, 2), 0, "record again");
	arr = drift_changes_json(st->db, 2);
	is_int((int)json_array_size(arr), 1, "recording replaces, not adds");
	json_decref(arr);

	is_int(drift_accept(st, 2, "bob", "CHG-2", &id), 0, "accept run 2");
	drift_baseline(st->db, &b);
	ok(b.id == 2 && b.run == 2, "the latest accepted is current");
	drift_baseline_release(&b);
	is_int(drift_record(st, 2), 0, "record the baseline run itself");
	arr = drift_changes_json(st->db, 2);
	is_int((int)json_array_size(arr), 0, "the baseline run has no drift");
	json_decref(arr);
	is_int(drift_record(st, 1), 0, "record an older run");
	arr = drift_changes_json(st->db, 1);
	got = lines(arr);
	is_str(got, "domains|reg|b.example|modified|transfer_locked|0|1\n",
	    "an older run is compared with the current baseline");
	free(got);
	json_decref(arr);

	/* The rules' view of the run. */
	store_use_run(st->db, 1);
	{
		sqlite3_stmt	*s;
		int		 n = -1;

		if (sqlite3_prepare_v2(st->db, "SELECT count(*) FROM changes "
		    "WHERE column_name = 'transfer_locked'", -1, &s, NULL) ==
		    SQLITE_OK) {
			if (sqlite3_step(s) == SQLITE_ROW)
				n = sqlite3_column_int(s, 0);
			sqlite3_finalize(s);
		}
		is_int(n, 1, "store_use_run gives a changes view");
	}
	store_close(st);
}

int
main(void)
{
	/* The store creates the providers' tables (store_set_types). */
	source_register_types();
	test_cases();
	test_skipped();
	test_baselines();
	return done_testing();
}

/*
 * test-util.c: severities, ISO-8601 parsing and formatting, SHA-256.
 */
#include "config.h"

#include <string.h>

#include "util.h"
#include "vigil.h"
#include "tap.h"

static const struct {
	const char	*in;
	int		 ok;
	long long	 t;
} times[] = {
	{ "1970-01-01T00:00:00Z", 0, 0 },
	{ "2026-11-23T18:04:36Z", 0, 1795457076 },
	{ "2026-11-23", 0, 1795392000 },
	{ "2026-11-23T18:04:36.123Z", 0, 1795457076 },
	{ "2026-11-23T20:04:36+02:00", 0, 1795457076 },
	{ "2026-11-23T13:04:36-0500", 0, 1795457076 },
	{ "2026-11-23T18:04Z", 0, 1795457040 },
	{ "2026-13-01", -1, 0 },
	{ "2026-11-23T25:00:00Z", -1, 0 },
	{ "yesterday", -1, 0 },
	{ "2026-11-23Tjunk", -1, 0 },
	{ "", -1, 0 },
	{ "2026-11-23T18:04:36Z trailing", -1, 0 },
};

int
main(void)
{
	char		 out[65];
	long long	 t;
	size_t		 i;

	is_int(severity_parse("critical"), SEV_CRITICAL, "critical");
	is_int(severity_parse("HIGH"), SEV_HIGH, "case-insensitive");
	is_int(severity_parse("info"), SEV_INFO, "info");
	is_int(severity_parse("severe"), -1, "unknown severity");
	is_int(severity_parse(NULL), -1, "NULL severity");
	is_str(severity_name(SEV_MEDIUM), "medium", "name of medium");
	is_str(severity_name(9), "unknown", "name out of range");

	for (i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
		t = -1;
		int r = iso8601_parse(times[i].in, &t);
		is_int(r, times[i].ok, "parse '%s' result", times[i].in);
		if (times[i].ok == 0)
			is_int(t, times[i].t, "parse '%s' value", times[i].in);
	}
	iso8601_utc(1795457076, out, sizeof(out));
	is_str(out, "2026-11-23T18:04:36Z", "format");

	sha256_hex("", 0, out);
	is_str(out, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	    "sha256 of empty");
	sha256_hex("abc", 3, out);
	is_str(out, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
	    "sha256 of abc");
	is_int(sha256_file_hex("/nonexistent", out), VGL_ERR_IO,
	    "sha256 of a missing file");
	{
		const unsigned char raw[] = { 0x00, 0x7f, 0xab, 0xff };

		hex_encode(raw, sizeof(raw), out);
		is_str(out, "007fabff", "hex_encode");
	}
	is_int(hex_value('7'), 7, "hex_value digit");
	is_int(hex_value('c'), 12, "hex_value lower");
	is_int(hex_value('F'), 15, "hex_value upper");
	is_int(hex_value('g'), -1, "hex_value not hex");
	is_str(vgl_err(VGL_ERR_LOCKED), "store is locked by another run",
	    "error text");
	{
		double	 t0, t1, u;
		int	 k, in = 1;

		t0 = mono_now();
		sleep_s(0.05);
		sleep_s(-1);
		t1 = mono_now();
		ok(t1 - t0 >= 0.05 && t1 - t0 < 5,
		    "sleep_s waits its time on the monotonic clock");
		for (k = 0; k < 1000; k++) {
			u = rand_unit();
			if (!(u >= 0 && u < 1))
				in = 0;
		}
		ok(in, "rand_unit stays in [0, 1)");
	}
	{
		struct rules_digest	 rd;
		char			 want[65], got[65];

		rules_digest_init(&rd);
		rules_digest_end(&rd, got);
		sha256_hex("", 0, want);
		is_str(got, want, "rules digest of no rule file");
		rules_digest_init(&rd);
		rules_digest_add(&rd, "aws.a", "11");
		rules_digest_add(&rd, "dns.b", "22");
		rules_digest_end(&rd, got);
		sha256_hex("aws.a 11\ndns.b 22\n", 18, want);
		is_str(got, want, "rules digest: \"ID SHA256\\n\" per file, in order");
	}
	return done_testing();
}

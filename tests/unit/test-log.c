/*
 * test-log.c: redaction of registered secrets in strings and log lines.
 */
#include "config.h"

#include <stdlib.h>
#include <unistd.h>

#include "log.h"
#include "tap.h"

static const struct {
	const char	*in;
	const char	*out;
} cases[] = {
	{ "nothing secret", "nothing secret" },
	{ "token=s3cr3t-value", "token=[REDACTED]" },
	{ "s3cr3t-values3cr3t-value", "[REDACTED][REDACTED]" },
	{ "Authorization: Bearer abcd.efgh.ijkl tail",
	  "Authorization: Bearer [REDACTED] tail" },
	{ "overlap: s3cr3t-value-longer", "overlap: [REDACTED]" },
	{ "", "" },
};

int
main(void)
{
	char	*r, path[] = "/tmp/vigil-test-log.XXXXXX", line[512];
	size_t	 i;
	FILE	*f;
	int	 fd, saved, found;

	log_add_secret("s3cr3t-value");
	log_add_secret("abcd.efgh.ijkl");
	log_add_secret("s3cr3t-value-longer");
	log_add_secret("abc");	/* too short to redact safely: ignored */
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		r = log_redact(cases[i].in);
		is_str(r, cases[i].out, "redact '%s'", cases[i].in);
		free(r);
	}
	r = log_redact("abc stays");
	is_str(r, "abc stays", "secrets under 4 bytes are not registered");
	free(r);
	ok(log_redact(NULL) == NULL, "NULL in, NULL out");

	/* A log line goes through the same redaction. */
	fd = mkstemp(path);
	saved = dup(2);
	dup2(fd, 2);
	log_set_level(LOG_INFO);
	log_info("calling with key s3cr3t-value now");
	log_debug("debug is below the level: s3cr3t-value");
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fdopen(fd, "r");
	rewind(f);
	found = 0;
	i = 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		i++;
		/* Not a terminal: an ISO-8601 UTC timestamp leads. */
		ok(strlen(line) > 21 && line[4] == '-' && line[7] == '-' &&
		    line[10] == 'T' && line[13] == ':' && line[16] == ':' &&
		    line[19] == 'Z' && strncmp(line + 20, " vigil: ", 8) == 0,
		    "a log line to a file starts with an ISO-8601 time: %s",
		    line);
		if (strstr(line, "s3cr3t") != NULL)
			found = 1;
	}
	fclose(f);
	unlink(path);
	is_int(i, 1, "one line logged (debug filtered)");
	ok(!found, "the secret is not in the log");
	log_clear_secrets();
	r = log_redact("s3cr3t-value");
	is_str(r, "s3cr3t-value", "cleared secrets are forgotten");
	free(r);
	return done_testing();
}

/*
 * report-text.c: the terminal summary of a run.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "report.h"
#include "util.h"
#include "vigil.h"

/*
 * Provider-supplied text is printed with control characters (escape
 * sequences, carriage returns) shown as '?', so that a hostile name
 * cannot rewrite the operator's terminal.
 */
static const char *
safe(const char *s, char *out, size_t len)
{
	size_t	 i;

	for (i = 0; s[i] != '\0' && i + 1 < len; i++)
		out[i] = ((unsigned char)s[i] < 0x20 || s[i] == 0x7f) ?
		    '?' : s[i];
	out[i] = '\0';
	return out;
}

static const char *
str(json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/*
 * Findings (fail and error) per account (a finding's account_id, see
 * source_type.finding_account), when the findings span more than one
 * account.
 */
static void
by_account(json_t *doc, FILE *out)
{
	json_t		*acc = json_object(), *v, *c;
	const char	*id, *st;
	size_t		 i;

	json_array_foreach(json_object_get(doc, "findings"), i, v) {
		id = json_string_value(json_object_get(v, "account_id"));
		st = json_string_value(json_object_get(v, "status"));
		if (id == NULL || st == NULL || (strcmp(st, "fail") != 0 &&
		    strcmp(st, "error") != 0))
			continue;
		if ((c = json_object_get(acc, id)) == NULL) {
			c = json_pack("{s:i, s:i}", "fail", 0, "error", 0);
			json_object_set_new(acc, id, c);
		}
		json_object_set_new(c, st, json_integer(json_integer_value(
		    json_object_get(c, st)) + 1));
	}
	/* Counts over a shortened list would mislead: only a full one. */
	if (json_object_size(acc) > 1 && json_integer_value(json_object_get(
	    doc, "findings_omitted")) == 0) {
		fprintf(out, "by account:\n");
		json_object_foreach(acc, id, c)
			fprintf(out, "  %-14s %5lld failed, %lld errors\n", id,
			    (long long)json_integer_value(json_object_get(c,
			    "fail")), (long long)json_integer_value(
			    json_object_get(c, "error")));
	}
	json_decref(acc);
}

static int
text_render(json_t *doc, FILE *out)
{
	json_t		*run, *sum, *v;
	size_t		 i, nshown = 0;
	long long	 nerr = 0, omitted, errors;
	int		 sev;

	run = json_object_get(doc, "run");
	fprintf(out, "vigil report: %s, run %lld (%s), collected %s\n",
	    str(doc, "organization"),
	    (long long)json_integer_value(json_object_get(run, "id")),
	    str(run, "status"), str(run, "collected_at"));
	fprintf(out, "\nsources:\n");
	json_array_foreach(json_object_get(doc, "sources"), i, v) {
		char err[1024];

		fprintf(out, "  %-20s %-7s %6lld resources %5lld requests%s%s\n",
		    str(v, "name"), str(v, "status"),
		    (long long)json_integer_value(json_object_get(v,
		    "resources")),
		    (long long)json_integer_value(json_object_get(v,
		    "requests")),
		    json_is_string(json_object_get(v, "error")) ? "  " : "",
		    safe(str(v, "error"), err, sizeof(err)));
	}
	sum = json_object_get(doc, "summary");
	fprintf(out, "\nfindings:");
	for (sev = SEV_CRITICAL; sev >= SEV_INFO; sev--)
		fprintf(out, " %lld %s%s", (long long)json_integer_value(
		    json_object_get(sum, severity_name(sev))),
		    severity_name(sev), sev > SEV_INFO ? "," : "");
	fprintf(out, "; %lld new, %lld waived, %lld errors\n",
	    (long long)json_integer_value(json_object_get(sum, "new")),
	    (long long)json_integer_value(json_object_get(sum, "waived")),
	    (long long)json_integer_value(json_object_get(sum, "errors")));
	/* A failed source is one line, not one error finding per rule. */
	json_array_foreach(json_object_get(doc, "sources"), i, v) {
		char err[1024];
		long long nb;

		if (strcmp(str(v, "status"), "failed") != 0)
			continue;
		nb = (long long)json_integer_value(json_object_get(v,
		    "rules_blinded"));
		fprintf(out, "%sSOURCE FAILED %s: %s (%lld rule%s not "
		    "checked)\n", nshown++ == 0 ? "\n" : "", str(v, "name"),
		    safe(*str(v, "error") != '\0' ? str(v, "error") : "failed",
		    err, sizeof(err)), nb, nb == 1 ? "" : "s");
	}
	nshown = 0;
	by_account(doc, out);
	json_array_foreach(json_object_get(doc, "findings"), i, v) {
		const char *status = str(v, "status");

		if (strcmp(status, "error") == 0) {
			nerr++;
			continue;
		}
		if (nshown++ == 0)
			fputc('\n', out);
		char res[512], det[1024];

		fprintf(out, "  %-8s %-6s %s %s: %s\n",
		    strcmp(status, "fail") == 0 ? str(v, "severity") : status,
		    json_is_true(json_object_get(v, "new")) ? "new" : "",
		    str(v, "rule"), safe(str(v, "resource"), res, sizeof(res)),
		    safe(str(v, "detail"), det, sizeof(det)));
	}
	/* Errors come last in a shortened list: those left out are errors. */
	omitted = (long long)json_integer_value(json_object_get(doc,
	    "findings_omitted"));
	errors = (long long)json_integer_value(json_object_get(sum,
	    "errors"));
	if (omitted > 0 && omitted > errors - nerr)
		fprintf(out, "  ... and %lld more: 'vigil report --format text' "
		    "lists them all\n", omitted - (errors - nerr));
	fprintf(out, "\nchain hash: %s\n", str(run, "chain_hash"));
	return ferror(out) ? VGL_ERR_IO : 0;
}

const struct report_format report_text = {
	.name = "text",
	.render = text_render,
};

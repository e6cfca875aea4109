/*
 * report-csv.c: one finding per row (docs/report-csv.md).
 *
 * RFC 4180: CRLF line ends, a header line, a field quoted when it holds a
 * comma, a double quote, CR or LF, with quotes doubled.  Against formula
 * injection in spreadsheets, a text field that begins with '=', '+', '-',
 * '@', a tab or CR gets a leading single quote.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "report.h"
#include "vigil.h"

static const char *const csv_columns[] = {
	"run", "rule", "title", "severity", "provider", "source", "status",
	"resource", "detail", "new", "waiver_reason", "waiver_approved_by",
	"waiver_expires", NULL
};

static void
csv_field(FILE *out, const char *s, int first)
{
	const char	*p;
	int		 guard;

	if (!first)
		fputc(',', out);
	guard = s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
	if (!guard && strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	if (guard)
		fputc('\'', out);
	for (p = s; *p != '\0'; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	fputc('"', out);
}

/* A member as text: strings as is, integers in decimal, null as "". */
static void
csv_value(FILE *out, json_t *v)
{
	char	 b[32];

	if (json_is_integer(v)) {
		snprintf(b, sizeof(b), "%lld",
		    (long long)json_integer_value(v));
		csv_field(out, b, 0);
	} else if (json_is_boolean(v))
		csv_field(out, json_is_true(v) ? "true" : "false", 0);
	else
		csv_field(out, json_is_string(v) ? json_string_value(v) : "",
		    0);
}

static int
csv_render(json_t *doc, FILE *out)
{
	json_t		*f, *w, *run;
	size_t		 i;
	char		 b[32];

	for (i = 0; csv_columns[i] != NULL; i++)
		csv_field(out, csv_columns[i], i == 0);
	fputs("\r\n", out);
	run = json_object_get(json_object_get(doc, "run"), "id");
	snprintf(b, sizeof(b), "%lld", (long long)json_integer_value(run));
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		w = json_object_get(f, "waiver");
		csv_field(out, b, 1);
		csv_value(out, json_object_get(f, "rule"));
		csv_value(out, json_object_get(f, "title"));
		csv_value(out, json_object_get(f, "severity"));
		csv_value(out, json_object_get(f, "provider"));
		csv_value(out, json_object_get(f, "source"));
		csv_value(out, json_object_get(f, "status"));
		csv_value(out, json_object_get(f, "resource"));
		csv_value(out, json_object_get(f, "detail"));
		csv_value(out, json_object_get(f, "new"));
		csv_value(out, json_object_get(w, "reason"));
		csv_value(out, json_object_get(w, "approved_by"));
		csv_value(out, json_object_get(w, "expires"));
		fputs("\r\n", out);
	}
	return ferror(out) ? VGL_ERR_IO : 0;
}

const struct report_format report_csv = {
	.name = "csv",
	.render = csv_render,
};

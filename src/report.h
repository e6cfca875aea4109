/*
 * report.h: rendering a stored run.  report_build() produces the
 * vigil.report/1 document (docs/report-json.md); every format renders
 * from that one model.
 */
#ifndef REPORT_H
#define REPORT_H

#include <stdio.h>

#include <jansson.h>

#include "rules.h"
#include "store.h"

#define REPORT_SCHEMA	"vigil.report/1"

/*
 * Builds the report of run from the store.  rs (may be NULL) supplies
 * remediation and framework references.  max_findings < 0 includes every
 * finding; otherwise at most that many, most severe first, and the
 * document says how many were left out ("findings_omitted"), so that a
 * terminal summary of a large organisation stays small.  The summary
 * always counts every finding.  Returns NULL on a store error.
 */
json_t	*report_build(struct store *, long long run, const struct ruleset *,
	    long max_findings);

/* Past runs in the document's "history" (the HTML trend chart). */
#define REPORT_HISTORY_RUNS	30

/* Findings shown in the terminal summary of audit and evaluate. */
#define REPORT_SUMMARY_FINDINGS	50

struct report_format {
	const char	*name;
	int		(*render)(json_t *doc, FILE *out);
};

extern const struct report_format report_csv;
extern const struct report_format report_html;
extern const struct report_format report_json;
extern const struct report_format report_ocsf;
extern const struct report_format report_text;

/* The format named name, or NULL (lists the known ones in *known). */
const struct report_format *report_format_find(const char *name);
const char *report_format_names(void);

/*
 * A copy of s (free() it) that is valid UTF-8: invalid or overlong
 * sequences, surrogates, noncharacters and C1 controls become U+FFFD.
 * With pictures, C0 controls other than tab and newline, and DEL, become
 * their control pictures (U+2400 + c, U+2421), so that an escape sequence
 * in a provider string is visible in HTML instead of hidden.
 */
char	*report_utf8(const char *s, int pictures);

/* Renders doc in format to path ("-" or NULL: stdout), mode 0600. */
int	 report_write(const struct report_format *, json_t *doc,
	    const char *path);

#endif

/*
 * report-json.c: the vigil.report/1 JSON document (docs/report-json.md).
 */
#include "config.h"

#include <stdio.h>

#include "report.h"
#include "vigil.h"

static int
json_render(json_t *doc, FILE *out)
{
	if (json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
		return VGL_ERR_IO;
	fputc('\n', out);
	return ferror(out) ? VGL_ERR_IO : 0;
}

const struct report_format report_json = {
	.name = "json",
	.render = json_render,
};

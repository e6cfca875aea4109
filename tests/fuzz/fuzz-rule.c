/*
 * fuzz-rule.c: rule file headers (rule_parse: `-- key: value` lines,
 * parameters and their JSON defaults, the statement's position).
 */
#include "config.h"
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "fuzz.h"
#include "rules.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		*text = fuzz_strndup(data, size);
	struct rule	 r;
	struct diags	 d = { 0 };

	memset(&r, 0, sizeof(r));
	rule_parse("fuzz.sql", text, &r, &d);
	rule_release(&r);
	diags_release(&d);
	free(text);
	return 0;
}

/*
 * fuzz-policy.c: the policy file parser (policy_load: JSON with
 * FILE:LINE:COL positions, key checks, includes, waivers, pins).  The
 * input is written as a policy file in a scratch directory and loaded.
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "fuzz.h"
#include "policy.h"
#include "source.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char		 path[4200];
	struct policy	*p = NULL;
	struct diags	 d = { 0 };

	source_register_types();
	snprintf(path, sizeof(path), "%s/policy.json", fuzz_tmpdir());
	if (fuzz_write(path, data, size) != 0)
		abort();
	if (policy_load(path, &p, &d) == 0)
		policy_free(p);
	diags_release(&d);
	return 0;
}

/*
 * ssm-get.c: test driver for aws_ssm_get_parameter(), the SSM reader that
 * critical values use.  Usage: ssm-get POLICY SOURCE NAME.  Prints the
 * value and exits 0, or prints the error and exits 1.  Used by
 * tests/integration/aws.sh against the fake AWS.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "aws/aws.h"
#include "diag.h"
#include "http.h"
#include "log.h"
#include "policy.h"
#include "source.h"
#include "xmalloc.h"

int
main(int argc, char **argv)
{
	struct policy			*p = NULL;
	const struct policy_source	*ps;
	struct diags			 d = { 0 };
	struct http_opts		 o;
	struct http_client		*c;
	char				*value = NULL, *err = NULL;
	int				 r;

	if (argc != 4) {
		fprintf(stderr, "usage: ssm-get POLICY SOURCE NAME\n");
		return 2;
	}
	http_global_init();
	source_register_types();
	if (policy_load(argv[1], &p, &d) != 0) {
		diags_print(&d);
		diags_release(&d);
		return 2;
	}
	if ((ps = policy_source_find(p, argv[2])) == NULL) {
		fprintf(stderr, "ssm-get: no source '%s'\n", argv[2]);
		policy_free(p);
		return 2;
	}
	source_http_opts(ps, NULL, &o);
	c = http_client_new(&o);
	r = aws_ssm_get_parameter(p, ps, c, argv[3], 1, &value, &err);
	if (r == 0)
		printf("%s\n", value);
	else
		printf("error: %s\n", err != NULL ? err : "unknown");
	printf("requests: %ld\n", http_client_requests(c));
	freestr_secret(value);
	free(err);
	http_client_free(c);
	policy_free(p);
	log_clear_secrets();
	http_global_cleanup();
	return r == 0 ? 0 : 1;
}

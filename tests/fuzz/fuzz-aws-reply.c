/*
 * fuzz-aws-reply.c: the AWS reply parsers exposed by aws/collect.c: the
 * error body (Query/REST XML and JSON 1.1), the credential report CSV,
 * the SSM GetParameter JSON 1.1 reply and IAM/report times.  Every input
 * goes through each of them.
 */
#include "config.h"
#include <stdlib.h>

#include <jansson.h>

#include "aws/aws.h"
#include "fuzz.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char	*body = (const char *)data;
	char		*s = fuzz_strndup(data, size);
	char		*code = NULL, *msg = NULL, *err = NULL, *val = NULL;
	json_t		*rows = NULL;

	if (aws_error_parse(body, size, NULL, &code, &msg) == 0) {
		free(code);
		free(msg);
	}
	code = msg = NULL;
	if (aws_error_parse(body, size, "com.amazon#Fuzz:http://x", &code,
	    &msg) == 0) {
		free(code);
		free(msg);
	}
	if (aws_credential_report_parse(body, size, &rows, &err) == 0)
		json_decref(rows);
	else
		free(err);
	err = NULL;
	if (aws_ssm_parse_parameter(body, size, &val, &err) == 0)
		free(val);
	else
		free(err);
	free(aws_iso_time(s));
	free(s);
	return 0;
}

/*
 * aws/ssm.c: the SSM parameter reader of aws.h (critical values, SPEC 7)
 * and its reply parser.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "aws/aws.h"
#include "aws/aws-int.h"
#include "log.h"
#include "aws/sigv4.h"
#include "source.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"


int
aws_ssm_parse_parameter(const char *body, size_t len, char **value,
    char **error)
{
	json_t		*j, *v;
	json_error_t	 je;

	*value = *error = NULL;
	if ((j = json_loadb(body != NULL ? body : "", len, 0, &je)) == NULL) {
		*error = xasprintf("malformed SSM JSON at line %d column "
		    "%d: %s", je.line, je.column, je.text);
		return -1;
	}
	v = json_object_get(json_object_get(j, "Parameter"), "Value");
	if (!json_is_string(v)) {
		*error = xstrdup("SSM reply has no Parameter.Value");
		json_decref(j);
		return -1;
	}
	*value = xstrdup(json_string_value(v));
	json_decref(j);
	return 0;
}

/* ---- SSM ---------------------------------------------------------------- */

/*
 * Registers a decrypted parameter value for redaction before the HTTP
 * layer records the exchange: it may be a secret.
 */
static void
ssm_value_seen(struct http_req *q, void *arg)
{
	char	*v = NULL, *why = NULL;

	(void)arg;
	if (q->status == 200 && aws_ssm_parse_parameter(q->resp.data,
	    q->resp.len, &v, &why) == 0)
		log_add_secret(v);
	freestr_secret(v);
	free(why);
}

int
aws_ssm_get_parameter(const struct policy *pol,
    const struct policy_source *ps, struct http_client *http,
    const char *name, int secret, char **value, char **error)
{
	struct aws	 a;
	struct http_req	*q = NULL;
	json_t		*b;
	char		*why = NULL;
	int		 r;

	(void)pol;
	*value = *error = NULL;
	if ((r = aws_init(&a, ps, http, &why)) != 0)
		goto out;
	b = json_pack("{s:s, s:b}", "Name", name, "WithDecryption", 1);
	q = json_req(&a, SVC_SSM, SSM_TARGET, "GetParameter", b);
	if (secret)
		q->on_response = ssm_value_seen;
	http_do(http, q);
	if ((why = req_failure(q, "GetParameter", NULL)) != NULL) {
		r = VGL_ERR_PROVIDER;
		goto out;
	}
	if (aws_ssm_parse_parameter(q->resp.data, q->resp.len, value,
	    &why) != 0) {
		r = VGL_ERR_PARSE;
		goto out;
	}
	if (secret)
		log_add_secret(*value);
 out:
	if (r != 0) {
		*error = log_redact(why != NULL ? why : vgl_err(r));
		free(why);
	}
	http_req_free(q);
	aws_release(&a);
	return r;
}

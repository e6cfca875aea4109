/*
 * dns/critical.c: the "dns" critical value (SPEC section 7): the answer
 * set of one lookup (dns_answer_set), read by critical.c, which records
 * and replays the answers in DIR/critical_values.dns.json.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "buf.h"
#include "dns/dns.h"
#include "policy.h"
#include "source.h"
#include "xmalloc.h"

static const char *const dns_pin_keys[] = {
	"name", "rrtype", "nameserver", "timeout_s", NULL
};

static int
dns_pin_read(const struct policy *p, json_t *src, struct http_client *http,
    int secret, char **value, char **error)
{
	const struct policy_source *ps = NULL;
	const char	*ns;
	char		**vals = NULL;
	size_t		 i, n = 0;
	struct buf	 b;
	double		 t;
	int		 r;

	(void)http;
	(void)secret;
	*value = *error = NULL;
	if ((ns = json_string_value(json_object_get(src, "nameserver"))) ==
	    NULL) {
		for (i = 0; ps == NULL && i < p->nsources; i++)
			if (strcmp(p->sources[i].type, "dns") == 0)
				ps = &p->sources[i];
		ns = ps != NULL ? policy_source_str(ps, "nameserver", NULL) :
		    NULL;
	}
	t = json_number_value(json_object_get(src, "timeout_s"));
	if (t <= 0)
		t = ps != NULL ? policy_source_num(ps, "timeout_s", 5) : 5;
	if ((r = dns_answer_set(ns, t, json_string_value(json_object_get(src,
	    "name")), json_string_value(json_object_get(src, "rrtype")),
	    &vals, &n, error)) != 0)
		return r;
	buf_init(&b, 0);
	for (i = 0; i < n; i++) {
		buf_printf(&b, "%s%s", i > 0 ? "," : "", vals[i]);
		free(vals[i]);
	}
	buf_append(&b, "", 1);
	free(vals);
	*value = xstrdup(b.data);
	buf_release(&b);
	return 0;
}

const struct critical_reader dns_critical[] = {
	{
		.type = "dns",
		.keys = dns_pin_keys,
		.nrequired = 2,
		.read = dns_pin_read,
		.record = "dns",
	},
	{ .type = NULL }
};

/*
 * rdap/critical.c: the "rdap" critical value (SPEC section 7): one field
 * of a domain's RDAP answer, read through critical.c's HTTP client.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <jansson.h>

#include "buf.h"
#include "http.h"
#include "policy.h"
#include "rdap/rdap.h"
#include "source.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#define RDAP_PIN_DEFAULT	"https://rdap.org"

static const char *const rdap_pin_keys[] = {
	"domain", "field", "endpoint", "source", NULL
};

static const char *const rdap_fields[] = {
	"nameservers", "status", "registrar", "expires", NULL
};

static const char *
src_str(json_t *src, const char *key)
{
	return json_string_value(json_object_get(src, key));
}

static void
rdap_pin_check(const struct policy *p, json_t *src, json_t *problems)
{
	const char	*s;
	char		*why;
	size_t		 j;

	if ((s = src_str(src, "field")) != NULL) {
		for (j = 0; rdap_fields[j] != NULL; j++)
			if (strcmp(rdap_fields[j], s) == 0)
				break;
		if (rdap_fields[j] == NULL) {
			why = xasprintf("unknown rdap field '%s'; use "
			    "nameservers, status, registrar or expires", s);
			json_array_append_new(problems, json_string(why));
			free(why);
		}
	}
	if ((s = src_str(src, "source")) != NULL &&
	    (why = source_ref_problem(p, s, "rdap")) != NULL) {
		json_array_append_new(problems, json_string(why));
		free(why);
	}
	if ((s = src_str(src, "endpoint")) != NULL && http_url_insecure(s))
		json_array_append_new(problems, json_string("plain http:// is "
		    "allowed only to loopback addresses"));
}

static char *
rdap_pin_url(const struct policy *p, json_t *src)
{
	const struct policy_source *ps = NULL;
	const char	*s;
	char		*base, *u;
	size_t		 i, n;

	if ((s = src_str(src, "endpoint")) != NULL)
		base = xstrdup(s);
	else {
		if ((s = src_str(src, "source")) != NULL)
			ps = policy_source_find(p, s);
		for (i = 0; ps == NULL && i < p->nsources; i++)
			if (strcmp(p->sources[i].type, "rdap") == 0)
				ps = &p->sources[i];
		base = ps != NULL ? source_endpoint(ps, NULL,
		    RDAP_PIN_DEFAULT) : xstrdup(RDAP_PIN_DEFAULT);
	}
	n = strlen(base);
	while (n > 0 && base[n - 1] == '/')
		base[--n] = '\0';
	u = xasprintf("%s/domain/%s", base, src_str(src, "domain"));
	free(base);
	return u;
}

/* The field of an RDAP answer, sorted and joined with ",", or NULL. */
static char *
rdap_field(json_t *obj, const char *field)
{
	json_t		*a, *e, *x, *out;
	const char	*s;
	size_t		 i, j;
	char		*r, *n;

	out = json_array();
	if (strcmp(field, "nameservers") == 0) {
		json_array_foreach(json_object_get(obj, "nameservers"), i, e) {
			if ((s = src_str(e, "ldhName")) == NULL)
				continue;
			n = xstrdup(s);
			for (j = 0; n[j] != '\0'; j++)
				n[j] = (char)tolower((unsigned char)n[j]);
			while (j > 0 && n[j - 1] == '.')
				n[--j] = '\0';
			json_array_append_new(out, json_string(n));
			free(n);
		}
	} else if (strcmp(field, "status") == 0) {
		json_array_foreach(json_object_get(obj, "status"), i, e)
			if (json_is_string(e))
				json_array_append(out, e);
	} else if (strcmp(field, "registrar") == 0) {
		json_array_foreach(json_object_get(obj, "entities"), i, e) {
			int reg = 0;

			json_array_foreach(json_object_get(e, "roles"), j, x)
				if ((s = json_string_value(x)) != NULL &&
				    strcasecmp(s, "registrar") == 0)
					reg = 1;
			if (!reg)
				continue;
			a = json_array_get(json_object_get(e, "vcardArray"), 1);
			json_array_foreach(a, j, x) {
				if ((s = json_string_value(json_array_get(x,
				    0))) != NULL && strcmp(s, "fn") == 0 &&
				    json_is_string(json_array_get(x, 3))) {
					json_array_append(out,
					    json_array_get(x, 3));
					break;
				}
			}
			break;
		}
	} else {	/* expires */
		json_array_foreach(json_object_get(obj, "events"), i, e) {
			s = src_str(e, "eventAction");
			if (s != NULL && strcasecmp(s, "expiration") == 0 &&
			    json_is_string(json_object_get(e, "eventDate"))) {
				long long	 t;
				char		 d[32];

				s = src_str(e, "eventDate");
				if (iso8601_parse(s, &t) == 0) {
					iso8601_utc(t, d, sizeof(d));
					json_array_append_new(out,
					    json_string(d));
				} else
					json_array_append_new(out,
					    json_string(s));
				break;
			}
		}
	}
	if (json_array_size(out) == 0) {
		json_decref(out);
		return NULL;
	}
	/* Sorted and joined, so that order in the answer does not count. */
	for (i = 1; i < json_array_size(out); i++)
		for (j = i; j > 0 && strcmp(json_string_value(
		    json_array_get(out, j - 1)), json_string_value(
		    json_array_get(out, j))) > 0; j--) {
			x = json_incref(json_array_get(out, j - 1));
			json_array_set(out, j - 1, json_array_get(out, j));
			json_array_set_new(out, j, x);
		}
	{
		struct buf b;

		buf_init(&b, 0);
		json_array_foreach(out, i, e)
			buf_printf(&b, "%s%s", i > 0 ? "," : "",
			    json_string_value(e));
		buf_append(&b, "", 1);
		r = xstrdup(b.data);
		buf_release(&b);
	}
	json_decref(out);
	return r;
}

static char *
rdap_pin_value(json_t *doc, json_t *src, char **error)
{
	char	*val = rdap_field(doc, src_str(src, "field"));

	if (val == NULL)
		*error = xasprintf("the RDAP answer for %s has no %s",
		    src_str(src, "domain"), src_str(src, "field"));
	return val;
}

const struct critical_reader rdap_critical[] = {
	{
		.type = "rdap",
		.keys = rdap_pin_keys,
		.nrequired = 2,
		.check = rdap_pin_check,
		.url = rdap_pin_url,
		.accept = "application/rdap+json, application/json",
		.value = rdap_pin_value,
	},
	{ .type = NULL }
};

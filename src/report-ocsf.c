/*
 * report-ocsf.c: JSON lines of OCSF 1.1 Compliance Finding events (class
 * 2003), one per finding, for a SIEM (docs/report-ocsf.md).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

#define OCSF_VERSION		"1.1.0"
#define OCSF_CLASS_UID		2003
#define OCSF_CATEGORY_UID	2
#define OCSF_ACTIVITY_CREATE	1

/* OCSF severity_id and its caption, by vigil severity (info .. critical). */
static const char *const ocsf_sev_names[SEV_COUNT] = {
	"Informational", "Low", "Medium", "High", "Critical"
};

static const char *
str(json_t *o, const char *k)
{
	const char	*s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : "";
}

/* A copy of v, or null when absent. */
static json_t *
copy(json_t *v)
{
	return v != NULL ? json_deep_copy(v) : json_null();
}

/* "ICANN-TransferPolicy, NIST-800-53:CM-5" as an array of names. */
static json_t *
standards(const char *s)
{
	json_t		*arr = json_array();
	const char	*p, *e;
	size_t		 n;

	for (p = s; *p != '\0'; p = *e != '\0' ? e + 1 : e) {
		while (*p == ' ' || *p == '\t')
			p++;
		for (e = p; *e != '\0' && *e != ','; e++)
			;
		n = (size_t)(e - p);
		while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
			n--;
		if (n > 0)
			json_array_append_new(arr, json_stringn(p, n));
	}
	return arr;
}

static json_t *
ocsf_event(json_t *f, long long time_ms)
{
	json_t		*ev, *fi, *comp, *res, *unm;
	const char	*status = str(f, "status");
	char		*key, uid[65];
	size_t		 klen;
	int		 sev, sid, csid;
	const char	*sname, *cname;

	if ((sev = severity_parse(str(f, "severity"))) < 0)
		sev = SEV_INFO;
	if (strcmp(status, "fail") == 0) {
		sid = 1;
		sname = "New";
		csid = 3;
		cname = "Fail";
	} else if (strcmp(status, "waived") == 0) {
		sid = 3;
		sname = "Suppressed";
		csid = 3;
		cname = "Fail";
	} else {
		sid = 99;
		sname = "Error";
		csid = 99;
		cname = "Error";
	}
	/* uid: SHA-256 of rule NUL resource, stable across runs. */
	klen = strlen(str(f, "rule")) + 1 + strlen(str(f, "resource"));
	key = xmalloc(klen + 1);
	memcpy(key, str(f, "rule"), strlen(str(f, "rule")) + 1);
	memcpy(key + strlen(str(f, "rule")) + 1, str(f, "resource"),
	    strlen(str(f, "resource")) + 1);
	sha256_hex(key, klen, uid);
	free(key);

	fi = json_pack("{s:s, s:o, s:o, s:[o]}", "uid", uid,
	    "title", copy(json_object_get(f, "title")),
	    "desc", copy(json_object_get(f, "detail")),
	    "types", copy(json_object_get(f, "provider")));
	comp = json_pack("{s:o, s:o, s:i, s:s}",
	    "control", copy(json_object_get(f, "rule")),
	    "standards", standards(str(f, "frameworks")),
	    "status_id", csid, "status", cname);
	res = json_pack("[{s:o, s:o, s:o}]",
	    "uid", copy(json_object_get(f, "resource")),
	    "type", copy(json_object_get(f, "provider")),
	    "name", copy(json_object_get(f, "resource")));
	unm = json_pack("{s:o, s:b}", "source", copy(json_object_get(f,
	    "source")), "new", json_is_true(json_object_get(f, "new")));
	if (json_object_get(f, "waiver") != NULL)
		json_object_set_new(unm, "waiver",
		    copy(json_object_get(f, "waiver")));
	ev = json_pack("{s:i, s:s, s:i, s:s, s:i, s:s, s:i, s:s, s:I, "
	    "s:i, s:s, s:i, s:s, s:o, s:o, s:o, s:o, "
	    "s:{s:s, s:{s:s, s:s, s:s}}, s:o}",
	    "class_uid", OCSF_CLASS_UID, "class_name", "Compliance Finding",
	    "category_uid", OCSF_CATEGORY_UID, "category_name", "Findings",
	    "activity_id", OCSF_ACTIVITY_CREATE, "activity_name", "Create",
	    "type_uid", OCSF_CLASS_UID * 100 + OCSF_ACTIVITY_CREATE,
	    "type_name", "Compliance Finding: Create",
	    "time", (json_int_t)time_ms,
	    "severity_id", sev + 1, "severity", ocsf_sev_names[sev],
	    "status_id", sid, "status", sname,
	    "message", copy(json_object_get(f, "detail")),
	    "finding_info", fi, "compliance", comp, "resources", res,
	    "metadata", "version", OCSF_VERSION, "product", "name", "vigil",
	    "vendor_name", "vigil", "version", PACKAGE_VERSION,
	    "unmapped", unm);
	if (ev != NULL && json_is_string(json_object_get(f, "remediation")))
		json_object_set_new(ev, "remediation", json_pack("{s:o}",
		    "desc", copy(json_object_get(f, "remediation"))));
	return ev;
}

static int
ocsf_render(json_t *doc, FILE *out)
{
	json_t		*f, *ev;
	size_t		 i;
	long long	 t = 0;

	if (iso8601_parse(str(json_object_get(doc, "run"), "collected_at"),
	    &t) != 0)
		t = 0;
	json_array_foreach(json_object_get(doc, "findings"), i, f) {
		if ((ev = ocsf_event(f, t * 1000)) == NULL)
			return VGL_ERR_INTERNAL;
		if (json_dumpf(ev, out, JSON_COMPACT | JSON_PRESERVE_ORDER) !=
		    0) {
			json_decref(ev);
			return VGL_ERR_IO;
		}
		json_decref(ev);
		fputc('\n', out);
	}
	return ferror(out) ? VGL_ERR_IO : 0;
}

const struct report_format report_ocsf = {
	.name = "ocsf",
	.render = ocsf_render,
};

/*
 * vigil.h: project-wide exit codes, error codes and severities (their
 * names and the helpers come from util.h).
 */
#ifndef VIGIL_H
#define VIGIL_H

/* Exit codes (SPEC section 3; documented in vigil(1) EXIT STATUS). */
#define VGL_EXIT_OK		0	/* no finding at or above --fail-on */
#define VGL_EXIT_FINDINGS	1	/* unwaived finding at or above --fail-on */
#define VGL_EXIT_USAGE		2	/* usage, policy or rule error */
#define VGL_EXIT_INCOMPLETE	3	/* a source could not be collected */
#define VGL_EXIT_WRITE		4	/* freeze/notify/provider write failed */

/* Internal error codes: 0 or negative; vgl_err() (util.h) names them. */
#define VGL_ERR_INTERNAL	-1
#define VGL_ERR_NOMEM		-2
#define VGL_ERR_IO		-3
#define VGL_ERR_PARSE		-4
#define VGL_ERR_POLICY		-5
#define VGL_ERR_RULE		-6
#define VGL_ERR_STORE		-7
#define VGL_ERR_LOCKED		-8
#define VGL_ERR_HTTP		-9
#define VGL_ERR_TIMEOUT		-10
#define VGL_ERR_TOOBIG		-11
#define VGL_ERR_NOTFOUND	-12
#define VGL_ERR_PROVIDER	-13
#define VGL_ERR_REPLAY		-14
#define VGL_ERR_USAGE		-15
#define VGL_ERR_DEADLINE	-16

/* Severities, ordered. */
enum severity {
	SEV_INFO = 0,
	SEV_LOW,
	SEV_MEDIUM,
	SEV_HIGH,
	SEV_CRITICAL,
};
#define SEV_COUNT 5

#endif

/*
 * dns.h: one DNS lookup outside a collection (dns/collect.c), for the
 * critical values of type "dns" (dns/critical.c, SPEC section 7).
 */
#ifndef DNS_H
#define DNS_H

#include <stddef.h>

#include "source.h"

/*
 * Asks name/rrtype ("A", "AAAA", "NS", "CNAME", "MX", "TXT", "CAA", "DS",
 * "SOA") of nameserver ("host" or "host:port"; NULL: the system resolver)
 * and returns the answer set: the values (as in dns_records.value) of
 * the records of that type owned by name, sorted, in *values (*nvalues
 * of them; free each and the array).  NXDOMAIN and NODATA are an empty
 * set.  Returns 0, or an error with *error set to the reason in words.
 */
int	 dns_answer_set(const char *nameserver, double timeout_s,
	    const char *name, const char *rrtype, char ***values,
	    size_t *nvalues, char **error);

/*
 * The "dns" critical value (dns/critical.c): name, rrtype, optional
 * nameserver and timeout_s (else the policy's first dns source's); the
 * answer set, sorted, joined with ",".
 */
extern const struct critical_reader dns_critical[];

#endif

/*
 * rdap.h: the RDAP provider's exported pieces.
 */
#ifndef RDAP_H
#define RDAP_H

#include "source.h"

/*
 * The "rdap" critical value (rdap/critical.c): domain, field
 * (nameservers|status|registrar|expires), optional endpoint or source
 * naming an `rdap` source (else the first one, else https://rdap.org).
 */
extern const struct critical_reader rdap_critical[];

#endif

/*
 * url.c: the loopback decision for the policy (plain http:// endpoints),
 * the HTTP layer and notify (STARTTLS optional only to a loopback relay).
 * See url.h for what counts as loopback and why.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>

#include <curl/curl.h>

#include "url.h"

int
url_host_is_loopback(const char *host)
{
	struct in_addr	 a4;
	struct in6_addr	 a6;
	char		 h[INET6_ADDRSTRLEN + 1];
	size_t		 n;

	if (host == NULL || *host == '\0')
		return 0;
	if (strcasecmp(host, "localhost") == 0)
		return 1;
	/* inet_pton accepts only the full dotted quad, in decimal. */
	if (inet_pton(AF_INET, host, &a4) == 1)
		return (ntohl(a4.s_addr) >> 24) == 127;
	n = strlen(host);
	if (n >= 2 && host[0] == '[' && host[n - 1] == ']') {
		host++;
		n -= 2;
	}
	if (n == 0 || n >= sizeof(h))
		return 0;
	memcpy(h, host, n);
	h[n] = '\0';
	if (inet_pton(AF_INET6, h, &a6) == 1)
		return memcmp(&a6, &in6addr_loopback, sizeof(a6)) == 0;
	return 0;
}

int
url_is_loopback(const char *url)
{
	CURLU	*u;
	char	*host = NULL;
	int	 lo = 0;

	if (url == NULL || (u = curl_url()) == NULL)
		return 0;
	/* Any scheme: smtp:// and ldap:// URLs are asked about too. */
	if (curl_url_set(u, CURLUPART_URL, url, CURLU_NON_SUPPORT_SCHEME) ==
	    CURLUE_OK && curl_url_get(u, CURLUPART_HOST, &host, 0) ==
	    CURLUE_OK)
		lo = url_host_is_loopback(host);
	curl_free(host);
	curl_url_cleanup(u);
	return lo;
}

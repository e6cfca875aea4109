/*
 * url.h: what vigil decides from a URL or a host name, in one place:
 * whether it is loopback.  URLs are parsed by libcurl's URL API (CURLU),
 * the parser libcurl itself connects with; nothing is resolved.
 *
 * Loopback is exactly:
 *   - an IPv4 literal in 127.0.0.0/8, as a full dotted quad (inet_pton);
 *   - the IPv6 literal ::1, bare or bracketed ("[::1]");
 *   - the name "localhost", compared case-insensitively, and nothing else
 *     ("localhost.", "mail.localhost", "127.mail.example.com" and
 *     "127.0.0.1.evil.com" are names, so not loopback).
 *
 * Short and numeric IPv4 forms ("127.1", "0x7f000001", "2130706433"):
 * url_host_is_loopback() refuses them (as bare strings they are
 * ambiguous).  In a URL, libcurl rewrites them to the dotted quad before
 * connecting ("http://127.1/" connects to 127.0.0.1), and
 * url_is_loopback() decides on that rewritten host, the address libcurl
 * will really use.  IPv4-mapped IPv6 (::ffff:127.0.0.1) is not loopback.
 */
#ifndef URL_H
#define URL_H

/* 1 when host (as CURLU returns it; NULL: 0) is loopback, else 0. */
int	 url_host_is_loopback(const char *host);

/*
 * 1 when the host of url is loopback; 0 when it is not, or when url
 * cannot be parsed (NULL included).
 */
int	 url_is_loopback(const char *url);

#endif

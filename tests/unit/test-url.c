/*
 * test-url.c: the one loopback decision (url.h), with the hostile names
 * that an "it starts with 127." check gets wrong.
 */
#include "config.h"

#include <stdio.h>

#include <curl/curl.h>

#include "url.h"

#include "tap.h"

static void
test_host(void)
{
	static const struct {
		const char	*host;
		int		 want;
	} t[] = {
		{ "127.0.0.1", 1 },
		{ "127.0.0.2", 1 },
		{ "127.255.255.254", 1 },
		{ "127.1.2.3", 1 },
		{ "localhost", 1 },
		{ "LocalHost", 1 },
		{ "::1", 1 },
		{ "[::1]", 1 },
		{ "[0:0:0:0:0:0:0:1]", 1 },
		/* Names that merely start like a loopback address. */
		{ "127.mail.example.com", 0 },
		{ "127.0.0.1.evil.com", 0 },
		{ "127.0.0.1.", 0 },
		{ "127.example", 0 },
		{ "127", 0 },
		{ "127.", 0 },
		/* Short and numeric forms: ambiguous as bare strings. */
		{ "127.1", 0 },
		{ "127.0.1", 0 },
		{ "0x7f000001", 0 },
		{ "2130706433", 0 },
		{ "0177.0.0.1", 0 },
		{ " 127.0.0.1", 0 },
		{ "127.0.0.1 ", 0 },
		{ "localhost.", 0 },
		{ "localhost.evil.com", 0 },
		{ "mail.localhost", 0 },
		{ "evil-localhost", 0 },
		{ "localhostx", 0 },
		{ "128.0.0.1", 0 },
		{ "126.255.255.255", 0 },
		{ "10.0.0.1", 0 },
		{ "0.0.0.0", 0 },
		{ "::", 0 },
		{ "[::]", 0 },
		{ "::2", 0 },
		{ "[::ffff:127.0.0.1]", 0 },
		{ "::ffff:127.0.0.1", 0 },
		{ "[::1", 0 },
		{ "::1]", 0 },
		{ "[]", 0 },
		{ "[[::1]]", 0 },
		{ "", 0 },
		{ NULL, 0 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(url_host_is_loopback(t[i].host), t[i].want,
		    "url_host_is_loopback('%s')",
		    t[i].host != NULL ? t[i].host : "(null)");
}

static void
test_url(void)
{
	static const struct {
		const char	*url;
		int		 want;
	} t[] = {
		{ "smtp://127.0.0.1:2525", 1 },
		{ "smtp://localhost", 1 },
		{ "smtp://LOCALHOST:25/", 1 },
		{ "smtp://[::1]:25", 1 },
		{ "http://127.0.0.1:8080/x", 1 },
		{ "https://127.8.9.10/", 1 },
		{ "ldap://127.0.0.1:389", 1 },
		{ "http://user@127.0.0.1/", 1 },
		/* libcurl connects to 127.0.0.1 for these (see url.h). */
		{ "http://127.1/", 1 },
		{ "http://0x7f000001/", 1 },
		{ "http://2130706433/", 1 },
		/* The case of the issue, and its relatives. */
		{ "smtp://127.mail.example.com:25", 0 },
		{ "smtp://127.mail.example.com", 0 },
		{ "smtps://127.mail.example.com", 0 },
		{ "smtp://127.0.0.1.evil.com:25", 0 },
		{ "smtp://127.mail.localhost:25", 0 },
		{ "smtp://mail.localhost:25", 0 },
		{ "smtp://localhost.:25", 0 },
		{ "smtp://mail.example.com:25", 0 },
		{ "http://127.0.0.1@example.com/", 0 },
		{ "http://example.com/127.0.0.1", 0 },
		{ "http://example.com/?h=localhost", 0 },
		{ "http://[::ffff:127.0.0.1]/", 0 },
		{ "http://[::2]/", 0 },
		{ "http://10.0.0.1/", 0 },
		{ "not a url", 0 },
		{ "127.0.0.1", 0 },
		{ "", 0 },
		{ NULL, 0 },
	};
	size_t	 i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		is_int(url_is_loopback(t[i].url), t[i].want,
		    "url_is_loopback('%s')",
		    t[i].url != NULL ? t[i].url : "(null)");
}

int
main(void)
{
	curl_global_init(CURL_GLOBAL_DEFAULT);
	test_host();
	test_url();
	curl_global_cleanup();
	return done_testing();
}

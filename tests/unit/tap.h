/*
 * tap.h: a tiny TAP producer for unit tests.  Each check prints
 * "ok N - name" or "not ok N - name" with input, got and expected.
 */
#ifndef TAP_H
#define TAP_H

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static int tap_n, tap_failed;

#define ok(cond, ...) tap_ok(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

static void __attribute__((format(printf, 4, 5)))
tap_ok(int pass, const char *file, int line, const char *fmt, ...)
{
	va_list	 ap;

	tap_n++;
	printf("%sok %d - ", pass ? "" : "not ", tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (!pass) {
		tap_failed++;
		printf("#   failed at %s:%d\n", file, line);
	}
	fflush(stdout);
}

#define is_str(got, exp, ...) do {					\
	const char *g_ = (got), *e_ = (exp);				\
	int p_ = (g_ == NULL && e_ == NULL) ||				\
	    (g_ != NULL && e_ != NULL && strcmp(g_, e_) == 0);		\
	ok(p_, __VA_ARGS__);						\
	if (!p_)							\
		printf("#   got:      '%s'\n#   expected: '%s'\n",	\
		    g_ ? g_ : "(null)", e_ ? e_ : "(null)");		\
} while (0)

#define is_int(got, exp, ...) do {					\
	long long g_ = (long long)(got), e_ = (long long)(exp);		\
	ok(g_ == e_, __VA_ARGS__);					\
	if (g_ != e_)							\
		printf("#   got:      %lld\n#   expected: %lld\n", g_, e_); \
} while (0)

static int
done_testing(void)
{
	printf("1..%d\n", tap_n);
	return tap_failed ? 1 : 0;
}

#endif

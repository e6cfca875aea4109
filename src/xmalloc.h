/*
 * xmalloc.h: allocation that dies on exhaustion, so that callers only
 * handle real errors.  freezero() clears secrets before freeing.
 */
#ifndef XMALLOC_H
#define XMALLOC_H

#include <stddef.h>
#include <stdarg.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xreallocarray(void *, size_t, size_t);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list)
	    __attribute__((format(printf, 1, 0)));
/* Clear len bytes of p and free it; NULL is accepted. */
void	 freezero(void *p, size_t len);
/* Clear a NUL-terminated secret and free it; NULL is accepted. */
void	 freestr_secret(char *);

#endif

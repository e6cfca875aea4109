/*
 * diag.c: collected FILE:LINE:COL diagnostics.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "diag.h"
#include "log.h"
#include "xmalloc.h"

void
diags_add(struct diags *d, const char *file, int line, int col,
    const char *fmt, ...)
{
	struct diag	*x;
	va_list		 ap;

	d->v = xreallocarray(d->v, d->n + 1, sizeof(*d->v));
	x = &d->v[d->n++];
	x->file = xstrdup(file != NULL ? file : "-");
	x->line = line;
	x->col = col;
	va_start(ap, fmt);
	x->msg = xvasprintf(fmt, ap);
	va_end(ap);
}

void
diags_print(const struct diags *d)
{
	size_t	 i;
	char	*m;

	for (i = 0; i < d->n; i++) {
		m = log_redact(d->v[i].msg);
		fprintf(stderr, "%s:%d:%d: %s\n", d->v[i].file,
		    d->v[i].line, d->v[i].col, m);
		free(m);
	}
}

void
diags_release(struct diags *d)
{
	size_t	 i;

	for (i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	d->v = NULL;
	d->n = 0;
}

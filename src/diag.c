/*
 * diag.c: collected FILE:LINE:COL diagnostics.
 */
#include "config.h"

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static int
diag_cmp(const void *a, const void *b)
{
	const struct diag	*x = a, *y = b;
	int			 c;

	if ((c = strcmp(x->file, y->file)) != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return 0;
}

/* Prints in file, line, column order (files in name order). */
void
diags_print(const struct diags *d)
{
	size_t	 i;
	char	*m;

	if (d->n > 1)
		qsort(d->v, d->n, sizeof(*d->v), diag_cmp);
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

int
diag_edit_distance(const char *a, const char *b)
{
	size_t	 la = strlen(a), lb = strlen(b), i, j;
	int	*prev, *cur, *t, r, del, ins, sub;

	prev = xcalloc(lb + 1, sizeof(*prev));
	cur = xcalloc(lb + 1, sizeof(*cur));
	for (j = 0; j <= lb; j++)
		prev[j] = (int)j;
	for (i = 1; i <= la; i++) {
		cur[0] = (int)i;
		for (j = 1; j <= lb; j++) {
			del = prev[j] + 1;
			ins = cur[j - 1] + 1;
			sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			cur[j] = del < ins ? del : ins;
			if (sub < cur[j])
				cur[j] = sub;
		}
		t = prev;
		prev = cur;
		cur = t;
	}
	r = prev[lb];
	free(prev);
	free(cur);
	return r;
}

const char *
diag_suggest(const char *name, const char *const *cands, size_t n)
{
	const char	*best = NULL;
	int		 bestd = INT_MAX, d, lim;
	size_t		 i;

	lim = (int)strlen(name) / 3;
	if (lim < 2)
		lim = 2;
	for (i = 0; i < n && cands[i] != NULL; i++) {
		d = diag_edit_distance(name, cands[i]);
		if (d <= lim && d < bestd) {
			best = cands[i];
			bestd = d;
		}
	}
	return best;
}

/*
 * diag.h: a list of "FILE:LINE:COL: message" diagnostics, collected so
 * that validate reports every error, not just the first.
 */
#ifndef DIAG_H
#define DIAG_H

#include <stddef.h>

struct diag {
	char	*file;
	int	 line;		/* 1-based; 0 if unknown */
	int	 col;		/* 1-based; 0 if unknown */
	char	*msg;
};

struct diags {
	struct diag	*v;
	size_t		 n;
};

void	 diags_add(struct diags *, const char *file, int line, int col,
	    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Prints each as FILE:LINE:COL: message to stderr. */
void	 diags_print(const struct diags *);
void	 diags_release(struct diags *);

/* Levenshtein distance. */
int	 diag_edit_distance(const char *, const char *);
/*
 * "Did you mean": the nearest of n candidates (a NULL entry ends them
 * early) within max(2, len/3) edits, or NULL.
 */
const char *diag_suggest(const char *name, const char *const *cands,
	    size_t n);

#endif

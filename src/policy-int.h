/*
 * policy-int.h: what the pieces of the policy loader share (not for use
 * outside src/policy*.c).
 *
 * policy.c	loading (policy_load), building struct policy, accessors,
 *		secrets
 * policy-include.c reading one file, its includes, and the merge
 * policy-check.c	the validators: known keys, values, URLs, secrets,
 *		per-type source keys; diagnostics at a path
 * jsonpos.c	the position scanner the diagnostics use (base layer)
 */
#ifndef POLICY_INT_H
#define POLICY_INT_H

#include <jansson.h>

#include "buf.h"
#include "diag.h"
#include "jsonpos.h"

#define PATH_DEPTH		16

/* Checking one file. */
struct vctx {
	const char	*file;
	const char	*text;
	size_t		 len;
	struct jsonpos_step path[PATH_DEPTH];
	int		 depth;
};

/* Where an array element (source, waiver) was defined. */
struct origin {
	json_t		*obj;
	char		*file;
	int		 line, col;
};

/* Loading the whole policy. */
struct lctx {
	struct diags	*d;
	struct buf	 text;		/* all files, in load order */
	char		**stack;	/* real paths being loaded */
	size_t		 nstack;
	char		**done;		/* real paths loaded */
	size_t		 ndone;
	struct origin	*orig;
	size_t		 norig;
	char		**names;	/* source names seen */
	size_t		 nnames;
	char		**cvnames;	/* critical value names seen */
	size_t		 ncvnames;
	json_t		*where;		/* see policy_where() */
};

/* Diagnostics at a path (policy-check.c). */
void	 pol_push_key(struct vctx *, const char *key);
void	 pol_push_idx(struct vctx *, size_t idx);
void	 pol_pop(struct vctx *);
/* Adds a diagnostic at the current path. */
void	 pol_perr(struct lctx *, struct vctx *, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
/* Path rel resolved relative to the directory of file. */
char	*pol_rel_path(const char *file, const char *rel);
/* Where array element obj (a source, waiver or pin) was defined. */
const struct origin *pol_find_origin(const struct lctx *, const json_t *);
/* Checks one file's document (an object); "include" was handled. */
void	 pol_check_doc(struct lctx *, struct vctx *, json_t *root);

/*
 * Loads, checks and merges path and its includes into *out
 * (policy-include.c; see there).
 */
int	 pol_load_file(struct lctx *, const char *path, const char *shown,
	    struct vctx *from, json_t **out);

#endif

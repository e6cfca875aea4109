/*
 * policy.h: the policy file (SPEC section 4).
 *
 * policy_load() parses a JSON policy and its includes (later values
 * override earlier ones), checks every key against the known keys (an
 * unknown key is an error suggesting the nearest known one), rejects
 * literal secrets, checks *_file secrets are not group/other readable and
 * that plain http:// endpoints are loopback only.  Every problem is added
 * to diags as FILE:LINE:COL: message; the load fails if there is any.
 *
 * Secrets are not read at load time: policy_secret() reads them when a
 * source needs them, and registers them for redaction.
 */
#ifndef POLICY_H
#define POLICY_H

#include <jansson.h>

#include "diag.h"

struct policy_source {
	char		*name;
	char		*type;
	json_t		*obj;		/* the source's JSON object (borrowed
					   from policy->root) */
	char		*file;		/* where it was defined */
	int		 line, col;
};

struct waiver {
	char		*rule;		/* id or glob */
	char		*resource;	/* glob */
	char		*reason;
	char		*approved_by;
	char		*expires;	/* ISO-8601 date or date-time, or NULL */
	char		*file;
	int		 line, col;
};

struct policy {
	char		*path;		/* the top-level file */
	char		*organization;
	char		*db;		/* state.db, resolved relative to path */
	json_t		*root;		/* the merged document */
	struct policy_source *sources;
	size_t		 nsources;
	json_t		*parameters;	/* object (never NULL) */
	struct waiver	*waivers;
	size_t		 nwaivers;
	/* rules */
	char		**rule_paths;	/* resolved relative to their file */
	size_t		 nrule_paths;
	int		 rules_builtin;	/* default 1 */
	json_t		*rules_enable;	/* array of globs or NULL */
	json_t		*rules_disable;	/* array of globs or NULL */
	json_t		*rules_severity; /* object ID -> severity, or NULL */
	json_t		*expect;	/* object or NULL */
	json_t		*critical_values; /* array or NULL */
	struct policy_pos {
		char	*file;		/* where pin i was defined, or NULL */
		int	 line, col;
	}		*cv_pos;	/* one per critical_values element */
	size_t		 ncv_pos;
	json_t		*freeze;	/* object or NULL */
	json_t		*notify;	/* object or NULL */
	json_t		*where;		/* see policy_where() */
	/* SHA-256 of the policy text (all files, in load order). */
	char		 sha256[65];
};

/*
 * Where a type's check of the "freeze" section reports its problems
 * (policy_check_error()); opaque, policy-check.c.
 */
struct policy_check;

/*
 * How the checker checks the value of a key (struct policy_type.kinds):
 * a string, an array of strings, an endpoint URL (https://, or http:// to
 * loopback), true or false.  POLICY_SECRET names a key that would hold a
 * literal secret (KEY_env or KEY_file is the way to give it): never
 * allowed, and refused wherever it appears -- in a source of any type,
 * in "freeze.credentials" and in "notify" -- not only in the type's own.
 */
enum policy_kind {
	POLICY_STRING = 1,
	POLICY_STRARRAY,
	POLICY_URL,
	POLICY_BOOL,
	POLICY_SECRET
};

struct policy_key {
	const char		*key;
	enum policy_kind	 kind;
};

/*
 * What the checker knows of a source type: the policy layer knows no
 * provider, so the layer above hands it the table of types
 * (source_register_types() in source.c) before the first policy_load().
 * keys: the keys the type accepts beyond "name", "type" and (http) the
 * common HTTP keys; endpoint_keys: those inside "endpoints" (NULL: none);
 * kinds: how the values of its keys are checked, and its literal secrets
 * ({NULL}-terminated, or NULL; the common keys -- timeout_s, endpoint...
 * -- are checked by name; a key in neither is left to check); a source
 * of an unknown type has each key checked by its kind in any type;
 * check: the type's own checks (may be NULL), run when the source has no
 * other error.  freeze_keys: the keys the type adds to the "freeze"
 * section (NULL-terminated, or NULL), accepted whether or not the policy
 * has a source of the type; check_freeze: checks their values in the
 * "freeze" object fz (may be NULL).
 */
struct policy_type {
	const char		 *name;
	const char *const	 *keys;
	const char *const	 *endpoint_keys;
	const struct policy_key	 *kinds;
	int			  http;
	void			(*check)(const struct policy_source *,
				    struct diags *);
	const char *const	 *freeze_keys;
	void			(*check_freeze)(json_t *fz,
				    struct policy_check *);
};

/*
 * Reports a problem of the object being checked, placed at its member
 * key (FILE:LINE:COL of that key), or at the object when key is NULL.
 */
void	 policy_check_error(struct policy_check *, const char *key,
	    const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* 1 when a is an array of strings. */
int	 policy_is_strarray(json_t *a);

/* Sets the n source types a policy may use (borrowed, kept in order). */
void	 policy_set_types(const struct policy_type *types, size_t n);

int	 policy_load(const char *path, struct policy **out, struct diags *);
/*
 * As policy_load, but *out is set whenever the top-level file parsed,
 * even when checks failed (returning VGL_ERR_POLICY), so that validate
 * can go on to check rules and pins against it and report every mistake
 * in one pass.  Such a policy is only for checking.
 */
int	 policy_load_all(const char *path, struct policy **out,
	    struct diags *);

/*
 * Where a value was written: name is "parameters/NAME" (the value),
 * "rules/enable/I", "rules/disable/I" (the element), "rules/severity/ID"
 * (the key) or "sources/SOURCE/KEY" (the value of a *_env key).  Sets
 * FILE:LINE:COL and returns 0, or the policy path with 0:0 and -1.
 * (Inline: the rule engine uses it without linking the loader.)
 */
static inline int
policy_where(const struct policy *p, const char *name, const char **file,
    int *line, int *col)
{
	json_t	*w;

	w = p != NULL ? json_object_get(p->where, name) : NULL;
	if (!json_is_array(w) || json_array_size(w) != 3) {
		*file = p != NULL ? p->path : NULL;
		*line = *col = 0;
		return -1;
	}
	*file = json_string_value(json_array_get(w, 0));
	*line = (int)json_integer_value(json_array_get(w, 1));
	*col = (int)json_integer_value(json_array_get(w, 2));
	return 0;
}

/*
 * Adds a "warning: ..." diagnostic for each *_env key of a source whose
 * variable is unset or empty, naming the source, the key and the
 * variable (never a value).
 */
void	 policy_env_warnings(const struct policy *, struct diags *);
void	 policy_free(struct policy *);

/* The source named name, or NULL. */
const struct policy_source *policy_source_find(const struct policy *,
	    const char *name);

/* String/number/bool member of a source object, with defaults. */
const char *policy_source_str(const struct policy_source *, const char *key,
	    const char *def);
double	 policy_source_num(const struct policy_source *, const char *key,
	    double def);
int	 policy_source_bool(const struct policy_source *, const char *key,
	    int def);

/*
 * Reads secret `base` of a source: `base`_env names an environment
 * variable (default def_env when neither key is set; NULL: no default),
 * `base`_file a file that must not be readable by group or others.
 * On success *out is a new string (free with freestr_secret) registered
 * for redaction.  Returns 0, VGL_ERR_NOTFOUND when not configured or the
 * variable is unset, or VGL_ERR_POLICY (with *why set, caller frees) when
 * the file is unsafe or unreadable.
 */
int	 policy_secret(json_t *obj, const char *base, const char *def_env,
	    char **out, char **why);

/* Levenshtein distance, exposed for tests. */
int	 policy_edit_distance(const char *, const char *);

#endif

/*
 * rules.h: the rule engine (SPEC section 6; vigil-rules(5)).
 *
 * A rule is a SQLite script: `-- key: value` header lines, then exactly
 * one SELECT whose rows are violations (column `resource` required,
 * `detail` optional, other columns kept as JSON evidence).  Parameters
 * `:name` are bound from policy.parameters; `:now` is the run's
 * collection time.  Rules run under an authorizer that allows reading
 * only.
 */
#ifndef RULES_H
#define RULES_H

#include <jansson.h>
#include <sqlite3.h>

#include "diag.h"
#include "policy.h"

struct store;

struct rule {
	char		*id;
	char		*title;
	char		*provider;
	int		 severity;	/* after policy overrides */
	int		 default_severity;
	char		*remediation;	/* or NULL */
	char		*frameworks;	/* comma-separated, or NULL */
	char		*description;	/* or NULL */
	json_t		*headers;	/* every header key -> value */
	char		*file;		/* path it was read from */
	char		*sql;		/* the statement text */
	int		 sql_line;	/* line of the file where sql begins */
	char		**params;	/* :names used (without ':'), */
	size_t		 nparams;	/*   excluding :now */
	json_t		*param_defaults; /* `-- param: NAME DEFAULT text`: */
					 /* name -> {default, description} */
	char		 sha256[65];	/* of the file */
};

struct ruleset {
	struct rule	*v;
	size_t		 n;
};

/*
 * Parses one rule file's text.  Header errors go to diags as
 * FILE:LINE:COL.  Returns 0 or VGL_ERR_RULE.
 */
int	 rule_parse(const char *file, const char *text, struct rule *,
	    struct diags *);
void	 rule_release(struct rule *);

/* The default a rule header declares for parameter name, or NULL. */
json_t	*rule_param_default(const struct rule *, const char *name);

/* The built-in catalog directory (build tree's rules/ or datadir). */
const char *rules_builtin_dir(void);

/*
 * Loads the catalog (built-in unless rules.builtin is false, plus
 * rules.paths), recursively *.sql in sorted order, applies enable/disable
 * globs and severity overrides.  Duplicate ids are errors.
 */
int	 rules_load(const struct policy *, struct ruleset *, struct diags *);
void	 rules_release(struct ruleset *);
const struct rule *rules_find(const struct ruleset *, const char *id);

/*
 * 0 when the rule's provider stands for a source type (its name or one of
 * its rule_providers, source.h) and the policy has no source of that
 * type: such a rule is not evaluated and needs no parameters.  1
 * otherwise (also for cross-provider rules such as identity.*, drift.*,
 * policy.* and custom ones).
 */
int	 rules_applies(const struct rule *, const struct policy *);

/* The source type a rule provider stands for (source.h), or NULL. */
const char *rules_source_type(const char *provider);

/*
 * Prepares every rule against db (which has the full schema): SQL errors,
 * more than one statement, a statement that writes, a missing `resource`
 * column, or a parameter absent from policy.parameters are diags naming
 * the rule file and line.  A parameter of the policy of another JSON type
 * than the rule needs (the type of its `-- param:` default; else a number
 * for names ending in _days, _length or _count or starting with max_ or
 * min_) is a diag at the value in the policy.  An id or glob of
 * rules.enable, rules.disable or rules.severity that names no rule of
 * the catalog is a diag suggesting the nearest id.
 */
int	 rules_check(const struct ruleset *, const struct policy *, sqlite3 *,
	    struct diags *);

struct eval_summary {
	long	 counts[5];	/* unwaived fail findings by severity */
	long	 waived;
	long	 errors;	/* error findings */
	long	 total;		/* all findings */
	long	 new_findings;
};

/*
 * Evaluates every rule on a committed run: replaces the run's findings,
 * marks each new or persisting against the previous run, applies waivers
 * (expired and unused waivers become policy.* findings through their
 * rules), and turns a failed source into one `error` finding per rule of
 * its provider.  Records the rule files' digests on the run.
 */
int	 rules_evaluate(struct store *, long long run, const struct policy *,
	    const struct ruleset *, struct eval_summary *);

/*
 * Recomputes findings_sha256 of a run from its stored findings (the
 * definition is in vigil-rules(5)); 0 or VGL_ERR_STORE.
 */
int	 rules_findings_digest(sqlite3 *, long long run, char out[65]);

/* Binds a JSON value as SQL parameter idx (for tests and rules). */
int	 rules_bind_json(sqlite3_stmt *, int idx, json_t *);

#endif

/*
 * rules-int.h: what the pieces of the rule engine share (not for use
 * outside src/rules*.c).
 *
 * rules-catalog.c	rule files (rule_parse) and the catalog (rules_load)
 * rules-sandbox.c	the read-only SQL sandbox: the authorizer,
 *			preparing a rule, rules_check
 * rules.c		evaluation of the catalog over a run, findings and
 *			their digest, the rule-provider table
 */
#ifndef RULES_INT_H
#define RULES_INT_H

#include <stddef.h>

#include <jansson.h>
#include <sqlite3.h>

#include "rules.h"

/* What the authorizer saw of one statement (rules-sandbox.c). */
struct auth {
	int	 denied;	/* first action code denied, or 0 */
	char	 what[64];
	int	 engine;	/* the engine itself is storing a finding */
	int	 reads_changes;	/* the statement reads the changes table */
};

/* The temporary table that policy.* rules read (rules.c). */
extern const char waivers_ddl[];

/* A JSON string from bytes that may not be UTF-8 (rules.c). */
json_t	*json_text(const char *s, size_t n);

/*
 * The next :name parameter of sql from *pos (rules-sandbox.c; see
 * there).
 */
int	 next_param(const char *sql, size_t *pos, size_t *start,
	    size_t *len);
/* The authorizer of rule statements (arg: a struct auth). */
int	 rule_authorizer(void *arg, int code, const char *a, const char *b,
	    const char *dbname, const char *trigger);
/* The index of the result column name of st, or -1 (rules-sandbox.c). */
int	 column_index(sqlite3_stmt *st, const char *name);
/*
 * Prepares r's statement on db under the authorizer au and checks its
 * shape (rules-sandbox.c; see there).
 */
int	 rule_prepare(sqlite3 *db, const struct rule *r, struct auth *au,
	    sqlite3_stmt **out, char **msg, long *off);

#endif

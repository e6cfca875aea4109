/*
 * record.h: the files of a --record directory, the one way to write and
 * read them: the HTTP layer, the collectors that do not speak HTTP (DNS,
 * LDAP) and the critical values' DNS pins all go through here.
 *
 * A recording is DIR/<source>/NNNNNN.json, one JSON object per exchange,
 * files 0600 in directories 0700; DIR/<source>/meta.json and DIR/meta.json
 * hold the capture time ("captured_at", ISO-8601 UTC).  What the objects
 * hold is the writer's; the text written is redacted (log_redact()).
 */
#ifndef RECORD_H
#define RECORD_H

#include <jansson.h>

/* mkdir -p with mode 0700; 0 or VGL_ERR_IO (errno set). */
int	 record_mkdir(const char *path);

/*
 * Writes o as the next free DIR/NNNNNN.json (numbering from *seq + 1,
 * skipping files that exist), mode 0600, creating DIR.  On success *seq
 * is the number used and *pathp (if not NULL) the file written (caller
 * frees).  Returns 0 or VGL_ERR_IO with errno set.
 */
int	 record_write_next(const char *dir, unsigned long *seq, json_t *o,
	    char **pathp);

/*
 * As record_write_next, for an exchange the writer encoded itself (text is
 * written as given: the writer redacts it).
 */
int	 record_write_text(const char *dir, unsigned long *seq,
	    const char *text, char **pathp);

/*
 * Writes DIR/meta.json (0600, creating DIR) holding meta, which should
 * have "captured_at"; with keep, a meta.json that exists stays as it is
 * (a recording begun earlier keeps its time).  0 or VGL_ERR_IO (errno
 * set).
 */
int	 record_write_meta(const char *dir, json_t *meta, int keep);

/* The "captured_at" time of DIR/meta.json; 0, or -1 when there is none. */
int	 record_read_time(const char *dir, long long *out);

/*
 * Calls fn for every .json file of DIR but meta.json (and dot files), in
 * name order, with its JSON object and path, stopping at the first
 * non-zero return, which is returned.  A directory that cannot be read,
 * a file that does not parse or is not an object give VGL_ERR_IO /
 * VGL_ERR_PARSE with *why set (caller frees); fn sets *why itself.
 */
int	 record_each(const char *dir, int (*fn)(json_t *, const char *path,
	    void *arg, char **why), void *arg, char **why);

/*
 * Loads every .json file of DIR but meta.json, in name order, into a new
 * array.  Returns 0, or VGL_ERR_IO / VGL_ERR_PARSE with *why set (caller
 * frees) naming the directory or the file and the position.
 */
int	 record_load_dir(const char *dir, json_t **out, char **why);

#endif

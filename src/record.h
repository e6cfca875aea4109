/*
 * record.h: the files of a --record directory, shared by the HTTP layer
 * and the collectors that do not speak HTTP (DNS, LDAP).
 *
 * A recording is DIR/<source>/NNNNNN.json, one JSON object per exchange,
 * files 0600 in directories 0700; DIR/<source>/meta.json and DIR/meta.json
 * hold the capture time.  Each writer redacts what it writes.
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
 * Loads every .json file of DIR but meta.json, in name order, into a new
 * array.  Returns 0, or VGL_ERR_IO / VGL_ERR_PARSE with *why set (caller
 * frees) naming the directory or the file and the position.
 */
int	 record_load_dir(const char *dir, json_t **out, char **why);

#endif

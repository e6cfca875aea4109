/*
 * jsonpos.h: the line and column of a member or element of a JSON text.
 *
 * jansson keeps no positions for values; jsonpos_locate() walks the text
 * again to find where the key or array element named by a path was
 * written, for FILE:LINE:COL diagnostics.
 */
#ifndef JSONPOS_H
#define JSONPOS_H

#include <stddef.h>

/* One step of a path into a document: an object key or an array index. */
struct jsonpos_step {
	const char	*key;		/* NULL: array element idx */
	size_t		 idx;
};

/*
 * Finds the position of the member or element named by path (n steps):
 * for an object member, the opening quote of its key (value: the start
 * of its value, for the last step); for an array element, its first
 * character.  If the path cannot be followed, the position of the
 * deepest step found.  Lines and columns count from 1; columns count
 * characters, not UTF-8 continuation bytes, as jansson does.
 */
void	 jsonpos_locate(const char *text, size_t len,
	    const struct jsonpos_step *path, int n, int value, int *line,
	    int *col);

#endif

/*
 * jsonpos.c: the line and column of a member or element of a JSON text.
 *
 * jansson keeps no positions for values, so a small scanner walks the
 * same text only to find where the key or array element named by a path
 * is, for FILE:LINE:COL diagnostics (the policy loader's).
 */
#include "config.h"

#include <string.h>

#include "buf.h"
#include "jsonpos.h"
#include "util.h"
#include "vigil.h"

/*
 * The position scanner.  Columns count characters (not UTF-8 continuation
 * bytes), as jansson does.
 */
struct scan {
	const char	*p, *end;
	int		 line, col;
};

static void
sc_adv(struct scan *s)
{
	if (s->p >= s->end)
		return;
	if (*s->p == '\n') {
		s->line++;
		s->col = 1;
	} else if (((unsigned char)*s->p & 0xc0) != 0x80)
		s->col++;
	s->p++;
}

static void
sc_ws(struct scan *s)
{
	while (s->p < s->end && (*s->p == ' ' || *s->p == '\t' ||
	    *s->p == '\n' || *s->p == '\r'))
		sc_adv(s);
}

static void
put_utf8(struct buf *b, unsigned long cp)
{
	unsigned char	 u[4];
	size_t		 n;

	if (cp < 0x80) {
		u[0] = (unsigned char)cp;
		n = 1;
	} else if (cp < 0x800) {
		u[0] = 0xc0 | (cp >> 6);
		u[1] = 0x80 | (cp & 0x3f);
		n = 2;
	} else if (cp < 0x10000) {
		u[0] = 0xe0 | (cp >> 12);
		u[1] = 0x80 | ((cp >> 6) & 0x3f);
		u[2] = 0x80 | (cp & 0x3f);
		n = 3;
	} else {
		u[0] = 0xf0 | (cp >> 18);
		u[1] = 0x80 | ((cp >> 12) & 0x3f);
		u[2] = 0x80 | ((cp >> 6) & 0x3f);
		u[3] = 0x80 | (cp & 0x3f);
		n = 4;
	}
	buf_append(b, u, n);
}

/* Reads 4 hex digits after "\u"; -1 if malformed. */
static long
sc_hex4(struct scan *s)
{
	long	 v = 0;
	int	 i, h;

	for (i = 0; i < 4; i++) {
		if (s->p >= s->end || (h = hex_value(*s->p)) < 0)
			return -1;
		v = v * 16 + h;
		sc_adv(s);
	}
	return v;
}

/* Scans a string at s->p, decoding it into out if not NULL. */
static int
sc_string(struct scan *s, struct buf *out)
{
	long	 cp, lo;
	char	 c;

	if (s->p >= s->end || *s->p != '"')
		return -1;
	sc_adv(s);
	while (s->p < s->end) {
		c = *s->p;
		if (c == '"') {
			sc_adv(s);
			return 0;
		}
		if (c != '\\') {
			if (out != NULL)
				buf_append(out, &c, 1);
			sc_adv(s);
			continue;
		}
		sc_adv(s);
		if (s->p >= s->end)
			return -1;
		c = *s->p;
		sc_adv(s);
		switch (c) {
		case 'b':	c = '\b'; break;
		case 'f':	c = '\f'; break;
		case 'n':	c = '\n'; break;
		case 'r':	c = '\r'; break;
		case 't':	c = '\t'; break;
		case 'u':
			if ((cp = sc_hex4(s)) < 0)
				return -1;
			if (cp >= 0xd800 && cp < 0xdc00 && s->end - s->p >= 6 &&
			    s->p[0] == '\\' && s->p[1] == 'u') {
				sc_adv(s);
				sc_adv(s);
				if ((lo = sc_hex4(s)) < 0)
					return -1;
				cp = 0x10000 + ((cp - 0xd800) << 10) +
				    (lo - 0xdc00);
			}
			if (out != NULL)
				put_utf8(out, (unsigned long)cp);
			continue;
		default:
			break;
		}
		if (out != NULL)
			buf_append(out, &c, 1);
	}
	return -1;
}

/* Skips one value of any kind. */
static int
sc_skip(struct scan *s)
{
	int	 depth = 0;

	if (s->p >= s->end)
		return -1;
	if (*s->p == '"')
		return sc_string(s, NULL);
	if (*s->p != '{' && *s->p != '[') {
		while (s->p < s->end && strchr(",]} \t\r\n", *s->p) == NULL)
			sc_adv(s);
		return 0;
	}
	while (s->p < s->end) {
		if (*s->p == '"') {
			if (sc_string(s, NULL) != 0)
				return -1;
			continue;
		}
		if (*s->p == '{' || *s->p == '[')
			depth++;
		else if (*s->p == '}' || *s->p == ']')
			depth--;
		sc_adv(s);
		if (depth == 0)
			return 0;
	}
	return -1;
}

/*
 * Finds the position of the member or element named by path: for an
 * object member, the opening quote of its key; for an array element, its
 * first character.  If the path cannot be followed, the position of the
 * deepest step found.
 */
void
jsonpos_locate(const char *text, size_t len, const struct jsonpos_step *path,
    int n, int value, int *line, int *col)
{
	struct scan	 s;
	struct buf	 k;
	size_t		 j;
	int		 i, found, kl, kc;

	buf_init(&k, 0);
	s.p = text;
	s.end = text + len;
	s.line = s.col = 1;
	sc_ws(&s);
	*line = s.line;
	*col = s.col;
	for (i = 0; i < n; i++) {
		found = 0;
		if (path[i].key != NULL) {
			if (s.p >= s.end || *s.p != '{')
				break;
			sc_adv(&s);
			for (;;) {
				sc_ws(&s);
				if (s.p >= s.end || *s.p != '"')
					break;
				kl = s.line;
				kc = s.col;
				buf_reset(&k);
				if (sc_string(&s, &k) != 0)
					break;
				sc_ws(&s);
				if (s.p < s.end && *s.p == ':')
					sc_adv(&s);
				sc_ws(&s);
				if (k.len == strlen(path[i].key) &&
				    memcmp(k.data, path[i].key, k.len) == 0) {
					*line = kl;
					*col = kc;
					if (value && i == n - 1) {
						*line = s.line;
						*col = s.col;
					}
					found = 1;
					break;
				}
				if (sc_skip(&s) != 0)
					break;
				sc_ws(&s);
				if (s.p < s.end && *s.p == ',')
					sc_adv(&s);
			}
		} else {
			if (s.p >= s.end || *s.p != '[')
				break;
			sc_adv(&s);
			for (j = 0;; j++) {
				sc_ws(&s);
				if (s.p >= s.end || *s.p == ']')
					break;
				if (j == path[i].idx) {
					*line = s.line;
					*col = s.col;
					found = 1;
					break;
				}
				if (sc_skip(&s) != 0)
					break;
				sc_ws(&s);
				if (s.p < s.end && *s.p == ',')
					sc_adv(&s);
			}
		}
		if (!found)
			break;
	}
	buf_release(&k);
}

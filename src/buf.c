/*
 * buf.c: growable, bounded, always NUL-terminated byte buffer.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "vigil.h"
#include "xmalloc.h"

void
buf_init(struct buf *b, size_t max)
{
	b->max = max == 0 ? BUF_MAX_DEFAULT : max;
	b->cap = 64;
	b->len = 0;
	b->data = xmalloc(b->cap);
	b->data[0] = '\0';
}

void
buf_release(struct buf *b)
{
	if (b == NULL)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

void
buf_reset(struct buf *b)
{
	b->len = 0;
	if (b->data != NULL)
		b->data[0] = '\0';
}

static int
buf_grow(struct buf *b, size_t add)
{
	size_t	 need;

	if (b->data == NULL)
		buf_init(b, b->max);
	if (add > b->max || b->len > b->max - add)
		return VGL_ERR_TOOBIG;
	need = b->len + add + 1;
	if (need <= b->cap)
		return 0;
	while (b->cap < need)
		b->cap *= 2;
	b->data = xreallocarray(b->data, 1, b->cap);
	return 0;
}

int
buf_append(struct buf *b, const void *p, size_t n)
{
	int	 r;

	if ((r = buf_grow(b, n)) != 0)
		return r;
	if (n > 0)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

int
buf_puts(struct buf *b, const char *s)
{
	return buf_append(b, s, strlen(s));
}

int
buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	char	*s;
	int	 r;

	s = xvasprintf(fmt, ap);
	r = buf_puts(b, s);
	free(s);
	return r;
}

int
buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list	 ap;
	int	 r;

	va_start(ap, fmt);
	r = buf_vprintf(b, fmt, ap);
	va_end(ap);
	return r;
}

char *
buf_detach(struct buf *b, size_t *lenp)
{
	char	*p;

	if (b->data == NULL)
		buf_init(b, b->max);
	p = b->data;
	if (lenp != NULL)
		*lenp = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

int
buf_read_file(struct buf *b, const char *path)
{
	FILE	*f;
	char	 tmp[8192];
	size_t	 n;
	int	 r = 0;

	if ((f = fopen(path, "rb")) == NULL)
		return VGL_ERR_IO;
	while ((n = fread(tmp, 1, sizeof(tmp), f)) > 0) {
		if ((r = buf_append(b, tmp, n)) != 0)
			break;
	}
	if (r == 0 && ferror(f))
		r = VGL_ERR_IO;
	fclose(f);
	return r;
}

/*
 * buf.h: a growable byte buffer with a maximum size.
 *
 * data is never NULL and always NUL-terminated, so text can be used in
 * place.  An append that would pass max fails with VGL_ERR_TOOBIG and
 * leaves the buffer unchanged, so a hostile response fails cleanly.
 */
#ifndef BUF_H
#define BUF_H

#include <stddef.h>
#include <stdarg.h>

struct buf {
	char	*data;
	size_t	 len;
	size_t	 cap;
	size_t	 max;
};

#define BUF_MAX_DEFAULT	(64UL * 1024 * 1024)

void	 buf_init(struct buf *, size_t max);	/* max 0: BUF_MAX_DEFAULT */
void	 buf_release(struct buf *);		/* frees; buf is reusable */
void	 buf_reset(struct buf *);		/* len 0, keeps memory */
int	 buf_append(struct buf *, const void *, size_t);
int	 buf_puts(struct buf *, const char *);
int	 buf_printf(struct buf *, const char *, ...)
	    __attribute__((format(printf, 2, 3)));
int	 buf_vprintf(struct buf *, const char *, va_list)
	    __attribute__((format(printf, 2, 0)));
/* Hands the bytes over (caller frees); the buffer is left empty. */
char	*buf_detach(struct buf *, size_t *lenp);
/* Read a whole file into b; 0, VGL_ERR_IO or VGL_ERR_TOOBIG. */
int	 buf_read_file(struct buf *, const char *path);

#endif

/*
 * test-buf.c: struct buf: growth, the maximum size, detach, files.
 */
#include "config.h"

#include <stdlib.h>

#include "buf.h"
#include "vigil.h"
#include "tap.h"

int
main(void)
{
	struct buf	 b;
	char		*p;
	size_t		 n;
	int		 i;

	buf_init(&b, 16);
	is_str(b.data, "", "new buffer is an empty string");
	is_int(buf_puts(&b, "0123456789"), 0, "append within max");
	is_int(buf_puts(&b, "abcdef"), 0, "append up to max");
	is_int(b.len, 16, "length is 16");
	is_int(buf_puts(&b, "x"), VGL_ERR_TOOBIG, "append past max fails");
	is_str(b.data, "0123456789abcdef", "failed append left it unchanged");
	buf_reset(&b);
	is_int(buf_printf(&b, "%d-%s", 42, "x"), 0, "printf");
	is_str(b.data, "42-x", "printf content");
	p = buf_detach(&b, &n);
	is_str(p, "42-x", "detach hands the bytes over");
	is_int(n, 4, "detach length");
	free(p);
	buf_release(&b);

	buf_init(&b, 0);
	for (i = 0; i < 10000; i++)
		buf_append(&b, "ab", 2);
	is_int(b.len, 20000, "grows past the initial capacity");
	ok(b.data[b.len] == '\0', "always NUL-terminated");
	buf_release(&b);
	buf_release(&b);	/* twice is harmless */

	buf_init(&b, 0);
	is_int(buf_read_file(&b, "/nonexistent/file"), VGL_ERR_IO,
	    "missing file is VGL_ERR_IO");
	buf_release(&b);
	buf_init(&b, 4);
	is_int(buf_read_file(&b, "/etc/passwd"), VGL_ERR_TOOBIG,
	    "file larger than max is VGL_ERR_TOOBIG");
	buf_release(&b);
	return done_testing();
}

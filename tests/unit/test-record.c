/*
 * test-record.c: recording files: numbering, modes, loading, bad files.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "record.h"
#include "vigil.h"
#include "xmalloc.h"
#include "tap.h"

static int
mode_of(const char *path)
{
	struct stat	 sb;

	return stat(path, &sb) == 0 ? (int)(sb.st_mode & 0777) : -1;
}

int
main(void)
{
	char		 tmpl[] = "/tmp/vigil-test-record.XXXXXX", *dir, *sub;
	char		*path = NULL, *why = NULL, *p;
	unsigned long	 seq = 0;
	json_t		*o, *arr = NULL;
	FILE		*f;
	int		 r;

	umask(022);
	dir = mkdtemp(tmpl);
	sub = xasprintf("%s/a/b/src", dir);
	is_int(record_mkdir(sub), 0, "mkdir -p of a nested directory");
	is_int(mode_of(sub), 0700, "directories are 0700");

	/* A file already there is skipped, not overwritten. */
	p = xasprintf("%s/000001.json", sub);
	f = fopen(p, "w");
	fputs("{\"n\": 0}\n", f);
	fclose(f);
	free(p);
	o = json_pack("{s:i}", "n", 1);
	r = record_write_next(sub, &seq, o, &path);
	json_decref(o);
	is_int(r, 0, "write_next succeeds");
	is_int(seq, 2, "numbering skips an existing file");
	ok(path != NULL && strstr(path, "/000002.json") != NULL,
	    "the path is returned (%s)", path != NULL ? path : "(null)");
	is_int(mode_of(path), 0600, "files are 0600");
	free(path);
	o = json_pack("{s:i}", "n", 2);
	record_write_next(sub, &seq, o, NULL);
	json_decref(o);
	p = xasprintf("%s/meta.json", sub);
	f = fopen(p, "w");
	fputs("{\"captured_at\": \"2026-01-01T00:00:00Z\"}\n", f);
	fclose(f);
	free(p);

	r = record_load_dir(sub, &arr, &why);
	is_int(r, 0, "load_dir succeeds");
	is_int(json_array_size(arr), 3, "three exchanges, meta.json left out");
	is_int(json_integer_value(json_object_get(json_array_get(arr, 0),
	    "n")), 0, "in name order (first)");
	is_int(json_integer_value(json_object_get(json_array_get(arr, 2),
	    "n")), 2, "in name order (last)");
	json_decref(arr);

	p = xasprintf("%s/000009.json", sub);
	f = fopen(p, "w");
	fputs("{\"n\": \n", f);
	fclose(f);
	free(p);
	r = record_load_dir(sub, &arr, &why);
	is_int(r, VGL_ERR_PARSE, "a truncated file is a parse error");
	ok(arr == NULL, "and no array is returned");
	ok(why != NULL && strstr(why, "000009.json") != NULL &&
	    strstr(why, " 2:") != NULL, "the error names the file and "
	    "position (%s)", why != NULL ? why : "(null)");
	free(why);
	why = NULL;

	r = record_load_dir("/nonexistent/vigil", &arr, &why);
	is_int(r, VGL_ERR_IO, "a missing directory is an I/O error");
	ok(why != NULL && strstr(why, "/nonexistent/vigil") != NULL,
	    "naming the directory");
	free(why);

	p = xasprintf("rm -rf '%s'", dir);
	if (system(p) != 0)
		ok(0, "cleanup");
	free(p);
	free(sub);
	return done_testing();
}

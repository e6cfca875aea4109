/*
 * test-record.c: recording files: numbering, modes, loading, bad files.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
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

	/* meta.json: kept when asked, replaced otherwise; its time read. */
	{
		json_t		*m;
		long long	 t = 0;
		char		*mdir = xasprintf("%s/m/src", dir);

		is_int(record_read_time(mdir, &t), -1, "no meta.json: no time");
		m = json_pack("{s:s}", "captured_at", "2024-05-01T12:00:00Z");
		is_int(record_write_meta(mdir, m, 1), 0, "meta.json written");
		json_decref(m);
		p = xasprintf("%s/meta.json", mdir);
		is_int(mode_of(p), 0600, "meta.json is 0600");
		m = json_pack("{s:s}", "captured_at", "2025-01-01T00:00:00Z");
		is_int(record_write_meta(mdir, m, 1), 0, "keep: no error");
		is_int(record_read_time(mdir, &t), 0, "captured_at read");
		is_int(t, 1714564800, "keep: the first time stays");
		is_int(record_write_meta(mdir, m, 0), 0, "replace: written");
		json_decref(m);
		record_read_time(mdir, &t);
		is_int(t, 1735689600, "replace: the new time");
		free(p);

		/* What is written is redacted; dot files are not exchanges. */
		log_add_secret("s3cr3t-value-xyz");
		seq = 0;
		o = json_pack("{s:s}", "token", "s3cr3t-value-xyz");
		is_int(record_write_next(mdir, &seq, o, &path), 0,
		    "an exchange with a secret is written");
		json_decref(o);
		f = fopen(path, "r");
		{
			char	 text[256] = "";
			size_t	 n = f != NULL ? fread(text, 1,
			    sizeof(text) - 1, f) : 0;

			text[n] = '\0';
			ok(n > 0 && strstr(text, "s3cr3t") == NULL,
			    "the secret is redacted in the file");
		}
		if (f != NULL)
			fclose(f);
		free(path);
		path = NULL;
		p = xasprintf("%s/.hidden.json", mdir);
		f = fopen(p, "w");
		if (f != NULL) {
			fputs("not json", f);
			fclose(f);
		}
		free(p);
		r = record_load_dir(mdir, &arr, &why);
		is_int(r, 0, "a dot file is not loaded");
		is_int(json_array_size(arr), 1, "one exchange in the directory");
		json_decref(arr);
		free(why);
		why = NULL;
		free(mdir);
	}

	p = xasprintf("rm -rf '%s'", dir);
	if (system(p) != 0)
		ok(0, "cleanup");
	free(p);
	free(sub);
	return done_testing();
}

/*
 * replay.c: runs a fuzz target over its corpus without libFuzzer, so a
 * plain (gcc) build replays every kept input in make check.  Prints TAP:
 * one "ok" line per corpus file; a crash or sanitizer report stops the
 * run, which tests/run-tests counts as a failure (the plan is not met).
 *
 *   test-fuzz-NAME [FILE|DIR...]
 * Without arguments: $TEST_SRCDIR/tests/fuzz/corpus/NAME (FUZZ_NAME).
 */
#include "config.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"
#include "paths.h"

int LLVMFuzzerInitialize(int *, char ***) __attribute__((weak));

static char	**files;
static size_t	 nfiles;

static void
add(const char *path)
{
	if ((files = realloc(files, (nfiles + 1) * sizeof(*files))) == NULL ||
	    (files[nfiles++] = strdup(path)) == NULL)
		abort();
}

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
collect(const char *path)
{
	struct stat	 st;
	struct dirent	*e;
	DIR		*d;
	char		 sub[4096];

	if (stat(path, &st) != 0) {
		fprintf(stderr, "replay: %s: cannot stat\n", path);
		exit(2);
	}
	if (!S_ISDIR(st.st_mode)) {
		add(path);
		return;
	}
	if ((d = opendir(path)) == NULL)
		exit(2);
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		collect(sub);
	}
	closedir(d);
}

static unsigned char *
slurp(const char *path, size_t *len)
{
	FILE		*f;
	unsigned char	*p = NULL;
	size_t		 cap = 0, n = 0, r;

	if ((f = fopen(path, "rb")) == NULL)
		return NULL;
	for (;;) {
		if (n == cap && (p = realloc(p, cap = cap * 2 + 4096)) == NULL)
			abort();
		if ((r = fread(p + n, 1, cap - n, f)) == 0)
			break;
		n += r;
	}
	fclose(f);
	*len = n;
	return p;
}

int
main(int argc, char **argv)
{
	const char	*src;
	char		 dir[4096];
	size_t		 i, len;
	unsigned char	*data;
	int		 a;

	if (LLVMFuzzerInitialize != NULL)
		LLVMFuzzerInitialize(&argc, &argv);
	if (argc > 1) {
		for (a = 1; a < argc; a++)
			collect(argv[a]);
	} else {
		if ((src = getenv("TEST_SRCDIR")) == NULL)
			src = VIGIL_SRCDIR;
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", src,
		    FUZZ_NAME);
		collect(dir);
	}
	qsort(files, nfiles, sizeof(*files), cmp);
	printf("1..%zu\n", nfiles);
	fflush(stdout);
	for (i = 0; i < nfiles; i++) {
		if ((data = slurp(files[i], &len)) == NULL) {
			printf("not ok %zu - %s: unreadable\n", i + 1, files[i]);
			free(files[i]);
			continue;
		}
		LLVMFuzzerTestOneInput(data, len);
		free(data);
		printf("ok %zu - %s %s\n", i + 1, FUZZ_NAME,
		    strrchr(files[i], '/') ? strrchr(files[i], '/') + 1 :
		    files[i]);
		fflush(stdout);
		free(files[i]);
	}
	free(files);
	return 0;
}

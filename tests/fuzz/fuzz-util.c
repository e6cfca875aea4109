/* fuzz-util.c: helpers shared by the fuzz targets (fuzz.h). */
#include "config.h"
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"

char *
fuzz_strndup(const uint8_t *data, size_t size)
{
	char	*s;

	if ((s = malloc(size + 1)) == NULL)
		abort();
	if (size > 0)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

static char	 tmpdir[4096];

static int
rm_one(const char *path, const struct stat *st, int flag, struct FTW *f)
{
	(void)st;
	(void)flag;
	(void)f;
	return remove(path) == 0 ? 0 : 0;
}

void
fuzz_rmtree(const char *path)
{
	nftw(path, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static void
tmpdir_cleanup(void)
{
	if (tmpdir[0] != '\0')
		fuzz_rmtree(tmpdir);
}

const char *
fuzz_tmpdir(void)
{
	const char	*base;

	if (tmpdir[0] != '\0')
		return tmpdir;
	if ((base = getenv("TMPDIR")) == NULL || *base == '\0')
		base = "/tmp";
	snprintf(tmpdir, sizeof(tmpdir), "%s/vigil-fuzz.XXXXXX", base);
	if (mkdtemp(tmpdir) == NULL) {
		perror("mkdtemp");
		abort();
	}
	atexit(tmpdir_cleanup);
	return tmpdir;
}

int
fuzz_write(const char *path, const void *data, size_t size)
{
	int	 fd;
	ssize_t	 n;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0)
		return -1;
	n = size > 0 ? write(fd, data, size) : 0;
	close(fd);
	return n == (ssize_t)size ? 0 : -1;
}

/*
 * record.c: writing and reading the per-exchange files of a recording.
 */
#include "config.h"

#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "record.h"
#include "util.h"
#include "vigil.h"
#include "xmalloc.h"

int
record_mkdir(const char *path)
{
	char	*tmp, *p;
	int	 r = 0;

	tmp = xstrdup(path);
	for (p = tmp + 1; ; p++) {
		if (*p != '/' && *p != '\0')
			continue;
		if (p[-1] != '/') {
			char	 save = *p;

			*p = '\0';
			if (mkdir(tmp, 0700) == -1 && errno != EEXIST) {
				r = VGL_ERR_IO;
				break;
			}
			*p = save;
		}
		if (*p == '\0')
			break;
	}
	free(tmp);
	return r;
}

/* Creates path exclusively (0600) with data: 0, 1 if it exists, or error. */
static int
write_excl(const char *path, const char *data, size_t len)
{
	int	 fd;
	ssize_t	 w;
	size_t	 off = 0;

	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC,
	    0600)) == -1)
		return errno == EEXIST ? 1 : VGL_ERR_IO;
	while (off < len) {
		w = write(fd, data + off, len - off);
		if (w == -1 && errno == EINTR)
			continue;
		if (w <= 0) {
			close(fd);
			unlink(path);
			return VGL_ERR_IO;
		}
		off += (size_t)w;
	}
	return close(fd) == -1 ? VGL_ERR_IO : 0;
}

int
record_write_text(const char *dir, unsigned long *seq, const char *text,
    char **pathp)
{
	char	*path = NULL;
	int	 r;

	if (pathp != NULL)
		*pathp = NULL;
	if (record_mkdir(dir) != 0)
		return VGL_ERR_IO;
	for (;;) {
		free(path);
		path = xasprintf("%s/%06lu.json", dir, ++*seq);
		if ((r = write_excl(path, text, strlen(text))) != 1)
			break;
	}
	if (r == 0 && pathp != NULL)
		*pathp = path;
	else
		free(path);
	return r;
}

int
record_write_next(const char *dir, unsigned long *seq, json_t *o,
    char **pathp)
{
	char	*text, *red;
	int	 r;

	if (pathp != NULL)
		*pathp = NULL;
	if ((text = json_dumps(o, JSON_INDENT(1) | JSON_SORT_KEYS)) == NULL) {
		errno = EINVAL;
		return VGL_ERR_IO;
	}
	red = log_redact(text);
	free(text);
	r = record_write_text(dir, seq, red, pathp);
	free(red);
	return r;
}

int
record_write_meta(const char *dir, json_t *meta, int keep)
{
	char	*path, *text;
	int	 r;

	if (record_mkdir(dir) != 0)
		return VGL_ERR_IO;
	if ((text = json_dumps(meta, JSON_INDENT(2) | JSON_SORT_KEYS)) ==
	    NULL) {
		errno = EINVAL;
		return VGL_ERR_IO;
	}
	path = xasprintf("%s/meta.json", dir);
	if (!keep && unlink(path) == -1 && errno != ENOENT)
		r = VGL_ERR_IO;
	else if ((r = write_excl(path, text, strlen(text))) == 1)
		r = 0;
	free(path);
	free(text);
	return r;
}

int
record_read_time(const char *dir, long long *out)
{
	json_t		*m;
	json_error_t	 e;
	char		*path;
	const char	*s;
	int		 r;

	path = xasprintf("%s/meta.json", dir);
	m = json_load_file(path, 0, &e);
	free(path);
	s = json_string_value(json_object_get(m, "captured_at"));
	r = s != NULL && iso8601_parse(s, out) == 0 ? 0 : -1;
	json_decref(m);
	return r;
}

static int
exchange_file(const struct dirent *e)
{
	size_t	 n = strlen(e->d_name);

	return e->d_name[0] != '.' && n > 5 &&
	    strcmp(e->d_name + n - 5, ".json") == 0 &&
	    strcmp(e->d_name, "meta.json") != 0;
}

int
record_each(const char *dir, int (*fn)(json_t *, const char *, void *,
    char **), void *arg, char **why)
{
	struct dirent	**list = NULL;
	json_error_t	 jerr;
	json_t		*o;
	char		*path;
	int		 n, i, r = 0;

	*why = NULL;
	if ((n = scandir(dir, &list, exchange_file, alphasort)) < 0) {
		*why = xasprintf("cannot read '%s': %s", dir, strerror(errno));
		return VGL_ERR_IO;
	}
	for (i = 0; i < n; i++) {
		path = xasprintf("%s/%s", dir, list[i]->d_name);
		free(list[i]);
		if (r == 0) {
			if ((o = json_load_file(path, 0, &jerr)) == NULL) {
				*why = xasprintf("cannot parse recording '%s': "
				    "%d:%d: %s", path, jerr.line, jerr.column,
				    jerr.text);
				r = VGL_ERR_PARSE;
			} else if (!json_is_object(o)) {
				*why = xasprintf("invalid recording '%s': not "
				    "an object", path);
				r = VGL_ERR_PARSE;
			} else
				r = fn(o, path, arg, why);
			json_decref(o);
		}
		free(path);
	}
	free(list);
	return r;
}

static int
append(json_t *o, const char *path, void *arr, char **why)
{
	(void)path;
	(void)why;
	json_array_append(arr, o);
	return 0;
}

int
record_load_dir(const char *dir, json_t **out, char **why)
{
	json_t	*arr = json_array();
	int	 r;

	*out = NULL;
	if ((r = record_each(dir, append, arr, why)) != 0) {
		json_decref(arr);
		return r;
	}
	*out = arr;
	return 0;
}

/*
 * fuzz-collect.c: a collector's response parsing, end to end, with no
 * network: the source is collected by run_collect() from a recording in
 * which one exchange is replaced by the fuzz input.
 *
 * Built once per provider with:
 *   FUZZ_POLICY     policy file (relative to the source tree)
 *   FUZZ_RECORDING  recording directory (DIR/<source>/NNNNNN.json)
 *   FUZZ_SOURCE     the source's name in the policy
 *   FUZZ_FIELD      what the input replaces in the exchange:
 *                   "body"          HTTP response body (as body_base64)
 *                   "answer_base64" a DNS reply in wire format
 *                   "entries"       LDAP entries (the input is JSON)
 *
 * Input: byte 0 picks the exchange (modulo their number), the rest is
 * the replacement.  The seed corpus is every recorded exchange as is.
 */
#include "config.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <openssl/evp.h>

#include "fuzz.h"
#include "log.h"
#include "paths.h"
#include "policy.h"
#include "run.h"
#include "source.h"
#include "store.h"

static struct policy	*pol;
static char		 recdir[4200], srcrec[4300];
static char		**names;	/* exchange files, sorted */
static json_t		**exch;		/* their recorded contents */
static size_t		 nexch;

static int
cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void
copy_file(const char *from, const char *to)
{
	json_t		*o;
	json_error_t	 e;

	if ((o = json_load_file(from, 0, &e)) == NULL ||
	    json_dump_file(o, to, JSON_COMPACT) != 0) {
		fprintf(stderr, "fuzz-collect: %s: %s\n", from, e.text);
		abort();
	}
	json_decref(o);
}

static void
cleanup(void)
{
	size_t	 i;

	for (i = 0; i < nexch; i++) {
		json_decref(exch[i]);
		free(names[i]);
	}
	free(exch);
	free(names);
	policy_free(pol);
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	const char	*src;
	char		 path[4600], to[4600];
	struct diags	 d = { 0 };
	struct dirent	*e;
	json_error_t	 je;
	DIR		*dir;
	size_t		 i;

	(void)argc;
	(void)argv;
	log_set_level(getenv("VIGIL_FUZZ_VERBOSE") != NULL ? LOG_WARN :
	    LOG_QUIET);
	if ((src = getenv("TEST_SRCDIR")) == NULL)
		src = VIGIL_SRCDIR;
	snprintf(path, sizeof(path), "%s/%s", src, FUZZ_POLICY);
	source_register_types();
	if (policy_load(path, &pol, &d) != 0) {
		diags_print(&d);
		abort();
	}
	diags_release(&d);

	snprintf(recdir, sizeof(recdir), "%s/rec", fuzz_tmpdir());
	mkdir(recdir, 0700);
	snprintf(path, sizeof(path), "%s/%s/meta.json", src, FUZZ_RECORDING);
	snprintf(to, sizeof(to), "%s/meta.json", recdir);
	copy_file(path, to);
	snprintf(srcrec, sizeof(srcrec), "%s/%s", recdir, FUZZ_SOURCE);
	mkdir(srcrec, 0700);
	snprintf(path, sizeof(path), "%s/%s/%s", src, FUZZ_RECORDING,
	    FUZZ_SOURCE);
	if ((dir = opendir(path)) == NULL) {
		perror(path);
		abort();
	}
	while ((e = readdir(dir)) != NULL) {
		if (e->d_name[0] == '.' || strstr(e->d_name, ".json") == NULL)
			continue;
		if (strcmp(e->d_name, "meta.json") != 0) {
			names = realloc(names, (nexch + 1) * sizeof(*names));
			names[nexch++] = strdup(e->d_name);
		}
	}
	closedir(dir);
	qsort(names, nexch, sizeof(*names), cmp);
	exch = calloc(nexch + 1, sizeof(*exch));
	for (i = 0; i < nexch; i++) {
		snprintf(to, sizeof(to), "%s/%s/%s/%s", src, FUZZ_RECORDING,
		    FUZZ_SOURCE, names[i]);
		if ((exch[i] = json_load_file(to, 0, &je)) == NULL) {
			fprintf(stderr, "%s: %s\n", to, je.text);
			abort();
		}
		snprintf(to, sizeof(to), "%s/%s", srcrec, names[i]);
		json_dump_file(exch[i], to, JSON_COMPACT);
	}
	snprintf(path, sizeof(path), "%s/%s/%s/meta.json", src,
	    FUZZ_RECORDING, FUZZ_SOURCE);
	snprintf(to, sizeof(to), "%s/meta.json", srcrec);
	if (access(path, R_OK) == 0)
		copy_file(path, to);
	atexit(cleanup);
	return 0;
}

static json_t *
b64(const uint8_t *data, size_t size)
{
	char	*s;
	json_t	*v;

	if ((s = malloc(4 * ((size + 2) / 3) + 1)) == NULL)
		abort();
	EVP_EncodeBlock((unsigned char *)s, data, (int)size);
	v = json_string(s);
	free(s);
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct collect_opts	 co = { NULL, recdir };
	struct collect_result	 res;
	struct snapshot		*sn = NULL;
	struct store		*st = NULL;
	const char		*field = FUZZ_FIELD;
	char			 path[4600];
	json_t			*o, *v;
	size_t			 i;

	if (nexch == 0 || size < 1 || size > 1 << 20)
		return 0;
	i = data[0] % nexch;
	data++;
	size--;
	o = json_deep_copy(exch[i]);
	if (strcmp(field, "body") == 0) {
		json_object_del(o, "body");
		json_object_set_new(o, "body_base64", b64(data, size));
	} else if (strcmp(field, "answer_base64") == 0) {
		json_object_del(o, "no_answer");
		json_object_set_new(o, "answer_base64", b64(data, size));
	} else {
		if ((v = json_loadb((const char *)data, size,
		    JSON_DECODE_ANY, NULL)) == NULL) {
			json_decref(o);
			return 0;
		}
		json_object_set_new(o, field, v);
	}
	snprintf(path, sizeof(path), "%s/%s", srcrec, names[i]);
	if (json_dump_file(o, path, JSON_COMPACT) != 0)
		abort();
	json_decref(o);

	memset(&res, 0, sizeof(res));
	if (store_open(NULL, STORE_MEMORY, &st) != 0)
		abort();
	if (run_collect(st, pol, FUZZ_SOURCE, &co, 1, &res, &sn) == 0 &&
	    sn != NULL)
		snap_abort(sn);
	/* VIGIL_FUZZ_VERBOSE: say whether the collection still succeeds. */
	if (getenv("VIGIL_FUZZ_VERBOSE") != NULL)
		fprintf(stderr, "fuzz-collect: exchange %zu: %d of %d "
		    "source(s) failed, %ld resources\n", i + 1, res.nfailed,
		    res.nsources, res.resources);
	store_close(st);

	if (json_dump_file(exch[i], path, JSON_COMPACT) != 0)
		abort();
	return 0;
}

/*
 * fuzz-record.c: loading a recording (record_load_dir): the input is one
 * exchange file of a recorded source directory.
 */
#include "config.h"
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <jansson.h>

#include "fuzz.h"
#include "record.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char	 dir[4200], path[4300], *why = NULL;
	json_t	*all = NULL;

	snprintf(dir, sizeof(dir), "%s/rec", fuzz_tmpdir());
	mkdir(dir, 0700);
	snprintf(path, sizeof(path), "%s/000001.json", dir);
	if (fuzz_write(path, data, size) != 0)
		abort();
	if (record_load_dir(dir, &all, &why) == 0)
		json_decref(all);
	free(why);
	return 0;
}

/*
 * fuzz.h: what the fuzz targets share.  Each target defines
 * LLVMFuzzerTestOneInput (and may define LLVMFuzzerInitialize); it is
 * linked either with libFuzzer (make fuzz, clang) or with replay.c (the
 * corpus replay run by make check, any compiler).
 */
#ifndef FUZZ_H
#define FUZZ_H
#include <stddef.h>
#include <stdint.h>

int	 LLVMFuzzerInitialize(int *argc, char ***argv);
int	 LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A new NUL-terminated copy of data (free it). */
char	*fuzz_strndup(const uint8_t *data, size_t size);
/* A private scratch directory, made once per process, removed at exit. */
const char *fuzz_tmpdir(void);
/* Writes data to path (truncating); 0 or -1. */
int	 fuzz_write(const char *path, const void *data, size_t size);
/* rm -rf path (no symlinks followed). */
void	 fuzz_rmtree(const char *path);
#endif

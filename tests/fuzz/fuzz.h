/*
 * fuzz.h: what the harnesses in tests/fuzz share.  Each harness is one
 * LLVMFuzzerTestOneInput; scripts/fuzz links it with libFuzzer, the
 * Makefile with tests/fuzz/replay.c, which runs it over files (make check
 * replays every file in tests/fuzz/corpus/NAME).  tests/fuzz/common.c
 * defines these helpers.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crm-int.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* A private folder for the run (removed at exit): path = it / name. */
void	fz_path(char *path, size_t size, const char *name);
/* Write d[0..n) to the file at path; 0 on success. */
int	fz_write(const char *path, const uint8_t *d, size_t n);
/* Remove a store and the files SQLite keeps beside it. */
void	fz_unlink_store(const char *path);
/* The options of a command run on the store at path, at a fixed clock. */
void	fz_cli(struct crm_cli *, const char *path);
/* A small store with one record of every kind (id 1 each), at path. */
void	fz_seed_store(const char *path);
/* Split s (NUL-terminated, modified) at newlines into at most max args. */
int	fz_split(char *s, char **argv, int max);

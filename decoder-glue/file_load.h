/* Whole-file reads for the decoder-format readers (n-best lists, lattices, symbol tables, FSTs,
 * transcripts, CTC files): each parses text held in memory, so a file is read once, whole.
 * Internal to librlm (not installed). */
#ifndef RLM_FILE_LOAD_H
#define RLM_FILE_LOAD_H

#include <stddef.h>

#include "rlm_status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The bytes of the file, NUL-terminated after *size bytes (a parser may rely on that; the file
 * may hold NUL bytes of its own); free() it. NULL with RLM_E_IO ("PATH: cannot open: reason",
 * "PATH: cannot read") or RLM_E_NOMEM. */
char *glue_load_file(const char *path, size_t *size, rlm_error *err);

#ifdef __cplusplus
}
#endif

#endif

/* Atomic file replacement: write to a temporary file next to the target, fsync it, and rename it
 * over the target, so a reader (or a job killed mid-write) sees either the old file or the
 * complete new one, never a torn one. Used by model files, checkpoints and n-gram binaries
 * (internal, not installed).
 *
 *   rlm_atomic_file af;
 *   if (rlm_atomic_open(&af, path, err)) return err->status;
 *   ... fwrite(..., af.f) ...   (on a failure of your own: rlm_atomic_abort(&af))
 *   return rlm_atomic_commit(&af, err);   (aborts by itself when it fails) */
#ifndef RLM_ATOMIC_FILE_H
#define RLM_ATOMIC_FILE_H

#include <stdio.h>

#include "rlm_status.h"

typedef struct rlm_atomic_file {
    FILE *f;        /* write here; its descriptor is also readable (the n-gram binary maps it
                       back to checksum what reached the disk) */
    char *path;     /* the target */
    char *tmp_path; /* PATH.tmp.XXXXXX in the target's directory */
} rlm_atomic_file;

/* Create the temporary file (mode 0666 less the umask, as a plain fopen would). RLM_E_IO names
 * path when the directory is missing or not writable. */
rlm_status rlm_atomic_open(rlm_atomic_file *af, const char *path, rlm_error *err);
/* Flush, fsync, close and rename over the target, then fsync the directory. On any failure the
 * temporary file is removed, an existing target is left as it was, and RLM_E_IO is returned. */
rlm_status rlm_atomic_commit(rlm_atomic_file *af, rlm_error *err);
/* Close and remove the temporary file; the target is untouched. Safe to call twice. */
void rlm_atomic_abort(rlm_atomic_file *af);

#endif

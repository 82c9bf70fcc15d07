/* Whole-file reads for the CTC readers (alphabets, posteriors). */
#include <stdio.h>
#include <stdlib.h>

#include "ctc_internal.h"

rlm_status ctc_read_file(const char *path, char **out, size_t *len, rlm_error *err) {
    *out = NULL, *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f) return rlm_fail(err, RLM_E_IO, "%s: cannot open", path);
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0)
        if ((n += got) == cap) {
            char *b = realloc(buf, cap *= 2);
            if (!b) free(buf);
            buf = b;
        }
    int bad = ferror(f);
    fclose(f);
    if (!buf) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", path);
    if (bad) {
        free(buf);
        return rlm_fail(err, RLM_E_IO, "%s: read error", path);
    }
    *out = buf, *len = n;
    return RLM_OK;
}

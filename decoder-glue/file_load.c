/* Whole-file reads (file_load.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file_load.h"

char *glue_load_file(const char *path, size_t *size, rlm_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        rlm_fail(err, RLM_E_IO, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0, got;
    char *buf = malloc(cap + 1);
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            char *b = realloc(buf, 2 * cap + 1);
            if (!b) free(buf);
            buf = b, cap *= 2;
        }
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        rlm_fail(err, buf ? RLM_E_IO : RLM_E_NOMEM, "%s: cannot read", path);
        return NULL;
    }
    buf[n] = 0;
    *size = n;
    return buf;
}

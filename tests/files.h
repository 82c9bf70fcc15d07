/* Files for the unit tests: a fresh temporary file with given bytes, writing and reading whole
 * files. Static inline so a test includes it whole and links nothing more. */
#ifndef RLM_TESTS_FILES_H
#define RLM_TESTS_FILES_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* Creates a new file from the mkstemp template in path (ending in XXXXXX, rewritten to the name)
 * holding len bytes (none when len is 0). Returns 0, or -1 when it could not; the caller
 * unlinks it. */
static inline int test_temp_file(char *path, const void *bytes, size_t len) {
    int fd = mkstemp(path);
    if (fd < 0) return -1;
    FILE *f = fdopen(fd, "wb");
    if (!f) {
        close(fd);
        return -1;
    }
    size_t w = len ? fwrite(bytes, 1, len, f) : 0;
    return fclose(f) == 0 && w == len ? 0 : -1;
}

/* Replaces path with n bytes; 0, or -1 on failure. */
static inline int test_write_file(const char *path, const void *data, size_t n) {
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t w = fwrite(data, 1, n, f);
    return fclose(f) == 0 && w == n ? 0 : -1;
}

/* The whole file, with a NUL after it (not counted in *n); NULL when it cannot be read. The
 * caller frees it. */
static inline void *test_read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = len >= 0 ? malloc((size_t)len + 1) : NULL;
    if (buf && fread(buf, 1, (size_t)len, f) != (size_t)len) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    if (!buf) return NULL;
    buf[len] = '\0';
    *n = (size_t)len;
    return buf;
}

#endif

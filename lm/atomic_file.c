/* Atomic file replacement: temporary file, fsync, rename (see atomic_file.h). */
#include "atomic_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* The random suffix is made here rather than with mkstemp because mkstemp creates the file with
 * mode 0600, and restoring the usual umask-based mode would need umask(), which is process-wide
 * and racy when other threads create files. O_CREAT | O_EXCL gives the same safety. */
static void random_suffix(char *out, unsigned attempt) {
    static const char chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    uint64_t x = (uint64_t)ts.tv_nsec ^ (uint64_t)ts.tv_sec << 30 ^ (uint64_t)getpid() << 17 ^
                 (uint64_t)(uintptr_t)out ^ (uint64_t)attempt * 0x9E3779B97F4A7C15ull;
    for (int i = 0; i < 6; i++) {
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdull;
        x ^= x >> 29;
        out[i] = chars[x % (sizeof chars - 1)];
    }
    out[6] = '\0';
}

rlm_status rlm_atomic_open(rlm_atomic_file *af, const char *path, rlm_error *err) {
    memset(af, 0, sizeof *af);
    size_t n = strlen(path);
    af->path = malloc(n + 1);
    af->tmp_path = malloc(n + sizeof ".tmp.XXXXXX");
    if (!af->path || !af->tmp_path) {
        free(af->path);
        free(af->tmp_path);
        af->path = af->tmp_path = NULL;
        return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", path);
    }
    memcpy(af->path, path, n + 1);
    int fd = -1;
    for (unsigned attempt = 0; attempt < 100 && fd < 0; attempt++) {
        char suffix[7];
        random_suffix(suffix, attempt);
        snprintf(af->tmp_path, n + sizeof ".tmp.XXXXXX", "%s.tmp.%s", path, suffix);
        fd = open(af->tmp_path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) {
        int e = errno;
        free(af->tmp_path);
        af->tmp_path = NULL; /* nothing was created, so abort must not unlink anything */
        rlm_atomic_abort(af);
        return rlm_fail(err, RLM_E_IO, "%s: cannot create a temporary file next to it: %s", path,
                        strerror(e));
    }
    af->f = fdopen(fd, "wb");
    if (!af->f) {
        int e = errno;
        close(fd);
        rlm_atomic_abort(af);
        return rlm_fail(err, RLM_E_IO, "%s: cannot open the temporary file: %s", path,
                        strerror(e));
    }
    return RLM_OK;
}

/* The rename is only durable once the directory entry is on disk too. Some file systems refuse
 * fsync on a directory (EINVAL); the file itself is complete then, so that is not an error. */
static void sync_directory(const char *path) {
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (!dir) return;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        (void)fsync(fd);
        close(fd);
    }
    free(dir);
}

rlm_status rlm_atomic_commit(rlm_atomic_file *af, rlm_error *err) {
    const char *what = "write";
    int e = 0;
    errno = 0;
    if (fflush(af->f) != 0 || ferror(af->f)) {
        e = errno ? errno : EIO;
    } else if (fsync(fileno(af->f)) != 0) {
        e = errno, what = "fsync";
    }
    int closed = fclose(af->f);
    af->f = NULL;
    if (!e && closed != 0) e = errno;
    if (!e && rename(af->tmp_path, af->path) != 0) e = errno, what = "rename";
    if (e) {
        rlm_fail(err, RLM_E_IO, "%s: %s failed: %s", af->path, what, strerror(e));
        rlm_atomic_abort(af);
        return RLM_E_IO;
    }
    sync_directory(af->path);
    free(af->tmp_path);
    af->tmp_path = NULL; /* renamed: nothing left to remove */
    rlm_atomic_abort(af);
    return RLM_OK;
}

void rlm_atomic_abort(rlm_atomic_file *af) {
    if (af->f) fclose(af->f);
    if (af->tmp_path) unlink(af->tmp_path);
    free(af->tmp_path);
    free(af->path);
    af->f = NULL;
    af->tmp_path = af->path = NULL;
}

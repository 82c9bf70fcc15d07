/* RIFF/WAVE reader for 16-bit mono PCM (see wav_read.h). Chunks other than "fmt " and "data"
 * (LIST, fact, ...) are skipped, as sox and Festival may write them. */
#include "wav_read.h"
#include "tool_error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Larger files are surely not one utterance; refusing them keeps a wrong path from eating memory. */
#define WAV_MAX_BYTES (512L * 1024 * 1024)

static uint32_t le32(const unsigned char *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const unsigned char *p) { return (uint16_t)(p[0] | p[1] << 8); }

/* Reads the whole file; 0 on success. */
static int slurp(const char *path, unsigned char **buf, size_t *len, char *msg, size_t msg_size)
{
    FILE *f = fopen(path, "rb");
    if (!f) return fail(msg, msg_size, "%s: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return fail(msg, msg_size, "%s: not a regular file", path);
    }
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0) size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return fail(msg, msg_size, "%s: cannot determine the size", path);
    }
    if (size > WAV_MAX_BYTES) {
        fclose(f);
        return fail(msg, msg_size, "%s: %ld bytes, more than the %ld this tool reads", path, size,
                    WAV_MAX_BYTES);
    }
    *buf = malloc(size > 0 ? (size_t)size : 1);
    if (!*buf) {
        fclose(f);
        return fail(msg, msg_size, "%s: out of memory for %ld bytes", path, size);
    }
    *len = fread(*buf, 1, (size_t)size, f);
    int bad = ferror(f) || *len != (size_t)size;
    fclose(f);
    if (bad) {
        free(*buf);
        return fail(msg, msg_size, "%s: read error", path);
    }
    return 0;
}

int wav_read_pcm16(const char *path, wav_pcm16 *out, char *msg, size_t msg_size)
{
    unsigned char *buf = NULL;
    size_t len = 0;
    memset(out, 0, sizeof *out);
    if (slurp(path, &buf, &len, msg, msg_size)) return -1;
    int rc = -1;
    if (len < 12 || memcmp(buf, "RIFF", 4) != 0 || memcmp(buf + 8, "WAVE", 4) != 0) {
        fail(msg, msg_size, "%s: header: not a RIFF/WAVE file", path);
        goto done;
    }
    int have_fmt = 0;
    size_t pos = 12;
    while (pos + 8 <= len) {
        const unsigned char *id = buf + pos;
        uint32_t size = le32(buf + pos + 4);
        size_t body = pos + 8;
        /* Writers that stream (sox to a pipe) leave 0 or 0xffffffff in the data size: take the rest. */
        size_t avail = len - body;
        size_t n = size > avail ? avail : size;
        if (memcmp(id, "fmt ", 4) == 0) {
            if (n < 16) {
                fail(msg, msg_size, "%s: fmt: chunk of %zu bytes, expected at least 16", path, n);
                goto done;
            }
            uint16_t format = le16(buf + body), channels = le16(buf + body + 2);
            uint16_t bits = le16(buf + body + 14);
            out->rate = (long)le32(buf + body + 4);
            /* 0xfffe is WAVE_FORMAT_EXTENSIBLE, which sox writes for some files; its samples
             * are still plain PCM when the bit depth says 16. */
            if (format != 1 && format != 0xfffe) {
                fail(msg, msg_size, "%s: fmt: audio format %u, expected 1 (PCM)", path, format);
                goto done;
            }
            if (channels != 1) {
                fail(msg, msg_size, "%s: fmt: %u channels, expected 1", path, channels);
                goto done;
            }
            if (bits != 16) {
                fail(msg, msg_size, "%s: fmt: %u bits per sample, expected 16", path, bits);
                goto done;
            }
            have_fmt = 1;
        } else if (memcmp(id, "data", 4) == 0) {
            if (!have_fmt) {
                fail(msg, msg_size, "%s: data: chunk before the fmt chunk", path);
                goto done;
            }
            out->n = n / 2;
            out->samples = malloc(out->n ? out->n * sizeof(int16_t) : 1);
            if (!out->samples) {
                fail(msg, msg_size, "%s: data: out of memory for %zu samples", path, out->n);
                goto done;
            }
            for (size_t i = 0; i < out->n; i++)
                out->samples[i] = (int16_t)le16(buf + body + 2 * i);
            rc = 0;
            goto done;
        }
        if (size > avail) break;
        pos = body + size + (size & 1); /* chunks are padded to even sizes */
    }
    fail(msg, msg_size, "%s: %s", path, have_fmt ? "data: no data chunk" : "fmt: no fmt chunk");
done:
    free(buf);
    return rc;
}

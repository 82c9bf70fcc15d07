/* Streaming input for the ARPA reader: a file or a memory buffer, plain, gzip (zlib) or xz
 * (liblzma), recognised by its magic bytes, cut into lines in one reusable buffer. No allocation
 * per line: a line is handed out in place and stays valid until the next call. */
#include <errno.h>
#include <fcntl.h>
#include <lzma.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "ngram_internal.h"

enum codec { CODEC_PLAIN, CODEC_GZIP, CODEC_XZ };

#define RAW_CHUNK (1u << 18)
#define LINE_CHUNK (1u << 20)
#define MAX_LINE (1u << 26) /* a longer "line" is not ARPA; refuse rather than eat memory */

struct ngram_lines {
    const char *name;
    enum codec codec;
    /* compressed or plain bytes: from fd into raw_buf, or straight from memory */
    int fd;
    const unsigned char *raw;
    size_t raw_len, raw_pos;
    unsigned char *raw_buf;
    int raw_eof;
    uint64_t raw_total; /* size of the input when known, else 0 */
    z_stream z;
    int z_ready, z_member_done;
    lzma_stream x;
    int x_ready, x_done;
    /* decoded text */
    char *buf;
    size_t cap, start, end;
    int text_eof;
    uint64_t line_no;
};

/* Make raw bytes available (reads the next chunk for a file). */
static rlm_status raw_fill(ngram_lines *l, rlm_error *err) {
    if (l->raw_pos < l->raw_len || l->raw_eof) return RLM_OK;
    if (l->fd < 0) {
        l->raw_eof = 1;
        return RLM_OK;
    }
    ssize_t n;
    do n = read(l->fd, l->raw_buf, RAW_CHUNK);
    while (n < 0 && errno == EINTR);
    if (n < 0) return rlm_fail(err, RLM_E_IO, "%s: read failed: %s", l->name, strerror(errno));
    l->raw = l->raw_buf;
    l->raw_len = (size_t)n;
    l->raw_pos = 0;
    if (n == 0) l->raw_eof = 1;
    return RLM_OK;
}

static rlm_status read_gzip(ngram_lines *l, char *dst, size_t cap, size_t *got, rlm_error *err) {
    *got = 0;
    while (*got == 0) {
        rlm_status s = raw_fill(l, err);
        if (s) return s;
        if (l->z_member_done) {
            /* Another gzip member may follow (concatenated .gz files are one stream). */
            if (l->raw_pos == l->raw_len) return RLM_OK;
            inflateReset(&l->z);
            l->z_member_done = 0;
        }
        l->z.next_in = (Bytef *)(l->raw + l->raw_pos);
        l->z.avail_in = (uInt)(l->raw_len - l->raw_pos);
        l->z.next_out = (Bytef *)dst;
        l->z.avail_out = (uInt)cap;
        int rc = inflate(&l->z, Z_NO_FLUSH);
        l->raw_pos = l->raw_len - l->z.avail_in;
        *got = cap - l->z.avail_out;
        if (rc == Z_STREAM_END) {
            l->z_member_done = 1;
        } else if (rc == Z_BUF_ERROR || (rc == Z_OK && *got == 0)) {
            if (l->raw_eof && l->raw_pos == l->raw_len)
                return rlm_fail(err, RLM_E_FORMAT, "%s:%llu: gzip data is truncated (the stream "
                                "ends before its trailer)", l->name,
                                (unsigned long long)l->line_no + 1);
        } else if (rc != Z_OK) {
            return rlm_fail(err, RLM_E_FORMAT, "%s:%llu: corrupt gzip data: %s", l->name,
                            (unsigned long long)l->line_no + 1,
                            l->z.msg ? l->z.msg : "inflate failed");
        }
    }
    return RLM_OK;
}

static rlm_status read_xz(ngram_lines *l, char *dst, size_t cap, size_t *got, rlm_error *err) {
    *got = 0;
    while (*got == 0 && !l->x_done) {
        rlm_status s = raw_fill(l, err);
        if (s) return s;
        l->x.next_in = l->raw + l->raw_pos;
        l->x.avail_in = l->raw_len - l->raw_pos;
        l->x.next_out = (uint8_t *)dst;
        l->x.avail_out = cap;
        lzma_ret rc = lzma_code(&l->x, l->raw_eof ? LZMA_FINISH : LZMA_RUN);
        l->raw_pos = l->raw_len - l->x.avail_in;
        *got = cap - l->x.avail_out;
        if (rc == LZMA_STREAM_END) {
            l->x_done = 1;
        } else if (rc == LZMA_BUF_ERROR) {
            return rlm_fail(err, RLM_E_FORMAT, "%s:%llu: xz data is truncated", l->name,
                            (unsigned long long)l->line_no + 1);
        } else if (rc != LZMA_OK) {
            return rlm_fail(err, RLM_E_FORMAT, "%s:%llu: corrupt xz data (liblzma error %d)",
                            l->name, (unsigned long long)l->line_no + 1, (int)rc);
        }
    }
    return RLM_OK;
}

static rlm_status read_text(ngram_lines *l, char *dst, size_t cap, size_t *got, rlm_error *err) {
    switch (l->codec) {
    case CODEC_GZIP: return read_gzip(l, dst, cap, got, err);
    case CODEC_XZ: return read_xz(l, dst, cap, got, err);
    case CODEC_PLAIN: break;
    }
    rlm_status s = raw_fill(l, err);
    if (s) return s;
    size_t n = l->raw_len - l->raw_pos;
    if (n > cap) n = cap;
    memcpy(dst, l->raw + l->raw_pos, n);
    l->raw_pos += n;
    *got = n;
    return RLM_OK;
}

static rlm_status start_codec(ngram_lines *l, rlm_error *err) {
    rlm_status s = raw_fill(l, err);
    if (s) return s;
    const unsigned char *p = l->raw + l->raw_pos;
    size_t n = l->raw_len - l->raw_pos;
    static const unsigned char xz_magic[6] = {0xfd, '7', 'z', 'X', 'Z', 0};
    if (n >= 2 && p[0] == 0x1f && p[1] == 0x8b) {
        l->codec = CODEC_GZIP;
        if (inflateInit2(&l->z, 15 + 16) != Z_OK)
            return rlm_fail(err, RLM_E_NOMEM, "%s: cannot start the gzip decoder", l->name);
        l->z_ready = 1;
    } else if (n >= 6 && !memcmp(p, xz_magic, 6)) {
        l->codec = CODEC_XZ;
        lzma_stream init = LZMA_STREAM_INIT;
        l->x = init;
        if (lzma_stream_decoder(&l->x, UINT64_MAX, LZMA_CONCATENATED) != LZMA_OK)
            return rlm_fail(err, RLM_E_NOMEM, "%s: cannot start the xz decoder", l->name);
        l->x_ready = 1;
    } else {
        l->codec = CODEC_PLAIN;
    }
    l->cap = LINE_CHUNK;
    l->buf = malloc(l->cap + 1);
    if (!l->buf) return rlm_fail(err, RLM_E_NOMEM, "%s: cannot allocate the line buffer", l->name);
    return RLM_OK;
}

static ngram_lines *lines_new(const char *name) {
    ngram_lines *l = calloc(1, sizeof *l);
    if (!l) return NULL;
    l->name = name;
    l->fd = -1;
    return l;
}

rlm_status ngram_lines_open_file(ngram_lines **out, const char *path, rlm_error *err) {
    *out = NULL;
    ngram_lines *l = lines_new(path);
    if (!l) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", path);
    l->fd = open(path, O_RDONLY | O_CLOEXEC);
    if (l->fd < 0) {
        int e = errno;
        free(l);
        return rlm_fail(err, RLM_E_IO, "%s: cannot open: %s", path, strerror(e));
    }
    struct stat st;
    if (fstat(l->fd, &st) == 0 && S_ISREG(st.st_mode)) l->raw_total = (uint64_t)st.st_size;
    l->raw_buf = malloc(RAW_CHUNK);
    rlm_status s = l->raw_buf ? start_codec(l, err)
                              : rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", path);
    if (s) {
        ngram_lines_close(l);
        return s;
    }
    *out = l;
    return RLM_OK;
}

rlm_status ngram_lines_open_memory(ngram_lines **out, const void *data, size_t size,
                                   const char *name, rlm_error *err) {
    *out = NULL;
    ngram_lines *l = lines_new(name ? name : "(memory)");
    if (!l) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
    l->raw = data;
    l->raw_len = size;
    l->raw_eof = 1;
    l->raw_total = size;
    rlm_status s = start_codec(l, err);
    if (s) {
        ngram_lines_close(l);
        return s;
    }
    *out = l;
    return RLM_OK;
}

rlm_status ngram_lines_next(ngram_lines *l, char **line, size_t *len, rlm_error *err) {
    for (;;) {
        char *nl = memchr(l->buf + l->start, '\n', l->end - l->start);
        if (nl || (l->text_eof && l->start < l->end)) {
            char *begin = l->buf + l->start;
            char *stop = nl ? nl : l->buf + l->end; /* the last line may lack its newline */
            l->start = (size_t)(stop - l->buf) + (nl ? 1 : 0);
            if (stop > begin && stop[-1] == '\r') stop--;
            *stop = '\0'; /* buf has one spare byte past cap for a final line */
            *line = begin;
            *len = (size_t)(stop - begin);
            l->line_no++;
            return RLM_OK;
        }
        if (l->text_eof) {
            *line = NULL;
            *len = 0;
            return RLM_OK;
        }
        /* Keep the partial line, then read more text behind it. */
        memmove(l->buf, l->buf + l->start, l->end - l->start);
        l->end -= l->start;
        l->start = 0;
        if (l->end == l->cap) {
            if (l->cap >= MAX_LINE)
                return rlm_fail(err, RLM_E_FORMAT, "%s:%llu: line longer than %u bytes", l->name,
                                (unsigned long long)l->line_no + 1, MAX_LINE);
            char *bigger = realloc(l->buf, 2 * l->cap + 1);
            if (!bigger) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", l->name);
            l->buf = bigger;
            l->cap *= 2;
        }
        size_t got;
        rlm_status s = read_text(l, l->buf + l->end, l->cap - l->end, &got, err);
        if (s) return s;
        if (got == 0) l->text_eof = 1;
        l->end += got;
    }
}

uint64_t ngram_lines_number(const ngram_lines *l) { return l->line_no; }

const char *ngram_lines_name(const ngram_lines *l) { return l->name; }

uint64_t ngram_lines_size_bound(const ngram_lines *l) {
    if (!l->raw_total) return UINT64_MAX;
    switch (l->codec) {
    case CODEC_PLAIN: return l->raw_total;
    /* deflate expands at most about 1032:1; xz's LZMA2 can go much further, so stay generous */
    case CODEC_GZIP: return l->raw_total > UINT64_MAX / 1100 ? UINT64_MAX : l->raw_total * 1100;
    case CODEC_XZ: return l->raw_total > UINT64_MAX / 100000 ? UINT64_MAX : l->raw_total * 100000;
    }
    return UINT64_MAX;
}

void ngram_lines_close(ngram_lines *l) {
    if (!l) return;
    if (l->z_ready) inflateEnd(&l->z);
    if (l->x_ready) lzma_end(&l->x);
    if (l->fd >= 0) close(l->fd);
    free(l->raw_buf);
    free(l->buf);
    free(l);
}

/* The vocabulary's two stored forms: a text file a user can read and edit, and a binary blob for
 * model files. Both are checked entry by entry through the same add_entry, so a file that loads
 * is always a vocabulary the rest of the library can trust (specials in place, no duplicates,
 * contiguous non-empty classes). */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "atomic_file.h"
#include "le_bytes.h"
#include "token_iter.h"
#include "vocab_impl.h"

#define HEADER_USAGE "expected \"#rlm-vocab v1 word|char classes=N\""

/* ---- checks shared by the text and the binary reader ---- */

typedef struct loader {
    rlm_vocab *v;
    int32_t *class_of;
    size_t cap;
} loader;

static int is_space_or_nul(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f' || c == 0;
}

static int same(const char *tok, size_t len, const char *s) {
    return len == strlen(s) && !memcmp(tok, s, len);
}

/* Why this token cannot be an entry, or NULL. The tokenizer never produces a token with
 * whitespace in it, nor (at character level) more than one character, so such an entry could
 * never be used, and it usually means the file was edited by mistake. */
static const char *token_problem(const char *tok, size_t len, int char_level) {
    if (len == 0) return "empty token";
    for (size_t i = 0; i < len; i++)
        if (is_space_or_nul((unsigned char)tok[i]))
            return "contains whitespace or a NUL byte, which the tokenizer never produces";
    if (len == 3 && !memcmp(tok, "<s>", 3)) return "\"<s>\" is reserved (it is an alias of id 0)";
    if (char_level && !same(tok, len, RLM_SPACE_TOKEN) && !same(tok, len, "</s>") &&
        !same(tok, len, "<unk>") && rlm_utf8_seq_len((const unsigned char *)tok, len) != len)
        return "a char vocabulary holds single UTF-8 characters, \"" RLM_SPACE_TOKEN
               "\", \"</s>\" and \"<unk>\"";
    return NULL;
}

static rlm_status add_entry(loader *l, const char *where, const char *tok, size_t len,
                            int64_t count, int64_t cls, rlm_error *err) {
    int32_t id = rlm_vocab_size(l->v);
    const char *why = token_problem(tok, len, l->v->char_level);
    if (why) return rlm_fail(err, RLM_E_FORMAT, "%s: token: %s", where, why);
    static const char *const special[2] = {"</s>", "<unk>"};
    if (id < 2 && !same(tok, len, special[id]))
        return rlm_fail(err, RLM_E_FORMAT, "%s: token: id %d must be \"%s\"", where, id,
                        special[id]);
    int64_t prev = id ? l->class_of[id - 1] : -1;
    if (cls != prev + 1 && (id == 0 || cls != prev)) {
        if (id == 0)
            return rlm_fail(err, RLM_E_FORMAT, "%s: class: expected 0 for id 0, found %" PRId64,
                            where, cls);
        return rlm_fail(err, RLM_E_FORMAT,
                        "%s: class: expected %" PRId64 " or %" PRId64
                        " (classes are contiguous id ranges in id order), found %" PRId64,
                        where, prev, prev + 1, cls);
    }
    if ((size_t)id == l->cap) {
        size_t c = l->cap ? 2 * l->cap : 64;
        int32_t *p = realloc(l->class_of, c * sizeof *p);
        if (!p) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", where);
        l->class_of = p;
        l->cap = c;
    }
    int dup;
    if (rlm_vocab_push(l->v, tok, len, count, &dup) < 0) {
        if (!dup) return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", where);
        int32_t other = rlm_vocab_find(l->v, tok, len);
        return rlm_fail(err, RLM_E_FORMAT, "%s: token: duplicate of id %d \"%.*s\"", where,
                        other, (int)(len > 64 ? 64 : len), tok);
    }
    l->class_of[id] = (int32_t)cls;
    return RLM_OK;
}

/* After the last entry: the specials are there and the classes match the declared count. */
static rlm_status finish(loader *l, const char *where, const char *header_where,
                         int64_t num_classes, rlm_vocab **out, rlm_error *err) {
    int32_t n = rlm_vocab_size(l->v);
    if (n < 2)
        return rlm_fail(err, RLM_E_FORMAT,
                        "%s: missing the special tokens \"</s>\" (id 0) and \"<unk>\" (id 1)",
                        where);
    int64_t used = (int64_t)l->class_of[n - 1] + 1;
    if (used != num_classes)
        return rlm_fail(err, RLM_E_FORMAT,
                        "%s: classes: the header says %" PRId64 " but the entries use %" PRId64,
                        header_where, num_classes, used);
    rlm_status s = rlm_vocab_set_classes(l->v, l->class_of, (int32_t)num_classes, err);
    if (s) return s;
    *out = l->v;
    l->v = NULL;
    return RLM_OK;
}

static void loader_free(loader *l) {
    rlm_vocab_free(l->v);
    free(l->class_of);
}

/* ---- text form ---- */

/* A non-negative decimal integer filling the whole field, at most max. */
static int parse_uint(const char *s, size_t len, int64_t max, int64_t *out) {
    if (len == 0) return -1;
    int64_t x = 0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        int d = s[i] - '0';
        if (x > (max - d) / 10) return -1;
        x = x * 10 + d;
    }
    *out = x;
    return 0;
}

static rlm_status parse_header(const char *s, size_t len, const char *name, int *char_level,
                               int64_t *num_classes, rlm_error *err) {
    static const char magic[] = "#rlm-vocab ";
    size_t m = sizeof magic - 1;
    if (len < m || memcmp(s, magic, m))
        return rlm_fail(err, RLM_E_FORMAT, "%s:1: header: " HEADER_USAGE, name);
    s += m, len -= m;
    if (len < 3 || memcmp(s, "v1 ", 3)) {
        if (len >= 2 && s[0] == 'v' && s[1] >= '0' && s[1] <= '9') {
            size_t n = 1;
            while (n < len && n < 12 && s[n] >= '0' && s[n] <= '9') n++;
            return rlm_fail(err, RLM_E_UNSUPPORTED,
                            "%s:1: header: version %.*s is not supported (this build reads v1)",
                            name, (int)n, s);
        }
        return rlm_fail(err, RLM_E_FORMAT, "%s:1: header: " HEADER_USAGE, name);
    }
    s += 3, len -= 3;
    if (len >= 5 && !memcmp(s, "word ", 5)) *char_level = 0;
    else if (len >= 5 && !memcmp(s, "char ", 5)) *char_level = 1;
    else return rlm_fail(err, RLM_E_FORMAT, "%s:1: header: level: expected word or char", name);
    s += 5, len -= 5;
    if (len < 8 || memcmp(s, "classes=", 8) || parse_uint(s + 8, len - 8, INT32_MAX, num_classes) ||
        *num_classes < 1)
        return rlm_fail(err, RLM_E_FORMAT, "%s:1: header: classes: expected classes=N with N >= 1",
                        name);
    return RLM_OK;
}

static rlm_status parse_entry(loader *l, const char *s, size_t len, const char *name, long lineno,
                              rlm_error *err) {
    const char *field[4];
    size_t flen[4], nf = 0;
    const char *p = s, *end = s + len;
    for (;;) {
        const char *tab = memchr(p, '\t', (size_t)(end - p));
        const char *e = tab ? tab : end;
        if (nf < 4) field[nf] = p, flen[nf] = (size_t)(e - p);
        nf++;
        if (!tab) break;
        p = tab + 1;
    }
    if (nf != 4)
        return rlm_fail(err, RLM_E_FORMAT,
                        "%s:%ld: expected 4 tab-separated fields (id, token, count, class), "
                        "found %zu",
                        name, lineno, nf);
    int64_t id, count, cls;
    int32_t want = rlm_vocab_size(l->v);
    if (parse_uint(field[0], flen[0], INT32_MAX, &id))
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: id: expected a non-negative integer", name,
                        lineno);
    if (id != want)
        return rlm_fail(err, RLM_E_FORMAT,
                        "%s:%ld: id: expected %d (ids are consecutive from 0), found %" PRId64,
                        name, lineno, want, id);
    if (parse_uint(field[2], flen[2], INT64_MAX, &count))
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: count: expected a non-negative integer", name,
                        lineno);
    if (parse_uint(field[3], flen[3], INT32_MAX - 1, &cls))
        return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: class: expected a non-negative integer", name,
                        lineno);
    char where[600];
    snprintf(where, sizeof where, "%s:%ld", name, lineno);
    return add_entry(l, where, field[1], flen[1], count, cls, err);
}

rlm_status rlm_vocab_parse_text(const char *text, size_t size, const char *name, rlm_vocab **out,
                                rlm_error *err) {
    *out = NULL;
    if (!name) name = "vocabulary";
    loader l = {0};
    int char_level = 0;
    int64_t num_classes = 0;
    long lineno = 0;
    rlm_status s = RLM_OK;
    size_t pos = 0;
    while (pos < size && !s) {
        const char *line = text + pos;
        const char *nl = memchr(line, '\n', size - pos);
        size_t len = nl ? (size_t)(nl - line) : size - pos;
        pos += len + (nl != NULL);
        lineno++;
        if (len && line[len - 1] == '\r') len--; /* CRLF files edited on Windows */
        if (lineno == 1) {
            s = parse_header(line, len, name, &char_level, &num_classes, err);
            if (!s && !(l.v = rlm_vocab_new_empty(char_level)))
                s = rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", name);
        } else if (len > 0) { /* blank lines (a trailing one, say) carry nothing */
            s = parse_entry(&l, line, len, name, lineno, err);
        }
    }
    if (!s && lineno == 0) s = rlm_fail(err, RLM_E_FORMAT, "%s: empty file: " HEADER_USAGE, name);
    if (!s) {
        char header_where[600];
        snprintf(header_where, sizeof header_where, "%s:1", name);
        s = finish(&l, name, header_where, num_classes, out, err);
    }
    loader_free(&l);
    return s;
}

rlm_status rlm_vocab_read(const char *path, rlm_vocab **out, rlm_error *err) {
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f) return rlm_fail(err, RLM_E_IO, "%s: cannot open: %s", path, strerror(errno));
    char *buf = NULL;
    size_t len = 0, cap = 0;
    rlm_status s = RLM_OK;
    for (;;) {
        if (len == cap) {
            size_t c = cap ? 2 * cap : 1 << 16;
            char *p = realloc(buf, c);
            if (!p) {
                s = rlm_fail(err, RLM_E_NOMEM, "%s: out of memory reading the file", path);
                break;
            }
            buf = p;
            cap = c;
        }
        size_t n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0) {
            if (ferror(f)) s = rlm_fail(err, RLM_E_IO, "%s: read error: %s", path, strerror(errno));
            break;
        }
    }
    fclose(f);
    if (!s) s = rlm_vocab_parse_text(buf, len, path, out, err);
    free(buf);
    return s;
}

/* Written atomically (atomic_file.h), so a killed job never leaves a half-written vocabulary
 * under the real name. */
rlm_status rlm_vocab_write(const rlm_vocab *v, const char *path, rlm_error *err) {
    rlm_atomic_file af;
    rlm_status s = rlm_atomic_open(&af, path, err);
    if (s) return s;
    fprintf(af.f, "#rlm-vocab v1 %s classes=%d\n", v->char_level ? "char" : "word",
            v->num_classes);
    for (int32_t i = 0; i < rlm_vocab_size(v); i++)
        fprintf(af.f, "%d\t%s\t%" PRId64 "\t%d\n", i, rlm_vocab_token(v, i), v->counts[i],
                v->class_of[i]);
    return rlm_atomic_commit(&af, err); /* reports a failed fprintf as "write failed" */
}

/* ---- binary form ----
 * Little-endian: "RLMV", u32 version (1), u32 flags (bit 0: char level), u32 size,
 * u32 num_classes, then per id: u32 token length, the token bytes, u64 count, u32 class. */

#define BLOB_MAGIC "RLMV"
#define BLOB_VERSION 1u
#define BLOB_HEADER 20u
#define BLOB_MIN_ENTRY 17u /* length, one byte of token, count, class */

rlm_status rlm_vocab_serialize(const rlm_vocab *v, uint8_t **out, size_t *size, rlm_error *err) {
    *out = NULL;
    *size = 0;
    size_t total = BLOB_HEADER;
    for (int32_t i = 0; i < rlm_vocab_size(v); i++) total += 16 + v->tokens.len[i];
    uint8_t *buf = malloc(total), *p = buf;
    if (!buf) return rlm_fail(err, RLM_E_NOMEM, "vocabulary: out of memory (%zu bytes)", total);
    memcpy(p, BLOB_MAGIC, 4);
    p = rlm_le_put_u32(p + 4, BLOB_VERSION);
    p = rlm_le_put_u32(p, v->char_level ? 1u : 0u);
    p = rlm_le_put_u32(p, (uint32_t)rlm_vocab_size(v));
    p = rlm_le_put_u32(p, (uint32_t)v->num_classes);
    for (int32_t i = 0; i < rlm_vocab_size(v); i++) {
        size_t len = v->tokens.len[i];
        p = rlm_le_put_u32(p, (uint32_t)len);
        memcpy(p, rlm_vocab_token(v, i), len);
        p = rlm_le_put_u64(p + len, (uint64_t)v->counts[i]);
        p = rlm_le_put_u32(p, (uint32_t)v->class_of[i]);
    }
    *out = buf;
    *size = total;
    return RLM_OK;
}

rlm_status rlm_vocab_deserialize(const uint8_t *data, size_t size, const char *what,
                                 rlm_vocab **out, rlm_error *err) {
    *out = NULL;
    if (!what) what = "vocabulary";
    if (size < BLOB_HEADER || memcmp(data, BLOB_MAGIC, 4))
        return rlm_fail(err, RLM_E_FORMAT, "%s: not a vocabulary (bad magic or shorter than %u "
                        "bytes)", what, BLOB_HEADER);
    uint32_t version = rlm_le_get_u32(data + 4), flags = rlm_le_get_u32(data + 8);
    uint32_t n = rlm_le_get_u32(data + 12), num_classes = rlm_le_get_u32(data + 16);
    if (version != BLOB_VERSION)
        return rlm_fail(err, RLM_E_UNSUPPORTED, "%s: version: %u is not supported (this build "
                        "reads %u)", what, version, BLOB_VERSION);
    if (flags > 1) return rlm_fail(err, RLM_E_FORMAT, "%s: flags: unknown bits 0x%x", what, flags);
    /* Bound the count by the bytes present before allocating anything for it. */
    if (n > (size - BLOB_HEADER) / BLOB_MIN_ENTRY || n > INT32_MAX - 1)
        return rlm_fail(err, RLM_E_FORMAT, "%s: size: %u entries cannot fit in %zu bytes", what, n,
                        size);
    if (num_classes < 1 || num_classes > INT32_MAX)
        return rlm_fail(err, RLM_E_FORMAT, "%s: num_classes: expected at least 1, found %u", what,
                        num_classes);
    loader l = {0};
    if (!(l.v = rlm_vocab_new_empty((int)flags)))
        return rlm_fail(err, RLM_E_NOMEM, "%s: out of memory", what);
    rlm_status s = RLM_OK;
    size_t pos = BLOB_HEADER;
    char where[600];
    for (uint32_t i = 0; i < n && !s; i++) {
        snprintf(where, sizeof where, "%s: entry %u", what, i);
        if (size - pos < 4) {
            s = rlm_fail(err, RLM_E_FORMAT, "%s: truncated", where);
            break;
        }
        uint32_t len = rlm_le_get_u32(data + pos);
        pos += 4;
        if (size - pos < (uint64_t)len + 12) {
            s = rlm_fail(err, RLM_E_FORMAT, "%s: truncated (token length %u)", where, len);
            break;
        }
        const char *tok = (const char *)data + pos;
        uint64_t count = rlm_le_get_u64(data + pos + len);
        uint32_t cls = rlm_le_get_u32(data + pos + len + 8);
        pos += (size_t)len + 12;
        if (count > INT64_MAX)
            s = rlm_fail(err, RLM_E_FORMAT, "%s: count: %" PRIu64 " is out of range", where, count);
        else
            s = add_entry(&l, where, tok, len, (int64_t)count, cls, err);
    }
    if (!s && pos != size)
        s = rlm_fail(err, RLM_E_FORMAT, "%s: %zu trailing bytes after %u entries", what,
                     size - pos, n);
    if (!s) s = finish(&l, what, what, num_classes, out, err);
    loader_free(&l);
    return s;
}

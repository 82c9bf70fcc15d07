/* Checking a binary OpenFst vector FST before OpenFst reads it (fst_internal.h).
 *
 * The layout (OpenFst 1.7.9 fst.cc, symbol-table.cc, vector-fst.h), in the host's byte order,
 * which is little-endian on every machine Debian's libfst runs on here:
 *   header   i32 magic 2125659606, string fst type, string arc type, i32 version, i32 flags
 *            (1: input symbols follow, 2: output symbols follow), u64 properties, i64 start,
 *            i64 states, i64 arcs
 *   symbols  i32 magic 2125658996, string name, i64 available key, i64 size, then size times
 *            (string symbol, i64 key)
 *   states   f32 final weight, i64 arcs, then per arc i32 ilabel, i32 olabel, f32 weight,
 *            i32 next state
 * A string is an i32 length and its bytes. OpenFst reads a length or count and then loops or
 * allocates that much, so a corrupt count makes it allocate gigabytes or read past the end;
 * here every count is bounded by the bytes left. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fst_internal.h"
#include "le_bytes.h"

#define FST_MAGIC 2125659606
#define SYMBOLS_MAGIC 2125658996
#define VECTOR_MIN_VERSION 2
#define STATE_BYTES 12 /* final weight + arc count */
#define ARC_BYTES 16

typedef struct cursor {
    const uint8_t *data;
    size_t size, pos;
    const char *name;
    rlm_error *err;
} cursor;

static rlm_status fail_at(const cursor *c, size_t at, const char *field, const char *what) {
    return rlm_fail(c->err, RLM_E_FORMAT, "%s: byte %zu: %s: %s", c->name, at, field, what);
}

static rlm_status need(const cursor *c, size_t n, const char *field) {
    if (c->size - c->pos >= n) return RLM_OK;
    return fail_at(c, c->pos, field, "the file ends here (truncated?)");
}

static rlm_status get_i32(cursor *c, const char *field, int32_t *v) {
    rlm_status st = need(c, 4, field);
    if (st) return st;
    *v = (int32_t)rlm_le_get_u32(c->data + c->pos);
    c->pos += 4;
    return RLM_OK;
}

static rlm_status get_i64(cursor *c, const char *field, int64_t *v) {
    rlm_status st = need(c, 8, field);
    if (st) return st;
    *v = (int64_t)rlm_le_get_u64(c->data + c->pos);
    c->pos += 8;
    return RLM_OK;
}

/* NaN and -Infinity would poison OpenFst's comparisons and sums. */
static rlm_status get_weight(cursor *c, const char *field) {
    rlm_status st = need(c, 4, field);
    if (st) return st;
    uint32_t bits = rlm_le_get_u32(c->data + c->pos);
    float w;
    memcpy(&w, &bits, 4);
    if (isnan(w) || w == -INFINITY) return fail_at(c, c->pos, field, "not a cost (NaN or -Infinity)");
    c->pos += 4;
    return RLM_OK;
}

/* A string of at most the bytes left; *s points into the data. */
static rlm_status get_string(cursor *c, const char *field, const uint8_t **s, int32_t *len) {
    size_t at = c->pos;
    rlm_status st = get_i32(c, field, len);
    if (st) return st;
    if (*len < 0 || (size_t)*len > c->size - c->pos)
        return fail_at(c, at, field, "string length out of range (truncated or not an FST?)");
    *s = c->data + c->pos;
    c->pos += (size_t)*len;
    return RLM_OK;
}

static int string_is(const uint8_t *s, int32_t len, const char *want) {
    return (size_t)len == strlen(want) && memcmp(s, want, (size_t)len) == 0;
}

static rlm_status check_symbols(cursor *c, const char *which) {
    char field[64];
    const uint8_t *s;
    int32_t magic, len;
    int64_t key, n;
    snprintf(field, sizeof field, "%s symbol table", which);
    size_t at = c->pos;
    rlm_status st = get_i32(c, field, &magic);
    if (!st && magic != SYMBOLS_MAGIC) return fail_at(c, at, field, "wrong magic number");
    if (st || (st = get_string(c, field, &s, &len)) || (st = get_i64(c, field, &key))) return st;
    at = c->pos;
    if ((st = get_i64(c, field, &n))) return st;
    if (n < 0 || (uint64_t)n > (c->size - c->pos) / 12) /* a symbol takes at least 12 bytes */
        return fail_at(c, at, field, "symbol count out of range (truncated?)");
    for (int64_t i = 0; i < n; i++)
        if ((st = get_string(c, field, &s, &len)) || (st = get_i64(c, field, &key))) return st;
    return RLM_OK;
}

static rlm_status check_states(cursor *c, int64_t n_states) {
    rlm_status st;
    for (int64_t s = 0; s < n_states; s++) {
        int64_t n_arcs;
        if ((st = get_weight(c, "final weight"))) return st;
        size_t at = c->pos;
        if ((st = get_i64(c, "arc count", &n_arcs))) return st;
        if (n_arcs < 0 || (uint64_t)n_arcs > (c->size - c->pos) / ARC_BYTES)
            return fail_at(c, at, "arc count", "out of range (truncated?)");
        for (int64_t a = 0; a < n_arcs; a++) {
            int32_t il, ol, next;
            at = c->pos;
            if ((st = get_i32(c, "ilabel", &il)) || (st = get_i32(c, "olabel", &ol))) return st;
            if (il < 0 || ol < 0) return fail_at(c, at, "label", "negative");
            if ((st = get_weight(c, "arc weight"))) return st;
            at = c->pos;
            if ((st = get_i32(c, "next state", &next))) return st;
            if (next < 0 || next >= n_states) return fail_at(c, at, "next state", "out of range");
        }
    }
    return RLM_OK;
}

rlm_status fst_binary_check(const uint8_t *data, size_t size, const char *name,
                            rlm_fst_semiring *semiring, rlm_error *err) {
    cursor c = {data, size, 0, name, err};
    const uint8_t *type, *arc_type;
    int32_t magic, type_len, arc_len, version, flags;
    int64_t properties, start, n_states, n_arcs;
    rlm_status st = get_i32(&c, "magic number", &magic);
    if (!st && magic != FST_MAGIC) return fail_at(&c, 0, "magic number", "not an OpenFst binary FST");
    if (st || (st = get_string(&c, "FST type", &type, &type_len)) ||
        (st = get_string(&c, "arc type", &arc_type, &arc_len)))
        return st;
    if (!string_is(type, type_len, "vector"))
        return rlm_fail(err, RLM_E_UNSUPPORTED, "%s: FST type '%.*s' is not supported (only "
                        "'vector'; convert with fstconvert --fst_type=vector)", name,
                        type_len > 40 ? 40 : type_len, (const char *)type);
    if (string_is(arc_type, arc_len, "standard")) *semiring = RLM_FST_TROPICAL;
    else if (string_is(arc_type, arc_len, "log")) *semiring = RLM_FST_LOG;
    else
        return rlm_fail(err, RLM_E_UNSUPPORTED, "%s: arc type '%.*s' is not supported (only "
                        "'standard' and 'log')", name, arc_len > 40 ? 40 : arc_len,
                        (const char *)arc_type);
    size_t at = c.pos;
    if ((st = get_i32(&c, "version", &version))) return st;
    if (version < VECTOR_MIN_VERSION) return fail_at(&c, at, "version", "older than OpenFst reads");
    if ((st = get_i32(&c, "flags", &flags)) || (st = get_i64(&c, "properties", &properties)) ||
        (st = get_i64(&c, "start", &start)))
        return st;
    if (properties & 4) /* OpenFst's kError: the writer failed, and OpenFst cannot clear it */
        return fail_at(&c, c.pos - 16, "properties", "the FST is marked as an error");
    at = c.pos;
    if ((st = get_i64(&c, "state count", &n_states)) || (st = get_i64(&c, "arc count", &n_arcs)))
        return st;
    if ((flags & 1) && (st = check_symbols(&c, "input"))) return st;
    if ((flags & 2) && (st = check_symbols(&c, "output"))) return st;
    if (n_states < 0 || (uint64_t)n_states > (c.size - c.pos) / STATE_BYTES || n_states >= INT32_MAX)
        return fail_at(&c, at, "state count", "out of range (truncated?)");
    if (start < -1 || start >= n_states) return fail_at(&c, at - 8, "start", "out of range");
    return check_states(&c, n_states);
}

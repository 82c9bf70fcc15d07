/* Growable little-endian writer and bounds-checked reader (see bytes.h). */
#include "bytes.h"

#include <stdlib.h>
#include <string.h>

#include "le_bytes.h"

void rlm_put_raw(rlm_bytes_out *o, const void *p, size_t n) {
    if (o->failed) return;
    if (o->len + n > o->cap) {
        size_t cap = o->cap ? o->cap : 256;
        while (cap < o->len + n) cap *= 2;
        uint8_t *d = realloc(o->data, cap);
        if (!d) {
            o->failed = 1;
            return;
        }
        o->data = d, o->cap = cap;
    }
    memcpy(o->data + o->len, p, n);
    o->len += n;
}

/* The byte order itself is le_bytes.h's; these only add growth and bounds checks. */
void rlm_put_u32(rlm_bytes_out *o, uint32_t v) {
    uint8_t b[4];
    rlm_le_put_u32(b, v);
    rlm_put_raw(o, b, 4);
}

void rlm_put_u64(rlm_bytes_out *o, uint64_t v) {
    uint8_t b[8];
    rlm_le_put_u64(b, v);
    rlm_put_raw(o, b, 8);
}

void rlm_put_f32(rlm_bytes_out *o, float v) {
    uint8_t b[4];
    rlm_le_put_f32(b, v);
    rlm_put_raw(o, b, 4);
}

void rlm_put_f64(rlm_bytes_out *o, double v) {
    uint8_t b[8];
    rlm_le_put_f64(b, v);
    rlm_put_raw(o, b, 8);
}

void rlm_put_f32s(rlm_bytes_out *o, const float *v, size_t n) {
    for (size_t i = 0; i < n; i++) rlm_put_f32(o, v[i]);
}

const uint8_t *rlm_get_raw(rlm_bytes_in *in, size_t n) {
    if (in->failed || n > in->len - in->pos) {
        in->failed = 1;
        return NULL;
    }
    const uint8_t *p = in->data + in->pos;
    in->pos += n;
    return p;
}

uint32_t rlm_get_u32(rlm_bytes_in *in) {
    const uint8_t *b = rlm_get_raw(in, 4);
    return b ? rlm_le_get_u32(b) : 0;
}

uint64_t rlm_get_u64(rlm_bytes_in *in) {
    const uint8_t *b = rlm_get_raw(in, 8);
    return b ? rlm_le_get_u64(b) : 0;
}

float rlm_get_f32(rlm_bytes_in *in) {
    const uint8_t *b = rlm_get_raw(in, 4);
    return b ? rlm_le_get_f32(b) : 0.0f;
}

double rlm_get_f64(rlm_bytes_in *in) {
    const uint8_t *b = rlm_get_raw(in, 8);
    return b ? rlm_le_get_f64(b) : 0.0;
}

int rlm_get_f32s(rlm_bytes_in *in, float *v, size_t n) {
    if (n > (in->len - in->pos) / 4) {
        in->failed = 1;
        return 0;
    }
    for (size_t i = 0; i < n; i++) v[i] = rlm_get_f32(in);
    return 1;
}

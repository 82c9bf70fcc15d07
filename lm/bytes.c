#include "bytes.h"

#include <stdlib.h>

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

void rlm_put_u32(rlm_bytes_out *o, uint32_t v) {
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    rlm_put_raw(o, b, 4);
}

void rlm_put_u64(rlm_bytes_out *o, uint64_t v) {
    rlm_put_u32(o, (uint32_t)v);
    rlm_put_u32(o, (uint32_t)(v >> 32));
}

void rlm_put_f32(rlm_bytes_out *o, float v) {
    uint32_t u;
    memcpy(&u, &v, 4);
    rlm_put_u32(o, u);
}

void rlm_put_f64(rlm_bytes_out *o, double v) {
    uint64_t u;
    memcpy(&u, &v, 8);
    rlm_put_u64(o, u);
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
    return b ? (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24
             : 0;
}

uint64_t rlm_get_u64(rlm_bytes_in *in) {
    uint64_t lo = rlm_get_u32(in);
    return lo | (uint64_t)rlm_get_u32(in) << 32;
}

float rlm_get_f32(rlm_bytes_in *in) {
    uint32_t u = rlm_get_u32(in);
    float v;
    memcpy(&v, &u, 4);
    return v;
}

double rlm_get_f64(rlm_bytes_in *in) {
    uint64_t u = rlm_get_u64(in);
    double v;
    memcpy(&v, &u, 8);
    return v;
}

int rlm_get_f32s(rlm_bytes_in *in, float *v, size_t n) {
    if (n > (in->len - in->pos) / 4) {
        in->failed = 1;
        return 0;
    }
    for (size_t i = 0; i < n; i++) v[i] = rlm_get_f32(in);
    return 1;
}

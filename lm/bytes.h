/* Little-endian encoding into a growable buffer, and bounds-checked decoding, for the binary
 * streams of lm/ (the training state inside checkpoints). The byte order comes from le_bytes.h.
 * Decoding never reads past the end: a short buffer sets `failed` and yields zeros, and the
 * caller reports which field was short. */
#ifndef RLM_BYTES_H
#define RLM_BYTES_H

#include <stddef.h>
#include <stdint.h>

typedef struct rlm_bytes_out {
    uint8_t *data;
    size_t len, cap;
    int failed; /* an allocation failed; later puts do nothing */
} rlm_bytes_out;

void rlm_put_raw(rlm_bytes_out *o, const void *p, size_t n);
void rlm_put_u32(rlm_bytes_out *o, uint32_t v);
void rlm_put_u64(rlm_bytes_out *o, uint64_t v);
void rlm_put_f32(rlm_bytes_out *o, float v);
void rlm_put_f64(rlm_bytes_out *o, double v);
void rlm_put_f32s(rlm_bytes_out *o, const float *v, size_t n);

typedef struct rlm_bytes_in {
    const uint8_t *data;
    size_t len, pos;
    int failed; /* a read went past the end */
} rlm_bytes_in;

const uint8_t *rlm_get_raw(rlm_bytes_in *in, size_t n); /* NULL when short */
uint32_t rlm_get_u32(rlm_bytes_in *in);
uint64_t rlm_get_u64(rlm_bytes_in *in);
float rlm_get_f32(rlm_bytes_in *in);
double rlm_get_f64(rlm_bytes_in *in);
/* Reads n floats into v; returns 0 (and sets failed) when the buffer is short. */
int rlm_get_f32s(rlm_bytes_in *in, float *v, size_t n);

#endif

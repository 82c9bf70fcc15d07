/* Little-endian encoding of fixed-width integers and IEEE floats, byte by byte, so binary files
 * have one layout whatever the host's byte order and struct padding (internal, not installed).
 * The one place that knows the byte order: fixed layouts (model file header, vocabulary blob,
 * n-gram binary header) call these directly, streams go through bytes.h, which is built on them. */
#ifndef RLM_LE_BYTES_H
#define RLM_LE_BYTES_H

#include <stdint.h>
#include <string.h>

_Static_assert(sizeof(float) == 4, "model files store floats as 32-bit IEEE 754");
_Static_assert(sizeof(double) == 8, "checkpoints store doubles as 64-bit IEEE 754");

static inline uint8_t *rlm_le_put_u32(uint8_t *p, uint32_t x) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(x >> (8 * i));
    return p + 4;
}

static inline uint8_t *rlm_le_put_u64(uint8_t *p, uint64_t x) {
    for (int i = 0; i < 8; i++) p[i] = (uint8_t)(x >> (8 * i));
    return p + 8;
}

static inline uint8_t *rlm_le_put_f32(uint8_t *p, float x) {
    uint32_t bits;
    memcpy(&bits, &x, 4);
    return rlm_le_put_u32(p, bits);
}

static inline uint8_t *rlm_le_put_f64(uint8_t *p, double x) {
    uint64_t bits;
    memcpy(&bits, &x, 8);
    return rlm_le_put_u64(p, bits);
}

static inline uint32_t rlm_le_get_u32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t rlm_le_get_u64(const uint8_t *p) {
    return (uint64_t)rlm_le_get_u32(p) | (uint64_t)rlm_le_get_u32(p + 4) << 32;
}

static inline float rlm_le_get_f32(const uint8_t *p) {
    uint32_t bits = rlm_le_get_u32(p);
    float x;
    memcpy(&x, &bits, 4);
    return x;
}

static inline double rlm_le_get_f64(const uint8_t *p) {
    uint64_t bits = rlm_le_get_u64(p);
    double x;
    memcpy(&x, &bits, 8);
    return x;
}

#endif

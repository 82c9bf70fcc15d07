/* A float e^x for the inner loops of the cells and the softmax (internal). */
#ifndef RLM_EXP_FLOAT_H
#define RLM_EXP_FLOAT_H

#include <math.h>
#include <stdint.h>
#include <string.h>

/* e^x to within about 2 float ulps, branch-free and call-free so that the loops of the cells
 * and of the softmax vectorise (libm's expf and tanhf are scalar calls and were a third of the
 * scoring time):
 * x = k ln 2 + r with |r| <= ln 2 / 2 (ln 2 split in two so k ln 2 is exact), e^r by its Taylor
 * series to r^7 (the rest is below 1e-8 relative), times 2^k built in the exponent bits. x is
 * clamped to [-87, 88], where 2^k stays a normal float. */
static inline float rlm_expf(float x) {
    x = x < -87.0f ? -87.0f : x > 88.0f ? 88.0f : x;
    const float k = rintf(x * 1.44269504088896341f);
    const float r = (x - k * 0.693145751953125f) - k * 1.42860682030941723e-6f;
    float p = 1.0f / 5040;
    p = p * r + 1.0f / 720, p = p * r + 1.0f / 120, p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6, p = p * r + 0.5f, p = p * r + 1.0f, p = p * r + 1.0f;
    const int32_t bits = ((int32_t)k + 127) * (1 << 23);
    float scale;
    memcpy(&scale, &bits, sizeof scale);
    return p * scale;
}

#endif

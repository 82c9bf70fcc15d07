/* A small seeded random generator (xoshiro256**), so training, dropout and sampling are
 * reproducible across machines and the state can be saved in a checkpoint. */
#ifndef RLM_RNG_H
#define RLM_RNG_H

#include <stdint.h>

typedef struct rlm_rng {
    uint64_t s[4];
} rlm_rng;

void rlm_rng_seed(rlm_rng *r, uint64_t seed);
uint64_t rlm_rng_next(rlm_rng *r);
/* Uniform in [0, 1). */
static inline float rlm_rng_uniform(rlm_rng *r) {
    return (float)(rlm_rng_next(r) >> 40) * (1.0f / 16777216.0f);
}

#endif

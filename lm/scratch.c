#include "scratch.h"

#include <stdlib.h>

static _Thread_local float *scratch;
static _Thread_local size_t scratch_cap;

float *rlm_scratch_floats(size_t n) {
    if (n > scratch_cap) {
        float *p = realloc(scratch, n * sizeof(float));
        if (!p) return NULL;
        scratch = p, scratch_cap = n;
    }
    return scratch;
}

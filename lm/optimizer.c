#include "optimizer.h"

#include <cblas.h>
#include <math.h>

double clip_grad_norm(float *g, size_t n, float max_norm) {
    double norm = cblas_snrm2((int)n, g, 1);
    if (max_norm > 0 && norm > max_norm) cblas_sscal((int)n, (float)(max_norm / norm), g, 1);
    return norm;
}

void sgd_step(float *p, const float *g, size_t n, float lr) { cblas_saxpy((int)n, -lr, g, 1, p, 1); }

void adam_step(float *p, const float *g, float *m, float *v, size_t n, float lr, uint64_t t) {
    const float b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
    const float c1 = 1.0f / (1.0f - powf(b1, (float)t)), c2 = 1.0f / (1.0f - powf(b2, (float)t));
    for (size_t i = 0; i < n; i++) {
        m[i] = b1 * m[i] + (1 - b1) * g[i];
        v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
        p[i] -= lr * (m[i] * c1) / (sqrtf(v[i] * c2) + eps);
    }
}

/* Parameter updates over the one contiguous parameter array (and its gradient). */
#ifndef RLM_OPTIMIZER_H
#define RLM_OPTIMIZER_H

#include <stddef.h>
#include <stdint.h>

/* Scales g so that its Euclidean norm is at most max_norm (max_norm <= 0: no limit); returns the
 * norm before scaling. */
double clip_grad_norm(float *g, size_t n, float max_norm);
/* p -= lr * g */
void sgd_step(float *p, const float *g, size_t n, float lr);
/* Adam (Kingma & Ba) with bias correction; t is the 1-based step number. */
void adam_step(float *p, const float *g, float *m, float *v, size_t n, float lr, uint64_t t);

#endif

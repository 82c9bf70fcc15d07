/* The element-wise part of each recurrent cell, forward and backward, over a block of B rows
 * (streams or hypotheses). The matrix products around them (W x, U h) live in
 * recurrent_layer.c and inference.c; these functions only see pre-activations.
 *
 * Layouts, one row per stream: RNN g [B x H]; LSTM g [B x 4H] gates i f g o; GRU gx and gh
 * [B x 3H] gates r z n, where gx = W x + b and gh = U h' are kept apart because the reset gate
 * multiplies only the recurrent part of the candidate n. */
#ifndef RLM_CELLS_H
#define RLM_CELLS_H

#include <math.h>
#include <stddef.h>

#include "exp_float.h"

static inline float rlm_sigmoid(float x) { return 1.0f / (1.0f + rlm_expf(-x)); }

/* tanh to within a few float ulps: the Taylor series to x^9 near 0 (the x^11 term is below
 * 1e-8 relative for |x| < 1/4), (1 - e^-2|x|) / (1 + e^-2|x|) elsewhere (there
 * 1 - e^-2|x| > 0.39, so the rounding of e^-2|x| is not amplified). */
static inline float rlm_tanh(float x) {
    const float a = fabsf(x), x2 = x * x, e = rlm_expf(-2.0f * a);
    const float series =
        x + x * x2 * (-1.0f / 3 + x2 * (2.0f / 15 + x2 * (-17.0f / 315 + x2 * (62.0f / 2835))));
    return a < 0.25f ? series : copysignf((1.0f - e) / (1.0f + e), x);
}

/* Elman: h = f(g). */
void rnn_cell_forward(float *h, const float *g, size_t n, int relu);
/* dg = dh * f'(.) where f' is recovered from the output h. */
void rnn_cell_backward(float *dg, const float *dh, const float *h, size_t n, int relu);

/* LSTM: activates g in place (i, f, o sigmoid; g tanh), then c = f*cp + i*g, h = o*tanh(c). */
void lstm_cell_forward(float *g, const float *cp, float *c, float *h, int B, int H);
/* From dh and the cell gradient arriving from the next step (dc_next, may be NULL), compute the
 * pre-activation gradients dg and the gradient to the previous cell dcp. g holds activations. */
void lstm_cell_backward(float *dg, float *dcp, const float *dh, const float *dc_next,
                        const float *g, const float *cp, const float *c, int B, int H);

/* GRU: activates gx in place into r, z, n and writes h = (1-z)*n + z*hp. gh is U hp (raw). */
void gru_cell_forward(float *gx, const float *gh, const float *hp, float *h, int B, int H);
/* dgx: gradients of W x + b; dgh: gradients of U hp; dhp: the direct gradient dh*z to hp (the
 * part through U is added by the caller). gx holds activations r, z, n. */
void gru_cell_backward(float *dgx, float *dgh, float *dhp, const float *dh, const float *gx,
                       const float *gh, const float *hp, int B, int H);

#endif

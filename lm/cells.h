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

static inline float rlm_sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

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

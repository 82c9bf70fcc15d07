/* LSTM cell (Hochreiter & Schmidhuber, with forget gate; no peepholes). */
#include <math.h>

#include "cells.h"

/* Each activation is its own simple loop so that the compiler vectorises it. */
void lstm_cell_forward(float *g, const float *cp, float *c, float *h, int B, int H) {
    for (int b = 0; b < B; b++) {
        float *gi = g + (size_t)b * 4 * H, *gf = gi + H, *gg = gf + H, *go = gg + H;
        const float *cpb = cp + (size_t)b * H;
        float *cb = c + (size_t)b * H, *hb = h + (size_t)b * H;
        for (int j = 0; j < 2 * H; j++) gi[j] = rlm_sigmoid(gi[j]); /* i and f */
        for (int j = 0; j < H; j++) gg[j] = rlm_tanh(gg[j]);
        for (int j = 0; j < H; j++) go[j] = rlm_sigmoid(go[j]);
        for (int j = 0; j < H; j++) cb[j] = gf[j] * cpb[j] + gi[j] * gg[j];
        for (int j = 0; j < H; j++) hb[j] = go[j] * rlm_tanh(cb[j]);
    }
}

void lstm_cell_backward(float *dg, float *dcp, const float *dh, const float *dc_next,
                        const float *g, const float *cp, const float *c, int B, int H) {
    for (int b = 0; b < B; b++) {
        const size_t r = (size_t)b * H, r4 = (size_t)b * 4 * H;
        const float *gi = g + r4, *gf = gi + H, *gg = gf + H, *go = gg + H;
        float *di = dg + r4, *df = di + H, *dgg = df + H, *dout = dgg + H;
        for (int j = 0; j < H; j++) {
            float tc = rlm_tanh(c[r + j]);
            float dc = dh[r + j] * go[j] * (1 - tc * tc) + (dc_next ? dc_next[r + j] : 0);
            dout[j] = dh[r + j] * tc * go[j] * (1 - go[j]);
            di[j] = dc * gg[j] * gi[j] * (1 - gi[j]);
            df[j] = dc * cp[r + j] * gf[j] * (1 - gf[j]);
            dgg[j] = dc * gi[j] * (1 - gg[j] * gg[j]);
            dcp[r + j] = dc * gf[j];
        }
    }
}

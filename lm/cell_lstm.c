/* LSTM cell (Hochreiter & Schmidhuber, with forget gate; no peepholes). */
#include <math.h>

#include "cells.h"

void lstm_cell_forward(float *g, const float *cp, float *c, float *h, int B, int H) {
    for (int b = 0; b < B; b++) {
        float *gi = g + (size_t)b * 4 * H, *gf = gi + H, *gg = gf + H, *go = gg + H;
        const float *cpb = cp + (size_t)b * H;
        float *cb = c + (size_t)b * H, *hb = h + (size_t)b * H;
        for (int j = 0; j < H; j++) {
            float i = rlm_sigmoid(gi[j]), f = rlm_sigmoid(gf[j]), gc = tanhf(gg[j]),
                  o = rlm_sigmoid(go[j]);
            gi[j] = i, gf[j] = f, gg[j] = gc, go[j] = o;
            cb[j] = f * cpb[j] + i * gc;
            hb[j] = o * tanhf(cb[j]);
        }
    }
}

void lstm_cell_backward(float *dg, float *dcp, const float *dh, const float *dc_next,
                        const float *g, const float *cp, const float *c, int B, int H) {
    for (int b = 0; b < B; b++) {
        const size_t r = (size_t)b * H, r4 = (size_t)b * 4 * H;
        const float *gi = g + r4, *gf = gi + H, *gg = gf + H, *go = gg + H;
        float *di = dg + r4, *df = di + H, *dgg = df + H, *dout = dgg + H;
        for (int j = 0; j < H; j++) {
            float tc = tanhf(c[r + j]);
            float dc = dh[r + j] * go[j] * (1 - tc * tc) + (dc_next ? dc_next[r + j] : 0);
            dout[j] = dh[r + j] * tc * go[j] * (1 - go[j]);
            di[j] = dc * gg[j] * gi[j] * (1 - gi[j]);
            df[j] = dc * cp[r + j] * gf[j] * (1 - gf[j]);
            dgg[j] = dc * gi[j] * (1 - gg[j] * gg[j]);
            dcp[r + j] = dc * gf[j];
        }
    }
}

/* Elman RNN cell, tanh or ReLU. */
#include <math.h>

#include "cells.h"

void rnn_cell_forward(float *h, const float *g, size_t n, int relu) {
    if (relu)
        for (size_t i = 0; i < n; i++) h[i] = g[i] > 0 ? g[i] : 0;
    else
        for (size_t i = 0; i < n; i++) h[i] = rlm_tanh(g[i]);
}

void rnn_cell_backward(float *dg, const float *dh, const float *h, size_t n, int relu) {
    if (relu)
        for (size_t i = 0; i < n; i++) dg[i] = h[i] > 0 ? dh[i] : 0;
    else
        for (size_t i = 0; i < n; i++) dg[i] = dh[i] * (1 - h[i] * h[i]);
}

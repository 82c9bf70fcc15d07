/* Batched incremental scoring: the states of many hypotheses are gathered into matrices so that
 * each layer is one sgemm for all of them (a decoder's beam, the nodes of one depth of an n-best
 * prefix tree). Same cells and same arithmetic as inference.c, so a batch of one agrees with it. */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "model_internal.h"
#include "scratch.h"
#include "softmax.h"

void rlm_model_step_batch(const rlm_model *m, const rlm_state *const *in, const int32_t *words,
                          int n, rlm_state *const *out) {
    if (n <= 0) return;
    const int H = m->cfg.hidden_size, GH = m->gates * H, E = m->cfg.embed_size;
    const int max_in = E > H ? E : H;
    const size_t N = (size_t)n;
    /* layout: X [n x max_in] | G [n x GH] | Gh [n x GH] | Hp [n x H] | Cp [n x H] | Hn [n x H] */
    float *X = rlm_scratch_floats(N * (max_in + 2 * GH + 3 * H));
    if (!X) return;
    float *G = X + N * max_in, *Gh = G + N * GH, *Hp = Gh + N * GH, *Cp = Hp + N * H,
          *Hn = Cp + N * H;
    for (int i = 0; i < n; i++) {
        int32_t w = words[i] >= 0 && words[i] < m->V ? words[i] : RLM_UNK_ID;
        memcpy(X + (size_t)i * E, m->p.E + (size_t)w * E, E * sizeof(float));
    }
    for (int l = 0; l < m->cfg.layers; l++) {
        const int nin = rlm_layer_input(&m->cfg, l);
        for (int i = 0; i < n; i++) {
            memcpy(G + (size_t)i * GH, m->p.b[l], GH * sizeof(float));
            memcpy(Hp + (size_t)i * H, in[i]->h[l], H * sizeof(float));
            if (in[i]->c[l]) memcpy(Cp + (size_t)i * H, in[i]->c[l], H * sizeof(float));
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, GH, nin, 1.0f, X, nin,
                    m->p.W[l], GH, 1.0f, G, GH);
        const int gru = m->cfg.cell == RLM_CELL_GRU;
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, GH, H, 1.0f, Hp, H, m->p.U[l],
                    GH, gru ? 0.0f : 1.0f, gru ? Gh : G, GH);
        switch (m->cfg.cell) {
        case RLM_CELL_GRU: gru_cell_forward(G, Gh, Hp, Hn, n, H); break;
        case RLM_CELL_LSTM: lstm_cell_forward(G, Cp, Cp, Hn, n, H); break; /* c in place */
        default: rnn_cell_forward(Hn, G, N * H, m->cfg.cell == RLM_CELL_RNN_RELU);
        }
        for (int i = 0; i < n; i++) {
            memcpy(out[i]->h[l], Hn + (size_t)i * H, H * sizeof(float));
            if (out[i]->c[l]) memcpy(out[i]->c[l], Cp + (size_t)i * H, H * sizeof(float));
        }
        memcpy(X, Hn, N * H * sizeof(float)); /* the next layer's input, row stride H */
    }
}

void rlm_model_log10prob_batch(const rlm_model *m, const rlm_state *const *states,
                               const int32_t *words, int n, float *out) {
    if (n <= 0) return;
    const int H = m->cfg.hidden_size, L = m->cfg.layers;
    const size_t N = (size_t)n;
    const int width = m->C ? m->C : m->V;
    float *Ht = rlm_scratch_floats(N * H + N * width + (m->C ? (size_t)m->V : 0));
    if (!Ht) return;
    float *logits = Ht + N * H, *slice = logits + N * width;
    for (int i = 0; i < n; i++) memcpy(Ht + (size_t)i * H, states[i]->h[L - 1], H * sizeof(float));
    const float *Wrows = m->C ? m->p.Wcls : m->p.Wout, *bias = m->C ? m->p.bcls : m->p.bout;
    for (int i = 0; i < n; i++) memcpy(logits + (size_t)i * width, bias, width * sizeof(float));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, width, H, 1.0f, Ht, H, Wrows, H, 1.0f,
                logits, width);
    for (int i = 0; i < n; i++) {
        int32_t w = words[i] >= 0 && words[i] < m->V ? words[i] : RLM_UNK_ID;
        const float *row = logits + (size_t)i * width;
        if (!m->C) {
            out[i] = (row[w] - rlm_logsumexp(row, width)) * (float)RLM_LN_TO_LOG10;
            continue;
        }
        /* the in-class part differs per row (each word has its own class slice): one sgemv */
        const int k = rlm_vocab_class_of(m->vocab, w);
        const int a = rlm_vocab_class_begin(m->vocab, k), cw = rlm_vocab_class_end(m->vocab, k) - a;
        memcpy(slice, m->p.bout + a, cw * sizeof(float));
        cblas_sgemv(CblasRowMajor, CblasNoTrans, cw, H, 1.0f, m->p.Wout + (size_t)a * H, H,
                    Ht + (size_t)i * H, 1, 1.0f, slice, 1);
        out[i] = (row[k] - rlm_logsumexp(row, width) + slice[w - a] - rlm_logsumexp(slice, cw)) *
                 (float)RLM_LN_TO_LOG10;
    }
}

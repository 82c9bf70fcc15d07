/* Batched incremental scoring: the states of many hypotheses are gathered into matrices so that
 * each layer is one sgemm for all of them (a decoder's beam, the nodes of one depth of an n-best
 * prefix tree). Same cells and same arithmetic as inference.c; a batch of one is inference.c's
 * own call (sgemv), so it agrees with it bit for bit. */
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
    if (n == 1) { /* sgemv: no packing of the weights for one row */
        rlm_model_step(m, in[0], words[0], out[0]);
        return;
    }
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

/* Classes needed by at most this many rows skip sgemm, whose packing of the class's slice of
 * Wout costs more than the products for so few rows (measured: bench_scorer, bench_nbest). */
enum { FEW_ROWS = 8 };

/* out[r][j] = bias[j] + W[j] . X[r] for r < nk, j < cw: each row of W is dotted with every X row
 * while it is in L1. Sixteen partial sums per dot, so that the compiler vectorises them without
 * reordering one float sum (which it may not do without -ffast-math). */
static void few_rows_logits(const float *W, const float *bias, int cw, const float *X, int nk,
                            int H, float *out) {
    for (int j = 0; j < cw; j++) {
        const float *wj = W + (size_t)j * H;
        for (int r = 0; r < nk; r++) {
            const float *x = X + (size_t)r * H;
            float acc[16] = {0}, sum = 0;
            int k = 0;
            for (; k + 16 <= H; k += 16)
                for (int l = 0; l < 16; l++) acc[l] += wj[k + l] * x[k + l];
            for (; k < H; k++) sum += wj[k] * x[k];
            for (int l = 0; l < 16; l++) sum += acc[l];
            out[(size_t)r * cw + j] = bias[j] + sum;
        }
    }
}

/* The in-class part of the class softmax, for rows already holding log P(class | h) in lp: rows
 * come grouped by the class of their word (order, start: rlm_group_by_class), and each class is
 * one sgemm over its rows (a beam's words share classes: frequent words sit in small classes,
 * and every row of a class needs the same slice of Wout), or few_rows_logits for a few rows. */
static void add_in_class(const rlm_model *m, const float *Ht, const int32_t *words, int n,
                         float *lp, float *gathered, float *wl, const int32_t *order,
                         const int32_t *start) {
    const rlm_vocab *v = m->vocab;
    const int H = m->cfg.hidden_size, C = m->C;
    for (int k = 0; k < C; k++) {
        const int s = start[k], nk = start[k + 1] - s;
        if (!nk) continue;
        const int a = rlm_vocab_class_begin(v, k), cw = rlm_vocab_class_end(v, k) - a;
        for (int j = 0; j < nk; j++)
            memcpy(gathered + (size_t)j * H, Ht + (size_t)order[s + j] * H, H * sizeof(float));
        if (nk <= FEW_ROWS) {
            few_rows_logits(m->p.Wout + (size_t)a * H, m->p.bout + a, cw, gathered, nk, H, wl);
        } else {
            for (int j = 0; j < nk; j++) memcpy(wl + (size_t)j * cw, m->p.bout + a, cw * sizeof(float));
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nk, cw, H, 1.0f, gathered, H,
                        m->p.Wout + (size_t)a * H, H, 1.0f, wl, cw);
        }
        for (int j = 0; j < nk; j++) {
            const int i = order[s + j];
            const float *row = wl + (size_t)j * cw;
            lp[i] += row[words[i] - a] - rlm_logsumexp(row, cw);
        }
    }
}

void rlm_model_log10prob_batch(const rlm_model *m, const rlm_state *const *states,
                               const int32_t *words_in, int n, float *out) {
    if (n <= 0) return;
    if (n == 1) {
        out[0] = rlm_model_log10prob(m, states[0], words_in[0]);
        return;
    }
    const int H = m->cfg.hidden_size, L = m->cfg.layers;
    const size_t N = (size_t)n;
    const int width = m->C ? m->C : m->V;
    int32_t *ints = malloc((N + (size_t)m->C + 1 + N) * sizeof(int32_t));
    if (!ints) {
        for (int i = 0; i < n; i++) out[i] = -INFINITY;
        return;
    }
    int32_t *words = ints, *order = words + N, *start = order + N;
    for (int i = 0; i < n; i++)
        words[i] = words_in[i] >= 0 && words_in[i] < m->V ? words_in[i] : RLM_UNK_ID;
    /* in-class logits: room for the largest rows x width block of one class */
    size_t wl_size = 0;
    if (m->C) {
        rlm_group_by_class(m->vocab, words, n, order, start);
        for (int k = 0; k < m->C; k++) {
            const size_t cw = (size_t)(rlm_vocab_class_end(m->vocab, k) -
                                       rlm_vocab_class_begin(m->vocab, k));
            if ((size_t)(start[k + 1] - start[k]) * cw > wl_size)
                wl_size = (size_t)(start[k + 1] - start[k]) * cw;
        }
    }
    /* layout: Ht [n x H] | logits [n x width] | gathered [n x H] | wl [wl_size] */
    float *Ht = rlm_scratch_floats(N * (2 * (size_t)H + width) + wl_size);
    if (!Ht) {
        free(ints);
        for (int i = 0; i < n; i++) out[i] = -INFINITY;
        return;
    }
    float *logits = Ht + N * H, *gathered = logits + N * width, *wl = gathered + N * H;
    for (int i = 0; i < n; i++) memcpy(Ht + (size_t)i * H, states[i]->h[L - 1], H * sizeof(float));
    const float *Wrows = m->C ? m->p.Wcls : m->p.Wout, *bias = m->C ? m->p.bcls : m->p.bout;
    for (int i = 0; i < n; i++) memcpy(logits + (size_t)i * width, bias, width * sizeof(float));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, width, H, 1.0f, Ht, H, Wrows, H, 1.0f,
                logits, width);
    for (int i = 0; i < n; i++) {
        const float *row = logits + (size_t)i * width;
        const int target = m->C ? rlm_vocab_class_of(m->vocab, words[i]) : words[i];
        out[i] = row[target] - rlm_logsumexp(row, width);
    }
    if (m->C) add_in_class(m, Ht, words, n, out, gathered, wl, order, start);
    for (int i = 0; i < n; i++) out[i] *= (float)RLM_LN_TO_LOG10;
    free(ints);
}

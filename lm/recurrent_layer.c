/* One recurrent layer unrolled over a chunk of T steps for B streams: the input products for
 * all steps are one sgemm, then each step is one sgemm with U plus the element-wise cell. */
#include <cblas.h>
#include <string.h>

#include "cells.h"
#include "net.h"

/* The state a step reads: the previous step's output, or the carried state at t = 0; rows whose
 * stream restarts here read zeros. */
static void take_previous(const rlm_net *n, float *dst, const float *prev, int t, int H) {
    memcpy(dst, prev, (size_t)n->B * H * sizeof(float));
    if (!n->reset) return;
    for (int b = 0; b < n->B; b++)
        if (n->reset[t * n->B + b]) memset(dst + (size_t)b * H, 0, H * sizeof(float));
}

void recurrent_layer_forward(rlm_net *n, int l) {
    const rlm_model *m = n->m;
    const int B = n->B, N = n->N, H = m->cfg.hidden_size, in = rlm_layer_input(&m->cfg, l);
    const int GH = m->gates * H;
    const rlm_cell_type cell = m->cfg.cell;
    rlm_layer_acts *a = &n->L[l];
    for (int r = 0; r < N; r++) memcpy(a->G + (size_t)r * GH, m->p.b[l], GH * sizeof(float));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, GH, in, 1.0f, a->X, in, m->p.W[l],
                GH, 1.0f, a->G, GH);
    for (int t = 0; t < n->T; t++) {
        const size_t row = (size_t)t * B;
        float *hp = a->Hprev + row * H, *h = a->H + row * H, *g = a->G + row * GH;
        take_previous(n, hp, t ? h - (size_t)B * H : n->state_h[l], t, H);
        if (cell == RLM_CELL_GRU) {
            float *gh = a->Gh + row * GH;
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, GH, H, 1.0f, hp, H,
                        m->p.U[l], GH, 0.0f, gh, GH);
            gru_cell_forward(g, gh, hp, h, B, H);
            continue;
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, B, GH, H, 1.0f, hp, H, m->p.U[l],
                    GH, 1.0f, g, GH);
        if (cell == RLM_CELL_LSTM) {
            float *cp = a->Cprev + row * H, *c = a->C + row * H;
            take_previous(n, cp, t ? c - (size_t)B * H : n->state_c[l], t, H);
            lstm_cell_forward(g, cp, c, h, B, H);
        } else {
            rnn_cell_forward(h, g, (size_t)B * H, cell == RLM_CELL_RNN_RELU);
        }
    }
    const size_t last = (size_t)(n->T - 1) * B * H;
    memcpy(n->state_h[l], a->H + last, (size_t)B * H * sizeof(float));
    if (cell == RLM_CELL_LSTM) memcpy(n->state_c[l], a->C + last, (size_t)B * H * sizeof(float));
}

/* Gradients do not flow into a stream's state across a reset. */
static void cut_at_resets(const rlm_net *n, float *d, int t, int H) {
    if (!n->reset) return;
    for (int b = 0; b < n->B; b++)
        if (n->reset[t * n->B + b]) memset(d + (size_t)b * H, 0, H * sizeof(float));
}

void recurrent_layer_backward(rlm_net *n, int l, const rlm_param_views *g, float *dH, float *dX) {
    const rlm_model *m = n->m;
    const int B = n->B, N = n->N, H = m->cfg.hidden_size, in = rlm_layer_input(&m->cfg, l);
    const int GH = m->gates * H;
    const rlm_cell_type cell = m->cfg.cell;
    const rlm_layer_acts *a = &n->L[l];
    /* GRU needs the gradient of U h' apart from that of W x + b (see cells.h). */
    float *dGrec = cell == RLM_CELL_GRU ? n->dGh : n->dG;
    const size_t BH = (size_t)B * H;
    for (int t = n->T - 1; t >= 0; t--) {
        const size_t row = (size_t)t * B;
        float *dh = dH + row * H, *dg = n->dG + row * GH;
        if (t < n->T - 1) cblas_saxpy((int)BH, 1.0f, n->dh_next, 1, dh, 1);
        switch (cell) {
        case RLM_CELL_LSTM:
            lstm_cell_backward(dg, n->dc_prev, dh, t < n->T - 1 ? n->dc_next : NULL,
                               a->G + row * GH, a->Cprev + row * H, a->C + row * H, B, H);
            cut_at_resets(n, n->dc_prev, t, H);
            memcpy(n->dc_next, n->dc_prev, BH * sizeof(float));
            break;
        case RLM_CELL_GRU:
            gru_cell_backward(dg, n->dGh + row * GH, n->dh_direct, dh, a->G + row * GH,
                              a->Gh + row * GH, a->Hprev + row * H, B, H);
            break;
        default:
            rnn_cell_backward(dg, dh, a->H + row * H, BH, cell == RLM_CELL_RNN_RELU);
        }
        if (t == 0) break; /* truncation: nothing flows into the previous chunk */
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, B, H, GH, 1.0f, dGrec + row * GH, GH,
                    m->p.U[l], GH, 0.0f, n->dh_next, H);
        if (cell == RLM_CELL_GRU) cblas_saxpy((int)BH, 1.0f, n->dh_direct, 1, n->dh_next, 1);
        cut_at_resets(n, n->dh_next, t, H);
    }
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, in, GH, N, 1.0f, a->X, in, n->dG, GH,
                1.0f, g->W[l], GH);
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, H, GH, N, 1.0f, a->Hprev, H, dGrec, GH,
                1.0f, g->U[l], GH);
    for (int r = 0; r < N; r++) cblas_saxpy(GH, 1.0f, n->dG + (size_t)r * GH, 1, g->b[l], 1);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, in, GH, 1.0f, n->dG, GH, m->p.W[l],
                GH, 0.0f, dX, in);
}

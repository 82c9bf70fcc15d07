/* Full softmax over the vocabulary: logits = Htop Wout^T + bout. */
#include <cblas.h>
#include <string.h>

#include "net.h"
#include "softmax.h"

double output_full_forward(rlm_net *n, float *lp) {
    const rlm_model *m = n->m;
    const int N = n->N, V = m->V, H = m->cfg.hidden_size;
    for (int r = 0; r < N; r++) memcpy(n->probs + (size_t)r * V, m->p.bout, V * sizeof(float));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, V, H, 1.0f, n->Htop, H, m->p.Wout, H,
                1.0f, n->probs, V);
    double loss = 0;
    for (int r = 0; r < N; r++) {
        float *row = n->probs + (size_t)r * V;
        float target = row[n->y[r]];
        float lpr = target - rlm_softmax_inplace(row, V);
        if (lp) lp[r] = lpr;
        loss -= lpr;
    }
    return loss;
}

void output_full_backward(rlm_net *n, const rlm_param_views *g, float scale, float *dHtop) {
    const rlm_model *m = n->m;
    const int N = n->N, V = m->V, H = m->cfg.hidden_size;
    for (int r = 0; r < N; r++) n->probs[(size_t)r * V + n->y[r]] -= 1.0f;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, V, H, N, scale, n->probs, V, n->Htop, H,
                1.0f, g->Wout, H);
    for (int r = 0; r < N; r++) cblas_saxpy(V, scale, n->probs + (size_t)r * V, 1, g->bout, 1);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, H, V, scale, n->probs, V,
                m->p.Wout, H, 0.0f, dHtop, H);
}

/* Class-factored softmax (Mikolov et al. 2011): P(w|h) = P(c(w)|h) P(w|c(w),h). Each class is a
 * contiguous id range, so the in-class product uses a contiguous slice of Wout. Rows are grouped
 * by target class so that each class is one sgemm over all rows that need it. */
#include <cblas.h>
#include <string.h>

#include "net.h"
#include "softmax.h"

double output_class_forward(rlm_net *n, float *lp) {
    const rlm_model *m = n->m;
    const rlm_vocab *v = m->vocab;
    const int N = n->N, C = m->C, H = m->cfg.hidden_size, S = n->max_class;
    for (int r = 0; r < N; r++) memcpy(n->probs + (size_t)r * C, m->p.bcls, C * sizeof(float));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, C, H, 1.0f, n->Htop, H, m->p.Wcls, H,
                1.0f, n->probs, C);
    double loss = 0;
    for (int r = 0; r < N; r++) {
        float *row = n->probs + (size_t)r * C;
        float target = row[rlm_vocab_class_of(v, n->y[r])];
        float lpc = target - rlm_softmax_inplace(row, C);
        if (lp) lp[r] = lpc;
        loss -= lpc;
    }
    rlm_group_by_class(v, n->y, N, n->order, n->class_start);
    for (int k = 0; k < C; k++) {
        const int s = n->class_start[k], nk = n->class_start[k + 1] - s;
        if (!nk) continue;
        const int a = rlm_vocab_class_begin(v, k), width = rlm_vocab_class_end(v, k) - a;
        float *gh = n->gathered + (size_t)s * H, *wl = n->wprobs + (size_t)s * S;
        for (int i = 0; i < nk; i++) {
            memcpy(gh + (size_t)i * H, n->Htop + (size_t)n->order[s + i] * H, H * sizeof(float));
            memcpy(wl + (size_t)i * S, m->p.bout + a, width * sizeof(float));
        }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, nk, width, H, 1.0f, gh, H,
                    m->p.Wout + (size_t)a * H, H, 1.0f, wl, S);
        for (int i = 0; i < nk; i++) {
            const int r = n->order[s + i];
            float *row = wl + (size_t)i * S;
            float target = row[n->y[r] - a];
            float lpw = target - rlm_softmax_inplace(row, width);
            if (lp) lp[r] += lpw;
            loss -= lpw;
        }
    }
    return loss;
}

void output_class_backward(rlm_net *n, const rlm_param_views *g, float scale, float *dHtop) {
    const rlm_model *m = n->m;
    const rlm_vocab *v = m->vocab;
    const int N = n->N, C = m->C, H = m->cfg.hidden_size, S = n->max_class;
    for (int r = 0; r < N; r++) n->probs[(size_t)r * C + rlm_vocab_class_of(v, n->y[r])] -= 1.0f;
    cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, C, H, N, scale, n->probs, C, n->Htop, H,
                1.0f, g->Wcls, H);
    for (int r = 0; r < N; r++) cblas_saxpy(C, scale, n->probs + (size_t)r * C, 1, g->bcls, 1);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, H, C, scale, n->probs, C, m->p.Wcls,
                H, 0.0f, dHtop, H);
    for (int k = 0; k < C; k++) {
        const int s = n->class_start[k], nk = n->class_start[k + 1] - s;
        if (!nk) continue;
        const int a = rlm_vocab_class_begin(v, k), width = rlm_vocab_class_end(v, k) - a;
        float *gh = n->gathered + (size_t)s * H, *wl = n->wprobs + (size_t)s * S;
        float *dg = n->dgathered + (size_t)s * H;
        for (int i = 0; i < nk; i++) {
            wl[(size_t)i * S + (n->y[n->order[s + i]] - a)] -= 1.0f;
            cblas_saxpy(width, scale, wl + (size_t)i * S, 1, g->bout + a, 1);
        }
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, width, H, nk, scale, wl, S, gh, H,
                    1.0f, g->Wout + (size_t)a * H, H);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, nk, H, width, scale, wl, S,
                    m->p.Wout + (size_t)a * H, H, 0.0f, dg, H);
        for (int i = 0; i < nk; i++)
            cblas_saxpy(H, 1.0f, dg + (size_t)i * H, 1, dHtop + (size_t)n->order[s + i] * H, 1);
    }
}

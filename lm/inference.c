/* Incremental scoring, one stream at a time: state' = step(state, word), log10 P(word | state).
 * Products are sgemv (batch of one); the element-wise cells are the ones training uses, so this
 * path computes exactly what the unrolled network computes (a test checks it). */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "cells.h"
#include "model_internal.h"
#include "scratch.h"
#include "softmax.h"

rlm_state *rlm_state_new(const rlm_model *m) {
    rlm_state *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->layers = m->cfg.layers;
    s->hidden = m->cfg.hidden_size;
    s->has_cell = m->cfg.cell == RLM_CELL_LSTM;
    const size_t per = (size_t)s->hidden * (s->has_cell ? 2 : 1);
    s->buf = calloc((size_t)s->layers * per, sizeof(float));
    if (!s->buf) {
        free(s);
        return NULL;
    }
    for (int l = 0; l < s->layers; l++) {
        s->h[l] = s->buf + l * per;
        s->c[l] = s->has_cell ? s->h[l] + s->hidden : NULL;
    }
    return s;
}

void rlm_state_free(rlm_state *s) {
    if (!s) return;
    free(s->buf);
    free(s);
}

void rlm_state_copy(rlm_state *dst, const rlm_state *src) {
    if (dst == src) return;
    memcpy(dst->buf, src->buf,
           (size_t)src->layers * src->hidden * (src->has_cell ? 2 : 1) * sizeof(float));
}

void rlm_model_begin(const rlm_model *m, rlm_state *s) {
    memset(s->buf, 0, (size_t)s->layers * s->hidden * (s->has_cell ? 2 : 1) * sizeof(float));
    rlm_model_step(m, s, RLM_EOS_ID, s);
}

void rlm_model_step(const rlm_model *m, const rlm_state *in, int32_t word, rlm_state *out) {
    const int H = m->cfg.hidden_size, GH = m->gates * H;
    const int E = m->cfg.embed_size, max_in = E > H ? E : H;
    /* layout: g [GH] | gh [GH] | x [max_in] | h [H] */
    float *g = rlm_scratch_floats((size_t)2 * GH + max_in + H);
    if (!g) return; /* out keeps its previous content; allocation failure is not recoverable */
    float *gh = g + GH, *x = gh + GH, *h = x + max_in;
    if (word < 0 || word >= m->V) word = RLM_UNK_ID;
    memcpy(x, m->p.E + (size_t)word * E, E * sizeof(float));
    for (int l = 0; l < m->cfg.layers; l++) {
        const int nin = rlm_layer_input(&m->cfg, l);
        memcpy(g, m->p.b[l], GH * sizeof(float));
        cblas_sgemv(CblasRowMajor, CblasTrans, nin, GH, 1.0f, m->p.W[l], GH, x, 1, 1.0f, g, 1);
        switch (m->cfg.cell) {
        case RLM_CELL_GRU:
            cblas_sgemv(CblasRowMajor, CblasTrans, H, GH, 1.0f, m->p.U[l], GH, in->h[l], 1, 0.0f,
                        gh, 1);
            gru_cell_forward(g, gh, in->h[l], h, 1, H);
            break;
        case RLM_CELL_LSTM:
            cblas_sgemv(CblasRowMajor, CblasTrans, H, GH, 1.0f, m->p.U[l], GH, in->h[l], 1, 1.0f,
                        g, 1);
            /* c is written in place: the cell reads c' element by element before writing c */
            lstm_cell_forward(g, in->c[l], out->c[l], h, 1, H);
            break;
        default:
            cblas_sgemv(CblasRowMajor, CblasTrans, H, GH, 1.0f, m->p.U[l], GH, in->h[l], 1, 1.0f,
                        g, 1);
            rnn_cell_forward(h, g, (size_t)H, m->cfg.cell == RLM_CELL_RNN_RELU);
        }
        memcpy(out->h[l], h, H * sizeof(float));
        memcpy(x, h, H * sizeof(float));
    }
}

/* logits[i] = rows[i] . h + bias[i] for n consecutive output rows. */
static void output_logits(const float *rows, const float *bias, int n, const float *h, int H,
                          float *logits) {
    memcpy(logits, bias, n * sizeof(float));
    cblas_sgemv(CblasRowMajor, CblasNoTrans, n, H, 1.0f, rows, H, h, 1, 1.0f, logits, 1);
}

float rlm_model_log10prob(const rlm_model *m, const rlm_state *s, int32_t word) {
    const int H = m->cfg.hidden_size;
    const float *h = s->h[m->cfg.layers - 1];
    if (word < 0 || word >= m->V) word = RLM_UNK_ID;
    if (!m->C) {
        float *logits = rlm_scratch_floats((size_t)m->V);
        if (!logits) return -INFINITY;
        output_logits(m->p.Wout, m->p.bout, m->V, h, H, logits);
        return (logits[word] - rlm_logsumexp(logits, m->V)) * (float)RLM_LN_TO_LOG10;
    }
    const int k = rlm_vocab_class_of(m->vocab, word);
    const int a = rlm_vocab_class_begin(m->vocab, k), w = rlm_vocab_class_end(m->vocab, k) - a;
    float *logits = rlm_scratch_floats((size_t)(m->C > w ? m->C : w));
    if (!logits) return -INFINITY;
    output_logits(m->p.Wcls, m->p.bcls, m->C, h, H, logits);
    float lp = logits[k] - rlm_logsumexp(logits, m->C);
    output_logits(m->p.Wout + (size_t)a * H, m->p.bout + a, w, h, H, logits);
    lp += logits[word - a] - rlm_logsumexp(logits, w);
    return lp * (float)RLM_LN_TO_LOG10;
}

void rlm_model_log10dist(const rlm_model *m, const rlm_state *s, float *out) {
    const int H = m->cfg.hidden_size;
    const float *h = s->h[m->cfg.layers - 1];
    if (!m->C) {
        output_logits(m->p.Wout, m->p.bout, m->V, h, H, out);
        float lse = rlm_logsumexp(out, m->V);
        for (int i = 0; i < m->V; i++) out[i] = (out[i] - lse) * (float)RLM_LN_TO_LOG10;
        return;
    }
    float *cls = rlm_scratch_floats((size_t)m->C);
    if (!cls) return;
    output_logits(m->p.Wcls, m->p.bcls, m->C, h, H, cls);
    float clse = rlm_logsumexp(cls, m->C);
    for (int k = 0; k < m->C; k++) {
        const int a = rlm_vocab_class_begin(m->vocab, k);
        const int w = rlm_vocab_class_end(m->vocab, k) - a;
        output_logits(m->p.Wout + (size_t)a * H, m->p.bout + a, w, h, H, out + a);
        float lse = rlm_logsumexp(out + a, w);
        for (int i = a; i < a + w; i++) out[i] = (out[i] - lse + cls[k] - clse) * (float)RLM_LN_TO_LOG10;
    }
}

double rlm_model_score_sentence(const rlm_model *m, const int32_t *ids, size_t n,
                                float *per_word) {
    rlm_state *s = rlm_state_new(m);
    if (!s) return -INFINITY;
    rlm_model_begin(m, s);
    double total = 0;
    for (size_t i = 0; i <= n; i++) {
        int32_t w = i < n ? ids[i] : RLM_EOS_ID;
        float lp = rlm_model_log10prob(m, s, w);
        if (per_word) per_word[i] = lp;
        total += lp;
        if (i < n) rlm_model_step(m, s, w, s);
    }
    rlm_state_free(s);
    return total;
}

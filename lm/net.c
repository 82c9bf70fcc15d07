/* The unrolled network: workspace, embedding, dropout, the layer stack and the output layer. */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>

#include "net.h"

/* Hands out aligned slices of one block; with base == NULL it only measures. */
typedef struct carver {
    char *base;
    size_t used;
} carver;

static void *carve(carver *c, size_t bytes) {
    void *p = c->base ? c->base + c->used : NULL;
    c->used += (bytes + 63) & ~(size_t)63;
    return p;
}

static void lay_out(rlm_net *n, carver *c) {
    const rlm_model *m = n->m;
    const size_t N = (size_t)n->N, B = (size_t)n->B, H = (size_t)m->cfg.hidden_size;
    const size_t GH = (size_t)m->gates * H, F = sizeof(float);
    const int lstm = m->cfg.cell == RLM_CELL_LSTM, gru = m->cfg.cell == RLM_CELL_GRU;
    size_t max_in = H;
    for (int l = 0; l < m->cfg.layers; l++) {
        rlm_layer_acts *a = &n->L[l];
        const size_t in = (size_t)rlm_layer_input(&m->cfg, l);
        max_in = in > max_in ? in : max_in;
        a->X = carve(c, N * in * F);
        a->G = carve(c, N * GH * F);
        a->Gh = gru ? carve(c, N * GH * F) : NULL;
        a->Hprev = carve(c, N * H * F);
        a->Cprev = lstm ? carve(c, N * H * F) : NULL;
        a->H = carve(c, N * H * F);
        a->C = lstm ? carve(c, N * H * F) : NULL;
        a->drop = n->training ? carve(c, N * in * F) : NULL;
        n->state_h[l] = carve(c, B * H * F);
        n->state_c[l] = lstm ? carve(c, B * H * F) : NULL;
    }
    n->Htop = carve(c, N * H * F);
    n->drop_top = n->training ? carve(c, N * H * F) : NULL;
    if (m->C) {
        n->max_class = rlm_widest_class(m->vocab);
        n->probs = carve(c, N * (size_t)m->C * F);
        n->order = carve(c, N * sizeof(int32_t));
        n->class_start = carve(c, ((size_t)m->C + 1) * sizeof(int32_t));
        n->gathered = carve(c, N * H * F);
        n->wprobs = carve(c, N * (size_t)n->max_class * F);
        n->dgathered = n->training ? carve(c, N * H * F) : NULL;
    } else {
        n->probs = carve(c, N * (size_t)m->V * F);
    }
    if (n->training) {
        /* dH and dX swap roles layer by layer, so both hold the widest input */
        n->dH = carve(c, N * max_in * F);
        n->dX = carve(c, N * max_in * F);
        n->dG = carve(c, N * GH * F);
        n->dGh = gru ? carve(c, N * GH * F) : NULL;
        n->dh_next = carve(c, B * H * F);
        n->dc_next = carve(c, B * H * F);
        n->dc_prev = carve(c, B * H * F);
        n->dh_direct = carve(c, B * H * F);
    }
}

rlm_status rlm_net_init(rlm_net *n, const rlm_model *m, int B, int T, int training,
                        rlm_error *err) {
    memset(n, 0, sizeof *n);
    if (B < 1 || T < 1 || (size_t)B * T > (1u << 24))
        return rlm_fail(err, RLM_E_ARG, "batch: %d streams x %d steps is out of range", B, T);
    n->m = m;
    n->B = B, n->T = n->T_cap = T, n->N = B * T;
    n->training = training;
    carver c = {0};
    lay_out(n, &c);
    n->block = aligned_alloc(64, c.used);
    if (!n->block) return rlm_fail(err, RLM_E_NOMEM, "network workspace: cannot allocate %zu bytes", c.used);
    memset(n->block, 0, c.used);
    c.base = (char *)n->block, c.used = 0;
    lay_out(n, &c);
    return RLM_OK;
}

void rlm_net_free(rlm_net *n) {
    free(n->block);
    memset(n, 0, sizeof *n);
}

void rlm_net_set_steps(rlm_net *n, int T) {
    n->T = T < 1 ? 1 : T > n->T_cap ? n->T_cap : T;
    n->N = n->B * n->T;
}

void rlm_net_reset_state(rlm_net *n) {
    const size_t bytes = (size_t)n->B * n->m->cfg.hidden_size * sizeof(float);
    for (int l = 0; l < n->m->cfg.layers; l++) {
        memset(n->state_h[l], 0, bytes);
        if (n->state_c[l]) memset(n->state_c[l], 0, bytes);
    }
}

/* Inverted dropout: kept units are scaled by 1/(1-p) so inference needs no rescaling. The mask
 * (0 or 1/(1-p)) is kept for the backward pass. */
static void dropout_forward(float *x, float *mask, size_t len, float p, rlm_rng *rng) {
    const float keep = 1.0f / (1.0f - p);
    for (size_t i = 0; i < len; i++) {
        mask[i] = rlm_rng_uniform(rng) < p ? 0.0f : keep;
        x[i] *= mask[i];
    }
}

static void multiply(float *x, const float *mask, size_t len) {
    for (size_t i = 0; i < len; i++) x[i] *= mask[i];
}

double rlm_net_forward(rlm_net *n, const int32_t *x, const int32_t *y, const uint8_t *reset,
                       rlm_rng *rng, float *logprob) {
    const rlm_model *m = n->m;
    const int N = n->N, E = m->cfg.embed_size, H = m->cfg.hidden_size, L = m->cfg.layers;
    const int drop = n->training && n->dropout > 0;
    n->x = x, n->y = y, n->reset = reset;
    for (int r = 0; r < N; r++)
        memcpy(n->L[0].X + (size_t)r * E, m->p.E + (size_t)x[r] * E, E * sizeof(float));
    for (int l = 0; l < L; l++) {
        rlm_layer_acts *a = &n->L[l];
        const size_t len = (size_t)N * rlm_layer_input(&m->cfg, l);
        if (l > 0) memcpy(a->X, n->L[l - 1].H, len * sizeof(float));
        if (drop) dropout_forward(a->X, a->drop, len, n->dropout, rng);
        recurrent_layer_forward(n, l);
    }
    memcpy(n->Htop, n->L[L - 1].H, (size_t)N * H * sizeof(float));
    if (drop) dropout_forward(n->Htop, n->drop_top, (size_t)N * H, n->dropout, rng);
    return m->C ? output_class_forward(n, logprob) : output_full_forward(n, logprob);
}

void rlm_net_backward(rlm_net *n, const rlm_param_views *g, float scale) {
    const rlm_model *m = n->m;
    const int N = n->N, E = m->cfg.embed_size, H = m->cfg.hidden_size;
    const int drop = n->dropout > 0;
    float *dH = n->dH, *dX = n->dX;
    if (m->C)
        output_class_backward(n, g, scale, dH);
    else
        output_full_backward(n, g, scale, dH);
    if (drop) multiply(dH, n->drop_top, (size_t)N * H);
    for (int l = m->cfg.layers - 1; l >= 0; l--) {
        recurrent_layer_backward(n, l, g, dH, dX);
        if (drop) multiply(dX, n->L[l].drop, (size_t)N * rlm_layer_input(&m->cfg, l));
        float *t = dH; /* the input gradient of layer l is the output gradient of layer l-1 */
        dH = dX, dX = t;
    }
    for (int r = 0; r < N; r++)
        cblas_saxpy(E, 1.0f, dH + (size_t)r * E, 1, g->E + (size_t)n->x[r] * E, 1);
}

/* Model configuration, parameter layout, creation and initialisation. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "model_internal.h"
#include "rng.h"

rlm_model_config rlm_model_default_config(void) {
    rlm_model_config c = {0};
    c.cell = RLM_CELL_LSTM;
    c.output = RLM_OUTPUT_CLASS;
    c.layers = 1;
    c.embed_size = 200;
    c.hidden_size = 200;
    return c;
}

static const char *const cell_names[] = {"rnn-tanh", "rnn-relu", "lstm", "gru"};

const char *rlm_cell_type_name(rlm_cell_type cell) {
    return (unsigned)cell < 4 ? cell_names[cell] : "unknown";
}

int rlm_cell_type_parse(const char *name) {
    if (!strcmp(name, "rnn")) return RLM_CELL_RNN_TANH;
    for (int i = 0; i < 4; i++)
        if (!strcmp(name, cell_names[i])) return i;
    return -1;
}

int32_t rlm_cell_gates(rlm_cell_type cell) {
    switch (cell) {
    case RLM_CELL_LSTM: return 4;
    case RLM_CELL_GRU: return 3;
    default: return 1;
    }
}

/* Walks the layout once; with base == NULL it only counts (v is then scratch). */
static size_t layout(rlm_param_views *v, float *base, const rlm_model_config *cfg, int32_t V,
                     int32_t C) {
    size_t off = 0;
    const size_t H = (size_t)cfg->hidden_size, G = (size_t)rlm_cell_gates(cfg->cell) * H;
#define TAKE(ptr, n)                                                                   \
    do {                                                                               \
        if (base) (ptr) = base + off;                                                  \
        off += (n);                                                                    \
    } while (0)
    TAKE(v->E, (size_t)V * cfg->embed_size);
    for (int l = 0; l < cfg->layers; l++) {
        TAKE(v->W[l], (size_t)rlm_layer_input(cfg, l) * G);
        TAKE(v->U[l], H * G);
        TAKE(v->b[l], G);
    }
    if (cfg->tied) {
        if (base) v->Wout = v->E;
    } else {
        TAKE(v->Wout, (size_t)V * H);
    }
    TAKE(v->bout, (size_t)V);
    if (cfg->output == RLM_OUTPUT_CLASS) {
        TAKE(v->Wcls, (size_t)C * H);
        TAKE(v->bcls, (size_t)C);
    } else if (base) {
        v->Wcls = v->bcls = NULL;
    }
#undef TAKE
    return off;
}

size_t rlm_param_count(const rlm_model_config *cfg, int32_t V, int32_t C) {
    rlm_param_views scratch;
    return layout(&scratch, NULL, cfg, V, C);
}

void rlm_param_bind(rlm_param_views *views, float *base, const rlm_model_config *cfg, int32_t V,
                    int32_t C) {
    memset(views, 0, sizeof *views);
    layout(views, base, cfg, V, C);
}

rlm_status rlm_config_validate(const rlm_model_config *cfg, const rlm_vocab *vocab,
                               rlm_error *err) {
    if ((unsigned)cfg->cell > RLM_CELL_GRU)
        return rlm_fail(err, RLM_E_ARG, "cell: unknown cell type %d", (int)cfg->cell);
    if ((unsigned)cfg->output > RLM_OUTPUT_CLASS)
        return rlm_fail(err, RLM_E_ARG, "output: unknown output layer %d", (int)cfg->output);
    if (cfg->layers < 1 || cfg->layers > RLM_MAX_LAYERS)
        return rlm_fail(err, RLM_E_ARG, "layers: %d is not in 1..%d", cfg->layers, RLM_MAX_LAYERS);
    if (cfg->embed_size < 1 || cfg->embed_size > 65536)
        return rlm_fail(err, RLM_E_ARG, "embed_size: %d is not in 1..65536", cfg->embed_size);
    if (cfg->hidden_size < 1 || cfg->hidden_size > 65536)
        return rlm_fail(err, RLM_E_ARG, "hidden_size: %d is not in 1..65536", cfg->hidden_size);
    if (cfg->tied && cfg->embed_size != cfg->hidden_size)
        return rlm_fail(err, RLM_E_ARG,
                        "tied: embedding size %d and hidden size %d must be equal to tie them",
                        cfg->embed_size, cfg->hidden_size);
    if (!(cfg->dropout >= 0 && cfg->dropout < 1))
        return rlm_fail(err, RLM_E_ARG, "dropout: %g is not in [0,1)", (double)cfg->dropout);
    if (!vocab || rlm_vocab_size(vocab) < 2)
        return rlm_fail(err, RLM_E_ARG, "vocabulary: needs at least </s> and <unk>");
    if (cfg->output == RLM_OUTPUT_CLASS && rlm_vocab_num_classes(vocab) < 1)
        return rlm_fail(err, RLM_E_ARG, "output: class softmax needs a vocabulary with classes");
    return RLM_OK;
}

rlm_status rlm_model_alloc(const rlm_model_config *cfg, rlm_vocab *vocab, rlm_model **out,
                           rlm_error *err) {
    *out = NULL;
    rlm_status s = rlm_config_validate(cfg, vocab, err);
    if (s != RLM_OK) {
        rlm_vocab_free(vocab);
        return s;
    }
    rlm_model *m = calloc(1, sizeof *m);
    if (!m) {
        rlm_vocab_free(vocab);
        return rlm_fail(err, RLM_E_NOMEM, "model: out of memory");
    }
    m->cfg = *cfg;
    m->vocab = vocab;
    m->V = rlm_vocab_size(vocab);
    m->C = cfg->output == RLM_OUTPUT_CLASS ? rlm_vocab_num_classes(vocab) : 0;
    m->gates = rlm_cell_gates(cfg->cell);
    m->n_params = rlm_param_count(cfg, m->V, m->C);
    m->params = malloc(m->n_params * sizeof(float));
    if (!m->params) {
        rlm_model_free(m);
        return rlm_fail(err, RLM_E_NOMEM, "model: cannot allocate %zu parameters", m->n_params);
    }
    rlm_param_bind(&m->p, m->params, cfg, m->V, m->C);
    *out = m;
    return RLM_OK;
}

static void fill_uniform(float *x, size_t n, float scale, rlm_rng *rng) {
    for (size_t i = 0; i < n; i++) x[i] = (2.0f * rlm_rng_uniform(rng) - 1.0f) * scale;
}

rlm_status rlm_model_new(const rlm_model_config *cfg, rlm_vocab *vocab, uint64_t seed,
                         rlm_model **out, rlm_error *err) {
    rlm_status s = rlm_model_alloc(cfg, vocab, out, err);
    if (s != RLM_OK) return s;
    rlm_model *m = *out;
    rlm_rng rng;
    rlm_rng_seed(&rng, seed);
    const size_t H = (size_t)cfg->hidden_size, G = (size_t)m->gates * H;
    /* Embedding and output rows small and uniform (Zaremba et al.); recurrent matrices scaled by
     * 1/sqrt(H) so that the initial recurrence neither explodes nor vanishes. */
    fill_uniform(m->p.E, (size_t)m->V * cfg->embed_size, 0.1f, &rng);
    const float k = 1.0f / sqrtf((float)H);
    for (int l = 0; l < cfg->layers; l++) {
        fill_uniform(m->p.W[l], (size_t)rlm_layer_input(cfg, l) * G, k, &rng);
        fill_uniform(m->p.U[l], H * G, k, &rng);
        memset(m->p.b[l], 0, G * sizeof(float));
        /* A forget-gate bias of 1 lets gradients flow through the cell at the start. */
        if (cfg->cell == RLM_CELL_LSTM)
            for (size_t j = H; j < 2 * H; j++) m->p.b[l][j] = 1.0f;
    }
    if (!cfg->tied) fill_uniform(m->p.Wout, (size_t)m->V * H, 0.1f, &rng);
    memset(m->p.bout, 0, (size_t)m->V * sizeof(float));
    if (m->C) {
        fill_uniform(m->p.Wcls, (size_t)m->C * H, 0.1f, &rng);
        memset(m->p.bcls, 0, (size_t)m->C * sizeof(float));
    }
    return RLM_OK;
}

void rlm_model_free(rlm_model *m) {
    if (!m) return;
    rlm_vocab_free(m->vocab);
    free(m->params);
    free(m);
}

const rlm_model_config *rlm_model_config_of(const rlm_model *m) { return &m->cfg; }
const rlm_vocab *rlm_model_vocab(const rlm_model *m) { return m->vocab; }
size_t rlm_model_num_params(const rlm_model *m) { return m->n_params; }

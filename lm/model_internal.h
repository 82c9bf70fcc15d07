/* The inside of rlm_model, shared by the files of lm/ that implement it (not installed).
 *
 * All parameters live in one float array; rlm_param_views holds pointers into it. The gradient
 * buffer and the optimiser moments use the same layout, bound with the same function, so zeroing
 * gradients is one memset and the optimiser is one loop (the llm.c way). Matrices are row-major:
 *   E     [V x embed]          input embedding (row per word)
 *   W[l]  [in_l x gates*H]     input-to-gates, in_0 = embed, in_l = H above
 *   U[l]  [H x gates*H]        hidden-to-gates
 *   b[l]  [gates*H]
 *   Wout  [V x H], bout [V]    output words (Wout is E when tied)
 *   Wcls  [C x H], bcls [C]    output classes (class output only)
 * Gate order: LSTM i, f, g, o; GRU r, z, n. */
#ifndef RLM_MODEL_INTERNAL_H
#define RLM_MODEL_INTERNAL_H

#include "rlm_model.h"

typedef struct rlm_param_views {
    float *E;
    float *W[RLM_MAX_LAYERS], *U[RLM_MAX_LAYERS], *b[RLM_MAX_LAYERS];
    float *Wout, *bout;
    float *Wcls, *bcls;
} rlm_param_views;

struct rlm_model {
    rlm_model_config cfg;
    rlm_vocab *vocab;
    int32_t V, C;        /* vocabulary size; number of output classes (0 for full softmax) */
    int32_t gates;       /* 1 (RNN), 4 (LSTM), 3 (GRU) */
    size_t n_params;
    float *params;       /* the one allocation */
    rlm_param_views p;   /* views into params */
};

int32_t rlm_cell_gates(rlm_cell_type cell);
/* Input width of layer l. */
static inline int32_t rlm_layer_input(const rlm_model_config *cfg, int l) {
    return l == 0 ? cfg->embed_size : cfg->hidden_size;
}
/* Number of floats the layout needs. */
size_t rlm_param_count(const rlm_model_config *cfg, int32_t V, int32_t C);
/* Point views into base (which holds rlm_param_count floats). */
void rlm_param_bind(rlm_param_views *views, float *base, const rlm_model_config *cfg, int32_t V,
                    int32_t C);
/* Check a configuration against a vocabulary; names the offending field in err. */
rlm_status rlm_config_validate(const rlm_model_config *cfg, const rlm_vocab *vocab,
                               rlm_error *err);
/* A model shell with parameters allocated (uninitialised); takes ownership of vocab. */
rlm_status rlm_model_alloc(const rlm_model_config *cfg, rlm_vocab *vocab, rlm_model **out,
                           rlm_error *err);

/* Stable counting sort of n words by output class, so that each class's rows can be one sgemm:
 * order receives the row indices grouped by class, and class k's rows are
 * order[start[k] .. start[k+1]) (start has num_classes + 1 entries). */
void rlm_group_by_class(const rlm_vocab *v, const int32_t *words, int n, int32_t *order,
                        int32_t *start);
/* The number of ids in the widest output class. */
int32_t rlm_widest_class(const rlm_vocab *v);

/* The hidden state of one stream: per layer h (and c for LSTM), each hidden_size floats. */
struct rlm_state {
    int32_t layers, hidden, has_cell;
    float *h[RLM_MAX_LAYERS];
    float *c[RLM_MAX_LAYERS];
    float *buf;
};

#endif

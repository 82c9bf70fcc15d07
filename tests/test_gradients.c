/* Finite-difference gradient checks of the unrolled network: every cell type, both output
 * layers, tied and untied embeddings, several layers, sentence resets, a carried initial state and
 * dropout (the same seeded mask in every evaluation). Every parameter of a tiny model is checked
 * against the central difference (L(p+e) - L(p-e)) / 2e of the mean loss. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "files.h"
#include "net.h"

static const char *corpus_text =
    "the cat sat on the mat\n"
    "the dog sat\n"
    "a cat and a dog\n"
    "the end\n";

static rlm_vocab *tiny_vocab(int classes) {
    char path[] = "/tmp/rlm_grad_XXXXXX";
    if (test_temp_file(path, corpus_text, strlen(corpus_text))) return NULL;
    rlm_vocab_options o = rlm_vocab_default_options();
    o.num_classes = classes;
    rlm_vocab *v = NULL;
    rlm_error err;
    if (rlm_vocab_build(path, &o, &v, &err) != RLM_OK) fprintf(stderr, "%s\n", err.message);
    remove(path);
    return v;
}

enum { B = 2, T = 3 };

typedef struct fixture {
    rlm_net net;
    int32_t x[B * T], y[B * T];
    uint8_t reset[B * T];
    float *state[2 * RLM_MAX_LAYERS];
} fixture;

static double loss_once(fixture *fx) {
    rlm_net *n = &fx->net;
    const size_t bytes = (size_t)n->B * n->m->cfg.hidden_size * sizeof(float);
    for (int l = 0; l < n->m->cfg.layers; l++) {
        memcpy(n->state_h[l], fx->state[2 * l], bytes);
        if (n->state_c[l]) memcpy(n->state_c[l], fx->state[2 * l + 1], bytes);
    }
    rlm_rng rng;
    rlm_rng_seed(&rng, 99); /* the same dropout mask every time */
    return rlm_net_forward(n, fx->x, fx->y, fx->reset, &rng, NULL) / n->N;
}

static void check_model(rlm_model_config cfg, int classes) {
    rlm_vocab *v = tiny_vocab(classes);
    CHECK(v != NULL);
    if (!v) return;
    rlm_model *m = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_model_new(&cfg, v, 7, &m, &err), RLM_OK);
    if (!m) return;
    /* Larger initial weights than the default so that gradients are not all tiny. */
    rlm_rng rng;
    rlm_rng_seed(&rng, 3);
    for (size_t i = 0; i < m->n_params; i++) m->params[i] = (rlm_rng_uniform(&rng) - 0.5f) * 1.2f;

    fixture fx;
    CHECK_STATUS(rlm_net_init(&fx.net, m, B, T, 1, &err), RLM_OK);
    fx.net.dropout = cfg.dropout;
    const int V = rlm_vocab_size(v);
    for (int r = 0; r < B * T; r++) {
        fx.x[r] = (r * 5 + 1) % V;
        fx.y[r] = (r * 3 + 2) % V;
        fx.reset[r] = r == 3; /* stream 1 restarts at t = 1 */
    }
    const size_t H = (size_t)cfg.hidden_size;
    for (int l = 0; l < cfg.layers; l++)
        for (int k = 0; k < 2; k++) {
            fx.state[2 * l + k] = malloc(B * H * sizeof(float));
            for (size_t i = 0; i < B * H; i++) fx.state[2 * l + k][i] = rlm_rng_uniform(&rng) - 0.5f;
        }

    float *grad = calloc(m->n_params, sizeof(float));
    rlm_param_views g;
    rlm_param_bind(&g, grad, &cfg, m->V, m->C);
    loss_once(&fx);
    rlm_net_backward(&fx.net, &g, 1.0f / fx.net.N);

    const float eps = 1e-2f;
    int bad = 0;
    double worst = 0;
    for (size_t i = 0; i < m->n_params; i++) {
        float keep = m->params[i];
        m->params[i] = keep + eps;
        double up = loss_once(&fx);
        m->params[i] = keep - eps;
        double down = loss_once(&fx);
        m->params[i] = keep;
        double numeric = (up - down) / (2 * eps), analytic = grad[i];
        double diff = fabs(numeric - analytic);
        double tol = 1e-4 + 2e-3 * (fabs(numeric) + fabs(analytic));
        if (diff > worst) worst = diff;
        if (diff > tol && bad++ < 5)
            fprintf(stderr, "  %s/%s param %zu: analytic %.6g numeric %.6g\n",
                    rlm_cell_type_name(cfg.cell), m->C ? "class" : "full", i, analytic, numeric);
    }
    fprintf(stderr, "  %s layers=%d %s%s dropout=%.1f: %zu params, worst |diff| %.2g\n",
            rlm_cell_type_name(cfg.cell), cfg.layers, m->C ? "class" : "full",
            cfg.tied ? " tied" : "", (double)cfg.dropout, m->n_params, worst);
    CHECK(bad == 0);
    free(grad);
    for (int k = 0; k < 2 * cfg.layers; k++) free(fx.state[k]);
    rlm_net_free(&fx.net);
    rlm_model_free(m);
}

static rlm_model_config config(rlm_cell_type cell, rlm_output_type out, int layers, int E, int H) {
    rlm_model_config c = rlm_model_default_config();
    c.cell = cell, c.output = out, c.layers = layers, c.embed_size = E, c.hidden_size = H;
    return c;
}

static void test_rnn_tanh(void) {
    check_model(config(RLM_CELL_RNN_TANH, RLM_OUTPUT_FULL, 2, 4, 5), 0);
    check_model(config(RLM_CELL_RNN_TANH, RLM_OUTPUT_CLASS, 1, 6, 5), 3);
}
static void test_rnn_relu(void) {
    check_model(config(RLM_CELL_RNN_RELU, RLM_OUTPUT_CLASS, 2, 5, 4), 3);
}
static void test_lstm(void) {
    check_model(config(RLM_CELL_LSTM, RLM_OUTPUT_FULL, 2, 4, 3), 0);
    check_model(config(RLM_CELL_LSTM, RLM_OUTPUT_CLASS, 1, 3, 4), 4);
}
static void test_gru(void) {
    check_model(config(RLM_CELL_GRU, RLM_OUTPUT_FULL, 1, 3, 4), 0);
    check_model(config(RLM_CELL_GRU, RLM_OUTPUT_CLASS, 2, 4, 3), 3);
}
static void test_tied_embedding(void) {
    rlm_model_config c = config(RLM_CELL_LSTM, RLM_OUTPUT_CLASS, 2, 4, 4);
    c.tied = 1;
    check_model(c, 3);
    c.output = RLM_OUTPUT_FULL;
    check_model(c, 0);
}
static void test_dropout(void) {
    rlm_model_config c = config(RLM_CELL_GRU, RLM_OUTPUT_CLASS, 2, 4, 4);
    c.dropout = 0.3f;
    check_model(c, 3);
}

int main(int argc, char **argv) {
    (void)argc;
    RUN(test_rnn_tanh);
    RUN(test_rnn_relu);
    RUN(test_lstm);
    RUN(test_gru);
    RUN(test_tied_embedding);
    RUN(test_dropout);
    return check_summary(argv[0]);
}

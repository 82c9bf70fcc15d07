/* Every path of the batched scoring calls against one hypothesis at a time (rlm_model_log10prob,
 * rlm_model_step, sgemv): a batch of one is that call itself (bit for bit); a class needed by
 * many rows (one sgemm) and classes needed by a few rows (lm/inference_batch.c's FEW_ROWS dot
 * products) agree with it to float rounding, tolerance 1e-5 relative. All cells, both output
 * layers, hidden sizes that are and are not multiples of the 16 partial sums. */
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "model_internal.h"

static char dir[] = "/tmp/rlm-test-batch-XXXXXX";
static char corpus[64];

/* 40 sentences over 30 word types from a fixed linear congruential sequence. */
static void write_corpus(void) {
    snprintf(corpus, sizeof corpus, "%s/corpus.txt", dir);
    FILE *f = fopen(corpus, "w");
    unsigned x = 777;
    for (int s = 0; s < 40; s++) {
        for (int i = 0; i < 8; i++) {
            x = x * 1103515245u + 12345u;
            fprintf(f, "%sw%u", i ? " " : "", (x >> 16) % 30);
        }
        fputc('\n', f);
    }
    fclose(f);
}

static rlm_model *model(rlm_cell_type cell, rlm_output_type out, int hidden) {
    rlm_vocab_options vo = rlm_vocab_default_options();
    vo.num_classes = 4;
    rlm_vocab *v = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_vocab_build(corpus, &vo, &v, &err), RLM_OK);
    rlm_model_config c = rlm_model_default_config();
    c.cell = cell, c.output = out, c.layers = 1, c.embed_size = 8, c.hidden_size = hidden;
    rlm_model *m = NULL;
    CHECK_STATUS(rlm_model_new(&c, v, 3, &m, &err), RLM_OK);
    for (size_t i = 0; m && i < m->n_params; i++) m->params[i] *= 3;
    return m;
}

static void test_batches_equal_single(void) {
    enum { N = 40 };
    const int hidden[2] = {12, 37};
    for (int cell = 0; cell < 4; cell++)
        for (int out = 0; out < 2; out++)
            for (int hs = 0; hs < 2; hs++) {
                rlm_model *m = model(cell, out, hidden[hs]);
                if (!m) return;
                rlm_state *in[N], *res[N], *ref = rlm_state_new(m);
                int32_t next[N];
                int in_big_class = 0;
                const int32_t big = m->C ? rlm_vocab_class_begin(m->vocab, m->C - 1) : 2;
                for (int i = 0; i < N; i++) {
                    in[i] = rlm_state_new(m), res[i] = rlm_state_new(m);
                    rlm_model_begin(m, in[i]);
                    rlm_model_step(m, in[i], 2 + i % (m->V - 2), in[i]); /* distinct states */
                    /* 24 rows read words of the last class (one sgemm), the others spread over
                     * the other classes (a few rows each) */
                    next[i] = i < 24 ? big + i % 3 : 2 + (i * 7) % (m->V - 2);
                    in_big_class += m->C && rlm_vocab_class_of(m->vocab, next[i]) == m->C - 1;
                }
                CHECK(!m->C || in_big_class > 8);
                float lp[N];
                rlm_model_log10prob_batch(m, (const rlm_state *const *)in, next, N, lp);
                for (int i = 0; i < N; i++) {
                    float want = rlm_model_log10prob(m, in[i], next[i]);
                    CHECK_NEAR(lp[i], want, 1e-5 * (1 + fabs(want)));
                }
                rlm_model_log10prob_batch(m, (const rlm_state *const *)in, next, 1, lp);
                CHECK(lp[0] == rlm_model_log10prob(m, in[0], next[0]));
                rlm_model_step_batch(m, (const rlm_state *const *)in, next, N, res);
                for (int i = 0; i < N; i++) {
                    rlm_model_step(m, in[i], next[i], ref);
                    for (int j = 0; j < m->cfg.hidden_size; j++)
                        CHECK_NEAR(res[i]->h[0][j], ref->h[0][j], 1e-5);
                }
                rlm_model_step_batch(m, (const rlm_state *const *)in, next, 1, res);
                rlm_model_step(m, in[0], next[0], ref);
                for (int j = 0; j < m->cfg.hidden_size; j++) CHECK(res[0]->h[0][j] == ref->h[0][j]);
                for (int i = 0; i < N; i++) rlm_state_free(in[i]), rlm_state_free(res[i]);
                rlm_state_free(ref);
                rlm_model_free(m);
            }
}

int main(int argc, char **argv) {
    (void)argc;
    if (!mkdtemp(dir)) return 1;
    write_corpus();
    RUN(test_batches_equal_single);
    unlink(corpus);
    rmdir(dir);
    return check_summary(argv[0]);
}

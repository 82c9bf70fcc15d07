/* Behaviour of whole models: normalisation of both output layers, agreement between the
 * incremental scorer and the unrolled network used in training and evaluation, memorising a
 * small corpus, and checkpoint resume giving the same model as an uninterrupted run. */
#include <cblas.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "model_internal.h"
#include "rlm_train.h"

/* 50 sentences of 5..10 words over 60 word types, from a fixed linear congruential sequence. */
static void write_corpus(const char *path, int sentences) {
    FILE *f = fopen(path, "w");
    unsigned x = 12345;
    for (int s = 0; s < sentences; s++) {
        x = x * 1103515245u + 12345u;
        int n = 5 + (int)((x >> 16) % 6);
        for (int i = 0; i < n; i++) {
            x = x * 1103515245u + 12345u;
            fprintf(f, "%sw%u", i ? " " : "", (x >> 16) % 60);
        }
        fputc('\n', f);
    }
    fclose(f);
}

static char corpus_path[64];

static rlm_vocab *vocab_with_classes(int classes) {
    rlm_vocab_options o = rlm_vocab_default_options();
    o.num_classes = classes;
    rlm_vocab *v = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_vocab_build(corpus_path, &o, &v, &err), RLM_OK);
    return v;
}

static rlm_model *model(rlm_cell_type cell, rlm_output_type out, int classes, int independent) {
    rlm_model_config c = rlm_model_default_config();
    c.cell = cell, c.output = out, c.layers = 2, c.embed_size = 8, c.hidden_size = 12;
    c.independent_sentences = independent;
    rlm_model *m = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_model_new(&c, vocab_with_classes(classes), 11, &m, &err), RLM_OK);
    /* weights large enough that the distributions are far from uniform; not for ReLU, whose
     * unbounded state would grow over the 400 carried steps until rounding dominates */
    if (cell != RLM_CELL_RNN_RELU)
        for (size_t i = 0; i < m->n_params; i++) m->params[i] *= 3;
    return m;
}

static void test_distributions_sum_to_one(void) {
    for (int cell = 0; cell < 4; cell++)
        for (int out = 0; out < 2; out++) {
            rlm_model *m = model(cell, out, 7, 0);
            rlm_state *s = rlm_state_new(m);
            float *d = malloc(m->V * sizeof(float));
            rlm_model_begin(m, s);
            const int32_t words[] = {2, 5, 9, RLM_UNK_ID};
            for (int k = 0; k < 4; k++) {
                rlm_model_log10dist(m, s, d);
                double sum = 0;
                for (int w = 0; w < m->V; w++) sum += pow(10.0, d[w]);
                CHECK_NEAR(sum, 1.0, 1e-5);
                for (int w = 0; w < m->V; w += 7)
                    CHECK_NEAR(rlm_model_log10prob(m, s, w), d[w], 1e-5 * (1 + fabs(d[w])));
                rlm_model_step(m, s, words[k], s);
            }
            free(d);
            rlm_state_free(s);
            rlm_model_free(m);
        }
}

/* With a single class, P(class|h) = 1 and the class layer reduces to the full softmax. */
static void test_one_class_equals_full_softmax(void) {
    rlm_model *full = model(RLM_CELL_LSTM, RLM_OUTPUT_FULL, 1, 0);
    rlm_model *cls = model(RLM_CELL_LSTM, RLM_OUTPUT_CLASS, 1, 0);
    CHECK(rlm_vocab_num_classes(cls->vocab) == 1);
    /* the layouts share their prefix; the class layer's own weights follow */
    memcpy(cls->params, full->params, full->n_params * sizeof(float));
    const int32_t sent[] = {3, 8, 2, 14, 5};
    float a[6], b[6];
    double ta = rlm_model_score_sentence(full, sent, 5, a);
    double tb = rlm_model_score_sentence(cls, sent, 5, b);
    CHECK_NEAR(ta, tb, 1e-5);
    for (int i = 0; i < 6; i++) CHECK_NEAR(a[i], b[i], 1e-6);
    rlm_model_free(full);
    rlm_model_free(cls);
}

/* rlm_model_eval_corpus runs the unrolled training network; the incremental scorer must give
 * the same log-probability for every token, carried state or not. */
static void test_incremental_equals_batched(void) {
    for (int cell = 0; cell < 4; cell++)
        for (int independent = 0; independent < 2; independent++) {
            rlm_model *m = model(cell, cell % 2 ? RLM_OUTPUT_FULL : RLM_OUTPUT_CLASS, 5,
                                 independent);
            rlm_corpus c;
            rlm_error err;
            CHECK_STATUS(rlm_corpus_load(m->vocab, corpus_path, &c, &err), RLM_OK);
            float *batched = malloc(c.n_ids * sizeof(float));
            rlm_eval_result r;
            CHECK_STATUS(rlm_model_eval_corpus(m, &c, batched, &r, &err), RLM_OK);
            rlm_state *s = rlm_state_new(m);
            rlm_model_begin(m, s);
            double worst = 0, total = 0;
            for (size_t i = 0; i < c.n_ids; i++) {
                float lp = rlm_model_log10prob(m, s, c.ids[i]);
                total += lp;
                worst = fmax(worst, fabs(lp - batched[i]) / (1 + fabs(batched[i])));
                if (c.ids[i] == RLM_EOS_ID && independent)
                    rlm_model_begin(m, s);
                else
                    rlm_model_step(m, s, c.ids[i], s);
            }
            if (worst >= 2e-5)
                fprintf(stderr, "  %s independent=%d: worst relative difference %g\n",
                        rlm_cell_type_name(cell), independent, worst);
            CHECK(worst < 2e-5);
            CHECK_NEAR(total, r.log10prob_unk, 1e-4 * (1 + fabs(total)));
            CHECK(r.tokens == c.n_ids && r.sentences == 50);
            free(batched);
            rlm_state_free(s);
            rlm_corpus_free(&c);
            rlm_model_free(m);
        }
}

/* A batch of hypotheses (with a shared input state and an in-place update among them) scores
 * and steps exactly as one hypothesis at a time does. */
static void test_batch_equals_single(void) {
    for (int cell = 0; cell < 4; cell++)
        for (int out = 0; out < 2; out++) {
            rlm_model *m = model(cell, out, 5, 0);
            enum { n = 5 };
            rlm_state *in[n], *res[n], *ref = rlm_state_new(m);
            const int32_t first[n] = {2, 3, 4, 5, 6}, next[n] = {7, RLM_UNK_ID, 9, 2, 12};
            for (int i = 0; i < n; i++) {
                in[i] = rlm_state_new(m), res[i] = i == 4 ? in[i] : rlm_state_new(m);
                rlm_model_begin(m, in[i]);
                if (i != 3) rlm_model_step(m, in[i], first[i], in[i]); /* 3 stays at begin */
            }
            /* res[4] is in[4]: that hypothesis is stepped in place */
            float lp[n];
            rlm_model_log10prob_batch(m, (const rlm_state *const *)in, next, n, lp);
            for (int i = 0; i < n; i++)
                CHECK_NEAR(lp[i], rlm_model_log10prob(m, in[i], next[i]), 1e-5 * (1 + fabs(lp[i])));
            /* reference successors before the batch overwrites in[4] */
            float want[n];
            for (int i = 0; i < n; i++) {
                rlm_model_step(m, in[i], next[i], ref);
                want[i] = rlm_model_log10prob(m, ref, 2);
            }
            rlm_model_step_batch(m, (const rlm_state *const *)in, next, n, res);
            for (int i = 0; i < n; i++)
                CHECK_NEAR(rlm_model_log10prob(m, res[i], 2), want[i], 1e-5 * (1 + fabs(want[i])));
            for (int i = 0; i < n; i++) {
                rlm_state_free(in[i]);
                if (i != 4) rlm_state_free(res[i]);
            }
            rlm_state_free(ref);
            rlm_model_free(m);
        }
}

static int quiet(const rlm_train_progress *p, void *u) {
    (void)p, (void)u;
    return 0;
}

static rlm_train_options small_training(void) {
    rlm_train_options o = rlm_train_default_options();
    o.batch = 1, o.bptt = 20, o.optimizer = RLM_OPT_ADAM, o.learning_rate = 0.01f, o.clip = 5;
    o.min_improvement = 1.0f;
    o.progress = quiet;
    return o;
}

/* One stream read in order: a recurrent model can memorise the whole sequence, so the
 * perplexity on the training text itself must approach 1. */
static void test_memorises_50_sentences(void) {
    rlm_model_config c = rlm_model_default_config();
    c.embed_size = 32, c.hidden_size = 64;
    rlm_model *m = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_model_new(&c, vocab_with_classes(0), 1, &m, &err), RLM_OK);
    rlm_corpus corpus;
    CHECK_STATUS(rlm_corpus_load(m->vocab, corpus_path, &corpus, &err), RLM_OK);
    rlm_train_options o = small_training();
    o.max_epochs = 80;
    rlm_train_result res;
    CHECK_STATUS(rlm_train(m, &corpus, &corpus, &o, &res, &err), RLM_OK);
    fprintf(stderr, "  memorising: valid ppl %.4f after %d epochs\n", res.best_valid_ppl,
            res.epochs);
    CHECK(res.best_valid_ppl < 1.05);
    rlm_corpus_free(&corpus);
    rlm_model_free(m);
}

/* Splitting the batch into data-parallel shares changes only the order of float sums: without
 * dropout, one and three shares must train to the same parameters up to rounding. */
static void test_shares_sum_to_the_batch_gradient(void) {
    rlm_model_config c = rlm_model_default_config();
    c.embed_size = 8, c.hidden_size = 16;
    rlm_error err;
    rlm_model *m[2] = {NULL, NULL};
    for (int i = 0; i < 2; i++)
        CHECK_STATUS(rlm_model_new(&c, vocab_with_classes(4), 5, &m[i], &err), RLM_OK);
    rlm_corpus corpus;
    CHECK_STATUS(rlm_corpus_load(m[0]->vocab, corpus_path, &corpus, &err), RLM_OK);
    rlm_train_options o = small_training();
    o.batch = 6, o.bptt = 5, o.max_epochs = 1, o.optimizer = RLM_OPT_SGD, o.learning_rate = 2;
    rlm_train_result r;
    for (int i = 0; i < 2; i++) {
        o.threads = i ? 3 : 1;
        CHECK_STATUS(rlm_train(m[i], &corpus, &corpus, &o, &r, &err), RLM_OK);
    }
    double worst = 0, moved = 0;
    rlm_model *fresh = NULL;
    CHECK_STATUS(rlm_model_new(&c, vocab_with_classes(4), 5, &fresh, &err), RLM_OK);
    for (size_t k = 0; k < m[0]->n_params; k++) {
        worst = fmax(worst, fabs(m[0]->params[k] - m[1]->params[k]));
        moved = fmax(moved, fabs(m[0]->params[k] - fresh->params[k]));
    }
    CHECK(moved > 0.05); /* training did change the model */
    CHECK(worst < 1e-4);
    rlm_model_free(fresh);
    rlm_model_free(m[0]);
    rlm_model_free(m[1]);
    rlm_corpus_free(&corpus);
}

typedef struct stopper {
    int calls, stop_at;
} stopper;

static int stop_after(const rlm_train_progress *p, void *u) {
    (void)p;
    stopper *s = u;
    return ++s->calls == s->stop_at;
}

/* Stop a run in the middle of an epoch (and another at an epoch end), resume it from the
 * checkpoint, and compare with a run that was never interrupted: same parameters, bit for bit. */
static void check_resume(rlm_optimizer optimizer, int stop_at) {
    char dir[] = "/tmp/rlm_resume_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char ckpt[128], ckpt2[128];
    snprintf(ckpt, sizeof ckpt, "%s/a.ckpt", dir);
    snprintf(ckpt2, sizeof ckpt2, "%s/b.ckpt", dir);
    rlm_model_config c = rlm_model_default_config();
    c.cell = RLM_CELL_GRU, c.embed_size = 8, c.hidden_size = 16, c.dropout = 0.2f;
    rlm_error err;
    rlm_model *a = NULL, *b = NULL, *resumed = NULL;
    CHECK_STATUS(rlm_model_new(&c, vocab_with_classes(4), 5, &a, &err), RLM_OK);
    CHECK_STATUS(rlm_model_new(&c, vocab_with_classes(4), 5, &b, &err), RLM_OK);
    rlm_corpus corpus;
    CHECK_STATUS(rlm_corpus_load(a->vocab, corpus_path, &corpus, &err), RLM_OK);
    rlm_train_options o = small_training();
    o.batch = 3, o.bptt = 7, o.max_epochs = 3, o.optimizer = optimizer;
    o.threads = 2; /* two data-parallel shares (of 1 and 2 streams) */
    o.learning_rate = optimizer == RLM_OPT_SGD ? 5.0f : 0.01f;
    o.progress_interval_s = 0; /* a progress call after every chunk */
    o.checkpoint_path = ckpt;
    rlm_train_result ra, rb, rr;
    CHECK_STATUS(rlm_train(a, &corpus, &corpus, &o, &ra, &err), RLM_OK);
    stopper st = {0, stop_at};
    o.checkpoint_path = ckpt2;
    o.progress = stop_after, o.progress_user = &st;
    CHECK_STATUS(rlm_train(b, &corpus, &corpus, &o, &rb, &err), RLM_OK);
    CHECK(rb.stopped);
    o.progress = quiet;
    CHECK_STATUS(rlm_train_resume(ckpt2, &corpus, &corpus, &o, &resumed, &rr, &err), RLM_OK);
    CHECK(resumed != NULL && !rr.stopped);
    if (resumed) {
        CHECK(resumed->n_params == a->n_params);
        CHECK(memcmp(resumed->params, a->params, a->n_params * sizeof(float)) == 0);
    }
    CHECK(ra.epochs == rr.epochs);
    rlm_model_free(a);
    rlm_model_free(b);
    rlm_model_free(resumed);
    rlm_corpus_free(&corpus);
    remove(ckpt), remove(ckpt2), rmdir(dir);
}

static void test_resume_equals_uninterrupted(void) {
    check_resume(RLM_OPT_SGD, 9);  /* mid-epoch: chunk calls come before the epoch-end ones */
    check_resume(RLM_OPT_ADAM, 5);
}

/* A checkpoint taken in the middle of an epoch records the stream position; resuming it on a
 * text too short for that position is an error naming the file, not a silent restart. */
static void test_resume_on_other_text_rejected(void) {
    rlm_model_config c = rlm_model_default_config();
    c.embed_size = 4, c.hidden_size = 4;
    rlm_error err;
    rlm_model *a = NULL, *r = NULL;
    CHECK_STATUS(rlm_model_new(&c, vocab_with_classes(2), 5, &a, &err), RLM_OK);
    rlm_corpus corpus;
    CHECK_STATUS(rlm_corpus_load(a->vocab, corpus_path, &corpus, &err), RLM_OK);
    rlm_train_options o = small_training();
    o.checkpoint_path = "/tmp/rlm_test_other.ckpt";
    o.progress_interval_s = 0;
    stopper st = {0, 15}; /* 15 chunks of 20 tokens into the first epoch */
    o.progress = stop_after, o.progress_user = &st;
    rlm_train_result res;
    CHECK_STATUS(rlm_train(a, &corpus, &corpus, &o, &res, &err), RLM_OK);
    CHECK(res.stopped);
    const size_t full = corpus.n_ids;
    corpus.n_ids = 100; /* 5 chunks */
    o.progress = quiet;
    CHECK_STATUS(rlm_train_resume(o.checkpoint_path, &corpus, &corpus, &o, &r, &res, &err),
                 RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "/tmp/rlm_test_other.ckpt: training state");
    CHECK(r == NULL);
    /* a text of the same length with one word changed is another text too */
    corpus.n_ids = full;
    corpus.ids[7] = corpus.ids[7] == 2 ? 3 : 2;
    CHECK_STATUS(rlm_train_resume(o.checkpoint_path, &corpus, &corpus, &o, &r, &res, &err),
                 RLM_E_FORMAT);
    CHECK(r == NULL);
    CHECK_STATUS(rlm_train_resume("/nonexistent/x.ckpt", &corpus, &corpus, &o, &r, &res, &err),
                 RLM_E_IO);
    CHECK_CONTAINS(err.message, "/nonexistent/x.ckpt");
    corpus.n_ids = full;
    remove(o.checkpoint_path);
    rlm_corpus_free(&corpus);
    rlm_model_free(a);
}

int main(int argc, char **argv) {
    (void)argc;
    openblas_set_num_threads(1); /* tiny matrices; also makes runs reproducible */
    snprintf(corpus_path, sizeof corpus_path, "/tmp/rlm_model_test_%d.txt", (int)getpid());
    write_corpus(corpus_path, 50);
    RUN(test_distributions_sum_to_one);
    RUN(test_one_class_equals_full_softmax);
    RUN(test_incremental_equals_batched);
    RUN(test_batch_equals_single);
    RUN(test_memorises_50_sentences);
    RUN(test_shares_sum_to_the_batch_gradient);
    RUN(test_resume_equals_uninterrupted);
    RUN(test_resume_on_other_text_rejected);
    remove(corpus_path);
    return check_summary(argv[0]);
}

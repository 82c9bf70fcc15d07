/* Interpolation (lm/rlm_mix.h): per-token component scores against independent references (the
 * incremental RNN scorer and hand-computed n-gram scores), the vocabulary-mismatch rule token by
 * token, linear and log-linear combination, a hand-computed EM step, EM reaching a known
 * optimum, and the --mix specification parser. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rlm_eval.h"
#include "rlm_mix.h"

#define DATA "tests/data/mix/"
#define TOL 1e-5

/* The RNN knows a b d e g; the n-gram (tests/data/mix/tiny.arpa) knows a b c f. Union: 7 words;
 * the RNN lacks c f (M = 2), the n-gram lacks d e g (M = 3). */
static const char vocab_text[] = "#rlm-vocab v1 word classes=2\n"
                                 "0\t</s>\t3\t0\n1\t<unk>\t2\t0\n2\ta\t5\t0\n"
                                 "3\tb\t4\t1\n4\td\t3\t1\n5\te\t2\t1\n6\tg\t1\t1\n";

/* tests/data/mix/text.txt is "a c d\nz a\n\n<unk> b e\n": the blank line is no sentence. */
enum { N_TOK = 11 };
static const int32_t rnn_ids[N_TOK] = {2, 1, 4, 0, 1, 2, 0, 1, 3, 5, 0};
/* Worked out from tiny.arpa with KenLM's back-off rule (rlm ngram query prints the same):
 * <s> a = -0.2; a c = -0.4; d is <unk> after c (no back-off): -1.5; </s> after <unk>: -0.7;
 * z is <unk> after <s>: bo(<s>) -0.3 + -1.5; a after <unk>: -0.5; </s> after a: bo(a) -0.2 +
 * -0.7; <unk> after <s>: -1.8; b after <unk>: -0.6; e = <unk> after b: bo(b) -0.1 + -1.5;
 * </s> after <unk>: -0.7. */
static const double ngram_raw[N_TOK] = {-0.2, -0.4, -1.5, -0.7, -1.8, -0.5,
                                        -0.9, -1.8, -0.6, -1.6, -0.7};
/* what each token is to the mixture: 'k' known to both, 'R' the RNN lacks it (its P(<unk>)/2),
 * 'N' the n-gram lacks it (its P(<unk>)/3), 'O' nobody knows it (OOV) */
static const char kind[N_TOK + 1] = "kRNkOkkOkNk";

static rlm_model *tiny_rnn(int independent) {
    rlm_vocab *v = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_vocab_parse_text(vocab_text, strlen(vocab_text), "tiny-vocab", &v, &err),
                 RLM_OK);
    rlm_model_config c = rlm_model_default_config();
    c.cell = RLM_CELL_GRU, c.embed_size = 6, c.hidden_size = 7;
    c.independent_sentences = independent;
    rlm_model *m = NULL;
    CHECK_STATUS(rlm_model_new(&c, v, 42, &m, &err), RLM_OK);
    return m;
}

static rlm_ngram *tiny_ngram(void) {
    rlm_ngram *g = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_ngram_open(DATA "tiny.arpa", NULL, &g, &err), RLM_OK);
    return g;
}

/* The RNN's log10 P of every token, one step at a time, as rlm_model_eval_corpus reads the
 * text: one stream from the begin state, the state carried over `</s>` unless independent. */
static void rnn_reference(const rlm_model *m, double *out) {
    rlm_state *s = rlm_state_new(m);
    rlm_model_begin(m, s);
    for (int t = 0; t < N_TOK; t++) {
        out[t] = rlm_model_log10prob(m, s, rnn_ids[t]);
        if (rnn_ids[t] == RLM_EOS_ID && rlm_model_config_of(m)->independent_sentences)
            rlm_model_begin(m, s);
        else
            rlm_model_step(m, s, rnn_ids[t], s);
    }
    rlm_state_free(s);
}

/* Reference component scores after the vocabulary rule. */
static void reference(const rlm_model *m, double *rnn, double *ng) {
    rnn_reference(m, rnn);
    for (int t = 0; t < N_TOK; t++) {
        ng[t] = ngram_raw[t];
        if (kind[t] == 'R') rnn[t] -= log10(2.0);
        if (kind[t] == 'N') ng[t] -= log10(3.0);
    }
}

static void test_components_and_vocabulary_rule(void) {
    for (int independent = 0; independent < 2; independent++) {
        rlm_model *m = tiny_rnn(independent);
        rlm_ngram *g = tiny_ngram();
        const rlm_ngram *gs[1] = {g};
        rlm_mix_scores s;
        rlm_error err;
        CHECK_STATUS(rlm_mix_score_file(m, gs, 1, DATA "text.txt", &s, &err), RLM_OK);
        CHECK(s.n_models == 2);
        CHECK(s.n_tokens == N_TOK);
        CHECK(s.n_sentences == 3);
        CHECK(s.union_types == 7);
        CHECK(s.missing_types[0] == 2);
        CHECK(s.missing_types[1] == 3);
        double rnn[N_TOK], ng[N_TOK];
        reference(m, rnn, ng);
        for (int t = 0; t < N_TOK && s.n_tokens == N_TOK; t++) {
            CHECK_NEAR(s.log10p[t], rnn[t], TOL);
            CHECK_NEAR(s.log10p[N_TOK + t], ng[t], TOL);
            CHECK(!!(s.flags[t] & RLM_MIX_OOV) == (kind[t] == 'O'));
            CHECK(!!(s.flags[t] & RLM_MIX_EOS) == (t == 3 || t == 6 || t == 10));
            CHECK(s.unk_share[t] == (kind[t] == 'R' ? 1u : kind[t] == 'N' ? 2u : 0u));
        }
        CHECK(!strcmp(s.spellings + s.spelling_at[1], "c"));
        CHECK(!strcmp(s.spellings + s.spelling_at[7], "<unk>"));
        CHECK(!strcmp(s.spellings + s.spelling_at[10], "</s>"));
        rlm_mix_scores_free(&s);
        rlm_ngram_close(g);
        rlm_model_free(m);
    }
}

static void test_linear_and_loglinear(void) {
    rlm_model *m = tiny_rnn(0);
    rlm_ngram *g = tiny_ngram();
    const rlm_ngram *gs[1] = {g};
    rlm_mix_scores s;
    rlm_error err;
    CHECK_STATUS(rlm_mix_score_file(m, gs, 1, DATA "text.txt", &s, &err), RLM_OK);
    double rnn[N_TOK], ng[N_TOK];
    reference(m, rnn, ng);
    const double w = 0.3;
    rlm_mix_spec lin, loglin;
    CHECK_STATUS(rlm_mix_spec_parse("linear:0.3", 2, "--mix", &lin, &err), RLM_OK);
    CHECK_STATUS(rlm_mix_spec_parse("loglinear:0.3", 2, "--mix", &loglin, &err), RLM_OK);
    float lp[N_TOK];
    rlm_mix_result r;
    CHECK_STATUS(rlm_mix_combine(&s, &lin, lp, &r, &err), RLM_OK);
    double sum = 0, sum_unk = 0;
    for (int t = 0; t < N_TOK; t++) {
        double want = log10(w * pow(10, rnn[t]) + (1 - w) * pow(10, ng[t]));
        CHECK_NEAR(lp[t], want, TOL);
        sum_unk += want;
        if (kind[t] != 'O') sum += want;
    }
    CHECK(r.tokens == N_TOK && r.oov == 2 && r.sentences == 3);
    CHECK(r.unk_share[0] == 1 && r.unk_share[1] == 2);
    CHECK_NEAR(r.log10prob, sum, 1e-4);
    CHECK_NEAR(r.log10prob_unk, sum_unk, 1e-4);
    CHECK_NEAR(rlm_mix_perplexity(&r), pow(10, -sum / 9), 1e-3);
    CHECK_NEAR(rlm_mix_perplexity_unk(&r), pow(10, -sum_unk / 11), 1e-3);

    CHECK_STATUS(rlm_mix_combine(&s, &loglin, lp, &r, &err), RLM_OK);
    for (int t = 0; t < N_TOK; t++) CHECK_NEAR(lp[t], w * rnn[t] + (1 - w) * ng[t], TOL);

    /* weight 1 on one model gives that model's own figures */
    rlm_mix_spec only_ngram = {RLM_MIX_LINEAR, 2, {0, 1}};
    CHECK_STATUS(rlm_mix_combine(&s, &only_ngram, lp, &r, &err), RLM_OK);
    for (int t = 0; t < N_TOK; t++) CHECK_NEAR(lp[t], ng[t], TOL);
    rlm_mix_spec three = {RLM_MIX_LINEAR, 3, {0.2, 0.3, 0.5}};
    CHECK_STATUS(rlm_mix_combine(&s, &three, lp, &r, &err), RLM_E_ARG);
    rlm_mix_scores_free(&s);
    rlm_ngram_close(g);
    rlm_model_free(m);
}

/* One model alone gives exactly its own evaluation: the n-gram as hand-computed above (no union
 * words are missing, so no share), the RNN as rlm_model_eval_corpus on rlm_corpus_load. */
static void test_single_models(void) {
    rlm_ngram *g = tiny_ngram();
    const rlm_ngram *gs[1] = {g};
    rlm_mix_scores s;
    rlm_error err;
    CHECK_STATUS(rlm_mix_score_file(NULL, gs, 1, DATA "text.txt", &s, &err), RLM_OK);
    CHECK(s.n_models == 1 && s.missing_types[0] == 0 && s.union_types == 4);
    for (int t = 0; t < N_TOK && s.n_tokens == N_TOK; t++) {
        CHECK_NEAR(s.log10p[t], ngram_raw[t], TOL);
        /* alone, d and e are the n-gram's OOVs as rlm ngram query counts them */
        CHECK(!!(s.flags[t] & RLM_MIX_OOV) == (t == 2 || t == 4 || t == 7 || t == 9));
    }
    rlm_mix_scores_free(&s);
    rlm_ngram_close(g);

    rlm_model *m = tiny_rnn(0);
    CHECK_STATUS(rlm_mix_score_file(m, NULL, 0, DATA "text.txt", &s, &err), RLM_OK);
    rlm_corpus c;
    CHECK_STATUS(rlm_corpus_load(rlm_model_vocab(m), DATA "text.txt", &c, &err), RLM_OK);
    float lp[N_TOK];
    rlm_eval_result er;
    CHECK_STATUS(rlm_model_eval_corpus(m, &c, lp, &er, &err), RLM_OK);
    rlm_mix_spec one = {RLM_MIX_LINEAR, 1, {1}};
    rlm_mix_result r;
    CHECK_STATUS(rlm_mix_combine(&s, &one, NULL, &r, &err), RLM_OK);
    CHECK(c.n_ids == s.n_tokens && r.oov == er.oov && r.tokens == er.tokens);
    CHECK_NEAR(r.log10prob, er.log10prob, 1e-5);
    CHECK_NEAR(r.log10prob_unk, er.log10prob_unk, 1e-5);
    for (int t = 0; t < N_TOK && s.n_tokens == N_TOK; t++) CHECK(s.log10p[t] == lp[t]);
    rlm_corpus_free(&c);
    rlm_mix_scores_free(&s);
    rlm_model_free(m);
}

/* A scores table made by hand: n_models x n_tokens probabilities (not logs). */
static void fake_scores(rlm_mix_scores *s, int n_models, int n_tokens, const double *p) {
    memset(s, 0, sizeof *s);
    s->n_models = n_models;
    s->n_tokens = (size_t)n_tokens;
    s->n_sentences = 1;
    s->log10p = malloc((size_t)(n_models * n_tokens) * sizeof *s->log10p);
    s->flags = calloc((size_t)n_tokens, 1);
    s->unk_share = calloc((size_t)n_tokens, sizeof *s->unk_share);
    for (int i = 0; i < n_models * n_tokens; i++) s->log10p[i] = (float)log10(p[i]);
}

/* P1 = (0.5, 0.1), P2 = (0.1, 0.3), w = (1/2, 1/2): the mixtures are 0.3 and 0.2, the posteriors
 * of model 1 are 0.25/0.3 = 5/6 and 0.05/0.2 = 1/4, so w1' = (5/6 + 1/4) / 2 = 13/24. */
static void test_em_step_by_hand(void) {
    const double p[] = {0.5, 0.1, /* model 1 */ 0.1, 0.3 /* model 2 */};
    rlm_mix_scores s;
    fake_scores(&s, 2, 2, p);
    const double w[2] = {0.5, 0.5};
    double next[2], lp;
    size_t n;
    rlm_error err;
    CHECK_STATUS(rlm_mix_em_step(&s, w, 0, next, &lp, &n, &err), RLM_OK);
    CHECK_NEAR(next[0], 13.0 / 24.0, 1e-6);
    CHECK_NEAR(next[1], 11.0 / 24.0, 1e-6);
    CHECK_NEAR(lp, log10(0.3) + log10(0.2), 1e-6);
    CHECK(n == 2);
    /* weights that do not sum to 1 are refused */
    const double bad[2] = {0.5, 0.6};
    CHECK_STATUS(rlm_mix_em_step(&s, bad, 0, next, &lp, &n, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, "sum");
    rlm_mix_scores_free(&s);
}

static double last_ppl;
static int ppl_rose, reports;
static void watch(void *ctx, int it, const double *w, int n, double ppl) {
    (void)ctx, (void)w, (void)n;
    if (it > 0 && ppl > last_ppl + 1e-9) ppl_rose = 1;
    last_ppl = ppl;
    reports++;
}

/* Three tokens where model 1 gives 0.4 and model 2 0.1, one where it is the other way round.
 * log L(w) = 3 log(0.1 + 0.3 w) + log(0.4 - 0.3 w); its derivative vanishes where
 * 3 (0.4 - 0.3 w) = 0.1 + 0.3 w, at w = 11/12. */
static void test_em_reaches_optimum(void) {
    const double p[] = {0.4, 0.4, 0.4, 0.1, /* model 1 */ 0.1, 0.1, 0.1, 0.4 /* model 2 */};
    rlm_mix_scores s;
    fake_scores(&s, 2, 4, p);
    rlm_mix_em_options o;
    rlm_mix_em_options_init(&o);
    CHECK(o.tolerance == 1e-4 && o.max_iterations == 100 && !o.include_oov);
    o.on_iteration = watch;
    double w[2] = {0.5, 0.5}, ppl;
    int it;
    rlm_error err;
    ppl_rose = 0, reports = 0;
    CHECK_STATUS(rlm_mix_em(&s, w, &o, &it, &ppl, &err), RLM_OK);
    CHECK(!ppl_rose);
    CHECK(reports == it + 1);
    CHECK(it > 1 && it < 100);
    CHECK_NEAR(w[0], 11.0 / 12.0, 2e-3); /* the stopping rule allows a small remainder */
    CHECK_NEAR(w[0] + w[1], 1.0, 1e-12);
    double best = pow(10, -(3 * log10(0.1 + 0.3 * 11 / 12.0) + log10(0.4 - 0.3 * 11 / 12.0)) / 4);
    CHECK(ppl >= best - 1e-6);
    CHECK_NEAR(ppl, best, 1e-4);

    o.tolerance = 1e-12, o.max_iterations = 100000;
    w[0] = 0.1, w[1] = 0.9;
    CHECK_STATUS(rlm_mix_em(&s, w, &o, &it, &ppl, &err), RLM_OK);
    CHECK_NEAR(w[0], 11.0 / 12.0, 1e-7);
    CHECK_NEAR(ppl, best, 1e-6); /* the table holds float log10s */

    /* the iteration cap holds */
    o.max_iterations = 3, o.on_iteration = NULL;
    w[0] = 0.5, w[1] = 0.5;
    CHECK_STATUS(rlm_mix_em(&s, w, &o, &it, &ppl, &err), RLM_OK);
    CHECK(it == 3);

    /* OOV tokens are left out unless asked for: mark the odd token OOV, and the optimum moves
     * to w = 1 (every remaining token prefers model 1) */
    s.flags[3] = RLM_MIX_OOV;
    o.max_iterations = 100000;
    w[0] = 0.5, w[1] = 0.5;
    CHECK_STATUS(rlm_mix_em(&s, w, &o, &it, &ppl, &err), RLM_OK);
    CHECK(w[0] > 0.999);
    o.include_oov = 1;
    w[0] = 0.5, w[1] = 0.5;
    CHECK_STATUS(rlm_mix_em(&s, w, &o, &it, &ppl, &err), RLM_OK);
    CHECK_NEAR(w[0], 11.0 / 12.0, 1e-7);
    rlm_mix_scores_free(&s);
}

static void test_em_on_real_components(void) {
    rlm_model *m = tiny_rnn(0);
    rlm_ngram *g = tiny_ngram();
    const rlm_ngram *gs[1] = {g};
    rlm_mix_scores s;
    rlm_error err;
    CHECK_STATUS(rlm_mix_score_file(m, gs, 1, DATA "text.txt", &s, &err), RLM_OK);
    double w[2] = {0.5, 0.5}, ppl;
    int it;
    rlm_mix_em_options o;
    rlm_mix_em_options_init(&o);
    o.tolerance = 1e-10, o.max_iterations = 100000;
    CHECK_STATUS(rlm_mix_em(&s, w, &o, &it, &ppl, &err), RLM_OK);
    /* no nearby weight does better on the same tokens */
    rlm_mix_spec at = {RLM_MIX_LINEAR, 2, {w[0], w[1]}};
    rlm_mix_result r;
    CHECK_STATUS(rlm_mix_combine(&s, &at, NULL, &r, &err), RLM_OK);
    CHECK_NEAR(rlm_mix_perplexity(&r), ppl, 1e-4);
    for (int d = -1; d <= 1; d += 2) {
        double v = w[0] + 0.01 * d;
        if (v < 0 || v > 1) continue;
        rlm_mix_spec near = {RLM_MIX_LINEAR, 2, {v, 1 - v}};
        rlm_mix_result rn;
        CHECK_STATUS(rlm_mix_combine(&s, &near, NULL, &rn, &err), RLM_OK);
        CHECK(rlm_mix_perplexity(&rn) >= rlm_mix_perplexity(&r) - 1e-6);
    }
    rlm_mix_scores_free(&s);
    rlm_ngram_close(g);
    rlm_model_free(m);
}

static void test_spec_parse(void) {
    rlm_mix_spec s;
    rlm_error err;
    CHECK_STATUS(rlm_mix_spec_parse("linear:0.25", 2, "--mix", &s, &err), RLM_OK);
    CHECK(s.kind == RLM_MIX_LINEAR && s.n_weights == 2);
    CHECK_NEAR(s.weight[0], 0.25, 1e-12);
    CHECK_NEAR(s.weight[1], 0.75, 1e-12);
    CHECK_STATUS(rlm_mix_spec_parse("loglinear:0.7", 2, "--mix", &s, &err), RLM_OK);
    CHECK(s.kind == RLM_MIX_LOGLINEAR);
    CHECK_NEAR(s.weight[1], 0.3, 1e-12);
    CHECK_STATUS(rlm_mix_spec_parse("linear:0.5,0.3,0.2", 3, "--mix", &s, &err), RLM_OK);
    CHECK(s.n_weights == 3);
    CHECK_NEAR(s.weight[2], 0.2, 1e-12);
    CHECK_STATUS(rlm_mix_spec_parse("loglinear:1,-0.3", 2, "--mix", &s, &err), RLM_OK);
    CHECK_NEAR(s.weight[1], -0.3, 1e-12);
    CHECK_STATUS(rlm_mix_spec_parse("linear:1", 1, "--mix", &s, &err), RLM_OK);
    /* rounded printed weights are accepted and rescaled to sum to 1 exactly */
    CHECK_STATUS(rlm_mix_spec_parse("linear:0.333333,0.333333,0.333333", 3, "--mix", &s, &err),
                 RLM_OK);
    CHECK_NEAR(s.weight[0] + s.weight[1] + s.weight[2], 1.0, 1e-15);

    static const struct {
        const char *text;
        int n;
        const char *message;
    } bad[] = {
        {"linear", 2, "missing weights"},
        {"linear:", 2, "missing weights"},
        {"0.5", 2, "expected linear:W or loglinear:W"},
        {"lin:0.5", 2, "expected linear:W or loglinear:W"},
        {"linear:abc", 2, "weight 1: 'abc' is not a number"},
        {"linear:0.5,", 2, "weight 2: '' is not a number"},
        {"linear:0.5x", 2, "weight 1: '0.5x' is not a number"},
        {"linear:nan", 2, "is not a number"},
        {"loglinear:inf", 2, "is not a number"},
        {"linear:1.5", 2, "weight 1: 1.5: linear weights must be in [0,1]"},
        {"linear:-0.1", 2, "must be in [0,1]"},
        {"linear:0.5,0.6", 2, "linear weights sum to 1.1, not 1"},
        {"linear:0.5", 3, "1 weight for 3 models"},
        {"loglinear:0.5,0.5", 3, "2 weights for 3 models"},
        {"linear:0.5,0.5", 1, "2 weights for 1 models"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err.message[0] = 0;
        CHECK_STATUS(rlm_mix_spec_parse(bad[i].text, bad[i].n, "--mix", &s, &err), RLM_E_ARG);
        CHECK_CONTAINS(err.message, bad[i].message);
        CHECK_CONTAINS(err.message, "--mix: ");
    }
}

static void test_errors(void) {
    rlm_mix_scores s;
    rlm_error err;
    CHECK_STATUS(rlm_mix_score_file(NULL, NULL, 0, DATA "text.txt", &s, &err), RLM_E_ARG);
    rlm_ngram *g = tiny_ngram();
    const rlm_ngram *gs[1] = {g};
    CHECK_STATUS(rlm_mix_score_file(NULL, gs, 1, DATA "no-such-file", &s, &err), RLM_E_IO);
    CHECK_CONTAINS(err.message, "no-such-file: cannot open");
    rlm_ngram_close(g);
}

int main(int argc, char **argv) {
    (void)argc;
    RUN(test_components_and_vocabulary_rule);
    RUN(test_linear_and_loglinear);
    RUN(test_single_models);
    RUN(test_em_step_by_hand);
    RUN(test_em_reaches_optimum);
    RUN(test_em_on_real_components);
    RUN(test_spec_parse);
    RUN(test_errors);
    return check_summary(argv[0]);
}

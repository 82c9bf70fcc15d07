/* The scorer (plugin/rlm_scorer.h) against direct model calls: the RNN alone equals
 * rlm_model_log10prob step by step; the n-gram side equals hand-computed KenLM scores of
 * tests/data/mix/tiny.arpa (worked out in tests/test_mix.c); linear and log-linear mixtures are
 * recomputed by hand from those, with rlm_mix.h's P(<unk>)/M rule and the OOV penalty. Then the
 * engine: batch = one at a time, cache hits = misses = no cache, LRU order, byte limit and
 * counters of the history cache, hash collisions, k-word truncation, hash/equal, and threads.
 *
 * Tolerances: the scorer steps hidden states with rlm_model_step_batch (sgemm), the reference with
 * rlm_model_step (sgemv); the two round differently in the last bits, hence 1e-5 there. Where both
 * sides run the same arithmetic (cache hit vs miss) the check is exact. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "history_cache.h"
#include "rlm_scorer.h"

#define TOL 1e-5

/* The RNN knows a b d e g; tiny.arpa knows a b c f: union 7 words, the RNN lacks c f (M = 2),
 * the n-gram lacks d e g (M = 3). */
static const char vocab_text[] = "#rlm-vocab v1 word classes=2\n"
                                 "0\t</s>\t3\t0\n1\t<unk>\t2\t0\n2\ta\t5\t0\n"
                                 "3\tb\t4\t1\n4\td\t3\t1\n5\te\t2\t1\n6\tg\t1\t1\n";

static rlm_model *rnn;
static rlm_ngram *ngram;

static void setup(void) {
    rlm_vocab *v = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_vocab_parse_text(vocab_text, strlen(vocab_text), "tiny-vocab", &v, &err),
                 RLM_OK);
    rlm_model_config c = rlm_model_default_config();
    c.cell = RLM_CELL_LSTM, c.embed_size = 6, c.hidden_size = 7, c.layers = 2;
    CHECK_STATUS(rlm_model_new(&c, v, 7, &rnn, &err), RLM_OK);
    CHECK_STATUS(rlm_ngram_open("tests/data/mix/tiny.arpa", NULL, &ngram, &err), RLM_OK);
}

static rlm_scorer *make(int with_ngram, rlm_mix_kind kind, double w_rnn, size_t cache, int k) {
    rlm_scorer_options o;
    rlm_scorer_options_init(&o);
    o.cache_bytes = cache;
    o.history_words = k;
    if (with_ngram) {
        o.mix.kind = kind;
        o.mix.n_weights = 2;
        o.mix.weight[0] = w_rnn, o.mix.weight[1] = 1 - w_rnn;
    }
    rlm_scorer *sc = NULL;
    rlm_error err;
    const rlm_ngram *g[1] = {ngram};
    CHECK_STATUS(rlm_scorer_new(rnn, g, with_ngram, &o, &sc, &err), RLM_OK);
    return sc;
}

static int32_t id(const rlm_scorer *sc, const char *w) { return rlm_scorer_word_id(sc, w, strlen(w)); }

/* log10 P_rnn of RNN ids ids[0..n) and `</s>`, one sgemv step at a time from the begin state. */
static void rnn_direct(const int32_t *ids, int n, double *out) {
    rlm_state *s = rlm_state_new(rnn);
    rlm_model_begin(rnn, s);
    for (int i = 0; i <= n; i++) {
        int32_t w = i < n ? ids[i] : RLM_EOS_ID;
        out[i] = rlm_model_log10prob(rnn, s, w);
        if (i < n) rlm_model_step(rnn, s, w, s);
    }
    rlm_state_free(s);
}

static void test_word_ids(void) {
    rlm_scorer *sc = make(1, RLM_MIX_LINEAR, 0.5, 1 << 20, 0);
    CHECK(id(sc, "a") == 2 && id(sc, "e") == 5); /* RNN words keep their RNN ids */
    CHECK(id(sc, "c") > 6 && id(sc, "f") > 6 && id(sc, "c") != id(sc, "f"));
    CHECK(id(sc, "</s>") == RLM_SCORER_EOS && id(sc, "<s>") == RLM_SCORER_EOS);
    CHECK(id(sc, "zzz") == RLM_SCORER_UNK && id(sc, "<unk>") == RLM_SCORER_UNK);
    rlm_scorer_free(sc);
}

static void test_rnn_alone(void) {
    rlm_scorer_options o;
    rlm_scorer_options_init(&o);
    o.oov_log10penalty = -2.5f;
    rlm_scorer *sc = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_scorer_new(rnn, NULL, 0, &o, &sc, &err), RLM_OK);
    /* "a b zzz d": zzz is an OOV scored P(<unk>) plus the penalty, read as <unk> */
    int32_t ids[4] = {2, 3, 1, 4};
    double ref[5];
    rnn_direct(ids, 4, ref);
    ref[2] += -2.5;
    int32_t words[4] = {id(sc, "a"), id(sc, "b"), id(sc, "zzz"), id(sc, "d")};
    float per[5];
    double total = rlm_scorer_score_sentence(sc, words, 4, per), sum = 0;
    for (int i = 0; i < 5; i++) {
        CHECK_NEAR(per[i], ref[i], TOL);
        sum += ref[i];
    }
    CHECK_NEAR(total, sum, 5 * TOL);
    rlm_scorer_free(sc);
}

/* "a c d </s>": c is the n-gram's (the RNN gives it P(<unk>)/2), d the RNN's (the n-gram gives it
 * P(<unk>)/3). Hand-computed n-gram: -0.2, -0.4, -1.5, -0.7. */
static void mixture_check(rlm_mix_kind kind, double w) {
    rlm_scorer *sc = make(1, kind, w, 1 << 20, 0);
    int32_t rnn_ids[3] = {2, 1, 4};
    double r[4], g[4] = {-0.2, -0.4, -1.5 - log10(3.0), -0.7};
    rnn_direct(rnn_ids, 3, r);
    r[1] -= log10(2.0);
    int32_t words[3] = {id(sc, "a"), id(sc, "c"), id(sc, "d")};
    float per[4];
    rlm_scorer_score_sentence(sc, words, 3, per);
    for (int i = 0; i < 4; i++) {
        double want = kind == RLM_MIX_LINEAR ? log10(w * pow(10, r[i]) + (1 - w) * pow(10, g[i]))
                                             : w * r[i] + (1 - w) * g[i];
        CHECK_NEAR(per[i], want, TOL);
    }
    rlm_scorer_free(sc);
}

static void test_ngram_alone(void) { mixture_check(RLM_MIX_LINEAR, 0.0); }
static void test_linear(void) { mixture_check(RLM_MIX_LINEAR, 0.3); }
static void test_loglinear(void) { mixture_check(RLM_MIX_LOGLINEAR, 0.6); }

/* OOV with both models: each full P(<unk>) mixed, plus the penalty. n-gram: <s> zzz = bo(<s>)
 * -0.3 + -1.5. */
static void test_oov_mixture(void) {
    rlm_scorer *sc = make(1, RLM_MIX_LOGLINEAR, 0.5, 1 << 20, 0);
    int32_t unk = RLM_UNK_ID;
    double r[2];
    rnn_direct(&unk, 1, r);
    rlm_scorer_state s, t;
    rlm_scorer_begin(sc, &s);
    CHECK_NEAR(rlm_scorer_score(sc, &s, id(sc, "zzz"), &t), 0.5 * r[0] + 0.5 * -1.8, TOL);
    rlm_scorer_free(sc);
}

/* Many states and words: one batch equals calls one at a time, states included. */
static void test_batch_equals_single(void) {
    rlm_scorer *sc = make(1, RLM_MIX_LINEAR, 0.5, 1 << 20, 0);
    const char *ws[] = {"a", "b", "c", "d", "e", "f", "g", "zzz"};
    enum { N = 24 };
    rlm_scorer_state ins[N], outs[N], one;
    int32_t words[N];
    float batch[N];
    rlm_scorer_begin(sc, &ins[0]);
    for (int i = 1; i < N; i++) /* a mix of depths; some states repeat */
        rlm_scorer_score(sc, &ins[(i * 7) % i], id(sc, ws[i % 8]), &ins[i]);
    for (int i = 0; i < N; i++) words[i] = id(sc, ws[(i * 5 + 1) % 8]);
    words[3] = RLM_SCORER_EOS;
    rlm_scorer_score_batch(sc, ins, words, N, outs, batch);
    for (int i = 0; i < N; i++) {
        CHECK_NEAR(rlm_scorer_score(sc, &ins[i], words[i], &one), batch[i], TOL);
        CHECK(rlm_scorer_state_equal(&one, &outs[i]));
    }
    /* in place: outs = ins */
    rlm_scorer_state copy[N];
    memcpy(copy, ins, sizeof ins);
    float again[N];
    rlm_scorer_score_batch(sc, copy, words, N, copy, again);
    for (int i = 0; i < N; i++) {
        CHECK(batch[i] == again[i]);
        CHECK(rlm_scorer_state_equal(&copy[i], &outs[i]));
    }
    rlm_scorer_free(sc);
}

static void sentence_scores(rlm_scorer *sc, float *per) {
    const char *ws[] = {"a", "b", "d", "e", "c", "a", "g", "b"};
    int32_t words[8];
    for (int i = 0; i < 8; i++) words[i] = id(sc, ws[i]);
    rlm_scorer_score_sentence(sc, words, 8, per);
}

static void test_cache_hits_equal_misses(void) {
    rlm_scorer *cached = make(1, RLM_MIX_LINEAR, 0.5, 1 << 20, 0);
    rlm_scorer *uncached = make(1, RLM_MIX_LINEAR, 0.5, 0, 0);
    float first[9], second[9], none[9];
    rlm_scorer_cache_stats st;
    sentence_scores(cached, first);
    rlm_scorer_cache_stats_get(cached, &st);
    /* Hidden states are computed when a state is scored from: histories 1..8 (after a .. b) miss
     * once each and are put; each miss of history i >= 2 then finds history i-1 (7 hits). The
     * table holds <s>, the 8 prefixes and the history after </s>. */
    CHECK(st.hits == 7 && st.misses == 8 && st.insertions == 8 && st.entries == 8);
    CHECK(st.histories == 10);
    sentence_scores(cached, second);
    rlm_scorer_cache_stats_get(cached, &st);
    CHECK(st.hits == 7 + 8 && st.misses == 8 && st.evictions == 0);
    sentence_scores(uncached, none);
    for (int i = 0; i < 9; i++) CHECK(first[i] == second[i] && first[i] == none[i]);
    rlm_scorer_free(cached);
    rlm_scorer_free(uncached);
}

/* One shard, room for three entries: least recently used goes first. */
static void test_lru_and_limit(void) {
    size_t one = 0;
    rlm_history_cache *probe = rlm_history_cache_new(rnn, 1000, 1);
    one = rlm_history_cache_entry_bytes(probe, 1);
    rlm_history_cache_free(probe);
    rlm_history_cache *c = rlm_history_cache_new(rnn, 3 * one + one / 2, 1);
    rlm_state *s = rlm_state_new(rnn), *got = rlm_state_new(rnn);
    rlm_model_begin(rnn, s);
    int32_t A = 2, B = 3, C = 4, D = 5;
    uint64_t hA = rlm_history_hash(&A, 1), hB = rlm_history_hash(&B, 1);
    uint64_t hC = rlm_history_hash(&C, 1), hD = rlm_history_hash(&D, 1);
    rlm_history_cache_put(c, hA, &A, 1, s);
    rlm_history_cache_put(c, hB, &B, 1, s);
    rlm_history_cache_put(c, hC, &C, 1, s);
    CHECK(rlm_history_cache_get(c, hA, &A, 1, got)); /* A is now the most recent: B is oldest */
    rlm_history_cache_put(c, hD, &D, 1, s);
    CHECK(!rlm_history_cache_get(c, hB, &B, 1, got));
    CHECK(rlm_history_cache_get(c, hA, &A, 1, got));
    CHECK(rlm_history_cache_get(c, hC, &C, 1, got));
    CHECK(rlm_history_cache_get(c, hD, &D, 1, got));
    /* a hash collision: same hash, other ids -> a miss, never A's state */
    CHECK(!rlm_history_cache_get(c, hA, &B, 1, got));
    int32_t AB[2] = {2, 3};
    CHECK(!rlm_history_cache_get(c, hA, AB, 2, got));
    rlm_history_cache_stats st;
    rlm_history_cache_get_stats(c, &st);
    CHECK(st.insertions == 4 && st.evictions == 1 && st.entries == 3);
    CHECK(st.hits == 4 && st.misses == 3);
    CHECK(st.bytes == 3 * one && st.bytes <= st.limit_bytes);
    /* an entry bigger than the limit is not stored */
    int32_t longer[400] = {0};
    rlm_history_cache_put(c, rlm_history_hash(longer, 400), longer, 400, s);
    rlm_history_cache_get_stats(c, &st);
    CHECK(st.insertions == 4 && st.entries == 3);
    rlm_history_cache_free(c);
    rlm_state_free(s);
    rlm_state_free(got);
}

/* Through the scorer, 16 shards: the bytes never pass the limit, and evicted states recompute the
 * same numbers. */
static void test_scorer_limit(void) {
    rlm_scorer *big = make(1, RLM_MIX_LINEAR, 0.5, 1 << 20, 0);
    rlm_scorer *tiny = make(1, RLM_MIX_LINEAR, 0.5, 16 * 1200, 0);
    float a[9], b[9];
    for (int r = 0; r < 3; r++) {
        sentence_scores(big, a);
        sentence_scores(tiny, b);
        for (int i = 0; i < 9; i++) CHECK(a[i] == b[i]);
        rlm_scorer_cache_stats st;
        rlm_scorer_cache_stats_get(tiny, &st);
        CHECK(st.bytes <= st.limit_bytes && st.limit_bytes == 16 * 1200);
        CHECK(st.hits + st.misses >= 8u * (unsigned)(r + 1));
    }
    rlm_scorer_free(big);
    rlm_scorer_free(tiny);
}

static void walk(rlm_scorer *sc, const char *const *ws, int n, rlm_scorer_state *s) {
    rlm_scorer_begin(sc, s);
    for (int i = 0; i < n; i++) rlm_scorer_score(sc, s, id(sc, ws[i]), s);
}

/* k = 2: "a b d" and "e b d" are the same state (and with an n-gram of order 2 too); the next
 * score is the RNN's after <s> b d. */
static void test_truncation(void) {
    rlm_scorer *sc = make(1, RLM_MIX_LOGLINEAR, 1.0, 1 << 20, 2);
    const char *x[] = {"a", "b", "d"}, *y[] = {"e", "b", "d"}, *z[] = {"a", "e", "d"};
    rlm_scorer_state sx, sy, sz, o1, o2;
    walk(sc, x, 3, &sx);
    walk(sc, y, 3, &sy);
    walk(sc, z, 3, &sz);
    CHECK(rlm_scorer_state_equal(&sx, &sy));
    CHECK(rlm_scorer_state_hash(&sx) == rlm_scorer_state_hash(&sy));
    CHECK(!rlm_scorer_state_equal(&sx, &sz));
    float fx = rlm_scorer_score(sc, &sx, id(sc, "g"), &o1);
    float fy = rlm_scorer_score(sc, &sy, id(sc, "g"), &o2);
    CHECK(fx == fy);
    int32_t bd[2] = {3, 4};
    rlm_state *s = rlm_state_new(rnn);
    rlm_model_begin(rnn, s);
    for (int i = 0; i < 2; i++) rlm_model_step(rnn, s, bd[i], s);
    CHECK_NEAR(fx, rlm_model_log10prob(rnn, s, 6), TOL); /* weight 1 on the RNN */
    rlm_state_free(s);
    /* with full history the two differ */
    rlm_scorer *full = make(1, RLM_MIX_LOGLINEAR, 1.0, 1 << 20, 0);
    walk(full, x, 3, &sx);
    walk(full, y, 3, &sy);
    CHECK(!rlm_scorer_state_equal(&sx, &sy));
    rlm_scorer_free(full);
    rlm_scorer_free(sc);
}

/* Every pair of states from distinct word paths: equal exactly when the paths are equal, and equal
 * states hash alike. */
static void test_hash_equal(void) {
    rlm_scorer *sc = make(1, RLM_MIX_LINEAR, 0.5, 1 << 20, 0);
    const char *ws[] = {"a", "b", "c"};
    rlm_scorer_state st[2][9];
    for (int rep = 0; rep < 2; rep++)
        for (int p = 0; p < 9; p++) {
            const char *path[2] = {ws[p / 3], ws[p % 3]};
            walk(sc, path, 2, &st[rep][p]);
        }
    for (int p = 0; p < 9; p++)
        for (int q = 0; q < 9; q++) {
            int eq = rlm_scorer_state_equal(&st[0][p], &st[1][q]);
            CHECK(eq == (p == q));
            if (eq) CHECK(rlm_scorer_state_hash(&st[0][p]) == rlm_scorer_state_hash(&st[1][q]));
        }
    rlm_scorer_free(sc);
}

/* ---- threads ---- */

enum { T_SENT = 40, T_LEN = 6, T_THREADS = 4 };
typedef struct job {
    rlm_scorer *sc;
    float per[T_SENT][T_LEN + 1];
} job;

static void thread_sentence(const rlm_scorer *sc, int k, int32_t *w) {
    const char *ws[] = {"a", "b", "c", "d", "e", "f", "g"};
    for (int i = 0; i < T_LEN; i++) w[i] = rlm_scorer_word_id(sc, ws[(k * 3 + i * (k % 5 + 1)) % 7], 1);
}

static void *thread_main(void *arg) {
    job *j = arg;
    for (int k = 0; k < T_SENT; k++) {
        int32_t w[T_LEN];
        thread_sentence(j->sc, k, w);
        rlm_scorer_score_sentence(j->sc, w, T_LEN, j->per[k]);
    }
    return NULL;
}

static void test_threads(void) {
    /* a small cache, so threads also evict each other's entries */
    rlm_scorer *shared = make(1, RLM_MIX_LINEAR, 0.5, 16 * 2000, 0);
    rlm_scorer *alone = make(1, RLM_MIX_LINEAR, 0.5, 1 << 20, 0);
    static job jobs[T_THREADS], ref;
    ref.sc = alone;
    thread_main(&ref);
    pthread_t t[T_THREADS];
    for (int i = 0; i < T_THREADS; i++) {
        jobs[i].sc = shared;
        CHECK(pthread_create(&t[i], NULL, thread_main, &jobs[i]) == 0);
    }
    for (int i = 0; i < T_THREADS; i++) pthread_join(t[i], NULL);
    for (int i = 0; i < T_THREADS; i++)
        for (int k = 0; k < T_SENT; k++)
            for (int w = 0; w <= T_LEN; w++) CHECK_NEAR(jobs[i].per[k][w], ref.per[k][w], TOL);
    rlm_scorer_cache_stats st;
    rlm_scorer_cache_stats_get(shared, &st);
    CHECK(st.bytes <= st.limit_bytes && st.hits > 0);
    rlm_scorer_free(shared);
    rlm_scorer_free(alone);
}

static void test_errors(void) {
    rlm_scorer_options o;
    rlm_scorer_options_init(&o);
    rlm_scorer *sc = NULL;
    rlm_error err;
    const rlm_ngram *g[1] = {ngram};
    CHECK_STATUS(rlm_scorer_new(rnn, g, 1, &o, &sc, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, "mix: 1 weights for 2 models");
    o.history_words = -1;
    CHECK_STATUS(rlm_scorer_new(rnn, NULL, 0, &o, &sc, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, "history_words");
    rlm_scorer_config cfg = {0};
    cfg.rnn_path = "/nonexistent/model.bin";
    CHECK(rlm_scorer_open(&cfg, &sc, &err) != RLM_OK && sc == NULL);
    CHECK_CONTAINS(err.message, "/nonexistent/model.bin");
}

int main(int argc, char **argv) {
    (void)argc;
    setup();
    RUN(test_word_ids);
    RUN(test_rnn_alone);
    RUN(test_ngram_alone);
    RUN(test_linear);
    RUN(test_loglinear);
    RUN(test_oov_mixture);
    RUN(test_batch_equals_single);
    RUN(test_cache_hits_equal_misses);
    RUN(test_lru_and_limit);
    RUN(test_scorer_limit);
    RUN(test_truncation);
    RUN(test_hash_equal);
    RUN(test_threads);
    RUN(test_errors);
    rlm_model_free(rnn);
    rlm_ngram_close(ngram);
    return check_summary(argv[0]);
}

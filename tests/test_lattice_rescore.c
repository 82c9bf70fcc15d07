/* Lattice rescoring (plugin/lattice_rescore.h) against brute force: every path of a small lattice
 * enumerated by depth-first search and its words scored with rlm_scorer_score_sentence.
 *
 * The models: a random LSTM over "a b d e g" and tests/data/mix/tiny.arpa ("a b c f"), mixed
 * linearly, so arcs carry RNN-only, n-gram-only and OOV words. The lattices hold non-determinism
 * (two arcs with one word from one state), epsilon arcs, fillers, a pronunciation variant, a
 * final state with arcs out of it, states that reach no final state and a state the start does
 * not reach.
 *
 * Tolerance 1e-4 on path totals: the rescorer scores with rlm_scorer_score_batch (sgemm), the
 * reference with rlm_scorer_score_sentence; they round differently (about 1e-5 per word). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "lattice_rescore.h"

#define TOL 1e-4

static const char vocab_text[] = "#rlm-vocab v1 word classes=1\n"
                                 "0\t</s>\t9\t0\n1\t<unk>\t1\t0\n2\tg\t2\t0\n3\td\t8\t0\n"
                                 "4\te\t3\t0\n5\ta\t7\t0\n6\tb\t6\t0\n";

static rlm_model *rnn;
static rlm_ngram *ngram;
static rlm_symbols *syms;

/* The lattice labels and the word each is scored as (NULL: no LM word), independently of the
 * library's non-word patterns. */
static const struct { const char *label, *lm; } words[] = {
    {"<eps>", NULL}, {"a", "a"},         {"b", "b"},         {"c", "c"},       {"d", "d"},
    {"e", "e"},      {"g", "g"},         {"zzz", "zzz"},     {"d(2)", "d"},    {"<sil>", NULL},
    {"[NOISE]", NULL}, {"+BREATH+", NULL}, {"<s>", NULL},    {"</s>", NULL},
};
enum { EPS, A, B, C, D, E, G, ZZZ, D2, SIL, NOISE, BREATH, BOS, EOS, N_WORDS };

static void setup(void) {
    rlm_vocab *v = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_vocab_parse_text(vocab_text, strlen(vocab_text), "v", &v, &err), RLM_OK);
    rlm_model_config c = rlm_model_default_config();
    c.cell = RLM_CELL_LSTM, c.embed_size = 5, c.hidden_size = 6, c.layers = 1;
    CHECK_STATUS(rlm_model_new(&c, v, 11, &rnn, &err), RLM_OK);
    CHECK_STATUS(rlm_ngram_open("tests/data/mix/tiny.arpa", NULL, &ngram, &err), RLM_OK);
    syms = rlm_symbols_new();
    for (int i = 1; i < N_WORDS; i++)
        CHECK(rlm_symbols_add(syms, words[i].label, strlen(words[i].label)) == i);
}

/* k = history words; with_ngram: linear 0.6 RNN + 0.4 tiny.arpa, else the RNN alone. */
static rlm_scorer *make_scorer(int k, int with_ngram) {
    rlm_scorer_options o;
    rlm_scorer_options_init(&o);
    o.history_words = k;
    o.oov_log10penalty = -1.5f;
    if (with_ngram) {
        o.mix.kind = RLM_MIX_LINEAR, o.mix.n_weights = 2;
        o.mix.weight[0] = 0.6, o.mix.weight[1] = 0.4;
    }
    const rlm_ngram *g[1] = {ngram};
    rlm_scorer *sc = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_scorer_new(rnn, g, with_ngram, &o, &sc, &err), RLM_OK);
    return sc;
}

static void arc(rlm_lattice *l, int32_t from, int32_t to, int w, double ac, double lm) {
    rlm_lattice_reserve_states(l, (from > to ? from : to) + 1);
    CHECK(rlm_lattice_add_arc(l, from, to, w, ac, lm) >= 0);
}

/* The hand-made lattice of the header comment; state 6 and 7 reach no final state, 8 is not
 * reachable, 4 is final and has arcs out. */
static rlm_lattice *hand_lattice(void) {
    rlm_lattice *l = rlm_lattice_new("hand", syms);
    arc(l, 0, 1, A, -1.0, -0.5);
    arc(l, 0, 1, B, -1.2, -0.4);
    arc(l, 0, 2, A, -0.8, -0.6);
    arc(l, 0, 2, A, -0.9, -0.6); /* the same word, source and target again */
    arc(l, 0, 2, BOS, -0.05, 0);
    arc(l, 1, 3, EPS, -0.1, 0);
    arc(l, 1, 3, C, -0.7, -0.9);
    arc(l, 2, 3, NOISE, -0.3, -0.2);
    arc(l, 2, 4, D2, -1.1, -0.3);
    arc(l, 3, 4, D, -0.6, -0.7);
    arc(l, 3, 4, ZZZ, -0.4, -2.0);
    arc(l, 3, 6, G, -0.2, -0.1);
    arc(l, 6, 7, A, -0.2, -0.1);
    arc(l, 4, 5, E, -0.5, -0.3);
    arc(l, 4, 5, SIL, -0.2, 0);
    arc(l, 5, 9, BREATH, -0.1, -0.1);
    arc(l, 8, 5, A, -0.1, -0.1);
    l->start = 0;
    rlm_lattice_set_final(l, 4, -0.3, -0.6);
    rlm_lattice_set_final(l, 5, -0.1, -0.2);
    rlm_lattice_set_final(l, 9, 0, -0.05);
    return l;
}

/* ---- brute force ---- */

typedef struct path {
    int32_t arcs[32];
    int n;
    int32_t final;
    double total;
    char key[256]; /* labels and the acoustic sum: tells paths apart */
} path;

typedef struct paths {
    path *p;
    size_t n, cap;
} paths;

static void dfs(const rlm_lattice *l, int32_t s, path *cur, paths *out) {
    const rlm_lattice_state *q = &l->states[s];
    if (q->is_final) {
        if (out->n == out->cap) out->p = realloc(out->p, (out->cap = 2 * out->cap + 16) * sizeof *out->p);
        cur->final = s;
        out->p[out->n++] = *cur;
    }
    for (uint32_t a = q->first_arc; a < q->first_arc + q->n_arcs && cur->n < 32; a++) {
        cur->arcs[cur->n++] = (int32_t)a;
        dfs(l, l->arcs[a].to, cur, out);
        cur->n--;
    }
}

typedef struct weights {
    double A, W, K, P;
} weights;

/* Every complete path of l with its total: A * ac + W * lm_new + K * lm + P * words, lm_new from
 * rlm_scorer_score_sentence (sc NULL: l's lm scores are taken as they are, W applied to them). */
static paths enumerate(rlm_lattice *l, const rlm_scorer *sc, weights w) {
    rlm_error err;
    CHECK_STATUS(rlm_lattice_sort_arcs(l, &err), RLM_OK);
    paths out = {0};
    path cur = {0};
    dfs(l, l->start, &cur, &out);
    for (size_t i = 0; i < out.n; i++) {
        path *p = &out.p[i];
        const rlm_lattice_state *f = &l->states[p->final];
        double ac = f->final_ac, old = f->final_lm;
        int32_t ids[32];
        size_t n = 0;
        char *k = p->key;
        for (int j = 0; j < p->n; j++) {
            const rlm_lattice_arc *a = &l->arcs[p->arcs[j]];
            ac += a->ac, old += a->lm;
            k += sprintf(k, "%s ", words[a->word].label);
            const char *lw = words[a->word].lm;
            if (lw) ids[n++] = sc ? rlm_scorer_word_id(sc, lw, strlen(lw)) : 0;
        }
        sprintf(k, "| %.4f", ac);
        double lm = sc ? rlm_scorer_score_sentence(sc, ids, n, NULL) : old;
        p->total = w.A * ac + w.W * lm + (sc ? w.K * old : 0) + w.P * (double)n;
    }
    return out;
}

static int by_key(const void *a, const void *b) {
    return strcmp(((const path *)a)->key, ((const path *)b)->key);
}

static int by_total(const void *pa, const void *pb) {
    const path *a = pa, *b = pb;
    return a->total > b->total ? -1 : a->total < b->total;
}

/* The two sets of paths are the same label sequences with the same totals. */
static void check_same_paths(paths *got, paths *want) {
    CHECK(got->n == want->n);
    qsort(got->p, got->n, sizeof *got->p, by_key);
    qsort(want->p, want->n, sizeof *want->p, by_key);
    for (size_t i = 0; i < got->n && i < want->n; i++) {
        CHECK(strcmp(got->p[i].key, want->p[i].key) == 0);
        CHECK_NEAR(got->p[i].total, want->p[i].total, TOL);
    }
}

static rlm_lattice *rescore(const rlm_scorer *sc, rlm_lattice *in, weights w, double beam,
                            size_t max_arcs, rlm_lattice_rescore_stats *stats) {
    rlm_lattice_rescore_options o;
    rlm_lattice_rescore_options_init(&o);
    o.ac_scale = w.A, o.lm_weight = w.W, o.old_lm_weight = w.K, o.wip = w.P;
    o.beam = beam, o.max_arcs = max_arcs;
    rlm_lattice *out = NULL;
    rlm_error err;
    rlm_status st = rlm_lattice_rescore(sc, in, &o, &out, stats, &err);
    if (st) fprintf(stderr, "rescore: %s\n", err.message);
    CHECK_STATUS(st, RLM_OK);
    return out;
}

/* The rescored lattice's own totals: A * ac + lm + P * words (its lm holds W new + K old). */
static paths out_paths(rlm_lattice *out, weights w) {
    weights own = {w.A, 1, 0, w.P};
    return enumerate(out, NULL, own);
}

static const weights odd = {0.8, 1.3, 0.25, -0.5};

/* k = 0, no beam, no limit: every path and its total equal scoring its sentence alone. */
static void test_exact_equals_sentences(void) {
    rlm_scorer *sc = make_scorer(0, 1);
    rlm_lattice *in = hand_lattice();
    rlm_lattice_rescore_stats st;
    rlm_lattice *out = rescore(sc, in, odd, INFINITY, 0, &st);
    paths want = enumerate(in, sc, odd), got = out_paths(out, odd);
    /* to 4: 0-1-3-4 2*2*2, 0-2-3-4 3*2, 0-2-4 3 = 17; to 5 twice that, to 9 as many as to 5 */
    CHECK(want.n == 17 + 34 + 34);
    check_same_paths(&got, &want);
    CHECK(st.out_arcs == out->n_arcs && st.out_states == (uint64_t)out->n_states);
    CHECK(st.pruned_beam == 0 && st.pruned_arcs == 0 && st.batches > 0);
    free(want.p), free(got.p);
    rlm_lattice_free(out);
    rlm_lattice_free(in);
    rlm_scorer_free(sc);
}

/* Distinct (state, last k LM words) over the prefixes of complete paths: the states a k-word
 * expansion of the RNN alone must have (k = 0: whole histories). */
static size_t distinct_histories(const rlm_lattice *l, const paths *all, int k) {
    char (*seen)[128] = malloc(4096 * sizeof *seen);
    size_t n = 0;
    for (size_t i = 0; i < all->n; i++) {
        const path *p = &all->p[i];
        for (int len = 0; len <= p->n; len++) {
            const char *hist[32];
            int nh = 0;
            for (int j = 0; j < len; j++) {
                const char *lw = words[l->arcs[p->arcs[j]].word].lm;
                if (lw) hist[nh++] = lw;
            }
            char key[128];
            int32_t state = len ? l->arcs[p->arcs[len - 1]].to : l->start;
            char *kp = key + sprintf(key, "%d:", state);
            for (int j = k && nh > k ? nh - k : 0; j < nh; j++) kp += sprintf(kp, "%s ", hist[j]);
            size_t s = 0;
            while (s < n && strcmp(seen[s], key)) s++;
            if (s == n && n < 4096) strcpy(seen[n++], key);
        }
    }
    free(seen);
    return n;
}

/* k = 1, 2 (and 0) with the RNN alone: the output has one state per distinct (state, last k
 * words), and every path's total is its sentence's score under the k-word scorer. */
static void test_history_approximations(void) {
    for (int k = 0; k <= 2; k++) {
        rlm_scorer *sc = make_scorer(k, 0);
        rlm_lattice *in = hand_lattice();
        rlm_lattice_rescore_stats st;
        rlm_lattice *out = rescore(sc, in, odd, INFINITY, 0, &st);
        paths want = enumerate(in, sc, odd), got = out_paths(out, odd);
        check_same_paths(&got, &want);
        size_t expect = distinct_histories(in, &want, k);
        if ((size_t)out->n_states != expect)
            fprintf(stderr, "k = %d: %d states, expected %zu\n", k, out->n_states, expect);
        CHECK((size_t)out->n_states == expect);
        free(want.p), free(got.p);
        rlm_lattice_free(out);
        rlm_lattice_free(in);
        rlm_scorer_free(sc);
    }
}

/* n-best = the enumerated paths sorted by total, on the rescored lattice and on the input with
 * its own scores; the words and sums of each path match its arcs. */
static void check_nbest(rlm_lattice *l, weights w, paths *all) {
    rlm_lattice_weights lw;
    rlm_lattice_weights_init(&lw);
    lw.ac_scale = w.A, lw.lm_scale = w.W, lw.wip = w.P;
    rlm_lattice_paths got;
    rlm_error err;
    CHECK_STATUS(rlm_lattice_nbest(l, &lw, all->n + 5, &got, &err), RLM_OK);
    CHECK(got.n == all->n);
    qsort(all->p, all->n, sizeof *all->p, by_total);
    for (size_t i = 0; i < got.n && i < all->n; i++) {
        const rlm_lattice_path *p = &got.path[i];
        CHECK_NEAR(p->total, all->p[i].total, 1e-9);
        double again = w.A * p->ac + w.W * p->lm + w.P * p->n_words;
        CHECK_NEAR(again, p->total, 1e-9);
        CHECK(p->n == 0 || l->arcs[got.arcs[p->first]].from == l->start);
        for (size_t j = 1; j < p->n; j++)
            CHECK(l->arcs[got.arcs[p->first + j]].from == l->arcs[got.arcs[p->first + j - 1]].to);
    }
    rlm_lattice_paths_free(&got);
    CHECK_STATUS(rlm_lattice_nbest(l, &lw, 3, &got, &err), RLM_OK);
    CHECK(got.n == 3);
    for (size_t i = 0; i < got.n; i++) CHECK_NEAR(got.path[i].total, all->p[i].total, 1e-9);
    rlm_lattice_paths_free(&got);
}

static void test_nbest_equals_sorted_paths(void) {
    rlm_scorer *sc = make_scorer(0, 1);
    rlm_lattice *in = hand_lattice();
    rlm_lattice *out = rescore(sc, in, odd, INFINITY, 0, NULL);
    paths own = out_paths(out, odd);
    check_nbest(out, (weights){odd.A, 1, 0, odd.P}, &own);
    paths old = enumerate(in, NULL, odd);
    check_nbest(in, odd, &old);
    free(own.p), free(old.p);
    rlm_lattice_free(out);
    rlm_lattice_free(in);
    rlm_scorer_free(sc);
}

/* Equal totals: the path found first (arcs in their order) comes first. */
static void test_nbest_ties(void) {
    rlm_lattice *l = rlm_lattice_new("tie", syms);
    arc(l, 0, 1, B, -1, -1);
    arc(l, 0, 1, A, -1, -1);
    arc(l, 1, 2, E, -1, -1);
    l->start = 0;
    rlm_lattice_set_final(l, 2, 0, 0);
    rlm_lattice_weights w;
    rlm_lattice_weights_init(&w);
    rlm_lattice_paths p;
    rlm_error err;
    CHECK_STATUS(rlm_lattice_nbest(l, &w, 2, &p, &err), RLM_OK);
    CHECK(p.n == 2 && p.path[0].total == p.path[1].total);
    CHECK(l->arcs[p.arcs[p.path[0].first]].word == B && l->arcs[p.arcs[p.path[1].first]].word == A);
    rlm_lattice_paths_free(&p);
    rlm_lattice_free(l);
}

/* A layered random lattice: every state has 2..4 arcs to the next 1..3 states, so every state
 * reaches the final one. */
static rlm_lattice *random_lattice(unsigned seed, int n_states) {
    static const int pick[] = {A, B, C, D, E, G, ZZZ, SIL, A, D};
    rlm_lattice *l = rlm_lattice_new("random", syms);
    for (int s = 0; s < n_states - 1; s++) {
        int n_out = 2 + (int)((seed = seed * 1103515245u + 12345u) >> 16) % 3;
        for (int i = 0; i < n_out; i++) {
            seed = seed * 1103515245u + 12345u;
            int to = s + 1 + (int)(seed >> 16) % 3;
            if (to >= n_states) to = n_states - 1;
            double ac = -3.0 * (double)((seed >> 4) % 1000) / 1000;
            double lm = -2.0 * (double)((seed >> 14) % 1000) / 1000;
            arc(l, s, to, pick[(seed >> 8) % 10], ac, lm);
        }
    }
    l->start = 0;
    rlm_lattice_set_final(l, n_states - 1, -0.2, -0.3);
    return l;
}

typedef struct prefix {
    char key[160]; /* state: words */
    int layer;
    double score, beta;
} prefix;

static int by_prefix_key(const void *a, const void *b) {
    return strcmp(((const prefix *)a)->key, ((const prefix *)b)->key);
}

/* The smallest beam that provably keeps the exact best path: at each layer its output state's
 * estimate (its prefix score + beta) is within the beam of the layer's best estimate in the
 * unpruned expansion (pruning only lowers the other estimates). Layers, betas and prefix scores
 * come from the enumerated paths. */
static double needed_beam(const rlm_lattice *l, const rlm_scorer *sc, const paths *all, weights w,
                          const path *best) {
    size_t n_pre = 0, cap = 1;
    for (size_t i = 0; i < all->n; i++) cap += (size_t)all->p[i].n + 1;
    prefix *pre = calloc(cap, sizeof *pre);
    double *beta = malloc((size_t)l->n_states * sizeof *beta);
    int *layer = calloc((size_t)l->n_states, sizeof *layer);
    for (int s = 0; s < l->n_states; s++) beta[s] = -INFINITY;
    double best_gap = 0;
    for (int pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < all->n; i++) {
            const path *p = &all->p[i];
            int32_t ids[32];
            size_t n = 0;
            for (int j = 0; j < p->n; j++) {
                const char *lw = words[l->arcs[p->arcs[j]].word].lm;
                if (lw) ids[n++] = rlm_scorer_word_id(sc, lw, strlen(lw));
            }
            float per[33];
            rlm_scorer_score_sentence(sc, ids, n, per);
            const rlm_lattice_state *f = &l->states[p->final];
            double suffix = w.A * f->final_ac + (w.W + w.K) * f->final_lm, score = 0;
            for (int j = p->n; j >= 0; j--) { /* betas and layers: pass 0 */
                int32_t s = j ? l->arcs[p->arcs[j - 1]].to : l->start;
                if (pass == 0 && suffix > beta[s]) beta[s] = suffix;
                if (pass == 0 && j > layer[s]) layer[s] = j;
                if (j) {
                    const rlm_lattice_arc *a = &l->arcs[p->arcs[j - 1]];
                    suffix += w.A * a->ac + (w.W + w.K) * a->lm + (words[a->word].lm ? w.P : 0);
                }
            }
            if (pass == 0) continue;
            size_t wi = 0;
            for (int j = 0; j <= p->n; j++) { /* prefix j: its state, words and score */
                int32_t s = j ? l->arcs[p->arcs[j - 1]].to : l->start;
                if (j) {
                    const rlm_lattice_arc *a = &l->arcs[p->arcs[j - 1]];
                    score += w.A * a->ac + w.K * a->lm;
                    if (words[a->word].lm) score += w.W * per[wi++] + w.P;
                }
                prefix *x = &pre[n_pre++];
                /* the best path's prefixes are marked by a negative layer */
                x->layer = p == best ? -1 - layer[s] : layer[s];
                x->score = score, x->beta = beta[s];
                char *xk = x->key + sprintf(x->key, "%d:", s);
                for (int q = 0; q < j; q++) {
                    const char *lw = words[l->arcs[p->arcs[q]].word].lm;
                    if (lw) xk += sprintf(xk, "%s ", lw);
                }
            }
        }
    qsort(pre, n_pre, sizeof *pre, by_prefix_key);
    /* the best estimate per layer: alpha is the best prefix score of each key */
    double layer_best[64];
    for (int i = 0; i < 64; i++) layer_best[i] = -INFINITY;
    for (size_t i = 0; i < n_pre;) {
        size_t j = i;
        double alpha = -INFINITY;
        int lay = 0;
        for (; j < n_pre && !strcmp(pre[j].key, pre[i].key); j++) {
            if (pre[j].score > alpha) alpha = pre[j].score;
            lay = pre[j].layer < 0 ? -1 - pre[j].layer : pre[j].layer;
        }
        if (alpha + pre[i].beta > layer_best[lay]) layer_best[lay] = alpha + pre[i].beta;
        i = j;
    }
    for (size_t i = 0; i < n_pre; i++)
        if (pre[i].layer < 0) {
            double gap = layer_best[-1 - pre[i].layer] - (pre[i].score + pre[i].beta);
            if (gap > best_gap) best_gap = gap;
        }
    free(pre), free(beta), free(layer);
    return best_gap;
}

/* Every path of a pruned output is a path of the input with its exact total. */
static void check_paths_exact(rlm_lattice *out, weights w, paths *exact) {
    paths got = out_paths(out, w);
    CHECK(got.n >= 1);
    qsort(exact->p, exact->n, sizeof *exact->p, by_key);
    for (size_t i = 0; i < got.n; i++) {
        path *hit = bsearch(&got.p[i], exact->p, exact->n, sizeof *exact->p, by_key);
        CHECK(hit != NULL);
        if (hit) CHECK_NEAR(got.p[i].total, hit->total, TOL);
    }
    free(got.p);
}

/* The best total of a lattice's own scores (lm_scale 1) and its label key. */
static double best_of(rlm_lattice *l, weights w, char *key) {
    paths all = out_paths(l, w);
    qsort(all.p, all.n, sizeof *all.p, by_total);
    double t = all.n ? all.p[0].total : -INFINITY;
    if (key) strcpy(key, all.n ? all.p[0].key : "");
    free(all.p);
    return t;
}

/* A beam keeps the best path when it is as wide as needed_beam says, prunes when narrow, and
 * never changes the score of a path it keeps. */
static void test_beam(void) {
    rlm_scorer *sc = make_scorer(0, 1);
    const weights w = {0.5, 1.0, 0.0, 0.2};
    int narrowed = 0;
    for (unsigned seed = 1; seed <= 6; seed++) {
        rlm_lattice *in = random_lattice(seed, 10);
        paths exact = enumerate(in, sc, w);
        qsort(exact.p, exact.n, sizeof *exact.p, by_total);
        double need = needed_beam(in, sc, &exact, w, &exact.p[0]);
        rlm_lattice_rescore_stats full, st;
        rlm_lattice *all = rescore(sc, in, w, INFINITY, 0, &full);
        rlm_lattice *kept = rescore(sc, in, w, need + 1e-3, 0, &st);
        char key[256];
        CHECK_NEAR(best_of(kept, w, key), exact.p[0].total, TOL);
        CHECK(strcmp(key, exact.p[0].key) == 0);
        CHECK(st.out_arcs <= full.out_arcs);
        rlm_lattice *narrow = rescore(sc, in, w, 1e-3, 0, &st);
        narrowed += st.pruned_beam > 0 && st.out_arcs < full.out_arcs;
        check_paths_exact(narrow, w, &exact);
        check_paths_exact(kept, w, &exact);
        free(exact.p);
        rlm_lattice_free(all), rlm_lattice_free(kept), rlm_lattice_free(narrow);
        rlm_lattice_free(in);
    }
    CHECK(narrowed >= 4);
    rlm_scorer_free(sc);
}

/* max_arcs bounds the arcs made (by max_arcs + the input's arcs), keeps a complete path, and
 * keeps exact scores. */
static void test_max_arcs(void) {
    rlm_scorer *sc = make_scorer(0, 1);
    const weights w = {1.0, 1.0, 0.0, 0.0};
    rlm_lattice *in = random_lattice(7, 14);
    paths exact = enumerate(in, sc, w);
    rlm_lattice_rescore_stats full, st;
    rlm_lattice *all = rescore(sc, in, w, INFINITY, 0, &full);
    CHECK(full.expanded_arcs > 100);
    const size_t limits[] = {1, 10, 50, (size_t)full.expanded_arcs / 2};
    for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
        rlm_lattice *out = rescore(sc, in, w, INFINITY, limits[i], &st);
        CHECK(st.expanded_arcs <= limits[i] + in->n_arcs);
        CHECK(st.expanded_arcs < full.expanded_arcs && st.pruned_arcs > 0);
        check_paths_exact(out, w, &exact);
        rlm_lattice_free(out);
    }
    free(exact.p);
    rlm_lattice_free(all);
    rlm_lattice_free(in);
    rlm_scorer_free(sc);
}

static void test_nonwords(void) {
    const char *yes[] = {"<s>", "</s>", "<sil>", "!NULL", "[NOISE]", "[x]", "+BREATH+", "+a+"};
    const char *no[] = {"<unk>", "[", "[]", "++", "+a", "word", "sil"};
    for (size_t i = 0; i < sizeof yes / sizeof *yes; i++) CHECK(rlm_lattice_is_nonword(yes[i], NULL, 0));
    for (size_t i = 0; i < sizeof no / sizeof *no; i++) CHECK(!rlm_lattice_is_nonword(no[i], NULL, 0));
    const char *mine[] = {"uh", "um*"};
    CHECK(rlm_lattice_is_nonword("uh", mine, 2) && rlm_lattice_is_nonword("umm", mine, 2));
    CHECK(!rlm_lattice_is_nonword("<sil>", mine, 2));
}

/* No final state reachable: a start state and nothing else. A label outside the symbol table,
 * a cycle, a missing start and a bad beam are errors. */
static void test_edge_cases_and_errors(void) {
    rlm_scorer *sc = make_scorer(0, 0);
    rlm_lattice_rescore_options o;
    rlm_lattice_rescore_options_init(&o);
    rlm_lattice *l = rlm_lattice_new("dead", syms), *out = NULL;
    arc(l, 0, 1, A, -1, -1);
    l->start = 0;
    rlm_error err;
    CHECK_STATUS(rlm_lattice_rescore(sc, l, &o, &out, NULL, &err), RLM_OK);
    CHECK(out && out->n_states == 1 && out->n_arcs == 0 && !out->states[0].is_final);
    rlm_lattice_free(out);
    rlm_lattice_paths p;
    rlm_lattice_weights w;
    rlm_lattice_weights_init(&w);
    CHECK_STATUS(rlm_lattice_nbest(l, &w, 4, &p, &err), RLM_OK);
    CHECK(p.n == 0);
    rlm_lattice_paths_free(&p);
    l->arcs[0].word = 999;
    CHECK_STATUS(rlm_lattice_rescore(sc, l, &o, &out, NULL, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "lattice dead: arc 0: label 999 is not in the symbol table");
    l->arcs[0].word = A;
    arc(l, 1, 0, B, -1, -1);
    CHECK_STATUS(rlm_lattice_rescore(sc, l, &o, &out, NULL, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "lattice dead: has a cycle");
    CHECK(out == NULL);
    l->start = -1;
    CHECK_STATUS(rlm_lattice_rescore(sc, l, &o, &out, NULL, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "lattice dead: no start state");
    l->start = 0;
    o.beam = 0;
    CHECK_STATUS(rlm_lattice_rescore(sc, l, &o, &out, NULL, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, "beam must be positive");
    rlm_lattice_free(l);
    rlm_scorer_free(sc);
}

int main(int argc, char **argv) {
    (void)argc;
    setup();
    RUN(test_exact_equals_sentences);
    RUN(test_history_approximations);
    RUN(test_nbest_equals_sorted_paths);
    RUN(test_nbest_ties);
    RUN(test_beam);
    RUN(test_max_arcs);
    RUN(test_nonwords);
    RUN(test_edge_cases_and_errors);
    rlm_symbols_free(syms);
    rlm_model_free(rnn);
    rlm_ngram_close(ngram);
    return check_summary(argv[0]);
}

/* A tiny decoder that uses rlm as a plugin: it dlopens librlm.so (the build's, found next to this
 * program's build directory, or $RLM_LIBRLM_SO), takes the function table from rlm_get_api, and
 * runs a beam search with hypothesis recombination over a hand-made word graph with an RNN +
 * n-gram log-linear scorer. Every hypothesis's accumulated score is checked against direct calls
 * of the statically linked model API (rlm_model_log10prob, rlm_ngram_score) with rlm_mix.h's
 * P(<unk>)/M rule worked out here. Also: a scorer opened from a YAML recipe scores as the one from
 * the config struct; n-best rescoring through the table equals score_sentence per hypothesis and
 * shares prefixes; a caller of version 1 (its frozen table layout) works with this library;
 * versions 0 and 3 fail with a reason; the messages of failures, with the recipe's line and
 * column. */
#include <dlfcn.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "files.h"
#include "rlm_plugin.h"

#define ARPA "tests/data/mix/tiny.arpa"
#define TOL 1e-4

/* RNN words a b d e g; tiny.arpa words a b c f: the RNN lacks c f (M = 2), the n-gram d e g (M = 3) */
static const char vocab_text[] = "#rlm-vocab v1 word classes=2\n"
                                 "0\t</s>\t3\t0\n1\t<unk>\t2\t0\n2\ta\t5\t0\n"
                                 "3\tb\t4\t1\n4\td\t3\t1\n5\te\t2\t1\n6\tg\t1\t1\n";

static char model_path[] = "/tmp/rlm-dlopen-XXXXXX";
static char recipe_dir[] = "/tmp/rlm-dlopen-dir-XXXXXX"; /* the recipes */
static char arpa_path[PATH_MAX];
static void *lib;
static const struct rlm_api *api;
static rlm_get_api_fn get_api;
static rlm_model *rnn;
static rlm_ngram *ngram;

static void *open_lib(const char *argv0) {
    const char *env = getenv("RLM_LIBRLM_SO");
    if (env) return dlopen(env, RTLD_NOW | RTLD_LOCAL);
    char buf[4096];
    snprintf(buf, sizeof buf, "%s", argv0);
    const char *dir = dirname(buf); /* B/tests or B/san/tests */
    const char *rel[] = {"/../librlm.so", "/../../librlm.so"};
    for (int i = 0; i < 2; i++) {
        char path[4200];
        snprintf(path, sizeof path, "%s%s", dir, rel[i]);
        if (access(path, R_OK) == 0) return dlopen(path, RTLD_NOW | RTLD_LOCAL);
    }
    return NULL;
}

/* The version-1 table as a decoder built against the version-1 header declared it. Frozen: a
 * newer library must keep these fields where they were. */
struct rlm_api_v1 {
    int version;
    size_t size;
    rlm_status (*scorer_open)(const rlm_scorer_config *cfg, rlm_scorer **out);
    rlm_status (*scorer_open_recipe)(const char *recipe_path, rlm_scorer **out);
    void (*scorer_free)(rlm_scorer *sc);
    int32_t (*word_id)(const rlm_scorer *sc, const char *word, size_t len);
    void (*begin)(const rlm_scorer *sc, rlm_scorer_state *out);
    float (*score)(const rlm_scorer *sc, const rlm_scorer_state *in, int32_t word,
                   rlm_scorer_state *out);
    void (*score_batch)(const rlm_scorer *sc, const rlm_scorer_state *ins, const int32_t *words,
                        int n, rlm_scorer_state *outs, float *scores);
    float (*end)(const rlm_scorer *sc, const rlm_scorer_state *in);
    double (*score_sentence)(const rlm_scorer *sc, const int32_t *words, size_t n,
                             float *per_word);
    uint64_t (*state_hash)(const rlm_scorer_state *s);
    int (*state_equal)(const rlm_scorer_state *a, const rlm_scorer_state *b);
    void (*cache_stats)(const rlm_scorer *sc, rlm_scorer_cache_stats *out);
    void (*clear_histories)(rlm_scorer *sc);
    const char *(*last_error)(void);
};
_Static_assert(offsetof(struct rlm_api_v1, scorer_open) == offsetof(struct rlm_api, scorer_open),
               "version 1 fields moved");
_Static_assert(offsetof(struct rlm_api_v1, score_sentence) ==
                   offsetof(struct rlm_api, score_sentence), "version 1 fields moved");
_Static_assert(offsetof(struct rlm_api_v1, last_error) == offsetof(struct rlm_api, last_error),
               "version 1 fields moved");

static void test_versions(void) {
    get_api = (rlm_get_api_fn)dlsym(lib, "rlm_get_api");
    const char *(*reason)(void) = (const char *(*)(void))dlsym(lib, "rlm_get_api_reason");
    CHECK(get_api && reason);
    if (!get_api || !reason) return;
    CHECK(RLM_API_VERSION == 2);
    CHECK(get_api(0) == NULL);
    CHECK_CONTAINS(reason(), "version 0 requested");
    CHECK(get_api(-1) == NULL);
    CHECK(get_api(3) == NULL);
    CHECK(!strcmp(reason(), "rlm_get_api: version 3 requested; this library serves versions 1 to 2"));
    api = get_api(2);
    CHECK(api && api->version == 2 && api->size == sizeof(struct rlm_api));
    CHECK(strcmp(reason(), "") == 0);
    if (!api) return;
    CHECK(get_api(1) == api); /* one table serves both */
    CHECK(RLM_API_HAS(api, rescore_nbest) && api->rescore_nbest);
    struct rlm_api as_v1 = *api; /* what a version-1 library would report */
    as_v1.size = offsetof(struct rlm_api, rescore_nbest);
    CHECK(RLM_API_HAS(&as_v1, last_error) && !RLM_API_HAS(&as_v1, rescore_nbest));
}

/* A decoder built against version 1: asks for 1, reads the frozen layout, scores a sentence. */
static void test_v1_caller(void) {
    const struct rlm_api_v1 *v1 = (const struct rlm_api_v1 *)get_api(1);
    CHECK(v1 && v1->version >= 1 && v1->size >= sizeof(struct rlm_api_v1));
    if (!v1) return;
    rlm_scorer_config cfg = {0};
    cfg.rnn_path = model_path;
    rlm_scorer *sc = NULL;
    CHECK_STATUS(v1->scorer_open(&cfg, &sc), RLM_OK);
    if (!sc) return;
    int32_t ids[2] = {v1->word_id(sc, "a", 1), v1->word_id(sc, "d", 1)};
    rlm_scorer_state s;
    v1->begin(sc, &s);
    double total = v1->score(sc, &s, ids[0], &s);
    total += v1->score(sc, &s, ids[1], &s);
    total += v1->end(sc, &s);
    CHECK_NEAR(v1->score_sentence(sc, ids, 2, NULL), total, TOL);
    CHECK(strcmp(v1->last_error(), "") == 0);
    v1->scorer_free(sc);
}

static void test_failures(void) {
    rlm_scorer *sc = (rlm_scorer *)1;
    CHECK_STATUS(api->scorer_open_recipe("/nonexistent/job.yaml", &sc), RLM_E_IO);
    CHECK(sc == NULL);
    CHECK(!strcmp(api->last_error(), "/nonexistent/job.yaml: No such file or directory"));
    rlm_scorer_config cfg = {0};
    cfg.rnn_path = "/nonexistent/rnn.bin";
    CHECK(api->scorer_open(&cfg, &sc) != RLM_OK);
    CHECK_CONTAINS(api->last_error(), "/nonexistent/rnn.bin");
    const char *ng[1] = {ARPA};
    cfg.rnn_path = model_path, cfg.ngram_paths = ng, cfg.n_ngrams = 1, cfg.mix = "linear:2";
    CHECK_STATUS(api->scorer_open(&cfg, &sc), RLM_E_ARG);
    CHECK_CONTAINS(api->last_error(), "mix");
}

/* The direct reference: log10 of the 0.5/0.5 log-linear mix of words[0..n) then `</s>` if eos. */
static double direct(const char *const *words, int n, int eos) {
    rlm_state *s = rlm_state_new(rnn);
    rlm_model_begin(rnn, s);
    rlm_ngram_state g;
    rlm_ngram_begin_state(ngram, &g);
    double total = 0;
    for (int i = 0; i < n + eos; i++) {
        const char *w = i < n ? words[i] : "</s>";
        int32_t r = i < n ? rlm_vocab_id(rlm_model_vocab(rnn), w, strlen(w)) : RLM_EOS_ID;
        rlm_ngram_word q = i < n ? rlm_ngram_index(ngram, w, strlen(w)) : rlm_ngram_eos(ngram);
        double lr = rlm_model_log10prob(rnn, s, r);
        double lg = rlm_ngram_score(ngram, &g, q, &g, NULL);
        if (r == RLM_UNK_ID) lr -= log10(2.0); /* c, f */
        if (q == RLM_NGRAM_UNK) lg -= log10(3.0); /* d, e, g */
        total += 0.5 * lr + 0.5 * lg;
        rlm_model_step(rnn, s, r, s);
    }
    rlm_state_free(s);
    return total;
}

/* The word graph: 4 nodes in a row, alternatives on each arc; node 3 is final. */
enum { DEPTH = 3, ALT = 3, BEAM = 4 };
static const char *const arcs[DEPTH][ALT] = {{"a", "b", "e"}, {"c", "d", "b"}, {"g", "a", "f"}};

typedef struct hyp {
    rlm_scorer_state state;
    double score;
    const char *words[DEPTH];
} hyp;

static int by_score(const void *a, const void *b) {
    double x = ((const hyp *)a)->score, y = ((const hyp *)b)->score;
    return x < y ? 1 : x > y ? -1 : 0;
}

static void test_beam_search(void) {
    const char *ng[1] = {ARPA};
    rlm_scorer_config cfg = {0};
    cfg.rnn_path = model_path, cfg.ngram_paths = ng, cfg.n_ngrams = 1;
    cfg.mix = "loglinear:0.5";
    rlm_scorer *sc = NULL;
    CHECK_STATUS(api->scorer_open(&cfg, &sc), RLM_OK);
    if (!sc) return;
    hyp beam[BEAM * ALT], next[BEAM * ALT];
    int n = 1, checked = 0;
    api->begin(sc, &beam[0].state);
    beam[0].score = 0;
    for (int d = 0; d < DEPTH; d++) {
        /* expand every hypothesis by every arc, scored in one batch */
        rlm_scorer_state ins[BEAM * ALT];
        int32_t words[BEAM * ALT];
        float scores[BEAM * ALT];
        int m = 0;
        for (int h = 0; h < n; h++)
            for (int a = 0; a < ALT; a++, m++) {
                next[m] = beam[h];
                next[m].words[d] = arcs[d][a];
                ins[m] = beam[h].state;
                words[m] = api->word_id(sc, arcs[d][a], strlen(arcs[d][a]));
            }
        rlm_scorer_state outs[BEAM * ALT];
        api->score_batch(sc, ins, words, m, outs, scores);
        for (int i = 0; i < m; i++) {
            next[i].state = outs[i];
            next[i].score += scores[i];
            CHECK_NEAR(next[i].score, direct(next[i].words, d + 1, 0), TOL);
            checked++;
        }
        /* recombine equal states, keeping the better, then prune to the beam */
        qsort(next, (size_t)m, sizeof *next, by_score);
        n = 0;
        for (int i = 0; i < m && n < BEAM; i++) {
            int dup = 0;
            for (int j = 0; j < n && !dup; j++)
                dup = api->state_hash(&beam[j].state) == api->state_hash(&next[i].state) &&
                      api->state_equal(&beam[j].state, &next[i].state);
            if (!dup) beam[n++] = next[i];
        }
    }
    double best = -INFINITY;
    for (int h = 0; h < n; h++) {
        double total = beam[h].score + api->end(sc, &beam[h].state);
        CHECK_NEAR(total, direct(beam[h].words, DEPTH, 1), TOL);
        int32_t ids[DEPTH];
        for (int i = 0; i < DEPTH; i++) ids[i] = api->word_id(sc, beam[h].words[i], 1);
        CHECK_NEAR(api->score_sentence(sc, ids, DEPTH, NULL), total, TOL);
        if (total > best) best = total;
    }
    CHECK(n == BEAM && checked == ALT + ALT * ALT + BEAM * ALT && isfinite(best));
    rlm_scorer_cache_stats st;
    api->cache_stats(sc, &st);
    CHECK(st.hits > 0 && st.misses > 0 && st.bytes <= st.limit_bytes);
    api->scorer_free(sc);
}

/* Writes DIR/name with text; its path into path. */
static int write_recipe(const char *name, const char *text, char *path, size_t cap) {
    snprintf(path, cap, "%s/%s", recipe_dir, name);
    return test_write_file(path, text, strlen(text));
}

static double sentence(const rlm_scorer *sc, const char *const *words, size_t n) {
    int32_t ids[8];
    for (size_t i = 0; i < n; i++) ids[i] = api->word_id(sc, words[i], strlen(words[i]));
    return api->score_sentence(sc, ids, n, NULL);
}

/* The recipe's model, ngram, mix and scorer sections give the scorer the config struct gives. */
static void test_recipe_scorer(void) {
    char text[3 * PATH_MAX], path[PATH_MAX];
    static const char *const sents[][4] = {{"a", "b", "d", "e"}, {"c", "zz", "g", "a"},
                                           {"b", "f", "f", "b"}, {"e", "d", "a", "zz"}};
    for (int k = 0; k < 2; k++) { /* whole histories, then the last 2 words only */
        snprintf(text, sizeof text,
                 "# a decoder's scorer\n"
                 "model: {path: %s}\n"
                 "ngram: [{path: %s}]\n"
                 "mix: {kind: loglinear, weights: [0.7, 0.3]}\n"
                 "scorer: {cache_mb: 1, history_words: %d, oov_penalty: -2.5}\n",
                 model_path, arpa_path, 2 * k);
        CHECK(!write_recipe("job.yaml", text, path, sizeof path));
        rlm_scorer *from_recipe = NULL, *from_cfg = NULL, *no_penalty = NULL;
        CHECK_STATUS(api->scorer_open_recipe(path, &from_recipe), RLM_OK);
        if (!from_recipe) {
            fprintf(stderr, "%s\n", api->last_error());
            return;
        }
        const char *ng[1] = {arpa_path};
        rlm_scorer_config cfg = {0};
        cfg.rnn_path = model_path, cfg.ngram_paths = ng, cfg.n_ngrams = 1;
        cfg.mix = "loglinear:0.7,0.3", cfg.cache_bytes = 1 << 20, cfg.history_words = 2 * k;
        CHECK_STATUS(api->scorer_open(&cfg, &no_penalty), RLM_OK);
        cfg.oov_log10penalty = -2.5f;
        CHECK_STATUS(api->scorer_open(&cfg, &from_cfg), RLM_OK);
        rlm_scorer_cache_stats st;
        api->cache_stats(from_recipe, &st);
        CHECK(st.limit_bytes == 1 << 20);
        for (size_t i = 0; i < sizeof sents / sizeof sents[0] && from_cfg && no_penalty; i++) {
            /* the same code over the same models: equal bit for bit */
            double r = sentence(from_recipe, sents[i], 4);
            CHECK(r == sentence(from_cfg, sents[i], 4));
            /* "zz" (no model knows it) pays the penalty once per occurrence */
            int oovs = !strcmp(sents[i][1], "zz") || !strcmp(sents[i][3], "zz");
            CHECK_NEAR(r - sentence(no_penalty, sents[i], 4), -2.5 * oovs, 1e-5);
        }
        api->scorer_free(from_recipe);
        api->scorer_free(from_cfg);
        api->scorer_free(no_penalty);
    }
    /* history_words is read: with k = 1 the 4th word's score differs from the full history's */
    const char *const s5[] = {"a", "b", "d", "e", "g"};
    double full = 0, last1 = 0;
    for (int k = 0; k < 2; k++) {
        snprintf(text, sizeof text, "model: {path: %s}\nscorer: {history_words: %d}\n", model_path, k);
        CHECK(!write_recipe("k.yaml", text, path, sizeof path));
        rlm_scorer *sc = NULL;
        CHECK_STATUS(api->scorer_open_recipe(path, &sc), RLM_OK);
        if (!sc) return;
        *(k ? &last1 : &full) = sentence(sc, s5, 5);
        api->scorer_free(sc);
    }
    CHECK(fabs(full - last1) > 1e-4);
}

/* Malformed or incomplete recipes: the message names the recipe, line, column and key. */
static void test_recipe_errors(void) {
    char text[3 * PATH_MAX], path[PATH_MAX], want[2 * PATH_MAX];
    rlm_scorer *sc = (rlm_scorer *)1;
    snprintf(text, sizeof text, "model: {path: %s}\nscorer: {cache_mb: 8, history_words: -1}\n",
             model_path);
    CHECK(!write_recipe("bad.yaml", text, path, sizeof path));
    CHECK_STATUS(api->scorer_open_recipe(path, &sc), RLM_E_FORMAT);
    CHECK(sc == NULL);
    snprintf(want, sizeof want,
             "%s:2:38: scorer.history_words: expected an integer in 0..256, got \"-1\"", path);
    CHECK(!strcmp(api->last_error(), want));
    snprintf(text, sizeof text, "model: {path: %s}\nngram: [{path: %s}]\nmix: {kind: linear}\n"
             "data: {valid: v.txt}\n", model_path, arpa_path);
    CHECK(!write_recipe("em.yaml", text, path, sizeof path));
    CHECK_STATUS(api->scorer_open_recipe(path, &sc), RLM_E_FORMAT);
    snprintf(want, sizeof want, "%s:3:6: mix: the scorer needs the weights written out "
             "(mix.weights); EM weights are estimated by `rlm run` (see its report), not here",
             path);
    CHECK(!strcmp(api->last_error(), want));
    CHECK(!write_recipe("nomodel.yaml", "model:\n  path: no-such.bin\n", path, sizeof path));
    CHECK(api->scorer_open_recipe(path, &sc) != RLM_OK);
    snprintf(want, sizeof want, "%s:2:9: model.path: %s/no-such.bin", path, recipe_dir);
    CHECK_CONTAINS(api->last_error(), want);
    snprintf(text, sizeof text, "model: {path: %s}\nngram: [{path: none.arpa}]\n"
             "mix: {weights: [0.5, 0.5]}\n", model_path);
    CHECK(!write_recipe("nongram.yaml", text, path, sizeof path));
    CHECK(api->scorer_open_recipe(path, &sc) != RLM_OK);
    snprintf(want, sizeof want, "%s:2:16: ngram[0].path: %s/none.arpa", path, recipe_dir);
    CHECK_CONTAINS(api->last_error(), want);
    CHECK(!write_recipe("empty.yaml", "ngram: [{path: x.arpa}]\n", path, sizeof path));
    CHECK_STATUS(api->scorer_open_recipe(path, &sc), RLM_E_FORMAT);
    snprintf(want, sizeof want, "%s:1:1: model: the scorer needs an RNN: add a model: section "
             "with its path", path);
    CHECK(!strcmp(api->last_error(), want));
    CHECK(sc == NULL);
}

/* n-best rescoring through the table: each hypothesis as score_sentence scores it (tolerance
 * 1e-4 absolute on totals near -10: the batched products round differently, ~1e-5 relative),
 * and each prefix-tree node scored once (one new history per node). */
static void test_rescore_nbest(void) {
    const char *ng[1] = {arpa_path};
    rlm_scorer_config cfg = {0};
    cfg.rnn_path = model_path, cfg.ngram_paths = ng, cfg.n_ngrams = 1;
    cfg.mix = "linear:0.6,0.4", cfg.oov_log10penalty = -1;
    rlm_scorer *sc = NULL;
    CHECK_STATUS(api->scorer_open(&cfg, &sc), RLM_OK);
    if (!sc) return;
    /* the RNN knows all these words: the prefix tree (with `</s>` leaves) has 11 nodes, a a-b
     * a-b-d a-b-d-</s> a-b-e a-b-e-</s> a-g a-g-</s> </s> b b-</s>, for 18 tokens */
    static const char *const text[][3] = {{"a", "b", "d"}, {"a", "b", "e"}, {"a", "g"}, {0},
                                          {"a", "b", "d"}, {"b"}};
    const size_t lens[] = {3, 3, 2, 0, 3, 1};
    enum { N = 6 };
    int32_t ids[N][3];
    const int32_t *hyps[N];
    for (int i = 0; i < N; i++) {
        for (size_t j = 0; j < lens[i]; j++) ids[i][j] = api->word_id(sc, text[i][j], 1);
        hyps[i] = ids[i];
    }
    double lm[N];
    rlm_scorer_cache_stats before, after;
    api->clear_histories(sc);
    api->cache_stats(sc, &before);
    CHECK_STATUS(api->rescore_nbest(sc, hyps, lens, N, lm), RLM_OK);
    api->cache_stats(sc, &after);
    CHECK(after.histories - before.histories == 11);
    CHECK(after.insertions - before.insertions == 6); /* hidden states: a a-b a-b-d a-b-e a-g b */
    for (int i = 0; i < N; i++) CHECK_NEAR(lm[i], api->score_sentence(sc, hyps[i], lens[i], NULL), TOL);
    CHECK(lm[0] == lm[4] && lm[0] != lm[1]);
    /* words only the n-gram knows (c, f) and one no model knows (zz, penalised), long and short */
    static const char *const more[][4] = {{"c", "zz", "a", "b"}, {"c", "f"}, {"zz"}, {"b", "f", "zz", "e"}};
    const size_t lens2[] = {4, 2, 1, 4};
    int32_t ids2[4][4];
    const int32_t *hyps2[4];
    for (int i = 0; i < 4; i++) {
        for (size_t j = 0; j < lens2[i]; j++)
            ids2[i][j] = api->word_id(sc, more[i][j], strlen(more[i][j]));
        hyps2[i] = ids2[i];
    }
    CHECK_STATUS(api->rescore_nbest(sc, hyps2, lens2, 4, lm), RLM_OK);
    for (int i = 0; i < 4; i++)
        CHECK_NEAR(lm[i], api->score_sentence(sc, hyps2[i], lens2[i], NULL), TOL);
    CHECK_STATUS(api->rescore_nbest(sc, hyps2, lens2, 0, lm), RLM_OK); /* nothing to do */
    api->scorer_free(sc);
}

int main(int argc, char **argv) {
    (void)argc;
    rlm_error err;
    rlm_vocab *v = NULL;
    CHECK_STATUS(rlm_vocab_parse_text(vocab_text, strlen(vocab_text), "vocab", &v, &err), RLM_OK);
    rlm_model_config c = rlm_model_default_config();
    c.cell = RLM_CELL_GRU, c.embed_size = 5, c.hidden_size = 6;
    CHECK_STATUS(rlm_model_new(&c, v, 3, &rnn, &err), RLM_OK);
    CHECK(test_temp_file(model_path, "", 0) == 0);
    CHECK_STATUS(rlm_model_save(rnn, model_path, &err), RLM_OK);
    CHECK_STATUS(rlm_ngram_open(ARPA, NULL, &ngram, &err), RLM_OK);
    CHECK(realpath(ARPA, arpa_path) != NULL && mkdtemp(recipe_dir) != NULL);
    lib = open_lib(argv[0]);
    if (!lib) fprintf(stderr, "cannot dlopen librlm.so: %s\n", dlerror());
    CHECK(lib != NULL);
    if (lib) {
        RUN(test_versions);
        if (api) {
            RUN(test_v1_caller);
            RUN(test_failures);
            RUN(test_beam_search);
            RUN(test_recipe_scorer);
            RUN(test_recipe_errors);
            RUN(test_rescore_nbest);
        }
        dlclose(lib);
    }
    static const char *const recipes[] = {"job.yaml", "k.yaml", "bad.yaml", "em.yaml",
                                          "nomodel.yaml", "nongram.yaml", "empty.yaml"};
    for (size_t i = 0; i < sizeof recipes / sizeof recipes[0]; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, "%s/%s", recipe_dir, recipes[i]);
        unlink(path);
    }
    rmdir(recipe_dir);
    unlink(model_path);
    rlm_model_free(rnn);
    rlm_ngram_close(ngram);
    return check_summary(argv[0]);
}

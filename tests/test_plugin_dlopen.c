/* A tiny decoder that uses rlm as a plugin: it dlopens librlm.so (the build's, found next to this
 * program's build directory, or $RLM_LIBRLM_SO), takes the function table from rlm_get_api, and
 * runs a beam search with hypothesis recombination over a hand-made word graph with an RNN +
 * n-gram log-linear scorer. Every hypothesis's accumulated score is checked against direct calls
 * of the statically linked model API (rlm_model_log10prob, rlm_ngram_score) with rlm_mix.h's
 * P(<unk>)/M rule worked out here. Also: version checks and the messages of failures. */
#include <dlfcn.h>
#include <libgen.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
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
static void *lib;
static const struct rlm_api *api;
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

static void test_versions(void) {
    rlm_get_api_fn get = (rlm_get_api_fn)dlsym(lib, "rlm_get_api");
    const char *(*reason)(void) = (const char *(*)(void))dlsym(lib, "rlm_get_api_reason");
    CHECK(get && reason);
    if (!get || !reason) return;
    CHECK(get(0) == NULL);
    CHECK_CONTAINS(reason(), "version 0 requested");
    CHECK(get(RLM_API_VERSION + 1) == NULL);
    CHECK_CONTAINS(reason(), "serves versions 1 to 1");
    api = get(RLM_API_VERSION);
    CHECK(api && api->version == RLM_API_VERSION && api->size == sizeof(struct rlm_api));
    CHECK(strcmp(reason(), "") == 0);
}

static void test_failures(void) {
    rlm_scorer *sc = (rlm_scorer *)1;
    CHECK_STATUS(api->scorer_open_recipe("job.yaml", &sc), RLM_E_UNSUPPORTED);
    CHECK(sc == NULL);
    CHECK_CONTAINS(api->last_error(), "job.yaml: opening a scorer from a recipe is not supported");
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
    lib = open_lib(argv[0]);
    if (!lib) fprintf(stderr, "cannot dlopen librlm.so: %s\n", dlerror());
    CHECK(lib != NULL);
    if (lib) {
        RUN(test_versions);
        if (api) {
            RUN(test_failures);
            RUN(test_beam_search);
        }
        dlclose(lib);
    }
    unlink(model_path);
    rlm_model_free(rnn);
    rlm_ngram_close(ngram);
    return check_summary(argv[0]);
}

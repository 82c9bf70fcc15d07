/* The CTC prefix beam search (decoder-glue/rlm_ctc.h).
 *
 * Exactness: on 3 and 4 frames over {blank, a, b, space} every alignment is enumerated, mapped to
 * its text (repeats collapsed, blanks removed, spaces squeezed and trimmed) and the probabilities
 * summed per text; a search that keeps every prefix must give each text that probability (1e-6
 * in log10) and no other text. Fusion: on one frame the fused totals are recomputed from direct
 * scorer calls, and a weight is found where the LM's choice beats the acoustic one. Batching: one
 * rlm_scorer_score_batch per frame (plus the end), per-pair scoring gives the same result.
 * Noisy channel: six Matthew verses (tests/data/ctc/README.md) spelled as posteriors whose
 * confusable characters (table below) often win; decoding with a character LSTM trained here
 * on 400 Genesis verses must lower the character error rate. The parsers: exact messages. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rlm_ctc.h"
#include "rlm_metrics.h"
#include "rlm_train.h"

/* ---- helpers ---- */

static rlm_ctc_alphabet *alphabet(const char *const *labels, int n) {
    rlm_ctc_alphabet *a = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_ctc_alphabet_new(labels, n, &a, &err), RLM_OK);
    return a;
}

/* Fills frames x n log10 posteriors from a seeded generator, each row normalised. */
static void random_posteriors(float *p, int frames, int n, uint64_t seed) {
    for (int t = 0; t < frames; t++) {
        double sum = 0, v[16];
        for (int c = 0; c < n; c++) {
            seed = seed * 6364136223846793005ull + 1442695040888963407ull;
            v[c] = 0.05 + (double)(seed >> 40) / (double)(1ull << 24);
            sum += v[c];
        }
        for (int c = 0; c < n; c++) p[t * n + c] = (float)log10(v[c] / sum);
    }
}

static const rlm_ctc_hyp *find_hyp(const rlm_ctc_decoder *d, const char *text) {
    for (int i = 0; i < rlm_ctc_decoder_n_hyps(d); i++)
        if (!strcmp(rlm_ctc_decoder_hyp(d, i)->text, text)) return rlm_ctc_decoder_hyp(d, i);
    return NULL;
}

/* ---- exactness against all alignments ---- */

#define MAX_TEXTS 512

/* labels: 0 blank, 1 a, 2 b, 3 space. The text of one alignment; its prefix (the trailing space
 * kept) when trim is 0. */
static void alignment_text(const int *al, int frames, int trim, char *out) {
    static const char sym[] = {0, 'a', 'b', ' '};
    int n = 0, prev = -1;
    for (int t = 0; t < frames; t++) {
        int c = al[t];
        if (c != prev && c != 0) {
            if (c == 3 && (n == 0 || out[n - 1] == ' ')) { prev = c; continue; }
            out[n++] = sym[c];
        }
        prev = c;
    }
    if (trim && n && out[n - 1] == ' ') n--;
    out[n] = 0;
}

static void exact_case(int frames, uint64_t seed) {
    const char *labels[] = {"<blank>", "a", "b", "<space>"};
    rlm_ctc_alphabet *a = alphabet(labels, 4);
    float post[4 * 4];
    random_posteriors(post, frames, 4, seed);
    char texts[MAX_TEXTS][8];
    double prob[MAX_TEXTS];
    int n_texts = 0, total = 1;
    for (int t = 0; t < frames; t++) total *= 4;
    for (int k = 0; k < total; k++) {
        int al[4], x = k;
        double p = 1;
        for (int t = 0; t < frames; t++, x /= 4) {
            al[t] = x % 4;
            p *= pow(10, post[t * 4 + al[t]]);
        }
        char s[8];
        alignment_text(al, frames, 1, s);
        int j = 0;
        while (j < n_texts && strcmp(texts[j], s)) j++;
        if (j == n_texts) strcpy(texts[n_texts], s), prob[n_texts++] = 0;
        prob[j] += p;
    }
    rlm_ctc_options o;
    rlm_ctc_options_init(&o);
    o.beam = 10000;
    rlm_ctc_decoder *d = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_ctc_decoder_new(a, NULL, &o, &d, &err), RLM_OK);
    CHECK_STATUS(rlm_ctc_decode(d, post, frames, 4, &err), RLM_OK);
    CHECK(rlm_ctc_decoder_n_hyps(d) == n_texts);
    double sum = 0;
    for (int j = 0; j < n_texts; j++) {
        const rlm_ctc_hyp *h = find_hyp(d, texts[j]);
        CHECK(h != NULL);
        if (!h) continue;
        CHECK_NEAR(h->acoustic, log10(prob[j]), 1e-6);
        CHECK_NEAR(h->total, h->acoustic, 1e-12); /* no LM */
        sum += prob[j];
    }
    CHECK_NEAR(sum, 1.0, 1e-5); /* the enumeration itself covers every alignment */
    for (int i = 1; i < rlm_ctc_decoder_n_hyps(d); i++)
        CHECK(rlm_ctc_decoder_hyp(d, i - 1)->total >= rlm_ctc_decoder_hyp(d, i)->total);
    rlm_ctc_decoder_free(d);
    rlm_ctc_alphabet_free(a);
}

static void test_exact_small(void) {
    exact_case(3, 1);
    exact_case(3, 7);
    exact_case(4, 3);
    exact_case(4, 11);
}

/* A narrow beam keeps the best prefixes: with beam 1 and one frame, the best single label. */
static void test_beam_one(void) {
    const char *labels[] = {"<blank>", "a", "b", "<space>"};
    rlm_ctc_alphabet *a = alphabet(labels, 4);
    float post[4] = {(float)log10(0.2), (float)log10(0.1), (float)log10(0.6), (float)log10(0.1)};
    rlm_ctc_options o;
    rlm_ctc_options_init(&o);
    o.beam = 1;
    rlm_ctc_decoder *d = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_ctc_decoder_new(a, NULL, &o, &d, &err), RLM_OK);
    CHECK_STATUS(rlm_ctc_decode(d, post, 1, 4, &err), RLM_OK);
    CHECK(rlm_ctc_decoder_n_hyps(d) == 1);
    CHECK(!strcmp(rlm_ctc_decoder_hyp(d, 0)->text, "b"));
    CHECK_NEAR(rlm_ctc_decoder_hyp(d, 0)->total, log10(0.6), 1e-6);
    /* top_k 1 on "a b" frames drops b; the threshold drops what is below it */
    o.beam = 100, o.top_k = 1;
    rlm_ctc_decoder_free(d);
    CHECK_STATUS(rlm_ctc_decoder_new(a, NULL, &o, &d, &err), RLM_OK);
    CHECK_STATUS(rlm_ctc_decode(d, post, 1, 4, &err), RLM_OK);
    CHECK(rlm_ctc_decoder_n_hyps(d) == 2 && find_hyp(d, "b") && find_hyp(d, ""));
    CHECK_STATUS(rlm_ctc_decode(d, post, 1, 3, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, "ctc: 3 columns; the alphabet has 4 labels");
    rlm_ctc_decoder_free(d);
    o.top_k = 0, o.min_log10post = (float)log10(0.15);
    CHECK_STATUS(rlm_ctc_decoder_new(a, NULL, &o, &d, &err), RLM_OK);
    CHECK_STATUS(rlm_ctc_decode(d, post, 1, 4, &err), RLM_OK);
    CHECK(rlm_ctc_decoder_n_hyps(d) == 2 && find_hyp(d, "b") && find_hyp(d, ""));
    rlm_ctc_decoder_free(d);
    o.beam = 0;
    CHECK_STATUS(rlm_ctc_decoder_new(a, NULL, &o, &d, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, "ctc: beam: 0; expected at least 1");
    rlm_ctc_alphabet_free(a);
}

/* ---- fusion ---- */

/* A random LSTM over a vocabulary text (ids: </s> <unk> then the tokens), and its scorer. */
static rlm_scorer *random_lm(const char *vocab_text, rlm_model **m) {
    rlm_vocab *v = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_vocab_parse_text(vocab_text, strlen(vocab_text), "v", &v, &err), RLM_OK);
    rlm_model_config c = rlm_model_default_config();
    c.embed_size = 8, c.hidden_size = 8;
    CHECK_STATUS(rlm_model_new(&c, v, 5, m, &err), RLM_OK);
    rlm_scorer *sc = NULL;
    CHECK_STATUS(rlm_scorer_new(*m, NULL, 0, NULL, &sc, &err), RLM_OK);
    return sc;
}

/* log10 P_LM(tokens..., </s>) by direct scorer calls. */
static double lm_of(const rlm_scorer *sc, const char *const *tokens, int n) {
    rlm_scorer_state s;
    rlm_scorer_begin(sc, &s);
    double lp = 0;
    for (int i = 0; i < n; i++)
        lp += rlm_scorer_score(sc, &s, rlm_scorer_word_id(sc, tokens[i], strlen(tokens[i])), &s);
    return lp + rlm_scorer_end(sc, &s);
}

/* One frame: blank 0.1, a 0.5, b 0.4. Texts "", "a", "b" with hand totals ac + alpha lm + beta n;
 * the LM prefers one of a/b, and some alpha makes it win over the acoustics. */
static void fusion_case(const char *vocab_text, rlm_ctc_lm_mode mode) {
    rlm_model *m = NULL;
    rlm_scorer *sc = random_lm(vocab_text, &m);
    const char *labels[] = {"<blank>", "a", "b", "<space>"};
    rlm_ctc_alphabet *a = alphabet(labels, 4);
    float post[4] = {(float)log10(0.1), (float)log10(0.5), (float)log10(0.4), -INFINITY};
    const char *ta[] = {"a"}, *tb[] = {"b"};
    double lm[3] = {lm_of(sc, NULL, 0), lm_of(sc, ta, 1), lm_of(sc, tb, 1)};
    double ac[3] = {post[0], post[1], post[2]};
    const char *text[3] = {"", "a", "b"};
    int lm_best = lm[2] > lm[1] ? 2 : 1, found = 0;
    {
        rlm_ctc_decoder *d = NULL;
        rlm_error err;
        CHECK_STATUS(rlm_ctc_decoder_new(a, sc, NULL, &d, &err), RLM_OK); /* no LM by default */
        CHECK_STATUS(rlm_ctc_decode(d, post, 1, 4, &err), RLM_OK);
        CHECK(!strcmp(rlm_ctc_decoder_hyp(d, 0)->text, "a"));
        rlm_ctc_decoder_free(d);
    }
    for (double alpha = 0.5; alpha <= 64 && !found; alpha *= 2) {
        rlm_ctc_options o;
        rlm_ctc_options_init(&o);
        o.lm_mode = mode, o.lm_weight = (float)alpha, o.bonus = 0.25f;
        rlm_ctc_decoder *d = NULL;
        rlm_error err;
        CHECK_STATUS(rlm_ctc_decoder_new(a, sc, &o, &d, &err), RLM_OK);
        CHECK_STATUS(rlm_ctc_decode(d, post, 1, 4, &err), RLM_OK);
        CHECK(rlm_ctc_decoder_n_hyps(d) == 3);
        int best = 0;
        double want[3];
        for (int i = 0; i < 3; i++) {
            want[i] = ac[i] + (float)alpha * lm[i] + 0.25 * (i > 0);
            if (want[i] > want[best]) best = i;
            const rlm_ctc_hyp *h = find_hyp(d, text[i]);
            CHECK(h != NULL);
            if (!h) continue;
            CHECK_NEAR(h->total, want[i], 1e-4 * alpha);
            CHECK_NEAR(h->lm, lm[i], 1e-5);
            CHECK(h->n_tokens == (i > 0));
        }
        CHECK(!strcmp(rlm_ctc_decoder_hyp(d, 0)->text, text[best]));
        found |= best == 2; /* the LM overturned the acoustics */
        rlm_ctc_decoder_free(d);
    }
    CHECK(lm_best == 2); /* the seed makes the LM disagree with the acoustics (a over b) */
    CHECK(found);
    rlm_ctc_alphabet_free(a);
    rlm_scorer_free(sc);
    rlm_model_free(m);
}

static const char char_vocab[] = "#rlm-vocab v1 char classes=2\n"
                                  "0\t</s>\t3\t0\n1\t<unk>\t1\t0\n2\ta\t5\t0\n"
                                  "3\tb\t4\t1\n4\t<sp>\t3\t1\n";
static const char word_vocab[] = "#rlm-vocab v1 word classes=2\n"
                                  "0\t</s>\t3\t0\n1\t<unk>\t1\t0\n2\ta\t5\t0\n"
                                  "3\tb\t4\t1\n4\tab\t3\t1\n";

static void test_fusion_char(void) { fusion_case(char_vocab, RLM_CTC_LM_CHAR); }
static void test_fusion_word(void) { fusion_case(word_vocab, RLM_CTC_LM_WORD); }

/* Word mode on "ab b": the words are scored as the space and the end complete them. */
static void test_word_scoring(void) {
    rlm_model *m = NULL;
    rlm_scorer *sc = random_lm(word_vocab, &m);
    const char *labels[] = {"<blank>", "a", "b", "<space>"};
    rlm_ctc_alphabet *a = alphabet(labels, 4);
    /* frames: a, b, space, b, each certain */
    float post[4 * 4];
    for (int t = 0; t < 4; t++)
        for (int c = 0; c < 4; c++) post[t * 4 + c] = c == (int[]){1, 2, 3, 2}[t] ? 0.0f : -INFINITY;
    rlm_ctc_options o;
    rlm_ctc_options_init(&o);
    o.lm_mode = RLM_CTC_LM_WORD, o.lm_weight = 0.5f, o.bonus = 2.0f;
    rlm_ctc_decoder *d = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_ctc_decoder_new(a, sc, &o, &d, &err), RLM_OK);
    CHECK_STATUS(rlm_ctc_decode(d, post, 4, 4, &err), RLM_OK);
    CHECK(rlm_ctc_decoder_n_hyps(d) == 1);
    const char *words[] = {"ab", "b"};
    const rlm_ctc_hyp *h = rlm_ctc_decoder_hyp(d, 0);
    CHECK(!strcmp(h->text, "ab b"));
    CHECK_NEAR(h->lm, lm_of(sc, words, 2), 1e-5);
    CHECK(h->n_tokens == 2);
    CHECK_NEAR(h->total, 0.5 * lm_of(sc, words, 2) + 4.0, 1e-5);
    rlm_ctc_stats st;
    rlm_ctc_decoder_stats(d, &st);
    CHECK(st.lm_pairs == 3 && st.lm_calls == 3); /* "ab" at the space; "b" and </s> at the end */
    rlm_ctc_decoder_free(d);
    rlm_ctc_alphabet_free(a);
    rlm_scorer_free(sc);
    rlm_model_free(m);
}

/* The fused score of a prefix by direct scorer calls: characters (space = <sp>) or words. */
static double fused_of(const rlm_scorer *sc, const char *prefix, rlm_ctc_lm_mode mode,
                       double alpha, double beta) {
    const char *tok[8];
    char words[8][8];
    int n = 0;
    if (mode == RLM_CTC_LM_CHAR) {
        for (const char *c = prefix; *c; c++) tok[n++] = *c == ' ' ? "<sp>" : (*c == 'a' ? "a" : "b");
    } else {
        for (const char *c = prefix; *c;) {
            size_t l = strcspn(c, " ");
            memcpy(words[n], c, l), words[n][l] = 0, tok[n] = words[n], n++;
            c += l + (c[l] == ' ');
        }
    }
    return alpha * lm_of(sc, tok, n) + beta * n;
}

/* All alignments of 4 frames again, now with the LM: a text's total must be the log10 of the sum
 * over its prefixes (with and without a trailing space) of P_ac(prefix) * 10^fused(prefix). */
static void exact_fused_case(const char *vocab_text, rlm_ctc_lm_mode mode, uint64_t seed) {
    rlm_model *m = NULL;
    rlm_scorer *sc = random_lm(vocab_text, &m);
    const char *labels[] = {"<blank>", "a", "b", "<space>"};
    rlm_ctc_alphabet *a = alphabet(labels, 4);
    enum { T = 4 };
    const double alpha = 0.7, beta = 0.4;
    float post[T * 4];
    random_posteriors(post, T, 4, seed);
    char texts[MAX_TEXTS][8], prefixes[MAX_TEXTS][8];
    double want[MAX_TEXTS], prob[MAX_TEXTS];
    int n_texts = 0, n_prefixes = 0;
    for (int k = 0; k < 256; k++) {
        int al[T], x = k;
        double p = 1;
        for (int t = 0; t < T; t++, x /= 4) al[t] = x % 4, p *= pow(10, post[t * 4 + al[t]]);
        char s[8];
        alignment_text(al, T, 0, s);
        int j = 0;
        while (j < n_prefixes && strcmp(prefixes[j], s)) j++;
        if (j == n_prefixes) strcpy(prefixes[n_prefixes], s), prob[n_prefixes++] = 0;
        prob[j] += p;
    }
    for (int j = 0; j < n_prefixes; j++) {
        char s[8];
        strcpy(s, prefixes[j]);
        if (*s && s[strlen(s) - 1] == ' ') s[strlen(s) - 1] = 0;
        int i = 0;
        while (i < n_texts && strcmp(texts[i], s)) i++;
        if (i == n_texts) strcpy(texts[n_texts], s), want[n_texts++] = 0;
        want[i] += prob[j] * pow(10, fused_of(sc, prefixes[j], mode, alpha, beta));
    }
    rlm_ctc_options o;
    rlm_ctc_options_init(&o);
    o.beam = 10000, o.lm_mode = mode, o.lm_weight = (float)alpha, o.bonus = (float)beta;
    rlm_ctc_decoder *d = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_ctc_decoder_new(a, sc, &o, &d, &err), RLM_OK);
    CHECK_STATUS(rlm_ctc_decode(d, post, T, 4, &err), RLM_OK);
    CHECK(rlm_ctc_decoder_n_hyps(d) == n_texts);
    for (int i = 0; i < n_texts; i++) {
        const rlm_ctc_hyp *h = find_hyp(d, texts[i]);
        CHECK(h != NULL);
        if (h) CHECK_NEAR(h->total, log10(want[i]), 1e-5);
    }
    rlm_ctc_decoder_free(d);
    rlm_ctc_alphabet_free(a);
    rlm_scorer_free(sc);
    rlm_model_free(m);
}

static void test_exact_fused(void) {
    exact_fused_case(char_vocab, RLM_CTC_LM_CHAR, 5);
    exact_fused_case(word_vocab, RLM_CTC_LM_WORD, 5);
    exact_fused_case(word_vocab, RLM_CTC_LM_WORD, 21);
}

/* One batched call per frame that makes prefixes (plus one for </s>); per-pair scoring: the same
 * hypotheses and one call per pair. */
static void test_batching(void) {
    rlm_model *m = NULL;
    rlm_scorer *sc = random_lm(char_vocab, &m);
    const char *labels[] = {"<blank>", "a", "b", "<space>"};
    rlm_ctc_alphabet *a = alphabet(labels, 4);
    enum { T = 12 };
    float post[T * 4];
    random_posteriors(post, T, 4, 99);
    rlm_ctc_decoder *d[2];
    rlm_ctc_stats st[2];
    rlm_error err;
    for (int k = 0; k < 2; k++) {
        rlm_ctc_options o;
        rlm_ctc_options_init(&o);
        o.lm_mode = RLM_CTC_LM_CHAR, o.lm_weight = 0.8f, o.bonus = 0.1f, o.beam = 5;
        o.per_beam_scoring = k;
        CHECK_STATUS(rlm_ctc_decoder_new(a, sc, &o, &d[k], &err), RLM_OK);
        CHECK_STATUS(rlm_ctc_decode(d[k], post, T, 4, &err), RLM_OK);
        rlm_ctc_decoder_stats(d[k], &st[k]);
    }
    /* frames whose extensions all exist already need no call */
    CHECK(st[0].lm_frames > T / 2 && st[0].lm_frames <= T);
    CHECK(st[0].lm_calls == st[0].lm_frames + 1);
    CHECK(st[0].lm_pairs > 2 * st[0].lm_calls); /* several prefixes were scored per call */
    CHECK(st[1].lm_calls == st[1].lm_pairs && st[1].lm_pairs == st[0].lm_pairs);
    CHECK(rlm_ctc_decoder_n_hyps(d[0]) == rlm_ctc_decoder_n_hyps(d[1]));
    for (int i = 0; i < rlm_ctc_decoder_n_hyps(d[0]); i++) {
        CHECK(!strcmp(rlm_ctc_decoder_hyp(d[0], i)->text, rlm_ctc_decoder_hyp(d[1], i)->text));
        CHECK_NEAR(rlm_ctc_decoder_hyp(d[0], i)->total, rlm_ctc_decoder_hyp(d[1], i)->total, 1e-4);
    }
    for (int k = 0; k < 2; k++) rlm_ctc_decoder_free(d[k]);
    rlm_ctc_alphabet_free(a);
    rlm_scorer_free(sc);
    rlm_model_free(m);
}

/* ---- noisy channel ---- */

/* Confusable pairs, both ways: the channel puts much of a character's mass on its partner. */
static const char confusable[][2] = {{'e', 'a'}, {'i', 'l'}, {'m', 'n'}, {'u', 'v'}, {'c', 'e'},
                                     {'o', 'a'}, {'t', 'f'}, {'h', 'b'}, {'s', 'z'}, {'r', 'n'},
                                     {'d', 'b'}, {'y', 'v'}, {'w', 'v'}, {'g', 'q'}};

static char partner(char c, uint64_t *rng) {
    char opts[4];
    int n = 0;
    for (size_t i = 0; i < sizeof confusable / sizeof confusable[0]; i++) {
        if (confusable[i][0] == c) opts[n++] = confusable[i][1];
        else if (confusable[i][1] == c) opts[n++] = confusable[i][0];
        if (n == 4) break;
    }
    if (!n) return 0;
    *rng = *rng * 6364136223846793005ull + 1442695040888963407ull;
    return opts[(*rng >> 33) % (uint64_t)n];
}

static double uniform(uint64_t *rng) {
    *rng = *rng * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(*rng >> 11) / (double)(1ull << 53);
}

/* Posteriors for text over the alphabet (labels[1] is the space): per character one frame (a
 * quarter of them two), a blank frame after it; a character frame puts 0.6 on the truth and 0.3
 * on a confusable partner, or (one time in three) 0.35 and 0.55; the rest is spread evenly. */
static float *noisy(const char *text, const rlm_ctc_alphabet *a, uint64_t *rng, int64_t *frames) {
    int L = a->n_labels;
    size_t n = strlen(text);
    float *p = malloc(n * 3 * (size_t)L * sizeof *p);
    int64_t t = 0;
    for (size_t i = 0; i < n; i++) {
        int truth = -1, conf = -1;
        char pc = partner(text[i], rng);
        for (int c = 0; c < L; c++) {
            const char *s = a->labels[c];
            if (s[0] == text[i] && !s[1]) truth = c;
            if (pc && s[0] == pc && !s[1]) conf = c;
        }
        int reps = uniform(rng) < 0.25 ? 2 : 1;
        int hard = conf >= 0 && uniform(rng) < 1.0 / 3;
        for (int r = 0; r <= reps; r++, t++) {
            double mass[128] = {0}, rest;
            if (r == reps) { /* the blank frame */
                mass[a->blank] = 0.9, rest = 0.1;
            } else {
                mass[truth] = conf >= 0 ? (hard ? 0.35 : 0.6) : 0.9;
                if (conf >= 0) mass[conf] = hard ? 0.55 : 0.3;
                rest = 0.1;
            }
            for (int c = 0; c < L; c++) p[t * L + c] = (float)log10(mass[c] + rest / L);
        }
    }
    *frames = t;
    return p;
}

/* Character error rate counts (spaces are characters here) with the WER aligner. */
static void char_errors(const char *ref, const char *hyp, rlm_wer_counts *sum) {
    static char one[256][2];
    const char *r[512], *h[512];
    size_t nr = strlen(ref), nh = strlen(hyp);
    if (nr > 512) nr = 512;
    if (nh > 512) nh = 512;
    for (size_t i = 0; i < nr; i++) one[(unsigned char)ref[i]][0] = ref[i], r[i] = one[(unsigned char)ref[i]];
    for (size_t i = 0; i < nh; i++) one[(unsigned char)hyp[i]][0] = hyp[i], h[i] = one[(unsigned char)hyp[i]];
    rlm_wer_counts c;
    rlm_error err;
    CHECK_STATUS(rlm_wer_align(r, nr, h, nh, 0, &c, NULL, NULL, &err), RLM_OK);
    rlm_wer_add(sum, &c);
}

static void test_noisy_channel(void) {
    rlm_vocab_options vo = rlm_vocab_default_options();
    vo.char_level = 1;
    rlm_vocab *v = NULL;
    rlm_error err;
    const char *train_path = "tests/data/ctc/kjv_genesis.txt";
    CHECK_STATUS(rlm_vocab_build(train_path, &vo, &v, &err), RLM_OK);
    if (!v) return;
    /* the alphabet: blank, space, then the training text's characters */
    const char *labels[64] = {"<blank>", "<space>"};
    static char chars[64][2];
    int L = 2;
    for (int32_t id = 2; id < rlm_vocab_size(v) && L < 64; id++) {
        const char *s = rlm_vocab_token(v, id);
        if (strlen(s) == 1) chars[L][0] = s[0], labels[L] = chars[L], L++;
    }
    rlm_ctc_alphabet *a = alphabet(labels, L);
    rlm_corpus train = {0};
    CHECK_STATUS(rlm_corpus_load(v, train_path, &train, &err), RLM_OK);
    rlm_model_config c = rlm_model_default_config();
    c.embed_size = 32, c.hidden_size = 64, c.output = RLM_OUTPUT_FULL;
    c.independent_sentences = 1;
    rlm_model *m = NULL;
    CHECK_STATUS(rlm_model_new(&c, v, 3, &m, &err), RLM_OK);
    rlm_train_options to = rlm_train_default_options();
    to.optimizer = RLM_OPT_ADAM, to.learning_rate = 0.01f, to.max_epochs = 3, to.threads = 1;
    to.batch = 16, to.bptt = 32;
    rlm_train_result tr;
    CHECK_STATUS(rlm_train(m, &train, &train, &to, &tr, &err), RLM_OK);
    fprintf(stderr, "  char LSTM: %d epochs, perplexity %.2f on its training text, %.1f s\n",
            tr.epochs, tr.best_valid_ppl, tr.seconds);
    rlm_scorer *sc = NULL;
    CHECK_STATUS(rlm_scorer_new(m, NULL, 0, NULL, &sc, &err), RLM_OK);

    FILE *f = fopen("tests/data/ctc/kjv_matthew.txt", "r");
    CHECK(f != NULL);
    char line[512];
    rlm_wer_counts errs[2] = {{0}};
    uint64_t rng = 12345;
    rlm_ctc_options o[2];
    rlm_ctc_options_init(&o[0]);
    rlm_ctc_options_init(&o[1]);
    o[0].beam = o[1].beam = 16;
    o[0].top_k = o[1].top_k = 8; /* the partner is always among them; keeps the test fast */
    o[1].lm_mode = RLM_CTC_LM_CHAR, o[1].lm_weight = 0.8f, o[1].bonus = 0.3f;
    rlm_ctc_decoder *d[2];
    for (int k = 0; k < 2; k++) CHECK_STATUS(rlm_ctc_decoder_new(a, sc, &o[k], &d[k], &err), RLM_OK);
    while (f && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        int64_t frames;
        float *p = noisy(line, a, &rng, &frames);
        for (int k = 0; k < 2; k++) {
            CHECK_STATUS(rlm_ctc_decode(d[k], p, frames, L, &err), RLM_OK);
            const char *hyp = rlm_ctc_decoder_n_hyps(d[k]) ? rlm_ctc_decoder_hyp(d[k], 0)->text : "";
            char_errors(line, hyp, &errs[k]);
            if (k) fprintf(stderr, "  ref:     %s\n  no LM:   %s\n  char LM: %s\n", line,
                           rlm_ctc_decoder_hyp(d[0], 0)->text, hyp);
        }
        free(p);
        rlm_scorer_clear_histories(sc);
    }
    if (f) fclose(f);
    double cer[2] = {rlm_wer_percent(&errs[0]), rlm_wer_percent(&errs[1])};
    fprintf(stderr, "  CER without LM %.2f%%, with the char LM %.2f%% (%lld characters)\n", cer[0],
            cer[1], (long long)errs[0].ref_words);
    CHECK(cer[0] > 5);            /* the channel does confuse */
    CHECK(cer[1] < 0.6 * cer[0]); /* the LM removes most of that */
    for (int k = 0; k < 2; k++) rlm_ctc_decoder_free(d[k]);
    rlm_scorer_free(sc);
    rlm_model_free(m);
    rlm_corpus_free(&train);
    rlm_ctc_alphabet_free(a);
}

/* ---- parsers ---- */

static void alphabet_error(const char *text, const char *want) {
    rlm_ctc_alphabet *a = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_ctc_alphabet_parse(text, strlen(text), "abc.txt", &a, &err), RLM_E_FORMAT);
    CHECK(a == NULL);
    CHECK_CONTAINS(err.message, want);
}

static void test_alphabet_file(void) {
    rlm_ctc_alphabet *a = NULL;
    rlm_error err;
    const char *ok = "<blank>\r\na\n<space>\nb";
    CHECK_STATUS(rlm_ctc_alphabet_parse(ok, strlen(ok), "abc.txt", &a, &err), RLM_OK);
    CHECK(a && a->n_labels == 4 && a->blank == 0 && a->space == 2);
    CHECK(a && !strcmp(a->labels[2], " ") && !strcmp(a->labels[3], "b"));
    rlm_ctc_alphabet_free(a);
    alphabet_error("<blank>\na\n\nb\n", "abc.txt:3: label: empty (write <space> for the word boundary)");
    alphabet_error("<blank>\na b\n", "abc.txt:2: label: whitespace inside a label");
    alphabet_error("<blank>\na\nb\na\n", "abc.txt:4: label: 'a' repeats label 1");
    alphabet_error("<sp>\n<blank>\n<space>\n", "abc.txt:3: label: '<space>' repeats label 0");
    alphabet_error("a\nb\n", "abc.txt: no <blank> label");
    alphabet_error("", "abc.txt: no labels");
}

static void posteriors_error(const char *text, int n_labels, const char *want) {
    rlm_ctc_posteriors *p = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_ctc_posteriors_parse(text, strlen(text), "p.txt", n_labels, 0, &p, &err),
                 RLM_E_FORMAT);
    CHECK(p == NULL);
    CHECK_CONTAINS(err.message, want);
}

static void test_posteriors_file(void) {
    const char *ok = "u1  [\n  -0.1 -2.5 -3\n  -4 -0.01 -inf ]\nu2 [ ]\nu3 [ -1 -2 -0.0001\n ]\n";
    rlm_ctc_posteriors *p = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_ctc_posteriors_parse(ok, strlen(ok), "p.txt", 0, RLM_CTC_LOG_E, &p, &err),
                 RLM_OK);
    CHECK(p && p->n_utts == 3 && p->n_labels == 3);
    if (p && p->n_utts == 3) {
        CHECK(!strcmp(p->utts[0].id, "u1") && p->utts[0].frames == 2 && p->utts[0].line == 1);
        CHECK(p->utts[1].frames == 0 && p->utts[1].line == 4);
        CHECK(!strcmp(p->utts[2].id, "u3") && p->utts[2].frames == 1);
        CHECK_NEAR(p->utts[0].log10post[1], -2.5 / log(10.0), 1e-6);
        CHECK(p->utts[0].log10post[5] == -INFINITY);
    }
    rlm_ctc_posteriors_free(p);
    posteriors_error("u1 [\n -1 -2\n -1 -2 -3 ]\n", 0, "p.txt:3: utterance 'u1': frame 1: more than 2 columns");
    posteriors_error("u1 [\n -1 -2\n -1 ]\n", 3, "p.txt:2: utterance 'u1': frame 0: 2 columns; expected 3");
    posteriors_error("u1 [\n -1 x ]\n", 0, "p.txt:2: utterance 'u1': frame 0, column 2: expected a number, got 'x'");
    posteriors_error("u1 [\n -1 0.5 ]\n", 0, "p.txt:2: utterance 'u1': frame 0, column 2: above 0: not a log posterior, got '0.5'");
    posteriors_error("u1 [ -1 nan ]\n", 0, "p.txt:1: utterance 'u1': frame 0, column 2: NaN is not a log posterior");
    posteriors_error("u1 -1 -2 ]\n", 0, "p.txt:1: utterance 'u1': expected '[' after the id");
    posteriors_error("u1 [ -1 -2\n", 0, "p.txt:1: utterance 'u1': no closing ']' before the end of the file");
    posteriors_error("u1 [ -1 ]\n\nu1 [ -2 ]\n", 0, "p.txt:3: utterance 'u1': the id repeats line 1");
    posteriors_error("[ -1 ]\n", 0, "p.txt:1: id: expected an utterance id, got '['");
    posteriors_error(" \n", 0, "p.txt: no utterances");
}

int main(int argc, char **argv) {
    (void)argc;
    RUN(test_exact_small);
    RUN(test_beam_one);
    RUN(test_fusion_char);
    RUN(test_fusion_word);
    RUN(test_word_scoring);
    RUN(test_exact_fused);
    RUN(test_batching);
    RUN(test_alphabet_file);
    RUN(test_posteriors_file);
    RUN(test_noisy_channel);
    return check_summary(argv[0]);
}

/* N-best lists: every format survives read -> write -> read; log-base conversions against
 * hand-computed values; malformed input gives file:line: field errors; prefix-tree rescoring
 * equals scoring each hypothesis alone, scores each shared prefix once, and mixes as
 * rlm_mix_score_file does. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "files.h"
#include "model_internal.h"
#include "nbest_rescore.h"
#include "rlm_nbest.h"

static char dir[] = "/tmp/rlm-test-nbest-XXXXXX";

static rlm_nbest *parse1(rlm_nbest_format f, const char *text, const char *name) {
    rlm_nbest *nb = NULL;
    rlm_error err = {0};
    size_t size = strlen(text);
    rlm_status st = rlm_nbest_parse(f, &text, &size, &name, 1, NULL, &nb, &err);
    if (st) fprintf(stderr, "parse: %s\n", err.message);
    CHECK_STATUS(st, RLM_OK);
    return nb;
}

/* The error message of parsing n files. */
static const char *parse_error(rlm_nbest_format f, const char *const *texts, int n) {
    static rlm_error err;
    const char *names[3] = {"in.1", "in.2", "in.3"};
    size_t sizes[3];
    for (int i = 0; i < n; i++) sizes[i] = strlen(texts[i]);
    rlm_nbest *nb = NULL;
    memset(&err, 0, sizeof err);
    CHECK(rlm_nbest_parse(f, texts, sizes, names, n, NULL, &nb, &err) != RLM_OK);
    CHECK(nb == NULL);
    return err.message;
}

static void check_same(const rlm_nbest *a, const rlm_nbest *b) {
    CHECK(a->n_utts == b->n_utts);
    CHECK(a->n_columns == b->n_columns);
    if (a->n_utts != b->n_utts || a->n_columns != b->n_columns) return;
    for (int c = 0; c < a->n_columns; c++) CHECK(!strcmp(a->column[c], b->column[c]));
    for (size_t u = 0; u < a->n_utts; u++) {
        CHECK(!strcmp(a->utts[u].id, b->utts[u].id));
        CHECK(a->utts[u].n_hyps == b->utts[u].n_hyps);
        for (size_t h = 0; h < a->utts[u].n_hyps && h < b->utts[u].n_hyps; h++) {
            const rlm_nbest_hyp *x = &a->utts[u].hyps[h], *y = &b->utts[u].hyps[h];
            CHECK(x->n_words == y->n_words);
            for (int i = 0; i < x->n_words && i < y->n_words; i++)
                CHECK(!strcmp(x->words[i], y->words[i]));
            for (int c = 0; c < a->n_columns; c++)
                CHECK_NEAR(x->score[c], y->score[c], 1e-12 * (1 + fabs(x->score[c])));
            CHECK_NEAR(x->total, y->total, 1e-12 * (1 + fabs(x->total)));
        }
    }
}

/* Writes nb to OUT in its format and reads it back from the files the writer made. */
static rlm_nbest *write_read(const rlm_nbest *nb, const char *name) {
    char out[256], ac[300], lm[300];
    snprintf(out, sizeof out, "%s/%s", dir, name);
    rlm_error err = {0};
    CHECK_STATUS(rlm_nbest_write(nb, out, &err), RLM_OK);
    const char *paths[64];
    char files[64][300];
    int n = 0;
    if (nb->format == RLM_NBEST_KALDI) {
        snprintf(ac, sizeof ac, "%s.ac", out), snprintf(lm, sizeof lm, "%s.lm", out);
        paths[n++] = out, paths[n++] = ac, paths[n++] = lm;
    } else if (nb->format == RLM_NBEST_SRILM) {
        for (size_t u = 0; u < nb->n_utts && n < 64; u++, n++) {
            snprintf(files[n], sizeof files[n], "%s/%s", out, nb->utts[u].id);
            paths[n] = files[n];
        }
    } else {
        paths[n++] = out;
    }
    rlm_nbest *back = NULL;
    CHECK_STATUS(rlm_nbest_read(nb->format, paths, n, NULL, &back, &err), RLM_OK);
    if (err.message[0]) fprintf(stderr, "read back: %s\n", err.message);
    return back;
}

static void round_trip(rlm_nbest *nb, const char *name) {
    rlm_nbest *back = write_read(nb, name);
    if (back) check_same(nb, back);
    rlm_nbest_free(back);
    rlm_nbest_free(nb);
}

static void test_kaldi(void) {
    const char *files[3] = {"u1-1 a b c\nu1-2 a b\nu2-1\nu2-2 x\n",
                            "u1-1 2.302585092994046\nu1-2 0\nu2-1 2.5\nu2-2 -1\n",
                            "u1-1 4.605170185988092\nu1-2 1\nu2-1 0.5\nu2-2 3\n"};
    size_t sizes[3] = {strlen(files[0]), strlen(files[1]), strlen(files[2])};
    const char *names[3] = {"t", "ac", "lm"};
    rlm_nbest *nb = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_nbest_parse(RLM_NBEST_KALDI, files, sizes, names, 3, NULL, &nb, &err),
                 RLM_OK);
    if (!nb) return;
    CHECK(nb->n_utts == 2 && nb->utts[0].n_hyps == 2 && nb->utts[1].n_hyps == 2);
    CHECK(!strcmp(nb->utts[1].id, "u2") && nb->utts[1].hyps[0].n_words == 0);
    /* cost c = -ln P: c = ln 10 is log10 P = -1; 2.5 nats = -1.0857362047581294 */
    CHECK_NEAR(nb->utts[0].hyps[0].score[0], -1.0, 1e-15);
    CHECK_NEAR(nb->utts[0].hyps[0].score[1], -2.0, 1e-15);
    CHECK_NEAR(nb->utts[1].hyps[0].score[0], -1.0857362047581294, 1e-15);
    CHECK_NEAR(nb->utts[0].hyps[0].total, -3.0, 1e-15);
    round_trip(nb, "kaldi.txt");

    /* integer word ids with a symbol table */
    char sym[64];
    snprintf(sym, sizeof sym, "%s/words.txt", dir);
    CHECK(test_write_file(sym, "<eps> 0\nhello 1\nworld 2\n", 24) == 0);
    const char *ids = "s-1 1 2\ns-2 2\n";
    size_t n = strlen(ids);
    const char *nm = "ids";
    rlm_nbest_read_options o = {sym};
    CHECK_STATUS(rlm_nbest_parse(RLM_NBEST_KALDI, &ids, &n, &nm, 1, &o, &nb, &err), RLM_OK);
    if (nb) {
        CHECK(nb->utts[0].hyps[0].n_words == 2 && !strcmp(nb->utts[0].hyps[0].words[1], "world"));
        rlm_nbest_free(nb);
    }
    const char *bad_id = "s-1 1 7\n";
    n = strlen(bad_id);
    CHECK(rlm_nbest_parse(RLM_NBEST_KALDI, &bad_id, &n, &nm, 1, &o, &nb, &err) != RLM_OK);
    CHECK_CONTAINS(err.message, "ids:1: word id: 7 is not in the symbol table");
}

static void test_srilm(void) {
    /* plain: log10 as is */
    rlm_nbest *nb = parse1(RLM_NBEST_SRILM, "-120.5 -10.25 3 a b c\n-121 -9 2 a b\n",
                           "dir/utt7.nbest.gz");
    if (!nb) return;
    CHECK(!strcmp(nb->utts[0].id, "utt7"));
    CHECK_NEAR(nb->utts[0].hyps[0].score[0], -120.5, 0);
    CHECK_NEAR(nb->utts[0].hyps[0].score[1], -10.25, 0);
    CHECK_NEAR(nb->utts[0].hyps[0].score[2], 3, 0);
    round_trip(nb, "srilm-plain");
    /* NBestList1.0: bytelog = rint(ln P * 10000.5 / 1024); -1000 is log10 -44.46953147031947 */
    nb = parse1(RLM_NBEST_SRILM, "NBestList1.0\n(-1000) a b\n(-1234) a\n", "u2");
    if (!nb) return;
    CHECK(nb->srilm_version == 1 && nb->n_columns == 1);
    CHECK_NEAR(nb->utts[0].hyps[0].score[0], -44.46953147031947, 1e-12);
    CHECK_NEAR(nb->utts[0].hyps[0].total, -44.46953147031947, 1e-12);
    round_trip(nb, "srilm-v1");
}

static void test_moses(void) {
    rlm_nbest *nb = parse1(RLM_NBEST_MOSES,
                           "0 ||| das haus ||| LM0= -5.5 TM0= -1 -2.25 WordPenalty0= -2 ||| -3.75\n"
                           "0 ||| das  gebaeude ||| LM0= -7 TM0= -1 -2 WordPenalty0= -2 ||| -4\n"
                           "1 ||| ja ||| LM0= -1 TM0= 0 0 WordPenalty0= -1 ||| -0.5\n",
                           "moses.nbest");
    if (!nb) return;
    CHECK(nb->n_utts == 2 && nb->n_columns == 5);
    CHECK(!strcmp(nb->column[2], "TM0") && !strcmp(nb->column[3], "TM0"));
    CHECK(!strcmp(nb->column[0], "total"));
    CHECK_NEAR(nb->utts[0].hyps[0].score[3], -2.25, 0);
    CHECK_NEAR(nb->utts[0].hyps[0].total, -3.75, 0);
    CHECK(nb->utts[0].hyps[1].n_words == 2 && !strcmp(nb->utts[0].hyps[1].words[1], "gebaeude"));
    CHECK(rlm_nbest_add_column(nb, "rlm") == 5); /* an added feature survives too */
    nb->utts[1].hyps[0].score[5] = -1.5;
    round_trip(nb, "moses.out");
}

static void test_pocketsphinx(void) {
    /* log base 1.0001: -10000 is log10 -0.4342727686266485 */
    rlm_nbest *nb = parse1(RLM_NBEST_POCKETSPHINX, "u1 1 -10000 -20000 2 go forward\n"
                                                   "u1 2 -10010 -19000 3 go for word\n"
                                                   "u2 1 0 0 0\n",
                           "ps.nbest");
    if (!nb) return;
    CHECK_NEAR(nb->utts[0].hyps[0].score[0], -0.4342727686266485, 1e-15);
    CHECK_NEAR(nb->utts[0].hyps[0].score[1], -0.868545537253297, 1e-14);
    CHECK(nb->utts[1].n_hyps == 1 && nb->utts[1].hyps[0].n_words == 0);
    round_trip(nb, "ps.out");
}

static void test_tsv(void) {
    rlm_nbest *nb = parse1(RLM_NBEST_TSV, "a\t1\t-10\t-2.5\tx y\na\t2\t-11\t-1\tx\nb\t1\t-3\t-4\t\n",
                           "in.tsv");
    if (!nb) return;
    CHECK(nb->n_utts == 2 && nb->n_columns == 2 && nb->utts[1].hyps[0].n_words == 0);
    CHECK_NEAR(nb->utts[0].hyps[1].total, -12, 0);
    CHECK(rlm_nbest_add_column(nb, "rnn") == 2);
    nb->utts[0].hyps[0].score[2] = -0.125;
    round_trip(nb, "tsv.out"); /* with the header the writer adds */
}

static void test_rerank_and_best(void) {
    rlm_nbest *nb = parse1(RLM_NBEST_TSV, "a\t1\t-10\t-5\tx y z\na\t2\t-10.5\t-3\tx y\n", "r.tsv");
    if (!nb) return;
    /* totals: -10 + 0.5 * -5 - 1 * 3 = -15.5 and -10.5 + 0.5 * -3 - 1 * 2 = -14 */
    rlm_error err;
    CHECK_STATUS(rlm_nbest_rerank(nb, 0, 1, 0.5, -1, &err), RLM_OK);
    CHECK_NEAR(nb->utts[0].hyps[0].total, -14, 1e-12);
    CHECK(nb->utts[0].hyps[0].n_words == 2);
    char best[256];
    snprintf(best, sizeof best, "%s/best.txt", dir);
    CHECK_STATUS(rlm_nbest_write_best(nb, best, &err), RLM_OK);
    FILE *f = fopen(best, "r");
    char line[64] = "";
    if (f) {
        CHECK(fgets(line, sizeof line, f) != NULL);
        fclose(f);
    }
    CHECK(!strcmp(line, "a x y\n"));
    rlm_nbest_free(nb);
}

static void test_errors(void) {
    const char *t1[] = {"u-1 a\nu-3 b\n"};
    CHECK_CONTAINS(parse_error(RLM_NBEST_KALDI, t1, 1),
                   "in.1:2: key: rank 3 of utterance 'u' out of order (expected 2)");
    const char *t2[] = {"u-1 a\nu-2 b\n", "u-1 1\nv-2 2\n"};
    CHECK_CONTAINS(parse_error(RLM_NBEST_KALDI, t2, 2),
                   "in.2:2: key: 'v-2' does not match the text's 'u-2'");
    const char *t3[] = {"u-1 a\nu-2 b\n", "u-1 1\n"};
    CHECK_CONTAINS(parse_error(RLM_NBEST_KALDI, t3, 2), "in.2:2: key: no cost for 'u-2'");
    const char *t4[] = {"u-1 a\n", "u-1 x1\n"};
    CHECK_CONTAINS(parse_error(RLM_NBEST_KALDI, t4, 2), "in.2:1: cost: expected a number, got 'x1'");
    const char *t5[] = {"nodash a\n"};
    CHECK_CONTAINS(parse_error(RLM_NBEST_KALDI, t5, 1), "in.1:1: key: expected utt-N");
    const char *s1[] = {"-1 -2 3 a\n-1 nan 1 b\n"};
    CHECK_CONTAINS(parse_error(RLM_NBEST_SRILM, s1, 1), "in.1:2: lscore: expected a number");
    const char *s2[] = {"-1 -2\n"};
    CHECK_CONTAINS(parse_error(RLM_NBEST_SRILM, s2, 1), "in.1:1: nwords: missing");
    const char *s3[] = {"NBestList1.0\n-12 a\n"};
    CHECK_CONTAINS(parse_error(RLM_NBEST_SRILM, s3, 1), "in.1:2: score: expected (bytelog)");
    const char *s4[] = {"NBestList2.0\n"};
    CHECK_CONTAINS(parse_error(RLM_NBEST_SRILM, s4, 1), "in.1:1: header: NBestList2.0 is not");
    const char *m1[] = {"0 ||| a ||| F= 1 ||| 1\n0 ||| b ||| G= 1 ||| 1\n"};
    CHECK_CONTAINS(parse_error(RLM_NBEST_MOSES, m1, 1),
                   "in.1:2: features: value 1 is 'G', but the first line has 'F' there");
    const char *m2[] = {"0 ||| a ||| F= 1\n"};
    CHECK_CONTAINS(parse_error(RLM_NBEST_MOSES, m2, 1), "in.1:1: score: expected 'id ||| text");
    const char *m3[] = {"0 ||| a ||| 1 F= 2 ||| 1\n"};
    CHECK_CONTAINS(parse_error(RLM_NBEST_MOSES, m3, 1), "in.1:1: features: value '1' before");
    const char *p1[] = {"u 1 -5\n"};
    CHECK_CONTAINS(parse_error(RLM_NBEST_POCKETSPHINX, p1, 1), "in.1:1: lscore: missing");
    const char *p2[] = {"u 0 -5 -6 1 a\n"};
    CHECK_CONTAINS(parse_error(RLM_NBEST_POCKETSPHINX, p2, 1), "in.1:1: rank: expected a rank");
    const char *p3[] = {"u 1 -5 -6 3 a b\n"}; /* a cut line */
    CHECK_CONTAINS(parse_error(RLM_NBEST_POCKETSPHINX, p3, 1),
                   "in.1:1: nwords: 3, but the line has 2 words");
    const char *p4[] = {"u 1 -5 -6 a b\n"}; /* the form without nwords */
    CHECK_CONTAINS(parse_error(RLM_NBEST_POCKETSPHINX, p4, 1), "in.1:1: nwords:");
    const char *v1[] = {"u\t1\t-1\t-2\n"};
    CHECK_CONTAINS(parse_error(RLM_NBEST_TSV, v1, 1), "in.1:1: words: missing");
    const char *v2[] = {"#utt\trank\tac\n"};
    CHECK_CONTAINS(parse_error(RLM_NBEST_TSV, v2, 1), "in.1:1: header: no 'words' column");
    const char *v3[] = {"u\t2\t-1\t-1\ta\n"};
    CHECK_CONTAINS(parse_error(RLM_NBEST_TSV, v3, 1), "in.1:1: rank: rank 2 of utterance 'u'");
    const char *v4[] = {"u\t1\t-1\t-1\ta\0b\n"};
    const char *names[1] = {"nul"};
    size_t size = 13;
    rlm_nbest *nb;
    rlm_error err;
    CHECK(rlm_nbest_parse(RLM_NBEST_TSV, v4, &size, names, 1, NULL, &nb, &err) == RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "nul:1: line: contains a NUL byte");
}

/* ---- rescoring ---- */

static rlm_model *tiny_model(void) {
    char text[128];
    snprintf(text, sizeof text, "%s/train.txt", dir);
    const char *corpus = "a b d e g\nb a a d\ne g g a b\nd d e a\n";
    CHECK(test_write_file(text, corpus, strlen(corpus)) == 0);
    rlm_vocab *v = NULL;
    rlm_vocab_options o = rlm_vocab_default_options();
    o.num_classes = 3;
    rlm_error err;
    CHECK_STATUS(rlm_vocab_build(text, &o, &v, &err), RLM_OK);
    rlm_model_config c = rlm_model_default_config();
    c.cell = RLM_CELL_LSTM, c.layers = 2, c.embed_size = 8, c.hidden_size = 12;
    c.independent_sentences = 1;
    rlm_model *m = NULL;
    CHECK_STATUS(rlm_model_new(&c, v, 5, &m, &err), RLM_OK);
    /* weights large enough that the distributions are far from uniform */
    for (size_t i = 0; m && i < m->n_params; i++) m->params[i] *= 3;
    return m;
}

enum { N_HYPS = 6 };
static const char *const hyp_text[N_HYPS] = {"a b d", "a b e", "a b", "a d", "g", ""};

static void split_hyps(char store[N_HYPS][32], const char *words[N_HYPS][4], rlm_rescore_hyp *h) {
    for (int i = 0; i < N_HYPS; i++) {
        strcpy(store[i], hyp_text[i]);
        h[i].n_words = 0;
        for (char *t = strtok(store[i], " "); t; t = strtok(NULL, " ")) words[i][h[i].n_words++] = t;
        h[i].words = words[i];
    }
}

static void test_prefix_tree_equals_alone(void) {
    rlm_model *m = tiny_model();
    if (!m) return;
    char store[N_HYPS][32];
    const char *words[N_HYPS][4];
    rlm_rescore_hyp hyps[2][N_HYPS];
    split_hyps(store, words, hyps[0]);
    memcpy(hyps[1], hyps[0], sizeof hyps[0]);
    rlm_rescore_utt utts[2] = {{hyps[0], N_HYPS}, {hyps[1], N_HYPS}};
    rlm_rescore_models rm = {.rnn = m};
    rlm_rescore_stats st;
    rlm_error err;
    CHECK_STATUS(rlm_nbest_rescore(&rm, utts, 2, 1, &st, &err), RLM_OK);
    const rlm_vocab *v = rlm_model_vocab(m);
    for (int i = 0; i < N_HYPS; i++) {
        int32_t ids[4];
        for (int k = 0; k < hyps[0][i].n_words; k++)
            ids[k] = rlm_vocab_id(v, words[i][k], strlen(words[i][k]));
        double alone = rlm_model_score_sentence(m, ids, (size_t)hyps[0][i].n_words, NULL);
        /* batched products sum in another order: float rounding only */
        CHECK_NEAR(hyps[0][i].lm, alone, 1e-5 * (1 + fabs(alone)));
        CHECK(hyps[1][i].lm == hyps[0][i].lm);
    }
    /* tokens with </s>: 4 + 4 + 3 + 3 + 2 + 1 = 17 per utterance. Distinct prefixes: a, ab,
     * abd, abd</s>, abe, abe</s>, ab</s>, ad, ad</s>, g, g</s>, </s> = 12 nodes per utterance;
     * stepped: the nodes with children: a, ab, abd, abe, ad, g = 6 */
    CHECK(st.tokens == 34);
    CHECK(st.rnn_nodes == 24);
    CHECK(st.rnn_steps == 12);
    /* depths 1..3 stepped (one call each), then all 12 nodes scored in one call: 4 batched
     * calls per utterance (two utterances on one thread are two work items) */
    CHECK(st.batches == 8);
    /* threads: the same scores */
    rlm_rescore_hyp again[N_HYPS];
    memcpy(again, hyps[0], sizeof again);
    rlm_rescore_utt many[9];
    rlm_rescore_hyp hs[9][N_HYPS];
    for (int u = 0; u < 9; u++) memcpy(hs[u], again, sizeof again), many[u].hyps = hs[u],
                                many[u].n_hyps = N_HYPS;
    CHECK_STATUS(rlm_nbest_rescore(&rm, many, 9, 3, &st, &err), RLM_OK);
    for (int u = 0; u < 9; u++)
        for (int i = 0; i < N_HYPS; i++) CHECK(hs[u][i].lm == hyps[0][i].lm);
    CHECK(st.rnn_nodes == 9 * 12);
    rlm_model_free(m);
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Distinct strings among n (sorted in place). */
static size_t n_distinct(char **s, size_t n) {
    qsort(s, n, sizeof *s, cmp_str);
    size_t d = 0;
    for (size_t i = 0; i < n; i++) d += i == 0 || strcmp(s[i], s[i - 1]) != 0;
    return d;
}

/* Many random lists, so that a thread takes several utterances at once (one forest, each depth
 * one batch across them) and the nodes are scored in more than one block of rows: every
 * hypothesis scores what it scores alone (batched sums differ in order: tolerance 1e-5
 * relative), on 1 and 2 threads, and the RNN work is the distinct prefixes of each utterance,
 * counted by brute force over the prefix strings. */
static void test_forests_equal_alone(void) {
    rlm_model *m = tiny_model();
    if (!m) return;
    enum { U = 24, NH = 300, MAXW = 10 };
    static const char *const vocab[] = {"a", "b", "d", "e", "g", "zz"};
    static const char *words[U][NH][MAXW];
    static rlm_rescore_hyp hyps[U][NH];
    static char prefix[NH * (MAXW + 1)][3 * MAXW + 8];
    char *pp[NH * (MAXW + 1)];
    rlm_rescore_utt utts[U];
    uint32_t x = 12345;
    size_t want_nodes = 0, want_steps = 0;
    for (int u = 0; u < U; u++) {
        size_t np = 0;
        for (int h = 0; h < NH; h++) {
            rlm_rescore_hyp *hy = &hyps[u][h];
            x = x * 1103515245u + 12345u;
            hy->n_words = (int)(x >> 16) % MAXW, hy->words = words[u][h];
            /* few choices for the first words, so that prefixes are shared */
            for (int i = 0; i < hy->n_words; i++) {
                x = x * 1103515245u + 12345u;
                words[u][h][i] = vocab[(x >> 16) % (i < 2 ? 2 : 6)];
            }
            char buf[3 * MAXW + 8] = "";
            for (int i = 0; i < hy->n_words; i++) {
                strcat(strcat(buf, words[u][h][i]), " ");
                strcpy(prefix[np], buf), pp[np] = prefix[np], np++;
            }
            strcat(strcpy(prefix[np], buf), "</s>"), pp[np] = prefix[np], np++;
        }
        want_nodes += n_distinct(pp, np);
        /* the word prefixes (without </s>) are the nodes with children */
        size_t k = 0;
        for (size_t i = 0; i < np; i++)
            if (!strstr(pp[i], "</s>")) pp[k++] = pp[i];
        want_steps += n_distinct(pp, k);
        utts[u].hyps = hyps[u], utts[u].n_hyps = NH;
    }
    const rlm_vocab *v = rlm_model_vocab(m);
    rlm_rescore_models rm = {.rnn = m};
    for (int threads = 1; threads <= 2; threads++) {
        rlm_rescore_stats st;
        rlm_error err;
        CHECK_STATUS(rlm_nbest_rescore(&rm, utts, U, threads, &st, &err), RLM_OK);
        CHECK(st.rnn_nodes == want_nodes);
        CHECK(st.rnn_steps == want_steps);
        /* one thread takes U / 4 utterances at a time: more nodes than one block of 2048 rows */
        CHECK(want_nodes / 4 > 2 * 2048);
        double worst = 0;
        for (int u = 0; u < U; u++)
            for (int h = 0; h < NH; h++) {
                int32_t ids[MAXW];
                for (int i = 0; i < hyps[u][h].n_words; i++)
                    ids[i] = rlm_vocab_id(v, words[u][h][i], strlen(words[u][h][i]));
                double alone = rlm_model_score_sentence(m, ids, (size_t)hyps[u][h].n_words, NULL);
                worst = fmax(worst, fabs(hyps[u][h].lm - alone) / (1 + fabs(alone)));
            }
        CHECK(worst < 1e-5);
    }
    rlm_model_free(m);
}

/* Mixed with the hand-written bigram of tests/data/mix (words a b c f), every hypothesis scores
 * what rlm_mix_score_file + rlm_mix_combine give its sentence (an independent-sentence RNN). */
static void test_mixture_equals_mix_score_file(void) {
    rlm_model *m = tiny_model();
    rlm_ngram *ng = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_ngram_open("tests/data/mix/tiny.arpa", NULL, &ng, &err), RLM_OK);
    if (!m || !ng) return;
    static const char *const text[] = {"a b d", "a c", "f f", "d e", "a b", "zz a"};
    char path[128];
    snprintf(path, sizeof path, "%s/mix.txt", dir);
    FILE *f = fopen(path, "w");
    char store[6][16];
    const char *words[6][3];
    rlm_rescore_hyp hyps[6];
    for (int i = 0; i < 6; i++) {
        fprintf(f, "%s\n", text[i]);
        strcpy(store[i], text[i]);
        hyps[i].n_words = 0, hyps[i].words = words[i];
        for (char *t = strtok(store[i], " "); t; t = strtok(NULL, " ")) words[i][hyps[i].n_words++] = t;
    }
    fclose(f);
    const rlm_ngram *ngs[1] = {ng};
    rlm_mix_scores sc;
    CHECK_STATUS(rlm_mix_score_file(m, ngs, 1, path, &sc, &err), RLM_OK);
    float per_token[64];
    const char *specs[] = {"linear:0.3", "loglinear:0.6"};
    for (int k = 0; k < 2; k++) {
        rlm_rescore_models rm = {.rnn = m, .ngrams = ngs, .n_ngrams = 1};
        CHECK_STATUS(rlm_mix_spec_parse(specs[k], 2, "mix", &rm.mix, &err), RLM_OK);
        rlm_mix_result r;
        CHECK_STATUS(rlm_mix_combine(&sc, &rm.mix, per_token, &r, &err), RLM_OK);
        rlm_rescore_utt u = {hyps, 6};
        CHECK_STATUS(rlm_nbest_rescore(&rm, &u, 1, 1, NULL, &err), RLM_OK);
        size_t t = 0;
        for (int i = 0; i < 6; i++) {
            double want = 0;
            for (int w = 0; w <= hyps[i].n_words; w++) want += per_token[t++];
            CHECK_NEAR(hyps[i].lm, want, 1e-5 * (1 + fabs(want)));
        }
    }
    /* the n-gram alone: a b </s> = -0.2 + log10 P(b|a) = -(0.6 + 0.2) backoff, then b </s> -0.3 */
    rlm_rescore_models only = {.ngrams = ngs, .n_ngrams = 1};
    rlm_rescore_utt u = {&hyps[4], 1};
    CHECK_STATUS(rlm_nbest_rescore(&only, &u, 1, 1, NULL, &err), RLM_OK);
    CHECK_NEAR(hyps[4].lm, -0.2 - 0.8 - 0.3, 1e-6);
    rlm_mix_scores_free(&sc);
    rlm_ngram_close(ng);
    rlm_model_free(m);
}

int main(int argc, char **argv) {
    (void)argc;
    if (!mkdtemp(dir)) return 1;
    RUN(test_kaldi);
    RUN(test_srilm);
    RUN(test_moses);
    RUN(test_pocketsphinx);
    RUN(test_tsv);
    RUN(test_rerank_and_best);
    RUN(test_errors);
    RUN(test_prefix_tree_equals_alone);
    RUN(test_forests_equal_alone);
    RUN(test_mixture_equals_mix_score_file);
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    if (system(cmd)) fprintf(stderr, "could not remove %s\n", dir);
    return check_summary(argv[0]);
}

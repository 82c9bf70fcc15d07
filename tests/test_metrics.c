/* WER alignments, BLEU statistics and scores, and transcript parsing, against hand-computed
 * values. The sclite agreement itself is tests/cli/test_wer_sclite.sh. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "rlm_metrics.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static void test_wer_counts_and_steps(void) {
    const char *ref[] = {"a", "b", "c", "d"}, *hyp[] = {"a", "x", "c", "d", "e"};
    rlm_wer_counts c;
    rlm_align_step s[9];
    size_t n;
    rlm_error err;
    CHECK_STATUS(rlm_wer_align(ref, 4, hyp, 5, 0, &c, s, &n, &err), RLM_OK);
    CHECK(c.corr == 3 && c.sub == 1 && c.del == 0 && c.ins == 1);
    CHECK(c.ref_words == 4 && c.hyp_words == 5 && c.sentences == 1 && c.sentences_with_errors == 1);
    CHECK(n == 5);
    CHECK(s[1].op == RLM_EDIT_SUB && s[1].ref == 1 && s[1].hyp == 1);
    CHECK(s[4].op == RLM_EDIT_INS && s[4].ref == -1 && s[4].hyp == 4);
    CHECK_NEAR(rlm_wer_percent(&c), 50.0, 1e-12);
}

/* ref "a b", hyp "b a": del+corr+ins and ins+corr+del both cost 6, two substitutions 8. At the
 * last cell deletion and insertion tie at 6 and sclite takes the insertion, so the trace is
 * DEL a, CORR b, INS a (worked by hand in the cost table). */
static void test_wer_tie_breaking(void) {
    const char *ref[] = {"a", "b"}, *hyp[] = {"b", "a"};
    rlm_wer_counts c;
    rlm_align_step s[4];
    size_t n;
    CHECK_STATUS(rlm_wer_align(ref, 2, hyp, 2, 0, &c, s, &n, NULL), RLM_OK);
    CHECK(n == 3 && c.corr == 1 && c.del == 1 && c.ins == 1 && c.sub == 0);
    CHECK(s[0].op == RLM_EDIT_DEL && s[0].ref == 0 && s[0].hyp == -1);
    CHECK(s[1].op == RLM_EDIT_CORR && s[1].ref == 1 && s[1].hyp == 0);
    CHECK(s[2].op == RLM_EDIT_INS && s[2].ref == -1 && s[2].hyp == 1);
    /* one substitution (4) beats a deletion plus an insertion (6) */
    const char *r2[] = {"x"}, *h2[] = {"y"};
    CHECK_STATUS(rlm_wer_align(r2, 1, h2, 1, 0, &c, NULL, NULL, NULL), RLM_OK);
    CHECK(c.sub == 1 && c.del == 0 && c.ins == 0);
}

static void test_wer_empty_sides_and_case(void) {
    const char *ref[] = {"The", "Lord"}, *hyp[] = {"the", "lord", "god"};
    rlm_wer_counts c, sum = {0};
    CHECK_STATUS(rlm_wer_align(ref, 2, hyp, 0, 0, &c, NULL, NULL, NULL), RLM_OK);
    CHECK(c.del == 2 && c.corr == 0 && c.ins == 0);
    rlm_wer_add(&sum, &c);
    CHECK_STATUS(rlm_wer_align(ref, 0, hyp, 3, 0, &c, NULL, NULL, NULL), RLM_OK);
    CHECK(c.ins == 3);
    CHECK_NEAR(rlm_wer_percent(&c), 300.0, 1e-12); /* no reference words: 100 per insertion */
    CHECK_STATUS(rlm_wer_align(ref, 2, hyp, 3, 0, &c, NULL, NULL, NULL), RLM_OK);
    CHECK(c.sub == 2 && c.ins == 1);
    CHECK_STATUS(rlm_wer_align(ref, 2, hyp, 3, RLM_WER_FOLD_CASE, &c, NULL, NULL, NULL), RLM_OK);
    CHECK(c.corr == 2 && c.ins == 1 && c.sub == 0);
    rlm_wer_add(&sum, &c);
    CHECK(sum.ref_words == 4 && sum.del == 2 && sum.ins == 1 && sum.sentences == 2);
    CHECK_NEAR(rlm_wer_percent(&sum), 75.0, 1e-12);
}

/* Papineni et al. 2002, section 2.1: candidate "the the the the the the the" against "the cat
 * is on the mat" has modified unigram precision 2/7. */
static void test_bleu_papineni_clipping(void) {
    const char *ref[] = {"the", "cat", "is", "on", "the", "mat"};
    const char *hyp[] = {"the", "the", "the", "the", "the", "the", "the"};
    rlm_bleu_stats s;
    rlm_bleu_segment(ref, N(ref), hyp, N(hyp), &s);
    CHECK(s.match[0] == 2 && s.total[0] == 7);
    CHECK(s.match[1] == 0 && s.total[1] == 6 && s.total[3] == 4);
    CHECK(s.hyp_len == 7 && s.ref_len == 6);
}

/* Two segments, n-gram counts by hand:
 *   "a b c x e f" vs "a b c d e f": 1-grams 5/6; 2-grams ab bc cx xe ef: 3/5; 3-grams abc bcx
 *   cxe xef: 1/4; 4-grams: 0/3
 *   "g h" vs "g h i j": 1-grams 2/2, 2-grams 1/1, no 3- or 4-grams
 * Corpus: 7/8, 4/6, 1/4, 0/3; c = 8, r = 10, BP = exp(1 - 10/8). With sacreBLEU's exp
 * smoothing p4 = 1 / (2 * 3); with none BLEU is 0. */
static void test_bleu_corpus_worked_example(void) {
    const char *r1[] = {"a", "b", "c", "d", "e", "f"}, *h1[] = {"a", "b", "c", "x", "e", "f"};
    const char *r2[] = {"g", "h", "i", "j"}, *h2[] = {"g", "h"};
    rlm_bleu_stats s1, s2, sum;
    memset(&sum, 0, sizeof sum);
    rlm_bleu_segment(r1, 6, h1, 6, &s1);
    rlm_bleu_segment(r2, 4, h2, 2, &s2);
    CHECK(s1.match[0] == 5 && s1.match[1] == 3 && s1.match[2] == 1 && s1.match[3] == 0);
    CHECK(s1.total[0] == 6 && s1.total[1] == 5 && s1.total[2] == 4 && s1.total[3] == 3);
    CHECK(s2.match[1] == 1 && s2.total[1] == 1 && s2.total[2] == 0 && s2.total[3] == 0);
    rlm_bleu_add(&sum, &s1);
    rlm_bleu_add(&sum, &s2);
    double p[4], bp;
    double want = 100 * exp(1 - 10.0 / 8) * pow(7.0 / 8 * 4.0 / 6 * 1.0 / 4 * 1.0 / 6, 0.25);
    CHECK_NEAR(rlm_bleu_score(&sum, RLM_BLEU_SMOOTH_EXP, p, &bp), want, 1e-9);
    CHECK_NEAR(bp, exp(-0.25), 1e-12);
    CHECK_NEAR(p[0], 87.5, 1e-9);
    CHECK_NEAR(p[3], 100.0 / 6, 1e-9);
    CHECK_NEAR(rlm_bleu_score(&sum, RLM_BLEU_SMOOTH_NONE, NULL, NULL), 0.0, 0);
    /* identical text: 100; nothing matching at all: 0 under both smoothings */
    CHECK_NEAR(rlm_bleu_score(&s1, RLM_BLEU_SMOOTH_NONE, NULL, NULL),
               100 * pow(5.0 / 6 * 3.0 / 5 * 1.0 / 4 * 0, 0.25), 1e-12);
    rlm_bleu_segment(r1, 6, r1, 6, &s1);
    CHECK_NEAR(rlm_bleu_score(&s1, RLM_BLEU_SMOOTH_NONE, NULL, NULL), 100.0, 1e-9);
    rlm_bleu_segment(r1, 6, r2, 4, &s1);
    CHECK_NEAR(rlm_bleu_score(&s1, RLM_BLEU_SMOOTH_EXP, NULL, NULL), 0.0, 0);
}

/* Lin & Och add-one: p1 as is, p_n = (m+1)/(t+1) for n > 1. */
static void test_bleu_sentence_smoothed(void) {
    const char *r1[] = {"a", "b", "c", "d", "e", "f"}, *h1[] = {"a", "b", "c", "x", "e", "f"};
    const char *r2[] = {"g", "h", "i", "j"}, *h2[] = {"g", "h"};
    rlm_bleu_stats s;
    rlm_bleu_segment(r1, 6, h1, 6, &s);
    CHECK_NEAR(rlm_bleu_sentence_smoothed(&s),
               100 * pow(5.0 / 6 * 4.0 / 6 * 2.0 / 5 * 1.0 / 4, 0.25), 1e-9);
    rlm_bleu_segment(r2, 4, h2, 2, &s); /* p = 1, 2/2, 1/1, 1/1; BP = exp(1 - 4/2) */
    CHECK_NEAR(rlm_bleu_sentence_smoothed(&s), 100 * exp(-1.0), 1e-9);
    rlm_bleu_segment(r2, 4, h2, 0, &s);
    CHECK_NEAR(rlm_bleu_sentence_smoothed(&s), 0.0, 0);
}

static void test_transcripts_kaldi_plain_chars(void) {
    const char text[] = "u2 b  a\r\nu1\n\tu3 x\ty";
    rlm_transcripts *t;
    rlm_error err;
    CHECK_STATUS(rlm_transcripts_parse(text, strlen(text), "t.txt", 0, &t, &err), RLM_OK);
    CHECK(t->n_lines == 3);
    CHECK(!strcmp(t->lines[0].id, "u2") && t->lines[0].n_tokens == 2);
    CHECK(!strcmp(t->lines[0].tokens[0], "b") && !strcmp(t->lines[0].tokens[1], "a"));
    CHECK(t->lines[1].n_tokens == 0 && t->lines[2].line == 3);
    CHECK(rlm_transcripts_find(t, "u3") == 2 && rlm_transcripts_find(t, "u4") == -1);
    rlm_transcripts_free(t);
    const char plain[] = "a b\n\nc\n";
    CHECK_STATUS(rlm_transcripts_parse(plain, strlen(plain), "p.txt", RLM_TRN_PLAIN, &t, &err), RLM_OK);
    CHECK(t->n_lines == 3 && t->lines[1].n_tokens == 0 && !strcmp(t->lines[2].id, "3"));
    rlm_transcripts_free(t);
    const char u8[] = "x na\xc3\xafve ok\n";
    CHECK_STATUS(rlm_transcripts_parse(u8, strlen(u8), "c.txt", RLM_TRN_CHARS, &t, &err), RLM_OK);
    CHECK(t->lines[0].n_tokens == 7 && !strcmp(t->lines[0].tokens[2], "\xc3\xaf"));
    rlm_transcripts_free(t);
}

static void test_transcripts_errors(void) {
    rlm_transcripts *t, *r, *h;
    rlm_error err;
    CHECK_STATUS(rlm_transcripts_parse("a x\n\nb y\n", 9, "f.txt", 0, &t, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "f.txt:2: utterance id:");
    CHECK(t == NULL);
    CHECK_STATUS(rlm_transcripts_parse("a x\nb\na y\n", 10, "d.txt", 0, &t, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "d.txt:3: utterance id: 'a' again (first on line 1)");
    CHECK_STATUS(rlm_transcripts_parse("a x\xc3(\n", 6, "u.txt", RLM_TRN_CHARS, &t, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "u.txt:1: text: invalid UTF-8 at byte 4");
    CHECK_STATUS(rlm_transcripts_parse("a x\n\xed\xa0\x80\n", 8, "s.txt", RLM_TRN_CHARS | RLM_TRN_PLAIN, &t, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "s.txt:2: text: invalid UTF-8 at byte 1"); /* a surrogate */
    CHECK_STATUS(rlm_transcripts_parse("a x\nb y\n", 8, "ref.txt", 0, &r, &err), RLM_OK);
    CHECK_STATUS(rlm_transcripts_parse("b y\n", 4, "hyp.txt", 0, &h, &err), RLM_OK);
    size_t m[2];
    CHECK_STATUS(rlm_transcripts_match(r, h, m, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "ref.txt:1: utterance id: 'a' has no hypothesis in hyp.txt");
    CHECK_STATUS(rlm_transcripts_match(h, r, m, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "ref.txt:1: utterance id: 'a' has no reference in hyp.txt");
    rlm_transcripts_free(h);
    CHECK_STATUS(rlm_transcripts_parse("b z\na q\n", 8, "hyp.txt", 0, &h, &err), RLM_OK);
    CHECK_STATUS(rlm_transcripts_match(r, h, m, &err), RLM_OK);
    CHECK(m[0] == 1 && m[1] == 0);
    rlm_transcripts_free(r);
    rlm_transcripts_free(h);
}

int main(int argc, char **argv) {
    (void)argc;
    RUN(test_wer_counts_and_steps);
    RUN(test_wer_tie_breaking);
    RUN(test_wer_empty_sides_and_case);
    RUN(test_bleu_papineni_clipping);
    RUN(test_bleu_corpus_worked_example);
    RUN(test_bleu_sentence_smoothed);
    RUN(test_transcripts_kaldi_plain_chars);
    RUN(test_transcripts_errors);
    return check_summary(argv[0]);
}

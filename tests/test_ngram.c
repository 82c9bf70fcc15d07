/* Unit tests of the ARPA n-gram model against hand-computed scores (tests/data/ngram/small.arpa),
 * plus the readers (gzip, xz, memory), the binary format and the malformed-input errors. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "files.h"
#include "ngram_internal.h"
#include "rlm_ngram.h"

static char path_buf[4096];
static const char *data_path(const char *rel) {
    const char *root = getenv("RLM_ROOT");
    snprintf(path_buf, sizeof path_buf, "%s/tests/data/%s", root ? root : ".", rel);
    return path_buf;
}

static rlm_ngram *open_or_report(const char *path) {
    rlm_ngram *m = NULL;
    rlm_error err;
    if (rlm_ngram_open(path, NULL, &m, &err)) fprintf(stderr, "open: %s\n", err.message);
    return m;
}

static rlm_ngram_word id_of(const rlm_ngram *m, const char *w) {
    return rlm_ngram_index(m, w, strlen(w));
}

/* Score `word` from *st, check probability and matched length, advance *st. */
#define EXPECT(m, st, word, want_prob, want_len)                                           \
    do {                                                                                   \
        int len_ = -1;                                                                     \
        float p_ = rlm_ngram_score(m, st, id_of(m, word), st, &len_);                      \
        CHECK_NEAR(p_, want_prob, 1e-6);                                                   \
        CHECK(len_ == (want_len));                                                         \
    } while (0)

/* The expected values: sums of the weights in small.arpa, one term per back-off step. */
static void check_small_model(rlm_ngram *m) {
    rlm_ngram_state st, st2;
    CHECK(rlm_ngram_order(m) == 3);
    CHECK(rlm_ngram_vocab_size(m) == 6);
    CHECK(rlm_ngram_has_unk(m));
    /* KenLM numbering: <unk> is 0, the others follow the 1-gram section (<s> 1, </s> 2, a 3) */
    CHECK(id_of(m, "<s>") == 1 && id_of(m, "</s>") == 2 && id_of(m, "a") == 3);
    CHECK(id_of(m, "never-seen") == RLM_NGRAM_UNK);
    CHECK(!strcmp(rlm_ngram_word_string(m, 5), "c"));

    rlm_ngram_begin_state(m, &st);
    EXPECT(m, &st, "a", -0.4, 2);   /* <s> a */
    CHECK(st.length == 2);
    EXPECT(m, &st, "b", -0.1, 3);   /* <s> a b */
    CHECK(st.length == 2);
    st2 = st;                       /* context "a b" */
    EXPECT(m, &st, "c", -0.2, 3);   /* a b c; "b c" extends nothing, so the state is just c */
    CHECK(st.length == 1 && st.words[0] == id_of(m, "c"));
    EXPECT(m, &st, "</s>", -0.5, 2); /* c </s> */
    CHECK(st.length == 0);

    rlm_ngram_state ab = st2;
    EXPECT(m, &st2, "a", -0.35 + -0.15, 2);      /* b a, + back-off(a b) */
    CHECK(st2.length == 2);                       /* "b a" has a back-off: kept */
    rlm_ngram_state ba = st2;
    EXPECT(m, &ab, "</s>", -0.8 + -0.2 + -0.15, 1); /* </s>, + back-off(b) + back-off(a b) */
    /* "a c" is missing but "c a c" exists: KenLM adds a blank "a c" with probability
     * p(c) + back-off(a) and reports it as a 2-gram match. */
    st = ba;
    EXPECT(m, &st, "c", -1.2 + -0.3 + -0.05, 2);
    CHECK(st.length == 1);
    st = ba;
    EXPECT(m, &st, "b", -0.15, 3); /* b a b */

    rlm_ngram_begin_state(m, &st);
    EXPECT(m, &st, "b", -0.9 + -0.5, 1);
    EXPECT(m, &st, "b", -0.9 + -0.2, 1);
    EXPECT(m, &st, "</s>", -0.8 + -0.2, 1);

    /* "c a" has no back-off in the file but is the context of "c a c", so the state keeps it. */
    rlm_ngram_begin_state(m, &st);
    EXPECT(m, &st, "b", -1.4, 1);
    EXPECT(m, &st, "c", -0.6, 2);
    EXPECT(m, &st, "a", -0.45, 2);
    CHECK(st.length == 2);
    EXPECT(m, &st, "c", -0.05, 3);
    EXPECT(m, &st, "zzz", -2.0 + -0.1, 1); /* <unk> is listed: its own probability */
    CHECK(st.length == 0);

    rlm_ngram_null_state(m, &st);
    EXPECT(m, &st, "a", -0.7, 1);
}

static void test_small_plain(void) {
    rlm_ngram *m = open_or_report(data_path("ngram/small.arpa"));
    CHECK(m != NULL);
    if (m) check_small_model(m);
    rlm_ngram_close(m);
}

static void test_small_compressed(void) {
    const char *files[] = {"ngram/small.arpa.gz", "ngram/small.arpa.xz"};
    for (int i = 0; i < 2; i++) {
        rlm_ngram *m = open_or_report(data_path(files[i]));
        CHECK(m != NULL);
        if (m) check_small_model(m);
        rlm_ngram_close(m);
    }
}

static void test_states(void) {
    rlm_ngram *m = open_or_report(data_path("ngram/small.arpa"));
    CHECK(m != NULL);
    if (!m) return;
    rlm_ngram_state x, y;
    rlm_ngram_begin_state(m, &x);
    const char *h1[] = {"a", "b", "c"}, *h2[] = {"b", "c"};
    for (int i = 0; i < 3; i++) rlm_ngram_score(m, &x, id_of(m, h1[i]), &x, NULL);
    rlm_ngram_begin_state(m, &y);
    memset(y.words + 1, 0xab, sizeof y.words - sizeof y.words[0]); /* garbage must not matter */
    for (int i = 0; i < 2; i++) rlm_ngram_score(m, &y, id_of(m, h2[i]), &y, NULL);
    CHECK(rlm_ngram_state_equal(&x, &y));
    CHECK(rlm_ngram_state_hash(&x) == rlm_ngram_state_hash(&y));
    /* and equal states really do score every continuation alike */
    for (uint32_t w = 0; w < rlm_ngram_vocab_size(m); w++) {
        rlm_ngram_state a, b;
        CHECK(rlm_ngram_score(m, &x, w, &a, NULL) == rlm_ngram_score(m, &y, w, &b, NULL));
    }
    rlm_ngram_state ab, b_only;
    rlm_ngram_begin_state(m, &ab);
    rlm_ngram_score(m, &ab, id_of(m, "a"), &ab, NULL);
    rlm_ngram_score(m, &ab, id_of(m, "b"), &ab, NULL);
    rlm_ngram_null_state(m, &b_only);
    rlm_ngram_score(m, &b_only, id_of(m, "b"), &b_only, NULL);
    CHECK(!rlm_ngram_state_equal(&ab, &b_only));
    /* separate in/out give the same as in-place */
    rlm_ngram_state out;
    rlm_ngram_begin_state(m, &x);
    float p1 = rlm_ngram_score(m, &x, id_of(m, "a"), &out, NULL);
    float p2 = rlm_ngram_score(m, &x, id_of(m, "a"), &x, NULL);
    CHECK(p1 == p2 && rlm_ngram_state_equal(&out, &x));
    /* an id out of range is <unk> */
    CHECK(rlm_ngram_score(m, &x, 999999, &out, NULL) ==
          rlm_ngram_score(m, &x, RLM_NGRAM_UNK, &out, NULL));
    rlm_ngram_close(m);
}

static rlm_ngram *from_text(const char *text, const rlm_ngram_options *o) {
    rlm_ngram *m = NULL;
    rlm_error err;
    if (rlm_ngram_read_arpa_memory(text, strlen(text), "mem.arpa", o, &m, &err))
        fprintf(stderr, "read: %s\n", err.message);
    return m;
}

static void test_missing_unk(void) {
    const char *text = "\\data\\\nngram 1=3\nngram 2=1\n\n\\1-grams:\n-1\t<s>\t-0.5\n-0.5\t</s>\n"
                       "-0.3\tx\t-0.25\n\n\\2-grams:\n-0.2\t<s> x\n\n\\end\n";
    CHECK(from_text(text, NULL) == NULL); /* "\end" is not "\end\" */
    text = "\\data\\\nngram 1=3\nngram 2=1\n\n\\1-grams:\n-1\t<s>\t-0.5\n-0.5\t</s>\n"
           "-0.3\tx\t-0.25\n\n\\2-grams:\n-0.2\t<s> x\n\n\\end\\\n";
    rlm_ngram *m = from_text(text, NULL);
    CHECK(m != NULL);
    if (!m) return;
    CHECK(!rlm_ngram_has_unk(m));
    CHECK(rlm_ngram_vocab_size(m) == 4);
    rlm_ngram_state st;
    rlm_ngram_begin_state(m, &st);
    EXPECT(m, &st, "x", -0.2, 2);
    EXPECT(m, &st, "oov", -100.0f + -0.25f, 1);
    /* KenLM gives the substituted <unk> a +0 back-off, so the state keeps it */
    CHECK(st.length == 1 && st.words[0] == RLM_NGRAM_UNK);
    EXPECT(m, &st, "x", -0.3, 1);
    rlm_ngram_close(m);
    rlm_ngram_options o;
    rlm_ngram_options_init(&o);
    o.unk_log10prob = -7;
    m = from_text(text, &o);
    CHECK(m != NULL);
    if (m) {
        rlm_ngram_null_state(m, &st);
        EXPECT(m, &st, "oov", -7.0, 1);
    }
    rlm_ngram_close(m);
}

static void test_orders_1_and_7(void) {
    rlm_ngram *m = from_text("\\data\\\nngram 1=3\n\n\\1-grams:\n-1\t<s>\n-0.5\t</s>\n-0.25\ta\n"
                             "\n\\end\\\n", NULL);
    CHECK(m != NULL);
    if (m) {
        rlm_ngram_state st;
        rlm_ngram_begin_state(m, &st);
        EXPECT(m, &st, "a", -0.25, 1);
        CHECK(st.length == 0);
        EXPECT(m, &st, "</s>", -0.5, 1);
    }
    rlm_ngram_close(m);

    /* <s> a a a a a a as a chain of n-grams of every order up to 7 */
    char text[2048];
    size_t n = (size_t)sprintf(text, "\\data\\\nngram 1=3\n");
    for (int k = 2; k <= 7; k++) n += (size_t)sprintf(text + n, "ngram %d=1\n", k);
    n += (size_t)sprintf(text + n, "\n\\1-grams:\n-1\t<s>\t-0.5\n-0.5\t</s>\n-0.25\ta\t-0.125\n");
    for (int k = 2; k <= 7; k++) {
        n += (size_t)sprintf(text + n, "\n\\%d-grams:\n-0.%d\t<s>", k, k);
        for (int j = 1; j < k; j++) n += (size_t)sprintf(text + n, " a");
        n += (size_t)sprintf(text + n, k < 7 ? "\t-0.0%d\n" : "\n", k);
    }
    sprintf(text + n, "\n\\end\\\n");
    m = from_text(text, NULL);
    CHECK(m != NULL);
    if (!m) return;
    CHECK(rlm_ngram_order(m) == 7);
    rlm_ngram_state st;
    rlm_ngram_begin_state(m, &st);
    for (int k = 2; k <= 7; k++) EXPECT(m, &st, "a", -0.1 * k, k);
    /* "a a", "a a a", ... are missing suffixes, so each became a blank worth
     * p(a) + back-off(a) = -0.375; the next "a" walks the blanks up to the 6-gram "a^6" (there is
     * no 7-gram "a^7"), and KenLM reports that length. */
    EXPECT(m, &st, "a", -0.375, 6);
    rlm_ngram_close(m);
}

static void test_binary_roundtrip(void) {
    rlm_ngram *m = open_or_report(data_path("ngram/small.arpa"));
    CHECK(m != NULL);
    if (!m) return;
    char path[] = "/tmp/rlm_test_ngram_XXXXXX";
    CHECK(test_temp_file(path, NULL, 0) == 0);
    rlm_error err;
    CHECK_STATUS(rlm_ngram_write_binary(m, path, &err), RLM_OK);
    rlm_ngram *b = open_or_report(path);
    CHECK(b != NULL);
    if (b) check_small_model(b);
    /* every (state, word) pair from every reachable 2-word history scores the same */
    for (uint32_t u = 0; b && u < rlm_ngram_vocab_size(m); u++)
        for (uint32_t v = 0; v < rlm_ngram_vocab_size(m); v++) {
            rlm_ngram_state s1, s2;
            rlm_ngram_begin_state(m, &s1);
            rlm_ngram_begin_state(b, &s2);
            rlm_ngram_score(m, &s1, u, &s1, NULL);
            rlm_ngram_score(b, &s2, u, &s2, NULL);
            int l1, l2;
            CHECK(rlm_ngram_score(m, &s1, v, &s1, &l1) == rlm_ngram_score(b, &s2, v, &s2, &l2));
            CHECK(l1 == l2 && rlm_ngram_state_equal(&s1, &s2));
        }
    rlm_ngram_close(b);

    /* read the image, then damage it in three ways */
    FILE *f = fopen(path, "rb");
    static uint64_t image[1 << 14];
    size_t size = f ? fread(image, 1, sizeof image, f) : 0;
    if (f) fclose(f);
    CHECK(size > 512 && size < sizeof image);
    CHECK_STATUS(rlm_ngram_open_binary_memory(image, size, "img", NULL, &b, &err), RLM_OK);
    rlm_ngram_close(b);
    CHECK_STATUS(rlm_ngram_open_binary_memory(image, size - 1, "img", NULL, &b, &err),
                 RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "truncated");
    ((unsigned char *)image)[size - 3] ^= 1;
    CHECK_STATUS(rlm_ngram_open_binary_memory(image, size, "img", NULL, &b, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "img: checksum");
    ((unsigned char *)image)[size - 3] ^= 1;
    ((unsigned char *)image)[8] = 9; /* version */
    CHECK_STATUS(rlm_ngram_open_binary_memory(image, size, "img", NULL, &b, &err),
                 RLM_E_UNSUPPORTED);
    CHECK_CONTAINS(err.message, "version");
    ((unsigned char *)image)[0] = 'X';
    CHECK_STATUS(rlm_ngram_open_binary_memory(image, size, "img", NULL, &b, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "not an rlm n-gram binary");
    unlink(path);
    rlm_ngram_close(m);
}

static void test_malformed(void) {
    static const struct {
        const char *file;
        rlm_status status;
        const char *where, *what;
    } cases[] = {
        {"bad_count.arpa", RLM_E_FORMAT, ":24: ", "announced 7 but the section ends after 6"},
        {"bad_number.arpa", RLM_E_FORMAT, ":18: ", "probability: expected a log10 number"},
        {"missing_end.arpa", RLM_E_FORMAT, ":29: ", "without the closing \\end\\"},
        {"duplicate.arpa", RLM_E_FORMAT, ":20: ", "\"b c\": listed twice"},
        {"missing_context.arpa", RLM_E_FORMAT, ":28: ", "context (the first 2 words) is not"},
        {"truncated.arpa", RLM_E_FORMAT, ":27: ", "expected a log10 probability, 3 words"},
        {"positive_prob.arpa", RLM_E_FORMAT, ":12: ", "positive log10 probability"},
        {"unknown_word.arpa", RLM_E_FORMAT, ":22: ", "word \"zz\" is not a 1-gram"},
        {"no_data.arpa", RLM_E_FORMAT, ":1: ", "expected the ARPA header line"},
        {"too_many.arpa", RLM_E_FORMAT, ":29: ", "more lines than the 4"},
        {"bad_backoff.arpa", RLM_E_FORMAT, ":11: ", "back-off: expected a finite"},
        {"missing_bos.arpa", RLM_E_FORMAT, ":16: ", "no <s> entry"},
        {"nonconsecutive.arpa", RLM_E_FORMAT, ":5: ", "orders must be consecutive"},
        {"trailing.arpa", RLM_E_FORMAT, ":32: ", "text after \\end\\"},
        {"highest_backoff.arpa", RLM_E_FORMAT, ":25: ", "given for a highest-order"},
        {"too_few_fields.arpa", RLM_E_FORMAT, ":20: ", "expected a log10 probability, 2 words"},
        {"huge_count.arpa", RLM_E_FORMAT, ":4: ", "more than the input can hold"},
        {"order8.arpa", RLM_E_UNSUPPORTED, ":11: ", "order 8 is higher"},
        {"empty.arpa", RLM_E_FORMAT, ":0: ", "ends before the ARPA header"},
        {"bad_header.arpa", RLM_E_FORMAT, ":16: ", "expected this section header"},
        {"truncated.arpa.gz", RLM_E_FORMAT, ":4: ", "gzip data is truncated"},
        {"truncated.arpa.xz", RLM_E_FORMAT, ":31: ", "xz data is truncated"},
        {"corrupt.arpa.gz", RLM_E_FORMAT, ":1: ", "corrupt gzip data"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char rel[256], want[512];
        snprintf(rel, sizeof rel, "malformed/arpa/%s", cases[i].file);
        rlm_ngram *m = (rlm_ngram *)1;
        rlm_error err = {RLM_OK, ""};
        CHECK_STATUS(rlm_ngram_open(data_path(rel), NULL, &m, &err), cases[i].status);
        CHECK(m == NULL);
        snprintf(want, sizeof want, "%s%s", cases[i].file, cases[i].where);
        CHECK_CONTAINS(err.message, want);
        CHECK_CONTAINS(err.message, cases[i].what);
    }
    rlm_ngram *m;
    rlm_error err;
    CHECK_STATUS(rlm_ngram_open("/nonexistent/x.arpa", NULL, &m, &err), RLM_E_IO);
    CHECK_CONTAINS(err.message, "/nonexistent/x.arpa: cannot open");
}

/* The fast number path must give exactly strtof's float. */
static void test_number_parsing(void) {
    const char *fixed[] = {"-5.1267033", "0", "-0", "-99", "-0.000744108", "1e-7", "-1.5E+3",
                           "-3.4028235e38", "-1e-45", "-7.0064923e-46", "0.1", "-inf", "-.5",
                           "5.", "-0.30102999566398119521373889472449302676818988146210854131"};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++) {
        float got = 1, want = strtof(fixed[i], NULL);
        CHECK(ngram_parse_float(fixed[i], strlen(fixed[i]), &got));
        CHECK(memcmp(&got, &want, sizeof got) == 0);
    }
    const char *bad[] = {"", "-", ".", "1e", "1x", "0x10", "--1", "1e+", "infinity"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        float got;
        CHECK(!ngram_parse_float(bad[i], strlen(bad[i]), &got));
    }
    uint64_t x = 88172645463325252ULL;
    int mismatches = 0;
    for (int i = 0; i < 200000; i++) {
        x ^= x << 13, x ^= x >> 7, x ^= x << 17;
        char buf[64];
        int digits = 1 + (int)(x % 12);
        snprintf(buf, sizeof buf, "-%.*f", digits, (double)(x >> 20) / (double)(1ULL << 44) *
                 (double)(1 + (x >> 60)));
        float got, want = strtof(buf, NULL);
        if (!ngram_parse_float(buf, strlen(buf), &got) || memcmp(&got, &want, sizeof got))
            mismatches++;
    }
    CHECK(mismatches == 0);
}

int main(int argc, char **argv) {
    (void)argc;
    RUN(test_small_plain);
    RUN(test_small_compressed);
    RUN(test_states);
    RUN(test_missing_unk);
    RUN(test_orders_1_and_7);
    RUN(test_binary_roundtrip);
    RUN(test_malformed);
    RUN(test_number_parsing);
    return check_summary(argv[0]);
}

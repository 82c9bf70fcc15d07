/* Vocabulary, class binning, vocabulary files and corpus loading, against hand-checked values. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "files.h"
#include "rlm_vocab.h"

/* A temporary file with the given bytes (its name in a static buffer); the caller unlinks it. */
static char *temp_file(const char *bytes, size_t len) {
    static char path[64];
    snprintf(path, sizeof path, "/tmp/test_vocab.XXXXXX");
    return test_temp_file(path, bytes, len) ? NULL : path;
}

/* Word corpus: 4 sentences (a whitespace-only and an empty line are no sentences), a CRLF line,
 * sentence markers that are dropped, and the literal <unk> that PTB writes for its OOVs.
 * Counts: the 3, cat 2, sat 2, a 1, b 1, dog 1; <unk> 1; </s> 4. */
static const char corpus_a[] = "the cat sat\n"
                               "the dog <unk> sat\r\n"
                               " \t \n"
                               "\n"
                               "<s> the cat </s>\n"
                               "b a";

static rlm_vocab *build(const char *text, rlm_vocab_options o) {
    char *path = temp_file(text, strlen(text));
    rlm_vocab *v = NULL;
    rlm_error err;
    if (rlm_vocab_build(path, &o, &v, &err)) fprintf(stderr, "build: %s\n", err.message);
    unlink(path);
    return v;
}

static void check_tokens(const rlm_vocab *v, const char *const *tok, const int64_t *count,
                         int32_t n) {
    CHECK(rlm_vocab_size(v) == n);
    for (int32_t i = 0; i < n && i < rlm_vocab_size(v); i++) {
        CHECK(!strcmp(rlm_vocab_token(v, i), tok[i]));
        CHECK(rlm_vocab_count(v, i) == count[i]);
        CHECK(rlm_vocab_find(v, tok[i], strlen(tok[i])) == i);
    }
}

static void test_word_ids_counts_classes(void) {
    rlm_vocab *v = build(corpus_a, rlm_vocab_default_options());
    CHECK(v != NULL);
    if (!v) return;
    /* Ties (cat/sat, a/b/dog) go by bytes. */
    static const char *const tok[] = {"</s>", "<unk>", "the", "cat", "sat", "a", "b", "dog"};
    static const int64_t count[] = {4, 1, 3, 2, 2, 1, 1, 1};
    check_tokens(v, tok, count, 8);
    CHECK(!rlm_vocab_is_char_level(v));
    CHECK(rlm_vocab_find(v, "<s>", 3) == RLM_EOS_ID);
    CHECK(rlm_vocab_find(v, "zebra", 5) == -1);
    CHECK(rlm_vocab_id(v, "zebra", 5) == RLM_UNK_ID);
    CHECK(rlm_vocab_find(v, "cats", 3) == 3); /* len, not NUL, ends the token */
    CHECK(rlm_vocab_token(v, 8) == NULL && rlm_vocab_token(v, -1) == NULL);
    /* round(sqrt(8)) = 3 classes over a total mass of 15, bounds 5/15 and 10/15. The running
     * mass is 4, 5, 8 | 10, 12 | 13, 14, 15: at id 1 it equals 5/15 exactly, which does not
     * start a class (rnnlm's strict >), and neither does id 3's 10/15. */
    CHECK(rlm_vocab_num_classes(v) == 3);
    static const int32_t cls[] = {0, 0, 0, 1, 1, 2, 2, 2};
    for (int32_t i = 0; i < 8; i++) CHECK(rlm_vocab_class_of(v, i) == cls[i]);
    CHECK(rlm_vocab_class_begin(v, 0) == 0 && rlm_vocab_class_end(v, 0) == 3);
    CHECK(rlm_vocab_class_begin(v, 1) == 3 && rlm_vocab_class_end(v, 1) == 5);
    CHECK(rlm_vocab_class_begin(v, 2) == 5 && rlm_vocab_class_end(v, 2) == 8);
    CHECK(rlm_vocab_class_begin(v, 3) == -1);
    rlm_vocab_free(v);
}

static void test_min_count_and_max_size(void) {
    rlm_vocab_options o = rlm_vocab_default_options();
    o.min_count = 2; /* a, b, dog (1 each) go to <unk>: 1 + 3 */
    rlm_vocab *v = build(corpus_a, o);
    static const char *const tok1[] = {"</s>", "<unk>", "the", "cat", "sat"};
    static const int64_t count1[] = {4, 4, 3, 2, 2};
    if (v) check_tokens(v, tok1, count1, 5);
    CHECK(v && rlm_vocab_find(v, "dog", 3) == -1);
    rlm_vocab_free(v);

    o = rlm_vocab_default_options();
    o.max_size = 4; /* </s>, <unk>, the, cat: sat (2) and a, b, dog go to <unk>: 1 + 5 */
    v = build(corpus_a, o);
    static const char *const tok2[] = {"</s>", "<unk>", "the", "cat"};
    static const int64_t count2[] = {4, 6, 3, 2};
    if (v) check_tokens(v, tok2, count2, 4);
    rlm_vocab_free(v);

    o.max_size = 2; /* only the specials: every one of the 10 word tokens is <unk> */
    v = build(corpus_a, o);
    static const char *const tok3[] = {"</s>", "<unk>"};
    static const int64_t count3[] = {4, 11};
    if (v) check_tokens(v, tok3, count3, 2);
    CHECK(v && rlm_vocab_num_classes(v) == 1);
    rlm_vocab_free(v);

    rlm_error err;
    o.max_size = 1;
    CHECK_STATUS(rlm_vocab_build("/nonexistent", &o, &v, &err), RLM_E_ARG);
    CHECK_CONTAINS(err.message, "max_size");
    o = rlm_vocab_default_options();
    CHECK_STATUS(rlm_vocab_build("/nonexistent/x.txt", &o, &v, &err), RLM_E_IO);
    CHECK_CONTAINS(err.message, "/nonexistent/x.txt: cannot open");
}

static void test_char_level_utf8(void) {
    /* a ñ <sp> b € | € | a <bad byte> a: counts a 3, € 2, <sp> 1, b 1, ñ 1; <unk> 1 (the bad
     * byte); ties by bytes: "<sp>" (0x3C) < "b" < "ñ" (0xC3 0xB1). */
    rlm_vocab_options o = rlm_vocab_default_options();
    o.char_level = 1;
    rlm_vocab *v = build("a\xc3\xb1  b\xe2\x82\xac \n \xe2\x82\xac\na\xff" "a\n", o);
    CHECK(v != NULL);
    if (!v) return;
    static const char *const tok[] = {"</s>", "<unk>", "a", "\xe2\x82\xac", "<sp>", "b",
                                      "\xc3\xb1"};
    static const int64_t count[] = {3, 1, 3, 2, 1, 1, 1};
    check_tokens(v, tok, count, 7);
    CHECK(rlm_vocab_is_char_level(v));

    int32_t ids[8];
    size_t oov = 99;
    CHECK(rlm_vocab_tokenize(v, "b \t\xc3\xb1 a ", 9, ids, 8, &oov) == 5);
    CHECK(ids[0] == 5 && ids[1] == 4 && ids[2] == 6 && ids[3] == 4 && ids[4] == 2 && oov == 0);
    /* Unknown characters and each byte of a truncated sequence are <unk> and count as OOV. */
    CHECK(rlm_vocab_tokenize(v, "x\xe2\x82", 3, ids, 8, &oov) == 3);
    CHECK(ids[0] == 1 && ids[1] == 1 && ids[2] == 1 && oov == 3);
    /* Overlong forms and surrogates are not characters either. */
    CHECK(rlm_vocab_tokenize(v, "\xc0\xaf\xed\xa0\x80", 5, ids, 8, &oov) == 5 && oov == 5);
    /* A buffer too small: the full count comes back, only cap ids are written. */
    ids[2] = -7;
    CHECK(rlm_vocab_tokenize(v, "aaaaa", 5, ids, 2, NULL) == 5);
    CHECK(ids[0] == 2 && ids[1] == 2 && ids[2] == -7);
    rlm_vocab_free(v);
}

/* A vocabulary with these counts, through the text parser (the classes in it are replaced). */
static rlm_vocab *with_counts(const int64_t *count, int n) {
    char text[1024];
    int k = snprintf(text, sizeof text, "#rlm-vocab v1 word classes=1\n");
    for (int i = 0; i < n; i++) {
        char tok[16];
        snprintf(tok, sizeof tok, "w%d", i);
        k += snprintf(text + k, sizeof text - (size_t)k, "%d\t%s\t%lld\t0\n", i,
                      i == 0 ? "</s>" : i == 1 ? "<unk>" : tok, (long long)count[i]);
    }
    rlm_vocab *v = NULL;
    rlm_error err;
    if (rlm_vocab_parse_text(text, (size_t)k, "counts", &v, &err))
        fprintf(stderr, "%s\n", err.message);
    return v;
}

static void check_bounds(const rlm_vocab *v, const int32_t *start, int32_t num_classes) {
    CHECK(rlm_vocab_num_classes(v) == num_classes);
    for (int32_t c = 0; c < num_classes; c++) {
        CHECK(rlm_vocab_class_begin(v, c) == start[c]);
        CHECK(rlm_vocab_class_end(v, c) == start[c + 1]);
        for (int32_t i = start[c]; i < start[c + 1]; i++) CHECK(rlm_vocab_class_of(v, i) == c);
    }
}

static void test_class_binning(void) {
    rlm_error err;
    /* Mass 10 0 40 20 10 10 5 5 (of 100), 4 classes, bounds .25 .5 .75: the running mass
     * .1 .1 .5 passes .25 at id 2, .7 passes .5 at id 3, .8 passes .75 at id 4. */
    static const int64_t c1[] = {10, 0, 40, 20, 10, 10, 5, 5};
    rlm_vocab *v = with_counts(c1, 8);
    CHECK(v != NULL);
    if (!v) return;
    CHECK_STATUS(rlm_vocab_set_num_classes(v, 4, &err), RLM_OK);
    static const int32_t s1[] = {0, 3, 4, 5, 8};
    check_bounds(v, s1, 4);
    /* More classes than ids: clamped, one id each. 0: round(sqrt(8)) = 3. */
    CHECK_STATUS(rlm_vocab_set_num_classes(v, 100, &err), RLM_OK);
    static const int32_t s2[] = {0, 1, 2, 3, 4, 5, 6, 7, 8};
    check_bounds(v, s2, 8);
    CHECK_STATUS(rlm_vocab_set_num_classes(v, 0, &err), RLM_OK);
    CHECK(rlm_vocab_num_classes(v) == 3);
    CHECK_STATUS(rlm_vocab_set_num_classes(v, -1, &err), RLM_E_ARG);
    rlm_vocab_free(v);

    /* All the mass in the last id: by mass alone rnnlm would leave classes 1..3 empty; here
     * the last ids are given a class each so that none is. */
    static const int64_t c2[] = {0, 0, 0, 0, 0, 0, 0, 100};
    v = with_counts(c2, 8);
    CHECK(v != NULL);
    if (!v) return;
    CHECK_STATUS(rlm_vocab_set_num_classes(v, 4, &err), RLM_OK);
    static const int32_t s3[] = {0, 5, 6, 7, 8};
    check_bounds(v, s3, 4);
    /* No counts at all: each id weighs 1/8. The mass after id 3 is exactly 1/2, a tie, so
     * the first class runs to id 4 and holds 5 ids, the second 3. */
    static const int64_t c3[] = {0, 0, 0, 0, 0, 0, 0, 0};
    rlm_vocab_free(v);
    v = with_counts(c3, 8);
    CHECK_STATUS(rlm_vocab_set_num_classes(v, 2, &err), RLM_OK);
    static const int32_t s4[] = {0, 5, 8};
    check_bounds(v, s4, 2);
    rlm_vocab_free(v);
}

static int same_vocab(const rlm_vocab *a, const rlm_vocab *b) {
    if (rlm_vocab_size(a) != rlm_vocab_size(b) ||
        rlm_vocab_is_char_level(a) != rlm_vocab_is_char_level(b) ||
        rlm_vocab_num_classes(a) != rlm_vocab_num_classes(b))
        return 0;
    for (int32_t i = 0; i < rlm_vocab_size(a); i++)
        if (strcmp(rlm_vocab_token(a, i), rlm_vocab_token(b, i)) ||
            rlm_vocab_count(a, i) != rlm_vocab_count(b, i) ||
            rlm_vocab_class_of(a, i) != rlm_vocab_class_of(b, i))
            return 0;
    return 1;
}

static void test_file_round_trip(void) {
    rlm_vocab_options o = rlm_vocab_default_options();
    for (int level = 0; level < 2; level++) {
        o.char_level = level;
        rlm_vocab *v = build("the lord's \xc3\xa9glise\nand the lord\n", o), *w = NULL;
        CHECK(v != NULL);
        if (!v) return;
        char path[] = "/tmp/test_vocab_rt.XXXXXX";
        CHECK(test_temp_file(path, NULL, 0) == 0);
        rlm_error err;
        CHECK_STATUS(rlm_vocab_write(v, path, &err), RLM_OK);
        CHECK_STATUS(rlm_vocab_read(path, &w, &err), RLM_OK);
        CHECK(w && same_vocab(v, w));
        rlm_vocab_free(w);
        unlink(path);
        rlm_vocab_free(v);
    }
    /* What a user would type by hand, with CRLF line ends and a blank last line. */
    const char text[] = "#rlm-vocab v1 word classes=2\r\n0\t</s>\t2\t0\r\n1\t<unk>\t0\t0\r\n"
                        "2\thello\t2\t1\r\n\r\n";
    rlm_vocab *v = NULL;
    rlm_error err;
    CHECK_STATUS(rlm_vocab_parse_text(text, sizeof text - 1, "hand.txt", &v, &err), RLM_OK);
    CHECK(v && rlm_vocab_size(v) == 3 && rlm_vocab_find(v, "hello", 5) == 2);
    CHECK(v && rlm_vocab_class_begin(v, 1) == 2);
    rlm_vocab_free(v);
}

static void test_serialize_round_trip(void) {
    rlm_vocab_options o = rlm_vocab_default_options();
    o.num_classes = 2;
    rlm_vocab *v = build(corpus_a, o), *w = NULL;
    CHECK(v != NULL);
    if (!v) return;
    uint8_t *blob = NULL;
    size_t size = 0;
    rlm_error err;
    CHECK_STATUS(rlm_vocab_serialize(v, &blob, &size, &err), RLM_OK);
    CHECK_STATUS(rlm_vocab_deserialize(blob, size, "m.bin: vocabulary", &w, &err), RLM_OK);
    CHECK(w && same_vocab(v, w));
    rlm_vocab_free(w);
    /* Every truncation is an error naming the blob, never a read past the end (ASan run). */
    int all_rejected = 1;
    for (size_t n = 0; n < size; n++) {
        uint8_t *copy = malloc(n ? n : 1); /* exact size, so ASan sees any overrun */
        memcpy(copy, blob, n);
        rlm_status s = rlm_vocab_deserialize(copy, n, "m.bin: vocabulary", &w, &err);
        if (s != RLM_E_FORMAT || w || !strstr(err.message, "m.bin: vocabulary")) all_rejected = 0;
        free(copy);
    }
    CHECK(all_rejected);
    blob[4] = 2; /* version */
    CHECK_STATUS(rlm_vocab_deserialize(blob, size, "m.bin: vocabulary", &w, &err),
                 RLM_E_UNSUPPORTED);
    free(blob);
    rlm_vocab_free(v);
}

static void test_corpus_load(void) {
    rlm_vocab_options o = rlm_vocab_default_options();
    o.min_count = 2; /* the 2, cat 3, sat 4 */
    rlm_vocab *v = build(corpus_a, o);
    CHECK(v != NULL);
    if (!v) return;
    char *path = temp_file(corpus_a, strlen(corpus_a));
    rlm_corpus c;
    rlm_error err;
    CHECK_STATUS(rlm_corpus_load(v, path, &c, &err), RLM_OK);
    unlink(path);
    /* dog, a and b are OOV; the literal <unk> is a known token, not an OOV. */
    static const int32_t want[] = {2, 3, 4, 0, 2, 1, 1, 4, 0, 2, 3, 0, 1, 1, 0};
    CHECK(c.n_ids == 15 && c.n_sentences == 4 && c.n_oov == 3);
    for (size_t i = 0; i < 15 && i < c.n_ids; i++) CHECK(c.ids[i] == want[i]);
    rlm_corpus_free(&c);
    CHECK(c.ids == NULL && c.n_ids == 0);
    CHECK_STATUS(rlm_corpus_load(v, "/nonexistent/t.txt", &c, &err), RLM_E_IO);
    rlm_vocab_free(v);
}

static void test_long_line(void) {
    /* 200000 tokens on one line: no line-length limit anywhere. */
    size_t n = 200000, len = 2 * n;
    char *text = malloc(len + 1);
    for (size_t i = 0; i < n; i++) text[2 * i] = i % 2 ? 'y' : 'x', text[2 * i + 1] = ' ';
    text[len] = '\0';
    rlm_vocab *v = build(text, rlm_vocab_default_options());
    CHECK(v && rlm_vocab_count(v, rlm_vocab_find(v, "x", 1)) == 100000);
    CHECK(v && rlm_vocab_count(v, RLM_EOS_ID) == 1);
    if (v) {
        char *path = temp_file(text, len);
        rlm_corpus c;
        rlm_error err;
        CHECK_STATUS(rlm_corpus_load(v, path, &c, &err), RLM_OK);
        CHECK(c.n_ids == n + 1 && c.n_oov == 0 && c.ids[n] == RLM_EOS_ID);
        rlm_corpus_free(&c);
        unlink(path);
    }
    rlm_vocab_free(v);
    free(text);
}

/* Each file in tests/data/malformed/vocab/ with the status and message it must give. */
static const struct {
    const char *file;
    rlm_status status;
    const char *message;
} malformed[] = {
    {"bad_header.txt", RLM_E_FORMAT, "bad_header.txt:1: header: expected"},
    {"bad_version.txt", RLM_E_UNSUPPORTED, "bad_version.txt:1: header: version v2 is not"},
    {"bad_level.txt", RLM_E_FORMAT, "bad_level.txt:1: header: level: expected word or char"},
    {"bad_header_classes.txt", RLM_E_FORMAT, "bad_header_classes.txt:1: header: classes:"},
    {"count_not_number.txt", RLM_E_FORMAT,
     "count_not_number.txt:3: count: expected a non-negative integer"},
    {"count_negative.txt", RLM_E_FORMAT, "count_negative.txt:4: count: expected a non-negative"},
    {"count_overflow.txt", RLM_E_FORMAT, "count_overflow.txt:4: count: expected a non-negative"},
    {"id_out_of_order.txt", RLM_E_FORMAT, "id_out_of_order.txt:4: id: expected 2"},
    {"duplicate_token.txt", RLM_E_FORMAT,
     "duplicate_token.txt:5: token: duplicate of id 2 \"the\""},
    {"duplicate_special.txt", RLM_E_FORMAT,
     "duplicate_special.txt:4: token: duplicate of id 1 \"<unk>\""},
    {"missing_unk.txt", RLM_E_FORMAT, "missing_unk.txt:3: token: id 1 must be \"<unk>\""},
    {"specials_swapped.txt", RLM_E_FORMAT, "specials_swapped.txt:2: token: id 0 must be \"</s>\""},
    {"missing_specials.txt", RLM_E_FORMAT, "missing_specials.txt: missing the special tokens"},
    {"field_count.txt", RLM_E_FORMAT, "field_count.txt:3: expected 4 tab-separated fields"},
    {"class_gap.txt", RLM_E_FORMAT, "class_gap.txt:4: class: expected 0 or 1"},
    {"class_start.txt", RLM_E_FORMAT, "class_start.txt:2: class: expected 0 for id 0"},
    {"class_count_mismatch.txt", RLM_E_FORMAT,
     "class_count_mismatch.txt:1: classes: the header says 3 but the entries use 2"},
    {"reserved_s.txt", RLM_E_FORMAT, "reserved_s.txt:4: token: \"<s>\" is reserved"},
    {"token_space.txt", RLM_E_FORMAT, "token_space.txt:4: token: contains whitespace"},
    {"token_empty.txt", RLM_E_FORMAT, "token_empty.txt:4: token: empty token"},
    {"char_two_chars.txt", RLM_E_FORMAT, "char_two_chars.txt:4: token: a char vocabulary"},
    {"empty.txt", RLM_E_FORMAT, "empty.txt: empty file"},
    {"blob_truncated.bin", RLM_E_FORMAT, "blob: entry 2: truncated"},
    {"blob_bad_class.bin", RLM_E_FORMAT, "blob: entry 2: class: expected 0 or 1"},
    {"blob_huge_size.bin", RLM_E_FORMAT, "blob: size: 2147483647 entries cannot fit"},
    {"blob_token_length.bin", RLM_E_FORMAT, "blob: entry 0: truncated (token length"},
    {"blob_trailing.bin", RLM_E_FORMAT, "blob: 1 trailing bytes"},
    {"blob_version.bin", RLM_E_UNSUPPORTED, "blob: version: 9 is not supported"},
};

static void test_malformed_files(void) {
    const char *root = getenv("RLM_ROOT");
    char path[1024];
    for (size_t i = 0; i < sizeof malformed / sizeof malformed[0]; i++) {
        snprintf(path, sizeof path, "%s/tests/data/malformed/vocab/%s", root ? root : ".",
                 malformed[i].file);
        rlm_vocab *v = (rlm_vocab *)1;
        rlm_error err = {RLM_OK, ""};
        rlm_status s;
        if (strstr(path, ".bin")) {
            FILE *f = fopen(path, "rb");
            uint8_t buf[4096];
            size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
            if (f) fclose(f);
            CHECK(f != NULL);
            uint8_t *exact = malloc(n ? n : 1);
            memcpy(exact, buf, n);
            s = rlm_vocab_deserialize(exact, n, "blob", &v, &err);
            free(exact);
        } else {
            s = rlm_vocab_read(path, &v, &err);
        }
        if (s != malformed[i].status || !strstr(err.message, malformed[i].message))
            fprintf(stderr, "  %s: status %d, message \"%s\"\n", malformed[i].file, (int)s,
                    err.message);
        CHECK_STATUS(s, malformed[i].status);
        CHECK_CONTAINS(err.message, malformed[i].message);
        CHECK(v == NULL);
    }
}

int main(int argc, char **argv) {
    (void)argc;
    RUN(test_word_ids_counts_classes);
    RUN(test_min_count_and_max_size);
    RUN(test_char_level_utf8);
    RUN(test_class_binning);
    RUN(test_file_round_trip);
    RUN(test_serialize_round_trip);
    RUN(test_corpus_load);
    RUN(test_long_line);
    RUN(test_malformed_files);
    return check_summary(argv[0]);
}

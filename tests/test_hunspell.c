/* The parser of hunspell's pipe output (decoder-glue/hunspell_pipe.h) on real recorded output
 * (tests/data/spell/, see its README), on hand-written malformed lines with their exact messages,
 * and the child process's failure to start. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "hunspell_pipe.h"

#define REC "tests/data/spell/hunspell_output.txt"

typedef struct want {
    rlm_hunspell_kind kind;
    const char *word; /* NULL: none */
    long offset;
    int n_cands;
    const char *first, *last; /* first and last near miss */
} want;

/* hunspell_input.txt's lines, in order, as hunspell answered them */
static const want expected[] = {
    {RLM_HUNSPELL_OK, 0, -1, 0, 0, 0}, {RLM_HUNSPELL_OK, 0, -1, 0, 0, 0},
    {RLM_HUNSPELL_OK, 0, -1, 0, 0, 0}, {RLM_HUNSPELL_OK, 0, -1, 0, 0, 0},
    {RLM_HUNSPELL_MISS, "shepard", 16, 4, "Shepard", "shepherd"}, {RLM_HUNSPELL_END, 0, -1, 0, 0, 0},
    {RLM_HUNSPELL_MISS, "recieve", 1, 3, "receive", "reverie"}, {RLM_HUNSPELL_END, 0, -1, 0, 0, 0},
    {RLM_HUNSPELL_OK, 0, -1, 0, 0, 0}, {RLM_HUNSPELL_END, 0, -1, 0, 0, 0}, /* hello */
    {RLM_HUNSPELL_OK, 0, -1, 0, 0, 0}, {RLM_HUNSPELL_END, 0, -1, 0, 0, 0}, /* *star */
    {RLM_HUNSPELL_END, 0, -1, 0, 0, 0},                                    /* empty */
    {RLM_HUNSPELL_OK, 0, -1, 0, 0, 0}, {RLM_HUNSPELL_END, 0, -1, 0, 0, 0}, /* don't */
    {RLM_HUNSPELL_MISS, "teh", 1, 13, "the", "t eh"}, {RLM_HUNSPELL_END, 0, -1, 0, 0, 0},
    {RLM_HUNSPELL_NONE, "abcxyzqq", 1, 0, 0, 0}, {RLM_HUNSPELL_END, 0, -1, 0, 0, 0},
    {RLM_HUNSPELL_OK, 0, -1, 0, 0, 0}, {RLM_HUNSPELL_END, 0, -1, 0, 0, 0}, /* walking */
    {RLM_HUNSPELL_OK, 0, -1, 0, 0, 0}, {RLM_HUNSPELL_END, 0, -1, 0, 0, 0}, /* 123 */
    {RLM_HUNSPELL_END, 0, -1, 0, 0, 0},                                    /* . */
    {RLM_HUNSPELL_MISS, "sunflowerhouse", 1, 3, "sunflower house", "powerhouse"},
    {RLM_HUNSPELL_END, 0, -1, 0, 0, 0},
    {RLM_HUNSPELL_MISS, "caf\xc3\xa9", 1, 2, "cafe", "caff"}, {RLM_HUNSPELL_END, 0, -1, 0, 0, 0},
    {RLM_HUNSPELL_OK, 0, -1, 0, 0, 0}, {RLM_HUNSPELL_OK, 0, -1, 0, 0, 0}, /* e-mail: two */
    {RLM_HUNSPELL_END, 0, -1, 0, 0, 0},
    {RLM_HUNSPELL_MISS, "shep", 1, 14, "she", "she p"}, {RLM_HUNSPELL_END, 0, -1, 0, 0, 0},
    {RLM_HUNSPELL_MISS, "fiesh", 1, 6, "fish", "fiendish"}, {RLM_HUNSPELL_END, 0, -1, 0, 0, 0},
};

static void test_recorded_output(void) {
    FILE *f = fopen(REC, "r");
    CHECK(f != NULL);
    if (!f) return;
    char *line = NULL;
    size_t cap = 0, k = 0;
    ssize_t len;
    long no = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        no++;
        if (len && line[len - 1] == '\n') line[--len] = '\0';
        if (no == 1) {
            CHECK(rlm_hunspell_is_banner(line, (size_t)len));
            continue;
        }
        CHECK(!rlm_hunspell_is_banner(line, (size_t)len));
        rlm_hunspell_result r;
        rlm_error err = {0};
        CHECK_STATUS(rlm_hunspell_parse_line(line, (size_t)len, REC, no, &r, &err), RLM_OK);
        CHECK(k < sizeof expected / sizeof expected[0]);
        if (k >= sizeof expected / sizeof expected[0]) break;
        const want *w = &expected[k++];
        CHECK(r.kind == w->kind);
        CHECK(r.offset == w->offset);
        CHECK(r.n_cands == w->n_cands);
        if (w->word) CHECK(r.word && !strcmp(r.word, w->word));
        else CHECK(r.word == NULL);
        if (w->first && r.n_cands == w->n_cands) {
            CHECK(!strcmp(r.cands[0], w->first));
            CHECK(!strcmp(r.cands[r.n_cands - 1], w->last));
        }
        rlm_hunspell_result_free(&r);
    }
    CHECK(k == sizeof expected / sizeof expected[0]);
    free(line);
    fclose(f);
}

static void test_other_kinds(void) {
    rlm_hunspell_result r;
    CHECK_STATUS(rlm_hunspell_parse_line("+ walk", 6, "x", 1, &r, NULL), RLM_OK);
    CHECK(r.kind == RLM_HUNSPELL_ROOT && !strcmp(r.word, "walk"));
    rlm_hunspell_result_free(&r);
    CHECK_STATUS(rlm_hunspell_parse_line("-", 1, "x", 1, &r, NULL), RLM_OK);
    CHECK(r.kind == RLM_HUNSPELL_COMPOUND);
    CHECK_STATUS(rlm_hunspell_parse_line("? wrod 2 5: word, wood\r", 23, "x", 1, &r, NULL), RLM_OK);
    CHECK(r.kind == RLM_HUNSPELL_GUESS && r.offset == 5 && r.n_cands == 2);
    CHECK(r.n_cands == 2 && !strcmp(r.cands[1], "wood"));
    rlm_hunspell_result_free(&r);
}

static void expect_error(const char *line, const char *message) {
    rlm_hunspell_result r;
    rlm_error err = {0};
    CHECK_STATUS(rlm_hunspell_parse_line(line, strlen(line), "out.txt", 7, &r, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, message);
    CHECK(r.cands == NULL && r.word == NULL && r.storage_ == NULL);
}

static void test_malformed_lines(void) {
    expect_error("**", "out.txt:7: hunspell output: expected '*', '+ ROOT', '-', '& ...', '? ...' or '# ...' in '**'");
    expect_error("x", "out.txt:7: hunspell output: expected '*'");
    expect_error("&", "out.txt:7: hunspell output: expected '*'");
    expect_error("& teh", "out.txt:7: hunspell output: expected WORD then the offset in '& teh'");
    expect_error("& teh x 1: the", "expected the number of near misses after the word");
    expect_error("& teh 1 x: the", "expected the offset (a number)");
    expect_error("& teh 1 1 the", "expected ': ' and at least one near miss after the offset");
    expect_error("& teh 1 1: ", "expected ': ' and at least one near miss");
    expect_error("& teh 0 1: the", "expected ': ' and at least one near miss");
    expect_error("& teh 2 1: the", "the number of near misses differs from the count");
    expect_error("& teh 2 1: the, ", "an empty near miss");
    expect_error("& teh 2 1: the,  eh", "an empty near miss, or one with a space at an end");
    expect_error("& teh 99999999999999999999 1: the", "expected the number of near misses");
    expect_error("# teh", "expected WORD then the offset");
    expect_error("# teh 1 2", "expected WORD then the offset");
    expect_error("# teh -1", "expected the offset (a number)");
    expect_error("+ two words", "'+ ROOT' with a space in ROOT");
    expect_error("&  teh 1 1: the", "expected '*'");
    /* a NUL byte inside the line */
    rlm_hunspell_result r;
    rlm_error err = {0};
    CHECK_STATUS(rlm_hunspell_parse_line("*\0", 2, "out.txt", 3, &r, &err), RLM_E_FORMAT);
    CHECK_CONTAINS(err.message, "out.txt:3: hunspell output: a NUL byte");
}

static void test_child_failures(void) {
    rlm_hunspell *h = (rlm_hunspell *)1;
    rlm_error err = {0};
    CHECK_STATUS(rlm_hunspell_open("/nonexistent/hunspell", "en_US", &h, &err), RLM_E_IO);
    CHECK(h == NULL);
    CHECK_CONTAINS(err.message, "/nonexistent/hunspell -a -d en_US: ended without its banner line");
    /* `echo -a -d en_US` answers with one line that is not the banner */
    CHECK_STATUS(rlm_hunspell_open("echo", "en_US", &h, &err), RLM_E_IO);
    CHECK_CONTAINS(err.message, "echo -a -d en_US: the first line is not the ispell banner");
}

int main(int argc, char **argv) {
    (void)argc;
    RUN(test_recorded_output);
    RUN(test_other_kinds);
    RUN(test_malformed_lines);
    RUN(test_child_failures);
    return check_summary(argv[0]);
}

/* Integration test against KenLM itself: `query -v word ptb.kn5.arpa` on the first 300 lines of
 * PTB test (../shared/data/golden). Every token must have KenLM's word id, n-gram length (exact)
 * and log10 probability (relative 1e-6), read from the ARPA text and again from our binary.
 * Skipped, with a message, when RLM_SHARED is not set or the shared data is absent. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "files.h"
#include "rlm_ngram.h"

static char shared[2048];

/* Compare one model's scores with the golden token stream; returns the tokens compared. */
static long compare_with_golden(const rlm_ngram *m, char *text, const char *golden) {
    const char *g = golden;
    long tokens = 0, bad = 0;
    char *line = text;
    for (int lines = 0; lines < 300 && *line; lines++) {
        char *nl = strchr(line, '\n');
        if (nl) *nl = '\0';
        rlm_ngram_state st;
        rlm_ngram_begin_state(m, &st);
        char *save, *w = strtok_r(line, " \t", &save);
        for (int done = 0; !done; w = strtok_r(NULL, " \t", &save)) {
            const char *word = w ? w : "</s>";
            done = !w;
            rlm_ngram_word id = w ? rlm_ngram_index(m, w, strlen(w)) : rlm_ngram_eos(m);
            int len;
            float p = rlm_ngram_score(m, &st, id, &st, &len);
            /* golden token: word=id len prob<TAB> */
            char gword[256];
            unsigned gid;
            int glen, used = 0;
            float gp;
            if (sscanf(g, "%255[^=]=%u %d %f\t%n", gword, &gid, &glen, &gp, &used) != 4 || !used) {
                fprintf(stderr, "golden stream ends or is malformed at token %ld\n", tokens);
                return -1;
            }
            g += used;
            tokens++;
            int ok = !strcmp(gword, word) && gid == id && glen == len &&
                     fabs(p - gp) <= 1e-6 * fabs(gp) + 1e-9;
            if (!ok && bad++ < 5)
                fprintf(stderr, "token %ld: golden %s=%u %d %.9g, ours %s=%u %d %.9g\n", tokens,
                        gword, gid, glen, (double)gp, word, id, len, (double)p);
        }
        line = nl ? nl + 1 : line + strlen(line);
    }
    CHECK(*g == '\0');
    CHECK(bad == 0);
    return tokens;
}

static void test_ptb_kn5_golden(void) {
    char lm[2300], text_path[2300], golden_path[2300];
    snprintf(lm, sizeof lm, "%s/data/lm/ptb.kn5.arpa.gz", shared);
    snprintf(text_path, sizeof text_path, "%s/data/ptb/ptb.test.txt", shared);
    snprintf(golden_path, sizeof golden_path, "%s/data/golden/ptb.kn5.query-word.test300.txt",
             shared);
    size_t n1, n2;
    char *text = test_read_file(text_path, &n1), *golden = test_read_file(golden_path, &n2);
    rlm_ngram *m = NULL;
    rlm_error err;
    CHECK(text && golden);
    CHECK_STATUS(rlm_ngram_open(lm, NULL, &m, &err), RLM_OK);
    if (!text || !golden || !m) {
        fprintf(stderr, "%s\n", m ? "cannot read shared data" : err.message);
        return;
    }
    char *copy = strdup(text);
    long tokens = compare_with_golden(m, copy, golden);
    fprintf(stderr, "ptb.kn5 ARPA: %ld tokens compared with KenLM\n", tokens);
    CHECK(tokens == 6642);

    char bin[] = "/tmp/rlm_golden_XXXXXX";
    CHECK(test_temp_file(bin, NULL, 0) == 0);
    CHECK_STATUS(rlm_ngram_write_binary(m, bin, &err), RLM_OK);
    rlm_ngram *b = NULL;
    CHECK_STATUS(rlm_ngram_open(bin, NULL, &b, &err), RLM_OK);
    if (b) {
        strcpy(copy, text);
        CHECK(compare_with_golden(b, copy, golden) == 6642);
        CHECK(rlm_ngram_count(b, 5) == 737952 && rlm_ngram_vocab_size(b) == 10001);
    }
    unlink(bin);
    rlm_ngram_close(b);
    rlm_ngram_close(m);
    free(copy);
    free(text);
    free(golden);
}

int main(int argc, char **argv) {
    (void)argc;
    const char *s = getenv("RLM_SHARED");
    char probe[2300];
    snprintf(probe, sizeof probe, "%s/data/lm/ptb.kn5.arpa.gz", s ? s : "");
#if defined(__SANITIZE_ADDRESS__)
    /* Loading 2.3M n-grams under ASan takes long; the plain build runs this test. */
    fprintf(stderr, "skipped under sanitizers: the plain build compares with KenLM\n");
    (void)test_ptb_kn5_golden;
#else
    if (!s || access(probe, R_OK) != 0) {
        fprintf(stderr, "skipped: RLM_SHARED is not set or %s is missing\n", probe);
    } else {
        snprintf(shared, sizeof shared, "%s", s);
        RUN(test_ptb_kn5_golden);
    }
#endif
    return check_summary(argv[0]);
}

/* Text to ids: one line with rlm_vocab_tokenize, a whole file with rlm_corpus_load. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "token_iter.h"
#include "vocab_impl.h"

size_t rlm_vocab_tokenize(const rlm_vocab *v, const char *line, size_t len, int32_t *ids,
                          size_t cap, size_t *oov) {
    rlm_token_iter it = rlm_token_iter_init(line, len, v->char_level);
    const char *tok;
    size_t tok_len, n = 0, n_oov = 0;
    int invalid;
    while (rlm_token_next(&it, &tok, &tok_len, &invalid)) {
        int32_t id = invalid ? -1 : rlm_vocab_find(v, tok, tok_len);
        if (id < 0) {
            id = RLM_UNK_ID;
            n_oov++;
        }
        if (n < cap) ids[n] = id;
        n++;
    }
    if (oov) *oov = n_oov;
    return n;
}

static int reserve(rlm_corpus *c, size_t *cap, size_t need) {
    if (need <= *cap) return 0;
    size_t nc = *cap ? *cap : 1 << 16;
    while (nc < need) {
        if (nc > SIZE_MAX / 2 / sizeof *c->ids) return -1;
        nc *= 2;
    }
    int32_t *p = realloc(c->ids, nc * sizeof *p);
    if (!p) return -1;
    c->ids = p;
    *cap = nc;
    return 0;
}

rlm_status rlm_corpus_load(const rlm_vocab *v, const char *text_path, rlm_corpus *out,
                           rlm_error *err) {
    memset(out, 0, sizeof *out);
    FILE *f = fopen(text_path, "rb");
    if (!f) return rlm_fail(err, RLM_E_IO, "%s: cannot open: %s", text_path, strerror(errno));
    rlm_corpus c = {0};
    size_t cap = 0, line_cap = 0;
    char *line = NULL;
    ssize_t n;
    long lineno = 0;
    rlm_status s = RLM_OK;
    while ((n = getline(&line, &line_cap, f)) >= 0) {
        lineno++;
        /* A line has at most one token per byte, plus its </s>: reserving that much means one
         * pass over the line, never a second try with a bigger buffer. */
        if (reserve(&c, &cap, c.n_ids + (size_t)n + 1)) {
            s = rlm_fail(err, RLM_E_NOMEM, "%s:%ld: out of memory for the corpus", text_path,
                         lineno);
            break;
        }
        size_t oov, k = rlm_vocab_tokenize(v, line, (size_t)n, c.ids + c.n_ids, cap - c.n_ids,
                                           &oov);
        if (k == 0) continue; /* blank lines are not sentences */
        c.n_ids += k;
        c.ids[c.n_ids++] = RLM_EOS_ID;
        c.n_sentences++;
        c.n_oov += oov;
    }
    if (!s && ferror(f))
        s = rlm_fail(err, RLM_E_IO, "%s:%ld: read error: %s", text_path, lineno + 1,
                     strerror(errno));
    free(line);
    fclose(f);
    if (s) {
        free(c.ids);
        return s;
    }
    *out = c;
    return RLM_OK;
}

void rlm_corpus_free(rlm_corpus *c) {
    if (!c) return;
    free(c->ids);
    memset(c, 0, sizeof *c);
}

/* Per-token log10 probabilities of an RNN and n-gram models on one text, with the vocabulary rule
 * of rlm_mix.h applied: a token a component lacks but another knows gets P_i(<unk>) / M_i. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rlm_eval.h"
#include "rlm_mix.h"
#include "token_iter.h"

typedef struct text_builder {
    rlm_mix_scores *s;
    size_t at_cap, flags_cap, chars_cap, chars_len;
} text_builder;

static int grow(void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return 0;
    size_t nc = *cap ? *cap : 4096;
    while (nc < need) {
        if (nc > SIZE_MAX / 2 / elem) return -1;
        nc *= 2;
    }
    void *q = realloc(*p, nc * elem);
    if (!q) return -1;
    *p = q;
    *cap = nc;
    return 0;
}

static int add_token(text_builder *b, const char *tok, size_t len, uint8_t flags) {
    rlm_mix_scores *s = b->s;
    size_t need = s->n_tokens + 1;
    if (grow((void **)&s->spelling_at, &b->at_cap, need, sizeof *s->spelling_at) ||
        grow((void **)&s->flags, &b->flags_cap, need, sizeof *s->flags))
        return -1;
    if (grow((void **)&s->spellings, &b->chars_cap, b->chars_len + len + 1, 1)) return -1;
    memcpy(s->spellings + b->chars_len, tok, len);
    s->spellings[b->chars_len + len] = '\0';
    s->spelling_at[s->n_tokens] = b->chars_len;
    s->flags[s->n_tokens++] = flags;
    b->chars_len += len + 1;
    return 0;
}

/* Splits the text as rlm_corpus_load does at word level, so the RNN sees the same tokens. */
static rlm_status read_text(const char *path, rlm_mix_scores *s, rlm_error *err) {
    FILE *f = fopen(path, "rb");
    if (!f) return rlm_fail(err, RLM_E_IO, "%s: cannot open: %s", path, strerror(errno));
    text_builder b = {s, 0, 0, 0, 0};
    char *line = NULL;
    size_t line_cap = 0;
    ssize_t n;
    long lineno = 0;
    rlm_status st = RLM_OK;
    while ((n = getline(&line, &line_cap, f)) >= 0) {
        lineno++;
        rlm_token_iter it = rlm_token_iter_init(line, (size_t)n, 0);
        const char *tok;
        size_t len, before = s->n_tokens;
        int invalid;
        int fail = 0;
        while (!fail && rlm_token_next(&it, &tok, &len, &invalid))
            fail = add_token(&b, tok, len, 0);
        if (!fail && s->n_tokens > before) { /* blank lines are not sentences */
            fail = add_token(&b, "</s>", 4, RLM_MIX_EOS);
            s->n_sentences++;
        }
        if (fail) {
            st = rlm_fail(err, RLM_E_NOMEM, "%s:%ld: out of memory for the text", path, lineno);
            break;
        }
    }
    if (!st && ferror(f))
        st = rlm_fail(err, RLM_E_IO, "%s:%ld: read error: %s", path, lineno + 1, strerror(errno));
    free(line);
    fclose(f);
    return st;
}

static int is_marker(const char *w) {
    return !strcmp(w, "<s>") || !strcmp(w, "</s>") || !strcmp(w, "<unk>");
}

static int rnn_knows(const rlm_vocab *v, const char *w, size_t len) {
    return v && rlm_vocab_find(v, w, len) > RLM_UNK_ID;
}

static int ngram_knows(const rlm_ngram *m, const char *w, size_t len) {
    return rlm_ngram_index(m, w, len) != RLM_NGRAM_UNK;
}

/* M_i = union - (words of i), since each model's own words are in the union; only the n-gram
 * words that no earlier model has add to the union. */
void rlm_mix_count_missing(const rlm_model *rnn, const rlm_ngram *const *ngrams, int n_ngrams,
                           uint64_t *union_size, uint64_t *missing) {
    const rlm_vocab *v = rnn ? rlm_model_vocab(rnn) : NULL;
    uint64_t own[RLM_MIX_MAX_MODELS] = {0}, uni = 0;
    int c = 0;
    if (v) {
        for (int32_t id = RLM_UNK_ID + 1; id < rlm_vocab_size(v); id++)
            if (!is_marker(rlm_vocab_token(v, id))) own[c]++;
        uni = own[c++];
    }
    for (int j = 0; j < n_ngrams; j++, c++) {
        const rlm_ngram *m = ngrams[j];
        for (rlm_ngram_word id = 1; id < rlm_ngram_vocab_size(m); id++) {
            const char *w = rlm_ngram_word_string(m, id);
            if (!w || is_marker(w) || id == rlm_ngram_bos(m) || id == rlm_ngram_eos(m)) continue;
            own[c]++;
            size_t len = strlen(w);
            int seen = rnn_knows(v, w, len);
            for (int k = 0; k < j && !seen; k++) seen = ngram_knows(ngrams[k], w, len);
            if (!seen) uni++;
        }
    }
    *union_size = uni;
    for (int i = 0; i < c; i++) missing[i] = uni - own[i];
}

static rlm_status score_rnn(const rlm_model *rnn, rlm_mix_scores *s, uint32_t *known,
                            rlm_error *err) {
    const rlm_vocab *v = rlm_model_vocab(rnn);
    rlm_corpus c = {0};
    c.ids = malloc((s->n_tokens ? s->n_tokens : 1) * sizeof *c.ids);
    if (!c.ids) return rlm_fail(err, RLM_E_NOMEM, "out of memory for %zu token ids", s->n_tokens);
    c.n_ids = s->n_tokens;
    c.n_sentences = s->n_sentences;
    for (size_t t = 0; t < s->n_tokens; t++) {
        const char *w = s->spellings + s->spelling_at[t];
        int32_t id = s->flags[t] & RLM_MIX_EOS ? RLM_EOS_ID : rlm_vocab_find(v, w, strlen(w));
        if (id < 0) {
            id = RLM_UNK_ID;
            c.n_oov++;
        }
        c.ids[t] = id;
        if (id != RLM_UNK_ID) known[t] |= 1u;
    }
    rlm_eval_result r;
    rlm_status st = rlm_model_eval_corpus(rnn, &c, s->log10p, &r, err);
    rlm_corpus_free(&c);
    return st;
}

static void score_ngram(const rlm_ngram *m, int comp, rlm_mix_scores *s, uint32_t *known) {
    float *out = s->log10p + (size_t)comp * s->n_tokens;
    rlm_ngram_state state;
    int sentence_start = 1;
    for (size_t t = 0; t < s->n_tokens; t++) {
        if (sentence_start) rlm_ngram_begin_state(m, &state);
        const char *w = s->spellings + s->spelling_at[t];
        int eos = s->flags[t] & RLM_MIX_EOS;
        rlm_ngram_word id = eos ? rlm_ngram_eos(m) : rlm_ngram_index(m, w, strlen(w));
        out[t] = rlm_ngram_score(m, &state, id, &state, NULL);
        if (id != RLM_NGRAM_UNK) known[t] |= 1u << comp;
        sentence_start = eos;
    }
}

/* A token nobody knows is an OOV scored by each full P_i(<unk>); a token some know gets
 * P_i(<unk>) / M_i from each component that lacks it (M_i >= 1: the token is such a word). */
static void apply_vocab_rule(rlm_mix_scores *s, const uint32_t *known) {
    float penalty[RLM_MIX_MAX_MODELS];
    for (int i = 0; i < s->n_models; i++)
        penalty[i] = s->missing_types[i] ? (float)log10((double)s->missing_types[i]) : 0.0f;
    const uint32_t all = s->n_models == 32 ? 0xffffffffu : (1u << s->n_models) - 1;
    for (size_t t = 0; t < s->n_tokens; t++) {
        s->unk_share[t] = 0;
        if (known[t] == 0) {
            s->flags[t] |= RLM_MIX_OOV;
            continue;
        }
        uint32_t lacking = all & ~known[t];
        for (int i = 0; i < s->n_models; i++)
            if (lacking >> i & 1u) s->log10p[(size_t)i * s->n_tokens + t] -= penalty[i];
        s->unk_share[t] = lacking;
    }
}

rlm_status rlm_mix_score_file(const rlm_model *rnn, const rlm_ngram *const *ngrams,
                              int n_ngrams, const char *path, rlm_mix_scores *out,
                              rlm_error *err) {
    memset(out, 0, sizeof *out);
    int n_models = (rnn ? 1 : 0) + n_ngrams;
    if (n_ngrams < 0 || n_models < 1 || n_models > RLM_MIX_MAX_MODELS)
        return rlm_fail(err, RLM_E_ARG, "mixture: %d models; expected 1 to %d", n_models,
                        RLM_MIX_MAX_MODELS);
    const rlm_vocab *v = rnn ? rlm_model_vocab(rnn) : NULL;
    if (v && rlm_vocab_is_char_level(v))
        return rlm_fail(err, RLM_E_UNSUPPORTED,
                        "mixture: the RNN is character-level; n-gram models are word-level");
    rlm_mix_scores s = {0};
    s.n_models = n_models;
    uint32_t *known = NULL;
    rlm_status st = read_text(path, &s, err);
    if (st) goto fail;
    size_t n = s.n_tokens ? s.n_tokens : 1;
    s.log10p = malloc((size_t)n_models * n * sizeof *s.log10p);
    s.unk_share = malloc(n * sizeof *s.unk_share);
    known = calloc(n, sizeof *known);
    if (!s.log10p || !s.unk_share || !known) {
        st = rlm_fail(err, RLM_E_NOMEM, "%s: out of memory for %zu tokens x %d models", path,
                      s.n_tokens, n_models);
        goto fail;
    }
    for (size_t t = 0; t < s.n_tokens; t++)
        if (s.flags[t] & RLM_MIX_EOS) known[t] = ~0u;
    if (rnn && (st = score_rnn(rnn, &s, known, err))) goto fail;
    for (int j = 0; j < n_ngrams; j++) score_ngram(ngrams[j], (rnn ? 1 : 0) + j, &s, known);
    rlm_mix_count_missing(rnn, ngrams, n_ngrams, &s.union_types, s.missing_types);
    apply_vocab_rule(&s, known);
    free(known);
    *out = s;
    return RLM_OK;
fail:
    free(known);
    rlm_mix_scores_free(&s);
    return st;
}

void rlm_mix_scores_free(rlm_mix_scores *s) {
    if (!s) return;
    free(s->log10p);
    free(s->flags);
    free(s->unk_share);
    free(s->spellings);
    free(s->spelling_at);
    memset(s, 0, sizeof *s);
}

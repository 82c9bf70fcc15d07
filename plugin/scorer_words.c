/* The union vocabulary of a scorer: RNN words keep their RNN ids; each n-gram's words that no
 * earlier component knows follow, numbered by that n-gram's own ids. M_i is counted as rlm_mix.h
 * defines it: union words (markers aside) minus those component i knows. */
#include "scorer_words.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int is_marker(const char *s) {
    return !strcmp(s, "<s>") || !strcmp(s, "</s>") || !strcmp(s, "<unk>");
}

/* Fills the component ids and bits of slot id for the spelling s. */
static void fill(scorer_words *w, int32_t id, const char *s) {
    size_t len = strlen(s);
    int32_t r = rlm_vocab_find(rlm_model_vocab(w->rnn), s, len);
    w->rnn_id[id] = r > RLM_UNK_ID ? r : RLM_UNK_ID;
    w->known[id] = r > RLM_UNK_ID ? 1u : 0u;
    for (int j = 0; j < w->n_ngrams; j++) {
        rlm_ngram_word g = rlm_ngram_index(w->ngram[j], s, len);
        w->ngram_id[(size_t)id * w->n_ngrams + j] = g;
        if (g != RLM_NGRAM_UNK) w->known[id] |= 2u << j;
    }
}

rlm_status scorer_words_init(scorer_words *w, const rlm_model *rnn, const rlm_ngram *const *ngrams,
                             int n_ngrams, rlm_error *err) {
    memset(w, 0, sizeof *w);
    const rlm_vocab *v = rlm_model_vocab(rnn);
    w->rnn = rnn;
    w->n_ngrams = n_ngrams;
    w->rnn_size = rlm_vocab_size(v);
    uint64_t size = (uint64_t)w->rnn_size;
    for (int j = 0; j < n_ngrams; j++) {
        w->ngram[j] = ngrams[j];
        w->base[j] = (uint32_t)(size - (uint64_t)w->rnn_size);
        size += rlm_ngram_vocab_size(ngrams[j]);
    }
    if (size > INT32_MAX)
        return rlm_fail(err, RLM_E_UNSUPPORTED, "scorer: %llu words in all; at most %d",
                        (unsigned long long)size, INT32_MAX);
    w->size = (int32_t)size;
    w->rnn_id = calloc(size, sizeof *w->rnn_id);
    w->ngram_id = calloc(size * (n_ngrams ? (size_t)n_ngrams : 1), sizeof *w->ngram_id);
    w->known = calloc(size, sizeof *w->known);
    if (!w->rnn_id || !w->ngram_id || !w->known) {
        scorer_words_free(w);
        return rlm_fail(err, RLM_E_NOMEM, "scorer: out of memory for %llu words",
                        (unsigned long long)size);
    }
    for (int32_t id = RLM_UNK_ID + 1; id < w->rnn_size; id++)
        if (!is_marker(rlm_vocab_token(v, id))) fill(w, id, rlm_vocab_token(v, id));
    for (int j = 0; j < n_ngrams; j++)
        for (rlm_ngram_word g = 1; g < rlm_ngram_vocab_size(ngrams[j]); g++) {
            const char *s = rlm_ngram_word_string(ngrams[j], g);
            if (!s || is_marker(s) || scorer_words_find(w, s, strlen(s)) != RLM_SCORER_UNK)
                continue; /* a marker, or known to an earlier component: not a new word */
            fill(w, w->rnn_size + (int32_t)(w->base[j] + g), s);
        }
    uint64_t own[1 + RLM_SCORER_MAX_NGRAMS] = {0}, uni = 0;
    for (int32_t id = RLM_UNK_ID + 1; id < w->size; id++) {
        if (!w->known[id]) continue;
        uni++;
        for (int i = 0; i <= n_ngrams; i++) own[i] += w->known[id] >> i & 1u;
    }
    for (int i = 0; i <= n_ngrams; i++)
        w->log10_missing[i] = uni > own[i] ? (float)log10((double)(uni - own[i])) : 0.0f;
    /* `</s>`: every component's own; RLM_SCORER_UNK: every component's <unk>. */
    w->known[RLM_SCORER_EOS] = (2u << n_ngrams) - 1;
    for (int j = 0; j < n_ngrams; j++) w->ngram_id[j] = rlm_ngram_eos(ngrams[j]);
    w->rnn_id[RLM_SCORER_UNK] = RLM_UNK_ID;
    return RLM_OK;
}

void scorer_words_free(scorer_words *w) {
    free(w->rnn_id);
    free(w->ngram_id);
    free(w->known);
    w->rnn_id = NULL, w->ngram_id = NULL, w->known = NULL;
}

int32_t scorer_words_find(const scorer_words *w, const char *word, size_t len) {
    int32_t r = rlm_vocab_find(rlm_model_vocab(w->rnn), word, len);
    if (r == RLM_EOS_ID) return RLM_SCORER_EOS;
    if (r > RLM_UNK_ID && w->known && w->known[r]) return r;
    for (int j = 0; j < w->n_ngrams; j++) {
        rlm_ngram_word g = rlm_ngram_index(w->ngram[j], word, len);
        if (g == RLM_NGRAM_UNK) continue;
        int32_t id = w->rnn_size + (int32_t)(w->base[j] + g);
        if (w->known && w->known[id]) return id;
    }
    return RLM_SCORER_UNK;
}

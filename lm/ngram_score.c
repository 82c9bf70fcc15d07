/* Scoring with KenLM's rules (all log10).
 *
 * p(w | context) is the probability of the longest n-gram "context-suffix w" in the model, plus the
 * back-off weights of the context words that were not used. The lookup starts at the unigram and
 * extends the key one context word at a time, stopping at the first n-gram that is missing (the
 * reader guarantees every suffix of a listed n-gram exists, so nothing longer can be missed).
 *
 * The successor state keeps w and the context words up to the longest matched n-gram whose
 * back-off marks it as extendable (see ngram_internal.h): anything further left can never be
 * part of a future match, and forgetting it is what makes equal futures give equal states. */
#include "ngram_internal.h"

float rlm_ngram_score(const rlm_ngram *m, const rlm_ngram_state *in_state, rlm_ngram_word word,
                      rlm_ngram_state *out_state, int *ngram_length) {
    /* Work on a copy so in_state and out_state may alias. */
    rlm_ngram_state in = *in_state, out;
    int max_context = m->order - 1;
    int in_len = in.length < max_context ? in.length : max_context;
    if (word >= m->vocab_size) word = RLM_NGRAM_UNK;

    const ngram_weights *uni = &m->unigrams[word];
    float prob = uni->prob;
    int matched = 1, keep = 0;
    out.words[0] = word;
    if (max_context > 0) {
        out.backoff[0] = uni->backoff;
        keep = ngram_has_extension(uni->backoff) ? 1 : 0;
    }
    /* All keys depend only on the words, so compute them first and prefetch every bucket: the
     * table reads are cache misses, and this lets them overlap instead of queueing up. */
    uint64_t keys[RLM_NGRAM_MAX_ORDER];
    uint64_t key = word;
    for (int i = 0; i < in_len; i++) {
        const ngram_table *t = &m->tables[i + 2];
        key = ngram_key_extend(key, in.words[i]);
        keys[i] = key;
        if (t->capacity) __builtin_prefetch(&t->slots[ngram_bucket(key, t->capacity)]);
    }
    for (int i = 0; i < in_len; i++) {
        int n = i + 2;
        const ngram_entry *e = ngram_table_find(&m->tables[n], keys[i]);
        if (!e) break;
        prob = e->prob;
        matched = n;
        if (n <= max_context) {
            out.backoff[n - 1] = e->backoff;
            if (ngram_has_extension(e->backoff)) keep = n;
        }
    }
    /* Context words beyond the matched n-gram back off. */
    for (int i = matched - 1; i < in_len; i++) prob += in.backoff[i];

    for (int i = 1; i < keep; i++) out.words[i] = in.words[i - 1];
    out.length = (uint8_t)keep;
    *out_state = out;
    if (ngram_length) *ngram_length = matched;
    return prob;
}

void rlm_ngram_begin_state(const rlm_ngram *m, rlm_ngram_state *out) {
    memset(out, 0, sizeof *out);
    if (m->order < 2) return; /* a unigram model has no context at all */
    /* As KenLM: `<s>` is kept whatever its back-off, so every sentence starts from this state. */
    out->words[0] = m->bos;
    out->backoff[0] = m->unigrams[m->bos].backoff;
    out->length = 1;
}

void rlm_ngram_null_state(const rlm_ngram *m, rlm_ngram_state *out) {
    (void)m;
    memset(out, 0, sizeof *out);
}

int rlm_ngram_state_equal(const rlm_ngram_state *a, const rlm_ngram_state *b) {
    if (a->length != b->length) return 0;
    int n = a->length < RLM_NGRAM_MAX_ORDER - 1 ? a->length : RLM_NGRAM_MAX_ORDER - 1;
    return !memcmp(a->words, b->words, (size_t)n * sizeof a->words[0]);
}

uint64_t rlm_ngram_state_hash(const rlm_ngram_state *s) {
    /* The back-offs are a function of the words, so the words alone identify the state. */
    int n = s->length < RLM_NGRAM_MAX_ORDER - 1 ? s->length : RLM_NGRAM_MAX_ORDER - 1;
    uint64_t h = ngram_mix64(0x5851f42d4c957f2dULL + (uint64_t)n);
    for (int i = 0; i < n; i++) h = ngram_key_extend(h, s->words[i]);
    return h;
}

rlm_ngram_word rlm_ngram_index(const rlm_ngram *m, const char *word, size_t len) {
    rlm_ngram_word id;
    return ngram_words_lookup(m, word, len, &id) ? id : RLM_NGRAM_UNK;
}

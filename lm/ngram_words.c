/* The n-gram model's word list: id -> spelling (offsets into one string blob) and spelling -> id
 * (a probing table keyed by a 64-bit string hash, checked against the stored spelling). Id 0 is
 * always `<unk>`; the other ids follow the order of the 1-gram section, as in KenLM. */
#include <stdlib.h>

#include "ngram_internal.h"

uint64_t ngram_word_hash(const char *s, size_t len) {
    uint64_t h = 0x243f6a8885a308d3ULL ^ (len * 0x9e3779b97f4a7c15ULL);
    while (len >= 8) {
        uint64_t w;
        memcpy(&w, s, 8);
        h = ngram_mix64(h ^ w) + 0x9e3779b97f4a7c15ULL;
        s += 8;
        len -= 8;
    }
    uint64_t tail = 0;
    memcpy(&tail, s, len);
    h = ngram_mix64(h ^ tail ^ ((uint64_t)len << 59));
    return h ? h : 1;
}

static int is_unk_spelling(const char *s, size_t len) {
    /* KenLM maps both spellings to id 0. */
    return len == 5 && (!memcmp(s, "<unk>", 5) || !memcmp(s, "<UNK>", 5));
}

static int same_word(const rlm_ngram *m, rlm_ngram_word id, const char *s, size_t len) {
    uint64_t off = m->word_offsets[id];
    return m->word_offsets[id + 1] - off == len + 1 && !memcmp(m->strings + off, s, len);
}

int ngram_words_lookup(const rlm_ngram *m, const char *s, size_t len, rlm_ngram_word *id) {
    uint64_t cap = m->word_capacity;
    if (!cap) return 0;
    uint64_t h = ngram_word_hash(s, len);
    uint64_t i = ngram_bucket(h, cap);
    for (uint64_t probes = 0; probes < cap; probes++) {
        const ngram_word_slot *slot = &m->word_slots[i];
        if (slot->hash == 0) return 0;
        if (slot->hash == h && slot->id < m->vocab_size && same_word(m, slot->id, s, len)) {
            *id = slot->id;
            return 1;
        }
        if (++i == cap) i = 0;
    }
    return 0;
}

rlm_status ngram_words_begin(ngram_words_builder *b, rlm_ngram *m, uint64_t count,
                             rlm_error *err) {
    b->m = m;
    b->ids_cap = (uint32_t)count + 1;
    b->strings_cap = 16 * (count + 1) + 64;
    m->word_capacity = count + count / 2 + 2;
    m->unigrams = calloc(b->ids_cap, sizeof *m->unigrams);
    m->word_offsets = malloc((b->ids_cap + 1) * sizeof *m->word_offsets);
    m->strings = malloc(b->strings_cap);
    m->word_slots = calloc(m->word_capacity, sizeof *m->word_slots);
    if (!m->unigrams || !m->word_offsets || !m->strings || !m->word_slots)
        return rlm_fail(err, RLM_E_NOMEM, "cannot allocate the word list for %llu words",
                        (unsigned long long)count);
    memcpy(m->strings, "<unk>", 6);
    m->strings_len = 6;
    m->word_offsets[0] = 0;
    m->word_offsets[1] = 6;
    m->vocab_size = 1;
    m->unigrams[0].prob = 0.0f;
    m->unigrams[0].backoff = -0.0f;
    return RLM_OK;
}

rlm_status ngram_words_add(ngram_words_builder *b, const char *s, size_t len, rlm_ngram_word *id,
                           int *duplicate, rlm_error *err) {
    rlm_ngram *m = b->m;
    *duplicate = 0;
    if (is_unk_spelling(s, len)) {
        *duplicate = m->has_unk;
        m->has_unk = 1;
        *id = RLM_NGRAM_UNK;
        return RLM_OK;
    }
    if (ngram_words_lookup(m, s, len, id)) {
        *duplicate = 1;
        return RLM_OK;
    }
    if (m->vocab_size >= b->ids_cap)
        return rlm_fail(err, RLM_E_FORMAT, "more 1-grams than the header announced");
    if (m->strings_len + len + 1 > b->strings_cap) {
        uint64_t cap = 2 * b->strings_cap + len + 1;
        char *bigger = realloc(m->strings, cap);
        if (!bigger) return rlm_fail(err, RLM_E_NOMEM, "cannot grow the word list");
        m->strings = bigger;
        b->strings_cap = cap;
    }
    memcpy(m->strings + m->strings_len, s, len);
    m->strings[m->strings_len + len] = '\0';
    m->strings_len += len + 1;
    rlm_ngram_word new_id = m->vocab_size++;
    m->word_offsets[m->vocab_size] = m->strings_len;

    uint64_t h = ngram_word_hash(s, len);
    uint64_t i = ngram_bucket(h, m->word_capacity);
    while (m->word_slots[i].hash)
        if (++i == m->word_capacity) i = 0;
    m->word_slots[i].hash = h;
    m->word_slots[i].id = new_id;
    *id = new_id;
    return RLM_OK;
}

/* Internals of the n-gram model shared by arpa_read.c, ngram_hash.c, ngram_words.c,
 * ngram_score.c, ngram_binary.c and ngram_model.c. Not installed, not part of the API.
 *
 * Layout (the same in memory and in the binary file, so the binary can be mmap'ed as is):
 * - unigrams[id] = {prob, backoff} for every word id;
 * - tables[n] for n = 2..order: an open-addressing (linear probing) hash table of 16-byte entries
 *   keyed by a 64-bit hash of the n-gram read right to left (last word first), so that scoring
 *   extends the key one context word at a time, like KenLM's probing model;
 * - the word list: offsets into one string blob, and a probing table from string hash to id.
 *
 * Back-off weights carry one extra bit of information in the sign of zero, as in KenLM: -0.0 means
 * "no longer n-gram has this one as its context", so a state need not remember it; +0.0 and every
 * non-zero weight mean it can still extend a match. */
#ifndef RLM_NGRAM_INTERNAL_H
#define RLM_NGRAM_INTERNAL_H

#include <stdint.h>
#include <string.h>

#include "rlm_ngram.h"

typedef struct ngram_weights {
    float prob;    /* log10 */
    float backoff; /* log10; -0.0 = does not extend to the right (see above) */
} ngram_weights;

typedef struct ngram_entry {
    uint64_t key; /* 0 = empty slot */
    float prob;
    float backoff;
} ngram_entry;

typedef struct ngram_table {
    ngram_entry *slots;
    uint64_t capacity;
    uint64_t used;
} ngram_table;

typedef struct ngram_word_slot {
    uint64_t hash; /* 0 = empty slot */
    uint32_t id;
    uint32_t unused;
} ngram_word_slot;

struct rlm_ngram {
    int order;
    int has_unk;
    uint64_t counts[RLM_NGRAM_MAX_ORDER + 1]; /* counts[n] from the ARPA header */
    uint32_t vocab_size;
    rlm_ngram_word bos, eos;
    ngram_weights *unigrams;                /* [vocab_size] */
    ngram_table tables[RLM_NGRAM_MAX_ORDER + 1]; /* tables[2..order] */
    uint64_t *word_offsets;                 /* [vocab_size + 1] into strings; word i is NUL-ended */
    char *strings;
    uint64_t strings_len;
    ngram_word_slot *word_slots;
    uint64_t word_capacity;
    /* Storage: either every array above is malloc'ed (ARPA), or all point into one image. */
    void *image;
    size_t image_size;
    int image_is_mmap;
};

/* ---- hashing (ngram_hash.c); the functions are part of the binary format ---- */

static inline uint64_t ngram_mix64(uint64_t x) {
    x ^= x >> 31;
    x *= 0x7fb5d329728ea185ULL;
    x ^= x >> 27;
    x *= 0x81dadef4bc2dd44dULL;
    x ^= x >> 33;
    return x;
}

/* Key of the n-gram made by putting `word` in front of the n-gram whose key (or, for a unigram,
 * whose word id) is `h`. Never 0, which marks an empty slot. */
static inline uint64_t ngram_key_extend(uint64_t h, rlm_ngram_word word) {
    uint64_t k = ngram_mix64(h * 0x9e3779b97f4a7c15ULL + word + 1);
    return k ? k : 1;
}

/* Slot where the search for `key` starts: the high bits of key * capacity, which spreads a uniform
 * key over [0, capacity) without a division. */
static inline uint64_t ngram_bucket(uint64_t key, uint64_t capacity) {
    return (uint64_t)(((unsigned __int128)key * capacity) >> 64);
}

static inline const ngram_entry *ngram_table_find(const ngram_table *t, uint64_t key) {
    uint64_t cap = t->capacity;
    if (!cap) return NULL;
    uint64_t i = ngram_bucket(key, cap);
    /* Bounded by the capacity so a full table from a hostile binary file cannot loop forever. */
    for (uint64_t probes = 0; probes < cap; probes++) {
        const ngram_entry *e = &t->slots[i];
        if (e->key == key) return e;
        if (e->key == 0) return NULL;
        if (++i == cap) i = 0;
    }
    return NULL;
}

static inline int ngram_has_extension(float backoff) {
    uint32_t bits;
    memcpy(&bits, &backoff, sizeof bits);
    return bits != 0x80000000u;
}

/* A zero back-off that turns out to be the context of a longer n-gram becomes +0.0. */
static inline void ngram_set_extension(float *backoff) {
    if (*backoff == 0.0f) *backoff = 0.0f;
}

/* Table capacity for `count` entries: 1.5 slots per entry like KenLM's default probing
 * multiplier, so an unsuccessful search stops after about 2.5 slots. */
uint64_t ngram_table_capacity_for(uint64_t count);
rlm_status ngram_table_init(ngram_table *t, uint64_t count, rlm_error *err);
/* Find `key`, or insert it with the given weights. Returns the entry and sets *found. Grows the
 * table when it gets too full (missing lower-order n-grams are added beyond the header counts). */
ngram_entry *ngram_table_find_or_insert(ngram_table *t, uint64_t key, float prob, float backoff,
                                        int *found, rlm_error *err);
ngram_entry *ngram_table_find_mut(ngram_table *t, uint64_t key);

/* ---- word list (ngram_words.c) ---- */

uint64_t ngram_word_hash(const char *s, size_t len);

/* Builder used while reading the 1-grams. */
typedef struct ngram_words_builder {
    rlm_ngram *m;
    uint64_t strings_cap;
    uint32_t ids_cap;
} ngram_words_builder;

rlm_status ngram_words_begin(ngram_words_builder *b, rlm_ngram *m, uint64_t count,
                             rlm_error *err);
/* Add a word; returns its id in *id, or sets *duplicate when it is already listed. `<unk>` and
 * `<UNK>` get id 0. */
rlm_status ngram_words_add(ngram_words_builder *b, const char *s, size_t len, rlm_ngram_word *id,
                           int *duplicate, rlm_error *err);
/* Returns 1 and the id if the word is known. */
int ngram_words_lookup(const rlm_ngram *m, const char *s, size_t len, rlm_ngram_word *id);

/* ---- byte sources and lines (ngram_source.c) ---- */

typedef struct ngram_lines ngram_lines;
rlm_status ngram_lines_open_file(ngram_lines **out, const char *path, rlm_error *err);
rlm_status ngram_lines_open_memory(ngram_lines **out, const void *data, size_t size,
                                   const char *name, rlm_error *err);
/* Next line without its end-of-line (\n or \r\n), NUL-terminated and writable in place. Sets
 * *line to NULL at the end of the input. */
rlm_status ngram_lines_next(ngram_lines *l, char **line, size_t *len, rlm_error *err);
uint64_t ngram_lines_number(const ngram_lines *l);   /* 1-based number of the last line read */
const char *ngram_lines_name(const ngram_lines *l);
/* Upper bound on the decompressed size, or UINT64_MAX when unknown (pipes). */
uint64_t ngram_lines_size_bound(const ngram_lines *l);
void ngram_lines_close(ngram_lines *l);

/* ---- numbers (arpa_number.c) ---- */

/* Parse a whole token as a decimal float (also "inf", "-inf", "nan"), rounded exactly as strtof.
 * Returns 0 on a malformed token. */
int ngram_parse_float(const char *s, size_t len, float *out);

/* ---- building (arpa_read.c) and the model object (ngram_model.c) ---- */

rlm_status ngram_read_arpa(ngram_lines *lines, const rlm_ngram_options *opts, rlm_ngram **out,
                           rlm_error *err);
rlm_status ngram_open_binary_image(void *image, size_t size, int is_mmap, const char *name,
                                   const rlm_ngram_options *opts, rlm_ngram **out,
                                   rlm_error *err);
rlm_ngram *ngram_model_new(void);

#endif

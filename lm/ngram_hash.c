/* Probing hash tables of n-grams: open addressing with linear probing, as in KenLM's default
 * "probing" data structure. Lookups are in ngram_internal.h (inline, they are the hot path). */
#include <stdlib.h>

#include "ngram_internal.h"

uint64_t ngram_table_capacity_for(uint64_t count) {
    return count + count / 2 + 2;
}

rlm_status ngram_table_init(ngram_table *t, uint64_t count, rlm_error *err) {
    uint64_t cap = ngram_table_capacity_for(count);
    if (cap > SIZE_MAX / sizeof(ngram_entry))
        return rlm_fail(err, RLM_E_NOMEM, "n-gram table: %llu entries do not fit in memory",
                        (unsigned long long)count);
    t->slots = calloc((size_t)cap, sizeof(ngram_entry));
    if (!t->slots)
        return rlm_fail(err, RLM_E_NOMEM, "n-gram table: cannot allocate %llu entries",
                        (unsigned long long)count);
    t->capacity = cap;
    t->used = 0;
    return RLM_OK;
}

ngram_entry *ngram_table_find_mut(ngram_table *t, uint64_t key) {
    return (ngram_entry *)ngram_table_find(t, key);
}

static ngram_entry *insert_new(ngram_table *t, uint64_t key) {
    uint64_t i = ngram_bucket(key, t->capacity);
    while (t->slots[i].key != 0)
        if (++i == t->capacity) i = 0;
    t->slots[i].key = key;
    t->used++;
    return &t->slots[i];
}

/* Rehash into a table twice as large; entries keep their weights. */
static rlm_status grow(ngram_table *t, rlm_error *err) {
    ngram_table bigger;
    rlm_status s = ngram_table_init(&bigger, t->capacity * 2, err);
    if (s) return s;
    for (uint64_t i = 0; i < t->capacity; i++) {
        if (!t->slots[i].key) continue;
        ngram_entry *e = insert_new(&bigger, t->slots[i].key);
        e->prob = t->slots[i].prob;
        e->backoff = t->slots[i].backoff;
    }
    free(t->slots);
    *t = bigger;
    return RLM_OK;
}

ngram_entry *ngram_table_find_or_insert(ngram_table *t, uint64_t key, float prob, float backoff,
                                        int *found, rlm_error *err) {
    ngram_entry *e = ngram_table_find_mut(t, key);
    if (e) {
        *found = 1;
        return e;
    }
    *found = 0;
    /* Keep at least 1/8 of the slots empty so misses stay short; only the back-filled lower-order
     * n-grams (see arpa_read.c) can push a table past the size the header asked for. */
    if ((t->used + 1) * 8 > t->capacity * 7 && grow(t, err)) return NULL;
    e = insert_new(t, key);
    e->prob = prob;
    e->backoff = backoff;
    return e;
}

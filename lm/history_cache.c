/* The hidden-state cache: sharded hash tables of id sequences with LRU lists (history_cache.h). */
#include "history_cache.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

/* MurmurHash3's 64-bit finaliser: a bijection that mixes every input bit into every output bit. */
static uint64_t fmix64(uint64_t k) {
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdull;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ull;
    k ^= k >> 33;
    return k;
}

uint64_t rlm_history_hash_extend(uint64_t h, int32_t word) {
    return fmix64((h ^ ((uint64_t)(uint32_t)word + 1) * 0x9e3779b97f4a7c15ull) + 0x632be59bd9b4e019ull);
}

uint64_t rlm_history_hash(const int32_t *ids, uint32_t len) {
    uint64_t h = RLM_HISTORY_HASH_EMPTY;
    for (uint32_t i = 0; i < len; i++) h = rlm_history_hash_extend(h, ids[i]);
    return h;
}

typedef struct entry {
    struct entry *bucket_next;
    struct entry *lru_prev, *lru_next; /* lru_prev towards the most recently used */
    uint64_t hash;
    rlm_state *state;
    uint32_t len;
    int32_t ids[];
} entry;

typedef struct shard {
    pthread_mutex_t lock;
    entry **buckets;
    size_t n_buckets; /* a power of two */
    entry *mru, *lru;
    size_t bytes, limit, entries;
    uint64_t hits, misses, insertions, evictions;
} shard;

struct rlm_history_cache {
    const rlm_model *model;
    size_t state_bytes; /* an rlm_state's struct and floats */
    size_t limit;
    int shift;          /* shard = hash >> shift */
    int n_shards;
    shard shards[];
};

rlm_history_cache *rlm_history_cache_new(const rlm_model *m, size_t limit_bytes, int n_shards) {
    int bits = 0;
    while ((1 << bits) < n_shards && bits < 12) bits++;
    n_shards = 1 << bits;
    rlm_history_cache *c = calloc(1, sizeof *c + (size_t)n_shards * sizeof(shard));
    if (!c) return NULL;
    const rlm_model_config *cfg = rlm_model_config_of(m);
    size_t floats = (size_t)cfg->layers * (size_t)cfg->hidden_size *
                    (cfg->cell == RLM_CELL_LSTM ? 2u : 1u);
    /* rlm_state is opaque here: charge a generous header for its struct and malloc overhead. */
    c->state_bytes = 64 + (size_t)RLM_MAX_LAYERS * 2 * sizeof(float *) + floats * sizeof(float);
    c->model = m;
    c->limit = limit_bytes;
    c->shift = 64 - bits;
    c->n_shards = n_shards;
    for (int i = 0; i < n_shards; i++) {
        pthread_mutex_init(&c->shards[i].lock, NULL);
        c->shards[i].limit = limit_bytes / (size_t)n_shards;
    }
    return c;
}

void rlm_history_cache_free(rlm_history_cache *c) {
    if (!c) return;
    for (int i = 0; i < c->n_shards; i++) {
        shard *s = &c->shards[i];
        for (entry *e = s->mru, *next; e; e = next) {
            next = e->lru_next;
            rlm_state_free(e->state);
            free(e);
        }
        free(s->buckets);
        pthread_mutex_destroy(&s->lock);
    }
    free(c);
}

size_t rlm_history_cache_entry_bytes(const rlm_history_cache *c, uint32_t len) {
    return sizeof(entry) + (size_t)len * sizeof(int32_t) + c->state_bytes;
}

static shard *shard_of(rlm_history_cache *c, uint64_t hash) {
    return &c->shards[c->shift == 64 ? 0 : hash >> c->shift];
}

static entry **bucket_of(shard *s, uint64_t hash) {
    return &s->buckets[hash & (s->n_buckets - 1)];
}

static entry *find(shard *s, uint64_t hash, const int32_t *ids, uint32_t len) {
    if (!s->n_buckets) return NULL;
    for (entry *e = *bucket_of(s, hash); e; e = e->bucket_next)
        if (e->hash == hash && e->len == len && !memcmp(e->ids, ids, len * sizeof *ids)) return e;
    return NULL;
}

static void lru_unlink(shard *s, entry *e) {
    if (e->lru_prev) e->lru_prev->lru_next = e->lru_next;
    else s->mru = e->lru_next;
    if (e->lru_next) e->lru_next->lru_prev = e->lru_prev;
    else s->lru = e->lru_prev;
}

static void lru_push_front(shard *s, entry *e) {
    e->lru_prev = NULL;
    e->lru_next = s->mru;
    if (s->mru) s->mru->lru_prev = e;
    s->mru = e;
    if (!s->lru) s->lru = e;
}

int rlm_history_cache_get(rlm_history_cache *c, uint64_t hash, const int32_t *ids, uint32_t len,
                          rlm_state *out) {
    shard *s = shard_of(c, hash);
    pthread_mutex_lock(&s->lock);
    entry *e = find(s, hash, ids, len);
    if (e) {
        s->hits++;
        lru_unlink(s, e);
        lru_push_front(s, e);
        rlm_state_copy(out, e->state);
    } else {
        s->misses++;
    }
    pthread_mutex_unlock(&s->lock);
    return e != NULL;
}

static void evict_lru(rlm_history_cache *c, shard *s) {
    entry *e = s->lru;
    entry **p = bucket_of(s, e->hash);
    while (*p != e) p = &(*p)->bucket_next;
    *p = e->bucket_next;
    lru_unlink(s, e);
    s->bytes -= rlm_history_cache_entry_bytes(c, e->len);
    s->entries--;
    s->evictions++;
    rlm_state_free(e->state);
    free(e);
}

/* Doubles the bucket array when the load would pass 1; a failed grow just keeps longer chains. */
static int grow_buckets(shard *s) {
    if (s->entries < s->n_buckets) return 0;
    size_t n = s->n_buckets ? s->n_buckets * 2 : 64;
    entry **b = calloc(n, sizeof *b);
    if (!b) return s->n_buckets ? 0 : -1;
    for (size_t i = 0; i < s->n_buckets; i++)
        for (entry *e = s->buckets[i], *next; e; e = next) {
            next = e->bucket_next;
            e->bucket_next = b[e->hash & (n - 1)];
            b[e->hash & (n - 1)] = e;
        }
    free(s->buckets);
    s->buckets = b;
    s->n_buckets = n;
    return 0;
}

void rlm_history_cache_put(rlm_history_cache *c, uint64_t hash, const int32_t *ids, uint32_t len,
                           const rlm_state *state) {
    shard *s = shard_of(c, hash);
    size_t need = rlm_history_cache_entry_bytes(c, len);
    if (need > s->limit) return;
    /* Allocate outside the lock; drop the copy if another thread stored the history first. */
    entry *e = malloc(sizeof *e + (size_t)len * sizeof *ids);
    rlm_state *copy = e ? rlm_state_new(c->model) : NULL;
    if (!copy) {
        free(e);
        return;
    }
    rlm_state_copy(copy, state);
    e->hash = hash;
    e->len = len;
    e->state = copy;
    memcpy(e->ids, ids, (size_t)len * sizeof *ids);
    pthread_mutex_lock(&s->lock);
    entry *old = find(s, hash, ids, len);
    if (old || grow_buckets(s)) {
        if (old) {
            lru_unlink(s, old);
            lru_push_front(s, old);
        }
        pthread_mutex_unlock(&s->lock);
        rlm_state_free(copy);
        free(e);
        return;
    }
    while (s->lru && s->bytes + need > s->limit) evict_lru(c, s);
    entry **b = bucket_of(s, hash);
    e->bucket_next = *b;
    *b = e;
    lru_push_front(s, e);
    s->bytes += need;
    s->entries++;
    s->insertions++;
    pthread_mutex_unlock(&s->lock);
}

void rlm_history_cache_get_stats(rlm_history_cache *c, rlm_history_cache_stats *out) {
    memset(out, 0, sizeof *out);
    out->limit_bytes = c->limit;
    for (int i = 0; i < c->n_shards; i++) {
        shard *s = &c->shards[i];
        pthread_mutex_lock(&s->lock);
        out->hits += s->hits;
        out->misses += s->misses;
        out->insertions += s->insertions;
        out->evictions += s->evictions;
        out->entries += s->entries;
        out->bytes += s->bytes;
        pthread_mutex_unlock(&s->lock);
    }
}

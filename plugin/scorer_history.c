/* The scorer's interned history tree (scorer_history.h). */
#include "scorer_history.h"

#include <pthread.h>
#include <stdlib.h>

#include "history_cache.h"

#define CHUNK_BITS 14
#define CHUNK_SIZE (1u << CHUNK_BITS)
#define MAX_CHUNKS (1u << (32 - CHUNK_BITS)) /* ids stay below SCORER_HISTORY_NONE */

struct scorer_history {
    pthread_mutex_t lock;
    scorer_history_node **chunks; /* MAX_CHUNKS slots, filled in order */
    uint32_t count;
    uint32_t *table; /* open addressing on (parent, word): node ids, 0 = empty slot */
    size_t table_size; /* a power of two, at least twice count */
};

static scorer_history_node *node_at(const scorer_history *h, uint32_t id) {
    return &h->chunks[id >> CHUNK_BITS][id & (CHUNK_SIZE - 1)];
}

static void put_root(scorer_history *h) {
    scorer_history_node *root = node_at(h, 0);
    root->hash = RLM_HISTORY_HASH_EMPTY;
    root->parent = 0;
    root->depth = 0;
    root->word = -1;
    h->count = 1;
}

scorer_history *scorer_history_new(void) {
    scorer_history *h = calloc(1, sizeof *h);
    if (!h) return NULL;
    h->chunks = calloc(MAX_CHUNKS, sizeof *h->chunks);
    h->chunks[0] = h->chunks ? malloc(CHUNK_SIZE * sizeof **h->chunks) : NULL;
    h->table_size = 1024;
    h->table = calloc(h->table_size, sizeof *h->table);
    if (!h->chunks || !h->chunks[0] || !h->table) {
        scorer_history_free(h);
        return NULL;
    }
    pthread_mutex_init(&h->lock, NULL);
    put_root(h);
    return h;
}

void scorer_history_free(scorer_history *h) {
    if (!h) return;
    if (h->chunks)
        for (uint32_t i = 0; i < MAX_CHUNKS && h->chunks[i]; i++) free(h->chunks[i]);
    free(h->chunks);
    free(h->table);
    if (h->count) pthread_mutex_destroy(&h->lock);
    free(h);
}

void scorer_history_clear(scorer_history *h) {
    for (size_t i = 0; i < h->table_size; i++) h->table[i] = 0;
    put_root(h);
}

static size_t slot_of(const scorer_history *h, uint64_t hash) {
    return (size_t)hash & (h->table_size - 1);
}

static int grow_table(scorer_history *h) {
    size_t n = h->table_size * 2;
    uint32_t *t = calloc(n, sizeof *t);
    if (!t) return -1;
    for (size_t i = 0; i < h->table_size; i++) {
        uint32_t id = h->table[i];
        if (!id) continue;
        size_t j = (size_t)node_at(h, id)->hash & (n - 1);
        while (t[j]) j = (j + 1) & (n - 1);
        t[j] = id;
    }
    free(h->table);
    h->table = t;
    h->table_size = n;
    return 0;
}

uint32_t scorer_history_extend(scorer_history *h, uint32_t node, int32_t word) {
    uint64_t hash = rlm_history_hash_extend(node_at(h, node)->hash, word);
    uint32_t id = SCORER_HISTORY_NONE;
    pthread_mutex_lock(&h->lock);
    size_t j = slot_of(h, hash);
    /* (parent, word) identifies the sequence exactly because parents are interned already. */
    for (; h->table[j]; j = (j + 1) & (h->table_size - 1)) {
        const scorer_history_node *n = node_at(h, h->table[j]);
        if (n->hash == hash && n->parent == node && n->word == word) {
            id = h->table[j];
            goto done;
        }
    }
    if ((h->count + 1) * 2 > h->table_size) {
        if (grow_table(h)) goto done;
        j = slot_of(h, hash);
        while (h->table[j]) j = (j + 1) & (h->table_size - 1);
    }
    uint32_t chunk = h->count >> CHUNK_BITS;
    if (chunk >= MAX_CHUNKS - 1) goto done;
    if (!h->chunks[chunk] && !(h->chunks[chunk] = malloc(CHUNK_SIZE * sizeof **h->chunks)))
        goto done;
    id = h->count++;
    scorer_history_node *n = node_at(h, id);
    n->hash = hash;
    n->parent = node;
    n->depth = node_at(h, node)->depth + 1;
    n->word = word;
    h->table[j] = id;
done:
    pthread_mutex_unlock(&h->lock);
    return id;
}

const scorer_history_node *scorer_history_get(const scorer_history *h, uint32_t node) {
    return node_at(h, node);
}

void scorer_history_ids(const scorer_history *h, uint32_t node, int32_t *ids) {
    for (const scorer_history_node *n = node_at(h, node); n->depth; n = node_at(h, n->parent))
        ids[n->depth - 1] = n->word;
}

size_t scorer_history_count(scorer_history *h) {
    pthread_mutex_lock(&h->lock);
    size_t n = h->count;
    pthread_mutex_unlock(&h->lock);
    return n;
}

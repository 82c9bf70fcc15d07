/* The hidden-state cache (internal): a history, the word ids read since `<s>` (or only the last k
 * of them for the n-gram approximation), mapped to the RNN state after reading it.
 *
 * Keys are id sequences. The 64-bit hash (rlm_history_hash_extend, folded over the ids) picks the
 * shard and the bucket; a hit also needs equal length and equal ids, so two histories whose hashes
 * collide never share an entry.
 *
 * Memory: every entry is charged its full size (entry header, ids, the state's struct and
 * floats); inserting evicts least-recently-used entries until the total is within the limit, and
 * an entry larger than a shard's share of the limit is not stored. A limit of 0 stores nothing.
 *
 * Threads: the cache is split into shards, each with its own mutex, LRU list and byte budget
 * (limit / shards), chosen by the top bits of the hash. Sharding rather than per-thread caches
 * because the threads of one decoder score the same beams and prefixes: per-thread caches would
 * store the same state once per thread and split the budget n ways, while 16 shards with short
 * critical sections (a bucket walk and one copy of the hidden vector) keep two threads on the
 * same lock rare. A hit copies the state out under the lock, so nothing the caller holds can be
 * evicted under it: no pinning or reference counts. */
#ifndef RLM_HISTORY_CACHE_H
#define RLM_HISTORY_CACHE_H

#include <stddef.h>
#include <stdint.h>

#include "rlm_model.h"

/* Hash of the empty history; extend it with each id in order. */
#define RLM_HISTORY_HASH_EMPTY 0x6a09e667f3bcc908ull
uint64_t rlm_history_hash_extend(uint64_t h, int32_t word);
uint64_t rlm_history_hash(const int32_t *ids, uint32_t len);

typedef struct rlm_history_cache rlm_history_cache;

typedef struct rlm_history_cache_stats {
    uint64_t hits, misses, insertions, evictions;
    uint64_t entries, bytes, limit_bytes;
} rlm_history_cache_stats;

/* A cache for states of model m (which must outlive it), at most limit_bytes in all, split into
 * n_shards shards (rounded up to a power of two, at least 1). NULL when out of memory. */
rlm_history_cache *rlm_history_cache_new(const rlm_model *m, size_t limit_bytes, int n_shards);
void rlm_history_cache_free(rlm_history_cache *c);

/* 1 and the cached state copied to out when the history (ids[0..len), hash = rlm_history_hash of
 * them) is cached, which also makes it the most recently used entry; 0 otherwise. */
int rlm_history_cache_get(rlm_history_cache *c, uint64_t hash, const int32_t *ids, uint32_t len,
                          rlm_state *out);
/* Stores a copy of state under the history, evicting as needed; a history already present is only
 * marked used. Out of memory is not an error: the state is simply not cached. */
void rlm_history_cache_put(rlm_history_cache *c, uint64_t hash, const int32_t *ids, uint32_t len,
                           const rlm_state *state);
/* Bytes an entry with a history of len ids is charged. */
size_t rlm_history_cache_entry_bytes(const rlm_history_cache *c, uint32_t len);
void rlm_history_cache_get_stats(rlm_history_cache *c, rlm_history_cache_stats *out);

#endif

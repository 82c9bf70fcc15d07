/* The scorer's history table (internal): every RNN history a scorer state can stand for, interned
 * as a node of a prefix tree, so that a state holds one 32-bit node id, equal histories get equal
 * ids, and the hidden state of a history evicted from the cache can be recomputed from its words.
 *
 * Node 0 is the empty history (`<s>` only). Nodes are never moved or freed until
 * scorer_history_clear or scorer_history_free: they live in fixed-size chunks, so readers need no
 * lock (a node id only reaches another thread after the mutex-protected insert that wrote it). */
#ifndef RLM_SCORER_HISTORY_H
#define RLM_SCORER_HISTORY_H

#include <stddef.h>
#include <stdint.h>

typedef struct scorer_history_node {
    uint64_t hash;   /* rlm_history_hash of the id sequence */
    uint32_t parent; /* the history without its last word (node 0 has itself) */
    uint32_t depth;  /* number of ids */
    int32_t word;    /* the last id (-1 for node 0) */
} scorer_history_node;

#define SCORER_HISTORY_NONE UINT32_MAX /* out of memory */

typedef struct scorer_history scorer_history;

scorer_history *scorer_history_new(void);
void scorer_history_free(scorer_history *h);
/* Forget every node but the empty history (all earlier ids become invalid). Not thread-safe. */
void scorer_history_clear(scorer_history *h);
/* The node of (history `node`, then `word`); SCORER_HISTORY_NONE when out of memory. */
uint32_t scorer_history_extend(scorer_history *h, uint32_t node, int32_t word);
const scorer_history_node *scorer_history_get(const scorer_history *h, uint32_t node);
/* Writes the node's ids, oldest first, to ids (room for its depth). */
void scorer_history_ids(const scorer_history *h, uint32_t node, int32_t *ids);
size_t scorer_history_count(scorer_history *h);

#endif

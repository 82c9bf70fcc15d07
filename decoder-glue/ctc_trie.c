/* The prefix trie of the CTC decoder: equal prefixes are one node, so extensions that reach the
 * same prefix merge by index and its LM score is computed once. */
#include <stdlib.h>
#include <string.h>

#include "ctc_internal.h"

static size_t slot_of(int32_t parent, int32_t label, size_t mask) {
    uint64_t h = ((uint64_t)(uint32_t)parent << 32 | (uint32_t)label) * 0x9E3779B97F4A7C15ull;
    h ^= h >> 32; /* the product's low bits do not see the parent (in the high word) */
    h *= 0xBF58476D1CE4E5B9ull;
    return (size_t)(h ^ h >> 31) & mask;
}

static int rehash(ctc_trie *t, size_t n_slots) {
    int32_t *s = calloc(n_slots, sizeof *s);
    if (!s) return -1;
    for (int32_t i = 1; i < t->n; i++) {
        size_t k = slot_of(t->nodes[i].parent, t->nodes[i].label, n_slots - 1);
        while (s[k]) k = (k + 1) & (n_slots - 1);
        s[k] = i + 1;
    }
    free(t->slots);
    t->slots = s, t->n_slots = n_slots;
    return 0;
}

int ctc_trie_reset(ctc_trie *t, const rlm_scorer_state *begin) {
    if (!t->nodes) {
        t->cap = 1024;
        if (!(t->nodes = malloc((size_t)t->cap * sizeof *t->nodes))) return -1;
    }
    t->n = 1;
    memset(&t->nodes[0], 0, sizeof t->nodes[0]);
    t->nodes[0].parent = -1, t->nodes[0].label = -1;
    t->nodes[0].state = *begin;
    return rehash(t, 2048);
}

void ctc_trie_free(ctc_trie *t) {
    free(t->nodes);
    free(t->slots);
    memset(t, 0, sizeof *t);
}

int32_t ctc_trie_child(ctc_trie *t, int32_t parent, int32_t label, int32_t space, int *made) {
    *made = 0;
    size_t mask = t->n_slots - 1, k = slot_of(parent, label, mask);
    for (; t->slots[k]; k = (k + 1) & mask) {
        const ctc_node *c = &t->nodes[t->slots[k] - 1];
        if (c->parent == parent && c->label == label) return t->slots[k] - 1;
    }
    if (t->n == INT32_MAX - 1) return -1;
    if (t->n == t->cap) {
        int32_t cap = t->cap > INT32_MAX / 2 ? INT32_MAX - 1 : 2 * t->cap;
        ctc_node *nn = realloc(t->nodes, (size_t)cap * sizeof *nn);
        if (!nn) return -1;
        t->nodes = nn, t->cap = cap;
    }
    int32_t i = t->n++;
    ctc_node *c = &t->nodes[i];
    *c = t->nodes[parent];
    c->parent = parent, c->label = label, c->depth = t->nodes[parent].depth + 1;
    if (label == space) c->word_depth = c->depth;
    t->slots[k] = i + 1;
    if ((size_t)t->n * 2 > t->n_slots && rehash(t, t->n_slots * 2)) return -1;
    *made = 1;
    return i;
}

int32_t ctc_trie_labels(const ctc_trie *t, int32_t node, int32_t from, int32_t *out) {
    int32_t n = t->nodes[node].depth - from;
    for (int32_t i = n - 1; i >= 0; i--, node = t->nodes[node].parent) out[i] = t->nodes[node].label;
    return n;
}

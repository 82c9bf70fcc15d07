/* Internals of the CTC decoder (rlm_ctc.h): the prefix trie. */
#ifndef RLM_CTC_INTERNAL_H
#define RLM_CTC_INTERNAL_H

#include "rlm_ctc.h"

/* One prefix: its parent and last label. Node 0 is the empty prefix. A prefix's LM part is fixed
 * when it is made, so equal prefixes reached by different alignments share it. */
typedef struct ctc_node {
    int32_t parent, label;    /* label -1 for the root */
    int32_t depth;            /* labels in the prefix */
    int32_t word_depth;       /* word mode: depth where the current (partial) word starts */
    int32_t n_tokens;         /* LM tokens scored */
    double lm;                /* sum of their LM log10 probabilities */
    rlm_scorer_state state;   /* the LM state after them */
} ctc_node;

/* All prefixes of one utterance, found by (parent, label) in an open-addressing table. */
typedef struct ctc_trie {
    ctc_node *nodes;
    int32_t n, cap;
    int32_t *slots; /* node index + 1, 0 = empty */
    size_t n_slots; /* a power of two, at least twice n */
} ctc_trie;

/* Empties the trie and makes the root (with the given LM state); -1 when memory runs out. */
int ctc_trie_reset(ctc_trie *t, const rlm_scorer_state *begin);
void ctc_trie_free(ctc_trie *t);
/* The child of parent by label: its index, with *made = 1 when it is new (fields other than
 * parent, label, depth and word_depth are then the parent's, for the caller to update); -1 when
 * memory runs out. word_depth of a child of the space label is its depth. */
int32_t ctc_trie_child(ctc_trie *t, int32_t parent, int32_t label, int32_t space, int *made);
/* The labels of the prefix's last (depth - from) positions, in order, into out (room for
 * depth - from); returns how many were written. */
int32_t ctc_trie_labels(const ctc_trie *t, int32_t node, int32_t from, int32_t *out);

#endif

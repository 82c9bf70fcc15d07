/* Word lattices in memory: what every lattice reader fills (OpenFst, Kaldi text, HTK SLF), every
 * writer takes, and the lattice rescorer works on.
 *
 * A lattice is a graph of states 0 .. n_states-1 with one start state and any number of final
 * states. Each arc carries a word (a label of the lattice's symbol table, RLM_SYMBOL_EPS for
 * none) and two scores, acoustic and the decoder's LM, both log10 probabilities (higher is
 * better). Readers convert from their file's base and writers convert back:
 *   OpenFst, Kaldi   weights are costs c = -ln P (Kaldi: graph cost, acoustic cost)  log10 = -c / ln 10
 *   HTK SLF          a= and l= are ln P, or log base B when the header says base=B  log10 = x log10(B)
 * A final state has a final score pair (an OpenFst / Kaldi final weight; 0 for SLF end nodes).
 * States may carry a time in seconds (SLF t=); -1 when unknown.
 *
 * What a format has and the others lack is kept so it can be written back: an arc's input label
 * (OpenFst ilabel, the transition id of a Kaldi Lattice arc; equal to the word for acceptors)
 * and its sequence of transition ids (a Kaldi CompactLattice arc, in lat->seq), and the
 * transition ids of a CompactLattice final weight (those after the last word).
 *
 * Lattices may be non-deterministic and need not be co-accessible (states that reach no final
 * state); rlm_lattice_check rejects only what no reader should produce: labels or states out of
 * range and cycles. The structs are read by callers; build them with the functions below. */
#ifndef RLM_LATTICE_H
#define RLM_LATTICE_H

#include <stddef.h>
#include <stdint.h>

#include "rlm_status.h"
#include "rlm_symbols.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rlm_lattice_arc {
    int32_t from, to;
    int32_t word;              /* output label in lat->symbols; RLM_SYMBOL_EPS for none */
    int32_t ilabel;            /* input label as read; = word unless the format has its own */
    double ac, lm;             /* log10 */
    uint32_t seq_off, seq_len; /* transition ids lat->seq[seq_off .. seq_off + seq_len) */
} rlm_lattice_arc;

typedef struct rlm_lattice_state {
    int is_final;
    double final_ac, final_lm; /* log10, when is_final */
    double time;               /* seconds, -1 when unknown */
    uint32_t first_arc, n_arcs; /* its outgoing arcs, valid after rlm_lattice_sort_arcs */
    uint32_t final_seq_off, final_seq_len; /* final weight's transition ids in lat->seq */
} rlm_lattice_state;

typedef struct rlm_lattice {
    char *id;                  /* the utterance */
    rlm_symbols *symbols;      /* shared, not owned: several lattices may use one table */
    int32_t start;             /* -1 until set */
    rlm_lattice_state *states;
    int32_t n_states, cap_states;
    rlm_lattice_arc *arcs;
    size_t n_arcs, cap_arcs;
    int32_t *seq;
    size_t n_seq, cap_seq;
    int arcs_sorted;           /* arcs grouped by source state (rlm_lattice_sort_arcs) */
} rlm_lattice;

/* An empty lattice for utterance `id` over `symbols`; NULL when out of memory. */
RLM_API rlm_lattice *rlm_lattice_new(const char *id, rlm_symbols *symbols);
RLM_API void rlm_lattice_free(rlm_lattice *lat);

/* A new state's index (not final, time -1); -1 when out of memory. */
RLM_API int32_t rlm_lattice_add_state(rlm_lattice *lat);
/* Adds states until n exist; 0 when out of memory. */
RLM_API int rlm_lattice_reserve_states(rlm_lattice *lat, int32_t n);
RLM_API void rlm_lattice_set_final(rlm_lattice *lat, int32_t state, double ac, double lm);
/* A new arc's index; -1 when out of memory. The states must exist. */
RLM_API int64_t rlm_lattice_add_arc(rlm_lattice *lat, int32_t from, int32_t to, int32_t word,
                                    double ac, double lm);
/* Gives arc `arc` the transition-id sequence ids[0..n); 0 when out of memory. */
RLM_API int rlm_lattice_set_seq(rlm_lattice *lat, size_t arc, const int32_t *ids, uint32_t n);
/* Gives final state `state` the transition-id sequence ids[0..n); 0 when out of memory. */
RLM_API int rlm_lattice_set_final_seq(rlm_lattice *lat, int32_t state, const int32_t *ids,
                                      uint32_t n);

/* Groups the arcs by source state (stable: arcs of one state keep their order) and fills each
 * state's first_arc and n_arcs. */
RLM_API rlm_status rlm_lattice_sort_arcs(rlm_lattice *lat, rlm_error *err);
/* The states in a topological order (order[n_states]); RLM_E_FORMAT naming the utterance when
 * the graph has a cycle. Sorts the arcs first when needed. */
RLM_API rlm_status rlm_lattice_topsort(rlm_lattice *lat, int32_t *order, rlm_error *err);
/* A start state exists, every arc's states and word are in range, and the graph is acyclic;
 * `where` (a file name) starts the message. */
RLM_API rlm_status rlm_lattice_check(rlm_lattice *lat, const char *where, rlm_error *err);

/* A growing array of lattices, as an archive file holds them. */
typedef struct rlm_lattice_list {
    rlm_lattice **lat;
    size_t n, cap;
} rlm_lattice_list;

/* Appends (the list owns lat afterwards); 0 when out of memory (lat is not freed). */
RLM_API int rlm_lattice_list_push(rlm_lattice_list *l, rlm_lattice *lat);
/* Frees every lattice and the array; the list is empty again. */
RLM_API void rlm_lattice_list_free(rlm_lattice_list *l);

#ifdef __cplusplus
}
#endif

#endif

/* OpenFst lattices from C: a thin wrapper around OpenFst 1.7.9 (Debian libfst-dev) behind an
 * opaque handle, and the conversion to and from the in-memory lattice (rlm_lattice.h).
 *
 * An rlm_fst is an OpenFst VectorFst over the tropical ("standard") or the log semiring. Its
 * weights are OpenFst's: costs c = -ln P as 32-bit floats, lower is better; INFINITY is
 * OpenFst's Zero (no path, a non-final state). The lattice conversion below turns them into
 * log10 scores (log10 P = -c / ln 10).
 *
 * Files:
 *   binary  what fstcompile writes and fstprint reads: a "vector" FST with arc type "standard"
 *           or "log" (told apart by the header), with or without embedded symbol tables.
 *           OpenFst trusts the counts in a file, so every count, string length, label and
 *           state id is checked against the file's size and the header before OpenFst sees the
 *           bytes; errors name the file and the byte offset.
 *   text    the AT&T form of fstcompile / fstprint: `src dst ilabel olabel [weight]` per arc,
 *           `state [weight]` per final state (weight "Infinity": not final), fields separated
 *           by spaces or tabs, the first line's source state is the start. State numbers are
 *           kept as written (fstcompile --keep_state_numbering); they must stay below twice the
 *           number of lines. Labels are words of the given symbol table files, or integers
 *           without one. Errors name file:line: field.
 *
 * Every function catches OpenFst's and C++'s exceptions: none escapes; out of memory is
 * RLM_E_NOMEM. */
#ifndef RLM_FST_H
#define RLM_FST_H

#include <stddef.h>
#include <stdint.h>

#include "rlm_lattice.h"
#include "rlm_status.h"
#include "rlm_symbols.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rlm_fst rlm_fst;

typedef enum rlm_fst_semiring {
    RLM_FST_TROPICAL = 0, /* OpenFst arc type "standard": path weight = min over paths */
    RLM_FST_LOG           /* arc type "log": path weight = -ln sum exp(-c) over paths */
} rlm_fst_semiring;

#define RLM_FST_NO_STATE (-1)

typedef struct rlm_fst_arc {
    int32_t ilabel, olabel; /* 0 is epsilon */
    float weight;           /* cost, -ln P */
    int32_t nextstate;
} rlm_fst_arc;

/* ---- Handles ---- */
/* An empty FST (no states, no start); NULL when out of memory. */
RLM_API rlm_fst *rlm_fst_new(rlm_fst_semiring semiring);
RLM_API void rlm_fst_free(rlm_fst *f);
RLM_API rlm_fst_semiring rlm_fst_semiring_of(const rlm_fst *f);

/* ---- Binary files ---- */
RLM_API rlm_status rlm_fst_read(const char *path, rlm_fst **out, rlm_error *err);
/* The same from memory (size bytes, called `name` in messages). */
RLM_API rlm_status rlm_fst_parse(const void *data, size_t size, const char *name, rlm_fst **out,
                                 rlm_error *err);
/* Writes atomically, with the embedded symbol tables. */
RLM_API rlm_status rlm_fst_write(const rlm_fst *f, const char *path, rlm_error *err);

/* ---- Text files ---- */
typedef struct rlm_fst_text_options {
    const rlm_symbols *isymbols, *osymbols; /* input / output words, or NULL for integers */
    rlm_fst_semiring semiring;
} rlm_fst_text_options;

/* Reads a text FST; the symbol tables given are embedded in the result (as fstcompile
 * --keep_isymbols --keep_osymbols does). */
RLM_API rlm_status rlm_fst_read_text(const char *path, const rlm_fst_text_options *opt,
                                     rlm_fst **out, rlm_error *err);
RLM_API rlm_status rlm_fst_parse_text(const char *text, size_t size, const char *name,
                                      const rlm_fst_text_options *opt, rlm_fst **out,
                                      rlm_error *err);
/* Writes what fstprint prints for the binary form: the start state's lines first, labels as
 * words when the FST embeds symbol tables, weights with 9 significant digits and left out when
 * 0; atomically. */
RLM_API rlm_status rlm_fst_write_text(const rlm_fst *f, const char *path, rlm_error *err);

/* ---- States and arcs ---- */
RLM_API int32_t rlm_fst_num_states(const rlm_fst *f);
/* The start state, or RLM_FST_NO_STATE. */
RLM_API int32_t rlm_fst_start(const rlm_fst *f);
/* The final weight of a state in range; INFINITY when it is not final. */
RLM_API float rlm_fst_final(const rlm_fst *f, int32_t state);
RLM_API size_t rlm_fst_num_arcs(const rlm_fst *f, int32_t state);
/* Arc i (< rlm_fst_num_arcs) of a state in range. */
RLM_API rlm_fst_arc rlm_fst_get_arc(const rlm_fst *f, int32_t state, size_t i);

/* A new state's id; -1 when out of memory. */
RLM_API int32_t rlm_fst_add_state(rlm_fst *f);
/* RLM_E_ARG when a state is out of range or a label negative. */
RLM_API rlm_status rlm_fst_add_arc(rlm_fst *f, int32_t state, rlm_fst_arc arc, rlm_error *err);
RLM_API rlm_status rlm_fst_set_final(rlm_fst *f, int32_t state, float weight, rlm_error *err);
RLM_API rlm_status rlm_fst_set_start(rlm_fst *f, int32_t state, rlm_error *err);

/* ---- Embedded symbol tables: `output` 0 for the input labels, 1 for the output labels ---- */
/* Embeds a copy of s (NULL removes the table). */
RLM_API rlm_status rlm_fst_set_symbols(rlm_fst *f, int output, const rlm_symbols *s,
                                       rlm_error *err);
/* A new copy of the embedded table in *out (the caller frees it), or NULL when there is none. */
RLM_API rlm_status rlm_fst_get_symbols(const rlm_fst *f, int output, rlm_symbols **out,
                                       rlm_error *err);

/* ---- Algorithms (OpenFst's) ---- */
/* Renumbers the states in a topological order (fsttopsort); RLM_E_FORMAT when cyclic. */
RLM_API rlm_status rlm_fst_topsort(rlm_fst *f, rlm_error *err);
/* Keeps the output (output = 1) or input labels on both sides (fstproject). */
RLM_API rlm_status rlm_fst_project(rlm_fst *f, int output, rlm_error *err);
/* Removes epsilon arcs (fstrmepsilon). */
RLM_API rlm_status rlm_fst_rmepsilon(rlm_fst *f, rlm_error *err);
/* The n (>= 1) shortest paths as a new FST, as fstshortestpath --nshortest=n [--unique] writes
 * it. `unique` keeps paths with distinct label strings; it needs an acceptor (project first).
 * A log-semiring FST is searched with its weights read as tropical (the Viterbi best paths) and
 * the result is again a log FST. An FST with no path gives an empty FST. */
RLM_API rlm_status rlm_fst_shortest_path(const rlm_fst *f, int n, int unique, rlm_fst **out,
                                         rlm_error *err);

/* ---- Lattices (decoder-glue/lattice_fst.c) ----
 * An FST lattice over words carries one weight per arc, the combined cost. Reading splits it:
 * ac = ac_share * s and lm = (1 - ac_share) * s where s = -c / ln 10 (log10); the default
 * share 0 puts the whole weight in lm (the graph / LM cost), ac = 0. Final weights split the
 * same way. The arc's output label is the word, its input label is kept in arc->ilabel.
 * Writing puts ac + lm back into the one weight (c = -(ac + lm) ln 10): after rescoring, store
 * the new total (with the scales chosen) in the scores first. */
typedef struct rlm_lattice_fst_options {
    double ac_share;           /* reading: in [0, 1]; 0 puts all in lm */
    int open_labels;           /* reading: an output label missing from the table is added as
                                  a word spelt like its number (id 7 -> "7") instead of an error */
    rlm_fst_semiring semiring; /* writing: the arc type */
    const double *arc_lm;      /* writing: new lm scores (log10) per arc in lat->arcs order,
                                  replacing the lattice's own; NULL keeps them */
    const double *final_lm;    /* writing: the same per state, for final states */
} rlm_lattice_fst_options;

/* The lattice of an FST. Its words are the FST's labels with the same ids: the FST's embedded
 * output symbol table is merged into `symbols` (a table the caller owns, fresh or read from a
 * words.txt); an id or word given differently by the two is an error naming `where`. The
 * lattice is checked (rlm_lattice_check) before it is returned. */
RLM_API rlm_status rlm_lattice_from_fst(const rlm_fst *f, const char *id, rlm_symbols *symbols,
                                        const char *where, const rlm_lattice_fst_options *opt,
                                        rlm_lattice **out, rlm_error *err);
/* The FST of a lattice: same state ids, start and arcs; output symbols = the lattice's table,
 * input symbols too when every arc's ilabel equals its word. */
RLM_API rlm_status rlm_lattice_to_fst(const rlm_lattice *lat, const rlm_lattice_fst_options *opt,
                                      rlm_fst **out, rlm_error *err);

/* One path of an n-best result. */
typedef struct rlm_fst_path {
    int32_t *olabels;  /* the non-epsilon output labels, in order */
    size_t n_labels;
    double cost;       /* sum of the arc weights and the final weight, -ln */
} rlm_fst_path;

/* The paths of an acyclic FST (a shortest-path result) from the start to each final state,
 * by cost, lowest first (ties keep the depth-first order); at most max_paths of them.
 * Free with rlm_fst_paths_free. */
RLM_API rlm_status rlm_fst_paths(const rlm_fst *f, size_t max_paths, rlm_fst_path **paths,
                                 size_t *n_paths, rlm_error *err);
RLM_API void rlm_fst_paths_free(rlm_fst_path *paths, size_t n_paths);

#ifdef __cplusplus
}
#endif

#endif

/* Lattice files by format name, into and out of the in-memory lattices of rlm_lattice.h (whose
 * scores are log10 probabilities; each reader converts from its file's base, each writer back).
 *
 *   "kaldi"  Kaldi text archives as `lattice-copy ... ark,t:FILE` writes them: a `utt-id` line,
 *            the FST's lines, a blank line, per lattice. CompactLattice form (arcs `src dst word
 *            graph,acoustic,tid_tid_...`) or Lattice form (arcs `src dst tid word graph,acoustic`),
 *            told apart per lattice. Costs are -ln P. Words are integer ids (of a words.txt).
 *   "slf"    HTK Standard Lattice Format, one lattice per file, as pocketsphinx
 *            (ps_lattice_write_htk) and HTK write it: words on nodes or on links, a= (acoustic)
 *            and l= (LM) in ln P, or log base B after base=B (base=0: probabilities).
 *   "fst"    OpenFst binary vector FST (arc type standard or log), one lattice per file;
 *            "fst-text" its fstprint text form. One cost (-ln P) per arc, read into lm with
 *            ac = 0 and written back as ac + lm; words are output labels (rlm_fst.h,
 *            decoder-glue/lattice_fst_io.c).
 *   Further formats are added by their own files; names stay stable.
 *
 * Errors name file:line: field. A reader appends to `out` only when the whole file parsed; a
 * writer replaces its output atomically (never a half-written file). Every lattice read has
 * passed rlm_lattice_check (a start state, acyclic), which leaves its arcs grouped by source
 * state (file order within a state): arc indices, and so write_opts.arc_lm, follow that order.
 * Words are kept as the file spells them, special ones too (SLF's !NULL, !SENT_START, <s>,
 * </s>, <sil>, fillers); a Kaldi lattice with no states (an empty FST) is read as one with
 * n_states 0 and start -1, and written back so. Details: lattice_kaldi.c, lattice_slf.c. */
#ifndef RLM_LATTICE_IO_H
#define RLM_LATTICE_IO_H

#include <stddef.h>

#include "rlm_lattice.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct rlm_lattice_read_opts {
    rlm_symbols *symbols; /* the table words go into, shared by every lattice read; required */
    int closed;           /* 1: every word must be in `symbols` already (a words.txt was given):
                             Kaldi ids and SLF words not in it are errors. 0: Kaldi ids are
                             added as words spelt like the number (id 7 -> word "7", id 7), so
                             writing reproduces them; SLF words get the next free ids. */
} rlm_lattice_read_opts;

/* Fills opt: symbols read from words_txt (closed) when it is not NULL, else a new table holding
 * only <eps> = 0 (open). Free with rlm_lattice_read_opts_free. */
RLM_API rlm_status rlm_lattice_read_opts_init(rlm_lattice_read_opts *opt, const char *words_txt,
                                              rlm_error *err);
RLM_API void rlm_lattice_read_opts_free(rlm_lattice_read_opts *opt);

/* 1 when `format` names a format this build reads and writes. */
RLM_API int rlm_lattice_format_known(const char *format);
/* The known names, comma-separated, for help texts and error messages. */
RLM_API const char *rlm_lattice_format_names(void);

/* Reads every lattice of the file at `path` and appends them to out. A gzip or xz file (HTK's
 * lat.gz) is read as the text inside it. */
RLM_API rlm_status rlm_lattice_read(const char *format, const char *path,
                                    const rlm_lattice_read_opts *opt, rlm_lattice_list *out,
                                    rlm_error *err);
/* The same from bytes in memory; `name` stands for the file in messages (and gives an SLF
 * lattice without UTTERANCE= its id: the name's last component without its extension). */
RLM_API rlm_status rlm_lattice_parse(const char *format, const char *data, size_t size,
                                     const char *name, const rlm_lattice_read_opts *opt,
                                     rlm_lattice_list *out, rlm_error *err);

typedef enum rlm_kaldi_form {
    RLM_KALDI_AUTO = 0, /* Lattice when some arc's ilabel differs from its word, else Compact */
    RLM_KALDI_COMPACT,  /* CompactLattice: ilabels are dropped, transition ids kept */
    RLM_KALDI_LATTICE   /* Lattice: ilabel then word; transition-id strings are dropped */
} rlm_kaldi_form;

typedef struct rlm_lattice_write_opts {
    /* New LM scores (log10) written instead of the lattices' own: arc_lm[i][a] for arc a of
     * lattice i (in lat->arcs order), final_lm[i][s] for final state s. NULL (the array, or an
     * entry) keeps the lattice's own. */
    const double *const *arc_lm;
    const double *const *final_lm;
    rlm_kaldi_form kaldi_form;
    double slf_base;      /* SLF: log base of a= and l=; 0 means e (no base= line) */
    int fst_log;          /* fst, fst-text: arc type log instead of standard (tropical) */
} rlm_lattice_write_opts;

/* Writes the lattices to `path` (opt may be NULL: defaults). Kaldi: one archive. SLF: one
 * lattice per file, so with several lattices (or when path is a directory) `path` must be a
 * directory and each goes to path/ID.slf. */
RLM_API rlm_status rlm_lattice_write(const char *format, const rlm_lattice_list *l,
                                     const char *path, const rlm_lattice_write_opts *opt,
                                     rlm_error *err);

#ifdef __cplusplus
}
#endif

#endif

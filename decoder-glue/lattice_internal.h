/* Shared by the lattice readers and writers (internal): each format's entry points, which
 * rlm_lattice_io.c dispatches to by name, and the small parsing helpers of the text formats. */
#ifndef RLM_LATTICE_INTERNAL_H
#define RLM_LATTICE_INTERNAL_H

#include <stdint.h>

#include "nbest_internal.h"
#include "rlm_lattice_io.h"

/* One format: parse bytes into `out` (the caller keeps them only when RLM_OK), write a list. */
typedef struct lattice_format {
    const char *name;
    rlm_status (*parse)(const char *data, size_t size, const char *name,
                        const rlm_lattice_read_opts *opt, rlm_lattice_list *out, rlm_error *err);
    rlm_status (*write)(const rlm_lattice_list *l, const char *path,
                        const rlm_lattice_write_opts *opt, rlm_error *err);
} lattice_format;

rlm_status lattice_parse_kaldi(const char *data, size_t size, const char *name,
                               const rlm_lattice_read_opts *opt, rlm_lattice_list *out,
                               rlm_error *err);
rlm_status lattice_write_kaldi(const rlm_lattice_list *l, const char *path,
                               const rlm_lattice_write_opts *opt, rlm_error *err);
rlm_status lattice_parse_slf(const char *data, size_t size, const char *name,
                             const rlm_lattice_read_opts *opt, rlm_lattice_list *out,
                             rlm_error *err);
rlm_status lattice_write_slf(const rlm_lattice_list *l, const char *path,
                             const rlm_lattice_write_opts *opt, rlm_error *err);

rlm_status lattice_parse_fst(const char *data, size_t size, const char *name,
                             const rlm_lattice_read_opts *opt, rlm_lattice_list *out,
                             rlm_error *err);
rlm_status lattice_write_fst(const rlm_lattice_list *l, const char *path,
                             const rlm_lattice_write_opts *opt, rlm_error *err);
rlm_status lattice_parse_fst_text(const char *data, size_t size, const char *name,
                                  const rlm_lattice_read_opts *opt, rlm_lattice_list *out,
                                  rlm_error *err);
rlm_status lattice_write_fst_text(const rlm_lattice_list *l, const char *path,
                                  const rlm_lattice_write_opts *opt, rlm_error *err);

/* A non-negative integer below 2^31 that fills the token; else RLM_E_FORMAT
 * "name:line: field: expected a STATE/LABEL (an integer >= 0), got 'tok'" with `what` in it. */
rlm_status lattice_index(const nbest_file *f, const char *field, const char *what,
                         const char *tok, size_t len, int32_t *out, rlm_error *err);

/* The LM score a writer puts out for arc a / final state s of lattice i (opt's new score when
 * given, else the lattice's own). */
double lattice_arc_lm(const rlm_lattice_write_opts *opt, size_t i, const rlm_lattice *lat,
                      size_t a);
double lattice_final_lm(const rlm_lattice_write_opts *opt, size_t i, const rlm_lattice *lat,
                        int32_t s);

/* 1 when s can be one field of a text format: not empty, no white space. */
int lattice_token_ok(const char *s);

/* Makes states exist up to `state` (read in `field`) inclusive. */
rlm_status lattice_need_state(rlm_lattice *lat, int32_t state, const nbest_file *f,
                              const char *field, rlm_error *err);

#endif

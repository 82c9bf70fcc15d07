/* Which lattice labels are LM words, and their scorer ids (lattice_rescore.h: non-words,
 * pronunciation variants); shared by the rescorer and the path reader. Internal. */
#ifndef RLM_LATTICE_WORDS_H
#define RLM_LATTICE_WORDS_H

#include <stdint.h>

#include "rlm_lattice.h"
#include "rlm_scorer.h"
#include "rlm_status.h"

/* *out[label] for every label on an arc of lat: -1 when it is no LM word (epsilon, a non-word),
 * else its scorer id (0 when sc is NULL). Entries of labels on no arc are undefined. The caller
 * frees *out. */
rlm_status lattice_lm_ids(const rlm_lattice *lat, const char *const *nonwords, int n_nonwords,
                          const rlm_scorer *sc, int32_t **out, rlm_error *err);

#endif

/* Shared by rlm generate and rlm complete: feeding a text prefix into a model state, and
 * printing tokens the way the vocabulary level wants (words with spaces, characters joined). */
#ifndef RLM_CLI_PREFIX_H
#define RLM_CLI_PREFIX_H

#include "rlm_model.h"

/* Sets s to the begin state and reads the tokens of prefix (may be NULL or empty). Returns the
 * number of prefix tokens the vocabulary did not know (they were read as <unk>), or -1 when out
 * of memory. */
int read_prefix(const rlm_model *m, rlm_state *s, const char *prefix);
/* Prints one token: word level with a leading space unless first; character level verbatim,
 * with <sp> as a space. */
void print_token(const rlm_vocab *v, int32_t id, int first);

#endif

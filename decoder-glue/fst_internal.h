/* Shared by the OpenFst wrapper (fst_wrap.cc) and the C files around it (internal). */
#ifndef RLM_FST_INTERNAL_H
#define RLM_FST_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "rlm_fst.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The largest word id taken from an FST (an embedded symbol table's key, or a label given a
 * number-spelt word) is the symbol table's, RLM_SYMBOL_MAX_ID: beyond it is corruption. */

/* Walks a binary vector FST (header, symbol tables, states, arcs) and checks every count,
 * string length, label, state id and weight against the file's size and the header, so
 * OpenFst's reader, which trusts them, only ever sees a well-formed file. Sets *semiring from
 * the arc type. Errors: RLM_E_FORMAT "name: byte N: field: ..." (RLM_E_UNSUPPORTED for another
 * FST or arc type). */
rlm_status fst_binary_check(const uint8_t *data, size_t size, const char *name,
                            rlm_fst_semiring *semiring, rlm_error *err);

#ifdef __cplusplus
}
#endif

#endif

/* Fuzz target: the bytes as a binary OpenFst file. The header and counts are checked before
 * OpenFst reads them (fst_binary_check.c); whatever passes must read, convert and search. */
#include <stdint.h>

#include "fst_use.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    rlm_fst *f;
    rlm_error err;
    if (!rlm_fst_parse(data, size, "fuzz.fst", &f, &err)) {
        fuzz_use_fst(f);
        rlm_fst_free(f);
    }
    return 0;
}

/* Fuzz target: the bytes as an HTK SLF lattice (decoder-glue/lattice_slf.c). */
#include "lattice_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_lattice("slf", data, size, "f.slf");
    return 0;
}

/* Fuzz target: the bytes as a Kaldi text lattice archive (decoder-glue/lattice_kaldi.c). */
#include "lattice_fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    fuzz_lattice("kaldi", data, size, "f.ark");
    return 0;
}

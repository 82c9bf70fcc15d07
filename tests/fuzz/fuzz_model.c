/* libFuzzer target: the bytes as a model file (with any training state), through the buffer
 * loader. Random mutations almost always break the CRC and stop at the checksum, so each input
 * is parsed twice: as given, and with its last four bytes replaced by the CRC of the rest, which
 * lets mutations reach the vocabulary, config and parameter parsing behind the checksum. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "le_bytes.h"
#include "model_file.h"
#include "model_internal.h"

static void parse(const uint8_t *data, size_t size) {
    rlm_model *m = NULL;
    void *state = NULL;
    size_t state_size = 0;
    rlm_error err;
    if (rlm_checkpoint_load_buffer(data, size, "fuzz.bin", &m, &state, &state_size, &err) ==
        RLM_OK) {
        /* A model that loads must be whole: touch every parameter and the state. */
        volatile float sum = 0;
        for (size_t i = 0; i < rlm_model_num_params(m); i++) sum += m->params[i];
        volatile uint8_t x = 0;
        for (size_t i = 0; i < state_size; i++) x ^= ((const uint8_t *)state)[i];
        (void)sum;
        (void)x;
    }
    rlm_model_free(m);
    free(state);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    parse(data, size);
    if (size < 4) return 0;
    /* A copy of exactly `size` bytes, so reads past the end are still caught. */
    uint8_t *fixed = malloc(size);
    if (!fixed) return 0;
    memcpy(fixed, data, size);
    rlm_le_put_u32(fixed + size - 4, rlm_crc32_update(0, fixed, size - 4));
    parse(fixed, size);
    free(fixed);
    return 0;
}

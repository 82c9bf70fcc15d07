/* Fuzz target: the bytes as a CTC alphabet file (rlm_ctc.h). Whatever parses has exactly one
 * blank, at most one space (stored as " "), no empty label and no two equal labels, and makes a
 * decoder that decodes one all-blank frame to the empty text. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rlm_ctc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    rlm_ctc_alphabet *a = NULL;
    if (rlm_ctc_alphabet_parse((const char *)data, size, "fuzz", &a, NULL)) return 0;
    if (a->n_labels < 1 || a->blank < 0 || a->blank >= a->n_labels || a->space >= a->n_labels ||
        strcmp(a->labels[a->blank], "<blank>"))
        abort();
    for (int i = 0; i < a->n_labels; i++) {
        if (!*a->labels[i] || (i != a->space && strchr(a->labels[i], ' '))) abort();
        for (int j = 0; j < i; j++)
            if (!strcmp(a->labels[i], a->labels[j])) abort();
    }
    if (a->space >= 0 && strcmp(a->labels[a->space], " ")) abort();
    float *row = malloc((size_t)a->n_labels * sizeof *row);
    for (int i = 0; row && i < a->n_labels; i++) row[i] = i == a->blank ? 0.0f : -INFINITY;
    rlm_ctc_decoder *d = NULL;
    if (row && !rlm_ctc_decoder_new(a, NULL, NULL, &d, NULL)) {
        if (rlm_ctc_decode(d, row, 1, a->n_labels, NULL) || rlm_ctc_decoder_n_hyps(d) != 1 ||
            *rlm_ctc_decoder_hyp(d, 0)->text)
            abort();
        rlm_ctc_decoder_free(d);
    }
    free(row);
    rlm_ctc_alphabet_free(a);
    return 0;
}

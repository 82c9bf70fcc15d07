/* Grouping rows by output class for the class-factored softmax (training and batched scoring). */
#include <string.h>

#include "model_internal.h"

void rlm_group_by_class(const rlm_vocab *v, const int32_t *words, int n, int32_t *order,
                        int32_t *start) {
    const int C = rlm_vocab_num_classes(v);
    memset(start, 0, (size_t)(C + 1) * sizeof(int32_t));
    for (int i = 0; i < n; i++) start[rlm_vocab_class_of(v, words[i]) + 1]++;
    for (int k = 0; k < C; k++) start[k + 1] += start[k];
    /* Shift right by one so start[k+1] is the start of class k: it serves as the cursor while
     * rows are placed, and ends as the start of class k+1. */
    for (int k = C; k > 0; k--) start[k] = start[k - 1];
    start[0] = 0;
    for (int i = 0; i < n; i++) order[start[rlm_vocab_class_of(v, words[i]) + 1]++] = i;
}

int32_t rlm_widest_class(const rlm_vocab *v) {
    int32_t mx = 0;
    for (int32_t k = 0; k < rlm_vocab_num_classes(v); k++) {
        const int32_t w = rlm_vocab_class_end(v, k) - rlm_vocab_class_begin(v, k);
        mx = w > mx ? w : mx;
    }
    return mx;
}

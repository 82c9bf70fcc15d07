/* Top-k selection and temperature sampling over a distribution. */
#include <math.h>
#include <stdlib.h>

#include "rlm_model.h"

void rlm_top_k(const float *scores, int32_t n, int32_t k, int32_t *ids) {
    if (k > n) k = n;
    int32_t have = 0;
    /* insertion into a sorted list of k: O(n k), fine for the small k of completion and top-k
     * sampling, and no allocation */
    for (int32_t i = 0; i < n; i++) {
        if (have == k && !(scores[i] > scores[ids[k - 1]])) continue;
        int32_t j = have < k ? have++ : k - 1;
        while (j > 0 && scores[ids[j - 1]] < scores[i]) {
            ids[j] = ids[j - 1];
            j--;
        }
        ids[j] = i;
    }
}

int32_t rlm_sample_log10dist(const float *log10p, int32_t n, float temperature, int32_t top_k,
                             double u) {
    if (n <= 0) return -1;
    if (!(temperature > 0)) temperature = 1e-6f;
    int32_t k = top_k > 0 && top_k < n ? top_k : n;
    int32_t *ids = malloc((size_t)k * sizeof *ids);
    if (!ids) return -1;
    if (k < n)
        rlm_top_k(log10p, n, k, ids);
    else
        for (int32_t i = 0; i < n; i++) ids[i] = i;
    /* p_i ~ 10^(l_i / T), computed relative to the maximum to stay in range */
    float mx = log10p[ids[0]];
    for (int32_t i = 1; i < k; i++) mx = log10p[ids[i]] > mx ? log10p[ids[i]] : mx;
    double total = 0;
    for (int32_t i = 0; i < k; i++) total += pow(10.0, (log10p[ids[i]] - mx) / temperature);
    double target = u * total, acc = 0;
    int32_t chosen = ids[k - 1];
    for (int32_t i = 0; i < k; i++) {
        acc += pow(10.0, (log10p[ids[i]] - mx) / temperature);
        if (acc > target) {
            chosen = ids[i];
            break;
        }
    }
    free(ids);
    return chosen;
}

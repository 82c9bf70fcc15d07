/* Numerically stable softmax helpers shared by the output layers and inference. */
#ifndef RLM_SOFTMAX_H
#define RLM_SOFTMAX_H

#include <math.h>

#include "exp_float.h"

/* Natural log to log10: the network computes in nats, every interface speaks log10. */
#define RLM_LN_TO_LOG10 0.43429448190325182

/* Turns logits x[0..n) into probabilities in place and returns log(sum(exp(x))), computed
 * around the maximum so that large logits do not overflow. */
static inline float rlm_softmax_inplace(float *x, int n) {
    float mx = x[0];
    for (int i = 1; i < n; i++) mx = x[i] > mx ? x[i] : mx;
    double sum = 0;
    for (int i = 0; i < n; i++) sum += (x[i] = expf(x[i] - mx));
    float inv = (float)(1.0 / sum);
    for (int i = 0; i < n; i++) x[i] *= inv;
    return mx + (float)log(sum);
}

/* log(sum(exp(x))) without modifying x. The exponentials are summed in double, in eight
 * interleaved partial sums so that the loop vectorises (the class softmax of a rare word sums
 * thousands of them per score). */
static inline float rlm_logsumexp(const float *x, int n) {
    float mx = x[0];
    for (int i = 1; i < n; i++) mx = x[i] > mx ? x[i] : mx;
    double part[8] = {0}, sum = 0;
    int i = 0;
    for (; i + 8 <= n; i += 8)
        for (int l = 0; l < 8; l++) part[l] += (double)rlm_expf(x[i + l] - mx);
    for (; i < n; i++) sum += rlm_expf(x[i] - mx);
    for (int l = 0; l < 8; l++) sum += part[l];
    return mx + (float)log(sum);
}

#endif

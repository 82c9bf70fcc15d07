/* The cells' own e^x, sigmoid and tanh (lm/cells.h) against libm in double precision: within a
 * few float ulps over the range the networks use, exact limits far out, odd symmetry of tanh. */
#include <math.h>

#include "cells.h"
#include "check.h"

/* |f - t| in units of the float spacing at t. */
static double ulps(float f, double t) {
    float a = fabsf((float)t);
    return fabs((double)f - t) / (double)(nextafterf(a, INFINITY) - a);
}

static void test_exp(void) {
    double worst = 0;
    for (int i = -870000; i <= 880000; i++) { /* [-87, 88] in steps of 1e-4 */
        float x = (float)i * 1e-4f;
        worst = fmax(worst, ulps(rlm_expf(x), exp((double)x)));
    }
    CHECK(worst <= 2);
    CHECK(rlm_expf(0) == 1.0f);
    /* clamped to [-87, 88]: no overflow to infinity, no denormals */
    CHECK(rlm_expf(1000) == rlm_expf(88) && isfinite(rlm_expf(1000)));
    CHECK(rlm_expf(-1000) == rlm_expf(-87) && rlm_expf(-1000) > 0);
}

static void test_sigmoid_and_tanh(void) {
    double ws = 0, wt = 0;
    for (int i = -1500000; i <= 1500000; i++) { /* [-15, 15] in steps of 1e-5 */
        float x = (float)i * 1e-5f;
        ws = fmax(ws, ulps(rlm_sigmoid(x), 1 / (1 + exp(-(double)x))));
        if (i) wt = fmax(wt, ulps(rlm_tanh(x), tanh((double)x)));
        if (rlm_tanh(-x) != -rlm_tanh(x)) wt = INFINITY;
    }
    /* tiny arguments, where tanh x = x to float precision */
    for (float x = 1e-30f; x < 1e-3f; x *= 1.01f) wt = fmax(wt, ulps(rlm_tanh(x), tanh((double)x)));
    CHECK(ws <= 3);
    CHECK(wt <= 4);
    CHECK(rlm_tanh(0) == 0);
    CHECK(rlm_tanh(50) == 1.0f && rlm_tanh(-50) == -1.0f);
    CHECK(rlm_sigmoid(0) == 0.5f && rlm_sigmoid(100) == 1.0f && rlm_sigmoid(-100) < 1e-37f);
}

int main(int argc, char **argv) {
    (void)argc;
    RUN(test_exp);
    RUN(test_sigmoid_and_tanh);
    return check_summary(argv[0]);
}

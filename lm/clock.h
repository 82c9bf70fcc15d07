/* Seconds on the monotonic clock, for measuring durations (training time budgets, load and
 * scoring times printed by the CLI); not affected by changes of the wall clock (internal). */
#ifndef RLM_CLOCK_H
#define RLM_CLOCK_H

#include <time.h>

static inline double rlm_now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif

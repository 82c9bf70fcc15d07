/* A minimal unit-test harness: each test is a function; CHECK* record failures with file:line.
 * main() runs the tests with RUN(name) and ends with `return check_summary(argv[0]);`, which
 * prints "PROGRAM: N passed, N failed" for tests/run_tests.sh to add up. */
#ifndef RLM_TESTS_CHECK_H
#define RLM_TESTS_CHECK_H

#include <math.h>
#include <stdio.h>
#include <string.h>

static int check_failures_in_test;
static int check_tests_passed, check_tests_failed;

#define CHECK(cond)                                                                    \
    do {                                                                               \
        if (!(cond)) {                                                                 \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond);   \
            check_failures_in_test++;                                                  \
        }                                                                              \
    } while (0)

#define CHECK_NEAR(a, b, tol)                                                          \
    do {                                                                               \
        double check_a_ = (a), check_b_ = (b);                                         \
        if (!(fabs(check_a_ - check_b_) <= (tol))) {                                   \
            fprintf(stderr, "%s:%d: %s = %.9g, expected %s = %.9g (tolerance %g)\n",   \
                    __FILE__, __LINE__, #a, check_a_, #b, check_b_, (double)(tol));    \
            check_failures_in_test++;                                                  \
        }                                                                              \
    } while (0)

#define CHECK_STATUS(expr, want)                                                       \
    do {                                                                               \
        int check_s_ = (int)(expr);                                                    \
        if (check_s_ != (int)(want)) {                                                 \
            fprintf(stderr, "%s:%d: %s returned %d, expected %d\n", __FILE__, __LINE__, \
                    #expr, check_s_, (int)(want));                                     \
            check_failures_in_test++;                                                  \
        }                                                                              \
    } while (0)

#define CHECK_CONTAINS(haystack, needle)                                               \
    do {                                                                               \
        const char *check_h_ = (haystack);                                             \
        if (!check_h_ || !strstr(check_h_, (needle))) {                                \
            fprintf(stderr, "%s:%d: \"%s\" does not contain \"%s\"\n", __FILE__,       \
                    __LINE__, check_h_ ? check_h_ : "(null)", (needle));               \
            check_failures_in_test++;                                                  \
        }                                                                              \
    } while (0)

static inline void check_run(const char *name, void (*fn)(void)) {
    check_failures_in_test = 0;
    fn();
    if (check_failures_in_test) {
        check_tests_failed++;
        fprintf(stderr, "FAIL %s\n", name);
    } else {
        check_tests_passed++;
        fprintf(stderr, "ok   %s\n", name);
    }
}
#define RUN(fn) check_run(#fn, fn)

static inline int check_summary(const char *program) {
    const char *base = strrchr(program, '/');
    printf("%s: %d passed, %d failed\n", base ? base + 1 : program, check_tests_passed,
           check_tests_failed);
    return check_tests_failed ? 1 : 0;
}

#endif

/* Measures OpenBLAS sgemm throughput (GFLOP/s) on this machine for given shapes, as the ceiling
 * against which the training step's FLOP rate is reported.
 * usage: sgemm_gflops M N K [seconds]   prints "M N K threads coretype gflops" */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: %s M N K [seconds]\n", argv[0]);
        return 2;
    }
    const int M = atoi(argv[1]), N = atoi(argv[2]), K = atoi(argv[3]);
    const double budget = argc > 4 ? atof(argv[4]) : 1.0;
    float *a = malloc(sizeof(float) * M * K), *b = malloc(sizeof(float) * K * N);
    float *c = calloc((size_t)M * N, sizeof(float));
    if (!a || !b || !c) return 1;
    for (long i = 0; i < (long)M * K; i++) a[i] = (float)(i % 7) * 0.1f;
    for (long i = 0; i < (long)K * N; i++) b[i] = (float)(i % 5) * 0.1f;
    long reps = 0;
    double t0 = now_s(), t;
    do {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, M, N, K, 1.0f, a, K, b, N, 0.0f, c,
                    N);
        reps++;
    } while ((t = now_s() - t0) < budget);
    printf("%d\t%d\t%d\t%d\t%s\t%.1f\n", M, N, K, openblas_get_num_threads(),
           openblas_get_corename(), 2.0 * M * N * K * reps / t * 1e-9);
    free(a), free(b), free(c);
    return 0;
}

#include "scratch.h"

#include <pthread.h>
#include <stdlib.h>

/* One buffer per thread, found through a thread-specific key whose destructor frees it when the
 * thread ends (a decoder's worker threads come and go; their scratch must not leak). */
typedef struct scratch_buf {
    float *data;
    size_t cap;
} scratch_buf;

static pthread_key_t key;
static pthread_once_t key_once = PTHREAD_ONCE_INIT;

static void free_buf(void *p) {
    scratch_buf *b = p;
    free(b->data);
    free(b);
}

static void make_key(void) { pthread_key_create(&key, free_buf); }

float *rlm_scratch_floats(size_t n) {
    pthread_once(&key_once, make_key);
    scratch_buf *b = pthread_getspecific(key);
    if (!b) {
        if (!(b = calloc(1, sizeof *b))) return NULL;
        if (pthread_setspecific(key, b)) {
            free(b);
            return NULL;
        }
    }
    if (n > b->cap) {
        float *p = realloc(b->data, n * sizeof(float));
        if (!p) return NULL;
        b->data = p, b->cap = n;
    }
    return b->data;
}

/* Per-thread scratch memory for the scoring paths, so a model can be shared by threads and a
 * state carries only its hidden vectors. One buffer per thread, grown as needed: callers must not
 * hold a pointer across another call that takes scratch. */
#ifndef RLM_SCRATCH_H
#define RLM_SCRATCH_H

#include <stddef.h>

/* At least n floats, or NULL when memory runs out. */
float *rlm_scratch_floats(size_t n);

#endif

/* The inside of rlm_vocab, shared by vocab.c (the object, lookup and classes), vocab_build.c
 * (counting a text), vocab_file.c (text and binary forms) and corpus.c. Internal to librlm. */
#ifndef RLM_VOCAB_IMPL_H
#define RLM_VOCAB_IMPL_H

#include "rlm_vocab.h"
#include "strtab.h"

struct rlm_vocab {
    int char_level;
    rlm_strtab tokens;    /* key i is the token of id i, so the table is also the lookup */
    int64_t *counts;      /* [size] */
    size_t cap_counts;
    int32_t num_classes;
    int32_t *class_of;    /* [size] */
    int32_t *class_start; /* [num_classes + 1]: class c is ids [class_start[c], class_start[c+1]) */
};

/* An empty vocabulary (not even the specials), to be filled with rlm_vocab_push. */
rlm_vocab *rlm_vocab_new_empty(int char_level);
/* Append the next id. Returns the id, or -1 when the token is already present (*dup = 1) or
 * memory ran out (*dup = 0). */
int32_t rlm_vocab_push(rlm_vocab *v, const char *token, size_t len, int64_t count, int *dup);
/* Install a class per id (as read from a file); the caller has checked that the classes start
 * at 0 and rise by 0 or 1 from each id to the next. */
rlm_status rlm_vocab_set_classes(rlm_vocab *v, const int32_t *class_of, int32_t num_classes,
                                 rlm_error *err);

#endif

/* rlm's binary n-gram file (internal to lm/): a 512-byte header of 64 little-endian uint64 fields,
 * then the model's arrays exactly as they sit in memory (ngram_internal.h), each at a 64-byte
 * aligned offset, so loading is one mmap plus checks. The hash functions in ngram_internal.h are
 * part of the format: changing them means a new version. */
#ifndef RLM_NGRAM_BINARY_H
#define RLM_NGRAM_BINARY_H

#include <stddef.h>
#include <stdint.h>

#define NGRAM_BINARY_MAGIC "RLMNGRAM"
#define NGRAM_BINARY_MAGIC_BYTES 8
#define NGRAM_BINARY_VERSION 1
#define NGRAM_BINARY_HEADER_BYTES 512

/* Checksum of the whole file with the checksum field read as zero. */
uint64_t ngram_checksum(const void *data, size_t size, uint64_t seed);

#endif

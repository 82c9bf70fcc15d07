/* Number printing for `rlm ngram`: the same text KenLM's query prints, so outputs can be compared
 * with diff. */
#ifndef RLM_CLI_NGRAM_PRINT_H
#define RLM_CLI_NGRAM_PRINT_H

#include <stddef.h>

/* Shortest decimal that reads back as the same float (is_float) or double, laid out like KenLM's
 * double-conversion settings: plain decimal for exponents -6..20 ("-0.000744108", "-100"),
 * otherwise "1.5e-7"; "-0", "inf", "-inf", "NaN". Returns the length written to out (>= 32
 * bytes). */
size_t ngram_format_shortest(char *out, double value, int is_float);

#endif

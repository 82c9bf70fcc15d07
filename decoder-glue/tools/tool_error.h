/* Error messages of the decoding tools: the caller's buffer gets the formatted message, and the
 * function returns -1, the tools' failure value, so a check reads `return fail(msg, n, ...)`. */
#ifndef RLM_TOOL_ERROR_H
#define RLM_TOOL_ERROR_H

#include <stdarg.h>
#include <stdio.h>

static inline int fail(char *msg, size_t msg_size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static inline int fail(char *msg, size_t msg_size, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, msg_size, fmt, ap);
    va_end(ap);
    return -1;
}

#endif

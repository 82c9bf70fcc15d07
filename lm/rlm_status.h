/* Status codes and error messages shared by every rlm call.
 *
 * Every fallible call returns an rlm_status and, when it fails, fills the caller's rlm_error with a
 * message in the form "file:line: field: what was wrong" (the parts that apply). The library never
 * prints and never exits; the caller decides what to do with the message. */
#ifndef RLM_STATUS_H
#define RLM_STATUS_H

#include <stdarg.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define RLM_API __attribute__((visibility("default")))
#define RLM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define RLM_API
#define RLM_PRINTF(f, a)
#endif

typedef enum rlm_status {
    RLM_OK = 0,
    RLM_E_IO,          /* a file could not be opened, read or written */
    RLM_E_FORMAT,      /* input is malformed: the message names file, line and field */
    RLM_E_NOMEM,       /* an allocation failed */
    RLM_E_ARG,         /* the caller passed an invalid argument or option */
    RLM_E_UNSUPPORTED  /* valid input that this build cannot handle (version, feature) */
} rlm_status;

typedef struct rlm_error {
    rlm_status status;
    char message[1024];
} rlm_error;

/* Record a failure in err (which may be NULL) and return s, so callers can write
 * `return rlm_fail(err, RLM_E_FORMAT, "%s:%ld: count: expected a number", path, line);` */
RLM_API rlm_status rlm_fail(rlm_error *err, rlm_status s, const char *fmt, ...) RLM_PRINTF(3, 4);
RLM_API rlm_status rlm_vfail(rlm_error *err, rlm_status s, const char *fmt, va_list ap);

/* A short constant name for a status ("ok", "io", "format", ...). */
RLM_API const char *rlm_status_name(rlm_status s);

#ifdef __cplusplus
}
#endif

#endif

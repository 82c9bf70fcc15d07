#include "rlm_status.h"

#include <stdio.h>

rlm_status rlm_vfail(rlm_error *err, rlm_status s, const char *fmt, va_list ap) {
    if (err) {
        err->status = s;
        vsnprintf(err->message, sizeof err->message, fmt, ap);
    }
    return s;
}

rlm_status rlm_fail(rlm_error *err, rlm_status s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    rlm_vfail(err, s, fmt, ap);
    va_end(ap);
    return s;
}

const char *rlm_status_name(rlm_status s) {
    switch (s) {
    case RLM_OK: return "ok";
    case RLM_E_IO: return "io";
    case RLM_E_FORMAT: return "format";
    case RLM_E_NOMEM: return "nomem";
    case RLM_E_ARG: return "argument";
    case RLM_E_UNSUPPORTED: return "unsupported";
    }
    return "unknown";
}

/* Decimal numbers of ARPA files, parsed to the same float strtof (and KenLM) would give.
 *
 * ARPA files hold millions of numbers, and strtof is a large share of the load time, so the common
 * case takes a fast exact path: a mantissa of at most 19 digits below 2^53 and a power of ten of at
 * most 22 give a correctly rounded double (Clinger's fast path). Rounding that double to float is
 * exact unless the double sits exactly halfway between two floats, and that case (and every other
 * unusual one) goes to strtof. */
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <strings.h>

#include "ngram_internal.h"

static const double pow10_exact[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                       1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                       1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

static int slow_path(const char *s, size_t len, float *out) {
    char tmp[512];
    if (len >= sizeof tmp) return 0;
    memcpy(tmp, s, len);
    tmp[len] = '\0';
    char *end;
    *out = strtof(tmp, &end);
    return end == tmp + len;
}

/* 1 when rounding d to float could differ from rounding the exact decimal value to float. */
static int needs_slow_path(double d) {
    double a = d < 0 ? -d : d;
    if (a < (double)FLT_MIN || a > (double)FLT_MAX) return 1; /* subnormal, zero, overflow */
    uint64_t bits;
    memcpy(&bits, &d, sizeof bits);
    return (bits & ((1ULL << 29) - 1)) == (1ULL << 28); /* exactly halfway between two floats */
}

int ngram_parse_float(const char *s, size_t len, float *out) {
    size_t i = 0;
    int neg = 0;
    if (i < len && (s[i] == '-' || s[i] == '+')) neg = s[i++] == '-';
    if (len - i == 3 && !strncasecmp(s + i, "inf", 3)) {
        *out = neg ? -INFINITY : INFINITY;
        return 1;
    }
    if (len - i == 3 && !strncasecmp(s + i, "nan", 3)) {
        *out = NAN;
        return 1;
    }
    uint64_t mant = 0;
    int digits = 0, exp10 = 0, any = 0;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, any = 1) {
        if (mant == 0 && s[i] == '0') continue; /* leading zeros carry no precision */
        if (digits < 19) mant = mant * 10 + (uint64_t)(s[i] - '0'), digits++;
        else exp10++, digits = 99; /* digits beyond 19: only the slow path is exact */
    }
    if (i < len && s[i] == '.') {
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++, any = 1) {
            if (mant == 0 && s[i] == '0') {
                exp10--;
                continue;
            }
            if (digits < 19) mant = mant * 10 + (uint64_t)(s[i] - '0'), digits++, exp10--;
            else digits = 99;
        }
    }
    if (!any) return 0;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        int eneg = 0, e = 0, edigits = 0;
        if (i < len && (s[i] == '-' || s[i] == '+')) eneg = s[i++] == '-';
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, edigits++)
            if (e < 100000) e = e * 10 + (s[i] - '0');
        if (!edigits) return 0;
        exp10 += eneg ? -e : e;
    }
    if (i != len) return 0;
    if (mant == 0) {
        *out = neg ? -0.0f : 0.0f;
        return 1;
    }
    if (digits <= 19 && mant <= (1ULL << 53) && exp10 >= -22 && exp10 <= 22) {
        double d = (double)mant;
        d = exp10 < 0 ? d / pow10_exact[-exp10] : d * pow10_exact[exp10];
        if (neg) d = -d;
        if (!needs_slow_path(d)) {
            *out = (float)d;
            return 1;
        }
    }
    return slow_path(s, len, out);
}

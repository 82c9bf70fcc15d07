/* Shortest round-trip number printing in KenLM's layout (see ngram_print.h). */
#include "ngram_print.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Fewest significant digits that read back as the same value. %.*e rounds correctly, so the
 * first precision that round-trips is the shortest, and among equally short strings the
 * closest, which is what double-conversion's ToShortest picks too. */
static int shortest_digits(double v, int is_float, char *digits, int *exp10) {
    char buf[40];
    int max = is_float ? 9 : 17;
    for (int prec = 1; prec <= max; prec++) {
        snprintf(buf, sizeof buf, "%.*e", prec - 1, v);
        int same = is_float ? strtof(buf, NULL) == (float)v : strtod(buf, NULL) == v;
        if (same || prec == max) break;
    }
    /* buf is "[-]d[.ddd]e[+-]NN" */
    const char *p = buf + (buf[0] == '-');
    int n = 0;
    for (; *p && *p != 'e'; p++)
        if (*p != '.') digits[n++] = *p;
    while (n > 1 && digits[n - 1] == '0') n--;
    digits[n] = '\0';
    *exp10 = atoi(p + 1);
    return n;
}

size_t ngram_format_shortest(char *out, double value, int is_float) {
    if (isnan(value)) return (size_t)sprintf(out, "NaN");
    if (isinf(value)) return (size_t)sprintf(out, value < 0 ? "-inf" : "inf");
    char *o = out;
    if (signbit(value)) *o++ = '-';
    if (value == 0) {
        *o++ = '0';
        *o = '\0';
        return (size_t)(o - out);
    }
    char digits[24];
    int exp10;
    int n = shortest_digits(fabs(value), is_float, digits, &exp10);
    int point = exp10 + 1; /* digits before the decimal point */
    if (exp10 >= -6 && exp10 < 21) {
        if (point <= 0) {
            o += sprintf(o, "0.");
            for (int i = 0; i < -point; i++) *o++ = '0';
            o += sprintf(o, "%s", digits);
        } else if (point >= n) {
            o += sprintf(o, "%s", digits);
            for (int i = n; i < point; i++) *o++ = '0';
        } else {
            o += sprintf(o, "%.*s.%s", point, digits, digits + point);
        }
    } else {
        *o++ = digits[0];
        if (n > 1) o += sprintf(o, ".%s", digits + 1);
        o += sprintf(o, "e%d", exp10);
    }
    *o = '\0';
    return (size_t)(o - out);
}

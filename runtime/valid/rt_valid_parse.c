/*
 * rt_valid_parse — pydantic's lax string parsing (pydantic-core's
 * str -> int/float/bool rules, which Rust's parsers underlie).
 */
#include "rt_valid_parse.h"
#include "rt_mem.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* Trim ASCII whitespace: [*start, *end). */
static void trim(const char *s, const char **start, const char **end)
{
    const char *b = s, *e = s + strlen(s);

    while (b < e && is_space(*b))
        b++;
    while (e > b && is_space(e[-1]))
        e--;
    *start = b;
    *end = e;
}

/*
 * Copy the digits of [p, end) into @p dst without the underscores that
 * separate digits ("1_000"); stop at the first character that is neither.
 * @return the number of characters consumed from @p p, or -1 if an
 * underscore is not between two digits.
 */
static long copy_digits(const char *p, const char *end, char *dst, size_t *n_out)
{
    const char *start = p;
    size_t n = 0;

    while (p < end) {
        if (isdigit((unsigned char)*p)) {
            dst[n++] = *p++;
        } else if (*p == '_') {
            if (p == start || !isdigit((unsigned char)p[-1]) || p + 1 >= end || !isdigit((unsigned char)p[1]))
                return -1;
            p++;
        } else {
            break;
        }
    }
    *n_out = n;
    return (long)(p - start);
}

int rt_valid_parse_int(const char *s, int64_t *out)
{
    const char *p, *end;
    bool neg = false;
    uint64_t mag = 0;
    int overflow = 0;

    trim(s, &p, &end);
    if (p < end && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    if (p == end || !isdigit((unsigned char)*p))
        return -1;
    for (; p < end; p++) {
        if (*p == '_') {
            if (p + 1 >= end || !isdigit((unsigned char)p[1]))
                return -1;
            continue;
        }
        if (!isdigit((unsigned char)*p))
            break;
        if (mag > (UINT64_MAX - 9) / 10)
            overflow = 1;
        else
            mag = mag * 10 + (uint64_t)(*p - '0');
    }
    if (p < end && *p == '.') { /* pydantic accepts a fraction of zeros: "2.0", "2." */
        for (p++; p < end && *p == '0'; p++)
            ;
    }
    if (p != end)
        return -1;
    if (overflow || mag > (uint64_t)INT64_MAX + neg) {
        *out = neg ? INT64_MIN : INT64_MAX;
        return 1;
    }
    *out = neg ? (int64_t)(0 - mag) : (int64_t)mag;
    return 0;
}

int rt_valid_parse_number(const char *s, double *out)
{
    const char *p, *end, *q;
    char *buf, *stop;
    size_t n = 0, k, digits = 0;
    long used;
    int rc = -1;

    trim(s, &p, &end);
    buf = rt_xmalloc((size_t)(end - p) + 2);
    q = p;
    if (q < end && (*q == '+' || *q == '-'))
        buf[n++] = *q++;
    /* inf, infinity, nan, as Rust's f64 parser (pydantic-core) reads them */
    if ((end - q == 3 && (strncasecmp(q, "inf", 3) == 0 || strncasecmp(q, "nan", 3) == 0)) ||
        (end - q == 8 && strncasecmp(q, "infinity", 8) == 0)) {
        memcpy(buf + n, q, (size_t)(end - q));
        n += (size_t)(end - q);
        goto convert;
    }
    if ((used = copy_digits(q, end, buf + n, &k)) < 0)
        goto done;
    q += used, n += k, digits += k;
    if (q < end && *q == '.') {
        buf[n++] = *q++;
        if ((used = copy_digits(q, end, buf + n, &k)) < 0)
            goto done;
        q += used, n += k, digits += k;
    }
    if (digits == 0)
        goto done;
    if (q < end && (*q == 'e' || *q == 'E')) {
        buf[n++] = *q++;
        if (q < end && (*q == '+' || *q == '-'))
            buf[n++] = *q++;
        if ((used = copy_digits(q, end, buf + n, &k)) < 0 || k == 0)
            goto done;
        q += used, n += k;
    }
    if (q != end)
        goto done;
convert:
    buf[n] = '\0';
    *out = strtod(buf, &stop); /* overflow gives +-HUGE_VAL, i.e. infinity: refused as not finite */
    rc = *stop == '\0' ? 0 : -1;
done:
    free(buf);
    return rc;
}

int rt_valid_parse_bool(const char *s, bool *out)
{
    static const char *const yes[] = {"1", "on", "t", "true", "y", "yes"};
    static const char *const no[] = {"0", "off", "f", "false", "n", "no"};
    const char *p, *end;
    size_t len, i;

    trim(s, &p, &end);
    len = (size_t)(end - p);
    for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++) {
        if (strlen(yes[i]) == len && strncasecmp(p, yes[i], len) == 0) {
            *out = true;
            return 0;
        }
        if (strlen(no[i]) == len && strncasecmp(p, no[i], len) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/*
 * rt_json — JSON text into a growable buffer (see rt_json.h).
 */
#include "rt_json.h"
#include "rt_fmt.h"
#include "rt_mem.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void rt_json_buf_free(struct rt_json_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

static void reserve(struct rt_json_buf *b, size_t more)
{
    size_t cap;

    if (b->cap - b->len >= more)
        return;
    cap = b->cap > 0 ? b->cap : 256;
    while (cap - b->len < more)
        cap *= 2;
    b->data = rt_xrealloc(b->data, cap);
    b->cap = cap;
}

void rt_json_put_raw(struct rt_json_buf *b, const char *s, size_t n)
{
    reserve(b, n);
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

/*
 * Whether any of the 8 bytes in @p w is a control character, '"' or '\\'.
 * Each test is the classic "has a byte less than n" bit trick: exact as to
 * whether some byte matches, which is all the caller needs.
 */
static bool word_needs_escape(uint64_t w)
{
    const uint64_t ones = 0x0101010101010101u, highs = 0x8080808080808080u;
    uint64_t quote = w ^ (ones * '"'), backslash = w ^ (ones * '\\');

    return (((w - ones * 0x20) & ~w) | ((quote - ones) & ~quote) | ((backslash - ones) & ~backslash)) & highs;
}

/* The length of the front of @p s (@p n bytes) that needs no escape, 8 bytes at a time. */
static size_t plain_prefix(const char *s, size_t n)
{
    size_t i = 0;
    uint64_t w;

    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        if (word_needs_escape(w))
            break;
    }
    return i;
}

/*
 * What json-c escapes: the quote, the backslash, the five control
 * characters with short escapes, and the other control characters as
 * \u00xx (lowercase hex).  Everything else, UTF-8 included, goes as it is.
 */
void rt_json_put_string(struct rt_json_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = strlen(s), start = 0, i;
    char *p;

    /* At most 6 bytes per input byte, plus the quotes. */
    reserve(b, n * 6 + 2);
    p = b->data + b->len;
    *p++ = '"';
    for (i = plain_prefix(s, n); i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc;

        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        memcpy(p, s + start, i - start);
        p += i - start;
        start = i + 1;
        switch (c) {
        case '"':
            esc = '"';
            break;
        case '\\':
            esc = '\\';
            break;
        case '\b':
            esc = 'b';
            break;
        case '\f':
            esc = 'f';
            break;
        case '\n':
            esc = 'n';
            break;
        case '\r':
            esc = 'r';
            break;
        case '\t':
            esc = 't';
            break;
        default:
            memcpy(p, "\\u00", 4);
            p[4] = hex[c >> 4];
            p[5] = hex[c & 0xf];
            p += 6;
            continue;
        }
        *p++ = '\\';
        *p++ = esc;
    }
    memcpy(p, s + start, n - start);
    p += n - start;
    *p++ = '"';
    b->len = (size_t)(p - b->data);
}

void rt_json_put_int(struct rt_json_buf *b, int64_t v)
{
    char buf[24];
    const char *end = rt_fmt_i64(buf, v); /* written before buf is read */

    rt_json_put_raw(b, buf, (size_t)(end - buf));
}

/*
 * The common case, fast: a value with at most three decimals (seconds
 * rounded to milliseconds, 0.5, 1.0).  If k / 1000 is exactly the double
 * nearest to v's decimal k/1000 (IEEE division rounds correctly), that
 * decimal reads back as v, and below 1e12 no shorter decimal can, since
 * neighbouring thousandths are further apart than the doubles there: it is
 * what the %g search below would find, without three snprintf()s and a
 * strtod().  @return its length, or 0 when the value is not such a number.
 */
static size_t format_thousandths(double v, char *buf)
{
    double a = fabs(v);
    char *p = buf;
    int64_t k;
    int frac, div;

    if (!(a >= 1e-3 && a < 1e12))
        return 0;
    k = llround(a * 1000.0);
    if ((double)k / 1000.0 != a)
        return 0;
    if (signbit(v))
        *p++ = '-';
    frac = (int)(k % 1000);
    p = rt_fmt_u64(p, (uint64_t)(k / 1000));
    *p++ = '.';
    *p++ = (char)('0' + frac / 100);
    for (div = 10; div > 0 && frac % (div * 10) != 0; div /= 10)
        *p++ = (char)('0' + frac / div % 10);
    *p = '\0';
    return (size_t)(p - buf);
}

size_t rt_json_format_double(double v, char buf[40])
{
    int prec, n = 0;
    size_t fast = format_thousandths(v, buf);

    if (fast > 0)
        return fast;

    /* %.15g is the shortest form whenever one of up to 15 digits exists; else widen. */
    for (prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, 40, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v)
            break;
    }
    if (strpbrk(buf, ".e") == NULL) {
        memcpy(buf + n, ".0", 3); /* 2.0, as Python writes a float */
        n += 2;
    }
    return (size_t)n;
}

void rt_json_put_double(struct rt_json_buf *b, double v)
{
    char buf[40];

    if (isnan(v))
        rt_json_put_raw(b, "NaN", 3);
    else if (isinf(v))
        rt_json_put_raw(b, v > 0 ? "Infinity" : "-Infinity", v > 0 ? 8 : 9);
    else {
        size_t n = rt_json_format_double(v, buf);

        rt_json_put_raw(b, buf, n);
    }
}

void rt_json_put_bool(struct rt_json_buf *b, bool v)
{
    rt_json_put_raw(b, v ? "true" : "false", v ? 4 : 5);
}

void rt_json_put_null(struct rt_json_buf *b)
{
    rt_json_put_raw(b, "null", 4);
}

void rt_json_put_detail(struct rt_json_buf *b, const char *detail)
{
    rt_json_put_raw(b, "{\"detail\":", 10);
    rt_json_put_string(b, detail);
    rt_json_put_raw(b, "}", 1);
}

void rt_json_put_value(struct rt_json_buf *b, struct json_object *v)
{
    size_t len = 0;
    const char *text =
        json_object_to_json_string_length(v, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE, &len);

    rt_json_put_raw(b, text, len);
}

/*
 * rt_fmt — numbers written into a caller's buffer without printf, for the
 * per-request path (response heads, request ids, JSON numbers), where
 * vfprintf showed up in profiles.  Each returns the end of what it wrote
 * and does not NUL-terminate; the caller provides the room.
 */
#ifndef RT_FMT_H
#define RT_FMT_H

#include <stdint.h>

/** @p v in decimal: at most 20 bytes. */
static inline char *rt_fmt_u64(char *p, uint64_t v)
{
    char digits[20];
    int n = 0;

    do {
        digits[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v != 0);
    while (n > 0)
        *p++ = digits[--n];
    return p;
}

/** @p v in decimal, with a '-' when negative: at most 20 bytes. */
static inline char *rt_fmt_i64(char *p, int64_t v)
{
    if (v >= 0)
        return rt_fmt_u64(p, (uint64_t)v);
    *p++ = '-';
    return rt_fmt_u64(p, 0 - (uint64_t)v); /* -INT64_MIN does not fit in int64_t */
}

/** The low @p width hex digits of @p v, lowercase, zero-padded: exactly @p width bytes. */
static inline char *rt_fmt_hex(char *p, uint64_t v, int width)
{
    static const char hex[] = "0123456789abcdef";

    for (int i = width - 1; i >= 0; i--, v >>= 4)
        p[i] = hex[v & 0xf];
    return p + width;
}

#endif /* RT_FMT_H */

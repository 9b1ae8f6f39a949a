/*
 * rt_http_chars — the character classes of RFC 9110 that the head parser
 * (rt_http_parse.c), the chunked decoder (rt_http_chunked.c) and the field
 * readers (rt_multipart.c, rt_gzip.c, rt_negotiate.c) share, and the qvalue
 * of Accept and Accept-Encoding.  Internal to runtime/http.
 */
#ifndef RT_HTTP_CHARS_H
#define RT_HTTP_CHARS_H

#include <stdbool.h>
#include <string.h>

/* RFC 9110 tchar: the characters of a token (method, header name). */
static inline bool is_tchar(unsigned char ch)
{
    static const char specials[] = "!#$%&'*+-.^_`|~";

    return (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') ||
           (ch != '\0' && strchr(specials, ch) != NULL);
}

/* RFC 9110 OWS/BWS: space and horizontal tab. */
static inline bool is_ws(unsigned char ch)
{
    return ch == ' ' || ch == '\t';
}

/* A control character other than HTAB: never in a field value (RFC 9110 field-vchar, SP, HTAB, obs-text). */
static inline bool is_ctl(unsigned char ch)
{
    return (ch < 0x20 && ch != '\t') || ch == 0x7f;
}

/* A qvalue (RFC 9110 §12.4.2: "0" or "1", then "." and up to three digits, a 1's all zeros) in thousandths,
 * 0..1000; -1 if the @p len bytes at @p v are not one. */
static inline int qvalue(const char *v, size_t len)
{
    int q = 0;
    size_t i;

    if (len == 0 || (v[0] != '0' && v[0] != '1') || len > 5 || (len > 1 && v[1] != '.'))
        return -1;
    for (i = 2; i < len; i++) {
        if (v[i] < '0' || v[i] > '9' || (v[0] == '1' && v[i] != '0'))
            return -1;
        q += (v[i] - '0') * (i == 2 ? 100 : i == 3 ? 10 : 1);
    }
    return v[0] == '1' ? 1000 : q;
}

#endif /* RT_HTTP_CHARS_H */

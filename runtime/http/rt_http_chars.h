/*
 * rt_http_chars — the character classes of RFC 9110 that the head parser
 * (rt_http_parse.c) and the chunked decoder (rt_http_chunked.c) share.
 * Internal to runtime/http.
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

#endif /* RT_HTTP_CHARS_H */

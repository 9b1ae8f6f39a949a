/*
 * rt_valid_format_uri — the formats of JSON Schema's URI family: uri and
 * uri-reference (RFC 3986), iri and iri-reference (RFC 3987: the same
 * grammar, where non-ASCII characters of the ucschar ranges may stand
 * wherever unreserved ones may, and private-use ones in the query), and
 * uri-template (RFC 6570, level 4).  One parser reads the four URI forms:
 * a reference is a URI or a relative reference, an IRI a URI with IRI
 * characters.  Every check reads bytes: non-ASCII characters are decoded
 * from strict UTF-8 (no overlong form, no surrogate), and any byte that is
 * not part of one is refused.
 */
#include "rt_valid_format.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#define UNRESERVED "-._~"
#define SUB_DELIMS "!$&'()*+,;="

/* What a component may hold beyond ASCII: nothing (a URI), RFC 3987's
 * ucschar (an IRI), or ucschar and iprivate (an IRI's query; a template). */
enum wide { WIDE_NONE, WIDE_UCS, WIDE_PRIVATE };

/*
 * Decode one UTF-8 sequence at @p s (@p len bytes left, the first >= 0x80)
 * into @p cp.  @return its length, or 0 if it is not strict UTF-8.
 */
static size_t utf8_decode(const unsigned char *s, size_t len, uint32_t *cp)
{
    static const uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
    size_t n = s[0] >= 0xF0 ? 4 : s[0] >= 0xE0 ? 3 : s[0] >= 0xC0 ? 2 : 0;
    size_t i;

    if (n == 0 || s[0] > 0xF4 || n > len)
        return 0;
    *cp = s[0] & (0x7F >> n);
    for (i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        *cp = (*cp << 6) | (s[i] & 0x3F);
    }
    if (*cp < min[n] || *cp > 0x10FFFF || (*cp >= 0xD800 && *cp <= 0xDFFF))
        return 0;
    return n;
}

/* RFC 3987's ucschar; with @p private, iprivate too. */
static bool wide_ok(uint32_t cp, bool private)
{
    if ((cp >= 0xA0 && cp <= 0xD7FF) || (cp >= 0xF900 && cp <= 0xFDCF) || (cp >= 0xFDF0 && cp <= 0xFFEF))
        return true;
    if (cp >= 0x10000 && cp <= 0xEFFFD && (cp & 0xFFFF) <= 0xFFFD && (cp >> 16) != 0xE)
        return true;
    if (cp >= 0xE1000 && cp <= 0xEFFFD)
        return true;
    return private && ((cp >= 0xE000 && cp <= 0xF8FF) || (cp >= 0xF0000 && cp <= 0xFFFFD) ||
                       (cp >= 0x100000 && cp <= 0x10FFFD));
}

/*
 * Whether the @p len bytes at @p s are letters, digits, "-._~", %-escapes,
 * characters of @p extra, or (as @p wide allows) non-ASCII characters.
 */
static bool chars_ok(const char *s, size_t len, const char *extra, enum wide wide)
{
    size_t i, n;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;

        if (c == '%') {
            if (i + 2 >= len || !isxdigit((unsigned char)s[i + 1]) || !isxdigit((unsigned char)s[i + 2]))
                return false;
            i += 2;
        } else if (c >= 0x80) {
            n = wide == WIDE_NONE ? 0 : utf8_decode((const unsigned char *)s + i, len - i, &cp);
            if (n == 0 || !wide_ok(cp, wide == WIDE_PRIVATE))
                return false;
            i += n - 1;
        } else if (c == '\0' || !(isalnum(c) || strchr(UNRESERVED, c) || strchr(extra, c))) {
            return false;
        }
    }
    return true;
}

/* RFC 3986's IP-literal inside the brackets: an IPv6 address or IPvFuture ("v" 1*HEXDIG "." 1*(...)). */
static bool ip_literal_ok(const char *s, size_t len)
{
    size_t i = 1;

    if (len == 0 || (s[0] != 'v' && s[0] != 'V'))
        return rt_valid_format_ip_parse(AF_INET6, s, len, NULL);
    while (i < len && isxdigit((unsigned char)s[i]))
        i++;
    if (i == 1 || i + 1 >= len || s[i] != '.')
        return false;
    return chars_ok(s + i + 1, len - i - 1, SUB_DELIMS ":", WIDE_NONE) &&
           memchr(s + i + 1, '%', len - i - 1) == NULL;
}

/* authority = [ userinfo "@" ] host [ ":" port ] */
static bool authority_ok(const char *s, size_t len, enum wide wide)
{
    const char *at = memchr(s, '@', len), *host = s, *end = s + len, *colon;

    if (at != NULL) {
        if (!chars_ok(s, (size_t)(at - s), SUB_DELIMS ":", wide))
            return false;
        host = at + 1;
    }
    if (host < end && *host == '[') {
        const char *close = memchr(host, ']', (size_t)(end - host));

        if (close == NULL || !ip_literal_ok(host + 1, (size_t)(close - host - 1)))
            return false;
        colon = close + 1 < end ? close + 1 : NULL;
        if (colon != NULL && *colon != ':')
            return false;
    } else {
        colon = memchr(host, ':', (size_t)(end - host));
        if (!chars_ok(host, (size_t)((colon != NULL ? colon : end) - host), SUB_DELIMS, wide))
            return false;
    }
    for (colon = colon != NULL ? colon + 1 : end; colon < end; colon++)
        if (!isdigit((unsigned char)*colon))
            return false;
    return true;
}

/* The length of the scheme and its ':' at the start of @p s, or 0 if it does not start with one. */
static size_t scheme_len(const char *s, size_t len)
{
    size_t i = 1;

    if (len == 0 || !isalpha((unsigned char)s[0]))
        return 0;
    while (i < len && (isalnum((unsigned char)s[i]) || strchr("+-.", s[i]) != NULL) && s[i] != '\0')
        i++;
    return i < len && s[i] == ':' ? i + 1 : 0;
}

/*
 * Check a URI (@p reference false: with a scheme) or a URI reference (a
 * URI or a relative reference); @p iri: the IRI forms (RFC 3987).
 * @return NULL if valid, else the reason (static).
 */
const char *rt_valid_format_uri_reason(const char *s, size_t len, bool reference, bool iri)
{
    enum wide wide = iri ? WIDE_UCS : WIDE_NONE;
    size_t i = scheme_len(s, len), start;

    if (i == 0 && !reference)
        return len == 0 || !isalpha((unsigned char)s[0])
                   ? "a URI starts with a scheme, which starts with a letter"
                   : "invalid character in the scheme, or no ':' after it";
    if (len - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
        start = i += 2;
        while (i < len && strchr("/?#", s[i]) == NULL)
            i++;
        if (!authority_ok(s + start, i - start, wide))
            return "invalid authority (user information, host or port)";
    } else if (i == 0) { /* a relative reference's path-noscheme: no ':' in its first segment */
        for (start = 0; start < len && strchr("/?#", s[start]) == NULL; start++)
            if (s[start] == ':')
                return "a relative reference has no ':' in its first path segment";
    }
    start = i;
    while (i < len && s[i] != '?' && s[i] != '#')
        i++;
    if (!chars_ok(s + start, i - start, SUB_DELIMS ":@/", wide))
        return "invalid character in the path";
    if (i < len && s[i] == '?') {
        start = ++i;
        while (i < len && s[i] != '#')
            i++;
        if (!chars_ok(s + start, i - start, SUB_DELIMS ":@/?", iri ? WIDE_PRIVATE : WIDE_NONE))
            return "invalid character in the query";
    }
    if (i < len && !chars_ok(s + i + 1, len - i - 1, SUB_DELIMS ":@/?", wide))
        return "invalid character in the fragment";
    return NULL;
}

/* --- uri-template --- */

/* An expression's varspec at @p s (up to @p end): varname [":" max-length | "*"]. @return past it, or NULL.
 */
static const char *varspec_end(const char *s, const char *end)
{
    bool need = true; /* a varchar must come next (at the start, after a '.') */

    while (s < end) {
        if (*s == '%') {
            if (end - s < 3 || !isxdigit((unsigned char)s[1]) || !isxdigit((unsigned char)s[2]))
                return NULL;
            s += 3, need = false;
        } else if (isalnum((unsigned char)*s) || *s == '_') {
            s++, need = false;
        } else if (*s == '.' && !need) {
            s++, need = true;
        } else {
            break;
        }
    }
    if (need)
        return NULL;
    if (s < end && *s == '*')
        return s + 1;
    if (s < end && *s == ':') { /* max-length = %x31-39 0*3DIGIT */
        const char *d = ++s;

        if (s == end || *s < '1' || *s > '9')
            return NULL;
        while (s < end && isdigit((unsigned char)*s))
            s++;
        return s - d <= 4 ? s : NULL;
    }
    return s;
}

/* expression = "{" [ operator ] variable-list "}", the braces excluded. @return whether it is one. */
static bool expression_ok(const char *s, size_t len)
{
    const char *end = s + len;

    /* the operator: =,!@| are reserved for extensions, yet RFC 6570's grammar has them */
    if (s < end && *s != '\0' && strchr("+#./;?&=,!@|", *s) != NULL)
        s++;
    for (;;) {
        if ((s = varspec_end(s, end)) == NULL)
            return false;
        if (s == end)
            return true;
        if (*s++ != ',')
            return false;
    }
}

/*
 * Check a URI Template (RFC 6570): literals (any character but controls,
 * space, '"', '%' outside an escape, '<', '>', '\', '^', '`', '{', '|' and
 * '}'; the apostrophe is allowed, as RFC 6570's erratum 6937 says) and
 * expressions.  @return NULL if valid, else the reason (static).
 */
const char *rt_valid_format_uri_template_reason(const char *s, size_t len)
{
    size_t i, n;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        uint32_t cp;

        if (c == '{') {
            const char *close = memchr(s + i, '}', len - i);

            if (close == NULL)
                return "an expression ('{') is not closed";
            if (!expression_ok(s + i + 1, (size_t)(close - s - i - 1)))
                return "invalid expression: an optional operator, then variable names (letters, digits, '_', "
                       "%-escapes, single dots) separated by commas, each with an optional :length (1 to "
                       "9999) "
                       "or '*'";
            i = (size_t)(close - s);
        } else if (c == '%') {
            if (i + 2 >= len || !isxdigit((unsigned char)s[i + 1]) || !isxdigit((unsigned char)s[i + 2]))
                return "a '%' starts a %-escape of two hex digits";
            i += 2;
        } else if (c >= 0x80) {
            if ((n = utf8_decode((const unsigned char *)s + i, len - i, &cp)) == 0 || !wide_ok(cp, true))
                return "a non-ASCII character outside RFC 3987's ucschar and iprivate ranges";
            i += n - 1;
        } else if (c <= 0x20 || c == 0x7F || strchr("\"<>\\^`{|}", c) != NULL) {
            return c == '}' ? "a '}' closes no expression" : "a character a template literal may not hold";
        }
    }
    return NULL;
}

int rt_valid_format_uri_check(enum rt_valid_format format, const char *s, size_t len,
                              struct json_object *input, struct rt_valid_errors *errs,
                              const struct rt_valid_loc *loc)
{
    const char *reason, *what;
    char msg[512];

    switch (format) {
    case RT_VALID_FORMAT_URI:
        if ((reason = rt_valid_format_uri_reason(s, len, false, false)) == NULL)
            return 0;
        snprintf(msg, sizeof(msg), "Input should be a valid URI, %s", reason);
        rt_valid_error_ctx(errs, loc, "url_parsing", msg, json_object_get(input), "error", reason);
        return -1;
    case RT_VALID_FORMAT_URI_REFERENCE:
        reason = rt_valid_format_uri_reason(s, len, true, false), what = "URI reference";
        break;
    case RT_VALID_FORMAT_IRI:
        reason = rt_valid_format_uri_reason(s, len, false, true), what = "IRI";
        break;
    case RT_VALID_FORMAT_IRI_REFERENCE:
        reason = rt_valid_format_uri_reason(s, len, true, true), what = "IRI reference";
        break;
    case RT_VALID_FORMAT_URI_TEMPLATE:
        reason = rt_valid_format_uri_template_reason(s, len), what = "URI template";
        break;
    default:
        return 0;
    }
    return reason == NULL ? 0 : rt_valid_format_fail(what, reason, input, errs, loc);
}

/*
 * rt_valid_format_net — the formats of network names: uri (RFC 3986's URI:
 * a scheme, then an optional authority, path, query and fragment of ASCII
 * characters, %-escapes well formed; an IPv6 host as rt_valid_format_ip
 * reads it) and hostname (RFC 1123).  A host name's A-labels (xn--...) are
 * checked by libidn2, which decodes the Punycode and applies IDNA2008's
 * rules (RFC 5891/5892: disallowed code points, CONTEXTJ/CONTEXTO, leading
 * combining marks) as JSON Schema's hostname format asks.
 */
#include "rt_valid_format.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <idn2.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* --- hostname --- */

/*
 * An A-label ("xn--" and Punycode) that decodes to a valid U-label.  DNS
 * names are case-insensitive (RFC 4343) and RFC 5891 compares an A-label
 * with its re-encoding ignoring case: it is checked lower-cased.
 */
static bool alabel_ok(const char *s, size_t len)
{
    char buf[64];
    uint8_t *out = NULL;
    size_t i;
    int rc;

    for (i = 0; i < len; i++) /* len <= 63: checked by the caller */
        buf[i] = (char)tolower((unsigned char)s[i]);
    buf[len] = '\0';
    rc = idn2_register_u8(NULL, (const uint8_t *)buf, &out, 0);
    idn2_free(out);
    return rc == IDN2_OK;
}

const char *rt_valid_format_hostname_reason(const char *s, size_t len)
{
    size_t i = 0, start;

    if (len == 0)
        return "a host name is not empty";
    if (len > 253)
        return "a host name is at most 253 characters long";
    for (start = 0; start <= len; start = ++i) {
        while (i < len && s[i] != '.')
            i++;
        if (i == start)
            return "a label (between dots, no leading or trailing dot) is not empty";
        if (i - start > 63)
            return "a label is at most 63 characters long";
        if (s[start] == '-' || s[i - 1] == '-')
            return "a label neither starts nor ends with a hyphen";
        for (size_t j = start; j < i; j++)
            if (!isalnum((unsigned char)s[j]) && s[j] != '-')
                return "a label is made of ASCII letters, digits and hyphens";
        if (i - start >= 4 && strncasecmp(s + start, "xn--", 4) == 0 && !alabel_ok(s + start, i - start))
            return "a label starting with xn-- is not a valid A-label (IDNA2008 Punycode)";
    }
    return NULL;
}

/* --- uri --- */

#define UNRESERVED "-._~"
#define SUB_DELIMS "!$&'()*+,;="

/* Whether the @p len bytes at @p s are characters of @p extra, letters, digits, "-._~" or %-escapes. */
static bool chars_ok(const char *s, size_t len, const char *extra)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c == '%') {
            if (i + 2 >= len || !isxdigit((unsigned char)s[i + 1]) || !isxdigit((unsigned char)s[i + 2]))
                return false;
            i += 2;
        } else if (c >= 0x80 || c == '\0' || !(isalnum(c) || strchr(UNRESERVED, c) || strchr(extra, c))) {
            return false;
        }
    }
    return true;
}

/* authority = [ userinfo "@" ] host [ ":" port ] */
static bool authority_ok(const char *s, size_t len)
{
    const char *at = memchr(s, '@', len), *host = s, *end = s + len, *colon;

    if (at != NULL) {
        if (!chars_ok(s, (size_t)(at - s), SUB_DELIMS ":"))
            return false;
        host = at + 1;
    }
    if (host < end && *host == '[') {
        const char *close = memchr(host, ']', (size_t)(end - host));

        if (close == NULL || !rt_valid_format_ip_parse(AF_INET6, host + 1, (size_t)(close - host - 1), NULL))
            return false;
        colon = close + 1 < end ? close + 1 : NULL;
        if (colon != NULL && *colon != ':')
            return false;
    } else {
        colon = memchr(host, ':', (size_t)(end - host));
        if (!chars_ok(host, (size_t)((colon != NULL ? colon : end) - host), SUB_DELIMS))
            return false;
    }
    for (colon = colon != NULL ? colon + 1 : end; colon < end; colon++)
        if (!isdigit((unsigned char)*colon))
            return false;
    return true;
}

static const char *uri_reason(const char *s, size_t len)
{
    size_t i = 0, start;

    if (len == 0 || !isalpha((unsigned char)s[0]))
        return "a URI starts with a scheme, which starts with a letter";
    while (i < len && (isalnum((unsigned char)s[i]) || strchr("+-.", s[i]) != NULL) && s[i] != '\0')
        i++;
    if (i == len || s[i] != ':')
        return "invalid character in the scheme, or no ':' after it";
    i++;
    if (len - i >= 2 && s[i] == '/' && s[i + 1] == '/') {
        start = i += 2;
        while (i < len && strchr("/?#", s[i]) == NULL)
            i++;
        if (!authority_ok(s + start, i - start))
            return "invalid authority (user information, host or port)";
    }
    start = i;
    while (i < len && s[i] != '?' && s[i] != '#')
        i++;
    if (!chars_ok(s + start, i - start, SUB_DELIMS ":@/"))
        return "invalid character in the path";
    if (i < len && s[i] == '?') {
        start = ++i;
        while (i < len && s[i] != '#')
            i++;
        if (!chars_ok(s + start, i - start, SUB_DELIMS ":@/?"))
            return "invalid character in the query";
    }
    if (i < len && !chars_ok(s + i + 1, len - i - 1, SUB_DELIMS ":@/?"))
        return "invalid character in the fragment";
    return NULL;
}

int rt_valid_format_net_check(enum rt_valid_format format, const char *s, size_t len,
                              struct json_object *input, struct rt_valid_errors *errs,
                              const struct rt_valid_loc *loc)
{
    const char *reason = NULL, *type = NULL, *msg = NULL;
    char buf[256];

    switch (format) {
    case RT_VALID_FORMAT_URI:
        if ((reason = uri_reason(s, len)) != NULL) {
            snprintf(buf, sizeof(buf), "Input should be a valid URI, %s", reason);
            type = "url_parsing", msg = buf;
        }
        break;
    case RT_VALID_FORMAT_HOSTNAME:
        if ((reason = rt_valid_format_hostname_reason(s, len)) != NULL) {
            snprintf(buf, sizeof(buf), "value is not a valid host name: %s", reason);
            type = "value_error", msg = buf;
        }
        break;
    default:
        break;
    }
    if (type == NULL)
        return 0;
    if (reason != NULL)
        rt_valid_error_ctx(errs, loc, type, msg, json_object_get(input), "error", reason);
    else
        rt_valid_error_ref(errs, loc, type, msg, input);
    return -1;
}

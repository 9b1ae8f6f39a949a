/*
 * rt_valid_format_net — the formats of network names: hostname (RFC 1123;
 * the URIs are rt_valid_format_uri's).  A host name's A-labels (xn--...) are
 * checked by libidn2, which decodes the Punycode and applies IDNA2008's
 * rules (RFC 5891/5892: disallowed code points, CONTEXTJ/CONTEXTO, leading
 * combining marks) as JSON Schema's hostname format asks.
 */
#include "rt_valid_format.h"

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

int rt_valid_format_net_check(enum rt_valid_format format, const char *s, size_t len,
                              struct json_object *input, struct rt_valid_errors *errs,
                              const struct rt_valid_loc *loc)
{
    const char *reason = NULL, *type = NULL, *msg = NULL;
    char buf[256];

    switch (format) {
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

/*
 * rt_valid_format_pointer — JSON Schema's json-pointer (RFC 6901, the JSON
 * string form: not the URI fragment form "#/...") and relative-json-pointer
 * (draft-handrews-relative-json-pointer-01, which JSON Schema 2020-12
 * cites: a non-negative integer without leading zeros, then '#' or a JSON
 * pointer; no index manipulation, which only a later draft adds).
 */
#include "rt_valid_format.h"

#include <json-c/json.h>

const char *rt_valid_format_json_pointer_reason(const char *s, size_t len)
{
    size_t i;

    if (len > 0 && s[0] != '/')
        return "a JSON pointer is empty or starts with '/'";
    for (i = 0; i < len; i++)
        if (s[i] == '~' && (i + 1 == len || (s[i + 1] != '0' && s[i + 1] != '1')))
            return "a '~' is escaped as ~0, and '/' within a reference token as ~1";
    return NULL;
}

const char *rt_valid_format_relative_json_pointer_reason(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len && s[i] >= '0' && s[i] <= '9')
        i++;
    if (i == 0)
        return "a relative JSON pointer starts with a non-negative integer (ASCII digits, no sign)";
    if (i > 1 && s[0] == '0')
        return "the integer of a relative JSON pointer has no leading zero";
    if (i + 1 == len && s[i] == '#')
        return NULL;
    if (i < len && s[i] != '/')
        return "the integer of a relative JSON pointer is followed by nothing, '#' alone, or a JSON pointer";
    return rt_valid_format_json_pointer_reason(s + i, len - i);
}

int rt_valid_format_pointer_check(enum rt_valid_format format, const char *s, size_t len,
                                  struct json_object *input, struct rt_valid_errors *errs,
                                  const struct rt_valid_loc *loc)
{
    const char *reason, *what;

    switch (format) {
    case RT_VALID_FORMAT_JSON_POINTER:
        reason = rt_valid_format_json_pointer_reason(s, len), what = "JSON pointer";
        break;
    case RT_VALID_FORMAT_RELATIVE_JSON_POINTER:
        reason = rt_valid_format_relative_json_pointer_reason(s, len), what = "relative JSON pointer";
        break;
    default:
        return 0;
    }
    return reason == NULL ? 0 : rt_valid_format_fail(what, reason, input, errs, loc);
}

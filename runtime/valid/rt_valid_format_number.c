/*
 * rt_valid_format_number — numbers written as text: drf-spectacular's
 * decimal (a DecimalField: a decimal number as a string) and the integer
 * formats on a string (protobuf-JSON's int64 as text, {type: string,
 * format: int64}; ASP.NET Core's [integer, string] with format int32): a
 * decimal integer within the format's range.
 */
#include "rt_valid_format.h"

#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

const char *rt_valid_format_decimal_reason(const char *s, size_t len)
{
    size_t i = 0, digits = 0;

    if (i < len && (s[i] == '+' || s[i] == '-'))
        i++;
    for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
        digits++;
    if (i < len && s[i] == '.')
        for (i++; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            digits++;
    if (digits == 0)
        return "expected digits, with an optional sign, decimal point and exponent";
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        size_t exp_digits = 0;

        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            exp_digits++;
        if (exp_digits == 0)
            return "expected digits after the exponent";
    }
    return i == len ? NULL : "unexpected character after the number";
}

/* The range of an integer format on a string: the largest magnitude below
 * zero (0: unsigned) and above it. */
static bool text_range(enum rt_valid_format format, uint64_t *neg, uint64_t *pos)
{
    static const struct {
        enum rt_valid_format format;
        uint64_t neg, pos;
    } ranges[] = {
        {RT_VALID_FORMAT_INT8_TEXT, 128u, 127u},
        {RT_VALID_FORMAT_INT16_TEXT, 32768u, 32767u},
        {RT_VALID_FORMAT_INT32_TEXT, 2147483648u, 2147483647u},
        {RT_VALID_FORMAT_INT64_TEXT, 9223372036854775808u, 9223372036854775807u},
        {RT_VALID_FORMAT_UINT8_TEXT, 0u, 255u},
        {RT_VALID_FORMAT_UINT16_TEXT, 0u, 65535u},
        {RT_VALID_FORMAT_UINT32_TEXT, 0u, 4294967295u},
        {RT_VALID_FORMAT_UINT64_TEXT, 0u, UINT64_MAX},
    };

    for (size_t i = 0; i < sizeof(ranges) / sizeof(ranges[0]); i++)
        if (ranges[i].format == format) {
            *neg = ranges[i].neg, *pos = ranges[i].pos;
            return true;
        }
    return false;
}

const char *rt_valid_format_integer_text_reason(enum rt_valid_format format, const char *s, size_t len)
{
    static _Thread_local char buf[96];
    uint64_t neg, pos, v = 0;
    bool minus = len > 0 && s[0] == '-', overflow = false;
    size_t i = minus ? 1 : 0;

    if (!text_range(format, &neg, &pos))
        return NULL;
    if (i == len)
        return "unable to parse string as an integer";
    if (s[i] == '0' && len - i > 1)
        return "unable to parse string as an integer: a leading zero";
    for (; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return "unable to parse string as an integer";
        if (v > (UINT64_MAX - (uint64_t)(s[i] - '0')) / 10)
            overflow = true;
        else
            v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (overflow || (minus && neg == 0) || v > (minus ? neg : pos)) {
        if (neg == 0)
            snprintf(buf, sizeof(buf), "out of range (0 to %llu)", (unsigned long long)pos);
        else
            snprintf(buf, sizeof(buf), "out of range (-%llu to %llu)", (unsigned long long)neg,
                     (unsigned long long)pos);
        return buf;
    }
    return NULL;
}

int rt_valid_format_number_check(enum rt_valid_format format, const char *s, size_t len,
                                 struct json_object *input, struct rt_valid_errors *errs,
                                 const struct rt_valid_loc *loc)
{
    bool decimal = format == RT_VALID_FORMAT_DECIMAL;
    const char *reason = decimal ? rt_valid_format_decimal_reason(s, len)
                                 : rt_valid_format_integer_text_reason(format, s, len);
    char msg[192];

    if (reason == NULL)
        return 0;
    snprintf(msg, sizeof(msg), "Input should be a valid %s, %s", decimal ? "decimal" : "integer", reason);
    rt_valid_error_ctx(errs, loc, decimal ? "decimal_parsing" : "int_parsing", msg, json_object_get(input),
                       "error", reason);
    return -1;
}

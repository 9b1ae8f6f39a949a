/*
 * rt_valid_format_number: drf-spectacular's decimal and the integer formats
 * on a string (a decimal integer as text, within its range), with their
 * errors in the FastAPI shape.
 */
#include "test.h"
#include "valid_test.h"

#include "rt_valid.h"
#include "rt_valid_errors.h"
#include "rt_valid_format.h"

#include <json-c/json.h>
#include <stddef.h>
#include <string.h>

/* The reason of format @p f for the NUL-terminated @p s, or "ok". */
static const char *why(enum rt_valid_format f, const char *s)
{
    const char *r = f == RT_VALID_FORMAT_DECIMAL ? rt_valid_format_decimal_reason(s, strlen(s))
                                                 : rt_valid_format_integer_text_reason(f, s, strlen(s));

    return r != NULL ? r : "ok";
}

static void test_decimal(void)
{
    static const char *const good[] = {"0", "-12.34", "+5", "1.", ".5", "1e3", "2.5E-7", "007", NULL};
    static const char *const bad[] = {"",    "-",        ".",  "1.2.3", "12abc", " 1",  "1 ",
                                      "NaN", "Infinity", "1e", "1e+",   "0x10",  "1,5", NULL};

    for (int i = 0; good[i] != NULL; i++)
        CHECK(same(why(RT_VALID_FORMAT_DECIMAL, good[i]), "ok"));
    for (int i = 0; bad[i] != NULL; i++)
        CHECK(!same(why(RT_VALID_FORMAT_DECIMAL, bad[i]), "ok"));
}

static void test_integer_text(void)
{
    CHECK(same(why(RT_VALID_FORMAT_INT64_TEXT, "9223372036854775807"), "ok"));
    CHECK(same(why(RT_VALID_FORMAT_INT64_TEXT, "-9223372036854775808"), "ok"));
    CHECK(same(why(RT_VALID_FORMAT_INT64_TEXT, "9223372036854775808"),
               "out of range (-9223372036854775808 to 9223372036854775807)"));
    CHECK(same(why(RT_VALID_FORMAT_INT64_TEXT, "99999999999999999999999"),
               "out of range (-9223372036854775808 to 9223372036854775807)"));
    CHECK(same(why(RT_VALID_FORMAT_INT64_TEXT, "12abc"), "unable to parse string as an integer"));
    CHECK(same(why(RT_VALID_FORMAT_INT64_TEXT, ""), "unable to parse string as an integer"));
    CHECK(same(why(RT_VALID_FORMAT_INT64_TEXT, "-"), "unable to parse string as an integer"));
    CHECK(same(why(RT_VALID_FORMAT_INT64_TEXT, "+1"), "unable to parse string as an integer"));
    CHECK(same(why(RT_VALID_FORMAT_INT64_TEXT, "1.0"), "unable to parse string as an integer"));
    CHECK(
        same(why(RT_VALID_FORMAT_INT64_TEXT, "012"), "unable to parse string as an integer: a leading zero"));
    CHECK(same(why(RT_VALID_FORMAT_INT64_TEXT, "0"), "ok"));
    CHECK(same(why(RT_VALID_FORMAT_INT32_TEXT, "2147483647"), "ok"));
    CHECK(same(why(RT_VALID_FORMAT_INT32_TEXT, "-2147483649"), "out of range (-2147483648 to 2147483647)"));
    CHECK(same(why(RT_VALID_FORMAT_INT8_TEXT, "-128"), "ok"));
    CHECK(same(why(RT_VALID_FORMAT_INT8_TEXT, "128"), "out of range (-128 to 127)"));
    CHECK(same(why(RT_VALID_FORMAT_INT16_TEXT, "-32769"), "out of range (-32768 to 32767)"));
    CHECK(same(why(RT_VALID_FORMAT_UINT8_TEXT, "255"), "ok"));
    CHECK(same(why(RT_VALID_FORMAT_UINT8_TEXT, "256"), "out of range (0 to 255)"));
    CHECK(same(why(RT_VALID_FORMAT_UINT8_TEXT, "-1"), "out of range (0 to 255)"));
    CHECK(same(why(RT_VALID_FORMAT_UINT8_TEXT, "-0"), "out of range (0 to 255)"));
    CHECK(same(why(RT_VALID_FORMAT_UINT16_TEXT, "65535"), "ok"));
    CHECK(same(why(RT_VALID_FORMAT_UINT32_TEXT, "4294967296"), "out of range (0 to 4294967295)"));
    CHECK(same(why(RT_VALID_FORMAT_UINT64_TEXT, "18446744073709551615"), "ok"));
    CHECK(same(why(RT_VALID_FORMAT_UINT64_TEXT, "18446744073709551616"),
               "out of range (0 to 18446744073709551615)"));
}

static void test_errors(void)
{
    const struct rt_valid_loc at = {NULL, "size", 0};
    struct rt_valid_errors errs;
    struct json_object *input = json_object_new_string("12abc");

    rt_valid_errors_init(&errs);
    CHECK(rt_valid_format_check(RT_VALID_FORMAT_INT64_TEXT, "12abc", 5, input, &errs, &at) == -1);
    CHECK(rt_valid_format_check(RT_VALID_FORMAT_DECIMAL, "12abc", 5, input, &errs, &at) == -1);
    CHECK(rt_valid_format_check(RT_VALID_FORMAT_DECIMAL, "12.5", 4, input, &errs, &at) == 0);
    CHECK(same(
        errors_text(&errs),
        "[{\"type\":\"int_parsing\",\"loc\":[\"size\"],\"msg\":\"Input should be a valid integer, unable to "
        "parse string as an integer\",\"input\":\"12abc\",\"ctx\":{\"error\":\"unable to parse string as an "
        "integer\"}},{\"type\":\"decimal_parsing\",\"loc\":[\"size\"],\"msg\":\"Input should be a valid "
        "decimal, unexpected character after the number\",\"input\":\"12abc\",\"ctx\":{\"error\":"
        "\"unexpected character after the number\"}}]"));
    rt_valid_errors_cleanup(&errs);
    json_object_put(input);
}

int main(void)
{
    test_decimal();
    test_integer_text();
    test_errors();
    return test_done();
}

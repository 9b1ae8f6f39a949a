/*
 * rt_valid_json: doubles as Python prints them, strict body parsing (where
 * and why a document is refused), and FastAPI's Content-Type rules for
 * request bodies.
 */
#include "test.h"
#include "valid_test.h"

#include "rt_valid.h"
#include "rt_valid_errors.h"
#include "rt_valid_json.h"

#include <json-c/json.h>
#include <string.h>

static void test_json_double(void)
{
    static const struct {
        double v;
        const char *text;
    } cases[] = {{3.001, "3.001"},
                 {2.0, "2.0"},
                 {0.1, "0.1"},
                 {0.1 + 0.2, "0.30000000000000004"},
                 {1e16, "1e+16"},
                 {-0.0, "-0.0"},
                 {1.0 / 3, "0.3333333333333333"}};
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct json_object *j = rt_valid_json_double(cases[i].v);

        CHECK(same(json_object_to_json_string(j), cases[i].text));
        json_object_put(j);
    }
    rt_valid_init();
    {
        struct json_object *j = json_object_new_double(3.001); /* the global format, for handlers */

        CHECK(same(json_object_to_json_string(j), "3.001"));
        json_object_put(j);
    }
}

static void test_json_parse(void)
{
    static const struct {
        const char *text;
        int ok;
    } cases[] = {
        {"123", 1},        {" {\"a\":1} \n", 1}, {"\"x\"", 1},        {"[1,2", 0}, {"{} {}", 0},
        {"{\"a\":1,}", 0}, {"[1,]", 0},          {"\"\xc3\x28\"", 0}, {"", 0},     {"tru", 0},
        {"null", 1},       {"[1]\t\r\n ", 1},    {"[1] \v", 0},       {"-0", 1},   {"1e5", 1},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct rt_valid_errors errs;
        struct json_object *j = NULL;
        int rc;

        rt_valid_errors_init(&errs);
        rc = rt_valid_json_parse(cases[i].text, strlen(cases[i].text), &j, &errs);
        CHECK((rc == 0) == cases[i].ok && rt_valid_errors_count(&errs) == (cases[i].ok ? 0u : 1u));
        json_object_put(j);
        rt_valid_errors_cleanup(&errs);
    }
}

/* rt_valid_json_parse() of @p len bytes at @p text; @return its one error, or "ok". */
static const char *parse_error_len(const char *text, size_t len)
{
    struct rt_valid_errors errs;
    struct json_object *j = NULL;

    rt_valid_errors_init(&errs);
    if (rt_valid_json_parse(text, len, &j, &errs) == 0) {
        json_object_put(j);
        return "ok";
    }
    return errors_text(&errs);
}

static const char *parse_error(const char *text)
{
    return parse_error_len(text, strlen(text));
}

#define JSON_INVALID(offset, why)                                                                            \
    "[{\"type\":\"json_invalid\",\"loc\":[\"body\"," offset "],\"msg\":\"JSON decode error\",\"input\":{},"  \
    "\"ctx\":{\"error\":\"" why "\"}}]"

static void test_json_parse_errors(void)
{
    CHECK(same(parse_error("{} {}"), JSON_INVALID("3", "unexpected character")));
    CHECK(same(parse_error_len("{} \0x", 5), JSON_INVALID("3", "extra data after the JSON value")));
    CHECK(same(parse_error("[1,2"), JSON_INVALID("4", "unexpected end of data")));
    CHECK(same(parse_error("[1, NaN]"), JSON_INVALID("4", "invalid number")));
    CHECK(same(parse_error("{\"a\":-Infinity}"), JSON_INVALID("5", "invalid number")));
    CHECK(same(parse_error("1."), JSON_INVALID("0", "invalid number")));
    CHECK(same(parse_error("[1.e5]"), JSON_INVALID("1", "invalid number")));
    CHECK(same(parse_error("[\"1.\", 2]"), "ok")); /* numbers in strings are text */
    CHECK(same(parse_error("[\"\\\"-.5\", 2]"), "ok"));
}

/* rt_valid_json_body() with @p required; @return "<rc> <errors or ok>" (static buffer). */
static const char *body(const char *content_type, const char *text, bool required)
{
    static char out[2048];
    struct rt_valid_errors errs;
    struct json_object *j = NULL;
    int rc;

    rt_valid_errors_init(&errs);
    rc = rt_valid_json_body(content_type, text, text != NULL ? strlen(text) : 0, required, &j, &errs);
    CHECK((rc == 1) == (j != NULL));
    json_object_put(j);
    snprintf(out, sizeof(out), "%d %s", rc, rt_valid_errors_count(&errs) == 0 ? "ok" : errors_text(&errs));
    return out;
}

#define MISSING "[{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field required\",\"input\":null}]"
#define NOT_OBJECT(input)                                                                                    \
    "[{\"type\":\"model_attributes_type\",\"loc\":[\"body\"],\"msg\":\"Input should be a valid dictionary "  \
    "or "                                                                                                    \
    "object to extract fields from\",\"input\":" input "}]"

static void test_json_body(void)
{
    CHECK(same(body(NULL, "{}", true), "1 ok"));
    CHECK(same(body("application/json", "[1]", true), "1 ok")); /* the model says it is no object */
    CHECK(same(body(" Application/JSON ; charset=utf-8", "{}", true), "1 ok"));
    CHECK(same(body("application/vnd.api+json", "{}", true), "1 ok"));
    CHECK(same(body(NULL, NULL, true), "0 " MISSING));
    CHECK(same(body(NULL, "", true), "0 " MISSING));
    CHECK(same(body("application/json", "null", true), "0 " MISSING));
    CHECK(same(body("application/json", NULL, false), "0 ok"));
    CHECK(same(body("application/json", "null", false), "0 ok"));
    CHECK(same(body("text/plain", "{\"a\":1}", true), "0 " NOT_OBJECT("\"{\\\"a\\\":1}\"")));
    CHECK(same(body("application/jsonx", "{}", true), "0 " NOT_OBJECT("\"{}\"")));
    CHECK(same(body("application/+json", "{}", true), "0 " NOT_OBJECT("\"{}\"")));
    CHECK(same(body("text/plain", "\xff", true), "0 " NOT_OBJECT("null"))); /* not UTF-8: no input */
    CHECK(same(body("application/json", "{", false), "0 " JSON_INVALID("1", "unexpected end of data")));
}

/* json-c clamps integers below INT64_MIN to it: rt_valid_json_parse() keeps them below, with their text. */
static void test_json_below_int64(void)
{
    const char *text = "{\"a\":-9223372036854775809,\"b\":[-9223372036854775808,-99999999999999999999],\"c\":"
                       "\"-9223372036854775809\"}";
    struct rt_valid_errors errs;
    struct json_object *j = NULL, *b;

    rt_valid_errors_init(&errs);
    CHECK(rt_valid_json_parse(text, strlen(text), &j, &errs) == 0);
    b = json_object_object_get(j, "b");
    CHECK(json_object_get_type(json_object_object_get(j, "a")) == json_type_double &&
          json_object_get_double(json_object_object_get(j, "a")) < -9223372036854775808.0);
    CHECK(json_object_get_type(json_object_array_get_idx(b, 0)) == json_type_int); /* INT64_MIN itself */
    CHECK(json_object_get_type(json_object_array_get_idx(b, 1)) == json_type_double);
    CHECK(same(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN),
               "{\"a\":-9223372036854775809,\"b\":[-9223372036854775808,-99999999999999999999],\"c\":"
               "\"-9223372036854775809\"}"));
    json_object_put(j);
    text = "[-9223372036854775809,-9223372036854775809,-9223372036854775809,-9223372036854775809,"
           "-9223372036854775809,-9223372036854775809,-9223372036854775809,-9223372036854775809,"
           "-9223372036854775809,-9223372036854775810]";
    CHECK(rt_valid_json_parse(text, strlen(text), &j, &errs) == 0);
    CHECK(json_object_get_type(json_object_array_get_idx(j, 9)) ==
          json_type_double); /* as many as there are */
    json_object_put(j);
    rt_valid_errors_cleanup(&errs);
}

/* json-c clamps integers above UINT64_MAX to it: rt_valid_json_parse() keeps their value and text. */
static void test_json_above_uint64(void)
{
    const char *text = "[18446744073709551615,18446744073709551616,-1,"
                       "12345678910111213141516171819202122232425262728293031,1"
                       "0000000000000000000000000000000000000000000000000000000000000000000000]";
    struct rt_valid_errors errs;
    struct json_object *j = NULL;

    rt_valid_errors_init(&errs);
    CHECK(rt_valid_json_parse(text, strlen(text), &j, &errs) == 0);
    CHECK(json_object_get_type(json_object_array_get_idx(j, 0)) == json_type_int); /* UINT64_MAX itself */
    CHECK(json_object_get_uint64(json_object_array_get_idx(j, 0)) == UINT64_MAX);
    CHECK(json_object_get_type(json_object_array_get_idx(j, 1)) == json_type_double &&
          json_object_get_double(json_object_array_get_idx(j, 1)) == 18446744073709551616.0);
    CHECK(json_object_get_double(json_object_array_get_idx(j, 3)) > 1.2e52 &&
          json_object_get_double(json_object_array_get_idx(j, 3)) < 1.3e52);
    CHECK(json_object_get_double(json_object_array_get_idx(j, 4)) == 1e70);       /* past 63 characters too */
    CHECK(same(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN), text)); /* the client's text */
    json_object_put(j);
    /* a key given twice (the last one wins, as in Python) does not shift a big value onto another key */
    text = "{\"y\":1,\"b\":1000000000000000000000000000000,\"y\":18446744073709551615,\"c\":-1e0}";
    CHECK(rt_valid_json_parse(text, strlen(text), &j, &errs) == 0);
    CHECK(same(json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN),
               "{\"y\":18446744073709551615,\"b\":1000000000000000000000000000000,\"c\":-1e0}"));
    CHECK(json_object_get_type(json_object_object_get(j, "y")) == json_type_int &&
          json_object_get_double(json_object_object_get(j, "b")) == 1e30);
    json_object_put(j);
    rt_valid_errors_cleanup(&errs);
}

int main(void)
{
    test_json_below_int64();
    test_json_above_uint64();
    test_json_double();
    test_json_parse();
    test_json_parse_errors();
    test_json_body();
    return test_done();
}

/*
 * rt_valid_parse, rt_valid_format and rt_valid_scalar: pydantic's string
 * parsing, the formats' reasons, one value against its rule (without a
 * model around it), and one parameter from its text.
 */
#include "test.h"
#include "valid_test.h"

#include "rt_valid.h"
#include "rt_valid_errors.h"
#include "rt_valid_format.h"
#include "rt_valid_parse.h"
#include "rt_valid_scalar.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --- rt_valid_parse --- */

static void test_parse_int(void)
{
    int64_t i = 0;

    CHECK(rt_valid_parse_int("3", &i) == 0 && i == 3);
    CHECK(rt_valid_parse_int(" -7\t", &i) == 0 && i == -7);
    CHECK(rt_valid_parse_int("+1_000", &i) == 0 && i == 1000);
    CHECK(rt_valid_parse_int("2.0", &i) == 0 && i == 2);
    CHECK(rt_valid_parse_int("2.", &i) == 0 && i == 2);
    CHECK(rt_valid_parse_int("-9223372036854775808", &i) == 0 && i == INT64_MIN);
    CHECK(rt_valid_parse_int("9223372036854775808", &i) == 1 && i == INT64_MAX);
    CHECK(rt_valid_parse_int("-99999999999999999999999", &i) == 1 && i == INT64_MIN);
    CHECK(rt_valid_parse_int("2.5", &i) == -1);
    CHECK(rt_valid_parse_int("1e1", &i) == -1);
    CHECK(rt_valid_parse_int("", &i) == -1);
    CHECK(rt_valid_parse_int("_1", &i) == -1);
    CHECK(rt_valid_parse_int("1__0", &i) == -1);
    CHECK(rt_valid_parse_int("0x10", &i) == -1);
}

static void test_parse_number(void)
{
    double d = 0;

    CHECK(rt_valid_parse_number("2.5", &d) == 0 && d == 2.5);
    CHECK(rt_valid_parse_number("1e1", &d) == 0 && d == 10);
    CHECK(rt_valid_parse_number(" -.5 ", &d) == 0 && d == -0.5);
    CHECK(rt_valid_parse_number("5.", &d) == 0 && d == 5);
    CHECK(rt_valid_parse_number("1_0.2_5", &d) == 0 && d == 10.25);
    CHECK(rt_valid_parse_number("Infinity", &d) == 0 && isinf(d));
    CHECK(rt_valid_parse_number("-nan", &d) == 0 && isnan(d));
    CHECK(rt_valid_parse_number("1e999", &d) == 0 && isinf(d));
    CHECK(rt_valid_parse_number(".", &d) == -1);
    CHECK(rt_valid_parse_number("1e", &d) == -1);
    CHECK(rt_valid_parse_number("0x1p3", &d) == -1);
    CHECK(rt_valid_parse_number("nanx", &d) == -1);
    CHECK(rt_valid_parse_number("3 4", &d) == -1);
}

static void test_parse_bool(void)
{
    bool b = false;

    CHECK(rt_valid_parse_bool("YES", &b) == 0 && b);
    CHECK(rt_valid_parse_bool("off", &b) == 0 && !b);
    CHECK(rt_valid_parse_bool("t", &b) == 0 && b);
    CHECK(rt_valid_parse_bool(" 0 ", &b) == 0 && !b);
    CHECK(rt_valid_parse_bool("2", &b) == -1);
    CHECK(rt_valid_parse_bool("", &b) == -1);
}

/* --- rt_valid_format --- */

static void test_email(void)
{
    static const struct {
        const char *addr;
        const char *reason; /* NULL: valid */
    } cases[] = {
        {"a@example.com", NULL},
        {"first.last+tag@sub.example.co.uk", NULL},
        {"j\xc3\xb6rg@exa\xcc\x88mple.de", NULL},
        {"nope", "An email address must have an @-sign."},
        {"a@b@example.com", "The email address is not valid. It must have exactly one @-sign."},
        {"@[127.0.0.1]", "There must be something before the @-sign."}, /* found by fuzz.router: read s[-1] */
        {"\"\"@", "There must be something after the @-sign."}, /* found by fuzz.params: read past the end */
        {"@example.com", "There must be something before the @-sign."},
        {"a@", "There must be something after the @-sign."},
        {"a b@example.com", "The email address contains invalid characters before the @-sign: SPACE."},
        {"a(b@example.com", "The email address contains invalid characters before the @-sign: '('."},
        {"a\x01@example.com", "The email address contains invalid characters before the @-sign: U+0001."},
        {".a@example.com", "An email address cannot start with a period."},
        {"a.@example.com", "An email address cannot have a period immediately before the @-sign."},
        {"a..b@example.com", "An email address cannot have two periods in a row."},
        {"a@exa_mple.com", "The part after the @-sign contains invalid characters: '_'."},
        {"a@.example.com", "An email address cannot have a period immediately after the @-sign."},
        {"a@example.com.", "An email address cannot end with a period."},
        {"a@example..com", "An email address cannot have two periods in a row."},
        {"a@localhost", "The part after the @-sign is not valid. It should have a period."},
        {"a@-x.com", "An email address cannot have a hyphen immediately before or after a period."},
        {"a@x-.com", "An email address cannot have a hyphen immediately before or after a period."},
        {"a@1.2", "The part after the @-sign is not valid. It is not within a valid top-level domain."},
    };
    char addr[320];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *r = rt_valid_format_email_reason(cases[i].addr, strlen(cases[i].addr));

        CHECK(cases[i].reason == NULL ? r == NULL : same(r, cases[i].reason));
    }
    memset(addr, 'x', 66);
    strcpy(addr + 66, "@example.com");
    CHECK(same(rt_valid_format_email_reason(addr, strlen(addr)),
               "The email address is too long before the @-sign (2 characters too many)."));
    memset(addr, 'x', 65);
    strcpy(addr + 65, "@example.com");
    CHECK(same(rt_valid_format_email_reason(addr, strlen(addr)),
               "The email address is too long before the @-sign (1 character too many)."));
    strcpy(addr, "a@");
    memset(addr + 2, 'x', 64);
    strcpy(addr + 66, ".com");
    CHECK(
        same(rt_valid_format_email_reason(addr, strlen(addr)),
             "After the @-sign, periods cannot be separated by so many characters (1 character too many)."));
    strcpy(addr, "a@");
    for (i = 0; i < 50; i++)
        memcpy(addr + 2 + i * 5, "abcd.", 5);
    strcpy(addr + 252, "com");
    CHECK(same(rt_valid_format_email_reason(addr, strlen(addr)),
               "The email address is too long (1 character too many)."));
}

static void test_date_time(void)
{
    static const struct {
        const char *text;
        const char *reason; /* NULL: valid */
    } cases[] = {
        /* RFC 3339's date-time, as JSON Schema's format: seconds and an offset required, on the calendar */
        {"2024-05-01T10:20:30Z", NULL},
        {"2024-05-01t10:20:30.123456z", NULL},
        {"2024-05-01T10:20:30.5+02:00", NULL},
        {"2024-02-29T10:20:30-05:30", NULL},
        {"1998-12-31T23:59:60Z", NULL},
        {"1998-12-31T15:59:60.123-08:00", NULL},
        {"2024-05-01T10:20", "input is too short"},
        {"2024/05/01T10:20:30Z", "invalid date separator, expected `-`"},
        {"2024-05-01 10:20:30Z", "invalid datetime separator, expected `T` or `t`"},
        {"2024-05-01T1O:20:30Z", "invalid character in hour, minute or second"},
        {"2024-05-01T10:20:3Z", "invalid character in hour, minute or second"},
        {"2024-13-01T10:20:30Z", "month value is outside expected range of 1-12"},
        {"2024-05-00T10:20:30Z", "day value is outside expected range"},
        {"2023-02-29T10:20:30Z", "day value is outside expected range"},
        {"2024-04-31T10:20:30Z", "day value is outside expected range"},
        {"2024-05-01T24:20:30Z", "time value is outside expected range"},
        {"2024-05-01T10:20:61Z", "time value is outside expected range"},
        {"2024-05-01T22:59:60Z", "a leap second is only valid at 23:59:60 UTC"},
        {"2024-05-01T10:20:30.Z", "second fraction value is missing"},
        {"2024-05-01T10:20:30", "invalid timezone: an offset (Z or +HH:MM) is required"},
        {"2024-05-01T10:20:30 UTC", "invalid timezone: an offset (Z or +HH:MM) is required"},
        {"2024-05-01T10:20:30+0530", "invalid timezone: an offset (Z or +HH:MM) is required"},
        {"2024-05-01T10:20:30+24:00", "timezone offset is outside expected range"},
    };
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *r = rt_valid_format_date_time_reason(cases[i].text, strlen(cases[i].text));

        CHECK(cases[i].reason == NULL ? r == NULL : same(r, cases[i].reason));
    }
}

static void test_byte(void)
{
    CHECK(rt_valid_format_byte_reason("", 0) == NULL);
    CHECK(rt_valid_format_byte_reason("aGk=", 4) == NULL);
    CHECK(rt_valid_format_byte_reason("aA==", 4) == NULL);
    CHECK(rt_valid_format_byte_reason("aGVsbG8+/w==", 12) == NULL);
    CHECK(same(rt_valid_format_byte_reason("aGk", 3), "Incorrect padding"));
    CHECK(same(rt_valid_format_byte_reason("a=Gk", 4), "Only base64 data is allowed"));
    CHECK(same(rt_valid_format_byte_reason("a===", 4), "Only base64 data is allowed"));
    CHECK(same(rt_valid_format_byte_reason("aG-k", 4), "Only base64 data is allowed"));
}

static void test_uuid(void)
{
    CHECK(rt_valid_format_uuid_reason("6f1c2e4e-0b7a-4c1e-9a8e-3f7c1d2b5a60", 36) == NULL);
    CHECK(rt_valid_format_uuid_reason("6F1C2E4E0B7A4C1E9A8E3F7C1D2B5A60", 32) != NULL); /* hyphens required */
    CHECK(same(rt_valid_format_uuid_reason("6f1c2e4e", 8),
               "invalid length: expected length 36 for the hyphenated format"));
    CHECK(
        same(rt_valid_format_uuid_reason("6f1c2e4e00b7a-4c1e-9a8e-3f7c1d2b5a60", 36), "invalid group count"));
    CHECK(same(rt_valid_format_uuid_reason("6f1c2e4e-0b7a-4c1e-9a8e-3f7c1d2b5a6g", 36),
               "invalid character: expected an optional prefix of `urn:uuid:` followed by [0-9a-fA-F-]"));
}

static void test_format_check(void)
{
    struct rt_valid_errors errs;
    struct rt_valid_loc at = {NULL, "x", 0};
    struct json_object *input = json_object_new_string("nope");

    rt_valid_errors_init(&errs);
    CHECK(rt_valid_format_check(RT_VALID_FORMAT_NONE, "nope", 4, input, &errs, &at) == 0);
    CHECK(rt_valid_format_check(RT_VALID_FORMAT_EMAIL, "nope", 4, input, &errs, &at) == -1);
    CHECK(same(errors_text(&errs),
               "[{\"type\":\"value_error\",\"loc\":[\"x\"],\"msg\":\"value is not a valid email "
               "address: An email address must have an @-sign.\",\"input\":\"nope\",\"ctx\":{"
               "\"reason\":\"An email address must have an @-sign.\"}}]"));
    CHECK(rt_valid_format_check(RT_VALID_FORMAT_DATE_TIME, "nope", 4, input, &errs, &at) == -1);
    CHECK(same(errors_text(&errs),
               "[{\"type\":\"datetime_parsing\",\"loc\":[\"x\"],\"msg\":\"Input should be a valid "
               "datetime, input is too short\",\"input\":\"nope\",\"ctx\":{\"error\":\"input is "
               "too short\"}}]"));
    CHECK(rt_valid_format_check(RT_VALID_FORMAT_UUID, "nope", 4, input, &errs, &at) == -1);
    CHECK(strstr(errors_text(&errs), "\"type\":\"uuid_parsing\"") != NULL);
    /* pydantic's UUID4: a uuid of another version is uuid_version, the version wanted in ctx */
    CHECK(rt_valid_format_check(RT_VALID_FORMAT_UUID4, "123e4567-e89b-42d3-a456-426614174000", 36, input,
                                &errs, &at) == 0);
    CHECK(rt_valid_format_check(RT_VALID_FORMAT_UUID4, "123e4567-e89b-12d3-a456-426614174000", 36, input,
                                &errs, &at) == -1);
    CHECK(same(errors_text(&errs), "[{\"type\":\"uuid_version\",\"loc\":[\"x\"],\"msg\":\"UUID version 4 "
                                   "expected\",\"input\":\"nope\",\"ctx\":{\"expected_version\":4}}]"));
    /* duration: pydantic's timedelta words (the JSON Schema Test Suite judges the check:
     * codegen.jsonschema_suite) */
    CHECK(rt_valid_format_check(RT_VALID_FORMAT_DURATION, "P1DT2H", 6, input, &errs, &at) == 0);
    CHECK(rt_valid_format_check(RT_VALID_FORMAT_DURATION, "PT0.5S", 6, input, &errs, &at) == -1);
    CHECK(strstr(errors_text(&errs),
                 "\"type\":\"time_delta_parsing\",\"loc\":[\"x\"],\"msg\":\"Input should be a "
                 "valid timedelta, a number without its unit\"") != NULL);
    json_object_put(input);
}

/* --- rt_valid_scalar --- */

/* An arena that hands out calloc'd blocks and frees them all at the end. */
struct test_arena {
    void *blocks[16];
    size_t n;
};

static void *test_alloc(void *ctx, size_t size)
{
    struct test_arena *a = ctx;
    void *p = calloc(1, size != 0 ? size : 1);

    if (p == NULL || a->n == sizeof(a->blocks) / sizeof(a->blocks[0]))
        abort();
    a->blocks[a->n++] = p;
    return p;
}

static void test_arena_free(struct test_arena *a)
{
    while (a->n > 0)
        free(a->blocks[--a->n]);
}

static const struct rt_valid_rule r_email = {
    .kind = RT_VALID_STRING, .max_length = 20, .format = RT_VALID_FORMAT_EMAIL};
/* lax: pydantic's conversions (gen.py --lax); the strict ones are JSON Schema's types (the default) */
static const struct rt_valid_rule r_small = {.kind = RT_VALID_INTEGER,
                                             .minimum = {.text = "-5", .value = -5, .is_int = true},
                                             .maximum = {.text = "5", .value = 5, .is_int = true},
                                             .lax = true};
static const struct rt_valid_rule r_int = {.kind = RT_VALID_INTEGER, .lax = true};
/* format int64's bounds, as the generator writes them: 2^63 - 1 is no double (its value rounds to 2^63) */
static const struct rt_valid_rule r_int64 = {
    .kind = RT_VALID_INTEGER,
    .minimum = {.text = "-9223372036854775808", .value = -9.2233720368547758e+18, .is_int = true},
    .maximum = {.text = "9223372036854775807", .value = 9.2233720368547758e+18, .is_int = true}};
static const struct rt_valid_rule r_num = {.kind = RT_VALID_NUMBER,
                                           .maximum = {.text = "0.5", .value = 0.5, .exclusive = true}};
static const struct rt_valid_rule r_bool = {.kind = RT_VALID_BOOLEAN, .lax = true};
static const struct rt_valid_rule r_strict_int = {.kind = RT_VALID_INTEGER};
static const struct rt_valid_rule r_strict_num = {.kind = RT_VALID_NUMBER};
static const struct rt_valid_rule r_strict_bool = {.kind = RT_VALID_BOOLEAN};

static struct test_arena strings;
static const struct rt_valid_arena strings_arena = {test_alloc, &strings, NULL};

/* Validate the JSON text @p json against @p r into @p dst at ["v"]; @return the errors or "ok". */
static const char *scalar(const struct rt_valid_rule *r, const char *json, void *dst)
{
    struct json_object *j = json_tokener_parse(json);
    struct rt_valid_errors errs;
    struct rt_valid_loc at = {NULL, "v", 0};
    int rc;

    rt_valid_errors_init(&errs);
    rc = rt_valid_scalar_from_json(r, j, dst, &strings_arena, &errs, &at);
    json_object_put(j);
    CHECK((rc == 0) == (rt_valid_errors_count(&errs) == 0));
    return rc == 0 ? "ok" : errors_text(&errs);
}

static void test_scalar_values(void)
{
    const char *s = NULL;
    int64_t i = 0;
    double d = 0;
    bool b = false;

    CHECK(same(scalar(&r_email, "\"Me@Example.COM\"", &s), "ok"));
    CHECK(same(s, "Me@example.com")); /* the domain lower-cased, as pydantic's normalized address */
    CHECK(strings.n == 1 && s == strings.blocks[0]);
    CHECK(strstr(scalar(&r_email, "\"someone@a-long-domain.example\"", &s), "\"type\":\"string_too_long\"") !=
          NULL);
    CHECK(same(scalar(&r_email, "null", &s), "[{\"type\":\"string_type\",\"loc\":[\"v\"],\"msg\":\"Input "
                                             "should be a valid string\",\"input\":null}]"));
    CHECK(same(scalar(&r_small, "\"-5\"", &i), "ok") && i == -5);
    CHECK(same(scalar(&r_small, "6", &i),
               "[{\"type\":\"less_than_equal\",\"loc\":[\"v\"],\"msg\":\"Input should be "
               "less than or equal to 5\",\"input\":6,\"ctx\":{\"le\":5}}]"));
    CHECK(same(
        scalar(&r_small, "-1e30", &i),
        "[{\"type\":\"greater_than_equal\",\"loc\":[\"v\"],\"msg\":\"Input should be greater than or equal "
        "to -5\",\"input\":-1e30,\"ctx\":{\"ge\":-5}}]"));
    CHECK(same(scalar(&r_int, "\"99999999999999999999\"", &i),
               "[{\"type\":\"int_parsing_size\",\"loc\":[\"v\"],\"msg\":\"Unable to parse input string as an "
               "integer, exceeded maximum size\",\"input\":\"99999999999999999999\"}]"));
    CHECK(
        same(scalar(&r_int64, "9223372036854775808", &i),
             "[{\"type\":\"less_than_equal\",\"loc\":[\"v\"],\"msg\":\"Input should be less than or equal to "
             "9223372036854775807\",\"input\":9223372036854775808,\"ctx\":{\"le\":9223372036854775807}}]"));
    CHECK(same(scalar(&r_num, "0.25", &d), "ok") && d == 0.25);
    CHECK(same(scalar(&r_num, "0.5", &d),
               "[{\"type\":\"less_than\",\"loc\":[\"v\"],\"msg\":\"Input should be less "
               "than 0.5\",\"input\":0.5,\"ctx\":{\"lt\":0.5}}]"));
    CHECK(same(scalar(&r_bool, "\"on\"", &b), "ok") && b);
    CHECK(same(scalar(&r_bool, "null", &b), "[{\"type\":\"bool_type\",\"loc\":[\"v\"],\"msg\":\"Input should "
                                            "be a valid boolean\",\"input\":null}]"));
    test_arena_free(&strings);
}

/* Strict typing (rules without lax, the generator's default): no conversion between JSON types. */
static void test_scalar_strict(void)
{
    int64_t i = 0;
    double d = 0;
    bool b = false;

    CHECK(same(scalar(&r_strict_int, "\"3\"", &i), "[{\"type\":\"int_type\",\"loc\":[\"v\"],\"msg\":\"Input "
                                                   "should be a valid integer\",\"input\":\"3\"}]"));
    CHECK(same(scalar(&r_strict_int, "true", &i), "[{\"type\":\"int_type\",\"loc\":[\"v\"],\"msg\":\"Input "
                                                  "should be a valid integer\",\"input\":true}]"));
    CHECK(same(scalar(&r_strict_int, "2.0", &i), "ok") && i == 2); /* JSON Schema: 2.0 is an integer */
    CHECK(strstr(scalar(&r_strict_int, "2.5", &i), "int_from_float") != NULL);
    CHECK(same(scalar(&r_strict_num, "\"2.5\"", &d),
               "[{\"type\":\"float_type\",\"loc\":[\"v\"],\"msg\":"
               "\"Input should be a valid number\",\"input\":\"2.5\"}]"));
    CHECK(same(scalar(&r_strict_num, "3", &d), "ok") && d == 3);
    CHECK(same(scalar(&r_strict_bool, "1", &b), "[{\"type\":\"bool_type\",\"loc\":[\"v\"],\"msg\":\"Input "
                                                "should be a valid boolean\",\"input\":1}]"));
    CHECK(strstr(scalar(&r_strict_bool, "\"yes\"", &b), "bool_type") != NULL);
    CHECK(same(scalar(&r_strict_bool, "false", &b), "ok") && !b);
}

/* A parameter into a struct, from its text. */
struct params {
    int64_t limit;
    bool has_limit;
    const char *name;
    double at;
};

static const struct rt_valid_rule r_name = {.kind = RT_VALID_STRING, .min_length = 2};
static const struct rt_valid_param p_limit = {.name = "limit",
                                              .in = RT_VALID_IN_QUERY,
                                              .rule = &r_small,
                                              .offset = offsetof(struct params, limit),
                                              .has_offset = offsetof(struct params, has_limit)};
static const struct rt_valid_param p_name = {.name = "X-Name",
                                             .in = RT_VALID_IN_HEADER,
                                             .required = true,
                                             .rule = &r_name,
                                             .offset = offsetof(struct params, name),
                                             .has_offset = RT_VALID_NO_OFFSET};
static const struct rt_valid_param p_at = {.name = "at",
                                           .in = RT_VALID_IN_PATH,
                                           .default_text = "0.125",
                                           .rule = &r_num,
                                           .offset = offsetof(struct params, at),
                                           .has_offset = RT_VALID_NO_OFFSET};

static void test_params(void)
{
    struct test_arena mem = {{NULL}, 0};
    const struct rt_valid_arena arena = {test_alloc, &mem, NULL};
    struct params p = {0};
    struct rt_valid_errors errs;

    rt_valid_errors_init(&errs);
    CHECK(rt_valid_scalar_param(&p_limit, NULL, &p, &arena, &errs) == 0 && !p.has_limit); /* optional */
    CHECK(rt_valid_scalar_param(&p_limit, " 3 ", &p, &arena, &errs) == 0 && p.has_limit && p.limit == 3);
    CHECK(rt_valid_scalar_param(&p_name, "ab", &p, &arena, &errs) == 0 && same(p.name, "ab"));
    CHECK(mem.n == 1 && p.name == mem.blocks[0]); /* the string went to the arena */
    CHECK(rt_valid_scalar_param(&p_at, NULL, &p, &arena, &errs) == 0 && p.at == 0.125); /* the default */
    CHECK(rt_valid_errors_count(&errs) == 0);

    p.has_limit = false;
    CHECK(rt_valid_scalar_param(&p_limit, "x", &p, &arena, &errs) == -1 && !p.has_limit);
    CHECK(rt_valid_scalar_param(&p_name, NULL, &p, &arena, &errs) == -1);
    CHECK(rt_valid_scalar_param(&p_at, "1", &p, &arena, &errs) == -1);
    CHECK(same(
        errors_text(&errs),
        "[{\"type\":\"int_parsing\",\"loc\":[\"query\",\"limit\"],\"msg\":\"Input should be a valid integer, "
        "unable to parse string as an integer\",\"input\":\"x\"},{\"type\":\"missing\",\"loc\":[\"header\","
        "\"X-Name\"],\"msg\":\"Field required\",\"input\":null},{\"type\":\"less_than\",\"loc\":[\"path\","
        "\"at\"],\"msg\":\"Input should be less than 0.5\",\"input\":\"1\",\"ctx\":{\"lt\":0.5}}]"));
    test_arena_free(&mem);
}

int main(void)
{
    test_parse_int();
    test_parse_number();
    test_parse_bool();
    test_email();
    test_date_time();
    test_uuid();
    test_byte();
    test_format_check();
    test_scalar_values();
    test_scalar_strict();
    test_params();
    return test_done();
}

/*
 * rt_valid: pydantic's string parsing, every error type and message, the
 * table-driven models (all failing fields listed, nested locations, round
 * trips, cleanup), parameters and request bodies.  Uses hand-written
 * tables in the layout the generator emits.
 */
#include "test.h"

#include "rt_json.h"
#include "rt_req.h"
#include "rt_valid.h"
#include "rt_valid_format.h"
#include "rt_valid_json.h"
#include "rt_valid_model.h"
#include "rt_valid_parse.h"
#include "rt_valid_req.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* --- a small model with one field of each kind --- */

struct tag {
    char *name;
};

struct thing {
    int64_t count;
    double ratio;
    bool flag;
    char *name;
    char *kind;
    char *color;
    char *id;
    char *when;
    struct {
        size_t len;
        struct tag *items;
    } tags;
    struct tag *main;
    struct json_object *extra;
    int64_t maybe;
    bool has_maybe;
};

static struct rt_valid_pattern lower = {.source = "^[a-z]+$", .regex = "^[a-z]+$"};
static const char *const kinds[] = {"a", "b", NULL};
static const char *const colors[] = {"red", "green", "blue", NULL};

static const struct rt_valid_rule r_tag_name = {.kind = RT_VALID_STRING, .min_length = 2, .pattern = &lower};
static const struct rt_valid_field tag_fields[] = {
    {.name = "name",
     .rule = &r_tag_name,
     .required = true,
     .offset = offsetof(struct tag, name),
     .aux_offset = RT_VALID_NO_OFFSET},
};
static const struct rt_valid_model tag_model = {"Tag", sizeof(struct tag), tag_fields, 1};

static const struct rt_valid_rule r_count = {.kind = RT_VALID_INTEGER,
                                             .minimum = {.text = "0", .value = 0, .is_int = true},
                                             .maximum = {.text = "100", .value = 100, .is_int = true}};
static const struct rt_valid_rule r_ratio = {.kind = RT_VALID_NUMBER,
                                             .minimum = {.text = "0.5", .value = 0.5, .exclusive = true},
                                             .maximum = {.text = "2.5", .value = 2.5, .exclusive = true}};
static const struct rt_valid_rule r_flag = {.kind = RT_VALID_BOOLEAN};
static const struct rt_valid_rule r_name = {.kind = RT_VALID_STRING, .min_length = 1, .max_length = 3};
static const struct rt_valid_rule r_kind = {.kind = RT_VALID_STRING, .enum_values = kinds};
static const struct rt_valid_rule r_color = {.kind = RT_VALID_STRING, .enum_values = colors};
static const struct rt_valid_rule r_id = {.kind = RT_VALID_STRING, .format = RT_VALID_FORMAT_UUID};
static const struct rt_valid_rule r_when = {.kind = RT_VALID_STRING, .format = RT_VALID_FORMAT_DATE_TIME};
static const struct rt_valid_rule r_tag = {.kind = RT_VALID_OBJECT, .model = &tag_model};
static const struct rt_valid_rule r_tags = {.kind = RT_VALID_ARRAY, .items = &r_tag};
static const struct rt_valid_rule r_any = {.kind = RT_VALID_ANY};
static const struct rt_valid_rule r_maybe = {.kind = RT_VALID_INTEGER, .nullable = true};

#define FIELD(n, r, req, f)                                                                                  \
    {                                                                                                        \
        .name = n, .rule = &r, .required = req, .offset = offsetof(struct thing, f),                         \
        .aux_offset = RT_VALID_NO_OFFSET                                                                     \
    }
static const struct rt_valid_field thing_fields[] = {
    FIELD("count", r_count, true, count),
    FIELD("ratio", r_ratio, false, ratio),
    FIELD("flag", r_flag, false, flag),
    FIELD("name", r_name, false, name),
    FIELD("kind", r_kind, false, kind),
    FIELD("color", r_color, false, color),
    FIELD("id", r_id, false, id),
    FIELD("when", r_when, false, when),
    {.name = "tags",
     .rule = &r_tags,
     .required = false,
     .offset = offsetof(struct thing, tags.items),
     .aux_offset = offsetof(struct thing, tags.len)},
    FIELD("main", r_tag, false, main),
    FIELD("extra", r_any, false, extra),
    {.name = "maybe",
     .rule = &r_maybe,
     .required = false,
     .offset = offsetof(struct thing, maybe),
     .aux_offset = offsetof(struct thing, has_maybe)},
};
static const struct rt_valid_model thing_model = {"Thing", sizeof(struct thing), thing_fields,
                                                  sizeof(thing_fields) / sizeof(thing_fields[0])};

/* Validate @p json as a Thing at ["body"]; @return the errors as compact JSON (static buffer) or "ok". */
static const char *validate(const char *json)
{
    static char out[4096];
    struct json_object *j = json_tokener_parse(json), *detail;
    struct rt_valid_errors errs;
    struct rt_valid_loc body = {NULL, "body", 0};
    struct thing t;
    int rc;

    rt_valid_errors_init(&errs);
    rc = rt_valid_model_from_json(&thing_model, j, &t, &errs, &body);
    if (rc == 0) {
        snprintf(out, sizeof(out), "ok");
    } else {
        detail = rt_valid_errors_to_json(&errs);
        snprintf(
            out, sizeof(out), "%s",
            json_object_to_json_string_ext(json_object_object_get(detail, "detail"), JSON_C_TO_STRING_PLAIN));
        json_object_put(detail);
    }
    CHECK((rc == 0) == (rt_valid_errors_count(&errs) == 0));
    rt_valid_model_cleanup(&thing_model, &t);
    rt_valid_model_cleanup(&thing_model, &t); /* idempotent */
    rt_valid_errors_cleanup(&errs);
    json_object_put(j);
    return out;
}

static int same(const char *got, const char *expected)
{
    if (strcmp(got, expected) == 0)
        return 1;
    printf("# expected %s\n#      got %s\n", expected, got);
    return 0;
}

#define ERR(type, loc, msg, input)                                                                           \
    "{\"type\":\"" type "\",\"loc\":[\"body\"," loc "],\"msg\":\"" msg "\",\"input\":" input
#define ONE(e) "[" e "}]"

static void test_scalars(void)
{
    int64_t i = 0;
    double d = 0;
    bool b = false;

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

    CHECK(rt_valid_parse_bool("YES", &b) == 0 && b);
    CHECK(rt_valid_parse_bool("off", &b) == 0 && !b);
    CHECK(rt_valid_parse_bool("t", &b) == 0 && b);
    CHECK(rt_valid_parse_bool("2", &b) == -1);
}

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
        {"@example.com", "There must be something before the @-sign."},
        {"a@", "There must be something after the @-sign."},
        {"a b@example.com", "The email address contains invalid characters before the @-sign: SPACE."},
        {"a(b@example.com", "The email address contains invalid characters before the @-sign: '('."},
        {".a@example.com", "An email address cannot start with a period."},
        {"a.@example.com", "An email address cannot have a period immediately before the @-sign."},
        {"a..b@example.com", "An email address cannot have two periods in a row."},
        {"a@exa_mple.com", "The part after the @-sign contains invalid characters: '_'."},
        {"a@.example.com", "An email address cannot have a period immediately after the @-sign."},
        {"a@example.com.", "An email address cannot end with a period."},
        {"a@localhost", "The part after the @-sign is not valid. It should have a period."},
        {"a@-x.com", "An email address cannot have a hyphen immediately before or after a period."},
        {"a@1.2", "The part after the @-sign is not valid. It is not within a valid top-level domain."},
    };
    char long_local[80];
    size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *r = rt_valid_format_email_reason(cases[i].addr, strlen(cases[i].addr));

        CHECK(cases[i].reason == NULL ? r == NULL : r != NULL && same(r, cases[i].reason));
    }
    memset(long_local, 'x', 66);
    strcpy(long_local + 66, "@example.com");
    CHECK(same(rt_valid_format_email_reason(long_local, strlen(long_local)),
               "The email address is too long before the @-sign (2 characters too many)."));
}

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

static void test_model_errors(void)
{
    CHECK(same(validate("{\"count\":1}"), "ok"));
    /* lax conversions pydantic makes from JSON */
    CHECK(same(validate("{\"count\":\"42\",\"ratio\":\"1.5\",\"flag\":\"yes\",\"maybe\":null}"), "ok"));
    CHECK(same(validate("{\"count\":2.0,\"flag\":1,\"ratio\":true}"), "ok"));
    CHECK(same(validate("{\"count\":true}"), "ok"));

    CHECK(same(validate("{}"), ONE(ERR("missing", "\"count\"", "Field required", "{}"))));
    CHECK(same(validate("[]"),
               "[{\"type\":\"model_attributes_type\",\"loc\":[\"body\"],\"msg\":\"Input should be a "
               "valid dictionary or object to extract fields from\",\"input\":[]}]"));
    CHECK(same(validate("{\"count\":\"x\"}"),
               ONE(ERR("int_parsing", "\"count\"",
                       "Input should be a valid integer, unable to parse string as an "
                       "integer",
                       "\"x\""))));
    CHECK(same(validate("{\"count\":[]}"),
               ONE(ERR("int_type", "\"count\"", "Input should be a valid integer", "[]"))));
    CHECK(same(validate("{\"count\":null}"),
               ONE(ERR("int_type", "\"count\"", "Input should be a valid integer", "null"))));
    CHECK(same(validate("{\"count\":2.5}"),
               ONE(ERR("int_from_float", "\"count\"",
                       "Input should be a valid integer, got a number with a fractional "
                       "part",
                       "2.5"))));
    CHECK(same(validate("{\"count\":101}"),
               ONE(ERR("less_than_equal", "\"count\"", "Input should be less than or equal to 100",
                       "101") ",\"ctx\":{"
                              "\"le\":100}")));
    CHECK(same(validate("{\"count\":-1}"),
               ONE(ERR("greater_than_equal", "\"count\"", "Input should be greater than or equal to 0",
                       "-1") ",\"ctx\":"
                             "{\"ge\":0}")));
    CHECK(same(validate("{\"count\":9223372036854775808}"),
               ONE(ERR("less_than_equal", "\"count\"", "Input should be less than or equal to 100",
                       "9223372036854775808") ",\"ctx\":{\"le\":100}")));
    CHECK(same(validate("{\"count\":1,\"maybe\":9223372036854775808}"),
               ONE(ERR("int_parsing_size", "\"maybe\"",
                       "Unable to parse input string as an integer, exceeded maximum size",
                       "9223372036854775808"))));
    CHECK(same(validate("{\"count\":1,\"ratio\":0.5}"),
               ONE(ERR("greater_than", "\"ratio\"", "Input should be greater than 0.5",
                       "0.5") ",\"ctx\":{\"gt\":0.5}")));
    CHECK(same(
        validate("{\"count\":1,\"ratio\":2.5}"),
        ONE(ERR("less_than", "\"ratio\"", "Input should be less than 2.5", "2.5") ",\"ctx\":{\"lt\":2.5}")));
    CHECK(same(validate("{\"count\":1,\"ratio\":\"abc\"}"),
               ONE(ERR("float_parsing", "\"ratio\"",
                       "Input should be a valid number, unable to parse string as a number", "\"abc\""))));
    CHECK(same(validate("{\"count\":1,\"ratio\":{}}"),
               ONE(ERR("float_type", "\"ratio\"", "Input should be a valid number", "{}"))));
    CHECK(same(validate("{\"count\":1,\"ratio\":1e400}"),
               ONE(ERR("finite_number", "\"ratio\"", "Input should be a finite number", "1e400"))));
    CHECK(same(validate("{\"count\":1,\"flag\":\"maybe\"}"),
               ONE(ERR("bool_parsing", "\"flag\"",
                       "Input should be a valid boolean, unable to interpret input", "\"maybe\""))));
    CHECK(same(validate("{\"count\":1,\"flag\":2}"),
               ONE(ERR("bool_parsing", "\"flag\"",
                       "Input should be a valid boolean, unable to interpret input", "2"))));
    CHECK(same(validate("{\"count\":1,\"flag\":[]}"),
               ONE(ERR("bool_type", "\"flag\"", "Input should be a valid boolean", "[]"))));
    CHECK(same(validate("{\"count\":1,\"name\":7}"),
               ONE(ERR("string_type", "\"name\"", "Input should be a valid string", "7"))));
    CHECK(same(validate("{\"count\":1,\"name\":\"\"}"),
               ONE(ERR("string_too_short", "\"name\"", "String should have at least 1 character",
                       "\"\"") ",\"ctx\":{"
                               "\"min_length\":"
                               "1}")));
    CHECK(same(validate("{\"count\":1,\"name\":\"abcd\"}"),
               ONE(ERR("string_too_long", "\"name\"", "String should have at most 3 characters",
                       "\"abcd\"") ",\"ctx\":"
                                   "{\"max_"
                                   "length\":"
                                   "3}")));
    CHECK(
        same(validate("{\"count\":1,\"name\":\"\\u00f6\\u00f6\\u00f6\"}"), "ok")); /* 3 characters, 6 bytes */
    CHECK(same(
        validate("{\"count\":1,\"kind\":\"c\"}"),
        ONE(ERR("enum", "\"kind\"", "Input should be 'a' or 'b'", "\"c\"") ",\"ctx\":{\"expected\":\"'a' or "
                                                                           "'b'\"}")));
    CHECK(same(validate("{\"count\":1,\"color\":\"pink\"}"),
               ONE(ERR("enum", "\"color\"", "Input should be 'red', 'green' or 'blue'",
                       "\"pink\"") ",\"ctx\":{"
                                   "\"expected\":\"'red', "
                                   "'green' or "
                                   "'blue'\"}")));
    CHECK(same(validate("{\"count\":1,\"id\":\"6f1c2e4e-0b7a-4c1e-9a8e-3f7c1d2b5a60\"}"), "ok"));
    CHECK(strstr(validate("{\"count\":1,\"id\":\"6f1c2e4e\"}"), "\"type\":\"uuid_parsing\"") != NULL);
    CHECK(same(validate("{\"count\":1,\"when\":\"2024-05-01T10:20:30.5+02:00\"}"), "ok"));
    CHECK(strstr(validate("{\"count\":1,\"when\":\"yesterday\"}"), "\"type\":\"datetime_parsing\"") != NULL);
    CHECK(same(validate("{\"count\":1,\"tags\":{}}"),
               ONE(ERR("list_type", "\"tags\"", "Input should be a valid list", "{}"))));
    CHECK(same(validate("{\"count\":1,\"name\":\"a\\u0000b\"}"),
               ONE(ERR("value_error", "\"name\"", "Value error, NUL characters are not allowed",
                       "\"a\\u0000b\"") ",\"ctx\":"
                                        "{\"error\":"
                                        "\"NUL "
                                        "characters "
                                        "are not "
                                        "allowed\"}")));

    /* nested locations, and every failing field listed */
    CHECK(same(
        validate("{\"tags\":[{\"name\":\"ok\"},{\"name\":\"X\"},{}],\"main\":{\"name\":\"AB\"},\"flag\":[]}"),
        "[" ERR("missing", "\"count\"", "Field required", "{\"tags\":[{\"name\":\"ok\"},{\"name\":\"X\"},{}],\"main\":{\"name\":\"AB\"},\"flag\":[]}") "}," ERR(
            "bool_type", "\"flag\"", "Input should be a valid boolean",
            "[]") "}," ERR("string_too_short", "\"tags\",1,\"name\"",
                           "String should have at least 2 characters",
                           "\"X\"") ",\"ctx\":{\"min_length\":2}}," ERR("missing", "\"tags\",2,\"name\"",
                                                                        "Field required",
                                                                        "{}") "}," ERR("string_pattern_"
                                                                                       "mismatch",
                                                                                       "\"main\",\"name\"",
                                                                                       "String should match "
                                                                                       "pattern '^[a-z]+$'",
                                                                                       "\"AB\"") ",\"ctx\":{"
                                                                                                 "\"pattern\""
                                                                                                 ":\"^[a-z]+$"
                                                                                                 "\"}}]"));
    CHECK(same(validate("{\"count\":1,\"main\":5}"),
               ONE(ERR("model_attributes_type", "\"main\"",
                       "Input should be a valid dictionary or object to extract fields from", "5"))));
}

static void test_round_trip(void)
{
    const char *in = "{\"count\":7,\"ratio\":1.25,\"flag\":true,\"name\":\"ab\",\"kind\":\"a\",\"tags\":[{"
                     "\"name\":\"xy\"}],"
                     "\"main\":{\"name\":\"zz\"},\"extra\":{\"k\":[1,null]},\"maybe\":null}";
    struct json_object *j = json_tokener_parse(in), *back;
    struct rt_valid_errors errs;
    struct thing t;

    rt_valid_errors_init(&errs);
    CHECK(rt_valid_model_from_json(&thing_model, j, &t, &errs, NULL) == 0);
    CHECK(t.count == 7 && t.ratio == 1.25 && t.flag && strcmp(t.name, "ab") == 0);
    CHECK(t.tags.len == 1 && strcmp(t.tags.items[0].name, "xy") == 0);
    CHECK(t.main != NULL && strcmp(t.main->name, "zz") == 0);
    CHECK(!t.has_maybe);
    back = rt_valid_model_to_json(&thing_model, &t);
    CHECK(same(json_object_to_json_string_ext(back, JSON_C_TO_STRING_PLAIN),
               "{\"count\":7,\"ratio\":1.25,\"flag\":true,\"name\":\"ab\",\"kind\":\"a\",\"tags\":[{\"name\":"
               "\"xy\"}],"
               "\"main\":{\"name\":\"zz\"},\"extra\":{\"k\":[1,null]},\"maybe\":null}"));
    json_object_put(back);
    rt_valid_model_cleanup(&thing_model, &t);
    CHECK(t.name == NULL && t.main == NULL && t.tags.items == NULL && t.extra == NULL);
    rt_valid_model_cleanup(&thing_model, NULL);
    json_object_put(j);
    rt_valid_errors_cleanup(&errs);
}

/* rt_valid_model_write_json() (what answers use) prints what json-c prints for rt_valid_model_to_json(). */
static int writes_as_to_json(const struct thing *t)
{
    struct json_object *tree = rt_valid_model_to_json(&thing_model, t);
    const char *expected =
        json_object_to_json_string_ext(tree, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);
    struct rt_json_buf text = {0};
    int ok;

    rt_valid_model_write_json(&thing_model, t, &text);
    ok = text.len == strlen(expected) && memcmp(text.data, expected, text.len) == 0;
    if (!ok)
        printf("# to_json:    %s\n# write_json: %.*s\n", expected, (int)text.len, text.data);
    rt_json_buf_free(&text);
    json_object_put(tree);
    return ok;
}

static void test_write_json(void)
{
    static const char *const inputs[] = {
        "{\"count\":7,\"ratio\":1.25,\"flag\":true,\"name\":\"ab\",\"kind\":\"a\",\"color\":\"red\","
        "\"id\":\"12345678-1234-1234-1234-123456789abc\",\"when\":\"2024-01-02T03:04:05Z\","
        "\"tags\":[{\"name\":\"xy\"},{\"name\":\"zz\"}],\"main\":{\"name\":\"zz\"},"
        "\"extra\":{\"k\":[1,null,\"a/b\"]},\"maybe\":3}",
        "{\"count\":0}",
        "{\"count\":1,\"tags\":[],\"maybe\":null,\"extra\":null}",
        "{\"count\":100,\"ratio\":2.0,\"flag\":false,\"extra\":\"x\"}",
    };
    struct thing t;
    size_t i;

    for (i = 0; i < sizeof(inputs) / sizeof(inputs[0]); i++) {
        struct json_object *j = json_tokener_parse(inputs[i]);
        struct rt_valid_errors errs;

        rt_valid_errors_init(&errs);
        CHECK(rt_valid_model_from_json(&thing_model, j, &t, &errs, NULL) == 0);
        CHECK(writes_as_to_json(&t));
        rt_valid_model_cleanup(&thing_model, &t);
        rt_valid_errors_cleanup(&errs);
        json_object_put(j);
    }
    /* What handlers fill in by hand: escapes, and a required string left NULL (written as null). */
    memset(&t, 0, sizeof(t));
    t.count = -5;
    t.ratio = 1.0 / 3;
    t.name = "quote \" slash / back \\ nl \n ctl \x01 caf\xc3\xa9";
    t.has_maybe = true;
    t.maybe = INT64_MIN;
    CHECK(writes_as_to_json(&t));
    {
        struct tag items[2] = {{.name = "a"}, {.name = NULL}};

        t.tags.items = items;
        t.tags.len = 2;
        CHECK(writes_as_to_json(&t));
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

/* --- parameters --- */

struct qparams {
    int64_t limit;
    bool verbose;
    bool has_verbose;
    const char *name;
    const char *trace;
    double at;
};

static const struct rt_valid_rule r_limit = {.kind = RT_VALID_INTEGER,
                                             .minimum = {.text = "1", .value = 1, .is_int = true}};
static const struct rt_valid_rule r_str = {.kind = RT_VALID_STRING, .min_length = 1};
static const struct rt_valid_rule r_num = {.kind = RT_VALID_NUMBER};
static const struct rt_valid_param qparams[] = {
    {.name = "limit",
     .in = RT_VALID_IN_QUERY,
     .default_text = "10",
     .rule = &r_limit,
     .offset = offsetof(struct qparams, limit),
     .has_offset = RT_VALID_NO_OFFSET},
    {.name = "verbose",
     .in = RT_VALID_IN_QUERY,
     .rule = &r_flag,
     .offset = offsetof(struct qparams, verbose),
     .has_offset = offsetof(struct qparams, has_verbose)},
    {.name = "name",
     .in = RT_VALID_IN_QUERY,
     .required = true,
     .rule = &r_str,
     .offset = offsetof(struct qparams, name),
     .has_offset = RT_VALID_NO_OFFSET},
    {.name = "X-Trace",
     .in = RT_VALID_IN_HEADER,
     .required = true,
     .rule = &r_str,
     .offset = offsetof(struct qparams, trace),
     .has_offset = RT_VALID_NO_OFFSET},
    {.name = "at",
     .in = RT_VALID_IN_PATH,
     .path_index = 1,
     .required = true,
     .rule = &r_num,
     .offset = offsetof(struct qparams, at),
     .has_offset = RT_VALID_NO_OFFSET},
};

/* Run rt_valid_req_params on a detached request; @return its 422/400 body, or "ok" with *out filled. */
static const char *params(const char *target, const char *trace, const char *at, struct qparams *out)
{
    static char body[2048];
    struct rt_req_capture cap = {0};
    const char *headers[] = {"x-trace", trace, NULL};
    const char *path[] = {"unused", at};
    struct rt_req *req =
        rt_req_new_detached(NULL, RT_METHOD_GET, target, trace ? headers : NULL, NULL, 0, &cap);
    struct rt_valid_errors errs;
    struct qparams *p = rt_req_alloc(req, sizeof(*p));

    rt_valid_errors_init(&errs);
    if (rt_valid_req_params(req, qparams, sizeof(qparams) / sizeof(qparams[0]), path, p, &errs) == 0 &&
        !rt_valid_req_reply_errors(req, &errs)) {
        *out = *p;
        out->name = out->trace = NULL; /* request memory, gone after the reply */
        rt_req_reply(req, 204, NULL, NULL, 0);
    }
    snprintf(body, sizeof(body), "%d %s", cap.status, cap.body != NULL ? cap.body : "");
    rt_req_capture_cleanup(&cap);
    return body;
}

static void test_params(void)
{
    struct qparams p;

    CHECK(same(params("/x?name=a", "t", "1.5", &p), "204 "));
    CHECK(p.limit == 10 && !p.has_verbose && p.at == 1.5);
    CHECK(same(params("/x?name=a&verbose=on&limit=3&limit=4", "t", "2", &p), "204 "));
    CHECK(p.limit == 4 && p.has_verbose && p.verbose); /* the last value wins */
    CHECK(same(params("/x?na%6De=a+b", "t", "2", &p), "204 "));

    /* every failing parameter, in declaration order */
    CHECK(same(
        params("/x?limit=0&verbose=maybe", NULL, "x", &p),
        "422 {\"detail\":[{\"type\":\"greater_than_equal\",\"loc\":[\"query\",\"limit\"],\"msg\":\"Input "
        "should "
        "be greater than or equal to "
        "1\",\"input\":\"0\",\"ctx\":{\"ge\":1}},{\"type\":\"bool_parsing\",\"loc\":["
        "\"query\",\"verbose\"],\"msg\":\"Input should be a valid boolean, unable to interpret "
        "input\",\"input\":"
        "\"maybe\"},{\"type\":\"missing\",\"loc\":[\"query\",\"name\"],\"msg\":\"Field "
        "required\",\"input\":null},"
        "{\"type\":\"missing\",\"loc\":[\"header\",\"X-Trace\"],\"msg\":\"Field "
        "required\",\"input\":null},{\"type\":"
        "\"float_parsing\",\"loc\":[\"path\",\"at\"],\"msg\":\"Input should be a valid number, unable to "
        "parse "
        "string as a number\",\"input\":\"x\"}]}"));
    CHECK(
        same(params("/x?name=", "t", "1", &p),
             "422 {\"detail\":[{\"type\":\"string_too_short\",\"loc\":[\"query\",\"name\"],\"msg\":\"String "
             "should "
             "have at least 1 character\",\"input\":\"\",\"ctx\":{\"min_length\":1}}]}"));
    CHECK(same(params("/x?name=%zz", "t", "1", &p),
               "400 {\"detail\":\"Invalid query parameter 'name': invalid percent-escape\"}"));
    CHECK(same(params("/x?name=a%00", "t", "1", &p),
               "400 {\"detail\":\"Invalid query parameter 'name': NUL character\"}"));
    CHECK(same(params("/x?other=%zz&name=a", "t", "1", &p),
               "204 ")); /* only the parameters we read are decoded */
}

int main(void)
{
    test_scalars();
    test_email();
    test_json_double();
    test_model_errors();
    test_round_trip();
    test_write_json();
    test_json_parse();
    test_params();
    return test_done();
}

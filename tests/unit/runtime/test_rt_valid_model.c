/*
 * rt_valid_model: the table-driven models (every error type and message
 * through a model, all failing fields listed, nested locations, round
 * trips, the text writer against json-c, cleanup) and models converted
 * into an arena.  Uses hand-written tables in the layout the generator
 * emits.
 */
#include "test.h"
#include "valid_test.h"

#include "rt_json.h"
#include "rt_valid.h"
#include "rt_valid_errors.h"
#include "rt_valid_json.h"
#include "rt_valid_model.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

/* --- a small model with one field of each kind --- */

struct tag {
    const char *name;
};

struct thing {
    int64_t count;
    double ratio;
    bool flag;
    const char *name;
    const char *kind;
    const char *color;
    const char *id;
    const char *when;
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
static const struct rt_valid_model tag_model = {"Tag", sizeof(struct tag), tag_fields, 1, false};

/* lax, as gen.py --lax makes them: pydantic's conversions (test_model_strict: the default) */
static const struct rt_valid_rule r_count = {.kind = RT_VALID_INTEGER,
                                             .minimum = {.text = "0", .value = 0, .is_int = true},
                                             .maximum = {.text = "100", .value = 100, .is_int = true},
                                             .lax = true};
static const struct rt_valid_rule r_ratio = {.kind = RT_VALID_NUMBER,
                                             .minimum = {.text = "0.5", .value = 0.5, .exclusive = true},
                                             .maximum = {.text = "2.5", .value = 2.5, .exclusive = true},
                                             .lax = true};
static const struct rt_valid_rule r_flag = {.kind = RT_VALID_BOOLEAN, .lax = true};
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
                                                  sizeof(thing_fields) / sizeof(thing_fields[0]), false};

/* Validate @p json as a Thing at ["body"]; @return the errors as compact JSON (static buffer) or "ok". */
static const char *validate(const char *json)
{
    static char out[4096];
    struct json_object *j = NULL;
    struct rt_valid_errors errs;
    struct rt_valid_loc body = {NULL, "body", 0};
    struct thing t;
    int rc;

    rt_valid_errors_init(&errs);
    if (rt_valid_json_parse(json, strlen(json), &j, &errs) < 0) /* as a body is parsed */
        j = json_tokener_parse(json);
    rt_valid_errors_cleanup(&errs);
    rc = rt_valid_model_from_json(&thing_model, j, &t, &errs, &body);
    if (rc == 0) {
        snprintf(out, sizeof(out), "ok");
    } else {
        struct json_object *detail = rt_valid_errors_to_json(&errs);

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

#define ERR(type, loc, msg, input)                                                                           \
    "{\"type\":\"" type "\",\"loc\":[\"body\"," loc "],\"msg\":\"" msg "\",\"input\":" input
#define ONE(e) "[" e "}]"

static void test_model_integers(void)
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
    /* below int64: refused, not clamped to INT64_MIN */
    CHECK(same(validate("{\"count\":1,\"maybe\":-9223372036854775809}"),
               ONE(ERR("int_parsing_size", "\"maybe\"",
                       "Unable to parse input string as an integer, exceeded maximum size",
                       "-9223372036854775809"))));
    CHECK(same(validate("{\"count\":1,\"maybe\":-9223372036854775808}"), "ok"));
}

static void test_model_numbers_and_booleans(void)
{
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
}

static void test_model_strings(void)
{
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
}

/* nested locations, and every failing field listed */
static void test_model_nested(void)
{
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

/* --- into an arena --- */

/* An arena that hands out calloc'd blocks and frees them all at the end. */
struct test_arena {
    void *blocks[64];
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

static void test_arena(void)
{
    const char *in = "{\"count\":7,\"name\":\"ab\",\"tags\":[{\"name\":\"xy\"},{\"name\":\"zz\"}],"
                     "\"main\":{\"name\":\"mm\"},\"extra\":{\"k\":[1,null]}}";
    struct json_object *j = json_tokener_parse(in), *extra = json_object_object_get(j, "extra");
    struct test_arena mem = {{NULL}, 0};
    const struct rt_valid_arena arena = {test_alloc, &mem, NULL};
    struct rt_valid_errors errs;
    struct rt_json_buf text = {0}, text2 = {0};
    struct thing t, t2;

    rt_valid_errors_init(&errs);
    CHECK(rt_valid_model_from_json_arena(&thing_model, j, &t, &arena, &errs, NULL) == 0);
    /* strings, the array's items and the nested object: 6 blocks, all from the arena */
    CHECK(mem.n == 6);
    CHECK(t.tags.len == 2 && t.tags.items != NULL && t.main != NULL);
    CHECK(t.extra == extra); /* a JSON value points into the document, without a reference of its own */
    /* the same model as rt_valid_model_from_json() makes */
    CHECK(rt_valid_model_from_json(&thing_model, j, &t2, &errs, NULL) == 0);
    rt_valid_model_write_json(&thing_model, &t, &text);
    rt_valid_model_write_json(&thing_model, &t2, &text2);
    CHECK(text.len == text2.len && memcmp(text.data, text2.data, text.len) == 0);
    rt_valid_model_cleanup(&thing_model, &t2);
    rt_json_buf_free(&text);
    rt_json_buf_free(&text2);

    /* an invalid document: errors as from rt_valid_model_from_json(), and still nothing to free */
    json_object_put(j);
    j = json_tokener_parse("{\"count\":\"x\",\"tags\":[{\"name\":1}],\"main\":{}}");
    CHECK(rt_valid_model_from_json_arena(&thing_model, j, &t, &arena, &errs, NULL) == -1);
    CHECK(rt_valid_errors_count(&errs) == 3);
    rt_valid_errors_cleanup(&errs);
    json_object_put(j);
    while (mem.n > 0) /* a double free here would mean the model freed arena memory */
        free(mem.blocks[--mem.n]);
}

/* The default (no lax): JSON's types, every wrong one reported with pydantic's *_type error. */
struct strict {
    int64_t n;
    bool on;
};

static const struct rt_valid_rule r_strict_n = {.kind = RT_VALID_INTEGER};
static const struct rt_valid_rule r_strict_on = {.kind = RT_VALID_BOOLEAN};
static const struct rt_valid_field strict_fields[] = {
    {.name = "n",
     .rule = &r_strict_n,
     .required = true,
     .offset = offsetof(struct strict, n),
     .aux_offset = RT_VALID_NO_OFFSET},
    {.name = "on",
     .rule = &r_strict_on,
     .required = true,
     .offset = offsetof(struct strict, on),
     .aux_offset = RT_VALID_NO_OFFSET},
};
static const struct rt_valid_model strict_model = {"Strict", sizeof(struct strict), strict_fields, 2, false};

static void test_model_strict(void)
{
    struct json_object *j = json_tokener_parse("{\"n\":\"3\",\"on\":1}");
    struct rt_valid_loc body = {NULL, "body", 0};
    struct rt_valid_errors errs;
    struct strict v;

    rt_valid_errors_init(&errs);
    CHECK(rt_valid_model_from_json(&strict_model, j, &v, &errs, &body) < 0);
    CHECK(same(errors_text(&errs),
               "[" ERR("int_type", "\"n\"", "Input should be a valid integer", "\"3\"") "}," ERR(
                   "bool_type", "\"on\"", "Input should be a valid boolean", "1") "}]"));
    rt_valid_errors_cleanup(&errs);
    json_object_put(j);
    j = json_tokener_parse("{\"n\":3.0,\"on\":true}");
    CHECK(rt_valid_model_from_json(&strict_model, j, &v, &errs, &body) == 0 && v.n == 3 && v.on);
    rt_valid_errors_cleanup(&errs);
    json_object_put(j);
}

/* additionalProperties: false (closed): an undeclared member is extra_forbidden at its own loc, in a request
 * (arena) and in a response the client reads alike; declared ones, and an open model, are as before. */
static const struct rt_valid_model closed_model = {"Closed", sizeof(struct strict), strict_fields, 2, true};

static void test_model_closed(void)
{
    struct json_object *j = json_tokener_parse("{\"n\":1,\"zz\":[2],\"on\":true,\"more\":null}");
    struct rt_valid_loc body = {NULL, "body", 0};
    struct test_arena mem = {{NULL}, 0};
    const struct rt_valid_arena arena = {test_alloc, &mem, NULL};
    const char *want = "[" ERR("extra_forbidden", "\"zz\"", "Extra inputs are not permitted", "[2]") "}," ERR(
        "extra_forbidden", "\"more\"", "Extra inputs are not permitted", "null") "}]";
    struct rt_valid_errors errs;
    struct strict v;

    rt_valid_errors_init(&errs);
    CHECK(rt_valid_model_from_json_arena(&closed_model, j, &v, &arena, &errs, &body) < 0);
    CHECK(same(errors_text(&errs), want));
    rt_valid_errors_cleanup(&errs);
    CHECK(rt_valid_model_from_json(&closed_model, j, &v, &errs, &body) < 0); /* a response: the same */
    CHECK(same(errors_text(&errs), want));
    rt_valid_model_cleanup(&closed_model, &v);
    rt_valid_errors_cleanup(&errs);
    CHECK(rt_valid_model_from_json(&strict_model, j, &v, &errs, &body) == 0 && v.n == 1); /* open: ignored */
    rt_valid_errors_cleanup(&errs);
    json_object_put(j);
    j = json_tokener_parse("{\"n\":2,\"on\":false}");
    CHECK(rt_valid_model_from_json_arena(&closed_model, j, &v, &arena, &errs, &body) == 0 && v.n == 2);
    rt_valid_errors_cleanup(&errs);
    json_object_put(j);
    while (mem.n > 0)
        free(mem.blocks[--mem.n]);
}

int main(void)
{
    test_model_closed();
    test_model_integers();
    test_model_strict();
    test_model_numbers_and_booleans();
    test_model_strings();
    test_model_nested();
    test_round_trip();
    test_write_json();
    test_arena();
    return test_done();
}

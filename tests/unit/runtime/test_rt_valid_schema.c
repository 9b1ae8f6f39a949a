/*
 * rt_valid_schema: the errors of the JSON Schema validator, one per failing
 * keyword, in FastAPI's shape (pydantic's type and ctx where it has one),
 * on hand-written tables in the layout codegen/openapi_c/jsonschema.py
 * emits.  The verdicts themselves are judged by codegen.jsonschema_suite.
 */
#include "test.h"
#include "valid_test.h"

#include "rt_valid_json.h"
#include "rt_valid_schema.h"

#include <json-c/json.h>
#include <string.h>

static const char *check(const struct rt_valid_schema *s, const char *json)
{
    struct json_object *j = rt_valid_json_value(json);
    struct rt_valid_loc body = {NULL, "body", 0};
    struct rt_valid_errors errs;
    bool ok;

    rt_valid_errors_init(&errs);
    ok = rt_valid_schema_check(s, j, &errs, &body); /* j: read as the service reads a body */
    CHECK(ok == (rt_valid_errors_count(&errs) == 0));
    CHECK(ok == rt_valid_schema_check(s, j, NULL, NULL)); /* the same verdict without errors */
    json_object_put(j);
    return ok ? "ok" : errors_text(&errs);
}

static struct rt_valid_schema_json abc_values[] = {
    {.text = "\"a\""}, {.text = "1"}, {.text = "true"}, {.text = "null"}};
static const struct rt_valid_schema s_enum = {.enums = abc_values, .n_enums = 4};
static struct rt_valid_schema_json three = {.text = "3"};
static const struct rt_valid_schema s_const = {.konst = &three};
static const struct rt_valid_schema s_int = {.types = RT_VALID_T_INTEGER};
static const struct rt_valid_schema s_false = {.kind = RT_VALID_SCHEMA_FALSE};
static const struct rt_valid_schema_prop props[] = {{.name = "n", .schema = &s_int}};
static const char *const req[] = {"n", "m", NULL};
static const struct rt_valid_schema s_object = {.types = RT_VALID_T_OBJECT,
                                                .properties = props,
                                                .n_properties = 1,
                                                .required = req,
                                                .additional_properties = &s_false,
                                                .max_properties = {true, 1}};
static const struct rt_valid_schema s_base = {.properties = props, .n_properties = 1};
static const struct rt_valid_schema s_array = {.types = RT_VALID_T_ARRAY,
                                               .min_items = {true, 2},
                                               .unique_items = true,
                                               .items = &s_int,
                                               .contains = &s_const};
static const struct rt_valid_schema s_multiple = {
    .types = RT_VALID_T_NUMBER | RT_VALID_T_STRING, .multiple_of_text = "0.5", .multiple_of = 0.5};
static const struct rt_valid_schema *const alts[] = {&s_int, &s_multiple};
static const struct rt_valid_schema s_one_of = {.one_of = {alts, 2}, .not_schema = &s_const};

/* unevaluatedProperties: false over an allOf, and over an anyOf whose first branch has a required int a */
static const struct rt_valid_schema *const base_only[] = {&s_base};
static const struct rt_valid_schema s_closed = {
    .types = RT_VALID_T_OBJECT, .all_of = {base_only, 1}, .unevaluated_properties = &s_false};
static const struct rt_valid_schema_prop a_props[] = {{.name = "a", .schema = &s_int}};
static const struct rt_valid_schema_prop b_props[] = {{.name = "b", .schema = &s_int}};
static const char *const a_req[] = {"a", NULL};
static const struct rt_valid_schema s_has_a = {.properties = a_props, .n_properties = 1, .required = a_req};
static const struct rt_valid_schema s_has_b = {.properties = b_props, .n_properties = 1};
static const struct rt_valid_schema *const a_or_b[] = {&s_has_a, &s_has_b};
static const struct rt_valid_schema s_closed_union = {.any_of = {a_or_b, 2},
                                                      .unevaluated_properties = &s_false};
/* a pair: [int, then nothing] */
static const struct rt_valid_schema *const first_int[] = {&s_int};
static const struct rt_valid_schema s_pair = {.prefix_items = {first_int, 1}, .unevaluated_items = &s_false};

/* numbers beyond 64 bits: multipleOf in exact decimal, const compared with the request's value */
static const struct rt_valid_schema s_half = {.multiple_of_text = "0.5", .multiple_of = 0.5};
static const struct rt_valid_schema s_odd = {.multiple_of_text = "0.123456789", .multiple_of = 0.123456789};
static const struct rt_valid_schema s_cent = {.multiple_of_text = "0.01", .multiple_of = 0.01};
static const struct rt_valid_schema s_seven = {.multiple_of_text = "7", .multiple_of = 7};
static struct rt_valid_schema_json big_value = {.text = "100000000000000000000"};
static const struct rt_valid_schema s_const_big = {.konst = &big_value};

static void test_values(void)
{
    CHECK(same(check(&s_enum, "true"), "ok"));
    CHECK(same(check(&s_enum, "1.0"), "ok")); /* 1 == 1.0 in JSON Schema */
    CHECK(same(
        check(&s_enum, "\"b\""),
        "[{\"type\":\"literal_error\",\"loc\":[\"body\"],\"msg\":\"Input should be 'a', 1, True or None\","
        "\"input\":\"b\",\"ctx\":{\"expected\":\"'a', 1, True or None\"}}]"));
    CHECK(same(check(&s_const, "[3]"),
               "[{\"type\":\"literal_error\",\"loc\":[\"body\"],\"msg\":\"Input should be "
               "3\",\"input\":[3],\"ctx\":{\"expected\":\"3\"}}]"));
}

static void test_objects_and_arrays(void)
{
    CHECK(same(
        check(&s_object, "{\"n\":\"1\",\"x\":2}"),
        "[{\"type\":\"missing\",\"loc\":[\"body\",\"m\"],\"msg\":\"Field required\",\"input\":{\"n\":\"1\","
        "\"x\":2}},{\"type\":\"too_many_properties\",\"loc\":[\"body\"],\"msg\":\"Object should have at "
        "most 1 property\",\"input\":{\"n\":\"1\",\"x\":2},\"ctx\":{\"max_properties\":1}},{\"type\":"
        "\"int_type\",\"loc\":[\"body\",\"n\"],\"msg\":\"Input should be a valid integer\",\"input\":\"1\"},"
        "{\"type\":\"extra_forbidden\",\"loc\":[\"body\",\"x\"],\"msg\":\"Extra inputs are not permitted\","
        "\"input\":2}]"));
    CHECK(
        same(check(&s_array, "[3]"),
             "[{\"type\":\"too_short\",\"loc\":[\"body\"],\"msg\":\"List should have at least 2 items after "
             "validation, not 1\",\"input\":[3],\"ctx\":{\"field_type\":\"List\",\"min_length\":2,"
             "\"actual_length\":1}}]"));
    CHECK(same(
        check(&s_array, "[1,1.0]"),
        "[{\"type\":\"unique_items\",\"loc\":[\"body\"],\"msg\":\"List should have unique items\","
        "\"input\":[1,1.0]},{\"type\":\"contains_too_few\",\"loc\":[\"body\"],\"msg\":\"List should contain "
        "at least 1 item matching 'contains', not 0\",\"input\":[1,1.0],\"ctx\":{\"min_contains\":1}}]"));
    CHECK(same(check(&s_array, "[3,\"x\"]"),
               "[{\"type\":\"int_type\",\"loc\":[\"body\",1],\"msg\":\"Input should "
               "be a valid integer\",\"input\":\"x\"}]"));
}

static void test_composition(void)
{
    CHECK(same(check(&s_one_of, "2.5"), "ok"));
    CHECK(same(check(&s_one_of, "2"),
               "[{\"type\":\"union_multiple_matches\",\"loc\":[\"body\"],\"msg\":\"Input "
               "should match exactly one schema of oneOf, it matches several\",\"input\":2}]"));
    CHECK(same(
        check(&s_one_of, "3"),
        "[{\"type\":\"union_multiple_matches\",\"loc\":[\"body\"],\"msg\":\"Input should match exactly one "
        "schema of oneOf, it matches several\",\"input\":3},{\"type\":\"not_forbidden\",\"loc\":[\"body\"],"
        "\"msg\":\"Input should not match the schema of 'not'\",\"input\":3}]"));
    CHECK(same(check(&s_one_of, "0.3"),
               "[{\"type\":\"union_no_match\",\"loc\":[\"body\"],\"msg\":\"Input should "
               "match exactly one schema of oneOf, it matches none\",\"input\":0.3}]"));
    CHECK(same(check(&s_multiple, "true"),
               "[{\"type\":\"json_type\",\"loc\":[\"body\"],\"msg\":\"Input should be "
               "of type string or number\",\"input\":true}]"));
    CHECK(same(check(&s_multiple, "0.75"),
               "[{\"type\":\"multiple_of\",\"loc\":[\"body\"],\"msg\":\"Input should be "
               "a multiple of 0.5\",\"input\":0.75,\"ctx\":{\"multiple_of\":0.5}}]"));
}

static void test_big_numbers(void)
{
    CHECK(same(check(&s_half, "1e308"), "ok"));
    CHECK(strstr(check(&s_odd, "1e308"), "\"multiple_of\"") != NULL);
    CHECK(same(check(&s_cent, "1e17"), "ok"));
    CHECK(same(check(&s_cent, "100000000000000000.01"), "ok"));
    CHECK(strstr(check(&s_cent, "100000000000000000.001"), "\"multiple_of\"") != NULL);
    CHECK(same(check(&s_seven, "18446744073709551614"), "ok")); /* 7 * 2635249153387078802, above int64 */
    CHECK(strstr(check(&s_seven, "9223372036854775808"), "\"multiple_of\"") != NULL);
    CHECK(same(check(&s_const_big, "100000000000000000000"), "ok"));
    CHECK(strstr(check(&s_const_big, "18446744073709551615"), "\"literal_error\"") != NULL);
}

static void test_unevaluated(void)
{
    CHECK(same(check(&s_closed, "{\"n\":1}"), "ok"));
    CHECK(same(check(&s_closed, "{\"n\":1,\"x\":2}"),
               "[{\"type\":\"extra_forbidden\",\"loc\":[\"body\",\"x\"],\"msg\":\"Extra inputs are not "
               "permitted\",\"input\":2}]"));
    /* n failed its schema in the allOf: its error, not a second one calling it extra */
    CHECK(same(check(&s_closed, "{\"n\":\"1\"}"),
               "[{\"type\":\"int_type\",\"loc\":[\"body\",\"n\"],\"msg\":\"Input should be a valid "
               "integer\",\"input\":\"1\"}]"));
    CHECK(same(check(&s_closed_union, "{\"a\":1,\"b\":2}"), "ok"));
    /* the invalid branch evaluated a, but a failed branch's annotations do not count */
    CHECK(same(check(&s_closed_union, "{\"a\":\"x\",\"b\":2}"),
               "[{\"type\":\"extra_forbidden\",\"loc\":[\"body\",\"a\"],\"msg\":\"Extra inputs are not "
               "permitted\",\"input\":\"x\"}]"));
    CHECK(same(check(&s_pair, "[1]"), "ok"));
    CHECK(same(check(&s_pair, "[1,2]"),
               "[{\"type\":\"schema_false\",\"loc\":[\"body\",1],\"msg\":\"No value is allowed here "
               "(schema false)\",\"input\":2}]"));
}

/* Defaults filled into a request's value: an absent property's, at any depth (an array's items, a $ref, the
 * oneOf branch the value is valid against), never over a sent member; a table without has_default is not
 * entered. */
static const struct rt_valid_schema s_str = {.types = RT_VALID_T_STRING};
static const struct rt_valid_schema_prop pet_props[] = {
    {.name = "name", .schema = &s_str},
    {.name = "kind", .schema = &s_str, .default_json = "\"pet\""},
    {.name = "n", .schema = &s_int, .default_json = "3"},
};
static const struct rt_valid_schema s_pet = {
    .types = RT_VALID_T_OBJECT, .properties = pet_props, .n_properties = 3, .has_default = true};
static const struct rt_valid_schema s_pet_ref = {.ref = &s_pet, .has_default = true};
static const struct rt_valid_schema s_pets = {
    .types = RT_VALID_T_ARRAY, .items = &s_pet_ref, .has_default = true};
static const struct rt_valid_schema s_unmarked = {.types = RT_VALID_T_ARRAY, .items = &s_pet_ref};
static const struct rt_valid_schema *const pet_or_int[] = {&s_int, &s_pet};
static const struct rt_valid_schema s_pet_or_int = {.one_of = {pet_or_int, 2}, .has_default = true};

static const char *filled(const struct rt_valid_schema *s, const char *json)
{
    static char out[256];
    struct json_object *j = rt_valid_json_value(json);

    CHECK(rt_valid_schema_check_request(s, j, NULL, NULL));
    rt_valid_schema_fill_defaults(s, j);
    snprintf(out, sizeof(out), "%s", json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN));
    json_object_put(j);
    return out;
}

static void test_fill_defaults(void)
{
    CHECK(same(filled(&s_pets, "[{\"name\":\"a\"},{\"kind\":\"dog\",\"n\":0}]"),
               "[{\"name\":\"a\",\"kind\":\"pet\",\"n\":3},{\"kind\":\"dog\",\"n\":0}]"));
    CHECK(same(filled(&s_pet_or_int, "{}"), "{\"kind\":\"pet\",\"n\":3}"));
    CHECK(same(filled(&s_pet_or_int, "7"), "7"));
    CHECK(same(filled(&s_unmarked, "[{}]"), "[{}]")); /* has_default false: not entered */
}

int main(void)
{
    test_fill_defaults();
    test_values();
    test_objects_and_arrays();
    test_composition();
    test_unevaluated();
    test_big_numbers();
    return test_done();
}

/*
 * rt_json: the text writer answers are serialized with must print exactly
 * what json-c prints (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
 * with numbers as rt_valid_json_double() makes them), so that the fast path
 * and the json-c path can never give two different answers.
 */
#include "test.h"

#include "rt_json.h"
#include "rt_valid.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define JSONC_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

/* @return 1 if rt_json wrote what json-c prints for @p j; prints both otherwise.  Takes @p j. */
static int same_as_jsonc(struct rt_json_buf *b, struct json_object *j)
{
    const char *expected = json_object_to_json_string_ext(j, JSONC_FLAGS);
    int ok = b->len == strlen(expected) && memcmp(b->data, expected, b->len) == 0;

    if (!ok)
        printf("# json-c: %s\n# rt_json: %.*s\n", expected, (int)b->len, b->data);
    json_object_put(j);
    b->len = 0;
    return ok;
}

static void test_every_byte_in_a_string(void)
{
    struct rt_json_buf b = {0};
    char s[4];
    int c, bad = 0;

    for (c = 1; c < 256; c++) {
        s[0] = 'a';
        s[1] = (char)c;
        s[2] = 'z';
        s[3] = '\0';
        rt_json_put_string(&b, s);
        if (!same_as_jsonc(&b, json_object_new_string(s)))
            bad++;
    }
    CHECK(bad == 0);
    rt_json_buf_free(&b);
}

static void test_strings(void)
{
    static const char *const cases[] = {
        "",
        "plain",
        "/docs and \\ and \"quotes\"",
        "\x01\x1f\x7f",
        "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
        "line\nbreak\r\ttab\bback\fform",
        "\"\"\"\\\\\\",
    };
    struct rt_json_buf b = {0};
    size_t i;
    char *big;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        rt_json_put_string(&b, cases[i]);
        CHECK(same_as_jsonc(&b, json_object_new_string(cases[i])));
    }
    /* Long enough to make the buffer grow several times, escapes included. */
    big = malloc(100001);
    for (i = 0; i < 100000; i++)
        big[i] = "ab\"\n\x01/"[i % 6];
    big[100000] = '\0';
    rt_json_put_string(&b, big);
    CHECK(same_as_jsonc(&b, json_object_new_string(big)));
    free(big);
    rt_json_buf_free(&b);
    CHECK(b.data == NULL && b.len == 0 && b.cap == 0);
}

static void test_numbers(void)
{
    static const int64_t ints[] = {0, 1, -1, 42, INT64_MAX, INT64_MIN};
    static const double doubles[] = {
        0.0,  -0.0,  1.0,     2.0,     0.1,           3.001,  1e22,
        1e-7, 1e300, -2.5e-8, 1.0 / 3, 123456789.125, 5e-324, 1.7976931348623157e308};
    struct rt_json_buf b = {0};
    size_t i;

    for (i = 0; i < sizeof(ints) / sizeof(ints[0]); i++) {
        rt_json_put_int(&b, ints[i]);
        CHECK(same_as_jsonc(&b, json_object_new_int64(ints[i])));
    }
    for (i = 0; i < sizeof(doubles) / sizeof(doubles[0]); i++) {
        rt_json_put_double(&b, doubles[i]);
        CHECK(same_as_jsonc(&b, rt_valid_json_double(doubles[i])));
    }
    rt_json_put_double(&b, NAN);
    CHECK(same_as_jsonc(&b, json_object_new_double(NAN)));
    rt_json_put_double(&b, INFINITY);
    CHECK(same_as_jsonc(&b, json_object_new_double(INFINITY)));
    rt_json_put_double(&b, -INFINITY);
    CHECK(same_as_jsonc(&b, json_object_new_double(-INFINITY)));
    rt_json_buf_free(&b);
}

static void test_literals_and_values(void)
{
    struct rt_json_buf b = {0};

    rt_json_put_bool(&b, true);
    CHECK(same_as_jsonc(&b, json_object_new_boolean(1)));
    rt_json_put_bool(&b, false);
    CHECK(same_as_jsonc(&b, json_object_new_boolean(0)));
    rt_json_put_null(&b);
    CHECK(b.len == 4 && memcmp(b.data, "null", 4) == 0);
    b.len = 0;
    rt_json_put_value(&b, NULL);
    CHECK(b.len == 4 && memcmp(b.data, "null", 4) == 0);
    b.len = 0;
    {
        struct json_object *v = json_tokener_parse("{\"a\":[1,2.5,\"x/y\",null,{}],\"b\":{\"c\":true}}");

        rt_json_put_value(&b, v);
        CHECK(same_as_jsonc(&b, v));
    }
    rt_json_buf_free(&b);
}

int main(void)
{
    test_every_byte_in_a_string();
    test_strings();
    test_numbers();
    test_literals_and_values();
    return test_done();
}

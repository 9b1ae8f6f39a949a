/*
 * rt_json: the text writer answers are serialized with must print exactly
 * what json-c prints (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE,
 * with numbers as rt_valid_json_double() makes them), so that the fast path
 * and the json-c path can never give two different answers.
 */
#include "test.h"

#include "rt_json.h"
#include "rt_valid_json.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
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

/*
 * Every byte at every position of a 17-byte string: the writer skips plain
 * text 8 bytes at a time, so a byte it must escape has to be found at any
 * offset within a word, and in the tail after the last whole word.
 */
static void test_every_byte_at_every_offset(void)
{
    struct rt_json_buf b = {0};
    char s[18];
    int c, at, bad = 0;

    for (c = 1; c < 256; c++) {
        for (at = 0; at < 17; at++) {
            memset(s, 'q', 17);
            s[17] = '\0';
            s[at] = (char)c;
            rt_json_put_string(&b, s);
            if (!same_as_jsonc(&b, json_object_new_string(s)))
                bad++;
        }
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

/* The reference: the shortest of %.15g..%.17g that reads back, with ".0" added to what looks like an int. */
static void reference_double(double v, char *buf, size_t size)
{
    int prec;

    for (prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v)
            break;
    }
    if (strpbrk(buf, ".e") == NULL)
        strcat(buf, ".0");
}

/* The fast path for values with at most three decimals must agree with the search everywhere. */
static void test_doubles_against_the_reference(void)
{
    char got[40], want[64];
    size_t n;
    int bad = 0, i;
    unsigned seed = 12345;

    for (i = 0; i < 200000; i++) {
        double v;

        seed = seed * 1103515245u + 12345u;
        switch (i % 4) {
        case 0: /* thousandths, as handlers produce them */
            v = (double)(seed % 100000000u) / 1000.0;
            break;
        case 1: /* near the edges of the fast path */
            v = (i % 8 == 1 ? 1e12 : 1e-3) * (1.0 + (double)(seed % 1000u) / 1e9);
            break;
        case 2: /* arbitrary doubles */
            v = (double)seed / (double)(seed % 977u + 1u) * ((seed & 1) ? 1e-5 : 1e7);
            break;
        default: /* negative thousandths */
            v = -(double)(seed % 5000000u) / 1000.0;
            break;
        }
        n = rt_json_format_double(v, got);
        reference_double(v, want, sizeof(want));
        if (n != strlen(want) || strcmp(got, want) != 0) {
            if (bad++ < 5)
                printf("# %.17g: got %s, want %s\n", v, got, want);
        }
    }
    CHECK(bad == 0);
    n = rt_json_format_double(-0.0, got);
    CHECK(n == 4 && strcmp(got, "-0.0") == 0);
    n = rt_json_format_double(0.001, got);
    CHECK(n == 5 && strcmp(got, "0.001") == 0);
    n = rt_json_format_double(1.5, got);
    CHECK(n == 3 && strcmp(got, "1.5") == 0);
    n = rt_json_format_double(999999999999.999, got);
    CHECK(n == 16 && strcmp(got, "999999999999.999") == 0);
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
    {
        struct json_object *v = json_object_new_object();

        json_object_object_add(v, "detail", json_object_new_string("Not \"found\": /users/a\n"));
        rt_json_put_detail(&b, "Not \"found\": /users/a\n");
        CHECK(same_as_jsonc(&b, v));
    }
    rt_json_buf_free(&b);
}

int main(void)
{
    test_every_byte_in_a_string();
    test_every_byte_at_every_offset();
    test_strings();
    test_numbers();
    test_doubles_against_the_reference();
    test_literals_and_values();
    return test_done();
}

/*
 * Unit tests for rt_valid_pattern: what the engine does beyond the
 * ECMA-262 semantics codegen.regex_node judges against Node: values are
 * searched with their length, text that is not UTF-8 does not match, a
 * pathological pattern stops at the match limit, a broken one is reported.
 */
#include "rt_mem.h"
#include "rt_valid_pattern.h"
#include "test.h"

#include <string.h>

static int search(struct rt_valid_pattern *p, const char *s, size_t len)
{
    return rt_valid_pattern_search(p, s, len);
}

/* A NUL inside a value (a JSON "\u0000") is a character like any other. */
static void test_length(void)
{
    struct rt_valid_pattern no_tags = {.source = "^[^<>]*$", .regex = "^[^<>]*$"};

    CHECK(search(&no_tags, "a", 1) == 1);
    CHECK(search(&no_tags, "a\0<b>", 5) == 0);
    CHECK(search(&no_tags, "ab<", 2) == 1); /* only the first two bytes are the value */
    rt_valid_pattern_clear(&no_tags);
}

/* Code points, not bytes; bytes that are not UTF-8 match nothing. */
static void test_utf8(void)
{
    struct rt_valid_pattern one = {.source = "^.$", .regex = "^[^\\x{a}\\x{d}\\x{2028}\\x{2029}]$"};

    CHECK(search(&one, "\xc3\xa9", 2) == 1);         /* é */
    CHECK(search(&one, "\xf0\x9f\x98\x80", 4) == 1); /* 😀, outside the BMP */
    CHECK(search(&one, "\xff", 1) == 0);
    CHECK(search(&one, "\xc3", 1) == 0); /* a truncated sequence */
    rt_valid_pattern_clear(&one);
}

/* (a+)+$ on "aaa...b" backtracks exponentially: the search gives up at the
 * match limit (without it this test would run for hours), while a linear
 * pattern on a long value is unaffected. */
static void test_match_limit(void)
{
    struct rt_valid_pattern evil = {.source = "^(a+)+$", .regex = "^(a+)+$"};
    struct rt_valid_pattern letters = {.source = "^[a-z]+$", .regex = "^[a-z]+$"};
    size_t n = 1 << 20;
    char *s = rt_xmalloc(n);

    memset(s, 'a', n);
    s[40] = '!';
    CHECK(search(&evil, s, 41) == 0);
    CHECK(search(&evil, s, 40) == 1);
    CHECK(search(&letters, s, n) == 0);
    s[40] = 'a';
    CHECK(search(&letters, s, n) == 1);
    free(s);
    rt_valid_pattern_clear(&evil);
    rt_valid_pattern_clear(&letters);
}

/* A broken expression (the generator never writes one) is reported, every time. */
static void test_broken(void)
{
    struct rt_valid_pattern broken = {.source = "a(", .regex = "a("};
    struct rt_valid_pattern fine = {.source = "b", .regex = "b"};

    CHECK(rt_valid_pattern_compile(&broken) == -1);
    CHECK(search(&broken, "a", 1) == -1);
    CHECK(broken.code == NULL && broken.ready == 0);
    CHECK(rt_valid_pattern_compile(&fine) == 0 && fine.ready == 1);
    rt_valid_pattern_clear(&fine);
    CHECK(fine.code == NULL && fine.ready == 0);
    CHECK(search(&fine, "abc", 3) == 1); /* compiled again on use */
    rt_valid_pattern_clear(&fine);
    rt_valid_pattern_clear(&broken); /* nothing compiled: nothing to free */
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {{"length", test_length},
                                             {"utf8", test_utf8},
                                             {"match_limit", test_match_limit},
                                             {"broken", test_broken}};

    return test_run(cases, TEST_N(cases), argc, argv);
}

/*
 * rt_hash: FNV-1a, 64 bits, against the FNV reference's test vectors
 * (the empty string is the offset basis), bytes above 0x7f and NUL read
 * as bytes, and the _str form equal to the counted one.
 */
#include "test.h"

#include "rt_hash.h"

#include <stdint.h>

static void test_vectors(void)
{
    CHECK(rt_hash_fnv1a("", 0) == UINT64_C(0xcbf29ce484222325));
    CHECK(rt_hash_fnv1a(NULL, 0) == UINT64_C(0xcbf29ce484222325));
    CHECK(rt_hash_fnv1a("a", 1) == UINT64_C(0xaf63dc4c8601ec8c));
    CHECK(rt_hash_fnv1a("foobar", 6) == UINT64_C(0x85944171f73967e8));
}

static void test_bytes(void)
{
    /* tests/examples/test_petstore.py recomputes this checksum of a chip's dump in Python */
    CHECK(rt_hash_fnv1a("\x00\xff\r\n", 4) == UINT64_C(0xd6dee57bf4dca5a7));
    CHECK(rt_hash_fnv1a("a\0b", 3) != rt_hash_fnv1a("a", 1));
}

static void test_str(void)
{
    CHECK(rt_hash_fnv1a_str("foobar") == rt_hash_fnv1a("foobar", 6));
    CHECK(rt_hash_fnv1a_str("") == UINT64_C(0xcbf29ce484222325));
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        {"fnv1a.vectors", test_vectors},
        {"fnv1a.bytes", test_bytes},
        {"fnv1a.str", test_str},
    };

    return test_run(cases, TEST_N(cases), argc, argv);
}

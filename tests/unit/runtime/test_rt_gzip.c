/*
 * rt_gzip: Accept-Encoding (RFC 9110 12.5.3: q-values, "*", x-gzip, what
 * malformed elements mean), which content types are compressed, and a
 * compressed body that inflates back to the same bytes, body after body on
 * one deflate state.
 */
#include "test.h"

#include "rt_gzip.h"

#include <event2/buffer.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* --- Accept-Encoding --- */

static void test_accept_listed(void)
{
    CHECK(rt_gzip_accepted("gzip"));
    CHECK(rt_gzip_accepted("GZip"));
    CHECK(rt_gzip_accepted("x-gzip"));
    CHECK(rt_gzip_accepted("gzip, deflate, br"));
    CHECK(rt_gzip_accepted("br;q=1.0, gzip;q=0.8, *;q=0.1"));
    CHECK(rt_gzip_accepted("deflate ,\tgzip ; q=0.001"));
    CHECK(rt_gzip_accepted("gzip;q=1"));
    CHECK(rt_gzip_accepted("gzip;Q=0.5"));
    CHECK(rt_gzip_accepted("gzip;level=\"a;q=0,b\";q=1")); /* a quoted parameter hides its separators */
}

static void test_accept_refused(void)
{
    CHECK(!rt_gzip_accepted(NULL)); /* no field: only to clients that ask */
    CHECK(!rt_gzip_accepted(""));
    CHECK(!rt_gzip_accepted("identity"));
    CHECK(!rt_gzip_accepted("deflate, br"));
    CHECK(!rt_gzip_accepted("gzip;q=0"));
    CHECK(!rt_gzip_accepted("gzip;q=0.0"));
    CHECK(!rt_gzip_accepted("gzip; q=0.000"));
    CHECK(!rt_gzip_accepted("x-gzip;q=0"));
    CHECK(!rt_gzip_accepted("gzipx, xgzip, gzi"));
    CHECK(!rt_gzip_accepted("identity;q=1, gzip;q=0, deflate"));
}

static void test_accept_star(void)
{
    CHECK(rt_gzip_accepted("*"));
    CHECK(rt_gzip_accepted("identity, *;q=0.5"));
    CHECK(!rt_gzip_accepted("*;q=0"));
    /* A coding named has its own weight, whatever "*" says (12.5.3: "*" is any coding not listed). */
    CHECK(!rt_gzip_accepted("gzip;q=0, *"));
    CHECK(!rt_gzip_accepted("*, gzip;q=0"));
    CHECK(rt_gzip_accepted("*;q=0, gzip"));
}

/* A q-value that is not one (12.4.2) gives no permission; the elements around it still count. */
static void test_accept_malformed(void)
{
    CHECK(!rt_gzip_accepted("gzip;q=2"));
    CHECK(!rt_gzip_accepted("gzip;q=1.5"));
    CHECK(!rt_gzip_accepted("gzip;q=0.0001"));
    CHECK(!rt_gzip_accepted("gzip;q=abc"));
    CHECK(!rt_gzip_accepted("gzip;q="));
    CHECK(!rt_gzip_accepted("gzip;q=-1"));
    CHECK(!rt_gzip_accepted("gzip;q=1e3"));
    CHECK(!rt_gzip_accepted("gzip junk"));
    CHECK(!rt_gzip_accepted("\"gzip\""));
    CHECK(rt_gzip_accepted(",,, ;q=1, \"x\", gzip"));
    CHECK(rt_gzip_accepted("gzip;;foo;q=1"));
    CHECK(!rt_gzip_accepted("gzip;q=\"1\"")); /* a q-value is never quoted */
    CHECK(!rt_gzip_accepted("gzip;q=0\""));   /* q=0 then junk */
}

/* --- content types --- */

static void test_types(void)
{
    CHECK(rt_gzip_type_compressible("application/json"));
    CHECK(rt_gzip_type_compressible("Application/JSON; charset=utf-8"));
    CHECK(rt_gzip_type_compressible("application/problem+json"));
    CHECK(rt_gzip_type_compressible("text/plain"));
    CHECK(rt_gzip_type_compressible("text/html; charset=utf-8"));
    CHECK(!rt_gzip_type_compressible(NULL));
    CHECK(!rt_gzip_type_compressible(""));
    CHECK(!rt_gzip_type_compressible("image/png"));
    CHECK(!rt_gzip_type_compressible("application/octet-stream"));
    CHECK(!rt_gzip_type_compressible("application/jsonx"));
    CHECK(!rt_gzip_type_compressible("application/+json"));
    CHECK(!rt_gzip_type_compressible("text"));
    CHECK(!rt_gzip_type_compressible("text/"));
    CHECK(!rt_gzip_type_compressible("texts/plain"));
}

/* --- compressing --- */

/* Inflate the gzip member in @p in (@p len bytes) into @p out (@p size bytes).  The length, or -1. */
static long inflate_all(const unsigned char *in, size_t len, unsigned char *out, size_t size)
{
    z_stream zs;
    long n;
    int rc;

    memset(&zs, 0, sizeof(zs));
    if (inflateInit2(&zs, 15 + 16) != Z_OK)
        return -1;
    zs.next_in = (Bytef *)(uintptr_t)in; /* zlib 1.2: not const, only read */
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)size;
    rc = inflate(&zs, Z_FINISH);
    n = rc == Z_STREAM_END && zs.avail_in == 0 ? (long)zs.total_out : -1;
    inflateEnd(&zs);
    return n;
}

/* @p n bytes of JSON-like text, the same for the same @p seed. */
static void fill(char *buf, size_t n, unsigned seed)
{
    size_t i = 0;

    while (i < n) {
        char item[96];
        int k =
            snprintf(item, sizeof(item), "{\"id\":%u,\"email\":\"user%u@example.com\"},", seed, seed * 7919u);

        memcpy(buf + i, item, (size_t)k < n - i ? (size_t)k : n - i);
        i += (size_t)k;
        seed++;
    }
}

/* One body after another on the same state (deflateReset between them): each inflates back exactly. */
static void test_roundtrip(void)
{
    static const size_t sizes[] = {1, 1024, 6487, 100000, 300000};
    struct rt_gzip *gz = rt_gzip_new();
    char *body = malloc(300000);
    unsigned char *back = malloc(300001), *z = malloc(400000);
    size_t i;

    CHECK(gz != NULL && body != NULL && back != NULL && z != NULL);
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        struct evbuffer *out = evbuffer_new();
        size_t n;

        fill(body, sizes[i], (unsigned)i);
        evbuffer_add(out, "x", 1); /* appended after what the buffer holds */
        n = rt_gzip_compress(gz, body, sizes[i], out);
        CHECK(n > 0 && evbuffer_get_length(out) == n + 1);
        CHECK(sizes[i] < 1024 || n < sizes[i] / 3); /* JSON shrinks, even at level 1 */
        evbuffer_drain(out, 1);
        CHECK(evbuffer_remove(out, z, n) == (int)n);
        CHECK(z[0] == 0x1f && z[1] == 0x8b); /* a gzip member, not a zlib stream */
        CHECK(inflate_all(z, n, back, 300001) == (long)sizes[i]);
        CHECK(memcmp(back, body, sizes[i]) == 0);
        evbuffer_free(out);
    }
    rt_gzip_free(gz);
    rt_gzip_free(NULL);
    free(body);
    free(back);
    free(z);
}

/* Incompressible bytes still fit in what deflateBound() reserved, and inflate back. */
static void test_incompressible(void)
{
    struct rt_gzip *gz = rt_gzip_new();
    struct evbuffer *out = evbuffer_new();
    unsigned char body[50000], back[50001], *z;
    size_t i, n;

    srand(7);
    for (i = 0; i < sizeof(body); i++)
        body[i] = (unsigned char)rand();
    n = rt_gzip_compress(gz, body, sizeof(body), out);
    CHECK(n > sizeof(body)); /* a little larger: stored blocks */
    z = evbuffer_pullup(out, -1);
    CHECK(inflate_all(z, n, back, sizeof(back)) == (long)sizeof(body));
    CHECK(memcmp(back, body, sizeof(body)) == 0);
    evbuffer_free(out);
    rt_gzip_free(gz);
}

static const struct test_case cases[] = {
    {"accept.listed", test_accept_listed},
    {"accept.refused", test_accept_refused},
    {"accept.star", test_accept_star},
    {"accept.malformed", test_accept_malformed},
    {"types", test_types},
    {"compress.roundtrip", test_roundtrip},
    {"compress.incompressible", test_incompressible},
};

int main(int argc, char **argv)
{
    return test_run(cases, TEST_N(cases), argc, argv);
}

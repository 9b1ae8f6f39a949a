/*
 * rt_req, request memory and cleanups (req_harness.h): pieces zeroed and
 * aligned, large pieces in chunks of their own, the first chunk kept
 * across requests, everything freed at cleanup; cleanups run newest first
 * when the request ends, or at cleanup if it never does.
 */
#include "req_harness.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

static bool aligned16(const void *p)
{
    return ((uintptr_t)p & 15) == 0;
}

static bool all_zero(const void *p, size_t n)
{
    const unsigned char *b = p;
    size_t i;

    for (i = 0; i < n; i++) {
        if (b[i] != 0)
            return false;
    }
    return true;
}

static size_t chunk_count(const struct rt_req *req)
{
    const struct rt_arena_chunk *c;
    size_t n = 0;

    for (c = req->arena; c != NULL; c = c->next)
        n++;
    return n;
}

/* --- request memory --- */

static void test_arena_zeroed_aligned(void)
{
    struct answer a;
    struct rt_req req;
    size_t sizes[] = {1, 7, 16, 33, 100, 0, 250};
    size_t i;

    req_setup(&req, &a, "arena");
    for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        unsigned char *p = rt_req_alloc(&req, sizes[i]);

        CHECK(aligned16(p) && all_zero(p, sizes[i])); /* never NULL: out of memory aborts */
        memset(p, 0xAB, sizes[i]);                    /* dirty it: the next piece must still come zeroed */
    }
    CHECK(chunk_count(&req) == 1); /* a small head fits the first chunk */
    CHECK(req.arena->size <= 512);
    req.active = false;
    rt_req_cleanup(&req);
}

static void test_arena_large_pieces(void)
{
    struct answer a;
    struct rt_req req;
    char *small1, *big, *small2, *bigger;

    req_setup(&req, &a, "arena-large");
    small1 = rt_req_alloc(&req, 10);
    big = rt_req_alloc(&req, 10000);
    CHECK(aligned16(big) && all_zero(big, 10000));
    memset(big, 1, 10000);
    /* The current chunk stays in use after a large piece: the next small piece follows the first. */
    small2 = rt_req_alloc(&req, 10);
    CHECK(small2 == small1 + 16);
    CHECK(chunk_count(&req) == 2);
    bigger = rt_req_alloc(&req, 1 << 20);
    CHECK(all_zero(bigger, 1 << 20));
    memset(bigger, 2, 1 << 20);
    CHECK(chunk_count(&req) == 3);
    CHECK(big[9999] == 1 && small1[0] == 0 && small2[0] == 0);
    req.active = false;
    rt_req_cleanup(&req);
}

/*
 * The first chunk is small (a waiting connection keeps it); a longer
 * request takes chunks twice the size of the last, up to 4 KiB, and the
 * first one is what stays for the next request.
 */
static void test_arena_chunks_grow(void)
{
    struct answer a;
    struct rt_req req;
    struct rt_arena_chunk *first;
    size_t want[] = {512, 1024, 2048, 4096};
    size_t i;

    req_setup(&req, &a, "arena-grow");
    rt_req_alloc(&req, 100);
    first = req.arena;
    CHECK(first->size == 512);
    for (i = 1; i < sizeof(want) / sizeof(want[0]); i++) {
        rt_req_alloc(&req, req.arena->size - req.arena->used + 16); /* just past the current chunk */
        CHECK(chunk_count(&req) == i + 1);
        CHECK(req.arena->size == want[i]);
    }
    rt_req_reply(&req, 204, NULL, NULL, 0);
    CHECK(req.arena == first && chunk_count(&req) == 1);
    rt_req_cleanup(&req);
}

static void test_arena_many_pieces(void)
{
    struct answer a;
    struct rt_req req;
    char *prev = NULL;
    bool ok = true;
    int i;

    req_setup(&req, &a, "arena-many");
    for (i = 0; i < 2000; i++) {
        char *p = rt_req_alloc(&req, 100);

        ok = ok && p != NULL && aligned16(p) && all_zero(p, 100) && p != prev;
        memset(p, i & 0xff, 100);
        prev = p;
    }
    CHECK(ok);
    CHECK(chunk_count(&req) > 1);
    req.active = false;
    rt_req_cleanup(&req);
}

static void test_arena_reset_keeps_first_chunk(void)
{
    struct answer a;
    struct rt_req req;
    struct rt_arena_chunk *first;
    char *p;

    req_setup(&req, &a, "arena-reset");
    p = rt_req_alloc(&req, 64);
    first = req.arena;
    rt_req_alloc(&req, 8000);
    rt_req_alloc(&req, 3000);
    rt_req_reply(&req, 204, NULL, NULL, 0); /* ends the request: rt_req_reset() */
    CHECK(a.sends == 1 && a.ended == 1);
    /* One chunk stays, empty, for the next request of the connection. */
    CHECK(req.arena == first);
    CHECK(chunk_count(&req) == 1 && req.arena->used == 0);
    /* What the connection set up survives; the request's parts do not. */
    CHECK(req.send == answer_send && req.ended == answer_ended && req.owner == &a);
    CHECK(req.path == NULL && req.headers == NULL && req.body == NULL && req.out_headers == NULL);
    CHECK(!req.active);
    /* The next request's first piece reuses that chunk: no malloc per small request. */
    CHECK(rt_req_alloc(&req, 64) == p);
    rt_req_cleanup(&req);
    CHECK(req.arena == NULL);
    rt_req_cleanup(&req); /* twice is fine */
    rt_req_cleanup(NULL);
}

static void test_strndup(void)
{
    struct answer a;
    struct rt_req req;
    char *s;

    req_setup(&req, &a, "strndup");
    s = rt_req_strndup(&req, "hello world", 5);
    CHECK(strcmp(s, "hello") == 0);
    s = rt_req_strndup(&req, "", 0);
    CHECK(s != NULL && s[0] == '\0');
    s = rt_req_strndup(&req, "a\0b", 3); /* bytes, not a string: the NUL is copied */
    CHECK(s[0] == 'a' && s[1] == '\0' && s[2] == 'b' && s[3] == '\0');
    req.active = false;
    rt_req_cleanup(&req);
}

/* --- cleanups --- */

static void test_defer_order_at_reply(void)
{
    struct rt_req_capture cap = {0};
    struct order o = {{0}, 0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_GET, "/", NULL, NULL, 0, &cap);

    rt_req_defer(req, defer_a, &o);
    rt_req_defer(req, defer_b, &o);
    rt_req_defer(req, defer_c, &o);
    CHECK(o.n == 0);
    rt_req_reply(req, 200, NULL, NULL, 0);
    CHECK(cap.replied == 1);
    CHECK(o.n == 3 && memcmp(o.log, "cba", 3) == 0); /* newest first, after the answer */
    rt_req_capture_cleanup(&cap);
}

static void test_defer_at_cleanup(void)
{
    struct answer a;
    struct rt_req req;
    struct order o = {{0}, 0};

    req_setup(&req, &a, "defer-cleanup");
    rt_req_defer(&req, defer_a, &o);
    rt_req_defer(&req, defer_b, &o);
    req.active = false; /* abandoned, as rt_http_free() does */
    rt_req_cleanup(&req);
    CHECK(o.n == 2 && memcmp(o.log, "ba", 2) == 0);
    CHECK(a.sends == 0);
}

static const struct test_case cases[] = {
    {"arena.zeroed_aligned", test_arena_zeroed_aligned},
    {"arena.large_pieces", test_arena_large_pieces},
    {"arena.many_pieces", test_arena_many_pieces},
    {"arena.chunks_grow", test_arena_chunks_grow},
    {"arena.reset_keeps_first_chunk", test_arena_reset_keeps_first_chunk},
    {"arena.strndup", test_strndup},
    {"defer.newest_first_after_reply", test_defer_order_at_reply},
    {"defer.at_cleanup", test_defer_at_cleanup},
};

int main(int argc, char **argv)
{
    return req_test_main(cases, TEST_N(cases), argc, argv);
}

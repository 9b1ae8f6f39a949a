/*
 * Unit tests for runtime/client/rt_client_exchange.c: one request and its
 * response on a connection.  The limits on the response body (plain and
 * chunked) and responses that are not HTTP.  Against loopback upstreams
 * (client_upstreams.h).
 */
#include "client_harness.h"

#include <string.h>

static void test_body_too_large(void)
{
    struct rt_client *c = client_new(3000, 1000, NULL, 0, 0);
    struct result big, chunked, small;
    char u[128];

    url(u, sizeof(u), "http", "127.0.0.1", up_a.port, "/big");
    CHECK(get(c, u, &big) == 0);
    url(u, sizeof(u), "http", "127.0.0.1", up_a.port, "/bigchunked");
    CHECK(get(c, u, &chunked) == 0);
    url(u, sizeof(u), "http", "127.0.0.1", up_a.port, "/json");
    CHECK(get(c, u, &small) == 0);
    CHECK(wait_all(5000));
    CHECK(big.status == 0 && has(big.error, "response larger than 1000 bytes"));
    CHECK(chunked.status == 0 && has(chunked.error, "response larger than 1000 bytes"));
    CHECK(small.status == 200);
    rt_client_free(c);

    /* Under the limit, a chunked body arrives whole. */
    c = client_new(3000, 200000, NULL, 0, 0);
    url(u, sizeof(u), "http", "127.0.0.1", up_a.port, "/bigchunked");
    CHECK(get(c, u, &chunked) == 0);
    CHECK(wait_all(5000));
    CHECK(chunked.status == 200 && chunked.body_len == 100000);
    rt_client_free(c);
}

static void test_malformed_response(void)
{
    struct rt_client *c = client_new(3000, 0, NULL, 0, 0);
    struct result garbage;
    char u[128];

    url(u, sizeof(u), "http", "127.0.0.1", raw_garbage.port, "/");
    CHECK(get(c, u, &garbage) == 0);
    CHECK(wait_all(5000));
    CHECK(garbage.status == 0 && has(garbage.error, "malformed"));
    rt_client_free(c);
}

int main(void)
{
    static const struct harness_case cases[] = {
        {"body_too_large", test_body_too_large},
        {"malformed_response", test_malformed_response},
    };

    return harness_main(cases, sizeof(cases) / sizeof(cases[0]), false);
}

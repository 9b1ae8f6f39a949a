/*
 * Unit tests for runtime/client/rt_client_exchange.c: one request and its
 * response on a connection.  The limits on the response (body, chunked
 * body, header fields), responses that are not HTTP or end early, and the
 * Host header of an IPv6 literal.  Against loopback upstreams
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

/*
 * 70000 bytes of header fields, over the 64 KiB the client takes: an error,
 * and the connection is not kept.  libevent 2.1 reports oversized headers
 * as invalid ones, hence "malformed response"; a libevent that says
 * DATA_TOO_LONG gets "response headers larger than ...".
 */
static void test_headers_too_large(void)
{
    struct rt_client *c = client_new(3000, 0, NULL, 0, 0);
    struct rt_client_stats st;
    struct result r;
    char u[128];

    url(u, sizeof(u), "http", "127.0.0.1", raw_big_headers.port, "/");
    CHECK(get(c, u, &r) == 0);
    CHECK(wait_all(5000));
    CHECK(r.status == 0 && (strstr(r.error, "malformed response") != NULL ||
                            strstr(r.error, "response headers larger than 65536 bytes") != NULL));
    printf("# %s\n", r.error);
    rt_client_get_stats(c, &st);
    CHECK(st.connections_idle == 0); /* not kept for reuse */
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

/* The server closes after 10 of 100 body bytes: an error, not a short body, and no retry (not reused). */
static void test_closed_before_complete(void)
{
    struct rt_client *c = client_new(3000, 0, NULL, 0, 0);
    struct rt_client_stats st;
    struct result r;
    char u[128];

    url(u, sizeof(u), "http", "127.0.0.1", raw_close_early.port, "/");
    CHECK(get(c, u, &r) == 0);
    CHECK(wait_all(5000));
    CHECK(r.status == 0 && has(r.error, "before a complete response"));
    rt_client_get_stats(c, &st);
    CHECK(st.retries == 0 && st.connections_idle == 0);
    rt_client_free(c);
}

/* http://[::1]:port/: the brackets come off for connecting and go back on in Host. */
static void test_ipv6_literal(void)
{
    struct rt_client *c = client_new(3000, 0, NULL, 0, 0);
    struct result r;
    char u[128], host[64];

    if (up_v6.port == 0) {
        printf("# skipped: no IPv6 loopback here\n");
        rt_client_free(c);
        return;
    }
    url(u, sizeof(u), "http", "[::1]", up_v6.port, "/json");
    CHECK(get(c, u, &r) == 0);
    CHECK(wait_all(5000));
    CHECK(r.status == 200 && has(r.body, "\"ok\": true"));
    snprintf(host, sizeof(host), "[::1]:%d", up_v6.port);
    pthread_mutex_lock(&up_v6.lock);
    CHECK(strcmp(up_v6.host, host) == 0);
    pthread_mutex_unlock(&up_v6.lock);
    rt_client_free(c);
}

int main(void)
{
    static const struct harness_case cases[] = {
        {"body_too_large", test_body_too_large},
        {"headers_too_large", test_headers_too_large},
        {"malformed_response", test_malformed_response},
        {"closed_before_complete", test_closed_before_complete},
        {"ipv6_literal", test_ipv6_literal},
    };

    return harness_main(cases, sizeof(cases) / sizeof(cases[0]), false);
}

/*
 * Unit tests for runtime/client/rt_client_pool.c: keep-alive connections
 * pooled per origin.  Reuse, one connection per concurrent call up to the
 * per-origin cap (the rest wait, within their own deadline), origins told
 * apart, the once-only GET retry on a closed keep-alive connection, and
 * idle connections the server closes.  Against loopback upstreams
 * (client_upstreams.h), watched through rt_client_get_stats().
 */
#include "client_harness.h"

#include <string.h>

static void test_keep_alive_reuse(void)
{
    struct rt_client *c = client_new(5000, 0, NULL, 0, 0);
    struct chain ch = {c, "", 3, 0};
    struct rt_client_stats st;
    int before = up_b.accepted;

    url(ch.url, sizeof(ch.url), "http", "127.0.0.1", up_b.port, "/json");
    CHECK(chain_start(&ch) == 0);
    CHECK(wait_all(5000));
    CHECK(ch.ok == 3);
    CHECK(up_b.accepted - before == 1);
    rt_client_get_stats(c, &st);
    CHECK(st.connections_opened == 1 && st.connections_idle == 1);
    rt_client_free(c);
}

static void test_connection_per_concurrent_call(void)
{
    struct rt_client *c = client_new(5000, 0, NULL, 0, 0);
    struct result r[4];
    char u[128];
    int i, before = up_a.accepted, ok = 0;

    url(u, sizeof(u), "http", "127.0.0.1", up_a.port, "/slow");
    for (i = 0; i < 4; i++)
        CHECK(get(c, u, &r[i]) == 0);
    CHECK(wait_all(5000));
    for (i = 0; i < 4; i++)
        ok += r[i].status == 200;
    CHECK(ok == 4);
    CHECK(up_a.accepted - before == 4);
    rt_client_free(c);
}

/* Capped at 2 per origin: the others wait their turn and reuse. */
static void test_cap_per_origin(void)
{
    struct rt_client *c = client_new(5000, 0, NULL, 2, 0);
    struct rt_client_stats st;
    struct result r[4];
    char u[128];
    int i, before = up_a.accepted, ok = 0;

    url(u, sizeof(u), "http", "127.0.0.1", up_a.port, "/slow");
    for (i = 0; i < 4; i++)
        CHECK(get(c, u, &r[i]) == 0);
    run_for(20);
    rt_client_get_stats(c, &st);
    CHECK(st.connections_open == 2 && st.requests_waiting == 2);
    CHECK(wait_all(5000));
    for (i = 0; i < 4; i++)
        ok += r[i].status == 200;
    CHECK(ok == 4);
    CHECK(up_a.accepted - before == 2);
    rt_client_free(c);
}

/* Requests started together on a full pool find every idle connection, not only the first. */
static void test_all_idle_connections_used(void)
{
    struct rt_client *c = client_new(5000, 0, NULL, 2, 0);
    struct rt_client_stats st;
    struct result r[4];
    char u[128];
    int i, before = up_a.accepted, ok = 0;

    url(u, sizeof(u), "http", "127.0.0.1", up_a.port, "/slow");
    for (i = 0; i < 2; i++)
        CHECK(get(c, u, &r[i]) == 0);
    CHECK(wait_all(5000));
    for (i = 2; i < 4; i++)
        CHECK(get(c, u, &r[i]) == 0);
    run_for(20);
    rt_client_get_stats(c, &st);
    CHECK(st.connections_open == 2 && st.requests_waiting == 0);
    CHECK(wait_all(5000));
    for (i = 0; i < 4; i++)
        ok += r[i].status == 200;
    CHECK(ok == 4);
    CHECK(up_a.accepted - before == 2);
    rt_client_free(c);
}

/* A call waiting for a connection times out on its own deadline, counted from rt_client_get(). */
static void test_waiting_call_keeps_its_deadline(void)
{
    struct rt_client *c = client_new(300, 0, NULL, 1, 0);
    struct rt_client_stats st;
    struct result sent, waiting;
    char u[128];

    url(u, sizeof(u), "http", "127.0.0.1", raw_hang.port, "/");
    CHECK(get(c, u, &sent) == 0);
    CHECK(get(c, u, &waiting) == 0);
    run_for(20);
    rt_client_get_stats(c, &st);
    CHECK(st.connections_open == 1 && st.requests_waiting == 1);
    CHECK(wait_all(5000));
    CHECK(sent.status == 0 && has(sent.error, "timed out after 300 ms"));
    CHECK(waiting.status == 0 && has(waiting.error, "timed out after 300 ms"));
    CHECK(waiting.elapsed_ms >= 290 && waiting.elapsed_ms < 2000);
    rt_client_free(c);
}

/* scheme://host:port names an origin: 127.0.0.1 and localhost are two, LOCALHOST and localhost one. */
static void test_origins(void)
{
    struct rt_client *c = client_new(5000, 0, NULL, 0, 0);
    struct rt_client_stats st;
    struct result r1, r2, r3;
    char u[128];

    url(u, sizeof(u), "http", "127.0.0.1", up_b.port, "/json");
    CHECK(get(c, u, &r1) == 0);
    CHECK(wait_all(5000));
    url(u, sizeof(u), "http", "localhost", up_b.port, "/json");
    CHECK(get(c, u, &r2) == 0);
    CHECK(wait_all(5000));
    url(u, sizeof(u), "http", "LOCALHOST", up_b.port, "/json");
    CHECK(get(c, u, &r3) == 0);
    CHECK(wait_all(5000));
    CHECK(r1.status == 200 && r2.status == 200 && r3.status == 200);
    rt_client_get_stats(c, &st);
    CHECK(st.connections_opened == 2 && st.connections_idle == 2);
    rt_client_free(c);
}

/* The server closes a reused connection on the second request: a GET is retried once, fresh. */
static void test_get_retried_once(void)
{
    struct rt_client *c = client_new(3000, 0, NULL, 0, 0);
    struct chain ch = {c, "", 2, 0};
    struct rt_client_stats st;

    url(ch.url, sizeof(ch.url), "http", "127.0.0.1", raw_close_second.port, "/");
    CHECK(chain_start(&ch) == 0);
    CHECK(wait_all(5000));
    CHECK(ch.ok == 2);
    rt_client_get_stats(c, &st);
    CHECK(st.retries == 1 && st.connections_opened == 2);
    rt_client_free(c);
}

/*
 * On @p c, a GET of "/" on loopback port @p port, answered 200 (@p r1), then
 * a POST of "{}" there; what it got in @p r2.
 */
static void get_then_post(struct rt_client *c, int port, struct result *r1, struct result *r2)
{
    struct rt_client_request rq = {"POST", NULL, "{}", 2, "application/json", NULL};
    char u[128];

    url(u, sizeof(u), "http", "127.0.0.1", port, "/");
    CHECK(get(c, u, r1) == 0);
    CHECK(wait_all(5000));
    CHECK(r1->status == 200);
    rq.url = u;
    CHECK(request(c, &rq, r2) == 0);
    CHECK(wait_all(5000));
}

/* Only GET is retried when a reused keep-alive connection turns out closed: a POST may have been acted on. */
static void test_post_not_retried(void)
{
    struct rt_client *c = client_new(3000, 0, NULL, 0, 0);
    struct rt_client_stats st;
    struct result r1, r2;

    get_then_post(c, raw_close_second.port, &r1, &r2);
    CHECK(r2.status == 0 && has(r2.error, "connection closed"));
    rt_client_get_stats(c, &st);
    CHECK(st.retries == 0 && st.connections_opened == 1);
    rt_client_free(c);
}

/*
 * An HTTP/1.0 answer without Connection: keep-alive ends its connection
 * (RFC 9112 9.3): the next call, a POST (never retried), opens a new one
 * instead of being sent on it and failing when the server closes it.
 */
static void test_http10_not_reused(void)
{
    struct rt_client *c = client_new(3000, 0, NULL, 0, 0);
    struct rt_client_stats st;
    struct result r1, r2;

    get_then_post(c, raw_http10.port, &r1, &r2);
    printf("# the POST after an HTTP/1.0 answer: %d %s\n", r2.status, r2.error);
    CHECK(r2.status == 200);
    rt_client_get_stats(c, &st);
    CHECK(st.retries == 0 && st.connections_opened == 2);
    rt_client_free(c);
}

/* The server closes an idle connection: dropped from the pool, not reused. */
static void test_idle_closed_by_server(void)
{
    struct rt_client *c = client_new(3000, 0, NULL, 0, 0);
    struct rt_client_stats st;
    struct result r1, r2;
    char u[128];

    url(u, sizeof(u), "http", "127.0.0.1", raw_close_later.port, "/");
    CHECK(get(c, u, &r1) == 0);
    CHECK(wait_all(5000));
    run_for(200);
    rt_client_get_stats(c, &st);
    CHECK(st.connections_open == 0);
    CHECK(get(c, u, &r2) == 0);
    CHECK(wait_all(5000));
    CHECK(r1.status == 200 && r2.status == 200);
    rt_client_get_stats(c, &st);
    CHECK(st.retries == 0 && st.connections_opened == 2);
    rt_client_free(c);
}

#define N_MANY 1000

static void test_many_concurrent(void)
{
    struct rt_client *c = client_new(20000, 0, NULL, 0, 0);
    static struct result r[N_MANY];
    char u[3][128];
    int i, ok = 0;

    url(u[0], sizeof(u[0]), "http", "127.0.0.1", up_a.port, "/json");
    url(u[1], sizeof(u[1]), "http", "127.0.0.1", up_b.port, "/json");
    url(u[2], sizeof(u[2]), "http", "localhost", up_a.port, "/json");
    up_a.max_live = up_a.live;
    up_b.max_live = up_b.live;
    for (i = 0; i < N_MANY; i++)
        CHECK(get(c, u[i % 3], &r[i]) == 0 || (printf("# request %d not started\n", i), false));
    CHECK(wait_all(30000));
    for (i = 0; i < N_MANY; i++) {
        if (r[i].calls == 1 && r[i].status == 200)
            ok++;
        else if (ok == i)
            printf("# request %d: calls %d status %d error %s\n", i, r[i].calls, r[i].status, r[i].error);
    }
    CHECK(ok == N_MANY);
    printf("# upstream a: at most %d connections at once; b: %d\n", up_a.max_live, up_b.max_live);
    CHECK(up_a.max_live <= 2 * RT_CLIENT_DEFAULT_MAX_CONNECTIONS);
    CHECK(up_b.max_live <= RT_CLIENT_DEFAULT_MAX_CONNECTIONS);
    rt_client_free(c);
}

int main(void)
{
    static const struct harness_case cases[] = {
        {"keep_alive_reuse", test_keep_alive_reuse},
        {"connection_per_concurrent_call", test_connection_per_concurrent_call},
        {"cap_per_origin", test_cap_per_origin},
        {"all_idle_connections_used", test_all_idle_connections_used},
        {"waiting_call_keeps_its_deadline", test_waiting_call_keeps_its_deadline},
        {"origins", test_origins},
        {"get_retried_once", test_get_retried_once},
        {"post_not_retried", test_post_not_retried},
        {"idle_closed_by_server", test_idle_closed_by_server},
        {"http10_not_reused", test_http10_not_reused},
        {"many_concurrent", test_many_concurrent},
    };

    return harness_main(cases, sizeof(cases) / sizeof(cases[0]), false);
}

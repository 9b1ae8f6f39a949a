/*
 * rt_http in-process, timeouts (http_harness.h): a head or a body not
 * received in time is answered with 408 and the close; an idle keep-alive
 * connection, and one that never sent anything, are closed without a word.
 * The connection's timer is checked lazily (rt_http_conn_set_timer): the
 * cases with two timeouts of different lengths show that each state still
 * gets its own deadline, neither earlier nor later.
 */
#include "http_harness.h"

#include "rt_time.h"

/* --- cases: timeouts --- */

static void test_timeout_head(void)
{
    struct rt_http_settings st = defaults;
    double start = rt_time_mono_seconds();

    st.header_timeout_ms = 100;
    expect_error(&st, "GET / HTTP/1.1\r\nHost: t\r\n", 408, "head was not received in time");
    CHECK(rt_time_mono_seconds() - start >= 0.09);
}

static void test_timeout_body(void)
{
    struct rt_http_settings st = defaults;
    double start = rt_time_mono_seconds();

    st.body_timeout_ms = 100;
    expect_error(&st, "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 10\r\n\r\nabc", 408,
                 "body was not received in time");
    CHECK(rt_time_mono_seconds() - start >= 0.09);
}

static void test_timeout_keepalive(void)
{
    struct rt_http_settings st = defaults;
    struct server s;
    struct client c, idle;
    struct response r;

    st.keepalive_timeout_ms = 100;
    CHECK(server_start(&s, &st));
    CHECK(client_open(&c, &s));
    CHECK(client_open(&idle, &s)); /* never sends anything */
    CHECK(client_send(&c, "GET / HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(receive(&c, &r));
    CHECK(wait_eof(&c));
    CHECK(c.len == 0); /* closed without a word */
    CHECK(wait_eof(&idle));
    CHECK(idle.len == 0);
    CHECK(wait_connections(&s, 0));
    client_close(&c);
    client_close(&idle);
    server_stop(&s);
}

/* @p c's connection sends a request and gets its answer: it is idle from then on. */
static bool one_exchange(struct client *c)
{
    struct response r;

    return client_send(c, "GET / HTTP/1.1\r\nHost: t\r\n\r\n") && receive(c, &r) && r.status == 200;
}

/* Whether @p c is still open after @p ms of the server's loop. */
static bool open_after(struct server *s, struct client *c, int ms)
{
    run_for(s->base, ms);
    client_pump(c);
    return !c->eof;
}

/*
 * A request handled for several keep-alive times is not cut off by the
 * timer armed before it; once answered, the connection gets its full
 * keep-alive time from the answer, and is then closed.
 */
static void test_keepalive_after_long_request(void)
{
    struct rt_http_settings st = defaults;
    struct server s;
    struct client c;
    struct response r;
    double answered;

    st.keepalive_timeout_ms = 100;
    st.header_timeout_ms = 100;
    CHECK(server_start(&s, &st));
    s.app.hold = true;
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET /long HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_calls(&s, 1));
    CHECK(open_after(&s, &c, 350));
    CHECK(rt_http_connection_count(s.http) == 1);
    answer(s.app.held[0]);
    answered = rt_time_mono_seconds();
    CHECK(receive(&c, &r) && r.status == 200);
    CHECK(open_after(&s, &c, 50)); /* not before the keep-alive time */
    CHECK(wait_eof(&c));
    CHECK(rt_time_mono_seconds() - answered >= 0.09);
    CHECK(rt_time_mono_seconds() - answered < 1.0);
    client_close(&c);
    CHECK(wait_connections(&s, 0));
    server_stop(&s);
}

/* A head deadline longer than the keep-alive time: the keep-alive tick does not close a head under way. */
static void test_head_longer_than_keepalive(void)
{
    struct rt_http_settings st = defaults;
    struct server s;
    struct client c;
    struct response r;
    double started;

    st.keepalive_timeout_ms = 100;
    st.header_timeout_ms = 400;
    CHECK(server_start(&s, &st));
    CHECK(client_open(&c, &s));
    CHECK(one_exchange(&c));
    CHECK(client_send(&c, "GET /slow HTTP/1.1\r\n"));
    started = rt_time_mono_seconds();
    CHECK(open_after(&s, &c, 250)); /* past the keep-alive time */
    CHECK(receive(&c, &r));
    CHECK(r.status == 408);
    CHECK(rt_time_mono_seconds() - started >= 0.39);
    CHECK(rt_time_mono_seconds() - started < 2.0);
    client_close(&c);
    CHECK(wait_connections(&s, 0));
    server_stop(&s);
}

/* A head deadline shorter than the keep-alive time armed before it: it is kept, not the keep-alive's. */
static void test_head_shorter_than_keepalive(void)
{
    struct rt_http_settings st = defaults;
    struct server s;
    struct client c;
    struct response r;
    double started;

    st.keepalive_timeout_ms = 1500;
    st.header_timeout_ms = 100;
    st.body_timeout_ms = 1500;
    CHECK(server_start(&s, &st));
    CHECK(client_open(&c, &s));
    CHECK(one_exchange(&c));
    CHECK(client_send(&c, "GET /slow HTTP/1.1\r\n"));
    started = rt_time_mono_seconds();
    CHECK(receive(&c, &r));
    CHECK(r.status == 408);
    CHECK(rt_time_mono_seconds() - started >= 0.09);
    CHECK(rt_time_mono_seconds() - started < 1.0); /* well before the 1.5 s armed for keep-alive */
    client_close(&c);
    CHECK(wait_connections(&s, 0));
    server_stop(&s);
}

/*
 * Lingering (2 s) is shorter than every other timeout here, so shorter
 * than what the timer was armed for: the connection is still freed after 2 s.
 */
static void test_linger_shorter_than_armed(void)
{
    struct rt_http_settings st = defaults;
    struct server s;
    struct client c;
    struct response r;
    double answered;

    st.keepalive_timeout_ms = 6000;
    st.header_timeout_ms = 6000;
    st.body_timeout_ms = 6000;
    CHECK(server_start(&s, &st));
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
    CHECK(receive(&c, &r) && r.status == 200);
    answered = rt_time_mono_seconds();
    CHECK(wait_eof(&c));            /* half-closed: lingering, while the client keeps its side open */
    CHECK(wait_connections(&s, 0)); /* within WAIT_MS (3 s), not the 6 s armed before */
    CHECK(rt_time_mono_seconds() - answered >= 1.9);
    client_close(&c);
    server_stop(&s);
}

static const struct test_case cases[] = {
    {"timeout.head_408", test_timeout_head},
    {"timeout.body_408", test_timeout_body},
    {"timeout.keepalive_closes", test_timeout_keepalive},
    {"timeout.keepalive_after_long_request", test_keepalive_after_long_request},
    {"timeout.head_longer_than_keepalive", test_head_longer_than_keepalive},
    {"timeout.head_shorter_than_keepalive", test_head_shorter_than_keepalive},
    {"timeout.linger_shorter_than_armed", test_linger_shorter_than_armed},
};

int main(int argc, char **argv)
{
    return http_test_main(cases, TEST_N(cases), argc, argv);
}

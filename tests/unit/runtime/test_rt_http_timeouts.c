/*
 * rt_http in-process, timeouts (http_harness.h): a head or a body not
 * received in time is answered with 408 and the close; an idle keep-alive
 * connection, and one that never sent anything, are closed without a word.
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

static const struct test_case cases[] = {
    {"timeout.head_408", test_timeout_head},
    {"timeout.body_408", test_timeout_body},
    {"timeout.keepalive_closes", test_timeout_keepalive},
};

int main(int argc, char **argv)
{
    return http_test_main(cases, TEST_N(cases), argc, argv);
}

/*
 * rt_http in-process, errors found before the handler (http_harness.h):
 * a malformed head, a missing Host, bare LF line ends, an unsupported
 * expectation, transfer coding or version, a bad chunk size, a head or a
 * body over its limit: each answered with a JSON {"detail"} and the close,
 * the handler never called; and the answer to an error arrives whole
 * however much unread input is behind it (the connection lingers).
 */
#include "http_harness.h"

#include <string.h>
#include <sys/socket.h>

/* --- cases: errors before the handler --- */

static void test_error_malformed(void)
{
    /* A bad header line, and a good request pipelined behind it that is never served. */
    expect_error(&defaults,
                 "GET / HTTP/1.1\r\nHost: t\r\nBad header line\r\n\r\nGET /ok HTTP/1.1\r\nHost: t\r\n\r\n",
                 400, "");
}

static void test_error_missing_host(void)
{
    expect_error(&defaults, "GET / HTTP/1.1\r\n\r\n", 400, "Missing Host header");
}

static void test_error_bare_lf(void)
{
    /* Refused at once, not at the head deadline. */
    expect_error(&defaults, "GET / HTTP/1.1\nHost: t\n\n", 400, "CRLF");
}

static void test_error_statuses(void)
{
    expect_error(&defaults, "GET / HTTP/1.1\r\nHost: t\r\nExpect: tea\r\n\r\n", 417, "100-continue");
    expect_error(&defaults, "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\n\r\n", 501, "chunked");
    expect_error(&defaults, "GET / HTTP/3.0\r\nHost: t\r\n\r\n", 505, "");
    expect_error(&defaults, "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", 400,
                 "chunk size");
}

static void test_error_head_too_large(void)
{
    struct rt_http_settings st = defaults;
    char request[1024];

    st.max_header_size = 256;
    snprintf(request, sizeof(request), "GET / HTTP/1.1\r\nHost: t\r\nX-Big: %0400d\r\n\r\n", 0);
    expect_error(&st, request, 431, "too large");
    /* Also before the end of the head has arrived. */
    snprintf(request, sizeof(request), "GET / HTTP/1.1\r\nHost: t\r\nX-Big: %0400d", 0);
    expect_error(&st, request, 431, "too large");
}

static void test_error_body_too_large(void)
{
    struct rt_http_settings st = defaults;

    st.max_body_size = 16;
    expect_error(&st, "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n\r\n", 413, "limit 16 bytes");
    expect_error(&st, "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n20\r\n", 413,
                 "limit 16 bytes");
}

/* --- cases: closing --- */

static void test_linger(void)
{
    static char junk[200 * 1024];
    struct server s;
    struct client c;
    struct response r;
    size_t sent = 0;

    CHECK(server_start(&s, &defaults));
    CHECK(client_open(&c, &s));
    /* An error with a lot of unread input behind it: the answer must still arrive whole, not be reset away.
     */
    memset(junk, 'j', sizeof(junk));
    CHECK(client_send(&c, "GET / HTTP/1.1\r\nHost: t\r\nBad header line\r\n\r\n"));
    while (sent < sizeof(junk)) {
        ssize_t n = send(c.fd, junk + sent, sizeof(junk) - sent, MSG_NOSIGNAL | MSG_DONTWAIT);

        if (n > 0)
            sent += (size_t)n;
        else
            run_for(s.base, 2); /* let the server drain its side */
    }
    CHECK(receive(&c, &r));
    CHECK(r.status == 400);
    CHECK(wait_eof(&c));
    /* Half-closed and lingering: what the client still sends is read and dropped, not answered with a reset.
     */
    CHECK(rt_http_connection_count(s.http) == 1);
    CHECK(send(c.fd, "more", 4, MSG_NOSIGNAL) == 4);
    run_for(s.base, 30);
    CHECK(send(c.fd, "more", 4, MSG_NOSIGNAL) == 4);
    CHECK(rt_http_connection_count(s.http) == 1);
    client_close(&c); /* the client's close ends it at once */
    CHECK(wait_connections(&s, 0));
    server_stop(&s);
}

static const struct test_case cases[] = {
    {"error.malformed_400_json_close", test_error_malformed},
    {"error.missing_host_400", test_error_missing_host},
    {"error.bare_lf_400", test_error_bare_lf},
    {"error.417_501_505_chunk", test_error_statuses},
    {"error.head_too_large_431", test_error_head_too_large},
    {"error.body_too_large_413", test_error_body_too_large},
    {"close.linger_after_error", test_linger},
};

int main(int argc, char **argv)
{
    return http_test_main(cases, TEST_N(cases), argc, argv);
}

/*
 * rt_http in-process, errors found before the handler (http_harness.h):
 * a malformed head, a missing Host, bare LF line ends, an unsupported
 * expectation, transfer coding or version, a bad chunk size, a head or a
 * body over its limit: each answered with a JSON {"detail"} and the close,
 * the handler never called; the refusal hook (rt_http_set_refusal_hook)
 * and the client's X-Request-ID and trace id once the head's header
 * fields were read, and neither before; and the answer to an error arrives whole
 * however much unread input is behind it (the connection lingers).
 */
#include "http_harness.h"

#include <stdio.h>
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

/* --- cases: the refusal hook (what rt_server adds CORS with) --- */

#define TID "4bf92f3577b34da6a3ce929d0e0e4736"
/* After the header a refusal is for: read all the same once the head's lines were. */
#define LATER                                                                                                \
    "Origin: https://a.example\r\nX-Request-ID: rid-1\r\ntraceparent: 00-" TID "-00f067aa0ba902b7-01\r\n"

static struct {
    int calls;
    char trace[40]; /* the request's trace id as the hook saw it */
} refused;

static void on_refused(struct rt_req *req, void *arg)
{
    const char *origin = rt_req_header(req, "Origin");

    (void)arg;
    refused.calls++;
    snprintf(refused.trace, sizeof(refused.trace), "%s", rt_req_trace_id(req));
    rt_req_add_header(req, "X-Refused", origin != NULL ? origin : "-");
}

static bool header_is(const struct response *r, const char *name, const char *value)
{
    const char *v = header(r, name);

    return value == NULL ? v == NULL : v != NULL && strcmp(v, value) == 0;
}

/*
 * Send @p request (@p n answers expected, the last one the refusal with
 * @p status); @p known: its header fields were read, so the hook ran (its
 * header went out), and the client's X-Request-ID and trace id were taken.
 */
static void expect_refusal(const struct rt_http_settings *st, const char *request, int n, int status,
                           bool known)
{
    struct server s;
    struct client c;
    struct response r;

    memset(&refused, 0, sizeof(refused));
    CHECK(server_start(&s, st));
    rt_http_set_refusal_hook(s.http, on_refused, NULL);
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, request));
    CHECK(wait_responses(&c, n));
    for (int i = 1; i < n; i++) /* the requests before it, answered by the application */
        CHECK(take(&c, &r, false) && r.status == 200 && header_is(&r, "X-Refused", NULL));
    CHECK(take(&c, &r, false) && r.status == status);
    CHECK(refused.calls == (known ? 1 : 0));
    CHECK(header_is(&r, "X-Refused", known ? "https://a.example" : NULL));
    CHECK(known ? header_is(&r, "X-Request-ID", "rid-1")
                : header(&r, "X-Request-ID") != NULL && !header_is(&r, "X-Request-ID", "rid-1"));
    CHECK(!known || strcmp(refused.trace, TID) == 0);
    CHECK(strncmp(r.body, "{\"detail\":\"", 11) == 0 && s.app.calls == n - 1);
    client_close(&c);
    CHECK(wait_connections(&s, 0));
    server_stop(&s);
}

static void test_refusal_hook_known(void)
{
    struct rt_http_settings st = defaults;

    st.max_body_size = 16;
    st.body_timeout_ms = 100;
    expect_refusal(&st, "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 17\r\n" LATER "\r\n", 1, 413, true);
    expect_refusal(&st, "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n" LATER "\r\n20\r\n", 1,
                   413, true);
    expect_refusal(&st, "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n" LATER "\r\nzz\r\n", 1,
                   400, true);
    expect_refusal(&st, "GET / HTTP/1.1\r\nHost: t\r\nExpect: tea\r\n" LATER "\r\n", 1, 417, true);
    expect_refusal(
        &st,
        "POST / HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n" LATER
        "\r\n",
        1, 501, true);
    expect_refusal(&st, "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: x\r\n" LATER "\r\n", 1, 400, true);
    expect_refusal(&st, "GET / HTTP/1.1\r\n" LATER "\r\n", 1, 400, true); /* no Host */
    expect_refusal(&st, "POST / HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n" LATER "\r\nab", 1, 408, true);
}

/* Refused before the head's lines were all read: no header is known, not even the Origin. */
static void test_refusal_hook_unknown(void)
{
    struct rt_http_settings st = defaults;
    char big[1024];

    st.max_header_size = 512;
    st.header_timeout_ms = 100;
    expect_refusal(&st, "GET / HTTP/1.1\r\nHost: t\r\nBad header line\r\n" LATER "\r\n", 1, 400, false);
    expect_refusal(&st, "GET / HTTP/3.0\r\nHost: t\r\n" LATER "\r\n", 1, 505, false);
    expect_refusal(&st, "GET / HTTP/1.1\r\nHost: t\r\n" LATER, 1, 408, false);
    snprintf(big, sizeof(big), "GET / HTTP/1.1\r\nHost: t\r\n" LATER "X-Big: %0500d\r\n\r\n", 0);
    expect_refusal(&st, big, 1, 431, false);
    /* The request before, on the same connection, had them: they are not taken for this one's. */
    expect_refusal(&st, "GET /ok HTTP/1.1\r\nHost: t\r\n" LATER "\r\nGET / HTTP/1.1\r\nHost: t\r\n", 2, 408,
                   false);
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
    {"refusal_hook.headers_known", test_refusal_hook_known},
    {"refusal_hook.headers_unknown", test_refusal_hook_unknown},
    {"close.linger_after_error", test_linger},
};

int main(int argc, char **argv)
{
    return http_test_main(cases, TEST_N(cases), argc, argv);
}

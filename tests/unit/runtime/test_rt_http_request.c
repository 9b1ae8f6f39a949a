/*
 * rt_http in-process, a request and its answer (http_harness.h): a request
 * reaches the handler callback with its parts (target, headers, a fixed or
 * chunked body); answers come back in order on a keep-alive connection,
 * pipelined requests included (each dispatched only once the one before
 * it is answered), or later from the loop; HEAD; HTTP/1.0 and
 * "Connection: close"; 100-continue.
 */
#include "http_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --- cases: requests and answers --- */

static void test_dispatch(void)
{
    struct server s;
    struct client c;
    struct response r;
    char id[64] = "";

    CHECK(server_start(&s, &defaults));
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET /hello/w%20x?a=1&b HTTP/1.1\r\nHost: t\r\nX-Custom: v1\r\n\r\n"));
    CHECK(receive(&c, &r));
    CHECK(s.app.calls == 1 && s.app.method == RT_METHOD_GET);
    CHECK(strcmp(s.app.path, "/hello/w%20x") == 0 && strcmp(s.app.query, "a=1&b") == 0);
    CHECK(strcmp(s.app.custom, "v1") == 0);
    CHECK(r.status == 200 && strncmp(r.head, "HTTP/1.1 200 OK\r\n", 17) == 0);
    CHECK(strcmp(r.body, "GET /hello/w%20x?a=1&b body=") == 0);
    CHECK(header(&r, "Content-Length") && (size_t)atoi(header(&r, "Content-Length")) == r.body_len);
    CHECK(header(&r, "Content-Type") && strcmp(header(&r, "Content-Type"), "text/plain") == 0);
    CHECK(header(&r, "X-Test") && strcmp(header(&r, "X-Test"), "yes") == 0);
    CHECK(header(&r, "Server") && strcmp(header(&r, "Server"), "unit-test") == 0);
    CHECK(header(&r, "Date") && strlen(header(&r, "Date")) == 29); /* IMF-fixdate */
    CHECK(header(&r, "Connection") == NULL); /* HTTP/1.1 keeps the connection by default */
    /* 20 hex digits: the server's nonce, the worker (3), a counter; the handler saw the same. */
    CHECK(header_in(r.head, "X-Request-ID", id, sizeof(id)) != NULL);
    CHECK(strlen(id) == 20 && strspn(id, "0123456789abcdef") == 20 && strncmp(id + 8, "03", 2) == 0);
    CHECK(strcmp(id, s.app.id) == 0);
    CHECK(rt_http_connection_count(s.http) == 1);
    client_close(&c);
    CHECK(wait_connections(&s, 0));
    server_stop(&s);
}

static void test_client_request_id(void)
{
    struct server s;
    struct client c;
    struct response r;

    CHECK(server_start(&s, &defaults));
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET / HTTP/1.1\r\nHost: t\r\nX-Request-ID: trace-42.a\r\n\r\n"));
    CHECK(receive(&c, &r));
    CHECK(header(&r, "X-Request-ID") && strcmp(header(&r, "X-Request-ID"), "trace-42.a") == 0);
    client_close(&c);
    server_stop(&s);
}

static void test_fixed_body(void)
{
    struct server s;
    struct client c;
    struct response r;

    CHECK(server_start(&s, &defaults));
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "POST /echo HTTP/1.1\r\nHost: t\r\nContent-Length: 11\r\n\r\nhello"));
    run_for(s.base, 20);
    CHECK(s.app.calls == 0); /* not before the whole body is in */
    CHECK(client_send(&c, " world"));
    CHECK(receive(&c, &r));
    CHECK(s.app.method == RT_METHOD_POST && strcmp(s.app.body, "hello world") == 0);
    CHECK(strcmp(r.body, "POST /echo body=hello world") == 0);
    client_close(&c);
    server_stop(&s);
}

static void test_chunked_body(void)
{
    struct server s;
    struct client c;
    struct response r;

    CHECK(server_start(&s, &defaults));
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "POST /c HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n"));
    run_for(s.base, 20);
    CHECK(s.app.calls == 0);
    CHECK(client_send(&c, "6;ext=1\r\n world\r\n0\r\nTrailer: x\r\n\r\n"));
    CHECK(receive(&c, &r));
    CHECK(strcmp(s.app.body, "hello world") == 0);
    CHECK(r.status == 200);
    /* The connection goes on after a chunked body. */
    CHECK(client_send(&c, "GET /after HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(receive(&c, &r));
    CHECK(strcmp(r.body, "GET /after body=") == 0);
    client_close(&c);
    server_stop(&s);
}

static void test_keep_alive(void)
{
    struct server s;
    struct client c;
    struct response r;
    char ids[3][32];
    int i;

    CHECK(server_start(&s, &defaults));
    CHECK(client_open(&c, &s));
    for (i = 0; i < 3; i++) {
        char req[64];

        snprintf(req, sizeof(req), "GET /k%d HTTP/1.1\r\nHost: t\r\n\r\n", i);
        CHECK(client_send(&c, req));
        CHECK(receive(&c, &r));
        CHECK(r.status == 200 && header(&r, "Connection") == NULL);
        snprintf(ids[i], sizeof(ids[i]), "%s", header(&r, "X-Request-ID") ? header(&r, "X-Request-ID") : "");
        CHECK(rt_http_connection_count(s.http) == 1);
    }
    CHECK(strcmp(ids[0], ids[1]) != 0 && strcmp(ids[1], ids[2]) != 0);
    CHECK(!c.eof);
    client_close(&c);
    server_stop(&s);
}

static void test_pipelined_answered_at_once(void)
{
    struct server s;
    struct client c;
    struct response r;

    CHECK(server_start(&s, &defaults));
    CHECK(client_open(&c, &s));
    CHECK(client_send(
        &c, "GET /a HTTP/1.1\r\nHost: t\r\n\r\nPOST /b HTTP/1.1\r\nHost: t\r\nContent-Length: 2\r\n\r\n"
            "hiGET /c HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_responses(&c, 3));
    CHECK(take(&c, &r, false) && strcmp(r.body, "GET /a body=") == 0);
    CHECK(take(&c, &r, false) && strcmp(r.body, "POST /b body=hi") == 0);
    CHECK(take(&c, &r, false) && strcmp(r.body, "GET /c body=") == 0);
    CHECK(c.len == 0);
    client_close(&c);
    server_stop(&s);
}

static void test_pipelined_in_order(void)
{
    struct server s;
    struct client c;
    struct response r;

    CHECK(server_start(&s, &defaults));
    s.app.hold = true;
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n"
                          "GET /c HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_calls(&s, 1));
    run_for(s.base, 30);
    /* The next request waits until this one is answered. */
    CHECK(s.app.calls == 1 && strcmp(s.app.path, "/a") == 0);
    answer(s.app.held[0]);
    CHECK(wait_calls(&s, 2) && strcmp(s.app.path, "/b") == 0);
    CHECK(wait_responses(&c, 1));
    answer(s.app.held[1]);
    CHECK(wait_calls(&s, 3) && strcmp(s.app.path, "/c") == 0);
    answer(s.app.held[2]);
    CHECK(wait_responses(&c, 3));
    CHECK(take(&c, &r, false) && strcmp(r.body, "GET /a body=") == 0);
    CHECK(take(&c, &r, false) && strcmp(r.body, "GET /b body=") == 0);
    CHECK(take(&c, &r, false) && strcmp(r.body, "GET /c body=") == 0);
    client_close(&c);
    server_stop(&s);
}

static void test_answer_later(void)
{
    struct server s;
    struct client c;
    struct response r;

    CHECK(server_start(&s, &defaults));
    s.app.hold = true;
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET /later HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_calls(&s, 1));
    run_for(s.base, 50); /* no timer runs while the application has the request */
    client_pump(&c);
    CHECK(c.len == 0 && !c.eof);
    answer(s.app.held[0]);
    CHECK(receive(&c, &r));
    CHECK(strcmp(r.body, "GET /later body=") == 0);
    client_close(&c);
    server_stop(&s);
}

static void test_head_request(void)
{
    struct server s;
    struct client c;
    struct response r;

    CHECK(server_start(&s, &defaults));
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "HEAD /h HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(run_until(s.base, has_head, &c, WAIT_MS));
    run_for(s.base, 20);
    client_pump(&c);
    CHECK(take(&c, &r, true));
    /* The length of the body a GET would get, and no body. */
    CHECK(r.status == 200 && header(&r, "Content-Length") && atoi(header(&r, "Content-Length")) > 0);
    CHECK(c.len == 0);
    client_close(&c);
    server_stop(&s);
}

static void test_http10(void)
{
    struct server s;
    struct client c;
    struct response r;

    CHECK(server_start(&s, &defaults));
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    CHECK(receive(&c, &r));
    CHECK(header(&r, "Connection") && strcasecmp(header(&r, "Connection"), "keep-alive") == 0);
    CHECK(strncmp(r.head, "HTTP/1.1 200", 12) == 0);
    CHECK(client_send(&c, "GET /old2 HTTP/1.0\r\n\r\n")); /* 1.0 closes by default */
    CHECK(receive(&c, &r));
    CHECK(header(&r, "Connection") && strcmp(header(&r, "Connection"), "close") == 0);
    CHECK(wait_eof(&c));
    client_close(&c); /* the server lingers until the client closes too */
    CHECK(wait_connections(&s, 0));
    server_stop(&s);
}

static void test_connection_close(void)
{
    struct server s;
    struct client c;
    struct response r;

    CHECK(server_start(&s, &defaults));
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET /bye HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"
                          "GET /never HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(receive(&c, &r));
    CHECK(header(&r, "Connection") && strcmp(header(&r, "Connection"), "close") == 0);
    CHECK(wait_eof(&c));
    CHECK(c.len == 0 && s.app.calls == 1); /* what followed was not served */
    client_close(&c);
    CHECK(wait_connections(&s, 0));
    server_stop(&s);
}

static void test_expect_continue(void)
{
    struct server s;
    struct client c;
    struct response r;

    CHECK(server_start(&s, &defaults));
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "PUT /e HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n"));
    CHECK(receive(&c, &r));
    CHECK(r.status == 100 && strcmp(r.head, "HTTP/1.1 100 Continue\r\n\r\n") == 0);
    CHECK(client_send(&c, "hello"));
    CHECK(receive(&c, &r));
    CHECK(r.status == 200 && strcmp(r.body, "PUT /e body=hello") == 0);
    client_close(&c);
    server_stop(&s);
}

static const struct test_case cases[] = {
    {"request.dispatched_with_its_parts", test_dispatch},
    {"request.client_request_id", test_client_request_id},
    {"request.fixed_body", test_fixed_body},
    {"request.chunked_body", test_chunked_body},
    {"answer.keep_alive", test_keep_alive},
    {"answer.pipelined_answered_at_once", test_pipelined_answered_at_once},
    {"answer.pipelined_in_order", test_pipelined_in_order},
    {"answer.later_from_the_loop", test_answer_later},
    {"answer.head_has_no_body", test_head_request},
    {"answer.http10", test_http10},
    {"answer.connection_close", test_connection_close},
    {"answer.expect_100_continue", test_expect_continue},
};

int main(int argc, char **argv)
{
    return http_test_main(cases, TEST_N(cases), argc, argv);
}

/*
 * Unit tests for runtime/http/rt_http_parse.c: what a request head becomes, and
 * which malformed heads are refused with which status.
 */
#include "rt_http_parse.h"
#include "rt_req_internal.h"
#include "test.h"

#include <string.h>

/* Parse @text as a complete head; returns the status (0 = parsed). */
static int parse(struct rt_req *req, const char *text, struct rt_http_head_info *info)
{
    const char *detail = NULL;
    char *head;
    int rc;

    rt_req_cleanup(req);
    rt_req_init(req, NULL);
    head = rt_req_strndup(req, text, strlen(text));
    rc = rt_http_parse_head(req, head, strlen(text), 10, info, &detail);
    if (rc != 0 && detail == NULL)
        return -1; /* an error must always be explained */
    return rc;
}

static void test_simple_get(void)
{
    struct rt_req req = {0};
    struct rt_http_head_info info;

    CHECK(parse(&req, "GET /a/b?x=1&y=%20 HTTP/1.1\r\nHost: h\r\nX-Thing:  v  \r\n\r\n", &info) == 0);
    CHECK(req.method == RT_METHOD_GET);
    CHECK(strcmp(req.path, "/a/b") == 0);
    CHECK(strcmp(req.query, "x=1&y=%20") == 0);
    CHECK(req.http_minor == 1);
    CHECK(strcmp(rt_req_header(&req, "x-thing"), "v") == 0);
    CHECK(info.keep_alive && info.content_length == -1 && !info.chunked);
    rt_req_cleanup(&req);
}

static void test_framing(void)
{
    struct rt_req req = {0};
    struct rt_http_head_info info;

    CHECK(parse(&req, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\n", &info) == 0);
    CHECK(info.content_length == 12);
    /* Even identical duplicates: llhttp refuses them (tests/differential), so no intermediary merges them. */
    CHECK(parse(&req, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
                &info) == 400);
    CHECK(parse(&req, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\t\r\n\r\n", &info) == 400);
    CHECK(parse(&req, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding:\tchunked\r\n\r\n", &info) == 400);
    CHECK(parse(&req, "POST / HTTP/1.1\r\nHost: h\r\nX-Other:\tchunked\t\r\n\r\n", &info) == 0);
    CHECK(parse(&req, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
                &info) == 400);
    CHECK(parse(&req, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: +5\r\n\r\n", &info) == 400);
    CHECK(parse(&req, "POST / HTTP/1.1\r\nHost: h\r\nContent-Length: 99999999999999999999\r\n\r\n", &info) ==
          400);
    CHECK(parse(&req, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", &info) == 0);
    CHECK(info.chunked);
    CHECK(parse(&req, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", &info) ==
          501);
    CHECK(parse(&req, "POST / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n",
                &info) == 400);
    CHECK(parse(&req, "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", &info) == 400);
    rt_req_cleanup(&req);
}

static void test_connection_semantics(void)
{
    struct rt_req req = {0};
    struct rt_http_head_info info;

    CHECK(parse(&req, "GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, close\r\n\r\n", &info) == 0);
    CHECK(!info.keep_alive);
    CHECK(parse(&req, "GET / HTTP/1.0\r\n\r\n", &info) == 0);
    CHECK(!info.keep_alive && req.http_minor == 0);
    CHECK(parse(&req, "GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &info) == 0);
    CHECK(info.keep_alive);
    CHECK(parse(&req, "POST / HTTP/1.1\r\nHost: h\r\nExpect: 100-continue\r\nContent-Length: 1\r\n\r\n",
                &info) == 0);
    CHECK(info.expect_continue);
    CHECK(parse(&req, "POST / HTTP/1.1\r\nHost: h\r\nExpect: something\r\n\r\n", &info) == 417);
    rt_req_cleanup(&req);
}

static void test_request_target_forms(void)
{
    struct rt_req req = {0};
    struct rt_http_head_info info;

    CHECK(parse(&req, "GET http://example.com/x?y HTTP/1.1\r\nHost: h\r\n\r\n", &info) == 0);
    CHECK(strcmp(req.path, "/x") == 0 && strcmp(req.query, "y") == 0);
    CHECK(parse(&req, "GET http://example.com HTTP/1.1\r\nHost: h\r\n\r\n", &info) == 0);
    CHECK(strcmp(req.path, "/") == 0);
    CHECK(parse(&req, "OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n", &info) == 400);
    CHECK(parse(&req, "GET /caf\xc3\xa9 HTTP/1.1\r\nHost: h\r\n\r\n", &info) == 400);
    CHECK(parse(&req, "BREW /pot HTTP/1.1\r\nHost: h\r\n\r\n", &info) == 0);
    CHECK(req.method == RT_METHOD_OTHER && strcmp(req.method_name, "BREW") == 0);
    rt_req_cleanup(&req);
}

static void test_malformed(void)
{
    struct rt_req req = {0};
    struct rt_http_head_info info;

    CHECK(parse(&req, "GET / HTTP/1.1\r\n\r\n", &info) == 400);                       /* no Host */
    CHECK(parse(&req, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", &info) == 400); /* two */
    CHECK(parse(&req, "GET  / HTTP/1.1\r\nHost: h\r\n\r\n", &info) == 400);
    CHECK(parse(&req, "GET / HTTP/1.1 \r\nHost: h\r\n\r\n", &info) == 400);
    CHECK(parse(&req, "GET / HTTP/3.0\r\nHost: h\r\n\r\n", &info) == 505);
    CHECK(parse(&req, "GET / FTP/1.0\r\nHost: h\r\n\r\n", &info) == 400);
    CHECK(parse(&req, "G(T / HTTP/1.1\r\nHost: h\r\n\r\n", &info) == 400);
    CHECK(parse(&req, "GET / HTTP/1.1\r\nHost : h\r\n\r\n", &info) == 400); /* space before colon */
    CHECK(parse(&req, "GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", &info) == 400);
    CHECK(parse(&req, "GET / HTTP/1.1\r\nHost: h\rX\r\n\r\n", &info) == 400); /* bare CR */
    CHECK(parse(&req,
                "GET / HTTP/1.1\r\nHost: h\r\nX: a\x01"
                "b\r\n\r\n",
                &info) == 400);
    CHECK(parse(&req, "GET / HTTP/1.1\nHost: h\r\n\r\n", &info) == 400); /* bare LF */
    rt_req_cleanup(&req);
}

static void test_header_count_limit(void)
{
    struct rt_req req = {0};
    struct rt_http_head_info info;
    char head[2048] = "GET / HTTP/1.1\r\nHost: h\r\n";
    int i;

    for (i = 0; i < 9; i++)
        strcat(head, "X: y\r\n");
    strcat(head, "\r\n");
    CHECK(parse(&req, head, &info) == 0); /* 10 headers: the limit */
    strcpy(head + strlen(head) - 2, "X: y\r\n\r\n");
    CHECK(parse(&req, head, &info) == 431);
    rt_req_cleanup(&req);
}

static void test_request_id(void)
{
    struct rt_req req = {0};
    struct rt_http_head_info info;

    CHECK(parse(&req, "GET / HTTP/1.1\r\nHost: h\r\nX-Request-ID: abc-123.x_y\r\n\r\n", &info) == 0);
    CHECK(strcmp(req.id, "abc-123.x_y") == 0);
    CHECK(parse(&req, "GET / HTTP/1.1\r\nHost: h\r\nX-Request-ID: a b\r\n\r\n", &info) == 0);
    CHECK(req.id[0] == '\0'); /* unsafe: the connection layer makes a new one */
    CHECK(parse(&req, "GET / HTTP/1.1\r\nHost: h\r\nX-Request-ID: a\r\nX-Request-ID: b\r\n\r\n", &info) == 0);
    CHECK(strcmp(req.id, "b") == 0); /* the last sane one */
    rt_req_cleanup(&req);
}

/*
 * fields_parsed: every header line was read, also when the head is then
 * refused for what one says, and then the X-Request-ID after it is taken
 * too (the refusal echoes it); not when a line or the request line is bad.
 */
static void test_fields_parsed(void)
{
    struct rt_req req = {0};
    struct rt_http_head_info info;

    CHECK(parse(&req, "GET / HTTP/1.1\r\nHost: h\r\n\r\n", &info) == 0 && info.fields_parsed);
    CHECK(parse(&req, "GET / HTTP/1.1\r\nHost: h\r\nExpect: tea\r\nX-Request-ID: r1\r\n\r\n", &info) == 417);
    CHECK(info.fields_parsed && strcmp(req.id, "r1") == 0 &&
          strcmp(rt_req_header(&req, "x-request-id"), "r1") == 0);
    CHECK(parse(&req, "GET / HTTP/1.1\r\nContent-Length: x\r\nX-Request-ID: r2\r\n\r\n", &info) == 400);
    CHECK(info.fields_parsed && strcmp(req.id, "r2") == 0);
    CHECK(parse(&req, "GET / HTTP/1.1\r\nX-Request-ID: r3\r\nBad line\r\n\r\n", &info) == 400);
    CHECK(!info.fields_parsed && req.id[0] == '\0');
    CHECK(parse(&req, "GET / HTTP/2.0\r\nX-Request-ID: r4\r\n\r\n", &info) == 505);
    CHECK(!info.fields_parsed && req.id[0] == '\0');
    rt_req_cleanup(&req);
}

int main(void)
{
    test_simple_get();
    test_framing();
    test_connection_semantics();
    test_request_target_forms();
    test_malformed();
    test_header_count_limit();
    test_request_id();
    test_fields_parsed();
    return test_done();
}

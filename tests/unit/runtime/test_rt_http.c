/*
 * rt_http in-process: a real server on a loopback listener and the test's
 * own client sockets, all on one libevent loop that the test drives in
 * bounded steps (test_loop.h).  A request reaches the handler callback
 * with its parts; answers come back in order on a keep-alive connection,
 * pipelined requests included (each dispatched only once the one before
 * it is answered); HTTP/1.0 and "Connection: close"; errors found before
 * the handler (malformed head, limits, timeouts of the head, the body and
 * the idle connection) are answered with JSON and a close; 100-continue;
 * a client gone while its request is handled; max_connections; the
 * graceful drain; and exactly one answer per request: a second one, from
 * the handler, from a later callback, on a zombie or a closing connection,
 * is not sent but logged and counted, and never taken for the answer to
 * the next request.
 */
#include "test.h"
#include "test_loop.h"

#include "rt_http.h"
#include "rt_log.h"
#include "rt_metrics.h"
#include "rt_req.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define WAIT_MS 3000 /* the most any step waits for the server; a failing case ends after it */

/* --- the application: records each request, answers now or holds it --- */

#define MAX_HELD 8

struct app {
    bool hold;  /* keep requests in held[] instead of answering */
    bool twice; /* answer twice (a handler bug the runtime must catch) */
    int calls;  /* requests that reached the handler */
    struct rt_req *held[MAX_HELD];
    int n_held; /* held requests, answered or not */
    enum rt_method method;
    char path[128], query[128], body[512], custom[64], id[80];
};

/* Answer with what the request was: "METHOD path[?query] body=<body>". */
static void answer(struct rt_req *req)
{
    char text[768];
    size_t len = 0;
    const char *body = rt_req_body(req, &len);
    int n = snprintf(text, sizeof(text), "%s %s%s%s body=%.*s", rt_method_name(rt_req_method(req)),
                     rt_req_path(req), rt_req_query(req) ? "?" : "",
                     rt_req_query(req) ? rt_req_query(req) : "", (int)len, body ? body : "");

    rt_req_add_header(req, "X-Test", "yes");
    rt_req_reply(req, 200, "text/plain", text, (size_t)n);
}

static void handler(struct rt_req *req, void *arg)
{
    struct app *a = arg;
    const char *custom = rt_req_header(req, "X-Custom");
    size_t len = 0;
    const char *body = rt_req_body(req, &len);

    a->calls++;
    a->method = rt_req_method(req);
    snprintf(a->path, sizeof(a->path), "%s", rt_req_path(req));
    snprintf(a->query, sizeof(a->query), "%s", rt_req_query(req) ? rt_req_query(req) : "");
    snprintf(a->body, sizeof(a->body), "%.*s", (int)len, body ? body : "");
    snprintf(a->custom, sizeof(a->custom), "%s", custom ? custom : "");
    snprintf(a->id, sizeof(a->id), "%s", rt_req_id(req));
    if (a->hold && a->n_held < MAX_HELD) {
        a->held[a->n_held++] = req;
        return;
    }
    answer(req);
    if (a->twice)
        answer(req);
}

/* --- the server --- */

struct server {
    struct event_base *base;
    struct rt_http *http;
    struct app app;
    int port;
    int drained; /* calls of the drained callback */
};

static const struct rt_http_settings defaults = {
    .worker_id = 3,
    .max_body_size = 4096,
    .max_header_size = 2048,
    .max_header_count = 20,
    .header_timeout_ms = WAIT_MS,
    .body_timeout_ms = WAIT_MS,
    .keepalive_timeout_ms = WAIT_MS,
    .write_timeout_ms = WAIT_MS,
    .max_connections = 100,
    .access_log = 0,
    .server_name = "unit-test",
    .tls_ctx = NULL,
};

static bool server_start(struct server *s, const struct rt_http_settings *settings)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sin);
    int fd, one = 1;

    memset(s, 0, sizeof(*s));
    s->base = event_base_new();
    s->http = s->base ? rt_http_new(s->base, settings, handler, &s->app) : NULL;
    if (s->http == NULL)
        return false;
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 || listen(fd, 16) != 0 ||
        getsockname(fd, (struct sockaddr *)&sin, &len) != 0) {
        close(fd);
        return false;
    }
    s->port = ntohs(sin.sin_port);
    return rt_http_accept_on(s->http, fd) == 0;
}

static void server_stop(struct server *s)
{
    rt_http_free(s->http);
    if (s->base != NULL)
        event_base_free(s->base);
}

static void on_drained(void *arg)
{
    ((struct server *)arg)->drained++;
}

/* --- a client: a non-blocking socket the test reads into a buffer --- */

struct client {
    struct server *srv;
    int fd;
    char buf[64 * 1024];
    size_t len;
    bool eof; /* the server closed (or reset) the connection */
    int want; /* what the current wait is for */
};

static int connect_to(int port)
{
    struct sockaddr_in sin = {
        .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    if (fd < 0)
        return -1;
    /* Blocking: on loopback the kernel completes the handshake from the backlog, before any accept(). */
    if (connect(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static bool client_open(struct client *c, struct server *s)
{
    memset(c, 0, sizeof(*c));
    c->srv = s;
    c->fd = connect_to(s->port);
    return c->fd >= 0;
}

static void client_close(struct client *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

/* Close with a reset instead of a FIN (SO_LINGER with a zero timeout). */
static void client_reset(struct client *c)
{
    struct linger lg = {1, 0};

    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    client_close(c);
}

static bool client_send(struct client *c, const char *data)
{
    size_t len = strlen(data);

    return send(c->fd, data, len, MSG_NOSIGNAL) == (ssize_t)len;
}

/* Read what has arrived, without blocking. */
static void client_pump(struct client *c)
{
    while (!c->eof && c->len < sizeof(c->buf) - 1) {
        ssize_t n = recv(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len, MSG_DONTWAIT);

        if (n > 0) {
            c->len += (size_t)n;
        } else if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
            c->eof = true;
        } else {
            break;
        }
    }
    c->buf[c->len] = '\0';
}

/* --- responses --- */

struct response {
    int status;
    char head[2048]; /* status line and header lines, NUL-terminated */
    char body[2048];
    size_t body_len;
};

/* The value of header @p name in @p head, copied into @p out; NULL if absent. */
static const char *header_in(const char *head, const char *name, char *out, size_t size)
{
    size_t n = strlen(name);
    const char *line = strstr(head, "\r\n");

    while (line != NULL && line[2] != '\0') {
        const char *end;

        line += 2;
        end = strstr(line, "\r\n");
        if (end == NULL)
            break;
        if (strncasecmp(line, name, n) == 0 && line[n] == ':') {
            const char *v = line + n + 1;

            while (*v == ' ')
                v++;
            snprintf(out, size, "%.*s", (int)(end - v), v);
            return out;
        }
        line = end;
    }
    return NULL;
}

static const char *header(const struct response *r, const char *name)
{
    static char value[256];

    return header_in(r->head, name, value, sizeof(value));
}

/*
 * The length of the first complete response in @p buf (@p len bytes), 0 if
 * it is not complete yet; its head length in *@p head_len.  A HEAD request
 * is answered without the body its Content-Length counts: @p no_body.
 */
static size_t response_length(const char *buf, size_t len, bool no_body, size_t *head_len)
{
    const char *end = memmem(buf, len, "\r\n\r\n", 4);
    char head[2048], value[32];
    size_t hl, body = 0;
    int status;

    if (end == NULL)
        return 0;
    hl = (size_t)(end - buf) + 4;
    snprintf(head, sizeof(head), "%.*s", (int)hl, buf);
    status = atoi(head + 9);
    if (!no_body && status >= 200 && status != 204 && status != 304 &&
        header_in(head, "Content-Length", value, sizeof(value)) != NULL)
        body = (size_t)strtoul(value, NULL, 10);
    *head_len = hl;
    return len >= hl + body ? hl + body : 0;
}

static int count_responses(const struct client *c)
{
    size_t at = 0, n, hl;
    int count = 0;

    while ((n = response_length(c->buf + at, c->len - at, false, &hl)) > 0) {
        at += n;
        count++;
    }
    return count;
}

/* Take the first complete response off the client's buffer. @return false if there is none. */
static bool take(struct client *c, struct response *r, bool no_body)
{
    size_t hl = 0, n = response_length(c->buf, c->len, no_body, &hl);

    memset(r, 0, sizeof(*r));
    if (n == 0)
        return false;
    snprintf(r->head, sizeof(r->head), "%.*s", (int)hl, c->buf);
    r->status = atoi(r->head + 9);
    r->body_len = n - hl;
    snprintf(r->body, sizeof(r->body), "%.*s", (int)r->body_len, c->buf + hl);
    memmove(c->buf, c->buf + n, c->len - n);
    c->len -= n;
    c->buf[c->len] = '\0';
    return true;
}

/* --- waiting --- */

static bool has_responses(void *arg)
{
    struct client *c = arg;

    client_pump(c);
    return count_responses(c) >= c->want;
}

static bool has_head(void *arg)
{
    struct client *c = arg;

    client_pump(c);
    return memmem(c->buf, c->len, "\r\n\r\n", 4) != NULL;
}

static bool has_eof(void *arg)
{
    struct client *c = arg;

    client_pump(c);
    return c->eof;
}

static bool wait_responses(struct client *c, int n)
{
    c->want = n;
    return run_until(c->srv->base, has_responses, c, WAIT_MS);
}

/* Wait for one response and take it. */
static bool receive(struct client *c, struct response *r)
{
    return wait_responses(c, 1) && take(c, r, false);
}

static bool wait_eof(struct client *c)
{
    return run_until(c->srv->base, has_eof, c, WAIT_MS);
}

/* wait_eof() once the server's loop is gone: poll the socket itself. */
static bool wait_eof_without_loop(struct client *c)
{
    double end = rt_time_mono_seconds() + WAIT_MS / 1000.0;

    while (!has_eof(c) && rt_time_mono_seconds() < end) {
        struct pollfd p = {c->fd, POLLIN, 0};

        poll(&p, 1, 10);
    }
    return c->eof;
}

struct count_wait {
    struct server *srv;
    int want;
};

static bool has_calls(void *arg)
{
    struct count_wait *w = arg;

    return w->srv->app.calls >= w->want;
}

static bool wait_calls(struct server *s, int n)
{
    struct count_wait w = {s, n};

    return run_until(s->base, has_calls, &w, WAIT_MS);
}

static bool has_connections(void *arg)
{
    struct count_wait *w = arg;

    return rt_http_connection_count(w->srv->http) == (unsigned)w->want;
}

static bool wait_connections(struct server *s, int n)
{
    struct count_wait w = {s, n};

    return run_until(s->base, has_connections, &w, WAIT_MS);
}

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

/* --- cases: errors before the handler --- */

/* Send @p request on a new connection; expect a JSON error with status @p status, then the close. */
static void expect_error(const struct rt_http_settings *settings, const char *request, int status,
                         const char *detail_part)
{
    struct server s;
    struct client c;
    struct response r;

    CHECK(server_start(&s, settings));
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, request));
    CHECK(receive(&c, &r));
    CHECK(r.status == status);
    CHECK(header(&r, "Content-Type") && strcmp(header(&r, "Content-Type"), "application/json") == 0);
    CHECK(header(&r, "Connection") && strcmp(header(&r, "Connection"), "close") == 0);
    CHECK(header(&r, "X-Request-ID") != NULL);
    CHECK(strncmp(r.body, "{\"detail\":\"", 11) == 0 && strstr(r.body, detail_part) != NULL);
    CHECK(wait_eof(&c));
    CHECK(c.len == 0);
    CHECK(s.app.calls == 0);
    client_close(&c); /* the server lingers until the client closes too */
    CHECK(wait_connections(&s, 0));
    server_stop(&s);
}

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

/* --- cases: connections --- */

/* Whether the client of the request held last has gone. */
static bool held_peer_gone(void *arg)
{
    struct server *s = arg;

    return s->app.n_held > 0 && rt_req_peer_gone(s->app.held[s->app.n_held - 1]);
}

static void test_client_gone_while_handling(void)
{
    struct server s;
    struct client c, d;

    CHECK(server_start(&s, &defaults));
    s.app.hold = true;
    /* A client that half-closes, and one that resets: both requests stay valid until answered. */
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET /gone HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_calls(&s, 1));
    client_close(&c);
    CHECK(run_until(s.base, held_peer_gone, &s, WAIT_MS));
    CHECK(rt_http_connection_count(s.http) == 1);
    answer(s.app.held[0]);
    CHECK(wait_connections(&s, 0));
    CHECK(client_open(&d, &s));
    CHECK(client_send(&d, "GET /reset HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_calls(&s, 2));
    client_reset(&d);
    CHECK(run_until(s.base, held_peer_gone, &s, WAIT_MS));
    CHECK(strcmp(rt_req_path(s.app.held[1]), "/reset") == 0); /* still readable */
    answer(s.app.held[1]);
    CHECK(wait_connections(&s, 0));
    server_stop(&s);
}

static void test_max_connections(void)
{
    struct rt_http_settings st = defaults;
    struct server s;
    struct client a, b;
    struct response r;

    st.max_connections = 1;
    CHECK(server_start(&s, &st));
    CHECK(client_open(&a, &s));
    CHECK(wait_connections(&s, 1));
    CHECK(client_open(&b, &s)); /* completed by the kernel, waits in the backlog */
    CHECK(client_send(&b, "GET /b HTTP/1.1\r\nHost: t\r\n\r\n"));
    run_for(s.base, 50);
    CHECK(rt_http_connection_count(s.http) == 1 && s.app.calls == 0);
    client_close(&a); /* accepting resumes */
    CHECK(receive(&b, &r));
    CHECK(strcmp(r.body, "GET /b body=") == 0);
    client_close(&b);
    server_stop(&s);
}

static void test_drain(void)
{
    struct server s;
    struct client busy, idle;
    struct response r;

    CHECK(server_start(&s, &defaults));
    s.app.hold = true;
    CHECK(client_open(&busy, &s));
    CHECK(client_open(&idle, &s));
    CHECK(client_send(&busy, "GET /busy HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_calls(&s, 1));
    CHECK(wait_connections(&s, 2));
    rt_http_drain(s.http, on_drained, &s);
    CHECK(s.drained == 0);
    CHECK(connect_to(s.port) < 0); /* the listener is closed */
    /* The request in progress is answered, with the close. */
    answer(s.app.held[0]);
    CHECK(receive(&busy, &r));
    CHECK(header(&r, "Connection") && strcmp(header(&r, "Connection"), "close") == 0);
    CHECK(wait_eof(&busy));
    client_close(&busy);
    run_for(s.base, 30);
    /* The idle keep-alive connection is left open; one more request on it is served, with the close. */
    CHECK(rt_http_connection_count(s.http) == 1 && s.drained == 0);
    s.app.hold = false;
    CHECK(client_send(&idle, "GET /last HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(receive(&idle, &r));
    CHECK(r.status == 200 && header(&r, "Connection") && strcmp(header(&r, "Connection"), "close") == 0);
    CHECK(wait_eof(&idle));
    CHECK(s.drained == 0);
    client_close(&idle);
    CHECK(wait_connections(&s, 0));
    CHECK(s.drained == 1);
    rt_http_drain(s.http, on_drained, &s); /* nothing open: called at once */
    CHECK(s.drained == 2);
    server_stop(&s);
}

static void test_free_with_open_connections(void)
{
    struct server s;
    struct client c, d;

    CHECK(server_start(&s, &defaults));
    s.app.hold = true;
    CHECK(client_open(&c, &s));
    CHECK(client_open(&d, &s));
    CHECK(client_send(&c, "GET /abandoned HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_calls(&s, 1));
    CHECK(wait_connections(&s, 2));
    server_stop(&s); /* the held request is abandoned with its connection; nothing leaks */
    CHECK(wait_eof_without_loop(&c));
    client_close(&c);
    client_close(&d);
}

/* --- cases: exactly one answer per request --- */

#define SECOND_ANSWERS "http_handler_errors_total{kind=\"second_answer\"}"

/* The value of sample @p series in the metrics text; 0 if absent. */
static double metric(const char *series)
{
    size_t len = 0, n = strlen(series);
    char *text = rt_metrics_render(&len);
    const char *p = text;
    double v = 0;

    while (p != NULL && *p != '\0') {
        if (strncmp(p, series, n) == 0 && p[n] == ' ') {
            v = strtod(p + n + 1, NULL);
            break;
        }
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    free(text);
    return v;
}

/* How many times header @p name is in the response (the handler adds X-Test once per answer). */
static int header_count(const struct response *r, const char *name)
{
    char needle[64];
    const char *p = r->head;
    int n = 0;

    snprintf(needle, sizeof(needle), "\r\n%s:", name);
    while ((p = strstr(p, needle)) != NULL) {
        n++;
        p += strlen(needle);
    }
    return n;
}

static void test_twice_in_handler(void)
{
    double errors0 = metric(SECOND_ANSWERS);
    struct server s;
    struct client c;
    struct response r;
    char id[64] = "", log[4096];

    CHECK(server_start(&s, &defaults));
    s.app.twice = true;
    CHECK(client_open(&c, &s));
    test_stderr_begin();
    CHECK(client_send(&c, "GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_responses(&c, 2));
    run_for(s.base, 30);
    test_stderr_end(log, sizeof(log));
    /* One answer each, in order; the second of each was dropped. */
    CHECK(take(&c, &r, false) && strcmp(r.body, "GET /a body=") == 0 && header_count(&r, "X-Test") == 1);
    CHECK(header_in(r.head, "X-Request-ID", id, sizeof(id)) != NULL);
    CHECK(take(&c, &r, false) && strcmp(r.body, "GET /b body=") == 0 && header_count(&r, "X-Test") == 1);
    CHECK(c.len == 0 && !c.eof);
    CHECK(metric(SECOND_ANSWERS) == errors0 + 2);
    CHECK(id[0] != '\0' && strstr(log, id) != NULL); /* logged with the id of the request answered twice */
    /* The connection goes on. */
    s.app.twice = false;
    CHECK(client_send(&c, "GET /c HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(receive(&c, &r) && strcmp(r.body, "GET /c body=") == 0);
    client_close(&c);
    server_stop(&s);
}

static void test_twice_from_callback_pipelined(void)
{
    double errors0 = metric(SECOND_ANSWERS);
    struct server s;
    struct client c;
    struct response r;
    char log[4096];

    CHECK(server_start(&s, &defaults));
    s.app.hold = true;
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_calls(&s, 1));
    /*
     * Answered twice from outside the handler (a timer's callback, say): the
     * next request, already in the buffer, must not be taken for the second
     * answer; it is read from the loop, after the callback.
     */
    test_stderr_begin();
    answer(s.app.held[0]);
    CHECK(s.app.calls == 1);
    answer(s.app.held[0]);
    test_stderr_end(log, sizeof(log));
    CHECK(metric(SECOND_ANSWERS) == errors0 + 1);
    CHECK(wait_calls(&s, 2) && strcmp(s.app.path, "/b") == 0);
    answer(s.app.held[1]);
    CHECK(wait_responses(&c, 2));
    CHECK(take(&c, &r, false) && strcmp(r.body, "GET /a body=") == 0 && header_count(&r, "X-Test") == 1);
    CHECK(take(&c, &r, false) && strcmp(r.body, "GET /b body=") == 0 && header_count(&r, "X-Test") == 1);
    client_close(&c);
    server_stop(&s);
}

static void test_late_answer_on_idle_connection(void)
{
    double errors0 = metric(SECOND_ANSWERS);
    struct server s;
    struct client c;
    struct response r;
    char id[64] = "", log[4096];

    CHECK(server_start(&s, &defaults));
    s.app.hold = true;
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET /a HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_calls(&s, 1));
    answer(s.app.held[0]);
    CHECK(receive(&c, &r));
    CHECK(header_in(r.head, "X-Request-ID", id, sizeof(id)) != NULL);
    run_for(s.base, 10);
    test_stderr_begin();
    answer(s.app.held[0]); /* long after, on the idle connection */
    test_stderr_end(log, sizeof(log));
    CHECK(metric(SECOND_ANSWERS) == errors0 + 1);
    CHECK(strstr(log, id) != NULL);
    run_for(s.base, 30);
    client_pump(&c);
    CHECK(c.len == 0 && !c.eof); /* nothing sent */
    /* The next request gets its own answer, without the late answer's header. */
    s.app.hold = false;
    CHECK(client_send(&c, "GET /b HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(receive(&c, &r) && strcmp(r.body, "GET /b body=") == 0 && header_count(&r, "X-Test") == 1);
    CHECK(header_in(r.head, "X-Request-ID", id, sizeof(id)) != NULL &&
          strstr(log, id) == NULL); /* a new id */
    client_close(&c);
    server_stop(&s);
}

static void test_twice_after_client_reset(void)
{
    double errors0 = metric(SECOND_ANSWERS);
    struct server s;
    struct client c;
    char log[4096];

    CHECK(server_start(&s, &defaults));
    s.app.hold = true;
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET /gone HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_calls(&s, 1));
    client_reset(&c);
    CHECK(run_until(s.base, held_peer_gone, &s, WAIT_MS));
    /* The connection is a zombie; it is freed from the loop, so the second answer finds its request. */
    test_stderr_begin();
    answer(s.app.held[0]);
    answer(s.app.held[0]);
    test_stderr_end(log, sizeof(log));
    CHECK(metric(SECOND_ANSWERS) == errors0 + 1);
    CHECK(wait_connections(&s, 0));
    server_stop(&s);
}

static void test_twice_with_connection_close(void)
{
    double errors0 = metric(SECOND_ANSWERS);
    struct server s;
    struct client c;
    struct response r;
    char log[4096];

    CHECK(server_start(&s, &defaults));
    s.app.hold = true;
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET /bye HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
    CHECK(wait_calls(&s, 1));
    test_stderr_begin();
    answer(s.app.held[0]);
    answer(s.app.held[0]);
    test_stderr_end(log, sizeof(log));
    CHECK(metric(SECOND_ANSWERS) == errors0 + 1);
    CHECK(receive(&c, &r) && header_count(&r, "X-Test") == 1);
    CHECK(wait_eof(&c));
    CHECK(c.len == 0);
    client_close(&c);
    CHECK(wait_connections(&s, 0));
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
    {"error.malformed_400_json_close", test_error_malformed},
    {"error.missing_host_400", test_error_missing_host},
    {"error.bare_lf_400", test_error_bare_lf},
    {"error.417_501_505_chunk", test_error_statuses},
    {"error.head_too_large_431", test_error_head_too_large},
    {"error.body_too_large_413", test_error_body_too_large},
    {"timeout.head_408", test_timeout_head},
    {"timeout.body_408", test_timeout_body},
    {"timeout.keepalive_closes", test_timeout_keepalive},
    {"close.linger_after_error", test_linger},
    {"conn.client_gone_while_handling", test_client_gone_while_handling},
    {"conn.max_connections", test_max_connections},
    {"conn.drain", test_drain},
    {"conn.free_with_open_connections", test_free_with_open_connections},
    {"exactly_once.twice_in_handler", test_twice_in_handler},
    {"exactly_once.twice_from_callback_pipelined", test_twice_from_callback_pipelined},
    {"exactly_once.late_answer_on_idle_connection", test_late_answer_on_idle_connection},
    {"exactly_once.twice_after_client_reset", test_twice_after_client_reset},
    {"exactly_once.twice_with_connection_close", test_twice_with_connection_close},
};

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN); /* as rt_server does */
    rt_log_set_level(RT_LOG_ERROR);
    return test_run(cases, TEST_N(cases), argc, argv);
}

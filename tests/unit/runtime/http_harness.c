/*
 * What the rt_http tests share (see http_harness.h).
 */
#include "http_harness.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

/* --- the application: records each request, answers now or holds it --- */

/* Answer with what the request was: "METHOD path[?query] body=<body>". */
void answer(struct rt_req *req)
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
    if (a->respond != NULL)
        a->respond(req);
    else
        answer(req);
    if (a->twice)
        answer(req);
}

/* --- the server --- */

const struct rt_http_settings defaults = {
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

bool server_start(struct server *s, const struct rt_http_settings *settings)
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

void server_stop(struct server *s)
{
    rt_http_free(s->http);
    if (s->base != NULL)
        event_base_free(s->base);
}

/* --- a client: a non-blocking socket the test reads into a buffer --- */

int connect_to(int port)
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

bool client_open(struct client *c, struct server *s)
{
    memset(c, 0, sizeof(*c));
    c->srv = s;
    c->fd = connect_to(s->port);
    return c->fd >= 0;
}

void client_close(struct client *c)
{
    if (c->fd >= 0)
        close(c->fd);
    c->fd = -1;
}

/* Close with a reset instead of a FIN (SO_LINGER with a zero timeout). */
void client_reset(struct client *c)
{
    struct linger lg = {1, 0};

    setsockopt(c->fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
    client_close(c);
}

bool client_send(struct client *c, const char *data)
{
    size_t len = strlen(data);

    return send(c->fd, data, len, MSG_NOSIGNAL) == (ssize_t)len;
}

/* Read what has arrived, without blocking. */
void client_pump(struct client *c)
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

/* The value of header @p name in @p head, copied into @p out; NULL if absent. */
const char *header_in(const char *head, const char *name, char *out, size_t size)
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

const char *header(const struct response *r, const char *name)
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
bool take(struct client *c, struct response *r, bool no_body)
{
    size_t hl = 0, n = response_length(c->buf, c->len, no_body, &hl);

    memset(r, 0, sizeof(*r));
    if (n == 0)
        return false;
    snprintf(r->head, sizeof(r->head), "%.*s", (int)hl, c->buf);
    r->status = atoi(r->head + 9);
    r->body_len = n - hl;
    /* memcpy, not snprintf: a gzipped body has NUL bytes. */
    memcpy(r->body, c->buf + hl, r->body_len < sizeof(r->body) ? r->body_len : sizeof(r->body) - 1);
    r->body[r->body_len < sizeof(r->body) ? r->body_len : sizeof(r->body) - 1] = '\0';
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

bool has_head(void *arg)
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

bool wait_responses(struct client *c, int n)
{
    c->want = n;
    return run_until(c->srv->base, has_responses, c, WAIT_MS);
}

/* Wait for one response and take it. */
bool receive(struct client *c, struct response *r)
{
    return wait_responses(c, 1) && take(c, r, false);
}

bool wait_eof(struct client *c)
{
    return run_until(c->srv->base, has_eof, c, WAIT_MS);
}

/* wait_eof() once the server's loop is gone: poll the socket itself. */
bool wait_eof_without_loop(struct client *c)
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

bool wait_calls(struct server *s, int n)
{
    struct count_wait w = {s, n};

    return run_until(s->base, has_calls, &w, WAIT_MS);
}

static bool has_connections(void *arg)
{
    struct count_wait *w = arg;

    return rt_http_connection_count(w->srv->http) == (unsigned)w->want;
}

bool wait_connections(struct server *s, int n)
{
    struct count_wait w = {s, n};

    return run_until(s->base, has_connections, &w, WAIT_MS);
}

bool held_peer_gone(void *arg)
{
    struct server *s = arg;

    return s->app.n_held > 0 && rt_req_peer_gone(s->app.held[s->app.n_held - 1]);
}

/*
 * Unit tests for runtime/client/rt_client.c, the asynchronous HTTP client, against
 * loopback upstreams run by this test in a second thread with its own event
 * loop: evhttp servers (plain and TLS, with certificates made at test time
 * by the openssl command) and raw TCP servers that hang, send garbage, or
 * close keep-alive connections.  Everything listens on 127.0.0.1, port 0.
 */
#include "rt_client.h"
#include "rt_client_internal.h"
#include "test.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/listener.h>
#include <event2/thread.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

/* --- upstreams, on the server thread --- */

#define MAX_LIVE 512

/* An evhttp upstream: counts the connections it accepts. */
struct upstream {
    struct evhttp *http;
    SSL_CTX *ssl_ctx; /* NULL for plain http */
    int port;
    atomic_int accepted; /* connections seen */
    atomic_int live;     /* connections open now */
    atomic_int max_live; /* most open at once */
    atomic_int requests; /* requests answered */
    struct evhttp_connection *conns[MAX_LIVE];
    pthread_mutex_t lock;
    char user_agent[64], accept[64], host[64]; /* of the last request */
};

enum raw_mode {
    RAW_HANG,         /* accept, read, never answer */
    RAW_GARBAGE,      /* answer with something that is not HTTP */
    RAW_CLOSE_SECOND, /* answer the first request of a connection (keep-alive); close on the second */
    RAW_CLOSE_LATER   /* answer (keep-alive), then close the connection 50 ms later */
};

#define MAX_RAW 64

struct raw_conn {
    struct raw_server *srv;
    struct bufferevent *bev;
    struct event *close_timer;
    int n_requests;
};

/* A raw TCP upstream for behaviour evhttp would not produce. */
struct raw_server {
    enum raw_mode mode;
    struct evconnlistener *listener;
    int port;
    atomic_int accepted;
    struct raw_conn *conns[MAX_RAW];
    int n_conns;
};

static struct event_base *srv_base;
static pthread_t srv_thread;
static struct upstream up_a, up_b, up_tls, up_tls_other;
static struct raw_server raw_hang, raw_garbage, raw_close_second, raw_close_later;
static char tmpdir[64];

static void srv_conn_closed(struct evhttp_connection *evcon, void *arg)
{
    struct upstream *u = arg;
    int i;

    for (i = 0; i < MAX_LIVE; i++)
        if (u->conns[i] == evcon) {
            u->conns[i] = NULL;
            u->live--;
            return;
        }
}

/* Remember a connection the first time one of its requests arrives. */
static void srv_track(struct upstream *u, struct evhttp_request *req)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    int i, free_slot = -1;

    for (i = 0; i < MAX_LIVE; i++) {
        if (u->conns[i] == evcon)
            return;
        if (u->conns[i] == NULL && free_slot < 0)
            free_slot = i;
    }
    if (free_slot < 0)
        return;
    u->conns[free_slot] = evcon;
    u->accepted++;
    u->live++;
    if (u->live > u->max_live)
        u->max_live = u->live;
    evhttp_connection_set_closecb(evcon, srv_conn_closed, u);
}

static void srv_reply_json(struct evhttp_request *req, struct upstream *u)
{
    struct evbuffer *b = evbuffer_new();

    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", "application/json");
    evbuffer_add_printf(b, "{\"ok\": true, \"port\": %d}", u->port);
    u->requests++;
    evhttp_send_reply(req, 200, "OK", b);
    evbuffer_free(b);
}

struct delayed {
    struct evhttp_request *req;
    struct upstream *u;
};

static void srv_delayed_reply(evutil_socket_t fd, short what, void *arg)
{
    struct delayed *d = arg;

    srv_reply_json(d->req, d->u);
    free(d);
}

/* /echo: "<method> <Content-Type> <X-Test> <body>", as text. */
static void srv_echo(struct evhttp_request *req, struct upstream *u)
{
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    struct evbuffer *body = evhttp_request_get_input_buffer(req);
    struct evbuffer *b = evbuffer_new();
    const char *ctype = evhttp_find_header(in, "Content-Type");
    const char *xtest = evhttp_find_header(in, "X-Test");
    const char *method;

    switch (evhttp_request_get_command(req)) {
    case EVHTTP_REQ_POST:
        method = "POST";
        break;
    case EVHTTP_REQ_PUT:
        method = "PUT";
        break;
    case EVHTTP_REQ_DELETE:
        method = "DELETE";
        break;
    case EVHTTP_REQ_PATCH:
        method = "PATCH";
        break;
    case EVHTTP_REQ_GET:
        method = "GET";
        break;
    default:
        method = "OTHER";
        break;
    }
    evbuffer_add_printf(b, "%s %s %s ", method, ctype ? ctype : "-", xtest ? xtest : "-");
    evbuffer_add_buffer(b, body);
    u->requests++;
    evhttp_send_reply(req, 200, "OK", b);
    evbuffer_free(b);
}

/* GET /json, /slow (100 ms later), /big (100000 bytes), /bigchunked (the same, chunked); any /echo. */
static void srv_handle(struct evhttp_request *req, void *arg)
{
    struct upstream *u = arg;
    const char *path = evhttp_request_get_uri(req);
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    const char *v;
    struct timeval tv = {0, 100 * 1000};
    struct evbuffer *b;
    struct delayed *d;
    static char big[100000];

    srv_track(u, req);
    pthread_mutex_lock(&u->lock);
    v = evhttp_find_header(in, "User-Agent");
    snprintf(u->user_agent, sizeof(u->user_agent), "%s", v ? v : "");
    v = evhttp_find_header(in, "Accept");
    snprintf(u->accept, sizeof(u->accept), "%s", v ? v : "");
    v = evhttp_find_header(in, "Host");
    snprintf(u->host, sizeof(u->host), "%s", v ? v : "");
    pthread_mutex_unlock(&u->lock);

    if (strcmp(path, "/echo") == 0) {
        srv_echo(req, u);
    } else if (strcmp(path, "/slow") == 0) {
        d = malloc(sizeof(*d));
        d->req = req;
        d->u = u;
        event_base_once(srv_base, -1, EV_TIMEOUT, srv_delayed_reply, d, &tv);
    } else if (strcmp(path, "/big") == 0 || strcmp(path, "/bigchunked") == 0) {
        memset(big, 'x', sizeof(big));
        b = evbuffer_new();
        evbuffer_add(b, big, sizeof(big));
        u->requests++;
        if (strcmp(path, "/big") == 0) {
            evhttp_send_reply(req, 200, "OK", b);
        } else {
            evhttp_send_reply_start(req, 200, "OK");
            evhttp_send_reply_chunk(req, b);
            evhttp_send_reply_end(req);
        }
        evbuffer_free(b);
    } else {
        srv_reply_json(req, u);
    }
}

static struct bufferevent *srv_tls_bev(struct event_base *base, void *arg)
{
    struct upstream *u = arg;

    return bufferevent_openssl_socket_new(base, -1, SSL_new(u->ssl_ctx), BUFFEREVENT_SSL_ACCEPTING,
                                          BEV_OPT_CLOSE_ON_FREE);
}

static int bound_port(evutil_socket_t fd)
{
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);

    if (getsockname(fd, (struct sockaddr *)&sin, &len) != 0)
        return -1;
    return ntohs(sin.sin_port);
}

static int upstream_start(struct upstream *u, const char *cert, const char *key)
{
    struct evhttp_bound_socket *bs;

    memset(u, 0, sizeof(*u));
    pthread_mutex_init(&u->lock, NULL);
    u->http = evhttp_new(srv_base);
    if (u->http == NULL)
        return -1;
    evhttp_set_gencb(u->http, srv_handle, u);
    if (cert != NULL) {
        u->ssl_ctx = SSL_CTX_new(TLS_server_method());
        if (u->ssl_ctx == NULL || SSL_CTX_use_certificate_chain_file(u->ssl_ctx, cert) != 1 ||
            SSL_CTX_use_PrivateKey_file(u->ssl_ctx, key, SSL_FILETYPE_PEM) != 1)
            return -1;
        evhttp_set_bevcb(u->http, srv_tls_bev, u);
    }
    bs = evhttp_bind_socket_with_handle(u->http, "127.0.0.1", 0);
    if (bs == NULL)
        return -1;
    u->port = bound_port(evhttp_bound_socket_get_fd(bs));
    return u->port > 0 ? 0 : -1;
}

static void upstream_stop(struct upstream *u)
{
    evhttp_free(u->http);
    if (u->ssl_ctx != NULL)
        SSL_CTX_free(u->ssl_ctx);
    pthread_mutex_destroy(&u->lock);
}

static void raw_send_ok(struct raw_conn *rc)
{
    static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                               "Content-Length: 11\r\n\r\n{\"ok\":true}";

    bufferevent_write(rc->bev, resp, sizeof(resp) - 1);
}

static void raw_close(struct raw_conn *rc)
{
    if (rc->bev != NULL) {
        bufferevent_free(rc->bev);
        rc->bev = NULL;
    }
}

static void raw_close_timer(evutil_socket_t fd, short what, void *arg)
{
    raw_close(arg);
}

static void raw_read(struct bufferevent *bev, void *arg)
{
    struct raw_conn *rc = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    struct evbuffer_ptr end;
    struct timeval tv = {0, 50 * 1000};

    while ((end = evbuffer_search(in, "\r\n\r\n", 4, NULL)).pos >= 0) {
        evbuffer_drain(in, (size_t)end.pos + 4);
        rc->n_requests++;
        switch (rc->srv->mode) {
        case RAW_HANG:
            break;
        case RAW_GARBAGE:
            bufferevent_write(bev, "this is not HTTP at all\r\n\r\n", 27);
            break;
        case RAW_CLOSE_SECOND:
            if (rc->n_requests == 1) {
                raw_send_ok(rc);
            } else {
                raw_close(rc);
                return;
            }
            break;
        case RAW_CLOSE_LATER:
            raw_send_ok(rc);
            if (rc->close_timer == NULL) {
                rc->close_timer = evtimer_new(srv_base, raw_close_timer, rc);
                evtimer_add(rc->close_timer, &tv);
            }
            break;
        }
    }
}

static void raw_event(struct bufferevent *bev, short what, void *arg)
{
    if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
        raw_close(arg);
}

static void raw_accept(struct evconnlistener *l, evutil_socket_t fd, struct sockaddr *sa, int len, void *arg)
{
    struct raw_server *srv = arg;
    struct raw_conn *rc;

    srv->accepted++;
    if (srv->n_conns == MAX_RAW) {
        evutil_closesocket(fd);
        return;
    }
    rc = calloc(1, sizeof(*rc));
    rc->srv = srv;
    rc->bev = bufferevent_socket_new(srv_base, fd, BEV_OPT_CLOSE_ON_FREE);
    bufferevent_setcb(rc->bev, raw_read, NULL, raw_event, rc);
    bufferevent_enable(rc->bev, EV_READ | EV_WRITE);
    srv->conns[srv->n_conns++] = rc;
}

static int raw_start(struct raw_server *srv, enum raw_mode mode)
{
    struct sockaddr_in sin;

    memset(srv, 0, sizeof(*srv));
    srv->mode = mode;
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    srv->listener =
        evconnlistener_new_bind(srv_base, raw_accept, srv, LEV_OPT_CLOSE_ON_FREE | LEV_OPT_REUSEABLE, 64,
                                (struct sockaddr *)&sin, sizeof(sin));
    if (srv->listener == NULL)
        return -1;
    srv->port = bound_port(evconnlistener_get_fd(srv->listener));
    return srv->port > 0 ? 0 : -1;
}

static void raw_stop(struct raw_server *srv)
{
    int i;

    evconnlistener_free(srv->listener);
    for (i = 0; i < srv->n_conns; i++) {
        raw_close(srv->conns[i]);
        if (srv->conns[i]->close_timer != NULL)
            event_free(srv->conns[i]->close_timer);
        free(srv->conns[i]);
    }
}

static void *srv_main(void *arg)
{
    event_base_loop(srv_base, EVLOOP_NO_EXIT_ON_EMPTY);
    return NULL;
}

/* Make a CA and two server certificates (127.0.0.1 + localhost, and other.example) in tmpdir. */
static int make_certs(void)
{
    char cmd[4096];

    snprintf(
        cmd, sizeof(cmd),
        "(set -e; cd %s; "
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key "
        "-out ca.pem -days 2 -subj '/CN=async-demo test CA' "
        "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign; "
        "for n in local other; do "
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout $n.key -out $n.csr "
        "-subj \"/CN=$n\"; done; "
        "printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\\nextendedKeyUsage=serverAuth\\n' > local.ext; "
        "printf 'subjectAltName=DNS:other.example\\nextendedKeyUsage=serverAuth\\n' > other.ext; "
        "for n in local other; do "
        "openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out $n.pem -days 2 "
        "-extfile $n.ext; done) >/dev/null 2>&1",
        tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

static int servers_start(void)
{
    char cert[128], key[128];

    srv_base = event_base_new();
    if (srv_base == NULL || upstream_start(&up_a, NULL, NULL) != 0 || upstream_start(&up_b, NULL, NULL) != 0)
        return -1;
    snprintf(cert, sizeof(cert), "%s/local.pem", tmpdir);
    snprintf(key, sizeof(key), "%s/local.key", tmpdir);
    if (upstream_start(&up_tls, cert, key) != 0)
        return -1;
    snprintf(cert, sizeof(cert), "%s/other.pem", tmpdir);
    snprintf(key, sizeof(key), "%s/other.key", tmpdir);
    if (upstream_start(&up_tls_other, cert, key) != 0)
        return -1;
    if (raw_start(&raw_hang, RAW_HANG) != 0 || raw_start(&raw_garbage, RAW_GARBAGE) != 0 ||
        raw_start(&raw_close_second, RAW_CLOSE_SECOND) != 0 ||
        raw_start(&raw_close_later, RAW_CLOSE_LATER) != 0)
        return -1;
    return pthread_create(&srv_thread, NULL, srv_main, NULL) == 0 ? 0 : -1;
}

static void servers_stop(void)
{
    event_base_loopbreak(srv_base);
    pthread_join(srv_thread, NULL);
    upstream_stop(&up_a);
    upstream_stop(&up_b);
    upstream_stop(&up_tls);
    upstream_stop(&up_tls_other);
    raw_stop(&raw_hang);
    raw_stop(&raw_garbage);
    raw_stop(&raw_close_second);
    raw_stop(&raw_close_later);
    event_base_free(srv_base);
}

/* --- the client side, on the main thread --- */

static struct event_base *base;
static int pending;   /* callbacks still expected */
static bool in_get;   /* inside rt_client_get(): a callback now would break the contract */
static int cb_in_get; /* callbacks that ran inside rt_client_get() */

struct result {
    int calls;
    int status;
    char error[256];
    bool has_error;
    size_t body_len;
    char body[256];
    char content_type[64];
    double elapsed_ms;
};

static void on_result(const struct rt_client_response *r, void *arg)
{
    struct result *res = arg;

    if (in_get)
        cb_in_get++;
    res->calls++;
    res->status = r->status;
    res->has_error = r->error != NULL;
    snprintf(res->error, sizeof(res->error), "%s", r->error ? r->error : "");
    res->body_len = r->body_len;
    snprintf(res->body, sizeof(res->body), "%s", r->body ? r->body : "");
    snprintf(res->content_type, sizeof(res->content_type), "%s", r->content_type ? r->content_type : "");
    res->elapsed_ms = r->elapsed_ms;
    pending--;
}

static int get(struct rt_client *c, const char *url, struct result *res)
{
    int rc;

    memset(res, 0, sizeof(*res));
    in_get = true;
    rc = rt_client_get(c, url, on_result, res);
    in_get = false;
    if (rc == 0)
        pending++;
    return rc;
}

static void on_guard(evutil_socket_t fd, short what, void *arg)
{
    *(bool *)arg = true;
}

/* Run the client's loop until every callback has come, or @p ms passed. */
static bool wait_all(int ms)
{
    bool expired = false;
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    struct event *guard = evtimer_new(base, on_guard, &expired);

    evtimer_add(guard, &tv);
    while (pending > 0 && !expired)
        event_base_loop(base, EVLOOP_ONCE);
    event_free(guard);
    return pending == 0;
}

/* Run the loop for @p ms, whatever happens. */
static void run_for(int ms)
{
    bool expired = false;
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    struct event *guard = evtimer_new(base, on_guard, &expired);

    evtimer_add(guard, &tv);
    while (!expired)
        event_base_loop(base, EVLOOP_ONCE);
    event_free(guard);
}

static struct rt_client *client_new(int timeout_ms, size_t max_size, const char *ca_file, int max_conns,
                                    int idle_ms)
{
    struct rt_client_settings s = {timeout_ms, max_size, ca_file, max_conns, idle_ms};
    char err[256] = "";
    struct rt_client *c = rt_client_new(base, &s, err, sizeof(err));

    if (c == NULL)
        printf("# rt_client_new: %s\n", err);
    return c;
}

static void url(char *buf, size_t len, const char *scheme, const char *host, int port, const char *path)
{
    snprintf(buf, len, "%s://%s:%d%s", scheme, host, port, path);
}

static bool has(const char *s, const char *part)
{
    bool ok = strstr(s, part) != NULL;

    if (!ok)
        printf("# '%s' does not contain '%s'\n", s, part);
    return ok;
}

static void test_get_json(void)
{
    struct rt_client *c = client_new(5000, 0, NULL, 0, 0);
    struct result r1, r2;
    char u[128], host[64];

    CHECK(c != NULL);
    url(u, sizeof(u), "http", "127.0.0.1", up_a.port, "/json");
    CHECK(get(c, u, &r1) == 0);
    url(u, sizeof(u), "http", "localhost", up_a.port, "/json?x=1");
    CHECK(get(c, u, &r2) == 0);
    CHECK(cb_in_get == 0 && r1.calls == 0);
    CHECK(wait_all(5000));
    CHECK(r1.calls == 1 && r1.status == 200 && !r1.has_error);
    CHECK(has(r1.body, "\"ok\": true"));
    CHECK(r1.body_len == strlen(r1.body));
    CHECK(strcmp(r1.content_type, "application/json") == 0);
    CHECK(r1.elapsed_ms >= 0 && r1.elapsed_ms < 5000);
    CHECK(r2.calls == 1 && r2.status == 200);
    snprintf(host, sizeof(host), "localhost:%d", up_a.port);
    pthread_mutex_lock(&up_a.lock);
    CHECK(strcmp(up_a.user_agent, "async-demo/0.1") == 0);
    CHECK(strcmp(up_a.accept, "application/json") == 0);
    CHECK(strcmp(up_a.host, host) == 0);
    pthread_mutex_unlock(&up_a.lock);
    rt_client_free(c);
}

struct chain {
    struct rt_client *c;
    char url[128];
    int left;
    int ok;
};

static void on_chain(const struct rt_client_response *r, void *arg)
{
    struct chain *ch = arg;

    if (r->status == 200)
        ch->ok++;
    if (--ch->left > 0 && rt_client_get(ch->c, ch->url, on_chain, ch) == 0)
        return;
    pending--;
}

static void test_keep_alive_reuse(void)
{
    struct rt_client *c = client_new(5000, 0, NULL, 0, 0);
    struct chain ch = {c, "", 3, 0};
    struct rt_client_stats st;
    int before = up_b.accepted;

    url(ch.url, sizeof(ch.url), "http", "127.0.0.1", up_b.port, "/json");
    CHECK(rt_client_get(c, ch.url, on_chain, &ch) == 0);
    pending++;
    CHECK(wait_all(5000));
    CHECK(ch.ok == 3);
    CHECK(up_b.accepted - before == 1);
    rt_client_get_stats(c, &st);
    CHECK(st.connections_opened == 1 && st.connections_idle == 1);
    rt_client_free(c);
}

static void test_concurrent_connections(void)
{
    struct rt_client *c = client_new(5000, 0, NULL, 0, 0);
    struct result r[4];
    struct rt_client_stats st;
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

    /* Capped at 2 per origin: the others wait their turn and reuse. */
    c = client_new(5000, 0, NULL, 2, 0);
    before = up_a.accepted;
    ok = 0;
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

/* A general request: method, body, Content-Type and extra headers arrive as given. */
static void test_request_with_body(void)
{
    struct rt_client *c = client_new(5000, 0, NULL, 0, 0);
    const char *headers[] = {"X-Test", "yes", NULL};
    struct rt_client_request rq = {"POST", NULL, "{\"a\": 1}", 8, "application/json", headers};
    struct rt_client_request bad;
    struct result r1, r2, r3;
    char u[128];

    url(u, sizeof(u), "http", "127.0.0.1", up_a.port, "/echo");
    rq.url = u;
    memset(&r1, 0, sizeof(r1));
    memset(&r2, 0, sizeof(r2));
    memset(&r3, 0, sizeof(r3));
    CHECK(rt_client_request(c, &rq, on_result, &r1) == 0);
    pending++;
    rq.method = "PUT"; /* evhttp (the upstream) refuses PATCH by default */
    rq.body = "x";
    rq.body_len = 1;
    rq.content_type = "text/plain";
    rq.headers = NULL;
    CHECK(rt_client_request(c, &rq, on_result, &r2) == 0);
    pending++;
    rq.method = "DELETE";
    rq.body = NULL;
    rq.content_type = NULL;
    CHECK(rt_client_request(c, &rq, on_result, &r3) == 0);
    pending++;
    CHECK(wait_all(5000));
    CHECK(r1.status == 200 && strcmp(r1.body, "POST application/json yes {\"a\": 1}") == 0);
    CHECK(r2.status == 200 && strcmp(r2.body, "PUT text/plain - x") == 0);
    CHECK(r3.status == 200 && strcmp(r3.body, "DELETE - - ") == 0);

    bad = rq;
    bad.method = "BREW";
    CHECK(rt_client_request(c, &bad, on_result, &r1) == -1);
    bad = rq;
    headers[1] = "a\r\nInjected: 1";
    bad.headers = headers;
    CHECK(rt_client_request(c, &bad, on_result, &r1) == -1);
    rt_client_free(c);
}

/* Only GET is retried when a reused keep-alive connection turns out closed: a POST may have been acted on. */
static void test_post_not_retried(void)
{
    struct rt_client *c = client_new(3000, 0, NULL, 0, 0);
    struct rt_client_request rq = {"POST", NULL, "{}", 2, "application/json", NULL};
    struct rt_client_stats st;
    struct result r1, r2;
    char u[128];

    url(u, sizeof(u), "http", "127.0.0.1", raw_close_second.port, "/");
    CHECK(get(c, u, &r1) == 0);
    CHECK(wait_all(5000));
    CHECK(r1.status == 200);
    rq.url = u;
    memset(&r2, 0, sizeof(r2));
    CHECK(rt_client_request(c, &rq, on_result, &r2) == 0);
    pending++;
    CHECK(wait_all(5000));
    CHECK(r2.status == 0 && has(r2.error, "connection closed"));
    rt_client_get_stats(c, &st);
    CHECK(st.retries == 0 && st.connections_opened == 1);
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

static void test_timeout(void)
{
    struct rt_client *c = client_new(300, 0, NULL, 0, 0);
    struct result hang, fast;
    char u[128];

    url(u, sizeof(u), "http", "127.0.0.1", raw_hang.port, "/");
    CHECK(get(c, u, &hang) == 0);
    url(u, sizeof(u), "http", "127.0.0.1", up_b.port, "/json");
    CHECK(get(c, u, &fast) == 0);
    CHECK(wait_all(5000));
    CHECK(fast.status == 200 && fast.elapsed_ms < 300);
    CHECK(hang.calls == 1 && hang.status == 0);
    CHECK(has(hang.error, "timed out after 300 ms"));
    CHECK(hang.elapsed_ms >= 290 && hang.elapsed_ms < 2000);
    rt_client_free(c);
}

static void test_refused(void)
{
    struct rt_client *c = client_new(2000, 0, NULL, 0, 0);
    struct sockaddr_in sin;
    socklen_t len = sizeof(sin);
    int fd = socket(AF_INET, SOCK_STREAM, 0), port;
    struct result r, rs;
    char u[128];

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, (struct sockaddr *)&sin, sizeof(sin));
    getsockname(fd, (struct sockaddr *)&sin, &len);
    port = ntohs(sin.sin_port);
    close(fd); /* nothing listens there now */
    url(u, sizeof(u), "http", "127.0.0.1", port, "/");
    CHECK(get(c, u, &r) == 0);
    url(u, sizeof(u), "https", "127.0.0.1", port, "/");
    CHECK(get(c, u, &rs) == 0);
    CHECK(wait_all(5000));
    CHECK(r.calls == 1 && r.status == 0 && has(r.error, "refused"));
    CHECK(rs.calls == 1 && rs.status == 0 && rs.has_error);
    printf("# %s\n# %s\n", r.error, rs.error);
    rt_client_free(c);
}

static void test_too_large_and_malformed(void)
{
    struct rt_client *c = client_new(3000, 1000, NULL, 0, 0);
    struct result big, chunked, small, garbage;
    char u[128];

    url(u, sizeof(u), "http", "127.0.0.1", up_a.port, "/big");
    CHECK(get(c, u, &big) == 0);
    url(u, sizeof(u), "http", "127.0.0.1", up_a.port, "/bigchunked");
    CHECK(get(c, u, &chunked) == 0);
    url(u, sizeof(u), "http", "127.0.0.1", up_a.port, "/json");
    CHECK(get(c, u, &small) == 0);
    url(u, sizeof(u), "http", "127.0.0.1", raw_garbage.port, "/");
    CHECK(get(c, u, &garbage) == 0);
    CHECK(wait_all(5000));
    CHECK(big.status == 0 && has(big.error, "response larger than 1000 bytes"));
    CHECK(chunked.status == 0 && has(chunked.error, "response larger than 1000 bytes"));
    CHECK(small.status == 200);
    CHECK(garbage.status == 0 && has(garbage.error, "malformed"));
    rt_client_free(c);

    c = client_new(3000, 200000, NULL, 0, 0);
    url(u, sizeof(u), "http", "127.0.0.1", up_a.port, "/bigchunked");
    CHECK(get(c, u, &chunked) == 0);
    CHECK(wait_all(5000));
    CHECK(chunked.status == 200 && chunked.body_len == 100000);
    rt_client_free(c);
}

static void test_server_closes_keep_alive(void)
{
    struct rt_client *c = client_new(3000, 0, NULL, 0, 0);
    struct chain ch = {c, "", 2, 0};
    struct rt_client_stats st;
    struct result r1, r2;
    char u[128];

    /* The server closes a reused connection on the second request: retried once, fresh. */
    url(ch.url, sizeof(ch.url), "http", "127.0.0.1", raw_close_second.port, "/");
    CHECK(rt_client_get(c, ch.url, on_chain, &ch) == 0);
    pending++;
    CHECK(wait_all(5000));
    CHECK(ch.ok == 2);
    rt_client_get_stats(c, &st);
    CHECK(st.retries == 1 && st.connections_opened == 2);
    rt_client_free(c);

    /* The server closes an idle connection: dropped from the pool, not reused. */
    c = client_new(3000, 0, NULL, 0, 0);
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

static void test_idle_timeout(void)
{
    struct rt_client *c = client_new(3000, 0, NULL, 0, 150);
    struct rt_client_stats st;
    struct result r;
    char u[128];

    url(u, sizeof(u), "http", "127.0.0.1", up_b.port, "/json");
    CHECK(get(c, u, &r) == 0);
    CHECK(wait_all(5000));
    rt_client_get_stats(c, &st);
    CHECK(r.status == 200 && st.connections_idle == 1);
    run_for(400);
    rt_client_get_stats(c, &st);
    CHECK(st.connections_open == 0);
    run_for(50);
    CHECK(up_b.live == 0);
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

static void test_tls(void)
{
    char ca[128], u[128];
    struct rt_client *trusting, *system_store;
    struct result ok_ip, ok_name, untrusted, wrong_host, wrong_name, plain;

    snprintf(ca, sizeof(ca), "%s/ca.pem", tmpdir);
    trusting = client_new(5000, 0, ca, 0, 0);
    system_store = client_new(5000, 0, NULL, 0, 0);
    CHECK(trusting != NULL && system_store != NULL);
    url(u, sizeof(u), "https", "127.0.0.1", up_tls.port, "/json");
    CHECK(get(trusting, u, &ok_ip) == 0);
    CHECK(get(system_store, u, &untrusted) == 0);
    url(u, sizeof(u), "https", "localhost", up_tls.port, "/json");
    CHECK(get(trusting, u, &ok_name) == 0);
    url(u, sizeof(u), "https", "127.0.0.1", up_tls_other.port, "/json");
    CHECK(get(trusting, u, &wrong_host) == 0);
    url(u, sizeof(u), "https", "localhost", up_tls_other.port, "/json");
    CHECK(get(trusting, u, &wrong_name) == 0);
    url(u, sizeof(u), "https", "127.0.0.1", up_a.port, "/json"); /* TLS to a plain-HTTP server */
    CHECK(get(trusting, u, &plain) == 0);
    CHECK(wait_all(5000));
    CHECK(ok_ip.status == 200 && has(ok_ip.body, "\"ok\": true"));
    CHECK(ok_name.status == 200);
    CHECK(untrusted.status == 0 && has(untrusted.error, "certificate verify failed"));
    CHECK(wrong_host.status == 0 && has(wrong_host.error, "certificate verify failed"));
    CHECK(has(wrong_host.error, "mismatch"));
    CHECK(wrong_name.status == 0 && has(wrong_name.error, "certificate verify failed: hostname mismatch"));
    CHECK(plain.status == 0 && plain.has_error);
    printf("# %s\n# %s\n# %s\n# %s\n", untrusted.error, wrong_host.error, wrong_name.error, plain.error);
    rt_client_free(trusting);
    rt_client_free(system_store);
}

static void test_bad_urls_and_settings(void)
{
    struct rt_client *c = client_new(1000, 0, NULL, 0, 0);
    struct rt_client_settings s = {1000, 0, "/nonexistent/ca.pem", 0, 0};
    struct result r;
    char err[256] = "";

    CHECK(get(c, "ftp://127.0.0.1/", &r) == -1);
    CHECK(get(c, "not a url", &r) == -1);
    CHECK(get(c, "http://", &r) == -1);
    CHECK(get(c, "/relative", &r) == -1);
    CHECK(rt_client_new(base, &s, err, sizeof(err)) == NULL);
    CHECK(has(err, "CA file"));
    CHECK(rt_client_current() == NULL);
    rt_client_set_current(c);
    CHECK(rt_client_current() == c);
    rt_client_free(c);
    CHECK(rt_client_current() == NULL);
    rt_client_free(NULL);
}

static void test_dns_failure(void)
{
    struct rt_client *c = client_new(3000, 0, NULL, 0, 0);
    struct result r;

    CHECK(get(c, "http://no-such-host.invalid/", &r) == 0);
    CHECK(wait_all(5000));
    CHECK(r.calls == 1 && r.status == 0 && r.has_error);
    printf("# %s\n", r.error);
    rt_client_free(c);
}

/* A UDP socket on 127.0.0.1 that nobody reads: a nameserver that never answers. */
static int silent_dns(char *addr, size_t len)
{
    struct sockaddr_in sin;
    socklen_t slen = sizeof(sin);
    int fd = socket(AF_INET, SOCK_DGRAM, 0);

    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0 || bind(fd, (struct sockaddr *)&sin, sizeof(sin)) != 0 ||
        getsockname(fd, (struct sockaddr *)&sin, &slen) != 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    snprintf(addr, len, "127.0.0.1:%d", ntohs(sin.sin_port));
    return fd;
}

static void test_lookup_timeout(void)
{
    struct rt_client *c = client_new(300, 0, NULL, 0, 0);
    char ns[64], u[128];
    int fd = silent_dns(ns, sizeof(ns));
    struct result slow, fast;

    CHECK(fd >= 0 && rt_client_set_nameserver(c, ns) == 0);
    CHECK(get(c, "http://upstream.example/json", &slow) == 0);
    url(u, sizeof(u), "http", "localhost", up_b.port, "/json"); /* /etc/hosts: no DNS server needed */
    CHECK(get(c, u, &fast) == 0);
    CHECK(wait_all(5000));
    CHECK(fast.status == 200);
    CHECK(slow.status == 0 && has(slow.error, "timed out after 300 ms"));
    rt_client_free(c);
    run_for(50); /* the cancelled lookup calls back and releases the resolver */
    close(fd);
}

static void test_shutdown(void)
{
    struct rt_client *c = client_new(5000, 0, NULL, 1, 0);
    char ns[64], u[128];
    int fd = silent_dns(ns, sizeof(ns));
    struct result a, b, d;

    CHECK(fd >= 0 && rt_client_set_nameserver(c, ns) == 0);
    url(u, sizeof(u), "http", "127.0.0.1", raw_hang.port, "/");
    CHECK(get(c, u, &a) == 0);
    CHECK(get(c, u, &b) == 0); /* waits: one connection per origin */
    CHECK(get(c, "http://upstream.example/", &d) == 0);
    run_for(50); /* a is sent, b waits, d's lookup is in flight */
    rt_client_free(c);
    CHECK(pending == 0);
    CHECK(a.calls == 1 && strcmp(a.error, "client shut down") == 0);
    CHECK(b.calls == 1 && strcmp(b.error, "client shut down") == 0);
    CHECK(d.calls == 1 && strcmp(d.error, "client shut down") == 0);
    run_for(50); /* the cancelled lookup calls back and releases the resolver */
    close(fd);
}

static void remove_tmpdir(void)
{
    char cmd[128];

    snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
    if (system(cmd) != 0)
        printf("# cannot remove %s\n", tmpdir);
}

int main(void)
{
    signal(SIGPIPE, SIG_IGN); /* as rt_server does: a peer's close must not kill the process */
    evthread_use_pthreads();
    snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_rt_client.XXXXXX");
    if (mkdtemp(tmpdir) == NULL) {
        printf("# cannot create a temporary directory\n");
        CHECK(false);
        return test_done();
    }
    base = event_base_new();
    if (make_certs() != 0 || base == NULL || servers_start() != 0) {
        printf("# cannot make the test certificates or start the upstreams\n");
        CHECK(false);
        remove_tmpdir();
        return test_done();
    }
    test_get_json();
    test_keep_alive_reuse();
    test_concurrent_connections();
    test_request_with_body();
    test_post_not_retried();
    test_all_idle_connections_used();
    test_timeout();
    test_refused();
    test_too_large_and_malformed();
    test_server_closes_keep_alive();
    test_idle_timeout();
    test_many_concurrent();
    test_tls();
    test_bad_urls_and_settings();
    test_dns_failure();
    test_lookup_timeout();
    test_shutdown();
    CHECK(cb_in_get == 0);
    servers_stop();
    event_base_free(base);
    remove_tmpdir();
    libevent_global_shutdown();
    return test_done();
}

/*
 * Loopback upstreams for the rt_client tests (see client_upstreams.h).
 */
#include "client_upstreams.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>
#include <sys/queue.h>
#include <event2/listener.h>

struct upstream up_a, up_b, up_v6, up_tls, up_tls_other;
struct raw_server raw_hang, raw_garbage, raw_close_second, raw_close_later, raw_big_headers, raw_close_early,
    raw_http10;

static struct event_base *srv_base;
static pthread_t srv_thread;
static char tmpdir[64]; /* "" unless certificates were made */
static char ca_file[128];

/* --- evhttp upstreams --- */

static void srv_conn_closed(struct evhttp_connection *evcon, void *arg)
{
    struct upstream *u = arg;
    int i;

    for (i = 0; i < UPSTREAM_MAX_LIVE; i++)
        if (u->conns[i] == evcon) {
            u->conns[i] = NULL;
            u->live--;
            break;
        }
    evhttp_connection_set_closecb(evcon, NULL, NULL); /* counted once; forgotten from now on */
}

/* Remember a connection the first time one of its requests arrives. */
static void srv_track(struct upstream *u, struct evhttp_request *req)
{
    struct evhttp_connection *evcon = evhttp_request_get_connection(req);
    int i, free_slot = -1;

    for (i = 0; i < UPSTREAM_MAX_LIVE; i++) {
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

static const char *method_name(enum evhttp_cmd_type cmd)
{
    switch (cmd) {
    case EVHTTP_REQ_POST:
        return "POST";
    case EVHTTP_REQ_PUT:
        return "PUT";
    case EVHTTP_REQ_DELETE:
        return "DELETE";
    case EVHTTP_REQ_PATCH:
        return "PATCH";
    case EVHTTP_REQ_GET:
        return "GET";
    default:
        return "OTHER";
    }
}

/* /echo: "<method> <Content-Type> <X-Test> <body>", as text. */
static void srv_echo(struct evhttp_request *req, struct upstream *u)
{
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    struct evbuffer *body = evhttp_request_get_input_buffer(req);
    struct evbuffer *b = evbuffer_new();
    const char *ctype = evhttp_find_header(in, "Content-Type");
    const char *xtest = evhttp_find_header(in, "X-Test");

    evbuffer_add_printf(b, "%s %s %s ", method_name(evhttp_request_get_command(req)), ctype ? ctype : "-",
                        xtest ? xtest : "-");
    evbuffer_add_buffer(b, body);
    u->requests++;
    evhttp_send_reply(req, 200, "OK", b);
    evbuffer_free(b);
}

/* /big: 100000 bytes, with Content-Length or (@p chunked) in one chunk. */
static void srv_big(struct evhttp_request *req, struct upstream *u, bool chunked)
{
    static char big[100000];
    struct evbuffer *b = evbuffer_new();

    memset(big, 'x', sizeof(big));
    evbuffer_add(b, big, sizeof(big));
    u->requests++;
    if (!chunked) {
        evhttp_send_reply(req, 200, "OK", b);
    } else {
        evhttp_send_reply_start(req, 200, "OK");
        evhttp_send_reply_chunk(req, b);
        evhttp_send_reply_end(req);
    }
    evbuffer_free(b);
}

/* Note the headers of the request the tests look at. */
static void srv_note_headers(struct upstream *u, struct evhttp_request *req)
{
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    struct evkeyval *h;
    const char *v;

    pthread_mutex_lock(&u->lock);
    v = evhttp_find_header(in, "User-Agent");
    snprintf(u->user_agent, sizeof(u->user_agent), "%s", v ? v : "");
    v = evhttp_find_header(in, "Accept");
    snprintf(u->accept, sizeof(u->accept), "%s", v ? v : "");
    v = evhttp_find_header(in, "Host");
    snprintf(u->host, sizeof(u->host), "%s", v ? v : "");
    v = evhttp_find_header(in, "traceparent");
    snprintf(u->traceparent, sizeof(u->traceparent), "%s", v ? v : "");
    v = evhttp_find_header(in, "tracestate");
    snprintf(u->tracestate, sizeof(u->tracestate), "%s", v ? v : "");
    u->traceparents = 0;
    for (h = TAILQ_FIRST(in); h != NULL; h = TAILQ_NEXT(h, next))
        u->traceparents += evutil_ascii_strcasecmp(h->key, "traceparent") == 0;
    pthread_mutex_unlock(&u->lock);
}

static void srv_handle(struct evhttp_request *req, void *arg)
{
    struct upstream *u = arg;
    const char *path = evhttp_request_get_uri(req);
    struct timeval tv = {0, 100 * 1000};
    struct delayed *d;

    srv_track(u, req);
    srv_note_headers(u, req);
    if (strcmp(path, "/echo") == 0) {
        srv_echo(req, u);
    } else if (strcmp(path, "/slow") == 0) {
        d = malloc(sizeof(*d));
        d->req = req;
        d->u = u;
        event_base_once(srv_base, -1, EV_TIMEOUT, srv_delayed_reply, d, &tv);
    } else if (strcmp(path, "/big") == 0 || strcmp(path, "/bigchunked") == 0) {
        srv_big(req, u, strcmp(path, "/bigchunked") == 0);
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
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);

    if (getsockname(fd, (struct sockaddr *)&ss, &len) != 0)
        return -1;
    if (ss.ss_family == AF_INET6)
        return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
}

/* Start @p u on @p addr; with @p cert (and @p key), TLS. */
static int upstream_start(struct upstream *u, const char *addr, const char *cert, const char *key)
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
    bs = evhttp_bind_socket_with_handle(u->http, addr, 0);
    if (bs == NULL)
        return -1;
    u->port = bound_port(evhttp_bound_socket_get_fd(bs));
    return u->port > 0 ? 0 : -1;
}

static void upstream_stop(struct upstream *u)
{
    if (u->http == NULL)
        return; /* never started */
    evhttp_free(u->http);
    if (u->ssl_ctx != NULL)
        SSL_CTX_free(u->ssl_ctx);
    pthread_mutex_destroy(&u->lock);
}

/* --- raw upstreams --- */

struct raw_conn {
    struct raw_server *srv;
    struct bufferevent *bev;
    struct event *close_timer;
    int n_requests;
};

static void raw_send_ok(struct raw_conn *rc)
{
    static const char resp[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                               "Content-Length: 11\r\n\r\n{\"ok\":true}";

    bufferevent_write(rc->bev, resp, sizeof(resp) - 1);
}

/* A response whose header fields are 70000 bytes, more than the client takes (64 KiB). */
static void raw_send_big_headers(struct raw_conn *rc)
{
    static char field[70000];
    static const char head[] = "HTTP/1.1 200 OK\r\nX-Big: ";
    static const char tail[] = "\r\nContent-Length: 2\r\n\r\n{}";

    memset(field, 'a', sizeof(field));
    bufferevent_write(rc->bev, head, sizeof(head) - 1);
    bufferevent_write(rc->bev, field, sizeof(field));
    bufferevent_write(rc->bev, tail, sizeof(tail) - 1);
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

/* Close @p rc in 50 ms (once what was written has gone out). */
static void raw_close_soon(struct raw_conn *rc)
{
    struct timeval tv = {0, 50 * 1000};

    if (rc->close_timer == NULL) {
        rc->close_timer = evtimer_new(srv_base, raw_close_timer, rc);
        evtimer_add(rc->close_timer, &tv);
    }
}

/* Answer one request according to the server's mode; @return -1 if @p rc was closed. */
static int raw_answer(struct raw_conn *rc)
{
    static const char early[] = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789";
    static const char http10[] = "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"
                                 "Content-Length: 11\r\n\r\n{\"ok\":true}";

    switch (rc->srv->mode) {
    case RAW_HANG:
        break;
    case RAW_GARBAGE:
        bufferevent_write(rc->bev, "this is not HTTP at all\r\n\r\n", 27);
        break;
    case RAW_CLOSE_SECOND:
        if (rc->n_requests > 1) {
            raw_close(rc);
            return -1;
        }
        raw_send_ok(rc);
        break;
    case RAW_CLOSE_LATER:
        raw_send_ok(rc);
        raw_close_soon(rc);
        break;
    case RAW_BIG_HEADERS:
        raw_send_big_headers(rc);
        break;
    case RAW_CLOSE_EARLY:
        bufferevent_write(rc->bev, early, sizeof(early) - 1);
        raw_close_soon(rc);
        break;
    case RAW_HTTP10: /* as Python's BaseHTTPRequestHandler: one request, then the connection ends */
        if (rc->n_requests == 1)
            bufferevent_write(rc->bev, http10, sizeof(http10) - 1);
        raw_close_soon(rc);
        break;
    }
    return 0;
}

static void raw_read(struct bufferevent *bev, void *arg)
{
    struct raw_conn *rc = arg;
    struct evbuffer *in = bufferevent_get_input(bev);
    struct evbuffer_ptr end;

    while ((end = evbuffer_search(in, "\r\n\r\n", 4, NULL)).pos >= 0) {
        evbuffer_drain(in, (size_t)end.pos + 4);
        rc->n_requests++;
        if (raw_answer(rc) != 0)
            return;
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
    if (srv->n_conns == RAW_MAX_CONNS) {
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

/* --- the server thread --- */

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

/* Make the certificates and start the TLS upstreams. */
static int tls_start(void)
{
    char cert[128], key[128];

    snprintf(tmpdir, sizeof(tmpdir), "/tmp/test_rt_client.XXXXXX");
    if (mkdtemp(tmpdir) == NULL) {
        tmpdir[0] = '\0';
        printf("# cannot create a temporary directory\n");
        return -1;
    }
    snprintf(ca_file, sizeof(ca_file), "%s/ca.pem", tmpdir);
    if (make_certs() != 0) {
        printf("# cannot make the test certificates\n");
        return -1;
    }
    snprintf(cert, sizeof(cert), "%s/local.pem", tmpdir);
    snprintf(key, sizeof(key), "%s/local.key", tmpdir);
    if (upstream_start(&up_tls, "127.0.0.1", cert, key) != 0)
        return -1;
    snprintf(cert, sizeof(cert), "%s/other.pem", tmpdir);
    snprintf(key, sizeof(key), "%s/other.key", tmpdir);
    return upstream_start(&up_tls_other, "127.0.0.1", cert, key);
}

int upstreams_start(bool tls)
{
    srv_base = event_base_new();
    if (srv_base == NULL || upstream_start(&up_a, "127.0.0.1", NULL, NULL) != 0 ||
        upstream_start(&up_b, "127.0.0.1", NULL, NULL) != 0 || (tls && tls_start() != 0)) {
        printf("# cannot start the upstreams\n");
        return -1;
    }
    if (upstream_start(&up_v6, "::1", NULL, NULL) != 0)
        up_v6.port = 0; /* no IPv6 loopback here: the tests that need it say so and skip */
    if (raw_start(&raw_hang, RAW_HANG) != 0 || raw_start(&raw_garbage, RAW_GARBAGE) != 0 ||
        raw_start(&raw_close_second, RAW_CLOSE_SECOND) != 0 ||
        raw_start(&raw_close_later, RAW_CLOSE_LATER) != 0 ||
        raw_start(&raw_big_headers, RAW_BIG_HEADERS) != 0 ||
        raw_start(&raw_close_early, RAW_CLOSE_EARLY) != 0 || raw_start(&raw_http10, RAW_HTTP10) != 0) {
        printf("# cannot start the raw upstreams\n");
        return -1;
    }
    return pthread_create(&srv_thread, NULL, srv_main, NULL) == 0 ? 0 : -1;
}

void upstreams_stop(void)
{
    event_base_loopbreak(srv_base);
    pthread_join(srv_thread, NULL);
    upstream_stop(&up_a);
    upstream_stop(&up_b);
    upstream_stop(&up_v6);
    upstream_stop(&up_tls);
    upstream_stop(&up_tls_other);
    raw_stop(&raw_hang);
    raw_stop(&raw_garbage);
    raw_stop(&raw_close_second);
    raw_stop(&raw_close_later);
    raw_stop(&raw_big_headers);
    raw_stop(&raw_close_early);
    raw_stop(&raw_http10);
    event_base_free(srv_base);
    if (tmpdir[0] != '\0') {
        char cmd[128];

        snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
        if (system(cmd) != 0)
            printf("# cannot remove %s\n", tmpdir);
    }
}

const char *upstreams_ca_file(void)
{
    return ca_file;
}

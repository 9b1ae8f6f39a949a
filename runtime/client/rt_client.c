/*
 * rt_client — an asynchronous HTTP/1.1 client on one event loop (see
 * rt_client.h for the contract).
 *
 * Objects:
 *   client  — the event base, a resolver, one SSL_CTX, the origins,
 *             every request not yet answered, and a "reaper" event that
 *             does deferred work (freeing dead connections, starting
 *             waiting requests) from the top of the loop, never from inside
 *             a libevent callback.
 *   origin  — scheme://host:port: its connections and a FIFO of requests
 *             waiting for one.
 *   conn    — one evhttp_connection (one socket, one TLS session) carrying
 *             at most one request at a time.  States: RESOLVING (evdns) →
 *             BUSY ⇄ IDLE → DEAD.  A connection is never reconnected: once
 *             libevent resets it (server close, error, cancel), it is dead
 *             and freed by the reaper; the pool opens a new one.
 *   creq    — one rt_client_request(): what to send (kept for a retry),
 *             its deadline, the libevent request while in flight, and the
 *             result until the callback has run.
 *
 * Name resolution (an evdns resolver and its lookups) is rt_client_resolve.c.
 *
 * Every request ends through req_finish(), which stores the result and
 * activates the request's event; the user callback runs from that event,
 * so never from inside rt_client_request() nor from inside libevent.
 */
#include "rt_client.h"
#include "rt_err.h"
#include "rt_metrics.h"
#include "rt_client_internal.h"
#include "rt_client_resolve.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h>
#include <time.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/util.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#define USER_AGENT "async-demo/0.1"
#define MAX_HEADERS_SIZE (64 * 1024) /* bytes of response headers */

enum req_state { REQ_WAITING, REQ_ACTIVE, REQ_DONE };
enum conn_state { CONN_RESOLVING, CONN_BUSY, CONN_IDLE, CONN_DEAD };

struct conn;
struct origin;

struct creq {
    TAILQ_ENTRY(creq) link;     /* in origin->waiting while REQ_WAITING */
    TAILQ_ENTRY(creq) all_link; /* in client->requests until the callback has run */
    struct rt_client *client;
    struct origin *origin;        /* NULL once done */
    struct conn *conn;            /* while REQ_ACTIVE */
    struct evhttp_request *evreq; /* while libevent holds the request for us */
    char *target;                 /* "/path?query" */
    enum evhttp_cmd_type method;
    char *send_body;     /* the request body (copy), or NULL */
    size_t send_len;     /* bytes in send_body */
    char *send_ctype;    /* its Content-Type (copy), or NULL */
    char **send_headers; /* more header fields (copies): name, value, ..., NULL; or NULL */
    rt_client_callback cb;
    void *arg;
    struct event *ev;      /* the deadline timer; activated by hand when done */
    struct timespec start; /* CLOCK_MONOTONIC at rt_client_request() */
    enum req_state state;
    bool retried;       /* already retried once on a fresh connection */
    bool need_fresh;    /* must go on a new connection (the retry) */
    bool got_headers;   /* the response's headers arrived */
    int metrics_source; /* the origin's slot in outbound_requests_total{source} */
    /* the result, valid once REQ_DONE */
    int status;
    char *content_type;
    struct evbuffer *body;
    double elapsed_ms;
    char error[256]; /* "" when a response was received */
};

struct conn {
    TAILQ_ENTRY(conn) link; /* in origin->conns, or client->dead once CONN_DEAD */
    struct origin *origin;
    enum conn_state state;
    struct rt_client_lookup *lookup; /* while evdns resolves the host for us */
    struct evhttp_connection *evcon;
    struct bufferevent *bev; /* owned by evcon once that exists */
    SSL *ssl;                /* owned by bev; NULL for http */
    struct creq *req;        /* the request on this connection, if any */
    struct event *idle_timer;
    unsigned long n_done; /* responses completed here: > 0 means a reused keep-alive connection */
    bool connected;       /* TCP (and TLS) established */
    bufferevent_event_cb evhttp_eventcb;
    void *evhttp_eventarg;
    int connect_errno;           /* errno of a failed connect, or 0 */
    bool connect_timed_out;      /* evhttp's connect timeout fired */
    unsigned long tls_error;     /* OpenSSL error of a failed handshake, or 0 */
    char addr[INET6_ADDRSTRLEN]; /* the resolved address connected to */
};

struct origin {
    TAILQ_ENTRY(origin) link; /* in client->origins */
    struct rt_client *client;
    bool https;
    bool host_is_ip;
    char *host; /* without brackets for IPv6 */
    int port;
    int metrics_source;       /* from rt_metrics_source("scheme://host:port") */
    TAILQ_HEAD(, conn) conns; /* live connections, idle ones first (most recently used first) */
    int n_conns;
    TAILQ_HEAD(, creq) waiting; /* FIFO */
};

struct rt_client {
    struct event_base *base;
    struct rt_client_resolver *resolver; /* one reference (rt_client_resolve.h) */
    SSL_CTX *ssl_ctx;
    struct rt_client_settings settings; /* defaults filled in; ca_file points to ca_file_copy */
    char *ca_file_copy;
    TAILQ_HEAD(, origin) origins;
    TAILQ_HEAD(, creq) requests; /* every request whose callback has not run */
    TAILQ_HEAD(, conn) dead;     /* connections to free */
    struct event *reaper;
    struct rt_client_stats stats; /* connections_opened and retries; the rest computed on demand */
    bool shutting_down;
};

static _Thread_local struct rt_client *current_client;

static void origin_pump(struct origin *o);
static void conn_send(struct conn *conn);

/* --- small helpers --- */

static double ms_since(const struct timespec *start)
{
    struct timespec now;

    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - start->tv_sec) * 1000.0 + (double)(now.tv_nsec - start->tv_nsec) / 1e6;
}

static struct timeval ms_to_tv(int ms)
{
    struct timeval tv;

    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    return tv;
}

/* Ask the reaper to run on the next loop iteration. */
static void schedule_reap(struct rt_client *client)
{
    if (!client->shutting_down)
        event_active(client->reaper, EV_TIMEOUT, 0);
}

/* --- requests --- */

/*
 * End @p req with a result: either @p status with the body already in
 * req->body (error NULL), or the error message.  Detaches it from its queue
 * or connection (the caller has dealt with the libevent request and the
 * connection) and activates its event, whose callback runs the user's
 * callback.  Idempotent.
 */
static void req_finish(struct creq *req, int status, const char *fmt, ...)
{
    va_list ap;

    if (req->state == REQ_DONE)
        return;
    if (req->state == REQ_WAITING && req->origin != NULL)
        TAILQ_REMOVE(&req->origin->waiting, req, link);
    if (req->conn != NULL) {
        req->conn->req = NULL;
        req->conn = NULL;
    }
    req->state = REQ_DONE;
    req->origin = NULL;
    req->status = status;
    req->error[0] = '\0';
    if (fmt != NULL) {
        va_start(ap, fmt);
        vsnprintf(req->error, sizeof(req->error), fmt, ap);
        va_end(ap);
        req->status = 0;
        evbuffer_drain(req->body, evbuffer_get_length(req->body));
        free(req->content_type);
        req->content_type = NULL;
    }
    req->elapsed_ms = ms_since(&req->start);
    event_del(req->ev);
    if (!req->client->shutting_down)
        event_active(req->ev, EV_TIMEOUT, 0);
}

/* Free what a request owns besides its result (NULL-safe); the request itself too. */
static void req_free(struct creq *req)
{
    char **h;

    if (req == NULL)
        return;
    if (req->ev != NULL)
        event_free(req->ev);
    if (req->body != NULL)
        evbuffer_free(req->body);
    free(req->content_type);
    free(req->target);
    free(req->send_body);
    free(req->send_ctype);
    for (h = req->send_headers; h != NULL && *h != NULL; h++)
        free(*h);
    free(req->send_headers);
    free(req);
}

/* How a finished request ended, for outbound_requests_total{outcome}. */
static enum rt_metrics_outcome outbound_outcome(const struct creq *req)
{
    if (req->error[0] == '\0')
        return req->status < 400 ? RT_METRICS_OUTBOUND_OK : RT_METRICS_OUTBOUND_HTTP_ERROR;
    return strstr(req->error, "timed out") != NULL ? RT_METRICS_OUTBOUND_TIMEOUT : RT_METRICS_OUTBOUND_ERROR;
}

/* Run the callback of a finished request and free it. */
static void req_deliver(struct creq *req)
{
    struct rt_client_response resp;
    size_t len = evbuffer_get_length(req->body);

    memset(&resp, 0, sizeof(resp));
    resp.status = req->status;
    resp.error = req->error[0] != '\0' ? req->error : NULL;
    resp.content_type = req->content_type;
    resp.elapsed_ms = req->elapsed_ms;
    if (resp.error == NULL && evbuffer_add(req->body, "", 1) == 0) {
        resp.body = (const char *)evbuffer_pullup(req->body, -1);
        resp.body_len = resp.body != NULL ? len : 0;
    }
    TAILQ_REMOVE(&req->client->requests, req, all_link);
    rt_metrics_outbound(req->metrics_source, outbound_outcome(req), (uint64_t)(req->elapsed_ms * 1e6));
    req->cb(&resp, req->arg);
    req_free(req);
}

/* --- connections --- */

/*
 * Take @p conn out of service: it leaves its origin's pool (making room for
 * a new connection), an unfinished name lookup is cancelled, and the reaper
 * frees it later.  The request on it, if any, stays attached; the caller
 * finishes or requeues it.  Idempotent.
 */
static void conn_kill(struct conn *conn)
{
    struct origin *o;
    struct rt_client *client;

    if (conn->state == CONN_DEAD)
        return; /* its origin may be gone */
    o = conn->origin;
    client = o->client;
    conn->state = CONN_DEAD;
    TAILQ_REMOVE(&o->conns, conn, link);
    o->n_conns--;
    TAILQ_INSERT_TAIL(&client->dead, conn, link);
    if (conn->idle_timer != NULL)
        event_del(conn->idle_timer);
    rt_client_lookup_cancel(&conn->lookup);
    schedule_reap(client);
}

/* Free a dead connection (from the reaper or rt_client_free, never from a libevent callback). */
static void conn_destroy(struct conn *conn)
{
    rt_client_lookup_cancel(&conn->lookup);
    if (conn->req != NULL) {
        /* Only during rt_client_free(): the libevent request dies with evcon. */
        conn->req->evreq = NULL;
        conn->req->conn = NULL;
        conn->req = NULL;
    }
    if (conn->evcon != NULL) {
        evhttp_connection_set_closecb(conn->evcon, NULL, NULL);
        evhttp_connection_free(conn->evcon); /* frees bev and ssl */
    } else if (conn->bev != NULL) {
        bufferevent_free(conn->bev);
    } else if (conn->ssl != NULL) {
        SSL_free(conn->ssl);
    }
    if (conn->idle_timer != NULL)
        event_free(conn->idle_timer);
    free(conn);
}

/* evhttp tells us the connection was closed (by the server, an error, or a reset). */
static void on_conn_closed(struct evhttp_connection *evcon, void *arg)
{
    struct conn *conn = arg;

    conn_kill(conn);
}

static void on_idle_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct conn *conn = arg;

    if (conn->state == CONN_IDLE)
        conn_kill(conn);
}

/*
 * Sits in front of evhttp's event callback on the bufferevent while the
 * connection is being made, to learn what evhttp does not tell: whether the
 * connection (and TLS handshake) succeeded, and if not, why.
 */
static void on_connect_event(struct bufferevent *bev, short what, void *arg)
{
    struct conn *conn = arg;
    int saved = EVUTIL_SOCKET_ERROR();
    bufferevent_event_cb cb = conn->evhttp_eventcb;
    void *cbarg = conn->evhttp_eventarg;
    unsigned long e;

    if (what & BEV_EVENT_CONNECTED) {
        conn->connected = true;
    } else {
        if (what & BEV_EVENT_TIMEOUT)
            conn->connect_timed_out = true;
        else if (saved != 0)
            conn->connect_errno = saved;
        if (conn->ssl != NULL) {
            /* bufferevent_openssl also queues bare SSL_get_error() codes (library 0): not TLS errors. */
            while ((e = bufferevent_get_openssl_error(bev)) != 0)
                if (conn->tls_error == 0 && ERR_GET_LIB(e) != 0)
                    conn->tls_error = e;
        }
    }
    EVUTIL_SET_SOCKET_ERROR(saved);
    if (cb != NULL)
        cb(bev, what, cbarg);
}

/* Why the connection could not be established, into req->error via req_finish(). */
static void fail_connect(struct creq *req, struct conn *conn)
{
    struct origin *o = conn->origin;
    long vr = conn->ssl != NULL ? SSL_get_verify_result(conn->ssl) : X509_V_OK;
    char buf[160];

    if (vr != X509_V_OK) {
        req_finish(req, 0, "certificate verify failed: %s (https://%s:%d)", X509_verify_cert_error_string(vr),
                   o->host, o->port);
    } else if (conn->connect_timed_out) {
        req_finish(req, 0, "connecting to %s:%d timed out", o->host, o->port);
    } else if (conn->tls_error != 0) {
        ERR_error_string_n(conn->tls_error, buf, sizeof(buf));
        req_finish(req, 0, "TLS handshake with %s:%d failed: %s", o->host, o->port, buf);
    } else if (conn->connect_errno != 0) {
        req_finish(req, 0, "cannot connect to %s:%d (%s): %s", o->host, o->port, conn->addr,
                   evutil_socket_error_to_string(conn->connect_errno));
    } else if (o->https) {
        req_finish(req, 0, "TLS handshake with %s:%d failed (connection closed)", o->host, o->port);
    } else {
        req_finish(req, 0, "cannot connect to %s:%d (%s)", o->host, o->port, conn->addr);
    }
}

/* Return @p conn to the pool after a completed response (unless it is dead). */
static void conn_release(struct conn *conn)
{
    struct origin *o = conn->origin;
    struct timeval tv = ms_to_tv(o->client->settings.idle_timeout_ms);

    conn->n_done++;
    if (conn->req != NULL) {
        conn->req->conn = NULL;
        conn->req = NULL;
    }
    if (conn->state == CONN_DEAD)
        return;
    conn->state = CONN_IDLE;
    TAILQ_REMOVE(&o->conns, conn, link);
    TAILQ_INSERT_HEAD(&o->conns, conn, link);
    event_add(conn->idle_timer, &tv);
    if (!TAILQ_EMPTY(&o->waiting))
        schedule_reap(o->client);
}

/* evhttp: the response's first line and headers arrived. */
static int on_headers(struct evhttp_request *evreq, void *arg)
{
    struct creq *req = arg;

    req->got_headers = true;
    return 0;
}

/*
 * evhttp: the request failed.  libevent has already freed the request and
 * reset the connection (on_conn_closed ran if it had been connected);
 * on_response(NULL) follows unless we cancelled.
 */
static void on_error(enum evhttp_request_error error, void *arg)
{
    struct creq *req = arg;
    struct conn *conn = req->conn;
    struct origin *o = req->origin;

    req->evreq = NULL;
    if (error == EVREQ_HTTP_REQUEST_CANCEL || req->state != REQ_ACTIVE || conn == NULL)
        return;
    conn_kill(conn);
    if (!conn->connected) {
        fail_connect(req, conn);
        return;
    }
    switch (error) {
    case EVREQ_HTTP_DATA_TOO_LONG:
        if (req->got_headers)
            req_finish(req, 0, "response larger than %zu bytes", req->client->settings.max_response_size);
        else
            req_finish(req, 0, "response headers larger than %d bytes", MAX_HEADERS_SIZE);
        break;
    case EVREQ_HTTP_INVALID_HEADER:
        req_finish(req, 0, "malformed response from %s:%d", o->host, o->port);
        break;
    case EVREQ_HTTP_TIMEOUT:
        req_finish(req, 0, "timed out after %d ms", req->client->settings.timeout_ms);
        break;
    case EVREQ_HTTP_EOF:
        if (conn->n_done > 0 && !req->got_headers && !req->retried && !req->client->shutting_down &&
            req->method == EVHTTP_REQ_GET) {
            /*
             * A keep-alive connection the server had closed: once more, on a
             * fresh connection.  GET only: it is idempotent, while the
             * server may have acted on a POST before closing.
             */
            conn->req = NULL;
            req->conn = NULL;
            req->retried = true;
            req->need_fresh = true;
            req->state = REQ_WAITING;
            TAILQ_INSERT_HEAD(&o->waiting, req, link);
            req->client->stats.retries++;
            schedule_reap(req->client);
            break;
        }
        req_finish(req, 0, "connection closed by %s:%d before a complete response", o->host, o->port);
        break;
    default:
        req_finish(req, 0, "I/O error talking to %s:%d", o->host, o->port);
        break;
    }
}

/*
 * evhttp: the request completed.  @p evreq is NULL after on_error (already
 * handled); a request with response code 0 means the connection could not
 * be made (evhttp calls back without an error then).  libevent frees
 * @p evreq when we return.
 */
static void on_response(struct evhttp_request *evreq, void *arg)
{
    struct creq *req = arg;
    struct conn *conn = req->conn;
    struct rt_client *client = req->client;
    const char *ctype;
    int code;

    if (req->evreq == NULL || req->state != REQ_ACTIVE || conn == NULL)
        return;
    req->evreq = NULL;
    if (evreq == NULL) {
        conn_kill(conn);
        req_finish(req, 0, "connection to %s:%d failed", req->origin->host, req->origin->port);
        return;
    }
    code = evhttp_request_get_response_code(evreq);
    if (code == 0) {
        conn_kill(conn);
        if (!conn->connected)
            fail_connect(req, conn);
        else
            req_finish(req, 0, "no response from %s:%d", req->origin->host, req->origin->port);
        return;
    }
    if (evbuffer_get_length(evhttp_request_get_input_buffer(evreq)) > client->settings.max_response_size) {
        conn_kill(conn);
        req_finish(req, 0, "response larger than %zu bytes", client->settings.max_response_size);
        return;
    }
    evbuffer_add_buffer(req->body, evhttp_request_get_input_buffer(evreq));
    ctype = evhttp_find_header(evhttp_request_get_input_headers(evreq), "Content-Type");
    free(req->content_type);
    req->content_type = ctype != NULL ? strdup(ctype) : NULL;
    conn_release(conn);
    req_finish(req, code, NULL);
}

/* Send conn->req on @p conn (connected or not yet: evhttp connects on demand). */
static void conn_send(struct conn *conn)
{
    struct creq *req = conn->req;
    struct origin *o = conn->origin;
    struct evhttp_request *evreq;
    struct evkeyvalq *h;
    bufferevent_data_cb rcb = NULL, wcb = NULL;
    char host[300], len[32];
    char **x;
    bool default_port = o->port == (o->https ? 443 : 80);

    event_del(conn->idle_timer);
    conn->state = CONN_BUSY;
    evreq = evhttp_request_new(on_response, req);
    if (evreq == NULL) {
        conn_kill(conn);
        req_finish(req, 0, "out of memory");
        return;
    }
    evhttp_request_set_error_cb(evreq, on_error);
    evhttp_request_set_header_cb(evreq, on_headers);
    h = evhttp_request_get_output_headers(evreq);
    if (strchr(o->host, ':') != NULL)
        snprintf(host, sizeof(host), default_port ? "[%s]" : "[%s]:%d", o->host, o->port);
    else
        snprintf(host, sizeof(host), default_port ? "%s" : "%s:%d", o->host, o->port);
    evhttp_add_header(h, "Host", host);
    evhttp_add_header(h, "User-Agent", USER_AGENT);
    evhttp_add_header(h, "Accept", "application/json");
    for (x = req->send_headers; x != NULL && x[0] != NULL && x[1] != NULL; x += 2)
        evhttp_add_header(h, x[0], x[1]);
    if (req->send_body != NULL) {
        snprintf(len, sizeof(len), "%zu", req->send_len);
        evhttp_add_header(h, "Content-Length", len);
        if (req->send_ctype != NULL)
            evhttp_add_header(h, "Content-Type", req->send_ctype);
        if (evbuffer_add(evhttp_request_get_output_buffer(evreq), req->send_body, req->send_len) != 0) {
            evhttp_request_free(evreq);
            conn_kill(conn);
            req_finish(req, 0, "out of memory");
            return;
        }
    }
    req->evreq = evreq;
    req->got_headers = false;
    if (evhttp_make_request(conn->evcon, evreq, req->method, req->target) != 0) {
        /* libevent has freed evreq */
        req->evreq = NULL;
        conn_kill(conn);
        req_finish(req, 0, "cannot send the request to %s:%d", o->host, o->port);
        return;
    }
    /* While connecting, watch the bufferevent's events in front of evhttp. */
    if (req->evreq != NULL && conn->state == CONN_BUSY && !conn->connected) {
        bufferevent_getcb(conn->bev, &rcb, &wcb, &conn->evhttp_eventcb, &conn->evhttp_eventarg);
        if (rcb == NULL && wcb == NULL && conn->evhttp_eventcb != NULL) {
            bufferevent_setcb(conn->bev, NULL, NULL, on_connect_event, conn);
        }
    }
}

/* Create the bufferevent (TLS or plain) and evhttp connection to conn->addr, then send. */
static void conn_connect(struct conn *conn)
{
    struct origin *o = conn->origin;
    struct rt_client *client = o->client;
    struct timeval tv;
    int t;

    if (o->https) {
        conn->ssl = SSL_new(client->ssl_ctx);
        if (conn->ssl == NULL)
            goto oom;
        if (o->host_is_ip) {
            if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(conn->ssl), o->host) != 1)
                goto oom;
        } else {
            if (SSL_set_tlsext_host_name(conn->ssl, o->host) != 1 || SSL_set1_host(conn->ssl, o->host) != 1)
                goto oom;
            SSL_set_hostflags(conn->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
        }
        conn->bev = bufferevent_openssl_socket_new(client->base, -1, conn->ssl, BUFFEREVENT_SSL_CONNECTING,
                                                   BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
        if (conn->bev == NULL)
            goto oom;
        bufferevent_openssl_set_allow_dirty_shutdown(conn->bev, 1);
    } else {
        conn->bev = bufferevent_socket_new(client->base, -1, BEV_OPT_CLOSE_ON_FREE);
        if (conn->bev == NULL)
            goto oom;
    }
    conn->evcon = evhttp_connection_base_bufferevent_new(client->base, NULL, conn->bev, conn->addr,
                                                         (unsigned short)o->port);
    if (conn->evcon == NULL)
        goto oom;
    evhttp_connection_set_closecb(conn->evcon, on_conn_closed, conn);
    evhttp_connection_set_max_body_size(conn->evcon, client->settings.max_response_size < (size_t)EV_SSIZE_MAX
                                                         ? (ev_ssize_t)client->settings.max_response_size
                                                         : EV_SSIZE_MAX);
    evhttp_connection_set_max_headers_size(conn->evcon, MAX_HEADERS_SIZE);
    /* Our own timers decide; evhttp's (connect, read, write) only as a backstop. */
    t = client->settings.timeout_ms > client->settings.idle_timeout_ms ? client->settings.timeout_ms
                                                                       : client->settings.idle_timeout_ms;
    tv = ms_to_tv(t + 1000);
    evhttp_connection_set_timeout_tv(conn->evcon, &tv);
    conn_send(conn);
    return;
oom:
    conn_kill(conn);
    if (conn->req != NULL)
        req_finish(conn->req, 0, "cannot set up a connection to %s:%d", o->host, o->port);
}

/* The lookup for a connection being opened answered. */
static void on_resolved(const char *addr, const char *error, void *arg)
{
    struct conn *conn = arg;

    if (conn->state == CONN_DEAD || conn->req == NULL) {
        conn_kill(conn);
        return;
    }
    if (addr == NULL) {
        conn_kill(conn);
        req_finish(conn->req, 0, "cannot resolve host \"%s\": %s", conn->origin->host, error);
        return;
    }
    snprintf(conn->addr, sizeof(conn->addr), "%s", addr);
    conn->state = CONN_BUSY;
    conn_connect(conn);
}

/* Open a new connection for @p req: resolve (unless an IP literal), connect, send. */
static void conn_open(struct origin *o, struct creq *req)
{
    struct rt_client *client = o->client;
    struct conn *conn = calloc(1, sizeof(*conn));

    if (conn == NULL) {
        req_finish(req, 0, "out of memory");
        return;
    }
    conn->origin = o;
    conn->idle_timer = evtimer_new(client->base, on_idle_timeout, conn);
    if (conn->idle_timer == NULL) {
        free(conn);
        req_finish(req, 0, "out of memory");
        return;
    }
    TAILQ_INSERT_TAIL(&o->conns, conn, link);
    o->n_conns++;
    client->stats.connections_opened++;
    conn->req = req;
    req->conn = conn;
    req->state = REQ_ACTIVE;
    if (o->host_is_ip) {
        snprintf(conn->addr, sizeof(conn->addr), "%s", o->host);
        conn->state = CONN_BUSY;
        conn_connect(conn);
        return;
    }
    conn->state = CONN_RESOLVING;
    if (rt_client_lookup_start(client->resolver, o->host, on_resolved, conn, &conn->lookup) != 0) {
        conn_kill(conn);
        req_finish(req, 0, "out of memory");
    }
}

/*
 * Start waiting requests of @p o: on an idle connection if there is one,
 * else on a new connection while under the cap; the rest keep waiting.
 */
static void origin_pump(struct origin *o)
{
    struct rt_client *client = o->client;
    struct creq *req;
    struct conn *conn, *idle;

    while ((req = TAILQ_FIRST(&o->waiting)) != NULL && !client->shutting_down) {
        idle = TAILQ_FIRST(&o->conns);
        if (idle != NULL && idle->state != CONN_IDLE)
            idle = NULL;
        if (idle != NULL && !req->need_fresh) {
            TAILQ_REMOVE(&o->waiting, req, link);
            conn = idle;
            /* Busy ones go to the back, so that the next idle one is first again. */
            TAILQ_REMOVE(&o->conns, conn, link);
            TAILQ_INSERT_TAIL(&o->conns, conn, link);
            conn->req = req;
            req->conn = conn;
            req->state = REQ_ACTIVE;
            conn_send(conn);
            continue;
        }
        if (o->n_conns >= client->settings.max_connections_per_origin) {
            if (idle == NULL)
                break;
            conn_kill(idle); /* make room for the fresh connection a retry needs */
        }
        TAILQ_REMOVE(&o->waiting, req, link);
        req->need_fresh = false;
        conn_open(o, req);
    }
}

/* The deferred work: free dead connections, start waiting requests, drop unused origins. */
static void on_reap(evutil_socket_t fd, short what, void *arg)
{
    struct rt_client *client = arg;
    struct conn *conn;
    struct origin *o, *next;

    while ((conn = TAILQ_FIRST(&client->dead)) != NULL) {
        TAILQ_REMOVE(&client->dead, conn, link);
        conn_destroy(conn);
    }
    TAILQ_FOREACH(o, &client->origins, link)
    origin_pump(o);
    for (o = TAILQ_FIRST(&client->origins); o != NULL; o = next) {
        next = TAILQ_NEXT(o, link);
        if (o->n_conns == 0 && TAILQ_EMPTY(&o->waiting)) {
            TAILQ_REMOVE(&client->origins, o, link);
            free(o->host);
            free(o);
        }
    }
}

/* The request's event: the deadline passed, or the request is done and its callback due. */
static void on_req_event(evutil_socket_t fd, short what, void *arg)
{
    struct creq *req = arg;
    struct conn *conn = req->conn;
    struct evhttp_request *evreq = req->evreq;

    if (req->state != REQ_DONE) {
        if (conn != NULL)
            conn_kill(conn);
        if (evreq != NULL) {
            req->evreq = NULL;
            evhttp_cancel_request(evreq); /* on_error(CANCEL) only; frees evreq, resets evcon */
        }
        req_finish(req, 0, "timed out after %d ms", req->client->settings.timeout_ms);
        event_del(req->ev); /* req_finish re-activated it */
    }
    req_deliver(req);
}

/* --- origins --- */

/* The origin's label for the metrics (a lock, but once per origin, not per call). */
static int origin_metrics_source(const struct origin *o)
{
    char name[300];
    bool v6 = strchr(o->host, ':') != NULL;

    snprintf(name, sizeof(name), "%s://%s%s%s:%d", o->https ? "https" : "http", v6 ? "[" : "", o->host,
             v6 ? "]" : "", o->port);
    return rt_metrics_source(name);
}

static struct origin *origin_get(struct rt_client *client, bool https, const char *host, int port)
{
    struct origin *o;
    unsigned char buf[sizeof(struct in6_addr)];

    TAILQ_FOREACH(o, &client->origins, link)
    if (o->https == https && o->port == port && strcasecmp(o->host, host) == 0)
        return o;
    o = calloc(1, sizeof(*o));
    if (o == NULL)
        return NULL;
    o->host = strdup(host);
    if (o->host == NULL) {
        free(o);
        return NULL;
    }
    o->client = client;
    o->https = https;
    o->port = port;
    o->host_is_ip = evutil_inet_pton(AF_INET, host, buf) == 1 || evutil_inet_pton(AF_INET6, host, buf) == 1;
    o->metrics_source = origin_metrics_source(o);
    TAILQ_INIT(&o->conns);
    TAILQ_INIT(&o->waiting);
    TAILQ_INSERT_TAIL(&client->origins, o, link);
    return o;
}

/* --- public API --- */

struct rt_client *rt_client_new(struct event_base *base, const struct rt_client_settings *settings, char *err,
                                size_t errlen)
{
    struct rt_client *client = NULL;
    char buf[200];

    if (base == NULL) {
        rt_err_set(err, errlen, "no event base");
        goto err;
    }
    client = calloc(1, sizeof(*client));
    if (client == NULL) {
        rt_err_set(err, errlen, "out of memory");
        goto err;
    }
    client->base = base;
    TAILQ_INIT(&client->origins);
    TAILQ_INIT(&client->requests);
    TAILQ_INIT(&client->dead);
    if (settings != NULL)
        client->settings = *settings;
    if (client->settings.timeout_ms <= 0)
        client->settings.timeout_ms = RT_CLIENT_DEFAULT_TIMEOUT_MS;
    if (client->settings.max_response_size == 0)
        client->settings.max_response_size = RT_CLIENT_DEFAULT_MAX_RESPONSE_SIZE;
    if (client->settings.max_connections_per_origin <= 0)
        client->settings.max_connections_per_origin = RT_CLIENT_DEFAULT_MAX_CONNECTIONS;
    if (client->settings.idle_timeout_ms <= 0)
        client->settings.idle_timeout_ms = RT_CLIENT_DEFAULT_IDLE_TIMEOUT_MS;
    client->settings.ca_file = NULL;
    if (settings != NULL && settings->ca_file != NULL) {
        client->ca_file_copy = strdup(settings->ca_file);
        if (client->ca_file_copy == NULL) {
            rt_err_set(err, errlen, "out of memory");
            goto err;
        }
        client->settings.ca_file = client->ca_file_copy;
    }

    client->reaper = event_new(base, -1, 0, on_reap, client);
    if (client->reaper == NULL) {
        rt_err_set(err, errlen, "cannot create an event");
        goto err;
    }

    /* A resolver per client: its lookups run on this loop. */
    client->resolver = rt_client_resolver_new(base, err, errlen);
    if (client->resolver == NULL)
        goto err;

    client->ssl_ctx = SSL_CTX_new(TLS_client_method());
    if (client->ssl_ctx == NULL) {
        rt_err_set(err, errlen, "cannot create a TLS context");
        goto err;
    }
    SSL_CTX_set_min_proto_version(client->ssl_ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(client->ssl_ctx, SSL_VERIFY_PEER, NULL);
    if (client->settings.ca_file != NULL) {
        if (SSL_CTX_load_verify_locations(client->ssl_ctx, client->settings.ca_file, NULL) != 1) {
            ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
            ERR_clear_error();
            rt_err_set(err, errlen, "cannot load CA file %s: %s", client->settings.ca_file, buf);
            goto err;
        }
    } else if (SSL_CTX_set_default_verify_paths(client->ssl_ctx) != 1) {
        ERR_clear_error();
        rt_err_set(err, errlen, "cannot load the system's CA certificates");
        goto err;
    }
    return client;
err:
    if (client != NULL) {
        if (client->ssl_ctx != NULL)
            SSL_CTX_free(client->ssl_ctx);
        rt_client_resolver_release(client->resolver);
        if (client->reaper != NULL)
            event_free(client->reaper);
        free(client->ca_file_copy);
        free(client);
    }
    return NULL;
}

void rt_client_free(struct rt_client *client)
{
    struct origin *o;
    struct conn *conn;
    struct creq *req;

    if (client == NULL)
        return;
    client->shutting_down = true;
    /* Close everything first: libevent requests die with their connections, silently. */
    TAILQ_FOREACH(o, &client->origins, link)
    {
        while ((conn = TAILQ_FIRST(&o->conns)) != NULL) {
            conn->state = CONN_DEAD;
            TAILQ_REMOVE(&o->conns, conn, link);
            o->n_conns--;
            conn_destroy(conn);
        }
    }
    while ((conn = TAILQ_FIRST(&client->dead)) != NULL) {
        TAILQ_REMOVE(&client->dead, conn, link);
        conn_destroy(conn);
    }
    TAILQ_FOREACH(req, &client->requests, all_link)
    {
        req->evreq = NULL;
        req_finish(req, 0, "client shut down");
    }
    /* Answer everything, in the order the requests were made. */
    while ((req = TAILQ_FIRST(&client->requests)) != NULL)
        req_deliver(req);
    while ((o = TAILQ_FIRST(&client->origins)) != NULL) {
        TAILQ_REMOVE(&client->origins, o, link);
        free(o->host);
        free(o);
    }
    if (current_client == client)
        current_client = NULL;
    event_free(client->reaper);
    rt_client_resolver_release(client->resolver);
    SSL_CTX_free(client->ssl_ctx);
    free(client->ca_file_copy);
    free(client);
}

/* @return the libevent method for @p name (NULL = GET), or -1 if unsupported. */
static int method_from_name(const char *name)
{
    static const struct {
        const char *name;
        enum evhttp_cmd_type type;
    } methods[] = {{"GET", EVHTTP_REQ_GET},        {"HEAD", EVHTTP_REQ_HEAD},     {"POST", EVHTTP_REQ_POST},
                   {"PUT", EVHTTP_REQ_PUT},        {"DELETE", EVHTTP_REQ_DELETE}, {"PATCH", EVHTTP_REQ_PATCH},
                   {"OPTIONS", EVHTTP_REQ_OPTIONS}};
    size_t i;

    if (name == NULL)
        return EVHTTP_REQ_GET;
    for (i = 0; i < sizeof(methods) / sizeof(methods[0]); i++)
        if (strcmp(name, methods[i].name) == 0)
            return (int)methods[i].type;
    return -1;
}

/* @return true if @p s may go into a header field (no CR, LF or NUL tricks; names non-empty, no ':'). */
static bool header_ok(const char *s, bool is_name)
{
    if (s == NULL || (is_name && (s[0] == '\0' || strchr(s, ':') != NULL || strpbrk(s, " \t") != NULL)))
        return false;
    return strpbrk(s, "\r\n") == NULL;
}

/* Copy what @p r asks to send into @p req.  @return 0, or -1 (invalid or out of memory). */
static int req_copy_send(struct creq *req, const struct rt_client_request *r)
{
    size_t n = 0, i;
    int m = method_from_name(r->method);

    if (m < 0)
        return -1;
    req->method = (enum evhttp_cmd_type)m;
    if (r->body != NULL) {
        req->send_body = malloc(r->body_len + 1);
        if (req->send_body == NULL)
            return -1;
        memcpy(req->send_body, r->body, r->body_len);
        req->send_body[r->body_len] = '\0';
        req->send_len = r->body_len;
    }
    if (r->content_type != NULL) {
        if (!header_ok(r->content_type, false) || (req->send_ctype = strdup(r->content_type)) == NULL)
            return -1;
    }
    if (r->headers == NULL)
        return 0;
    while (r->headers[n] != NULL && r->headers[n + 1] != NULL)
        n += 2;
    req->send_headers = calloc(n + 1, sizeof(char *));
    if (req->send_headers == NULL)
        return -1;
    for (i = 0; i < n; i++) {
        if (!header_ok(r->headers[i], i % 2 == 0))
            return -1;
        req->send_headers[i] = strdup(r->headers[i]);
        if (req->send_headers[i] == NULL)
            return -1;
    }
    return 0;
}

int rt_client_get(struct rt_client *client, const char *url, rt_client_callback cb, void *arg)
{
    struct rt_client_request r;

    memset(&r, 0, sizeof(r));
    r.method = "GET";
    r.url = url;
    return rt_client_request(client, &r, cb, arg);
}

int rt_client_request(struct rt_client *client, const struct rt_client_request *request,
                      rt_client_callback cb, void *arg)
{
    struct evhttp_uri *uri = NULL;
    struct creq *req = NULL;
    struct origin *o;
    const char *scheme, *host, *path, *query, *url;
    char hostbuf[256];
    size_t hlen;
    bool https;
    int port;
    struct timeval tv;

    if (client == NULL || request == NULL || request->url == NULL || cb == NULL || client->shutting_down)
        return -1;
    url = request->url;
    uri = evhttp_uri_parse_with_flags(url, 0);
    if (uri == NULL)
        goto err;
    scheme = evhttp_uri_get_scheme(uri);
    host = evhttp_uri_get_host(uri);
    if (scheme == NULL || host == NULL || host[0] == '\0')
        goto err;
    if (strcasecmp(scheme, "https") == 0)
        https = true;
    else if (strcasecmp(scheme, "http") == 0)
        https = false;
    else
        goto err;
    hlen = strlen(host);
    if (host[0] == '[') { /* IPv6 literal */
        if (hlen < 3 || host[hlen - 1] != ']' || hlen - 2 >= sizeof(hostbuf))
            goto err;
        memcpy(hostbuf, host + 1, hlen - 2);
        hostbuf[hlen - 2] = '\0';
    } else {
        if (hlen >= sizeof(hostbuf))
            goto err;
        memcpy(hostbuf, host, hlen + 1);
    }
    port = evhttp_uri_get_port(uri);
    if (port < 0)
        port = https ? 443 : 80;
    if (port == 0 || port > 65535)
        goto err;

    req = calloc(1, sizeof(*req));
    if (req == NULL)
        goto err;
    path = evhttp_uri_get_path(uri);
    query = evhttp_uri_get_query(uri);
    if (path == NULL || path[0] == '\0')
        path = "/";
    if (asprintf(&req->target, "%s%s%s", path, query != NULL ? "?" : "", query != NULL ? query : "") < 0) {
        req->target = NULL;
        goto err;
    }
    if (req_copy_send(req, request) != 0)
        goto err;
    req->body = evbuffer_new();
    req->ev = evtimer_new(client->base, on_req_event, req);
    if (req->body == NULL || req->ev == NULL)
        goto err;
    o = origin_get(client, https, hostbuf, port);
    if (o == NULL)
        goto err;
    req->client = client;
    req->origin = o;
    req->metrics_source = o->metrics_source;
    req->cb = cb;
    req->arg = arg;
    req->state = REQ_WAITING;
    clock_gettime(CLOCK_MONOTONIC, &req->start);
    tv = ms_to_tv(client->settings.timeout_ms);
    event_add(req->ev, &tv);
    TAILQ_INSERT_TAIL(&o->waiting, req, link);
    TAILQ_INSERT_TAIL(&client->requests, req, all_link);
    schedule_reap(client);
    evhttp_uri_free(uri);
    return 0;
err:
    req_free(req);
    if (uri != NULL)
        evhttp_uri_free(uri);
    return -1;
}

struct rt_client *rt_client_current(void)
{
    return current_client;
}

void rt_client_set_current(struct rt_client *client)
{
    current_client = client;
}

void rt_client_get_stats(const struct rt_client *client, struct rt_client_stats *stats)
{
    const struct origin *o;
    const struct conn *conn;
    const struct creq *req;

    *stats = client->stats;
    stats->connections_open = 0;
    stats->connections_idle = 0;
    stats->requests_waiting = 0;
    TAILQ_FOREACH(o, &client->origins, link)
    {
        stats->connections_open += o->n_conns;
        TAILQ_FOREACH(conn, &o->conns, link)
        if (conn->state == CONN_IDLE)
            stats->connections_idle++;
        TAILQ_FOREACH(req, &o->waiting, link)
        stats->requests_waiting++;
    }
}

int rt_client_set_nameserver(struct rt_client *client, const char *addr)
{
    return rt_client_resolver_set_nameserver(client->resolver, addr);
}

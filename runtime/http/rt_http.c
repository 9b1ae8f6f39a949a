/*
 * rt_http — HTTP/1.1 connections on one event loop (see rt_http.h).
 *
 * Each connection is a small state machine:
 *
 *   IDLE ──first byte──> HEAD ──head parsed──> BODY ──body read──> HANDLING
 *     ^                    │                     │                    │
 *     └──── reply queued (keep-alive) ───────────┴────────────────────┘
 *
 *   any error before HANDLING, or a reply with "Connection: close"
 *     ──> CLOSING (flush the answer) ──> LINGER (half-closed, drain input) ──> freed
 *
 * One timer per connection enforces the deadline of the current state:
 * keep-alive idle time in IDLE, the head deadline in HEAD, the body
 * deadline in BODY, and the lingering time in LINGER.  No timer runs while
 * the application handles a request.  The request object is embedded in
 * the connection and reused, so a keep-alive connection allocates nothing
 * per request in the common case.
 *
 * If the socket fails while a handler still owns the request, the socket
 * is closed at once but the connection object stays (a "zombie") until the
 * handler has answered and the loop runs again, so the handler never sees
 * a dangling request, not even when it answers twice.
 *
 * This file is the server: listeners and accepting, the connection table,
 * each connection's events and timer, and its end.  Reading requests is in
 * rt_http_read.c, answering them (and closing) in rt_http_write.c; what
 * they share is in rt_http_internal.h.
 */
#include "rt_http_internal.h"
#include "rt_log.h"
#include "rt_mem.h"
#include "rt_metrics.h"
#include "rt_stream.h"
#include "rt_time.h"

#include <arpa/inet.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

/* --- events --- */

static void conn_readcb(struct rt_stream *stream, void *arg)
{
    struct conn *c = arg;

    if (c->state == CONN_LINGER) {
        struct evbuffer *in = rt_stream_input(stream);

        evbuffer_drain(in, evbuffer_get_length(in)); /* read only to keep the close clean */
        return;
    }
    rt_http_conn_process(c);
}

/* The output drained after waiting for the socket (or rt_stream_notify_written). */
static void conn_writecb(struct rt_stream *stream, void *arg)
{
    struct conn *c = arg;

    (void)stream;
    if (c->state == CONN_CLOSING)
        rt_http_conn_linger(c);
    else if (c->state == CONN_IDLE)
        rt_http_conn_process(c); /* output drained below the mark: pipelined input may continue */
}

/* The socket is unusable: close it now; the connection itself waits for its handler if it has one. */
static void conn_drop_socket(struct conn *c)
{
    if (c->state != CONN_HANDLING) {
        rt_http_conn_free(c);
        return;
    }
    c->req.peer_gone = true;
    c->peer_eof = true;
    rt_stream_free(c->stream);
    c->stream = NULL;
    evtimer_del(c->timer); /* a zombie's timer only runs when its request ends (rt_http_conn_request_ended) */
    c->timer_at_ns = 0;
    c->deadline_ns = 0;
}

/* The reason a TLS connection failed, at debug level: a port on the internet sees many. */
static void log_tls_error(struct conn *c)
{
    char reason[256];

    rt_stream_error_reason(c->stream, reason, sizeof(reason));
    rt_log_debug("%s: TLS %s failed: %s", c->peer, rt_stream_is_up(c->stream) ? "connection" : "handshake",
                 reason[0] ? reason : "connection closed");
}

static void conn_eventcb(struct rt_stream *stream, enum rt_stream_event what, void *arg)
{
    struct conn *c = arg;

    switch (what) {
    case RT_STREAM_CONNECTED:
        /* TLS handshake done: from now on an idle connection has the keep-alive time. */
        if (c->state == CONN_IDLE)
            rt_http_conn_set_timer(c, c->http->settings.keepalive_timeout_ms);
        break;
    case RT_STREAM_ERROR:
        /* On a TLS port this includes failed handshakes (plain HTTP sent to it, say). */
        if (rt_stream_is_tls(stream))
            log_tls_error(c);
        conn_drop_socket(c);
        break;
    case RT_STREAM_EOF:
        c->peer_eof = true;
        if (c->state == CONN_HANDLING) {
            /*
             * Perhaps only a half-close: the answer is still written if the
             * socket takes it, and so are those of the requests pipelined
             * before the FIN (rt_http_conn_request_ended goes on with them).
             */
            c->req.peer_gone = true;
        } else if (c->state == CONN_CLOSING && evbuffer_get_length(rt_stream_output(stream)) > 0) {
            /* keep flushing; the written callback or an error ends it */
        } else if (c->state == CONN_IDLE || c->state == CONN_HEAD || c->state == CONN_BODY) {
            rt_http_conn_process(c); /* serves what was received before the FIN, then closes */
        } else {
            rt_http_conn_free(c);
        }
        break;
    case RT_STREAM_TIMEOUT:
        /* Write timeout: the client does not read its answer. */
        conn_drop_socket(c);
        break;
    }
}

/* Arm the timer to fire in @p ms, or tick_ms if that is sooner. */
static void conn_arm_timer(struct conn *c, uint64_t now, int ms)
{
    struct timeval scratch;

    if (c->http->tick_ms > 0 && ms > c->http->tick_ms)
        ms = c->http->tick_ms;
    evtimer_add(c->timer, rt_http_timeout_tv(c->http, ms, &scratch));
    c->timer_at_ns = now + (uint64_t)ms * 1000000u;
}

void rt_http_conn_set_timer(struct conn *c, int ms)
{
    uint64_t now;

    if (ms <= 0) {
        c->deadline_ns = 0; /* an armed timer finds nothing due, and stops */
        return;
    }
    now = rt_time_mono_ns();
    c->deadline_ns = now + (uint64_t)ms * 1000000u;
    if (c->timer_at_ns != 0 && c->timer_at_ns <= c->deadline_ns)
        return; /* it fires first, and arms itself again for the rest */
    conn_arm_timer(c, now, ms);
}

static void conn_timercb(evutil_socket_t fd, short what, void *arg)
{
    struct conn *c = arg;

    c->timer_at_ns = 0;
    if (c->stream != NULL) { /* a zombie's comes from its request's end: no deadline to check */
        uint64_t now = rt_time_mono_ns();

        if (c->deadline_ns == 0)
            return; /* the state has no deadline (flushing an answer; handling with no HANDLER_TIMEOUT) */
        if (now < c->deadline_ns) {
            /* Early, for this state's deadline (or by the loop's coarser clock): wait for the rest. */
            conn_arm_timer(c, now, (int)((c->deadline_ns - now + 999999u) / 1000000u));
            return;
        }
    }
    switch (c->state) {
    case CONN_HEAD:
        rt_http_conn_fail(c, 408, "Request timeout: the request head was not received in time");
        break;
    case CONN_BODY:
        rt_http_conn_fail(c, 408, "Request timeout: the request body was not received in time");
        break;
    case CONN_HANDLING:
        if (c->stream != NULL && c->req.active && !c->req.late) { /* the handler's time is up */
            rt_http_conn_no_answer(c);
            conn_drop_socket(c); /* a zombie, until the handler answers */
            break;
        }
        rt_http_conn_free(c);
        break;
    case CONN_IDLE:
    case CONN_LINGER:
    case CONN_CLOSING:
        rt_http_conn_free(c);
        break;
    }
}

/* --- connection lifetime --- */

static void resume_accepting(struct rt_http *http)
{
    int i;

    if (!http->accept_paused || http->draining)
        return;
    http->accept_paused = false;
    for (i = 0; i < http->n_listeners; i++)
        evconnlistener_enable(http->listeners[i]);
}

void rt_http_conn_free(struct conn *c)
{
    struct rt_http *http = c->http;

    if (c->req.active) {
        conn_drop_socket(c); /* the handler still owns the request */
        return;
    }
    LIST_REMOVE(c, link);
    http->n_conns--;
    rt_metrics_conn_closed();
    if (c->state == CONN_IDLE && c->stream != NULL)
        rt_stream_close_notify(c->stream); /* keep-alive time over, or draining */
    rt_stream_free(c->stream);
    event_del(c->timer); /* assigned in c's own memory */
    if (c->chunks != NULL)
        evbuffer_free(c->chunks);
    rt_req_cleanup(&c->req);
    free(c);
    resume_accepting(http);
    if (http->draining && http->n_conns == 0 && http->drained != NULL) {
        void (*drained)(void *) = http->drained;

        http->drained = NULL;
        drained(http->drained_arg);
    }
}

static void format_peer(const struct sockaddr *sa, char *buf, size_t size)
{
    char host[INET6_ADDRSTRLEN] = "?";

    if (sa->sa_family == AF_INET) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)(const void *)sa;

        inet_ntop(AF_INET, &in->sin_addr, host, sizeof(host));
        snprintf(buf, size, "%s:%u", host, (unsigned)ntohs(in->sin_port));
    } else if (sa->sa_family == AF_INET6) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)(const void *)sa;

        inet_ntop(AF_INET6, &in6->sin6_addr, host, sizeof(host));
        snprintf(buf, size, "[%s]:%u", host, (unsigned)ntohs(in6->sin6_port));
    } else {
        snprintf(buf, size, "-");
    }
}

static void acceptcb(struct evconnlistener *listener, evutil_socket_t fd, struct sockaddr *sa, int socklen,
                     void *arg)
{
    struct rt_http *http = arg;
    const struct rt_http_settings *s = &http->settings;
    struct conn *c = rt_xcalloc(1, sizeof(*c) + event_get_struct_event_size());
    struct rt_stream_callbacks cbs = {conn_readcb, conn_writecb, conn_eventcb, c};
    /* Bound what one connection buffers: a full head and body, plus a little pipelining. */
    size_t read_max = s->max_header_size + s->max_body_size + 64 * 1024;
    int one = 1;

    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->http = http;
    c->timer = (struct event *)(void *)c->timer_mem;
    if (evtimer_assign(c->timer, http->base, conn_timercb, c) == 0)
        c->stream = rt_stream_new(http->base, fd, s->tls_ctx, read_max, s->write_timeout_ms, &cbs);
    if (c->stream == NULL) {
        evutil_closesocket(fd);
        free(c);
        return;
    }
    rt_req_init(&c->req, http->base);
    c->req.owner = c;
    c->req.send = rt_http_conn_send;
    c->req.ended = rt_http_conn_request_ended;
    format_peer(sa, c->peer, sizeof(c->peer));
    LIST_INSERT_HEAD(&http->conns, c, link);
    http->n_conns++;
    rt_metrics_conn_opened();
    c->state = CONN_IDLE;
    /* A TLS handshake is part of getting the first request's head in: the same deadline bounds it. */
    rt_http_conn_set_timer(c, s->tls_ctx != NULL ? s->header_timeout_ms : s->keepalive_timeout_ms);
    if (http->n_conns >= (unsigned)s->max_connections && !http->accept_paused) {
        int i;

        http->accept_paused = true;
        for (i = 0; i < http->n_listeners; i++)
            evconnlistener_disable(http->listeners[i]);
    }
}

static void accept_errorcb(struct evconnlistener *listener, void *arg)
{
    int err = EVUTIL_SOCKET_ERROR();

    /* EMFILE and friends: the connection stays in the backlog and is retried. */
    rt_log_warning("accept failed: %s", evutil_socket_error_to_string(err));
}

/* --- the server --- */

const struct timeval *rt_http_timeout_tv(struct rt_http *http, int ms, struct timeval *scratch)
{
    for (size_t i = 0; i < sizeof(http->timeouts) / sizeof(http->timeouts[0]); i++) {
        if (http->timeouts[i].ms == ms && http->timeouts[i].tv != NULL)
            return http->timeouts[i].tv;
    }
    *scratch = rt_time_tv_ms(ms);
    return scratch;
}

/* Make the four connection timeouts common timeouts of the loop (see struct rt_http_timeout). */
static void init_timeouts(struct rt_http *http)
{
    const int ms[] = {http->settings.keepalive_timeout_ms, http->settings.header_timeout_ms,
                      http->settings.body_timeout_ms, RT_HTTP_LINGER_MS};

    const size_t n = sizeof(ms) / sizeof(ms[0]);

    for (size_t i = 0; i < n; i++) {
        struct timeval tv = rt_time_tv_ms(ms[i]);

        http->timeouts[i].ms = ms[i];
        /* NULL (none, or too many on the loop) leaves that duration to the timer heap. */
        http->timeouts[i].tv = ms[i] > 0 ? event_base_init_common_timeout(http->base, &tv) : NULL;
        /* Not lingering's (the last): a connection lingers once, and every armed timer would wake every 2 s.
         */
        if (i + 1 < n && ms[i] > 0 && (http->tick_ms == 0 || ms[i] < http->tick_ms))
            http->tick_ms = ms[i];
    }
}

struct rt_http *rt_http_new(struct event_base *base, const struct rt_http_settings *settings,
                            rt_http_handler handler, void *arg)
{
    struct rt_http *http = rt_xcalloc(1, sizeof(*http));

    http->base = base;
    http->settings = *settings;
    http->handler = handler;
    http->handler_arg = arg;
    LIST_INIT(&http->conns);
    init_timeouts(http);
    if (getrandom(&http->id_nonce, sizeof(http->id_nonce), 0) != sizeof(http->id_nonce))
        http->id_nonce = (uint32_t)rt_time_mono_ns() ^ (uint32_t)getpid();
    return http;
}

void rt_http_set_refusal_hook(struct rt_http *http, rt_http_refusal_hook hook, void *arg)
{
    http->refusal_hook = hook;
    http->refusal_arg = arg;
}

int rt_http_accept_on(struct rt_http *http, int fd)
{
    struct evconnlistener *l;

    if (http->n_listeners == (int)(sizeof(http->listeners) / sizeof(http->listeners[0]))) {
        close(fd);
        return -1;
    }
    evutil_make_socket_nonblocking(fd);
    /* 0: @p fd already listens with the backlog asked for; -1 would make libevent listen() again with 128. */
    l = evconnlistener_new(http->base, acceptcb, http, LEV_OPT_CLOSE_ON_FREE, 0, fd);
    if (l == NULL) {
        close(fd);
        return -1;
    }
    evconnlistener_set_error_cb(l, accept_errorcb);
    http->listeners[http->n_listeners++] = l;
    return 0;
}

/* Take the connections still waiting in a listener's backlog, so closing it does not reset them. */
static void accept_backlog(struct rt_http *http, struct evconnlistener *l)
{
    evutil_socket_t lfd = evconnlistener_get_fd(l);
    struct sockaddr_storage ss = {0};
    socklen_t len = sizeof(ss);
    int fd;

    while ((fd = accept4(lfd, (struct sockaddr *)&ss, &len, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
        acceptcb(l, fd, (struct sockaddr *)&ss, (int)len, http);
        len = sizeof(ss);
    }
}

/*
 * Stop accepting and let every open connection end on its own terms.
 *
 * Idle keep-alive connections are deliberately left open.  Closing one
 * from this side races with a client that is sending a request on it at
 * that very moment: the request is lost, and a proxy may not retry it on
 * another instance if it is not idempotent (nginx never retries a POST it
 * has sent).  Left open, such a connection either carries one more request,
 * which is answered with "Connection: close" (rt_http_conn_send sees draining), or
 * is closed by its client (a proxy's upstream keep-alive timeout), or by
 * our own keep-alive timer as at any other time; whatever remains is closed
 * by the owner of the loop at its shutdown deadline (rt_http_free).
 */
void rt_http_drain(struct rt_http *http, void (*drained)(void *arg), void *arg)
{
    http->drained = drained;
    http->drained_arg = arg;
    if (!http->draining) {
        http->draining = true;
        for (int i = 0; i < http->n_listeners; i++) {
            accept_backlog(http, http->listeners[i]);
            evconnlistener_free(http->listeners[i]);
        }
        http->n_listeners = 0;
    }
    if (http->n_conns == 0 && http->drained != NULL) {
        http->drained = NULL;
        drained(arg);
    }
}

unsigned rt_http_connection_count(const struct rt_http *http)
{
    return http->n_conns;
}

void rt_http_free(struct rt_http *http)
{
    struct conn *c;
    int i;

    if (http == NULL)
        return;
    for (i = 0; i < http->n_listeners; i++)
        evconnlistener_free(http->listeners[i]);
    http->n_listeners = 0; /* rt_http_conn_free() below must not resume accepting on them */
    /* rt_http_conn_free() unlinks c (LIST_REMOVE) before it frees it: the analyzer does not follow that */
    while ((c = LIST_FIRST(&http->conns)) != NULL) {
        /* NOLINTNEXTLINE(clang-analyzer-unix.Malloc) */
        c->req.active = false; /* abandoned: the loop has stopped, its handler never answers */
        rt_http_conn_free(c);
    }
    rt_gzip_free(http->gzip);
    if (http->gzip_out != NULL)
        evbuffer_free(http->gzip_out);
    free(http);
}

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
 * handler answers, so the handler never sees a dangling request.
 */
#include "rt_http.h"
#include "rt_fmt.h"
#include "rt_http_parse.h"
#include "rt_json.h"
#include "rt_log.h"
#include "rt_metrics.h"
#include "rt_req_internal.h"
#include "rt_stream.h"
#include "rt_time.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/listener.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#define LINGER_MS 2000           /* how long a closing connection drains what the client still sends */
#define OUTPUT_HIGH (256 * 1024) /* stop reading pipelined requests while this much output is queued */
#define CHUNK_LINE_MAX 1024      /* longest chunk-size line (with extensions) */

enum conn_state { CONN_IDLE, CONN_HEAD, CONN_BODY, CONN_HANDLING, CONN_CLOSING, CONN_LINGER };

struct conn {
    LIST_ENTRY(conn) link;
    struct rt_http *http;
    struct rt_stream *stream; /* NULL once the socket is closed (zombie) */
    struct event *timer;
    enum conn_state state;
    struct rt_req req;
    struct rt_http_head_info info;
    size_t head_scan_from;          /* where to resume looking for the end of the head */
    size_t body_got;                /* body bytes read so far */
    struct evbuffer *chunks;        /* chunked body being collected, or NULL */
    struct rt_http_chunked chunked; /* the decoder of the chunked body being read */
    bool keep_alive;                /* the current exchange may be followed by another */
    bool in_process;                /* conn_process() is on the stack */
    bool peer_eof;                  /* the client closed its side */
    char peer[INET6_ADDRSTRLEN + 8];
};

LIST_HEAD(conn_list, conn);

struct rt_http {
    struct event_base *base;
    struct rt_http_settings settings;
    rt_http_handler handler;
    void *handler_arg;
    struct evconnlistener *listeners[4];
    int n_listeners;
    bool accept_paused; /* max_connections reached */
    struct conn_list conns;
    unsigned n_conns;
    bool draining;
    void (*drained)(void *arg);
    void *drained_arg;
    uint32_t id_nonce; /* random per server, so ids differ across restarts */
    uint64_t id_counter;
    time_t date_second;    /* the second head_fixed[] was formatted for */
    size_t head_fixed_len; /* "Server: ...\r\nDate: ...\r\n", the same for every answer in a second */
    char head_fixed[160];
};

static void conn_process(struct conn *c);
static void conn_free(struct conn *c);

/* --- small helpers --- */

static const char *reason_phrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 301:
        return "Moved Permanently";
    case 304:
        return "Not Modified";
    case 307:
        return "Temporary Redirect";
    case 400:
        return "Bad Request";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 417:
        return "Expectation Failed";
    case 422:
        return "Unprocessable Content";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 501:
        return "Not Implemented";
    case 503:
        return "Service Unavailable";
    case 504:
        return "Gateway Timeout";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return status < 300   ? "OK"
               : status < 400 ? "Redirect"
               : status < 500 ? "Client Error"
                              : "Server Error";
    }
}

/* The header lines every answer carries, with the Date of the current second. */
static const char *head_fixed(struct rt_http *http, size_t *len)
{
    struct timeval now;

    event_base_gettimeofday_cached(http->base, &now);
    if (now.tv_sec != http->date_second) {
        char date[40];

        http->date_second = now.tv_sec;
        rt_time_format_http_date(now.tv_sec, date, sizeof(date));
        if (http->settings.server_name != NULL)
            http->head_fixed_len =
                (size_t)snprintf(http->head_fixed, sizeof(http->head_fixed), "Server: %.64s\r\nDate: %s\r\n",
                                 http->settings.server_name, date);
        else
            http->head_fixed_len =
                (size_t)snprintf(http->head_fixed, sizeof(http->head_fixed), "Date: %s\r\n", date);
    }
    *len = http->head_fixed_len;
    return http->head_fixed;
}

/* The head is built with memcpy: formatting it with snprintf was a visible share of a GET / in perf. */
static char *put_bytes(char *p, const char *s, size_t n)
{
    memcpy(p, s, n);
    return p + n;
}

static char *put_string(char *p, const char *s)
{
    return put_bytes(p, s, strlen(s));
}

static void set_timer(struct conn *c, int ms)
{
    struct timeval tv = rt_time_tv_ms(ms);

    if (ms > 0)
        evtimer_add(c->timer, &tv);
    else
        evtimer_del(c->timer);
}

static void access_log(struct conn *c, int status, size_t body_len)
{
    const struct rt_req *req = &c->req;
    double ms;

    if (!c->http->settings.access_log || !rt_log_enabled(RT_LOG_INFO))
        return;
    ms = req->start_ns ? (double)(rt_time_mono_ns() - req->start_ns) / 1e6 : 0.0;
    rt_log_info("%s \"%s %s%s%s HTTP/1.%d\" %d %zuB %.3fms id=%s%s", c->peer,
                req->method_name ? req->method_name : "-", req->path ? req->path : "-", req->query ? "?" : "",
                req->query ? req->query : "", req->http_minor, status, body_len, ms,
                req->id[0] ? req->id : "-", req->peer_gone ? " (client gone)" : "");
}

/* Append the status line and the runtime's headers to @out. */
static void write_head(struct conn *c, struct evbuffer *out, int status, const char *content_type, size_t len,
                       bool keep_alive)
{
    const char *reason = reason_phrase(status);
    size_t fixed_len, room;
    const char *fixed = head_fixed(c->http, &fixed_len);
    struct evbuffer_iovec v;
    char *p;

    /* Everything below but the variable strings fits in 160 bytes. */
    room = 160 + strlen(reason) + fixed_len + (content_type ? strlen(content_type) : 0) + sizeof(c->req.id);
    if (evbuffer_reserve_space(out, (ev_ssize_t)room, &v, 1) != 1)
        return; /* out of memory: the client sees a truncated answer and the close */
    p = put_bytes(v.iov_base, "HTTP/1.1 ", 9);
    p = rt_fmt_u64(p, (uint64_t)status);
    *p++ = ' ';
    p = put_string(p, reason);
    p = put_bytes(p, "\r\n", 2);
    p = put_bytes(p, fixed, fixed_len);
    /* RFC 9110 8.6: no Content-Length on 1xx and 204; on 304 it would have to be the full body's. */
    if (status >= 200 && status != 204 && status != 304) {
        p = put_bytes(p, "Content-Length: ", 16);
        p = rt_fmt_u64(p, len);
        p = put_bytes(p, "\r\n", 2);
    }
    if (content_type != NULL) {
        p = put_bytes(p, "Content-Type: ", 14);
        p = put_string(p, content_type);
        p = put_bytes(p, "\r\n", 2);
    }
    if (c->req.id[0] != '\0') {
        p = put_bytes(p, "X-Request-ID: ", 14);
        p = put_string(p, c->req.id);
        p = put_bytes(p, "\r\n", 2);
    }
    if (!keep_alive)
        p = put_bytes(p, "Connection: close\r\n", 19);
    else if (c->req.http_minor == 0)
        p = put_bytes(p, "Connection: keep-alive\r\n", 24);
    v.iov_len = (size_t)(p - (char *)v.iov_base);
    evbuffer_commit_space(out, &v, 1);
}

/* --- closing --- */

/*
 * The last answer has been flushed: half-close and drain what the client
 * still sends for a moment, so that unread input does not turn our close
 * into a reset that could destroy the answer before the client reads it.
 */
static void conn_linger(struct conn *c)
{
    struct evbuffer *in;

    if (c->peer_eof || c->stream == NULL) {
        conn_free(c);
        return;
    }
    c->state = CONN_LINGER;
    rt_stream_shutdown_write(c->stream);
    in = rt_stream_input(c->stream);
    evbuffer_drain(in, evbuffer_get_length(in));
    rt_stream_set_reading(c->stream, true);
    set_timer(c, LINGER_MS);
}

/*
 * Send what the output buffer holds (rt_stream_flush: a plain socket is
 * written to at once).  A closing connection lingers once it is all out,
 * from the loop rather than from here: our caller may still use c.
 */
static void conn_flush(struct conn *c)
{
    if (rt_stream_flush(c->stream) && c->state == CONN_CLOSING)
        rt_stream_notify_written(c->stream);
}

static void new_request_id(struct conn *c)
{
    struct rt_http *http = c->http;

    char *p = c->req.id;

    /* 20 hex digits: the server's nonce, the worker, and a per-worker counter. */
    p = rt_fmt_hex(p, http->id_nonce, 8);
    p = rt_fmt_hex(p, (uint64_t)http->settings.worker_id, 2);
    p = rt_fmt_hex(p, ++http->id_counter, 10);
    *p = '\0';
}

/* Queue a JSON error for a request that never reached the application, then close. */
static void conn_fail(struct conn *c, int status, const char *detail)
{
    struct evbuffer *out = rt_stream_output(c->stream);
    struct rt_json_buf body = {0};

    rt_json_put_detail(&body, detail);
    if (c->req.id[0] == '\0')
        new_request_id(c);
    write_head(c, out, status, "application/json", body.len, false);
    evbuffer_add(out, "\r\n", 2);
    evbuffer_add(out, body.data, body.len);
    access_log(c, status, body.len);
    rt_json_buf_free(&body);
    rt_metrics_request(RT_METRICS_OP_UNMATCHED, status, rt_time_mono_ns() - c->req.start_ns);
    rt_req_reset(&c->req);
    c->state = CONN_CLOSING;
    evtimer_del(c->timer);
    rt_stream_set_reading(c->stream, false);
    conn_flush(c);
}

/* conn_fail(), with the configured limit in the explanation of a 413. */
static void conn_fail_status(struct conn *c, int status, const char *detail)
{
    char msg[128];

    if (status == 413) {
        snprintf(msg, sizeof(msg), "Request body too large (limit %zu bytes)",
                 c->http->settings.max_body_size);
        detail = msg;
    }
    conn_fail(c, status, detail);
}

/* --- reading requests --- */

static void start_request(struct conn *c)
{
    c->state = CONN_HEAD;
    c->req.start_ns = rt_time_mono_ns();
    c->head_scan_from = 0;
    c->body_got = 0;
    set_timer(c, c->http->settings.header_timeout_ms);
}

/* 1 when the head was parsed, 0 to wait for more bytes, -1 after conn_fail(). */
static int read_head(struct conn *c, struct evbuffer *in)
{
    const struct rt_http_settings *s = &c->http->settings;
    size_t avail = evbuffer_get_length(in), head_len;
    struct evbuffer_ptr from, end;
    const char *detail = NULL;
    char *head;
    int status;

    evbuffer_ptr_set(in, &from, c->head_scan_from, EVBUFFER_PTR_SET);
    end = evbuffer_search(in, "\r\n\r\n", 4, &from);
    if (end.pos < 0) {
        /*
         * An empty line ended by a bare LF can only come from a client that
         * ends lines with LF alone: its head would never complete, so refuse
         * it now rather than at the head deadline.  (Before the end of the
         * head is found, everything buffered belongs to the head.)
         */
        evbuffer_ptr_set(in, &from, c->head_scan_from > 0 ? c->head_scan_from - 1 : 0, EVBUFFER_PTR_SET);
        if (evbuffer_search(in, "\n\n", 2, &from).pos >= 0) {
            conn_fail(c, 400, "Malformed request head: lines must end with CRLF");
            return -1;
        }
        if (avail > s->max_header_size) {
            conn_fail(c, 431, "Request header fields too large");
            return -1;
        }
        c->head_scan_from = avail > 3 ? avail - 3 : 0;
        return 0;
    }
    head_len = (size_t)end.pos + 4;
    if (head_len > s->max_header_size) {
        conn_fail(c, 431, "Request header fields too large");
        return -1;
    }
    head = rt_req_alloc(&c->req, head_len + 1);
    evbuffer_remove(in, head, head_len);
    status = rt_http_parse_head(&c->req, head, head_len, s->max_header_count, &c->info, &detail);
    if (status == 0 && c->info.content_length > (int64_t)s->max_body_size)
        status = 413;
    if (status != 0) {
        conn_fail_status(c, status, detail);
        return -1;
    }
    if (c->req.id[0] == '\0')
        new_request_id(c);
    c->keep_alive = c->info.keep_alive;
    return 1;
}

/* Read a Content-Length body: 1 when complete, 0 to wait. */
static int read_fixed_body(struct conn *c, struct evbuffer *in)
{
    size_t want = (size_t)c->info.content_length - c->body_got;
    size_t avail = evbuffer_get_length(in);
    size_t n = avail < want ? avail : want;

    if (c->req.body == NULL) {
        c->req.body = rt_req_alloc(&c->req, (size_t)c->info.content_length + 1);
        c->req.body_len = (size_t)c->info.content_length;
    }
    evbuffer_remove(in, c->req.body + c->body_got, n);
    c->body_got += n;
    return c->body_got == (size_t)c->info.content_length;
}

static void chunk_data(void *arg, const char *data, size_t len)
{
    evbuffer_add(arg, data, len);
}

/* A chunked body starts: a fresh decoder, and the buffer kept from the last one (or a new one). */
static void start_chunked_body(struct conn *c)
{
    const struct rt_http_settings *s = &c->http->settings;
    struct rt_http_chunked_limits limits = {.max_body = s->max_body_size,
                                            .max_line = CHUNK_LINE_MAX,
                                            .max_trailer = s->max_header_size,
                                            .max_trailer_fields = (size_t)s->max_header_count};

    if (c->chunks == NULL)
        c->chunks = evbuffer_new();
    else
        evbuffer_drain(c->chunks, evbuffer_get_length(c->chunks));
    rt_http_chunked_init(&c->chunked, &limits, chunk_data, c->chunks);
}

/*
 * Read a chunked body through the decoder in rt_http_parse.c, which sees
 * the input as it lies in the buffer's segments: 1 when complete, 0 to
 * wait, -1 after conn_fail().  Whatever follows the body stays in @in
 * for the next request.
 */
static int read_chunked_body(struct conn *c, struct evbuffer *in)
{
    while (evbuffer_get_length(in) > 0) {
        struct evbuffer_iovec seg;
        size_t used = 0;
        int rc;

        evbuffer_peek(in, -1, NULL, &seg, 1);
        rc = rt_http_chunked_feed(&c->chunked, seg.iov_base, seg.iov_len, &used);
        evbuffer_drain(in, used);
        if (rc == RT_HTTP_CHUNKED_DONE)
            return 1;
        if (rc != RT_HTTP_CHUNKED_MORE) {
            conn_fail_status(c, rc, c->chunked.detail);
            return -1;
        }
    }
    return 0;
}

/* The chunked body is complete: move it into request memory. */
static void finish_chunked_body(struct conn *c)
{
    size_t len = evbuffer_get_length(c->chunks);

    c->req.body = rt_req_alloc(&c->req, len + 1);
    c->req.body_len = len;
    evbuffer_remove(c->chunks, c->req.body, len);
}

static void dispatch(struct conn *c)
{
    const struct rt_req *req = &c->req;

    c->state = CONN_HANDLING;
    evtimer_del(c->timer);
    c->req.active = true;
    /* The request reached its handler: what tests wait for rather than sleeping for a guessed time. */
    rt_log_debug("%s \"%s %s%s%s HTTP/1.%d\" handling id=%s", c->peer,
                 req->method_name ? req->method_name : "-", req->path ? req->path : "-",
                 req->query ? "?" : "", req->query ? req->query : "", req->http_minor, req->id);
    c->http->handler(&c->req, c->http->handler_arg);
}

/*
 * Read and dispatch as many requests as the input holds, one at a time
 * (pipelined requests wait until the one before them has been answered).
 */
static void conn_process(struct conn *c)
{
    struct evbuffer *in, *out;

    if (c->stream == NULL)
        return;
    in = rt_stream_input(c->stream);
    out = rt_stream_output(c->stream);
    c->in_process = true;
    for (;;) {
        int rc;

        if (c->state == CONN_IDLE) {
            if (evbuffer_get_length(in) == 0 || evbuffer_get_length(out) > OUTPUT_HIGH)
                break;
            start_request(c);
        }
        if (c->state == CONN_HEAD) {
            rc = read_head(c, in);
            if (rc <= 0)
                break;
            if (c->info.content_length > 0 || c->info.chunked) {
                c->state = CONN_BODY;
                if (c->info.chunked)
                    start_chunked_body(c);
                set_timer(c, c->http->settings.body_timeout_ms);
                if (c->info.expect_continue && evbuffer_get_length(in) == 0) {
                    evbuffer_add(out, "HTTP/1.1 100 Continue\r\n\r\n", 25);
                    conn_flush(c);
                }
            } else {
                dispatch(c);
            }
        } else if (c->state == CONN_BODY) {
            rc = c->info.chunked ? read_chunked_body(c, in) : read_fixed_body(c, in);
            if (rc <= 0)
                break;
            if (c->info.chunked)
                finish_chunked_body(c);
            dispatch(c);
        } else {
            break; /* HANDLING, CLOSING or LINGER: nothing to read now */
        }
    }
    c->in_process = false;
}

/* --- answering (called through rt_req_reply) --- */

static void conn_send(struct rt_req *req, int status, const char *content_type, const void *body, size_t len)
{
    struct conn *c = req->owner;
    const struct rt_out_header *h;
    struct evbuffer *out;
    bool keep;

    access_log(c, status, len);
    if (c->stream == NULL)
        return; /* the client is gone; nothing to write to */
    out = rt_stream_output(c->stream);
    keep = c->keep_alive && !c->http->draining && !c->peer_eof;
    c->keep_alive = keep;
    write_head(c, out, status, content_type, len, keep);
    for (h = req->out_headers; h != NULL; h = h->next) {
        evbuffer_add(out, h->name, strlen(h->name));
        evbuffer_add(out, ": ", 2);
        evbuffer_add(out, h->value, strlen(h->value));
        evbuffer_add(out, "\r\n", 2);
    }
    evbuffer_add(out, "\r\n", 2);
    if (req->method != RT_METHOD_HEAD && len > 0)
        evbuffer_add(out, body, len);
}

static void conn_request_ended(struct rt_req *req)
{
    struct conn *c = req->owner;

    if (c->stream == NULL) {
        conn_free(c);
        return;
    }
    if (!c->keep_alive) {
        c->state = CONN_CLOSING;
        rt_stream_set_reading(c->stream, false);
        conn_flush(c);
        return; /* the write callback lingers and closes once the answer is out */
    }
    c->state = CONN_IDLE;
    set_timer(c, c->http->settings.keepalive_timeout_ms);
    conn_flush(c);
    if (!c->in_process)
        conn_process(c);
}

/* --- events --- */

static void conn_readcb(struct rt_stream *stream, void *arg)
{
    struct conn *c = arg;

    if (c->state == CONN_LINGER) {
        struct evbuffer *in = rt_stream_input(stream);

        evbuffer_drain(in, evbuffer_get_length(in)); /* read only to keep the close clean */
        return;
    }
    conn_process(c);
}

/* The output drained after waiting for the socket (or rt_stream_notify_written). */
static void conn_writecb(struct rt_stream *stream, void *arg)
{
    struct conn *c = arg;

    (void)stream;
    if (c->state == CONN_CLOSING)
        conn_linger(c);
    else if (c->state == CONN_IDLE)
        conn_process(c); /* output drained below the mark: pipelined input may continue */
}

/* The socket is unusable: close it now; the connection itself waits for its handler if it has one. */
static void conn_drop_socket(struct conn *c)
{
    if (c->state != CONN_HANDLING) {
        conn_free(c);
        return;
    }
    c->req.peer_gone = true;
    c->peer_eof = true;
    rt_stream_free(c->stream);
    c->stream = NULL;
    evtimer_del(c->timer);
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
            set_timer(c, c->http->settings.keepalive_timeout_ms);
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
            /* Perhaps only a half-close: the answer is still written if the socket takes it. */
            c->req.peer_gone = true;
        } else if (c->state == CONN_CLOSING && evbuffer_get_length(rt_stream_output(stream)) > 0) {
            /* keep flushing; the written callback or an error ends it */
        } else {
            conn_free(c);
        }
        break;
    case RT_STREAM_TIMEOUT:
        /* Write timeout: the client does not read its answer. */
        conn_drop_socket(c);
        break;
    }
}

static void conn_timercb(evutil_socket_t fd, short what, void *arg)
{
    struct conn *c = arg;

    switch (c->state) {
    case CONN_HEAD:
        conn_fail(c, 408, "Request timeout: the request head was not received in time");
        break;
    case CONN_BODY:
        conn_fail(c, 408, "Request timeout: the request body was not received in time");
        break;
    case CONN_IDLE:
    case CONN_LINGER:
    case CONN_CLOSING:
    case CONN_HANDLING:
        conn_free(c);
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

static void conn_free(struct conn *c)
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
    event_free(c->timer);
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
    struct conn *c = calloc(1, sizeof(*c));
    struct rt_stream_callbacks cbs = {conn_readcb, conn_writecb, conn_eventcb, c};
    /* Bound what one connection buffers: a full head and body, plus a little pipelining. */
    size_t read_max = s->max_header_size + s->max_body_size + 64 * 1024;
    int one = 1;

    if (c == NULL) {
        evutil_closesocket(fd);
        return;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    c->http = http;
    c->timer = evtimer_new(http->base, conn_timercb, c);
    if (c->timer != NULL)
        c->stream = rt_stream_new(http->base, fd, s->tls_ctx, read_max, s->write_timeout_ms, &cbs);
    if (c->stream == NULL) {
        evutil_closesocket(fd);
        if (c->timer != NULL)
            event_free(c->timer);
        free(c);
        return;
    }
    rt_req_init(&c->req, http->base);
    c->req.owner = c;
    c->req.send = conn_send;
    c->req.ended = conn_request_ended;
    format_peer(sa, c->peer, sizeof(c->peer));
    LIST_INSERT_HEAD(&http->conns, c, link);
    http->n_conns++;
    rt_metrics_conn_opened();
    c->state = CONN_IDLE;
    /* A TLS handshake is part of getting the first request's head in: the same deadline bounds it. */
    set_timer(c, s->tls_ctx != NULL ? s->header_timeout_ms : s->keepalive_timeout_ms);
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

struct rt_http *rt_http_new(struct event_base *base, const struct rt_http_settings *settings,
                            rt_http_handler handler, void *arg)
{
    struct rt_http *http = calloc(1, sizeof(*http));

    if (http == NULL)
        return NULL;
    http->base = base;
    http->settings = *settings;
    http->handler = handler;
    http->handler_arg = arg;
    LIST_INIT(&http->conns);
    if (getrandom(&http->id_nonce, sizeof(http->id_nonce), 0) != sizeof(http->id_nonce))
        http->id_nonce = (uint32_t)rt_time_mono_ns() ^ (uint32_t)getpid();
    return http;
}

int rt_http_accept_on(struct rt_http *http, int fd)
{
    struct evconnlistener *l;

    if (http->n_listeners == (int)(sizeof(http->listeners) / sizeof(http->listeners[0]))) {
        close(fd);
        return -1;
    }
    evutil_make_socket_nonblocking(fd);
    l = evconnlistener_new(http->base, acceptcb, http, LEV_OPT_CLOSE_ON_FREE, -1, fd);
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
 * which is answered with "Connection: close" (conn_send sees draining), or
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
    http->n_listeners = 0; /* conn_free() below must not resume accepting on them */
    while ((c = LIST_FIRST(&http->conns)) != NULL) {
        c->req.active = false; /* abandoned: the loop has stopped, its handler never answers */
        conn_free(c);
    }
    free(http);
}

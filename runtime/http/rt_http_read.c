/*
 * rt_http — reading requests (see the state machine in rt_http.c): the
 * head, then a Content-Length or chunked body, each within its deadline,
 * and the dispatch of the complete request to the application.
 */
#include "rt_http_internal.h"
#include "rt_fmt.h"
#include "rt_http_chunked.h"
#include "rt_http_parse.h"
#include "rt_log.h"
#include "rt_stream.h"
#include "rt_time.h"
#include "rt_trace.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OUTPUT_HIGH (256 * 1024) /* stop reading pipelined requests while this much output is queued */
#define CHUNK_LINE_MAX 1024      /* longest chunk-size line (with extensions) */

/* --- ids and errors --- */

/* Give the current request an id of ours: 20 hex digits, unique across workers and restarts. */
void rt_http_new_request_id(struct conn *c)
{
    struct rt_http *http = c->http;
    char *p = c->req.id;

    /* 20 hex digits: the server's nonce, the worker, and a per-worker counter. */
    p = rt_fmt_hex(p, http->id_nonce, 8);
    p = rt_fmt_hex(p, (uint64_t)http->settings.worker_id, 2);
    p = rt_fmt_hex(p, ++http->id_counter, 10);
    *p = '\0';
}

/* rt_http_conn_fail(), with the configured limit in the explanation of a 413. */
static void conn_fail_status(struct conn *c, int status, const char *detail)
{
    char msg[128];

    if (status == 413) {
        snprintf(msg, sizeof(msg), "Request body too large (limit %zu bytes)",
                 c->http->settings.max_body_size);
        detail = msg;
    }
    rt_http_conn_fail(c, status, detail);
}

/* --- the head and the body --- */

static void start_request(struct conn *c)
{
    c->req.id[0] = '\0';                  /* the last request's, kept for a late second answer's log line */
    memset(&c->info, 0, sizeof(c->info)); /* the last request's headers are gone (rt_http_conn_fail) */
    c->state = CONN_HEAD;
    c->req.start_ns = rt_time_mono_ns();
    c->head_scan_from = 0;
    c->body_got = 0;
    rt_http_conn_set_timer(c, c->http->settings.header_timeout_ms);
}

/*
 * RFC 9112 2.2: a server SHOULD ignore at least one empty line (CRLF)
 * received before the request line (some clients send one after a POST
 * body).  Every whole CRLF is dropped; a bare LF is not an empty line and
 * is left for the parser to refuse.  @return 1 when the request line may
 * have begun, 0 when nothing but (part of) an empty line is buffered.
 */
static int skip_empty_lines(struct evbuffer *in)
{
    unsigned char two[2];
    ev_ssize_t got;

    while ((got = evbuffer_copyout(in, two, 2)) == 2 && two[0] == '\r' && two[1] == '\n')
        evbuffer_drain(in, 2);
    return got > 0 && !(got == 1 && two[0] == '\r');
}

/*
 * The end of a head in @p n contiguous bytes, looking at the line feeds from
 * @p from on (each with the bytes before it).  @return the head's length
 * through its CRLF CRLF, 0 when it has not ended yet, -1 when an empty line
 * ends with a bare LF before that.
 */
static ev_ssize_t scan_head_end(const char *p, size_t n, size_t from)
{
    const char *lf;

    for (; from < n && (lf = memchr(p + from, '\n', n - from)) != NULL; from = (size_t)(lf - p) + 1) {
        size_t at = (size_t)(lf - p);

        if (at >= 1 && p[at - 1] == '\n')
            return -1;
        if (at >= 3 && p[at - 1] == '\r' && p[at - 2] == '\n' && p[at - 3] == '\r')
            return (ev_ssize_t)at + 1;
    }
    return 0;
}

/* scan_head_end() over a head that may lie in several chains of @p in. */
static ev_ssize_t search_head_end(struct evbuffer *in, size_t from)
{
    struct evbuffer_ptr at, end;

    evbuffer_ptr_set(in, &at, from, EVBUFFER_PTR_SET);
    end = evbuffer_search(in, "\r\n\r\n", 4, &at);
    /*
     * An empty line ended by a bare LF can only come from a client that
     * ends lines with LF alone: its head would never complete, so refuse it
     * now rather than at the head deadline, and the same way however the
     * head arrived (everything before the end belongs to the head).
     */
    evbuffer_ptr_set(in, &at, from > 0 ? from - 1 : 0, EVBUFFER_PTR_SET);
    if (evbuffer_search_range(in, "\n\n", 2, &at, end.pos >= 0 ? &end : NULL).pos >= 0)
        return -1;
    return end.pos >= 0 ? (ev_ssize_t)end.pos + 4 : 0;
}

/*
 * Where the head ends (see scan_head_end()).  A head mostly arrives in one
 * read, so it lies in the input's first chain and is scanned there in one
 * pass; the evbuffer's own search serves a head split over chains.
 */
static ev_ssize_t find_head_end(struct evbuffer *in, size_t avail, size_t from)
{
    struct evbuffer_iovec first;

    if (evbuffer_peek(in, -1, NULL, &first, 1) >= 1 && first.iov_len >= avail)
        return scan_head_end(first.iov_base, avail, from);
    return search_head_end(in, from);
}

/* 1 when the head was parsed, 0 to wait for more bytes, -1 after rt_http_conn_fail(). */
static int read_head(struct conn *c, struct evbuffer *in)
{
    const struct rt_http_settings *s = &c->http->settings;
    size_t avail = evbuffer_get_length(in), head_len;
    ev_ssize_t found = find_head_end(in, avail, c->head_scan_from);
    const char *detail = NULL;
    char *head;
    int status;

    if (found < 0) {
        rt_http_conn_fail(c, 400, "Malformed request head: lines must end with CRLF");
        return -1;
    }
    if (found == 0) {
        if (avail > s->max_header_size) {
            rt_http_conn_fail(c, 431, "Request header fields too large");
            return -1;
        }
        c->head_scan_from = avail > 3 ? avail - 3 : 0;
        return 0;
    }
    head_len = (size_t)found;
    if (head_len > s->max_header_size) {
        rt_http_conn_fail(c, 431, "Request header fields too large");
        return -1;
    }
    head = rt_req_alloc(&c->req, head_len + 1);
    evbuffer_remove(in, head, head_len);
    status = rt_http_parse_head(&c->req, head, head_len, s->max_header_count, &c->info, &detail);
    if (status == 0 && c->info.content_length > (int64_t)s->max_body_size)
        status = 413;
    if (c->info.fields_parsed)
        rt_req_trace_start(&c->req); /* a refusal too is logged with the client's trace id */
    if (status != 0) {
        conn_fail_status(c, status, detail);
        return -1;
    }
    if (c->req.id[0] == '\0')
        rt_http_new_request_id(c);
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

/*
 * A chunked body starts: a fresh decoder in the request's memory (a
 * connection does not carry one while it waits), and a buffer.
 */
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
    c->chunked = rt_req_alloc(&c->req, sizeof(*c->chunked));
    rt_http_chunked_init(c->chunked, &limits, chunk_data, c->chunks);
}

/*
 * Read a chunked body through the decoder in rt_http_parse.c, which sees
 * the input as it lies in the buffer's segments: 1 when complete, 0 to
 * wait, -1 after rt_http_conn_fail().  Whatever follows the body stays in @in
 * for the next request.
 */
static int read_chunked_body(struct conn *c, struct evbuffer *in)
{
    while (evbuffer_get_length(in) > 0) {
        struct evbuffer_iovec seg;
        size_t used = 0;
        int rc;

        evbuffer_peek(in, -1, NULL, &seg, 1);
        rc = rt_http_chunked_feed(c->chunked, seg.iov_base, seg.iov_len, &used);
        evbuffer_drain(in, used);
        if (rc == RT_HTTP_CHUNKED_DONE)
            return 1;
        if (rc != RT_HTTP_CHUNKED_MORE) {
            conn_fail_status(c, rc, c->chunked->detail);
            return -1;
        }
    }
    return 0;
}

/*
 * The chunked body is complete: the request's body is the collected data,
 * made contiguous and NUL-terminated in place (no second copy).  It lives
 * in c->chunks, which is freed when the request has ended
 * (rt_http_conn_request_ended).
 */
static void finish_chunked_body(struct conn *c)
{
    size_t len = evbuffer_get_length(c->chunks);

    evbuffer_add(c->chunks, "", 1);
    c->req.body = (char *)evbuffer_pullup(c->chunks, -1);
    if (c->req.body == NULL)
        abort(); /* only when memory runs out: rt_mem's policy */
    c->req.body_len = len;
}

/* --- the state machine --- */

static void dispatch(struct conn *c)
{
    const struct rt_req *req = &c->req;
    const struct rt_trace *prev;

    c->state = CONN_HANDLING;
    rt_http_conn_set_timer(c, c->http->settings.handler_timeout_ms); /* 503 beyond: rt_http_conn_no_answer */
    c->req.active = true;
    /* The request reached its handler: what tests wait for rather than sleeping for a guessed time. */
    rt_log_debug("%s \"%s %s%s%s HTTP/1.%d\" handling id=%s", c->peer,
                 req->method_name ? req->method_name : "-", req->path ? req->path : "-",
                 req->query ? "?" : "", req->query ? req->query : "", req->http_minor, req->id);
    /* Outbound calls the handler starts belong to the request's trace (rt_trace.h). */
    prev = rt_trace_set_current(&c->req.trace);
    c->http->handler(&c->req, c->http->handler_arg);
    rt_trace_set_current(prev);
}

/*
 * Whether the connection waits for bytes from the client: between requests
 * (unless it waits for its output to drain first), or within a head or body.
 */
static bool waiting_for_input(const struct conn *c)
{
    if (c->state == CONN_IDLE)
        return evbuffer_get_length(rt_stream_output(c->stream)) <= OUTPUT_HIGH;
    return c->state == CONN_HEAD || c->state == CONN_BODY;
}

/*
 * The client has half-closed and every request it sent before has been
 * served: what is left (empty lines, or a request cut short by the FIN) can
 * never complete.  Flush the answers queued so far and close.
 */
static void close_after_output(struct conn *c)
{
    c->state = CONN_CLOSING;
    rt_http_conn_set_timer(c, 0);
    rt_stream_set_reading(c->stream, false);
    rt_http_conn_flush(c);
}

/*
 * Read and dispatch as many requests as the input holds, one at a time
 * (pipelined requests wait until the one before them has been answered).
 */
void rt_http_conn_process(struct conn *c)
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
            /* Empty lines between requests leave the connection idle, under the keep-alive timer. */
            if (evbuffer_get_length(out) > OUTPUT_HIGH)
                rt_http_conn_flush(c); /* what the kernel takes; the rest resumes us from conn_writecb */
            if (evbuffer_get_length(out) > OUTPUT_HIGH || !skip_empty_lines(in))
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
                rt_http_conn_set_timer(c, c->http->settings.body_timeout_ms);
                if (c->info.expect_continue && evbuffer_get_length(in) == 0) {
                    evbuffer_add(out, "HTTP/1.1 100 Continue\r\n\r\n", 25);
                    rt_http_conn_flush(c);
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
    /* The answers to pipelined requests of this read, queued together (rt_http_conn_request_ended). */
    if (c->state != CONN_CLOSING && c->state != CONN_LINGER && evbuffer_get_length(out) > 0)
        rt_http_conn_flush(c);
    if (c->peer_eof && waiting_for_input(c))
        close_after_output(c);
}

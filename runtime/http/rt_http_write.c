/*
 * rt_http — answering (see the state machine in rt_http.c): the status
 * line and the runtime's headers, the JSON errors for requests that never
 * reached the application, and what follows an answer: the next request
 * on a keep-alive connection, or flushing, half-closing and lingering.
 */
#include "rt_http_internal.h"
#include "rt_fmt.h"
#include "rt_json.h"
#include "rt_log.h"
#include "rt_metrics.h"
#include "rt_stream.h"
#include "rt_time.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* --- the head of an answer --- */

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
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
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

static void access_log(struct conn *c, int status, size_t body_len)
{
    const struct rt_req *req = &c->req;
    struct rt_log_access a;

    if (!c->http->settings.access_log || !rt_log_enabled(RT_LOG_INFO))
        return;
    a = (struct rt_log_access){
        .peer = c->peer,
        .method = req->method_name,
        .path = req->path,
        .query = req->query,
        .http_minor = req->http_minor,
        .request_id = req->id,
        .trace_id = req->trace.trace_id, /* "" for a request refused before its head was read */
        .operation = rt_metrics_operation_name(req->op_plus_2 - 2),
        .status = status,
        .duration_ms = req->start_ns ? (double)(rt_time_mono_ns() - req->start_ns) / 1e6 : 0.0,
        .bytes_in = req->body_len,
        .bytes_out = body_len,
        .client_gone = req->peer_gone,
    };
    rt_log_access(&a);
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

/*
 * Whether the comma-separated list @p list (@p len bytes) holds the token
 * @p tok (@p n bytes), in any case.
 */
static bool list_has(const char *list, size_t len, const char *tok, size_t n)
{
    const char *p = list, *end = list + len;

    while (p < end) {
        const char *comma = memchr(p, ',', (size_t)(end - p)), *stop = comma != NULL ? comma : end;

        while (p < stop && (*p == ' ' || *p == '\t'))
            p++;
        if ((size_t)(stop - p) >= n && strncasecmp(p, tok, n) == 0 &&
            strspn(p + n, " \t") >= (size_t)(stop - p) - n)
            return true;
        p = stop + 1;
    }
    return false;
}

/*
 * Append the fields of the Vary value @p v that @p line (*@p len bytes so
 * far, zeroed after them, with room for twice @p v's length) lacks.
 * @return true when one is "*".
 */
static bool vary_add(char *line, size_t *len, const char *v)
{
    while (*v != '\0') {
        size_t n;

        v += strspn(v, " \t,");
        n = strcspn(v, ",");
        while (n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t'))
            n--;
        if (n == 1 && v[0] == '*')
            return true;
        if (n > 0 && !list_has(line, *len, v, n)) {
            if (*len > 0) {
                memcpy(line + *len, ", ", 2);
                *len += 2;
            }
            memcpy(line + *len, v, n);
            *len += n;
        }
        v += n;
        v += strcspn(v, ",");
    }
    return false;
}

/*
 * The application's headers, after the runtime's own.  Every Vary (the
 * application's, and ours when @p vary_ae: Accept-Encoding, see
 * gzip_choice()) goes out as one line with each field once, as nginx and
 * h2o send it: RFC 9110 5.3 allows the lines to be combined, and caches
 * and proxies handle one line better than several (CORS adds Vary: Origin,
 * the docs their own Vary: Accept-Encoding).  "*" among them is the whole
 * value (RFC 9110 12.5.5).
 */
static void write_headers(struct rt_req *req, struct evbuffer *out, bool vary_ae)
{
    const struct rt_out_header *h;
    size_t n_vary = vary_ae, room = 32, len = 0;
    bool star = false;
    char *line;

    for (h = req->out_headers; h != NULL; h = h->next) {
        if (strcasecmp(h->name, "Vary") == 0) {
            n_vary++;
            room += 2 * strlen(h->value) + 2; /* "a,b" may become "a, b" */
        }
    }
    if (n_vary == 1 && vary_ae)
        evbuffer_add(out, "Vary: Accept-Encoding\r\n", 23);
    if (n_vary > 1) {
        line = rt_req_alloc(req, room);
        for (h = req->out_headers; h != NULL && !star; h = h->next) {
            if (strcasecmp(h->name, "Vary") == 0)
                star = vary_add(line, &len, h->value);
        }
        if (!star && vary_ae)
            vary_add(line, &len, "Accept-Encoding");
        if (star || len > 0) /* not when they were all empty */
            evbuffer_add_printf(out, "Vary: %.*s\r\n", star ? 1 : (int)len, star ? "*" : line);
    }
    for (h = req->out_headers; h != NULL; h = h->next) {
        if (n_vary > 1 && strcasecmp(h->name, "Vary") == 0)
            continue; /* in the one line above */
        evbuffer_add(out, h->name, strlen(h->name));
        evbuffer_add(out, ": ", 2);
        evbuffer_add(out, h->value, strlen(h->value));
        evbuffer_add(out, "\r\n", 2);
    }
}

/* --- closing, and errors that close --- */

/*
 * The last answer has been flushed: half-close and drain what the client
 * still sends for a moment, so that unread input does not turn our close
 * into a reset that could destroy the answer before the client reads it.
 */
void rt_http_conn_linger(struct conn *c)
{
    struct evbuffer *in;

    if (c->peer_eof || c->stream == NULL) {
        rt_http_conn_free(c);
        return;
    }
    c->state = CONN_LINGER;
    rt_stream_shutdown_write(c->stream);
    in = rt_stream_input(c->stream);
    evbuffer_drain(in, evbuffer_get_length(in));
    rt_stream_set_reading(c->stream, true);
    rt_http_conn_set_timer(c, RT_HTTP_LINGER_MS);
}

/*
 * Send what the output buffer holds (rt_stream_flush: a plain socket is
 * written to at once).  A closing connection lingers once it is all out,
 * from the loop rather than from here: our caller may still use c.
 */
void rt_http_conn_flush(struct conn *c)
{
    if (rt_stream_flush(c->stream) && c->state == CONN_CLOSING)
        rt_stream_notify_written(c->stream);
}

/*
 * Queue a JSON error for a request that never reached the application,
 * then close.  Once the request's header fields were read (every error
 * of the body, and those of the head but a malformed line, 431, 505 and
 * the head's deadline: rt_http_parse_head() stops before them), the
 * refusal hook adds its headers (CORS's, from rt_server), as an
 * application adds them to its errors.  Earlier, no header is known, not
 * even the Origin: the error goes without them.
 */
void rt_http_conn_fail(struct conn *c, int status, const char *detail)
{
    struct evbuffer *out = rt_stream_output(c->stream);
    struct rt_json_buf body = {0};

    rt_json_put_detail(&body, detail);
    if (c->req.id[0] == '\0')
        rt_http_new_request_id(c);
    if (c->info.fields_parsed && c->http->refusal_hook != NULL) {
        c->req.refusing = true; /* takes headers, not an answer */
        c->http->refusal_hook(&c->req, c->http->refusal_arg);
        c->req.refusing = false;
    }
    write_head(c, out, status, "application/json", body.len, false);
    write_headers(&c->req, out, false);
    evbuffer_add(out, "\r\n", 2);
    evbuffer_add(out, body.data, body.len);
    access_log(c, status, body.len);
    rt_json_buf_free(&body);
    rt_metrics_request(RT_METRICS_OP_UNMATCHED, status, rt_time_mono_ns() - c->req.start_ns);
    rt_req_reset(&c->req);
    c->state = CONN_CLOSING;
    rt_http_conn_set_timer(c, 0);
    rt_stream_set_reading(c->stream, false);
    rt_http_conn_flush(c);
}

/*
 * The handler has not answered within handler_timeout_ms (a callback that
 * never came, a forgotten reply): a 503 goes out with "Connection: close"
 * in its place, logged with the request and counted
 * (http_handler_errors_total{kind="no_answer"}).  The request stays the
 * handler's, its memory valid for a callback that still holds it; its
 * answer, if it ever comes, ends it without being sent (rt_req_reply).
 * Without the handler's headers: they may be half set.
 */
void rt_http_conn_no_answer(struct conn *c)
{
    struct evbuffer *out = rt_stream_output(c->stream);
    struct rt_json_buf body = {0};
    const struct rt_req *req = &c->req;

    c->req.late = true;
    c->keep_alive = false;
    rt_metrics_handler_error(RT_METRICS_NO_ANSWER);
    rt_metrics_request(req->op_plus_2 - 2, 503, rt_time_mono_ns() - req->start_ns);
    rt_log_error("request %s: %s %s: no answer within %d ms (HANDLER_TIMEOUT); answered 503 and closed the "
                 "connection",
                 req->id, req->method_name ? req->method_name : "-", req->path ? req->path : "-",
                 c->http->settings.handler_timeout_ms);
    rt_json_put_detail(&body, "Service Unavailable: the request was not answered in time");
    write_head(c, out, 503, "application/json", body.len, false);
    evbuffer_add(out, "\r\n", 2);
    evbuffer_add(out, body.data, body.len);
    access_log(c, 503, body.len);
    rt_json_buf_free(&body);
    rt_stream_flush(c->stream); /* a plain socket takes it now; the caller closes it next */
}

/* --- answering (called through rt_req_reply) --- */

/*
 * What an answer's body goes out as: as it is, and it could not have gone
 * otherwise (GZIP_NO); as it is, but a client accepting gzip would have
 * had it compressed, so caches must know (GZIP_VARY: Vary: Accept-Encoding,
 * RFC 9110 12.5.5); or gzipped (GZIP_YES).  The cheapest tests come first:
 * an answer below the threshold costs two comparisons, no allocation and
 * no deflate call.  1xx, 204 and 304 have no body to encode; a body that
 * the application encoded already (it set Content-Encoding) is left alone,
 * and so is one with an ETag: a strong validator names one representation
 * (RFC 9110 8.8.3), and the gzipped one would need its own (rt_docs
 * compresses what it serves with ETags itself, once).
 */
enum gzip_choice { GZIP_NO, GZIP_VARY, GZIP_YES };

static enum gzip_choice gzip_choice(struct conn *c, int status, const char *content_type, size_t len)
{
    const struct rt_gzip_settings *s = &c->http->settings.gzip;

    if (!s->enabled || len == 0 || len < s->min_size || len > s->max_size)
        return GZIP_NO;
    if (status < 200 || status == 204 || status == 304 || !rt_gzip_type_compressible(content_type) ||
        rt_req_out_header(&c->req, "Content-Encoding") != NULL || rt_req_out_header(&c->req, "ETag") != NULL)
        return GZIP_NO;
    return rt_gzip_accepted(rt_req_header(&c->req, "Accept-Encoding")) ? GZIP_YES : GZIP_VARY;
}

/*
 * Compress @body into http->gzip_out with the worker's one deflate state
 * (made here the first time).  Returns the compressed length, or 0 if it
 * could not be compressed (the answer then goes as it is).
 */
static size_t gzip_body(struct rt_http *http, const void *body, size_t len)
{
    if (http->gzip == NULL && (http->gzip = rt_gzip_new()) == NULL)
        return 0;
    if (http->gzip_out == NULL && (http->gzip_out = evbuffer_new()) == NULL)
        return 0;
    return rt_gzip_compress(http->gzip, body, len, http->gzip_out);
}

/*
 * Queue the answer of the current request: head, the handler's headers,
 * body (none for HEAD, whose head is the GET's: compressed the same way).
 */
void rt_http_conn_send(struct rt_req *req, int status, const char *content_type, const void *body, size_t len)
{
    struct conn *c = req->owner;
    struct evbuffer *out;
    enum gzip_choice gzip;
    size_t sent_len = len;
    bool keep;

    if (c->stream == NULL) {
        if (!req->late)
            access_log(c, status, len); /* (a late one's 503 had its line) */
        return;                         /* the client is gone; nothing to write to */
    }
    gzip = gzip_choice(c, status, content_type, len);
    if (gzip == GZIP_YES && (sent_len = gzip_body(c->http, body, len)) >= len) {
        /* Failed (0), or not smaller (a short body of random bytes): as it is. */
        if (c->http->gzip_out != NULL)
            evbuffer_drain(c->http->gzip_out, sent_len);
        gzip = GZIP_VARY;
        sent_len = len;
    }
    access_log(c, status, sent_len);
    out = rt_stream_output(c->stream);
    /* After a half-close, the connection stays open only for requests already received. */
    keep = c->keep_alive && !c->http->draining &&
           !(c->peer_eof && evbuffer_get_length(rt_stream_input(c->stream)) == 0);
    c->keep_alive = keep;
    write_head(c, out, status, content_type, sent_len, keep);
    if (gzip == GZIP_YES)
        evbuffer_add(out, "Content-Encoding: gzip\r\n", 24);
    write_headers(req, out, gzip != GZIP_NO);
    evbuffer_add(out, "\r\n", 2);
    if (gzip == GZIP_YES && req->method != RT_METHOD_HEAD)
        evbuffer_add_buffer(out, c->http->gzip_out); /* moves its chain, no copy */
    else if (gzip == GZIP_YES)
        evbuffer_drain(c->http->gzip_out, sent_len);
    else if (req->method != RT_METHOD_HEAD && len > 0 && status >= 200 && status != 204 && status != 304)
        evbuffer_add(out, body, len); /* RFC 9110 6.4.1: never a body on 1xx, 204 and 304 */
}

/*
 * The current request has ended (its answer is queued): free a zombie,
 * close after "Connection: close", or wait for (or go on reading) the next
 * request of a keep-alive connection.
 *
 * Whatever the caller does next, the request object stays as it is now
 * until the loop runs again: a zombie is freed from the loop, and so is the
 * next pipelined request read, when the answer came from outside
 * rt_http_conn_process() (a handler's callback).  So a second answer from
 * the same callback finds its request ended, and is refused (rt_req_reply),
 * instead of touching freed memory or answering the next request.
 */
void rt_http_conn_request_ended(struct rt_req *req)
{
    struct conn *c = req->owner;

    if (c->chunks != NULL) {
        evbuffer_free(c->chunks); /* the request's chunked body: not kept while the connection waits */
        c->chunks = NULL;
    }
    if (c->stream == NULL) {
        c->state = CONN_CLOSING;
        event_active(c->timer, EV_TIMEOUT, 1); /* conn_timercb frees it */
        return;
    }
    if (!c->keep_alive) {
        c->state = CONN_CLOSING;
        rt_stream_set_reading(c->stream, false);
        rt_http_conn_flush(c);
        return; /* the write callback lingers and closes once the answer is out */
    }
    c->state = CONN_IDLE;
    rt_http_conn_set_timer(c, c->http->settings.keepalive_timeout_ms);
    if (c->in_process && evbuffer_get_length(rt_stream_input(c->stream)) > 0)
        return; /* rt_http_conn_process() reads the pipelined request next, and flushes the answers together
                 */
    rt_http_conn_flush(c);
    if (!c->in_process && evbuffer_get_length(rt_stream_input(c->stream)) > 0)
        rt_stream_notify_written(c->stream); /* conn_writecb reads the pipelined request, from the loop */
}

/*
 * rt_client_req — one call: its copy of what to send, its deadline, its
 * result and its callback (see rt_client_req.h).
 */
#include "rt_client_req.h"
#include "rt_mem.h"
#include "rt_client_conn.h"
#include "rt_client_pool.h"
#include "rt_client_priv.h"
#include "rt_metrics.h"
#include "rt_time.h"
#include "rt_trace.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/event.h>

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

/* @return 1 if the caller's headers (@p n strings) already have a field named @p name. */
static int has_header(char *const *headers, size_t n, const char *name)
{
    size_t i;

    for (i = 0; i < n; i += 2)
        if (strcasecmp(headers[i], name) == 0)
            return 1;
    return 0;
}

/*
 * A call started under a request's trace context carries it (W3C Trace
 * Context): traceparent with the request's trace id and a new span id,
 * and the request's tracestate; unless the caller set traceparent itself.
 * The context is copied, to be made current again around the callback
 * (rt_client_req_deliver), when the request may have ended already.
 * Headers 0..@p n are the caller's; there is room for four more.
 */
static void add_trace_headers(struct rt_client_req *req, size_t n)
{
    const struct rt_trace *t = rt_trace_current();
    char parent[RT_TRACEPARENT_LEN + 1];

    if (t == NULL || t->trace_id[0] == '\0' || has_header(req->send_headers, n, "traceparent"))
        return;
    req->trace = *t;
    req->trace.state = NULL;
    req->trace.state_len = 0;
    req->has_trace = true;
    req->send_headers[n++] = rt_xstrdup("traceparent");
    req->send_headers[n++] = rt_xstrdup(rt_trace_child_parent(t, parent, sizeof(parent)));
    if (t->state_len > 0 && !has_header(req->send_headers, n, "tracestate")) {
        req->send_headers[n++] = rt_xstrdup("tracestate");
        req->send_headers[n] = rt_xstrndup(t->state, t->state_len);
        req->trace.state = req->send_headers[n];
        req->trace.state_len = t->state_len;
    }
}

/* Copy what @p r asks to send into @p req.  @return 0, or -1 (invalid or out of memory). */
static int copy_send(struct rt_client_req *req, const struct rt_client_request *r)
{
    size_t n = 0, i;
    int m = method_from_name(r->method);

    if (m < 0)
        return -1;
    req->method = (enum evhttp_cmd_type)m;
    if (r->body != NULL) {
        req->send_body = rt_xmalloc(r->body_len + 1);
        memcpy(req->send_body, r->body, r->body_len);
        req->send_body[r->body_len] = '\0';
        req->send_len = r->body_len;
    }
    if (r->content_type != NULL) {
        if (!header_ok(r->content_type, false))
            return -1;
        req->send_ctype = rt_xstrdup(r->content_type);
    }
    while (r->headers != NULL && r->headers[n] != NULL && r->headers[n + 1] != NULL)
        n += 2;
    /* Room for traceparent and tracestate, name and value each, and the NULL. */
    req->send_headers = rt_xcalloc(n + 5, sizeof(char *));
    for (i = 0; i < n; i++) {
        if (!header_ok(r->headers[i], i % 2 == 0))
            return -1;
        req->send_headers[i] = rt_xstrdup(r->headers[i]);
    }
    add_trace_headers(req, n);
    return 0;
}

/* The request's event: the deadline passed, or the request is done and its callback due. */
static void on_req_event(evutil_socket_t fd, short what, void *arg)
{
    struct rt_client_req *req = arg;
    struct rt_client_conn *conn = req->conn;
    struct evhttp_request *evreq = req->evreq;

    if (req->state != RT_CLIENT_REQ_DONE) {
        if (conn != NULL)
            rt_client_conn_kill(conn);
        if (evreq != NULL) {
            req->evreq = NULL;
            evhttp_cancel_request(evreq); /* on_error(CANCEL) only; frees evreq, resets evcon */
        }
        rt_client_req_fail(req, "timed out after %d ms", req->client->settings.timeout_ms);
        event_del(req->ev); /* rt_client_req_fail re-activated it */
    }
    rt_client_req_deliver(req);
}

/* "@path?@query" (or @path alone when @query is NULL), malloc'd. */
static char *target_of(const char *path, const char *query)
{
    size_t plen = strlen(path), qlen = query != NULL ? strlen(query) : 0;
    char *t = rt_xmalloc(plen + 1 + qlen + 1);

    memcpy(t, path, plen);
    if (query != NULL) {
        t[plen] = '?';
        memcpy(t + plen + 1, query, qlen);
        plen += 1 + qlen;
    }
    t[plen] = '\0';
    return t;
}

struct rt_client_req *rt_client_req_new(struct rt_client *client, const struct rt_client_request *request,
                                        const char *path, const char *query, rt_client_callback cb, void *arg)
{
    struct rt_client_req *req = rt_xcalloc(1, sizeof(*req));

    if (path == NULL || path[0] == '\0')
        path = "/";
    req->target = target_of(path, query);
    if (copy_send(req, request) != 0)
        goto err;
    req->body = evbuffer_new();
    req->ev = evtimer_new(client->base, on_req_event, req);
    if (req->body == NULL || req->ev == NULL)
        goto err;
    req->client = client;
    req->cb = cb;
    req->arg = arg;
    return req;
err:
    rt_client_req_free(req);
    return NULL;
}

void rt_client_req_start(struct rt_client_req *req, struct rt_client_origin *origin)
{
    struct rt_client *client = req->client;
    struct timeval tv = rt_time_tv_ms(client->settings.timeout_ms);

    req->origin = origin;
    req->metrics_source = origin->metrics_source;
    req->state = RT_CLIENT_REQ_WAITING;
    req->start_ns = rt_time_mono_ns();
    event_add(req->ev, &tv);
    TAILQ_INSERT_TAIL(&client->requests, req, all_link);
    rt_client_pool_enqueue(origin, req);
}

/*
 * Mark @p req done with @p status and no error, detached from its queue or
 * connection.  @return false if it already was done.
 */
static bool req_end(struct rt_client_req *req, int status)
{
    if (req->state == RT_CLIENT_REQ_DONE)
        return false;
    if (req->state == RT_CLIENT_REQ_WAITING && req->origin != NULL)
        TAILQ_REMOVE(&req->origin->waiting, req, link);
    if (req->conn != NULL) {
        req->conn->req = NULL;
        req->conn = NULL;
    }
    req->state = RT_CLIENT_REQ_DONE;
    req->origin = NULL;
    req->status = status;
    req->error[0] = '\0';
    return true;
}

/* Time a request just ended and activate its event, whose callback runs the user's callback. */
static void req_due(struct rt_client_req *req)
{
    req->elapsed_ms = (double)(rt_time_mono_ns() - req->start_ns) / 1e6;
    event_del(req->ev);
    if (!req->client->shutting_down)
        event_active(req->ev, EV_TIMEOUT, 0);
}

void rt_client_req_done(struct rt_client_req *req, int status)
{
    if (req_end(req, status))
        req_due(req);
}

void rt_client_req_fail(struct rt_client_req *req, const char *fmt, ...)
{
    va_list ap;

    if (!req_end(req, 0))
        return;
    va_start(ap, fmt);
    vsnprintf(req->error, sizeof(req->error), fmt, ap);
    va_end(ap);
    evbuffer_drain(req->body, evbuffer_get_length(req->body));
    free(req->content_type);
    req->content_type = NULL;
    rt_client_req_free_headers(req);
    req_due(req);
}

/* How a finished request ended, for outbound_requests_total{outcome}. */
static enum rt_metrics_outcome outbound_outcome(const struct rt_client_req *req)
{
    if (req->error[0] == '\0')
        return req->status < 400 ? RT_METRICS_OUTBOUND_OK : RT_METRICS_OUTBOUND_HTTP_ERROR;
    return strstr(req->error, "timed out") != NULL ? RT_METRICS_OUTBOUND_TIMEOUT : RT_METRICS_OUTBOUND_ERROR;
}

void rt_client_req_deliver(struct rt_client_req *req)
{
    struct rt_client_response resp;
    size_t len = evbuffer_get_length(req->body);
    const struct rt_trace *prev;

    memset(&resp, 0, sizeof(resp));
    resp.status = req->status;
    resp.error = req->error[0] != '\0' ? req->error : NULL;
    resp.content_type = req->content_type;
    resp.headers = (const char *const *)req->resp_headers;
    resp.elapsed_ms = req->elapsed_ms;
    if (resp.error == NULL && evbuffer_add(req->body, "", 1) == 0) {
        resp.body = (const char *)evbuffer_pullup(req->body, -1);
        resp.body_len = resp.body != NULL ? len : 0;
    }
    TAILQ_REMOVE(&req->client->requests, req, all_link);
    rt_metrics_outbound(req->metrics_source, outbound_outcome(req), (uint64_t)(req->elapsed_ms * 1e6));
    /* Calls the callback starts belong to the trace this one did (add_trace_headers). */
    prev = rt_trace_set_current(req->has_trace ? &req->trace : NULL);
    req->cb(&resp, req->arg);
    rt_trace_set_current(prev);
    rt_client_req_free(req);
}

void rt_client_req_free_headers(struct rt_client_req *req)
{
    for (char **h = req->resp_headers; h != NULL && *h != NULL; h++)
        free(*h);
    free(req->resp_headers);
    req->resp_headers = NULL;
}

void rt_client_req_free(struct rt_client_req *req)
{
    char **h;

    if (req == NULL)
        return;
    if (req->ev != NULL)
        event_free(req->ev);
    if (req->body != NULL)
        evbuffer_free(req->body);
    free(req->content_type);
    rt_client_req_free_headers(req);
    free(req->target);
    free(req->send_body);
    free(req->send_ctype);
    for (h = req->send_headers; h != NULL && *h != NULL; h++)
        free(*h);
    free(req->send_headers);
    free(req);
}

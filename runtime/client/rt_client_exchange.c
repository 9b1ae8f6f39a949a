/*
 * rt_client_exchange — one request and its response on a connection,
 * through evhttp (see rt_client_exchange.h).
 */
#include "rt_client_exchange.h"
#include "rt_mem.h"
#include "rt_client_conn.h"
#include "rt_client_pool.h"
#include "rt_client_priv.h"
#include "rt_client_req.h"
#include "rt_http_parse.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/http_struct.h> /* the answer's version: evhttp has no getter for it */
#include <event2/keyvalq_struct.h>

#define USER_AGENT "async-demo/0.1"

/* --- the response --- */

/* evhttp: the response's first line and headers arrived. */
static int on_headers(struct evhttp_request *evreq, void *arg)
{
    struct rt_client_req *req = arg;

    req->got_headers = true;
    return 0;
}

/* End @p req with why its connection @p conn could not be established. */
static void fail_connect(struct rt_client_req *req, const struct rt_client_conn *conn)
{
    char why[sizeof(req->error)];

    rt_client_conn_describe_failure(conn, why, sizeof(why));
    rt_client_req_fail(req, "%s", why);
}

/*
 * @return true if @p req, which found @p conn closed (EOF), should go once
 * more on a fresh connection: a reused keep-alive connection the server had
 * closed before sending a byte of the response.  GET only: it is
 * idempotent, while the server may have acted on a POST before closing.
 */
static bool may_retry(const struct rt_client_req *req, const struct rt_client_conn *conn)
{
    return conn->n_done > 0 && !req->got_headers && !req->retried && !req->client->shutting_down &&
           req->method == EVHTTP_REQ_GET;
}

/* End @p req after @p error on its established connection @p conn (already killed), or retry it. */
static void fail_exchange(struct rt_client_req *req, const struct rt_client_conn *conn,
                          enum evhttp_request_error error)
{
    const struct rt_client_origin *o = req->origin;

    switch (error) {
    case EVREQ_HTTP_DATA_TOO_LONG:
        if (req->got_headers)
            rt_client_req_fail(req, "response larger than %zu bytes",
                               req->client->settings.max_response_size);
        else
            rt_client_req_fail(req, "response headers larger than %d bytes", RT_CLIENT_MAX_HEADERS_SIZE);
        break;
    case EVREQ_HTTP_INVALID_HEADER:
        rt_client_req_fail(req, "malformed response from %s:%d", o->host, o->port);
        break;
    case EVREQ_HTTP_TIMEOUT:
        rt_client_req_fail(req, "timed out after %d ms", req->client->settings.timeout_ms);
        break;
    case EVREQ_HTTP_EOF:
        if (may_retry(req, conn))
            rt_client_pool_retry(req);
        else
            rt_client_req_fail(req, "connection closed by %s:%d before a complete response", o->host,
                               o->port);
        break;
    default:
        rt_client_req_fail(req, "I/O error talking to %s:%d", o->host, o->port);
        break;
    }
}

/*
 * evhttp: the request failed.  libevent has already freed the request and
 * reset the connection (on_conn_closed ran if it had been connected);
 * on_response(NULL) follows unless we cancelled.
 */
static void on_error(enum evhttp_request_error error, void *arg)
{
    struct rt_client_req *req = arg;
    struct rt_client_conn *conn = req->conn;

    req->evreq = NULL;
    if (error == EVREQ_HTTP_REQUEST_CANCEL || req->state != RT_CLIENT_REQ_ACTIVE || conn == NULL)
        return;
    rt_client_conn_kill(conn);
    if (!conn->connected)
        fail_connect(req, conn);
    else
        fail_exchange(req, conn, error);
}

/* The response's headers into req->resp_headers, in order (repeated names kept), for the caller. */
static void copy_headers(struct rt_client_req *req, struct evkeyvalq *in)
{
    struct evkeyval *h;
    size_t n = 0, i = 0;

    rt_client_req_free_headers(req);
    TAILQ_FOREACH(h, in, next)
    n++;
    req->resp_headers = rt_xcalloc(2 * n + 1, sizeof(*req->resp_headers));
    TAILQ_FOREACH(h, in, next)
    {
        req->resp_headers[i++] = rt_xstrdup(h->key);
        req->resp_headers[i++] = rt_xstrdup(h->value);
    }
}

/*
 * Whether @p evreq's answer leaves its connection open (rt_http_keeps_alive()):
 * evhttp itself closes an outgoing connection on "Connection: close" only,
 * and would keep an HTTP/1.0 answer's, which the server then closes: a call
 * sent on it meanwhile fails (a POST is never sent again).
 */
static bool answer_keeps_alive(const struct evhttp_request *evreq)
{
    const char *connection = evhttp_find_header(evreq->input_headers, "Connection");

    return evreq->major == 1 && rt_http_keeps_alive(evreq->minor, connection);
}

/*
 * evhttp: the request completed.  @p evreq is NULL after on_error (already
 * handled); a request with response code 0 means the connection could not
 * be made (evhttp calls back without an error then).  libevent frees
 * @p evreq when we return.
 */
static void on_response(struct evhttp_request *evreq, void *arg)
{
    struct rt_client_req *req = arg;
    struct rt_client_conn *conn = req->conn;
    size_t max = req->client->settings.max_response_size;
    const char *ctype;
    int code;

    if (req->evreq == NULL || req->state != RT_CLIENT_REQ_ACTIVE || conn == NULL)
        return;
    req->evreq = NULL;
    if (evreq == NULL) {
        rt_client_conn_kill(conn);
        rt_client_req_fail(req, "connection to %s:%d failed", req->origin->host, req->origin->port);
        return;
    }
    code = evhttp_request_get_response_code(evreq);
    if (code == 0) {
        rt_client_conn_kill(conn);
        if (!conn->connected)
            fail_connect(req, conn);
        else
            rt_client_req_fail(req, "no response from %s:%d", req->origin->host, req->origin->port);
        return;
    }
    if (evbuffer_get_length(evhttp_request_get_input_buffer(evreq)) > max) {
        rt_client_conn_kill(conn);
        rt_client_req_fail(req, "response larger than %zu bytes", max);
        return;
    }
    evbuffer_add_buffer(req->body, evhttp_request_get_input_buffer(evreq));
    ctype = evhttp_find_header(evhttp_request_get_input_headers(evreq), "Content-Type");
    free(req->content_type);
    req->content_type = ctype != NULL ? rt_xstrdup(ctype) : NULL;
    copy_headers(req, evhttp_request_get_input_headers(evreq));
    if (answer_keeps_alive(evreq))
        rt_client_conn_release(conn);
    else
        rt_client_conn_kill(conn);
    rt_client_req_done(req, code);
}

/* --- the request --- */

/* Add Host, User-Agent, Accept and the caller's fields to @p h. */
static void add_headers(struct evkeyvalq *h, const struct rt_client_origin *o,
                        const struct rt_client_req *req)
{
    char host[300];
    char **x;
    bool default_port = o->port == (o->https ? 443 : 80), accept = false;

    if (strchr(o->host, ':') != NULL)
        snprintf(host, sizeof(host), default_port ? "[%s]" : "[%s]:%d", o->host, o->port);
    else
        snprintf(host, sizeof(host), default_port ? "%s" : "%s:%d", o->host, o->port);
    evhttp_add_header(h, "Host", host);
    evhttp_add_header(h, "User-Agent", USER_AGENT);
    for (x = req->send_headers; x != NULL && x[0] != NULL && x[1] != NULL; x += 2) {
        evhttp_add_header(h, x[0], x[1]);
        accept = accept || strcasecmp(x[0], "Accept") == 0;
    }
    if (!accept) /* the caller's Accept, else JSON */
        evhttp_add_header(h, "Accept", "application/json");
}

/* @return the libevent request for conn->req, headers and body in place; NULL if memory ran out. */
static struct evhttp_request *request_new(struct rt_client_conn *conn)
{
    struct rt_client_req *req = conn->req;
    struct evhttp_request *evreq = evhttp_request_new(on_response, req);
    struct evkeyvalq *h;

    if (evreq == NULL)
        return NULL;
    evhttp_request_set_error_cb(evreq, on_error);
    evhttp_request_set_header_cb(evreq, on_headers);
    h = evhttp_request_get_output_headers(evreq);
    add_headers(h, conn->origin, req);
    if (req->send_body != NULL) {
        char len[32];

        snprintf(len, sizeof(len), "%zu", req->send_len);
        evhttp_add_header(h, "Content-Length", len);
        if (req->send_ctype != NULL)
            evhttp_add_header(h, "Content-Type", req->send_ctype);
        if (evbuffer_add(evhttp_request_get_output_buffer(evreq), req->send_body, req->send_len) != 0) {
            evhttp_request_free(evreq);
            return NULL;
        }
    }
    return evreq;
}

void rt_client_exchange_start(struct rt_client_conn *conn)
{
    struct rt_client_req *req = conn->req;
    struct rt_client_origin *o = conn->origin;
    struct evhttp_request *evreq;

    event_del(conn->idle_timer);
    conn->state = RT_CLIENT_CONN_BUSY;
    evreq = request_new(conn);
    if (evreq == NULL) {
        rt_client_conn_kill(conn);
        rt_client_req_fail(req, "out of memory");
        return;
    }
    req->evreq = evreq;
    req->got_headers = false;
    if (evhttp_make_request(conn->evcon, evreq, req->method, req->target) != 0) {
        /* libevent has freed evreq */
        req->evreq = NULL;
        rt_client_conn_kill(conn);
        rt_client_req_fail(req, "cannot send the request to %s:%d", o->host, o->port);
        return;
    }
    if (req->evreq != NULL && conn->state == RT_CLIENT_CONN_BUSY)
        rt_client_conn_watch_connect(conn);
}

/*
 * rt_client_req — one call of rt_client_request(): what to send (kept for
 * a retry), its deadline, the libevent request while in flight, and the
 * result until the callback has run.
 *
 * States: WAITING (in its origin's queue) → ACTIVE (on a connection) →
 * DONE (result stored, callback due); a retry takes an ACTIVE request back
 * to WAITING once.  Every request ends through rt_client_req_done() or
 * rt_client_req_fail(), which store the result and activate the request's
 * event; the user's callback runs from that event, so never from inside
 * rt_client_request() nor from inside libevent.
 *
 * Ownership: the client holds every request until its callback has run
 * (client->requests).  A request owns its copies, its body buffer and its
 * event, and is freed right after its callback.
 */
#ifndef RT_CLIENT_REQ_H
#define RT_CLIENT_REQ_H

#include "rt_client.h"
#include "rt_trace.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include <event2/http.h>

struct event;
struct evbuffer;
struct rt_client_conn;
struct rt_client_origin;

enum rt_client_req_state { RT_CLIENT_REQ_WAITING, RT_CLIENT_REQ_ACTIVE, RT_CLIENT_REQ_DONE };

/* A list of requests (origin->waiting, client->requests). */
TAILQ_HEAD(rt_client_req_list, rt_client_req);

struct rt_client_req {
    TAILQ_ENTRY(rt_client_req) link;     /* in origin->waiting while WAITING */
    TAILQ_ENTRY(rt_client_req) all_link; /* in client->requests until the callback has run */
    struct rt_client *client;
    struct rt_client_origin *origin; /* NULL once done */
    struct rt_client_conn *conn;     /* while ACTIVE */
    struct evhttp_request *evreq;    /* while libevent holds the request for us */
    char *target;                    /* "/path?query" */
    enum evhttp_cmd_type method;
    char *send_body;     /* the request body (copy), or NULL */
    size_t send_len;     /* bytes in send_body */
    char *send_ctype;    /* its Content-Type (copy), or NULL */
    char **send_headers; /* more header fields (copies): name, value, ..., NULL; or NULL */
    rt_client_callback cb;
    void *arg;
    struct event *ev;  /* the deadline timer; activated by hand when done */
    uint64_t start_ns; /* rt_time_mono_ns() when started */
    enum rt_client_req_state state;
    bool retried;          /* already retried once on a fresh connection */
    bool need_fresh;       /* must go on a new connection (the retry) */
    bool got_headers;      /* the response's headers arrived */
    int metrics_source;    /* the origin's slot in outbound_requests_total{source} */
    bool has_trace;        /* started under a request's trace context: trace is a copy of it */
    struct rt_trace trace; /* its state points into send_headers */
    /* the result, valid once DONE */
    int status;
    char *content_type;
    char **resp_headers; /* the response's headers: name, value, ..., NULL (rt_xmalloc'd), or NULL */
    struct evbuffer *body;
    double elapsed_ms;
    char error[256]; /* "" when a response was received */
};

/**
 * Make a request of @p client: method, body, Content-Type and headers from
 * @p request, and the target from @p path ("" or NULL for "/") and
 * @p query (or NULL), all copied.  It is in no queue and has no deadline
 * until rt_client_req_start().
 * @return the request, or NULL if the method is not supported, a header
 *         name or value is not a valid field, or libevent cannot make its
 *         body buffer or timer.
 */
struct rt_client_req *rt_client_req_new(struct rt_client *client, const struct rt_client_request *request,
                                        const char *path, const char *query, rt_client_callback cb,
                                        void *arg);

/** Start @p req for @p origin: its deadline runs from now; it joins client->requests and the origin's queue.
 */
void rt_client_req_start(struct rt_client_req *req, struct rt_client_origin *origin);

/**
 * End @p req with the response's @p status; its body is in req->body and
 * its Content-Type in req->content_type.  The caller has dealt with the
 * libevent request and the connection.  No-op once done.
 */
void rt_client_req_done(struct rt_client_req *req, int status);

/**
 * End @p req with an error message (status 0, no body).  Detaches it from
 * its queue or connection; the caller has dealt with the libevent request
 * and the connection.  No-op once done.
 */
void rt_client_req_fail(struct rt_client_req *req, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/** Run the callback of a finished request, count it in the metrics, and free it. */
void rt_client_req_deliver(struct rt_client_req *req);

/** Free @p req and everything it owns (NULL is fine); it must be in no list. */
void rt_client_req_free(struct rt_client_req *req);

/** Free req->resp_headers (a retried request's, or a failed one's); NULL after. */
void rt_client_req_free_headers(struct rt_client_req *req);

#endif /* RT_CLIENT_REQ_H */

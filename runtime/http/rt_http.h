/*
 * rt_http — an HTTP/1.1 server on one event loop.
 *
 * One rt_http belongs to one worker thread: it accepts connections from
 * listening sockets it is given, reads requests (request line, headers,
 * Content-Length or chunked bodies) within the configured limits and time
 * limits, hands each complete request to the application callback, and
 * writes the answers in order (keep-alive and pipelining included).
 *
 * Why not evhttp: libevent 2.1's evhttp answers the errors it detects
 * itself (body or headers too large, malformed requests) with fixed HTML
 * pages and offers no hook to change them (evhttp_set_errorcb is 2.2), and
 * its only read timeout restarts with every byte, so a client trickling
 * its headers is never cut off.  Here every error is JSON in FastAPI's
 * shape, and each phase of a request has a deadline of its own.
 *
 * Errors found before a request reaches the application are answered and
 * the connection is then closed gracefully (lingering close, so the
 * answer is not lost to a reset):
 *   400 malformed request line, header, chunk or Content-Length; missing Host
 *   408 head or body not received within its deadline
 *   413 body larger than max_body_size
 *   417 an Expect other than 100-continue
 *   431 head larger than max_header_size or more than max_header_count headers
 *   501 a Transfer-Encoding other than chunked
 *   505 an HTTP version other than 1.0 and 1.1
 * Each carries an X-Request-ID: the client's when its header fields were
 * read, else a new one.  Once they were (every error above but a malformed
 * head, a 431 for the head's size, 505 and a 408 for the head; a 431 for
 * too many fields has them), the request's trace context is
 * taken too (the access line's trace id), and the refusal hook
 * (rt_http_set_refusal_hook()) may add headers, as an application adds
 * them to its own errors: rt_server adds CORS's, so that a page on another
 * origin sees the status instead of a network error.
 */
#ifndef RT_HTTP_H
#define RT_HTTP_H

#include "rt_gzip.h"

#include <stddef.h>

struct event_base;
struct rt_http;
struct rt_req;
struct ssl_ctx_st;

struct rt_http_settings {
    int worker_id;            /* shown in request ids */
    size_t max_body_size;     /* bytes */
    size_t max_header_size;   /* bytes of request line + headers */
    int max_header_count;     /* headers per request */
    int header_timeout_ms;    /* first byte of a request to end of its head */
    int body_timeout_ms;      /* end of the head to end of the body */
    int keepalive_timeout_ms; /* idle time between requests */
    int write_timeout_ms;     /* time for a pending response to make progress */
    int handler_timeout_ms;   /* time a handler has to answer; 503 beyond (0: none, for tests of the layer) */
    int max_connections;      /* open connections; accepting pauses beyond */
    int access_log;           /* 1 to log one line per request */
    const char *server_name;  /* the Server header (static storage; 64 bytes at most are sent); NULL: none */
    /*
     * Answers the application sends with a JSON or text type and a body
     * within these sizes are gzipped for clients that accept it (all zero:
     * never); see rt_http_write.c.
     */
    struct rt_gzip_settings gzip;
    /*
     * NULL for plain HTTP; else every connection is TLS with this context
     * (borrowed: it must outlive the server).  The handshake must finish
     * within header_timeout_ms of the connection's arrival.
     */
    struct ssl_ctx_st *tls_ctx;
};

/**
 * Called with each complete request, on the loop's thread.  The callee
 * must eventually answer it with one rt_req_reply*() call (see rt_req.h).
 */
typedef void (*rt_http_handler)(struct rt_req *req, void *arg);

/**
 * Called on the loop's thread with a request refused before it reached the
 * application (see the top of this file) once its header fields were read.
 * The callee may read the request (rt_req_header(), rt_req_path(), ...)
 * and add headers to the error with rt_req_add_header(); it must not
 * answer it (an answer is refused as a second one, see rt_req.h).
 */
typedef void (*rt_http_refusal_hook)(struct rt_req *req, void *arg);

/**
 * Create a server on @p base.  @p settings is copied.
 * @return the server (never NULL: running out of memory aborts, see rt_mem.h).
 */
struct rt_http *rt_http_new(struct event_base *base, const struct rt_http_settings *settings,
                            rt_http_handler handler, void *arg);

/** Set the hook (NULL: none, the default) called with @p arg for refused requests (rt_http_refusal_hook). */
void rt_http_set_refusal_hook(struct rt_http *http, rt_http_refusal_hook hook, void *arg);

/**
 * Accept connections on @p fd, a bound and listening socket.  The server
 * takes ownership of @p fd (it is closed by rt_http_drain/rt_http_free).
 * @return 0 on success, -1 on failure (then @p fd is closed too).
 */
int rt_http_accept_on(struct rt_http *http, int fd);

/**
 * Begin a graceful shutdown, race-free for keep-alive clients such as a
 * load balancer's upstream connection pool:
 *
 *  - The listening sockets are closed at once (connections already in the
 *    backlog are taken and served first), so new connects are refused and
 *    a balancer tries another instance, safe even for a POST, which has not
 *    been sent yet.
 *  - Every request in progress, and every request that still arrives on an
 *    open connection, is served and answered with "Connection: close".
 *  - Idle keep-alive connections are NOT closed from this side: a client may
 *    be sending a request on one at that very moment, and a request lost
 *    that way cannot safely be retried elsewhere unless it is idempotent.
 *    They end when their client closes them (a balancer's upstream
 *    keep-alive timeout, which must be shorter than the shutdown grace
 *    period), when they carry one more request (answered with
 *    "Connection: close"), or at the keep-alive timeout, as at any time.
 *    Whatever is still open at the caller's deadline is closed by
 *    rt_http_free().
 *
 * When the last connection has closed, @p drained(@p arg) is called, once.
 * It may be called during this call, if nothing is open.
 */
void rt_http_drain(struct rt_http *http, void (*drained)(void *arg), void *arg);

/** @return the number of open connections, including ones with a request in a handler. */
unsigned rt_http_connection_count(const struct rt_http *http);

/**
 * Close every connection and free the server; NULL is fine.  Requests still
 * in a handler are abandoned: call only after the event loop has stopped
 * for good (their pending callbacks must never run again).
 */
void rt_http_free(struct rt_http *http);

#endif /* RT_HTTP_H */

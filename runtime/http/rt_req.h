/*
 * rt_req — one HTTP request as handlers and generated code see it.
 *
 * A request is handed to the application once its head and body have been
 * read completely (see rt_http.h).  From then on the application owns the
 * obligation to answer it: every path through a handler must end in exactly
 * one rt_req_reply*() call, now or later from a callback on the same event
 * loop.  Until that call the request and everything allocated from it stay
 * valid, even if the client has already gone away; after it, the request
 * pointer must not be used again.
 *
 * Exactly once is checked in release builds too: an answer on a request
 * that has been answered already is not sent, but logged as an error with
 * the request id and counted in http_handler_errors_total{kind=
 * "second_answer"}.  This is certain for a second answer given before the
 * loop runs again (from the handler, or from the callback that gave the
 * first): until then the connection frees nothing and hands the request
 * object to no other request.  A later one is caught while the connection
 * is idle or closing; not once the connection has been freed or has handed
 * the same object its next request (and a detached request frees itself
 * when answered).
 *
 * Threading: a request belongs to the worker thread (event loop) that read
 * it.  All functions here must be called on that thread.
 */
#ifndef RT_REQ_H
#define RT_REQ_H

#include <stddef.h>
#include <stdint.h>

struct timeval;

struct event_base;
struct json_object;
struct rt_req;

/** HTTP methods, as bits so that a set of them (an Allow header) is a mask. */
enum rt_method {
    RT_METHOD_GET = 1 << 0,
    RT_METHOD_HEAD = 1 << 1,
    RT_METHOD_POST = 1 << 2,
    RT_METHOD_PUT = 1 << 3,
    RT_METHOD_DELETE = 1 << 4,
    RT_METHOD_PATCH = 1 << 5,
    RT_METHOD_OPTIONS = 1 << 6,
    RT_METHOD_OTHER = 1 << 7 /* syntactically valid but none of the above */
};

/** @return the upper-case name of a single method bit ("GET"), "OTHER" otherwise. */
const char *rt_method_name(enum rt_method method);

/**
 * Write the names of the methods in @p mask, in the order of enum rt_method
 * and separated by ", ", into @p buf (an Allow header value).
 * @return @p buf, always NUL-terminated (truncated if @p size is too small).
 */
char *rt_method_mask_format(unsigned mask, char *buf, size_t size);

/** @return the request's method. */
enum rt_method rt_req_method(const struct rt_req *req);

/**
 * @return the raw (still percent-encoded) path, without the query; starts
 * with '/'.  Under a mount (rt_req_set_mount()), the part after it.
 */
const char *rt_req_path(const struct rt_req *req);

/** @return the whole raw path, mount included (see rt_req_set_mount()). */
const char *rt_req_full_path(const struct rt_req *req);

/**
 * Serve @p req under a mount (the API's base path): from now on
 * rt_req_path() gives what follows the first @p len bytes of the path, or
 * "/" when nothing follows.  The caller has checked that the path starts
 * with the mount.
 */
void rt_req_set_mount(struct rt_req *req, size_t len);

/** @return the raw query string after '?', without the '?', or NULL if the target had none. */
const char *rt_req_query(const struct rt_req *req);

/**
 * @return the value of the first header named @p name (compared
 * case-insensitively), or NULL.  The string lives as long as the request.
 */
const char *rt_req_header(const struct rt_req *req, const char *name);

/**
 * @return the request body, NUL-terminated (the NUL is not counted in
 * @p len), or NULL with *len == 0 when the request had no body.
 * @p len may be NULL.  The body lives as long as the request.
 */
const char *rt_req_body(const struct rt_req *req, size_t *len);

/** @return the event loop the request runs on; timers and I/O for it go there. */
struct event_base *rt_req_base(const struct rt_req *req);

/**
 * Call @p fn(-1, EV_TIMEOUT, @p arg) once, @p tv from now, on the request's
 * loop (rt_req_timer.c).  The timer lives in the request's memory and is
 * deleted when the request ends, answered or not, so @p fn never runs for
 * a request that is gone.  Timers of one duration share one libevent
 * common-timeout queue (a few durations per loop; others use the heap).
 * @return 0, or -1 if it could not be scheduled.
 */
int rt_req_timer_start(struct rt_req *req, const struct timeval *tv,
                       void (*fn)(int fd, short what, void *arg), void *arg);

/** @return the request id (the client's X-Request-ID if it was sane, else one we made). */
const char *rt_req_id(const struct rt_req *req);

struct rt_trace;

/**
 * @return the request's W3C trace id (32 lower-case hex digits): the one
 * of the client's traceparent when it was well-formed, else a new one.
 * Outbound calls started while the request is handled carry it (see
 * rt_trace.h); it is in the access log.
 */
const char *rt_req_trace_id(const struct rt_req *req);

/** @return the request's trace context (trace id, the client's span, our span, tracestate). */
const struct rt_trace *rt_req_trace(const struct rt_req *req);

/**
 * Record which operation @p req is, for the metrics: its index in the
 * generated operation table (enum api__op), or RT_METRICS_OP_DOCS.  A
 * request never given one is counted as "unmatched".
 */
void rt_req_set_operation(struct rt_req *req, int op);

/** @return 1 once the client has closed its side of the connection, else 0. */
int rt_req_peer_gone(const struct rt_req *req);

/**
 * Allocate @p size zeroed bytes that live until the request ends (after its
 * reply has been queued).  Never returns NULL: out of memory aborts.
 */
void *rt_req_alloc(struct rt_req *req, size_t size);

/** Copy @p len bytes of @p s into request memory and NUL-terminate them. */
char *rt_req_strndup(struct rt_req *req, const char *s, size_t len);

/**
 * Run @p fn(@p arg) when the request ends, after its reply has been queued
 * (also when the client went away first).  Cleanups run in reverse order of
 * registration.  Use it to free what a handler or generated code allocated
 * outside rt_req_alloc(), such as parsed models.
 */
void rt_req_defer(struct rt_req *req, void (*fn)(void *arg), void *arg);

/**
 * Add a response header.  Both strings are copied.  Content-Type,
 * Content-Length, Connection, Date, Server and X-Request-ID are set by the
 * runtime and must not be added here.  Does nothing on a request that has
 * been answered (the answer that follows is refused, see rt_req_reply()).
 * A name that is empty or holds a space, a colon or a line break, or a
 * value with a CR or LF (response splitting), is not sent: logged as an error.
 */
void rt_req_add_header(struct rt_req *req, const char *name, const char *value);

/**
 * Answer the request: @p status with @p len bytes of @p body (copied) of
 * type @p content_type (NULL for no Content-Type, e.g. with an empty body).
 * Ends the request; @p req must not be used afterwards.  A request that
 * was answered already is not answered again (see the top of this file).
 */
void rt_req_reply(struct rt_req *req, int status, const char *content_type, const void *body, size_t len);

/**
 * Answer with @p body serialized as JSON ("application/json").
 * Takes ownership of @p body (it is released with json_object_put()).
 * Ends the request.
 */
void rt_req_reply_json(struct rt_req *req, int status, struct json_object *body);

/**
 * Answer with FastAPI's error shape, {"detail": "<detail>"}.
 * Ends the request.
 */
void rt_req_reply_detail(struct rt_req *req, int status, const char *detail);

/* --- detached requests, for tests and fuzzers --- */

/** What a detached request was answered with.  Strings are malloc'd; see rt_req_capture_cleanup(). */
struct rt_req_capture {
    int replied;        /* 1 once the request was answered */
    int status;         /* HTTP status of the answer */
    char *content_type; /* Content-Type of the answer, or NULL */
    char *headers;      /* extra headers, "Name: value\r\n" each, or NULL */
    char *body;         /* body, NUL-terminated, or NULL when empty */
    size_t body_len;    /* bytes in body, without the NUL */
};

/**
 * Make a request that is not attached to any connection, as if a client had
 * sent @p method @p target with the given headers and body.  @p headers is
 * NULL or an array of name, value, name, value, ..., NULL.  All inputs are
 * copied.  When the request is answered its reply is stored in @p capture
 * (which the caller owns and must keep alive until then) and the request
 * frees itself.  @p base may be NULL for handlers that need no event loop.
 * @return the request, or NULL if @p target does not start with '/'.
 */
struct rt_req *rt_req_new_detached(struct event_base *base, enum rt_method method, const char *target,
                                   const char *const *headers, const char *body, size_t body_len,
                                   struct rt_req_capture *capture);

/** Free the strings of @p capture and reset it; NULL is fine. */
void rt_req_capture_cleanup(struct rt_req_capture *capture);

#endif /* RT_REQ_H */

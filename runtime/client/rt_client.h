/*
 * rt_client — an asynchronous HTTP/1.1 client on one event loop.
 *
 * Built on libevent: evhttp client connections, evdns for name resolution,
 * and libevent_openssl for HTTPS with certificate and host-name
 * verification against the system's CA store (or a CA file).  Keep-alive
 * connections are pooled per origin and reused; since an evhttp connection
 * carries one request at a time, concurrent requests to one origin use
 * several connections (up to a limit; beyond it requests wait their turn,
 * still within their own timeout).
 *
 * Every request has a deadline covering everything (resolve, connect,
 * TLS handshake, sending, waiting, reading) and a limit on the response
 * body's size.  The callback is called exactly once per request, on the
 * loop, never from inside rt_client_request() (or rt_client_get()); a
 * request never fails silently:
 * timeouts, refused connections, TLS failures, oversized bodies and
 * malformed responses all come back as an error message.
 *
 * A GET that finds its reused keep-alive connection closed by the server
 * before any response byte is retried once on a fresh connection; other
 * methods are not idempotent and never retried (the error comes back).
 *
 * One rt_client per event loop, created and freed on that loop's thread.
 */
#ifndef RT_CLIENT_H
#define RT_CLIENT_H

#include <stddef.h>

struct event_base;
struct rt_client;

struct rt_client_settings {
    int timeout_ms;                 /* per request, from rt_client_request() to the last body byte */
    size_t max_response_size;       /* bytes of body; a larger response fails with an error */
    const char *ca_file;            /* PEM file of trusted CAs, or NULL for the system's store */
    int max_connections_per_origin; /* concurrent connections to one scheme://host:port */
    int idle_timeout_ms;            /* how long an unused keep-alive connection is kept */
};

/** The outcome of one request; valid only during the callback. */
struct rt_client_response {
    int status;                 /* the HTTP status, or 0 when no response was received */
    const char *error;          /* NULL when a response was received (whatever its status), else why not */
    const char *body;           /* the body (NUL-terminated, the NUL not counted), or NULL */
    size_t body_len;            /* bytes in body */
    const char *content_type;   /* the Content-Type header, or NULL */
    const char *const *headers; /* every header received: name, value, ..., NULL; or NULL (no response) */
    double elapsed_ms;          /* from rt_client_request() to this callback */
};

/**
 * @return the value of the first header named @p name (any case) in
 * @p headers (name, value, ..., NULL, as in struct rt_client_response), or
 * NULL if there is none or @p headers is NULL.
 */
const char *rt_client_header(const char *const *headers, const char *name);

/** What to send; everything is copied by rt_client_request(). */
struct rt_client_request {
    const char *method;         /* "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH" or "OPTIONS"; NULL = GET */
    const char *url;            /* absolute http:// or https:// URL */
    const char *body;           /* request body, or NULL for none */
    size_t body_len;            /* bytes in body */
    const char *content_type;   /* Content-Type of body, or NULL for none */
    const char *const *headers; /* more header fields: NULL, or name, value, ..., NULL */
};

typedef void (*rt_client_callback)(const struct rt_client_response *response, void *arg);

/**
 * Create a client on @p base (with its own evdns resolver, which reads
 * /etc/resolv.conf and /etc/hosts).  @p settings is copied; ca_file too.
 * @return the client, or NULL with a message in @p err (NULL allowed),
 *         e.g. when the CA file cannot be loaded.
 */
struct rt_client *rt_client_new(struct event_base *base, const struct rt_client_settings *settings, char *err,
                                size_t errlen);

/**
 * Answer every request still in progress with the error "client shut down"
 * (their callbacks run during this call), close all connections and free
 * the client.  On the loop's thread; NULL is fine.
 */
void rt_client_free(struct rt_client *client);

/**
 * Start @p request (copied: the caller may free it and what it points to
 * on return).  A body is sent with Content-Length (and @p content_type if
 * given); Host, User-Agent and Accept: application/json are added, and,
 * when the calling thread has a current trace context (while a request is
 * handled, see rt_trace.h), traceparent (a new span of that trace) and
 * tracestate, unless @p request sets traceparent itself.
 * @p cb(@p arg) is called exactly once, later, on the loop.
 * @return 0 once started; -1 if the URL is not an absolute http(s) URL,
 *         the method is not one of those above, a header name or value is
 *         not a valid field (CR, LF) or libevent fails, in which case
 *         @p cb is never called.
 */
int rt_client_request(struct rt_client *client, const struct rt_client_request *request,
                      rt_client_callback cb, void *arg);

/**
 * Start GET @p url (http:// or https://; copied): rt_client_request() with
 * no body.  @p cb(@p arg) is called exactly once, later, on the loop.
 * @return 0 once started; -1 if @p url is not an absolute http(s) URL or
 *         libevent fails, in which case @p cb is never called.
 */
int rt_client_get(struct rt_client *client, const char *url, rt_client_callback cb, void *arg);

/** @return the rt_client of the calling worker thread, or NULL. */
struct rt_client *rt_client_current(void);

/** Make @p client what rt_client_current() returns on this thread. */
void rt_client_set_current(struct rt_client *client);

#endif /* RT_CLIENT_H */

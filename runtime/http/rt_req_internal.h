/*
 * rt_req internals, shared by rt_req.c and the connection layer (rt_http*.c).
 * Nothing outside the runtime includes this.
 */
#ifndef RT_REQ_INTERNAL_H
#define RT_REQ_INTERNAL_H

#include "rt_req.h"
#include "rt_trace.h"

#include <stdbool.h>

/** A bump allocator: chunks freed together when the request ends. */
struct rt_arena_chunk {
    struct rt_arena_chunk *next; /* older chunk, or NULL */
    size_t size;                 /* usable bytes in data[] */
    size_t used;                 /* bytes handed out */
    _Alignas(16) unsigned char data[];
};

struct rt_header {
    const char *name;  /* as received, NUL-terminated */
    const char *value; /* trimmed, NUL-terminated */
};

struct rt_out_header {
    struct rt_out_header *next;
    char *name;
    char *value;
};

struct rt_defer {
    struct rt_defer *next;
    void (*fn)(void *arg);
    void *arg;
};

/**
 * Called by rt_req_reply() to put the answer on the wire (or into a
 * capture).  @p body is only valid during the call.  After it returns,
 * rt_req_reply() ends the request (cleanups, memory) and then calls
 * req->ended(req) if set.
 */
typedef void (*rt_req_send_fn)(struct rt_req *req, int status, const char *content_type, const void *body,
                               size_t len);

struct rt_req {
    struct rt_arena_chunk *arena; /* newest chunk first; the last one is kept across requests */
    enum rt_method method;
    const char *method_name; /* as received */
    char *path;              /* raw path, NUL-terminated */
    const char *mounted;     /* the path under the mount (rt_req_set_mount()), or NULL */
    char *query;             /* raw query without '?', or NULL */
    int http_minor;          /* 0 for HTTP/1.0, 1 for HTTP/1.1 */
    struct rt_header *headers;
    size_t n_headers;
    char *body; /* NUL-terminated, or NULL */
    size_t body_len;
    struct event_base *base;
    char id[72];
    struct rt_trace trace; /* set with the id, from traceparent/tracestate (rt_req_trace_start) */
    struct rt_defer *defers;
    struct rt_out_header *out_headers; /* in the order added */
    uint64_t start_ns;                 /* monotonic time the first byte arrived */
    int op_plus_2;                     /* rt_req_set_operation()'s op + 2; 0 (zeroed) when never set */
    bool active;                       /* handed to the application and not yet answered: takes one answer */
    bool refusing;                     /* refused before the application: takes headers (rt_http's hook) */
    bool peer_gone;                    /* the client closed its side */
    bool late; /* not answered within the handler timeout: the runtime sent a 503; the answer only ends it */
    rt_req_send_fn send;               /* how the answer leaves */
    void (*ended)(struct rt_req *req); /* after the request has ended, or NULL */
    void *owner;                       /* the connection, or the capture of a detached request */
};

/** Prepare @p req (zeroed storage) for use; @p base may be NULL. */
void rt_req_init(struct rt_req *req, struct event_base *base);

/**
 * End @p req: run its cleanups, forget its headers and body, and free all
 * but one chunk of its memory, so the same object can carry the next
 * request of a connection.  Called by rt_req_reply() after sending.  The
 * id stays, for the log line of an answer that comes after the end (see
 * rt_req_reply()); the owner clears it when the next request starts.
 */
void rt_req_reset(struct rt_req *req);

/**
 * Give @p req its trace context from its traceparent and tracestate
 * headers, or a new one (never an error: see rt_trace.h).
 */
void rt_req_trace_start(struct rt_req *req);

/** Free everything @p req holds (it must not be active); NULL is fine. */
void rt_req_cleanup(struct rt_req *req);

/** @return the method for @p name (case-sensitive, as HTTP requires), RT_METHOD_OTHER if unknown. */
enum rt_method rt_method_parse(const char *name, size_t len);

/** Find the first response header named @p name (case-insensitive), or NULL. */
const char *rt_req_out_header(const struct rt_req *req, const char *name);

#endif /* RT_REQ_INTERNAL_H */

/*
 * rt_http internals, shared by the three files of the connection layer
 * (see the state machine in rt_http.c):
 *
 *   rt_http.c        the server: listeners, accepting, the connection
 *                    table, connection events and timers, lifetime
 *   rt_http_read.c   reading requests: the head/body state machine up to
 *                    the dispatch to the application
 *   rt_http_write.c  answering: the response head, errors found before
 *                    the application, keep-alive or closing and lingering
 *
 * Nothing outside runtime/http/ includes this.
 */
#ifndef RT_HTTP_INTERNAL_H
#define RT_HTTP_INTERNAL_H

#include "rt_gzip.h"
#include "rt_http.h"
#include "rt_http_chunked.h"
#include "rt_http_parse.h"
#include "rt_req_internal.h"
#include "rt_time.h"

#include <event2/event.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>
#include <time.h>

struct evbuffer;
struct evconnlistener;
struct rt_stream;

enum conn_state { CONN_IDLE, CONN_HEAD, CONN_BODY, CONN_HANDLING, CONN_CLOSING, CONN_LINGER };

/* How long a closing connection drains what the client still sends. */
#define RT_HTTP_LINGER_MS 2000

struct conn {
    LIST_ENTRY(conn) link;
    struct rt_http *http;
    struct rt_stream *stream; /* NULL once the socket is closed (zombie) */
    struct event *timer;      /* in timer_mem[]; see rt_http_conn_set_timer() */
    uint64_t deadline_ns;     /* monotonic time the current state's deadline passes; 0: none */
    uint64_t timer_at_ns;     /* when the armed timer fires; 0: not armed */
    enum conn_state state;
    struct rt_req req;
    struct rt_http_head_info info;
    size_t head_scan_from;           /* where to resume looking for the end of the head */
    size_t body_got;                 /* body bytes read so far */
    struct evbuffer *chunks;         /* chunked body being collected, or NULL (freed when its request ends) */
    struct rt_http_chunked *chunked; /* the decoder of the chunked body being read, in the request's arena */
    bool keep_alive;                 /* the current exchange may be followed by another */
    bool in_process;                 /* rt_http_conn_process() is on the stack */
    bool peer_eof;                   /* the client closed its side */
    char peer[INET6_ADDRSTRLEN + 8];
    /* The timer's struct event (event_assign), in the same allocation: its size is known at run time only. */
    _Alignas(16) unsigned char timer_mem[];
};

LIST_HEAD(conn_list, conn);

/*
 * A connection timeout as a libevent common timeout: every connection's
 * timer of one duration goes into one queue (O(1) to add and delete, one
 * entry of the timer heap for the whole queue) instead of the heap, which
 * holds a hundred thousand timers at 100,000 connections.
 */
struct rt_http_timeout {
    int ms;
    const struct timeval *tv; /* event_base_init_common_timeout()'s, or NULL */
};

struct rt_http {
    struct event_base *base;
    struct rt_http_settings settings;
    rt_http_handler handler;
    void *handler_arg;
    rt_http_refusal_hook refusal_hook; /* or NULL */
    void *refusal_arg;
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
    struct rt_gzip *gzip;      /* the worker's one deflate state, made on its first compressed answer */
    struct evbuffer *gzip_out; /* a compressed body, until its head is queued before it */
    struct rt_http_timeout timeouts[4]; /* keep-alive, head, body, linger */
    int tick_ms; /* the shortest of the four: an armed timer fires at most this long after it was armed */
};

/* The timeval to arm a connection's timer with for @p ms (> 0): a common timeout when it is one of the four.
 */
const struct timeval *rt_http_timeout_tv(struct rt_http *http, int ms, struct timeval *scratch);

/*
 * The connection's deadline for its state: @p ms from now (0: none).
 *
 * Checked lazily: the timer is not deleted and added again with each
 * request (three times per request: head, dispatch, keep-alive), it stays
 * armed and, when it fires, compares the time with the deadline of the
 * moment, arming itself again for the rest if that is later.  An armed
 * timer fires at most tick_ms (the shortest connection timeout) after it
 * was armed, so a later deadline never needs it moved; only a deadline
 * earlier than the armed time (lingering) re-arms it at once.
 */
void rt_http_conn_set_timer(struct conn *c, int ms);

/* --- rt_http.c --- */

/*
 * Close and free @p c, or only its socket while a handler still owns its
 * request (the connection is freed when that request ends).
 */
void rt_http_conn_free(struct conn *c);

/* --- rt_http_read.c --- */

/*
 * Read and dispatch as many requests as the input holds, one at a time
 * (pipelined requests wait until the one before them has been answered).
 */
void rt_http_conn_process(struct conn *c);

/* Give the connection's current request an id of ours (the client sent none that is usable). */
void rt_http_new_request_id(struct conn *c);

/* --- rt_http_write.c --- */

/* Queue a JSON error for a request that never reached the application, then close. */
void rt_http_conn_fail(struct conn *c, int status, const char *detail);

/* Send what the output holds; a closing connection lingers once it is all out (from the loop). */
void rt_http_conn_flush(struct conn *c);

/* The last answer has been flushed: half-close and drain the input for a moment, then free. */
void rt_http_conn_linger(struct conn *c);

/* No answer within the handler timeout: send a 503 in its place (the request stays the handler's). */
void rt_http_conn_no_answer(struct conn *c);

/* req->send of a connection's request: queue the answer (rt_req_reply). */
void rt_http_conn_send(struct rt_req *req, int status, const char *content_type, const void *body,
                       size_t len);

/* req->ended of a connection's request: keep-alive (read the next request) or close. */
void rt_http_conn_request_ended(struct rt_req *req);

#endif /* RT_HTTP_INTERNAL_H */

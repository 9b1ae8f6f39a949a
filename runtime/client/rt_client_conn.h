/*
 * rt_client_conn — one connection of an rt_client: one evhttp_connection
 * (one socket, one TLS session) carrying at most one request at a time.
 *
 * States: RESOLVING (a lookup in flight) → BUSY ⇄ IDLE → DEAD.  A
 * connection is never reconnected: once libevent resets it (server close,
 * error, cancel) it is dead; the pool frees it later and opens a new one.
 * An idle connection is closed after idle_timeout_ms.
 *
 * HTTPS connections verify the server's certificate against the client's
 * SSL_CTX (rt_client_conn_tls_new) and its name or IP address against the
 * origin's host.
 *
 * Ownership: the pool (rt_client_pool.c) holds every connection.  A
 * connection owns its evhttp_connection (which owns the bufferevent, which
 * owns the SSL), its idle timer and its lookup; the request on it belongs
 * to the client.
 */
#ifndef RT_CLIENT_CONN_H
#define RT_CLIENT_CONN_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/queue.h>

#include <netinet/in.h>

#include <event2/bufferevent.h>
#include <openssl/ssl.h>

#define RT_CLIENT_MAX_HEADERS_SIZE (64 * 1024) /* bytes of response headers */

struct event;
struct evhttp_connection;
struct rt_client_lookup;
struct rt_client_origin;
struct rt_client_req;

enum rt_client_conn_state {
    RT_CLIENT_CONN_RESOLVING,
    RT_CLIENT_CONN_BUSY,
    RT_CLIENT_CONN_IDLE,
    RT_CLIENT_CONN_DEAD
};

/* A list of connections (origin->conns, client->dead). */
TAILQ_HEAD(rt_client_conn_list, rt_client_conn);

struct rt_client_conn {
    TAILQ_ENTRY(rt_client_conn) link; /* in origin->conns, or client->dead once DEAD */
    struct rt_client_origin *origin;  /* may be gone once DEAD */
    enum rt_client_conn_state state;
    struct rt_client_lookup *lookup; /* while evdns resolves the host for us */
    struct evhttp_connection *evcon;
    struct bufferevent *bev;   /* owned by evcon once that exists */
    SSL *ssl;                  /* owned by bev; NULL for http */
    struct rt_client_req *req; /* the request on this connection, if any */
    struct event *idle_timer;
    unsigned long n_done; /* responses completed here: > 0 means a reused keep-alive connection */
    bool connected;       /* TCP (and TLS) established */
    bufferevent_event_cb evhttp_eventcb; /* evhttp's, while we watch the connect in front of it */
    void *evhttp_eventarg;
    int connect_errno;           /* errno of a failed connect, or 0 */
    bool connect_timed_out;      /* evhttp's connect timeout fired */
    unsigned long tls_error;     /* OpenSSL error of a failed handshake, or 0 */
    char addr[INET6_ADDRSTRLEN]; /* the resolved address connected to */
};

/**
 * The TLS context connections are made from: TLS 1.2 or later, the peer
 * verified against @p ca_file (PEM; NULL for the system's CA store).
 * @return it (the caller frees it with SSL_CTX_free), or NULL with a
 *         message in @p err (NULL allowed).
 */
SSL_CTX *rt_client_conn_tls_new(const char *ca_file, char *err, size_t errlen);

/**
 * A new connection of @p origin, not yet started and in no list.
 * @return it, or NULL if libevent cannot make its idle timer.
 */
struct rt_client_conn *rt_client_conn_new(struct rt_client_origin *origin);

/**
 * Start @p conn (in its origin's pool, with conn->req set): resolve the
 * host unless it is an IP literal, connect, then send conn->req.  On
 * failure the connection is killed and the request fails.
 */
void rt_client_conn_start(struct rt_client_conn *conn);

/**
 * After a complete response: detach the request and, unless the
 * connection is dead, make it idle (its idle timer runs) for reuse.
 */
void rt_client_conn_release(struct rt_client_conn *conn);

/**
 * Take @p conn out of service: it leaves its origin's pool (making room for
 * a new connection), an unfinished lookup is cancelled, and the reaper
 * frees it later.  The request on it, if any, stays attached; the caller
 * finishes or requeues it.  Idempotent.
 */
void rt_client_conn_kill(struct rt_client_conn *conn);

/**
 * Free @p conn (in no list; NULL is fine) and close its socket; from the
 * reaper or rt_client_free(), never from inside a libevent callback.  The
 * request on it, if any, is detached and its libevent request dies with
 * the connection.
 */
void rt_client_conn_free(struct rt_client_conn *conn);

/**
 * Once evhttp has started connecting @p conn: watch the bufferevent's
 * events in front of evhttp, to learn what evhttp does not tell (whether
 * the connection and TLS handshake succeeded, and if not, why).
 */
void rt_client_conn_watch_connect(struct rt_client_conn *conn);

/** Say in @p buf why @p conn could not be established (certificate, timeout, TLS, refused, ...). */
void rt_client_conn_describe_failure(const struct rt_client_conn *conn, char *buf, size_t len);

#endif /* RT_CLIENT_CONN_H */

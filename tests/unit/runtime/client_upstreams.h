/*
 * Loopback upstreams for the rt_client tests, run on a thread of their own
 * with their own event loop: evhttp servers (plain, one on ::1 when the
 * host has IPv6, and on request TLS ones with certificates made at start by
 * the openssl command) and raw TCP servers for behaviour evhttp would not
 * produce.  Everything listens on port 0 of the loopback.
 *
 * The counters are written by the server thread; tests read them between
 * their client's loop runs (atomics), and the last request's headers under
 * the upstream's lock.
 */
#ifndef CLIENT_UPSTREAMS_H
#define CLIENT_UPSTREAMS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include <openssl/ssl.h>

#define UPSTREAM_MAX_LIVE 512

struct evhttp;
struct evhttp_connection;
struct evconnlistener;
struct raw_conn;

/*
 * An evhttp upstream.  GET /json answers {"ok": true, "port": N}; /slow the
 * same 100 ms later; /big 100000 bytes; /bigchunked the same, chunked;
 * /echo "<method> <Content-Type> <X-Test> <body>" as text.
 */
struct upstream {
    struct evhttp *http;
    SSL_CTX *ssl_ctx;    /* NULL for plain http */
    int port;            /* 0 if it could not be started (IPv6 missing) */
    atomic_int accepted; /* connections seen */
    atomic_int live;     /* connections open now */
    atomic_int max_live; /* most open at once */
    atomic_int requests; /* requests answered */
    struct evhttp_connection *conns[UPSTREAM_MAX_LIVE];
    pthread_mutex_t lock;
    char user_agent[64], accept[64], host[64]; /* of the last request, under lock */
    char traceparent[80], tracestate[80];      /* of the last request ("" when absent), under lock */
    int traceparents;                          /* traceparent fields in the last request, under lock */
};

enum raw_mode {
    RAW_HANG,         /* accept, read, never answer */
    RAW_GARBAGE,      /* answer with something that is not HTTP */
    RAW_CLOSE_SECOND, /* answer the first request of a connection (keep-alive); close on the second */
    RAW_CLOSE_LATER,  /* answer (keep-alive), then close the connection 50 ms later */
    RAW_BIG_HEADERS,  /* answer with 70000 bytes of header fields */
    RAW_CLOSE_EARLY,  /* send the headers and 10 of 100 body bytes, then close */
    RAW_HTTP10 /* answer the first request as HTTP/1.0 (no keep-alive), ignore the rest, close 50 ms later */
};

#define RAW_MAX_CONNS 64

/* A raw TCP upstream. */
struct raw_server {
    enum raw_mode mode;
    struct evconnlistener *listener;
    int port;
    atomic_int accepted;
    struct raw_conn *conns[RAW_MAX_CONNS];
    int n_conns;
};

extern struct upstream up_a, up_b, up_v6, up_tls, up_tls_other;
extern struct raw_server raw_hang, raw_garbage, raw_close_second, raw_close_later, raw_big_headers,
    raw_close_early, raw_http10;

/**
 * Start every upstream and the server thread.  With @p tls, also make a CA
 * and two server certificates in a temporary directory (127.0.0.1 +
 * localhost for up_tls, other.example for up_tls_other).
 * @return 0, or -1 (with a "# " line saying why).
 */
int upstreams_start(bool tls);

/** Stop the server thread, free the upstreams and remove the temporary directory. */
void upstreams_stop(void);

/** @return the CA file that signed the TLS upstreams' certificates. */
const char *upstreams_ca_file(void);

#endif /* CLIENT_UPSTREAMS_H */

/*
 * rt_client_priv — the rt_client object as the client's own modules see it.
 *
 * rt_client is split by concern, one .c/.h pair each:
 *   rt_client.c           the public API: the client object, starting a call
 *   rt_client_req.c       one call: what to send, its deadline, its result and callback
 *   rt_client_pool.c      per-origin pools: which connection carries which call, who waits
 *   rt_client_conn.c      one connection: connect (after a lookup), TLS, keep-alive, close
 *   rt_client_exchange.c  one request and its response on a connection, through evhttp
 *   rt_client_resolve.c   name resolution (evdns) for the connections being opened
 *
 * Nothing outside runtime/client includes this.
 */
#ifndef RT_CLIENT_PRIV_H
#define RT_CLIENT_PRIV_H

#include "rt_client.h"
#include "rt_client_conn.h"
#include "rt_client_internal.h"
#include "rt_client_pool.h"
#include "rt_client_req.h"

#include <stdbool.h>
#include <sys/queue.h>

#include <openssl/ssl.h>

struct event;
struct event_base;
struct rt_client_resolver;

/*
 * One client per event loop.  It owns everything below; the modules named
 * in the comments are the ones that change each field.
 */
struct rt_client {
    struct event_base *base;             /* the loop everything runs on (the caller's) */
    struct rt_client_resolver *resolver; /* one reference (rt_client_resolve.h) */
    SSL_CTX *ssl_ctx;                    /* every https connection's SSL is made from it */
    struct rt_client_settings settings;  /* defaults filled in; ca_file points to ca_file_copy */
    char *ca_file_copy;
    struct rt_client_origin_list origins; /* rt_client_pool.c */
    struct rt_client_req_list requests;   /* every request whose callback has not run, oldest first */
    struct rt_client_conn_list dead;      /* connections out of service, to free (rt_client_pool.c) */
    struct event *reaper;                 /* runs rt_client_pool_reap(), see rt_client_pool_schedule() */
    struct rt_client_stats stats;         /* connections_opened and retries; the rest computed on demand */
    bool shutting_down;                   /* inside rt_client_free(): nothing starts, no event is activated */
};

#endif /* RT_CLIENT_PRIV_H */

/*
 * rt_client_pool — the per-origin connection pools of an rt_client.
 *
 * An origin is scheme://host:port: its live connections and a FIFO of
 * requests waiting for one.  A waiting request goes on an idle connection
 * if there is one, else on a new connection while the origin has fewer
 * than max_connections_per_origin; the others keep waiting (their deadline
 * runs all the same).  A retry needs a fresh connection, and closes an idle
 * one if that is what it takes to make room.
 *
 * The pool's work is deferred to the client's reaper event, which runs from
 * the top of the loop, never from inside a libevent callback: it frees dead
 * connections, starts waiting requests and drops origins nobody uses.
 *
 * Ownership: the client owns its origins (client->origins) and, through
 * them, every live connection; dead connections wait in client->dead until
 * the reaper (or rt_client_pool_close) frees them.
 */
#ifndef RT_CLIENT_POOL_H
#define RT_CLIENT_POOL_H

#include "rt_client_conn.h"
#include "rt_client_req.h"

#include <stdbool.h>
#include <sys/queue.h>

struct rt_client;

/* A list of origins (client->origins). */
TAILQ_HEAD(rt_client_origin_list, rt_client_origin);

struct rt_client_origin {
    TAILQ_ENTRY(rt_client_origin) link; /* in client->origins */
    struct rt_client *client;
    bool https;
    bool host_is_ip; /* an IP literal: connections need no lookup */
    char *host;      /* without brackets for IPv6 */
    int port;
    int metrics_source;                /* from rt_metrics_source("scheme://host:port") */
    struct rt_client_conn_list conns;  /* live connections, idle ones first (most recently used first) */
    int n_conns;                       /* entries in conns */
    struct rt_client_req_list waiting; /* FIFO, but a retry goes first */
};

/**
 * @return the origin of @p client for @p https, @p host (no brackets;
 *         compared without case) and @p port, created if new.
 */
struct rt_client_origin *rt_client_pool_origin(struct rt_client *client, bool https, const char *host,
                                               int port);

/** Queue @p req (WAITING) on @p origin; the reaper starts it. */
void rt_client_pool_enqueue(struct rt_client_origin *origin, struct rt_client_req *req);

/**
 * Queue @p req (ACTIVE, on a connection the caller has killed) once more,
 * first in line, for a fresh connection, and count the retry.
 */
void rt_client_pool_retry(struct rt_client_req *req);

/** @p conn (just marked dead) leaves its origin for client->dead, making room for a new one. */
void rt_client_pool_discard(struct rt_client_conn *conn);

/** @p conn (just made idle) goes first in its origin's list, for the next request to reuse. */
void rt_client_pool_idle(struct rt_client_conn *conn);

/** Ask for rt_client_pool_reap() on the next loop iteration (not while shutting down). */
void rt_client_pool_schedule(struct rt_client *client);

/** The deferred work: free dead connections, start waiting requests, drop unused origins. */
void rt_client_pool_reap(struct rt_client *client);

/**
 * During rt_client_free(): free every connection, live or dead.  The
 * libevent requests on them die silently; their requests stay to be
 * answered.
 */
void rt_client_pool_close(struct rt_client *client);

/** During rt_client_free(), once no request refers to them: free every origin. */
void rt_client_pool_free(struct rt_client *client);

#endif /* RT_CLIENT_POOL_H */

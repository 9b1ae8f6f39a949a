/*
 * rt_client_pool — per-origin pools: which connection carries which call,
 * and who waits (see rt_client_pool.h).
 */
#include "rt_client_pool.h"
#include "rt_mem.h"
#include "rt_client_conn.h"
#include "rt_client_exchange.h"
#include "rt_client_priv.h"
#include "rt_client_req.h"
#include "rt_metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <event2/event.h>
#include <event2/util.h>

/* --- origins --- */

/* The origin's label for the metrics (a lock, but once per origin, not per call). */
static int origin_metrics_source(const struct rt_client_origin *o)
{
    char name[300];
    bool v6 = strchr(o->host, ':') != NULL;

    snprintf(name, sizeof(name), "%s://%s%s%s:%d", o->https ? "https" : "http", v6 ? "[" : "", o->host,
             v6 ? "]" : "", o->port);
    return rt_metrics_source(name);
}

struct rt_client_origin *rt_client_pool_origin(struct rt_client *client, bool https, const char *host,
                                               int port)
{
    struct rt_client_origin *o;
    unsigned char buf[sizeof(struct in6_addr)];

    for (o = TAILQ_FIRST(&client->origins); o != NULL; o = TAILQ_NEXT(o, link))
        if (o->https == https && o->port == port && strcasecmp(o->host, host) == 0)
            return o;
    o = rt_xcalloc(1, sizeof(*o));
    o->host = rt_xstrdup(host);
    o->client = client;
    o->https = https;
    o->port = port;
    o->host_is_ip = evutil_inet_pton(AF_INET, host, buf) == 1 || evutil_inet_pton(AF_INET6, host, buf) == 1;
    o->metrics_source = origin_metrics_source(o);
    TAILQ_INIT(&o->conns);
    TAILQ_INIT(&o->waiting);
    TAILQ_INSERT_TAIL(&client->origins, o, link);
    return o;
}

static void origin_free(struct rt_client_origin *o)
{
    free(o->host);
    free(o);
}

/* --- queueing --- */

void rt_client_pool_schedule(struct rt_client *client)
{
    if (!client->shutting_down)
        event_active(client->reaper, EV_TIMEOUT, 0);
}

void rt_client_pool_enqueue(struct rt_client_origin *origin, struct rt_client_req *req)
{
    TAILQ_INSERT_TAIL(&origin->waiting, req, link);
    rt_client_pool_schedule(origin->client);
}

void rt_client_pool_retry(struct rt_client_req *req)
{
    struct rt_client *client = req->client;

    req->conn->req = NULL;
    req->conn = NULL;
    req->retried = true;
    req->need_fresh = true;
    req->state = RT_CLIENT_REQ_WAITING;
    TAILQ_INSERT_HEAD(&req->origin->waiting, req, link);
    client->stats.retries++;
    rt_client_pool_schedule(client);
}

/* --- connections in and out of the pool --- */

void rt_client_pool_discard(struct rt_client_conn *conn)
{
    struct rt_client_origin *o = conn->origin;
    struct rt_client *client = o->client;

    TAILQ_REMOVE(&o->conns, conn, link);
    o->n_conns--;
    TAILQ_INSERT_TAIL(&client->dead, conn, link);
    rt_client_pool_schedule(client);
}

void rt_client_pool_idle(struct rt_client_conn *conn)
{
    struct rt_client_origin *o = conn->origin;

    TAILQ_REMOVE(&o->conns, conn, link);
    TAILQ_INSERT_HEAD(&o->conns, conn, link);
    if (!TAILQ_EMPTY(&o->waiting))
        rt_client_pool_schedule(o->client);
}

/* Put @p req on @p conn. */
static void pool_assign(struct rt_client_conn *conn, struct rt_client_req *req)
{
    conn->req = req;
    req->conn = conn;
    req->state = RT_CLIENT_REQ_ACTIVE;
}

/* Open a new connection of @p o for @p req (taken off the queue): resolve, connect, send. */
static void pool_open(struct rt_client_origin *o, struct rt_client_req *req)
{
    struct rt_client_conn *conn = rt_client_conn_new(o);

    if (conn == NULL) {
        rt_client_req_fail(req, "out of memory");
        return;
    }
    TAILQ_INSERT_TAIL(&o->conns, conn, link);
    o->n_conns++;
    o->client->stats.connections_opened++;
    pool_assign(conn, req);
    rt_client_conn_start(conn);
}

/*
 * Start waiting requests of @p o: on an idle connection if there is one,
 * else on a new connection while under the cap; the rest keep waiting.
 */
static void origin_pump(struct rt_client_origin *o)
{
    struct rt_client *client = o->client;
    struct rt_client_req *req;

    while ((req = TAILQ_FIRST(&o->waiting)) != NULL && !client->shutting_down) {
        struct rt_client_conn *idle = TAILQ_FIRST(&o->conns);

        if (idle != NULL && idle->state != RT_CLIENT_CONN_IDLE)
            idle = NULL;
        if (idle != NULL && !req->need_fresh) {
            TAILQ_REMOVE(&o->waiting, req, link);
            /* Busy ones go to the back, so that the next idle one is first again. */
            TAILQ_REMOVE(&o->conns, idle, link);
            TAILQ_INSERT_TAIL(&o->conns, idle, link);
            pool_assign(idle, req);
            rt_client_exchange_start(idle);
            continue;
        }
        if (o->n_conns >= client->settings.max_connections_per_origin) {
            if (idle == NULL)
                break;
            rt_client_conn_kill(idle); /* make room for the fresh connection a retry needs */
        }
        TAILQ_REMOVE(&o->waiting, req, link);
        req->need_fresh = false;
        pool_open(o, req);
    }
}

/* --- maintenance --- */

void rt_client_pool_reap(struct rt_client *client)
{
    struct rt_client_conn *conn;
    struct rt_client_origin *o, *next;

    while ((conn = TAILQ_FIRST(&client->dead)) != NULL) {
        TAILQ_REMOVE(&client->dead, conn, link);
        rt_client_conn_free(conn);
    }
    for (o = TAILQ_FIRST(&client->origins); o != NULL; o = TAILQ_NEXT(o, link))
        origin_pump(o);
    for (o = TAILQ_FIRST(&client->origins); o != NULL; o = next) {
        next = TAILQ_NEXT(o, link);
        if (o->n_conns == 0 && TAILQ_EMPTY(&o->waiting)) {
            TAILQ_REMOVE(&client->origins, o, link);
            origin_free(o);
        }
    }
}

void rt_client_pool_close(struct rt_client *client)
{
    struct rt_client_origin *o;
    struct rt_client_conn *conn;

    for (o = TAILQ_FIRST(&client->origins); o != NULL; o = TAILQ_NEXT(o, link)) {
        while ((conn = TAILQ_FIRST(&o->conns)) != NULL) {
            conn->state = RT_CLIENT_CONN_DEAD;
            TAILQ_REMOVE(&o->conns, conn, link);
            o->n_conns--;
            rt_client_conn_free(conn);
        }
    }
    while ((conn = TAILQ_FIRST(&client->dead)) != NULL) {
        TAILQ_REMOVE(&client->dead, conn, link);
        rt_client_conn_free(conn);
    }
}

void rt_client_pool_free(struct rt_client *client)
{
    struct rt_client_origin *o;

    while ((o = TAILQ_FIRST(&client->origins)) != NULL) {
        TAILQ_REMOVE(&client->origins, o, link);
        origin_free(o);
    }
}

void rt_client_get_stats(const struct rt_client *client, struct rt_client_stats *stats)
{
    const struct rt_client_origin *o;
    const struct rt_client_conn *conn;
    const struct rt_client_req *req;

    *stats = client->stats;
    stats->connections_open = 0;
    stats->connections_idle = 0;
    stats->requests_waiting = 0;
    for (o = TAILQ_FIRST(&client->origins); o != NULL; o = TAILQ_NEXT(o, link)) {
        stats->connections_open += o->n_conns;
        for (conn = TAILQ_FIRST(&o->conns); conn != NULL; conn = TAILQ_NEXT(conn, link))
            if (conn->state == RT_CLIENT_CONN_IDLE)
                stats->connections_idle++;
        for (req = TAILQ_FIRST(&o->waiting); req != NULL; req = TAILQ_NEXT(req, link))
            stats->requests_waiting++;
    }
}

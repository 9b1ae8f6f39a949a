/*
 * rt_db_pg_conn — one PostgreSQL connection's lifecycle, on its loop:
 *
 *              timer                    PQconnectPoll OK
 *   BACKOFF ------------> CONNECTING ---------------------> READY
 *      ^                     |                                |
 *      |  failed/timed out   |         lost (EOF, error)     |
 *      +---------------------+--------------------------------+
 *
 * Every state change goes through conn_set_state().  What a READY
 * connection does with statements is in rt_db_pg_pipeline.c.
 */
#include "rt_db_pg_internal.h"
#include "rt_log.h"
#include "rt_time.h"

#include <event2/event.h>

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>

static void conn_on_io(evutil_socket_t fd, short what, void *arg);

/*
 * Make c->io wait for @what on PQsocket(c->pg).  While connecting, the
 * event is always created afresh: libpq may close the socket and open
 * another between PQconnectPoll calls (next address, SSL retry), possibly
 * with the same number, and a stale epoll registration would never fire.
 * Once READY the socket is fixed, so an unchanged @what is a no-op.
 * @return 0, or -1 if the event could not be set up.
 */
int rt_db_pg_conn_watch(struct pg_conn *c, short what)
{
    evutil_socket_t fd = PQsocket(c->pg);

    if (fd < 0)
        return -1;
    if (c->io != NULL) {
        if (c->state == PG_CONN_READY && c->io_what == what)
            return 0;
        event_free(c->io);
        c->io = NULL;
    }
    c->io = event_new(c->loop->base, fd, what | EV_PERSIST, conn_on_io, c);
    if (c->io == NULL || event_add(c->io, NULL) < 0)
        return -1;
    c->io_what = what;
    return 0;
}

/* Drop the PGconn and its events.  The op list must already be detached (or empty). */
void rt_db_pg_conn_close(struct pg_conn *c)
{
    assert(c->ops_head == NULL && c->done_head == NULL && c->in_flight == 0);
    if (c->io != NULL) {
        event_free(c->io);
        c->io = NULL;
    }
    if (c->timer != NULL)
        event_del(c->timer);
    PQfinish(c->pg);
    c->pg = NULL;
    c->n_prepared = 0; /* prepared statements die with the session */
    c->flushing = 0;
    c->prepare_error[0] = '\0';
}

/* @return a uniformly random number in [0, n) (n > 0), from the loop's xorshift64. */
static uint64_t loop_random(struct pg_loop *l, uint64_t n)
{
    l->rng ^= l->rng << 13;
    l->rng ^= l->rng >> 7;
    l->rng ^= l->rng << 17;
    return l->rng % n;
}

/* Every state change goes through here, to keep db_pool_connections{state} right. */
static void conn_set_state(struct pg_conn *c, enum pg_conn_state state)
{
    rt_metrics_db_state((int)c->state, (int)state);
    c->state = state;
}

/*
 * Enter BACKOFF (c->pg already closed): the next attempt starts after a
 * delay drawn from [backoff/2, backoff] ("equal jitter"), and the next
 * backoff doubles, up to PG_BACKOFF_MAX_MS.
 */
static void conn_backoff(struct pg_conn *c)
{
    int half = c->backoff_ms / 2;
    struct timeval tv =
        rt_time_tv_ms(half + (int64_t)loop_random(c->loop, (uint64_t)(c->backoff_ms - half) + 1));

    conn_set_state(c, PG_CONN_BACKOFF);
    c->backoff_ms = c->backoff_ms * 2 > PG_BACKOFF_MAX_MS ? PG_BACKOFF_MAX_MS : c->backoff_ms * 2;
    evtimer_add(c->timer, &tv);
}

/* A connection attempt failed (CONNECTING, or could not even start): close and back off. */
static void conn_attempt_failed(struct pg_conn *c, const char *why)
{
    char msg[512];

    rt_db_pg_one_line(why, msg, sizeof(msg)); /* copy: @why may be PQerrorMessage(c->pg) */
    c->failures++;
    if (c->failures == 1)
        rt_log_warning("postgresql: connection %d: cannot connect: %s (retrying with backoff)", c->index,
                       msg);
    else
        rt_log_debug("postgresql: connection %d: attempt %d failed: %s", c->index, c->failures, msg);
    rt_db_pg_conn_close(c);
    conn_backoff(c);
}

/*
 * A READY connection went away (EOF, socket error, protocol confusion):
 * answer everything in flight on it with RT_DB_UNAVAILABLE (not retried:
 * it may have been executed), and reconnect after a backoff.  The
 * callbacks run last, when @c is already consistent (BACKOFF, empty), so
 * whatever they submit simply waits in the queue.
 */
void rt_db_pg_conn_lost(struct pg_conn *c, const char *why)
{
    struct pg_op *ops;
    char msg[512];

    rt_db_pg_one_line(why, msg, sizeof(msg));
    rt_log_warning("postgresql: connection %d lost (%d statement(s) in flight): %s", c->index, c->in_flight,
                   msg[0] != '\0' ? msg : "unknown reason");
    ops = rt_db_pg_conn_detach_ops(c);
    rt_db_pg_conn_close(c);
    c->backoff_ms = PG_BACKOFF_MIN_MS;
    conn_backoff(c);
    rt_db_pg_ops_fail(ops, "database connection lost");
}

/* PQconnectPoll said OK: switch to nonblocking pipeline mode and take statements. */
static void conn_become_ready(struct pg_conn *c)
{
    if (PQsetnonblocking(c->pg, 1) != 0 || !PQenterPipelineMode(c->pg)) {
        conn_attempt_failed(c, PQerrorMessage(c->pg));
        return;
    }
    conn_set_state(c, PG_CONN_READY);
    event_del(c->timer);
    if (rt_db_pg_conn_watch(c, EV_READ) < 0) {
        conn_attempt_failed(c, "cannot watch the socket");
        return;
    }
    if (c->failures > 0)
        rt_log_info("postgresql: connection %d ready again after %d failed attempt(s)", c->index,
                    c->failures);
    else
        rt_log_debug("postgresql: connection %d ready", c->index);
    c->failures = 0;
    c->backoff_ms = PG_BACKOFF_MIN_MS;
    c->last_progress_ns = rt_time_mono_ns();
    rt_db_pg_loop_kick(c->loop);
}

/* One step of the asynchronous connect, on socket readiness. */
static void conn_continue_connect(struct pg_conn *c)
{
    switch (PQconnectPoll(c->pg)) {
    case PGRES_POLLING_READING:
        if (rt_db_pg_conn_watch(c, EV_READ) < 0)
            conn_attempt_failed(c, "cannot watch the socket");
        break;
    case PGRES_POLLING_WRITING:
        if (rt_db_pg_conn_watch(c, EV_WRITE) < 0)
            conn_attempt_failed(c, "cannot watch the socket");
        break;
    case PGRES_POLLING_OK:
        conn_become_ready(c);
        break;
    case PGRES_POLLING_FAILED:
    default:
        conn_attempt_failed(c, PQerrorMessage(c->pg));
        break;
    }
}

/* BACKOFF → CONNECTING: start an attempt bounded by settings.connect_timeout_ms. */
void rt_db_pg_conn_start(struct pg_conn *c)
{
    const struct pg_db *pdb = c->loop->pdb;
    int timeout_ms = c->loop->db->settings.connect_timeout_ms;
    struct timeval tv = rt_time_tv_ms(timeout_ms > 0 ? timeout_ms : 10000);

    assert(c->pg == NULL && c->io == NULL);
    conn_set_state(c, PG_CONN_CONNECTING);
    c->pg = PQconnectStartParams(pdb->keywords, pdb->values, 1);
    if (c->pg == NULL) {
        conn_attempt_failed(c, "out of memory");
        return;
    }
    PQsetNoticeProcessor(c->pg, rt_db_pg_on_notice, NULL);
    if (PQstatus(c->pg) == CONNECTION_BAD) {
        conn_attempt_failed(c, PQerrorMessage(c->pg));
        return;
    }
    /* libpq ignores connect_timeout in PQconnectPoll; this timer enforces it. */
    evtimer_add(c->timer, &tv);
    /* libpq: start as if PQconnectPoll had returned PGRES_POLLING_WRITING. */
    if (rt_db_pg_conn_watch(c, EV_WRITE) < 0)
        conn_attempt_failed(c, "cannot watch the socket");
}

static void conn_on_timer(evutil_socket_t fd, short what, void *arg)
{
    struct pg_conn *c = arg;
    char msg[64];

    switch (c->state) {
    case PG_CONN_BACKOFF:
        rt_db_pg_conn_start(c);
        break;
    case PG_CONN_CONNECTING:
        snprintf(msg, sizeof(msg), "timed out after %d ms", c->loop->db->settings.connect_timeout_ms);
        conn_attempt_failed(c, msg);
        break;
    case PG_CONN_READY:
        break;
    }
}

static void conn_on_io(evutil_socket_t fd, short what, void *arg)
{
    struct pg_conn *c = arg;

    switch (c->state) {
    case PG_CONN_CONNECTING:
        conn_continue_connect(c);
        break;
    case PG_CONN_READY:
        rt_db_pg_conn_on_ready_io(c, what);
        break;
    case PG_CONN_BACKOFF:
        break; /* io is freed on entering BACKOFF; nothing can arrive */
    }
}

/* Set up the zeroed @c as connection @index of @l, in BACKOFF (counted in the metrics from here). */
int rt_db_pg_conn_init(struct pg_conn *c, struct pg_loop *l, int index)
{
    c->loop = l;
    c->index = index;
    c->state = PG_CONN_BACKOFF;
    rt_metrics_db_state(-1, RT_METRICS_DB_DOWN);
    c->backoff_ms = PG_BACKOFF_MIN_MS;
    c->timer = evtimer_new(l->base, conn_on_timer, c);
    return c->timer != NULL ? 0 : -1;
}

/* Close @c and free what it holds; its ops have been answered.  Idempotent; a zeroed @c is fine. */
void rt_db_pg_conn_cleanup(struct pg_conn *c)
{
    if (c->loop != NULL)
        rt_metrics_db_state((int)c->state, -1); /* counted since rt_db_pg_conn_init() */
    c->loop = NULL;
    rt_db_pg_conn_close(c);
    if (c->timer != NULL)
        event_free(c->timer);
    c->timer = NULL;
    free(c->prepared);
    c->prepared = NULL;
    c->n_prepared = c->cap_prepared = 0;
}

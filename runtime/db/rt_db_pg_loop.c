/*
 * rt_db_pg_loop — a loop's pool of PostgreSQL connections: the FIFO of
 * statements waiting for a connection (bounded by acquire_timeout_ms), the
 * dispatcher that moves them to the least-loaded READY connection, and the
 * backend's loop_new(), loop_free() and query() (see rt_db_pg.c).
 */
#include "rt_db_pg_internal.h"
#include "rt_mem.h"
#include "rt_time.h"

#include <event2/event.h>

#include <stdlib.h>
#include <string.h>

/* --- the per-loop queue of statements waiting for a connection --- */

static void waiting_push_back(struct pg_loop *l, struct pg_query *q)
{
    rt_metrics_db_waiting(1);
    q->next = NULL;
    if (l->waiting_tail != NULL)
        l->waiting_tail->next = q;
    else
        l->waiting_head = q;
    l->waiting_tail = q;
}

void rt_db_pg_waiting_push_front(struct pg_loop *l, struct pg_query *q)
{
    rt_metrics_db_waiting(1);
    q->next = l->waiting_head;
    l->waiting_head = q;
    if (l->waiting_tail == NULL)
        l->waiting_tail = q;
}

static struct pg_query *waiting_pop(struct pg_loop *l)
{
    struct pg_query *q = l->waiting_head;

    if (q != NULL) {
        rt_metrics_db_waiting(-1);
        l->waiting_head = q->next;
        if (l->waiting_head == NULL)
            l->waiting_tail = NULL;
        q->next = NULL;
    }
    return q;
}

/* Ask for a dispatch on the next loop iteration (never now: we may be inside query()). */
void rt_db_pg_loop_kick(struct pg_loop *l)
{
    if (l->waiting_head != NULL && !l->closing)
        event_active(l->dispatch, EV_TIMEOUT, 0);
}

/* Set the acquire timer to the oldest waiting statement's deadline, or stop it. */
static void loop_arm_acquire_timer(struct pg_loop *l)
{
    uint64_t now = rt_time_mono_ns();
    struct timeval tv;

    if (l->waiting_head == NULL) {
        event_del(l->acquire_timer);
        return;
    }
    /* round up: waking a little early would find nothing expired and spin */
    if (l->waiting_head->deadline_ns > now)
        tv = rt_time_tv_ms((int64_t)((l->waiting_head->deadline_ns - now + 999999u) / 1000000u));
    else
        tv = rt_time_tv_ms(0);
    evtimer_add(l->acquire_timer, &tv);
}

/*
 * Answer RT_DB_UNAVAILABLE to every waiting statement whose deadline has
 * passed.  The queue is ordered by deadline (FIFO, one timeout), so they are
 * at the front; statements the callbacks submit go to the back.
 */
static void loop_on_acquire_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct pg_loop *l = arg;
    uint64_t now = rt_time_mono_ns();

    while (l->waiting_head != NULL && l->waiting_head->deadline_ns <= now) {
        rt_metrics_db_acquire_timeout();
        rt_db_pg_query_answer(waiting_pop(l), RT_DB_UNAVAILABLE, "no database connection available", NULL);
    }
    loop_arm_acquire_timer(l);
}

/* --- the per-loop dispatcher --- */

/*
 * The READY connection with the fewest statements in flight (and room for
 * one more); ties go to the one that most recently completed something, as
 * a connection stuck behind a slow statement stops making progress.
 * @return it, or NULL if none.
 */
static struct pg_conn *loop_pick_conn(struct pg_loop *l)
{
    struct pg_conn *best = NULL;
    int i;

    for (i = 0; i < l->n_conns; i++) {
        struct pg_conn *c = &l->conns[i];

        if (c->state != PG_CONN_READY || c->in_flight >= PG_MAX_IN_FLIGHT)
            continue;
        if (best == NULL || c->in_flight < best->in_flight ||
            (c->in_flight == best->in_flight && c->last_progress_ns > best->last_progress_ns))
            best = c;
    }
    return best;
}

/*
 * Move waiting statements to connections, then end each connection's batch
 * and flush it.  A connection picked takes statements until its batch is
 * full (PG_MAX_BATCH) before the next least-loaded one is picked: one
 * batch of 16 costs the server one commit and one send(), four of 4 cost
 * four (issue 19: DB_POOL_SIZE=4 spread each turn's statements over the
 * four, and cost 20% more CPU per statement than a pool of one).
 */
static void loop_on_dispatch(evutil_socket_t fd, short what, void *arg)
{
    struct pg_loop *l = arg;
    struct pg_conn *c = NULL;
    int i;

    while (l->waiting_head != NULL) {
        if (c == NULL || c->state != PG_CONN_READY || c->batch_open == 0 || c->in_flight >= PG_MAX_IN_FLIGHT)
            c = loop_pick_conn(l);
        if (c == NULL)
            break;
        if (rt_db_pg_conn_send(c, waiting_pop(l)) == 0)
            c->unflushed = 1;
    }
    for (i = 0; i < l->n_conns; i++) {
        c = &l->conns[i];
        /*
         * Drain too: when the socket is full, libpq reads what the server
         * sent while it waits to write (pqSendSome), and results parked in
         * libpq's buffer would raise no read event of their own.
         */
        if (c->state == PG_CONN_READY && c->unflushed && rt_db_pg_conn_end_batch(c) == 0 &&
            rt_db_pg_conn_flush(c) == 0)
            rt_db_pg_conn_drain(c);
        c->unflushed = 0;
    }
    loop_arm_acquire_timer(l);
}

/* --- the backend's per-loop operations --- */

/* Free @l and everything it holds; answer nothing (the caller has). */
static void loop_destroy(struct pg_loop *l)
{
    int i;

    if (l == NULL)
        return;
    for (i = 0; l->conns != NULL && i < l->n_conns; i++)
        rt_db_pg_conn_cleanup(&l->conns[i]);
    free(l->conns);
    if (l->dispatch != NULL)
        event_free(l->dispatch);
    if (l->acquire_timer != NULL)
        event_free(l->acquire_timer);
    free(l);
}

void *rt_db_pg_loop_new(struct rt_db *db, struct event_base *base)
{
    struct pg_loop *l = rt_xcalloc(1, sizeof(*l));
    int i;

    l->db = db;
    l->pdb = db->state;
    l->base = base;
    l->n_conns = db->settings.pool_size > 0 ? db->settings.pool_size : 1;
    l->rng = rt_time_mono_ns() ^ (uint64_t)(uintptr_t)l;
    if (l->rng == 0)
        l->rng = 1;
    l->conns = rt_xcalloc((size_t)l->n_conns, sizeof(*l->conns));
    l->dispatch = event_new(base, -1, 0, loop_on_dispatch, l);
    l->acquire_timer = evtimer_new(base, loop_on_acquire_timeout, l);
    if (l->dispatch == NULL || l->acquire_timer == NULL)
        goto err;
    for (i = 0; i < l->n_conns; i++) {
        if (rt_db_pg_conn_init(&l->conns[i], l, i) < 0)
            goto err;
    }
    /* Start connecting now; nothing is queued yet, so no callback can run. */
    for (i = 0; i < l->n_conns; i++)
        rt_db_pg_conn_start(&l->conns[i]);
    return l;
err:
    loop_destroy(l);
    return NULL;
}

void rt_db_pg_loop_free(void *loop_state)
{
    struct pg_loop *l = loop_state;
    struct pg_query *q;
    int i;

    if (l == NULL)
        return;
    l->closing = 1; /* from here query() refuses, so the callbacks below cannot add work */
    for (i = 0; i < l->n_conns; i++) {
        struct pg_conn *c = &l->conns[i];
        struct pg_op *ops = rt_db_pg_conn_detach_ops(c);

        rt_db_pg_conn_close(c);
        rt_db_pg_ops_fail(ops, "database loop closed");
    }
    while ((q = waiting_pop(l)) != NULL)
        rt_db_pg_query_answer(q, RT_DB_UNAVAILABLE, "database loop closed", NULL);
    loop_destroy(l);
}

int rt_db_pg_query(void *loop_state, const struct rt_db_statement *stmt, const char *const *params,
                   rt_db_callback cb, void *arg)
{
    struct pg_loop *l = loop_state;
    int wait_ms = l->db->settings.acquire_timeout_ms > 0 ? l->db->settings.acquire_timeout_ms : 0;
    struct pg_query *q;
    size_t size, n, i;
    char *text;

    if (l->closing || stmt == NULL || cb == NULL || stmt->n_params < 0 || stmt->n_params > PG_MAX_PARAMS)
        return -1;
    n = (size_t)stmt->n_params;
    /* one allocation: the query, its parameter array, then the parameters' text */
    size = sizeof(*q) + n * sizeof(char *);
    for (i = 0; i < n; i++)
        size += params[i] != NULL ? strlen(params[i]) + 1 : 0;
    q = rt_xmalloc(size);
    q->next = NULL;
    q->stmt = stmt;
    q->retry = 0;
    q->cb = cb;
    q->arg = arg;
    q->queued_ns = rt_time_mono_ns();
    q->deadline_ns = q->queued_ns + (uint64_t)wait_ms * 1000000u;
    q->params = (const char **)(q + 1);
    text = (char *)(q->params + n);
    for (i = 0; i < n; i++) {
        if (params[i] == NULL) {
            q->params[i] = NULL;
        } else {
            size_t len = strlen(params[i]) + 1;

            q->params[i] = memcpy(text, params[i], len);
            text += len;
        }
    }
    waiting_push_back(l, q);
    rt_db_pg_loop_kick(l);
    return 0;
}

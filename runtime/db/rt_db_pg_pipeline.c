/*
 * rt_db_pg_pipeline — statements on a READY PostgreSQL connection (see
 * rt_db_pg.c for the batches: several statements under one Sync): send
 * them, match what PQgetResult hands back to the FIFO of what was sent,
 * and answer the callbacks when their batch's Sync (its commit) arrives
 * (rt_db_pg_answer.c turns a result into an answer), or send a failed
 * batch's statements again, each alone.
 */
#include "rt_db_pg_internal.h"
#include "rt_log.h"
#include "rt_mem.h"
#include "rt_time.h"

#include <event2/event.h>

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* --- one connection --- */

static int conn_is_prepared(const struct pg_conn *c, const char *name)
{
    size_t i;

    for (i = 0; i < c->n_prepared; i++) {
        if (strcmp(c->prepared[i], name) == 0)
            return 1;
    }
    return 0;
}

static void conn_set_prepared(struct pg_conn *c, const char *name)
{
    if (c->n_prepared == c->cap_prepared) {
        size_t cap = c->cap_prepared ? c->cap_prepared * 2 : 16;

        c->prepared = rt_xrealloc(c->prepared, cap * sizeof(*c->prepared));
        c->cap_prepared = cap;
    }
    c->prepared[c->n_prepared++] = name; /* statements have static storage (rt_db.h) */
}

static void conn_forget_prepared(struct pg_conn *c, const char *name)
{
    size_t i;

    for (i = 0; i < c->n_prepared; i++) {
        if (strcmp(c->prepared[i], name) == 0) {
            c->prepared[i] = c->prepared[--c->n_prepared];
            return;
        }
    }
}

/* Append an op to @c's pipeline FIFO; call it just before sending what it stands for. */
static void conn_push_op(struct pg_conn *c, enum pg_op_kind kind, const struct rt_db_statement *stmt,
                         struct pg_query *q)
{
    struct pg_op *op = rt_xmalloc(sizeof(*op));

    op->next = NULL;
    op->kind = kind;
    op->stmt = stmt;
    op->query = q;
    op->result = NULL;
    if (c->ops_tail != NULL)
        c->ops_tail->next = op;
    else
        c->ops_head = op;
    c->ops_tail = op;
    if (kind == PG_OP_EXECUTE) {
        c->in_flight++;
        rt_metrics_db_in_use(1);
    }
}

static struct pg_op *conn_pop_op(struct pg_conn *c)
{
    struct pg_op *op = c->ops_head;

    c->ops_head = op->next;
    if (c->ops_head == NULL)
        c->ops_tail = NULL;
    if (op->kind == PG_OP_EXECUTE) {
        c->in_flight--;
        rt_metrics_db_in_use(-1);
    }
    return op;
}

/*
 * Detach everything sent on @c and not answered: the executed statements
 * waiting for their Sync (their commit was never confirmed), then the ops
 * in flight.  The caller fails them (rt_db_pg_ops_fail).
 */
struct pg_op *rt_db_pg_conn_detach_ops(struct pg_conn *c)
{
    struct pg_op *ops = c->ops_head;

    if (c->done_head != NULL) {
        c->done_tail->next = ops;
        ops = c->done_head;
    }
    c->ops_head = c->ops_tail = NULL;
    c->done_head = c->done_tail = NULL;
    rt_metrics_db_in_use(-c->in_flight);
    c->in_flight = 0;
    c->batch_open = 0;
    c->batch_failed = 0;
    PQclear(c->commit_error);
    c->commit_error = NULL;
    return ops;
}

/* Free a detached list of ops, answering each EXECUTE with RT_DB_UNAVAILABLE and @msg. */
void rt_db_pg_ops_fail(struct pg_op *op, const char *msg)
{
    while (op != NULL) {
        struct pg_op *next = op->next;

        PQclear(op->result);
        if (op->kind == PG_OP_EXECUTE)
            rt_db_pg_query_answer(op->query, RT_DB_UNAVAILABLE, msg, NULL);
        free(op);
        op = next;
    }
}

/*
 * Push what libpq has buffered towards the server.  If it cannot all go
 * now (PQflush returns 1), wait for write-ready as well as read-ready: the
 * server may be blocked writing results to us, and only reading them
 * (PQconsumeInput) lets it go on reading what we send.
 * @return 0, or -1 if the connection was lost.
 */
int rt_db_pg_conn_flush(struct pg_conn *c)
{
    int rc = PQflush(c->pg);

    if (rc < 0) {
        rt_db_pg_conn_lost(c, PQerrorMessage(c->pg));
        return -1;
    }
    c->flushing = rc > 0;
    if (rt_db_pg_conn_watch(c, c->flushing ? EV_READ | EV_WRITE : EV_READ) < 0) {
        rt_db_pg_conn_lost(c, "cannot watch the socket");
        return -1;
    }
    return 0;
}

/*
 * @return whether @sql begins with a transaction-control keyword.  Such a
 * statement would end (or open) the implicit transaction of its batch:
 * with others around it, a failed batch could not be sent again without
 * committing part of it twice.  It always goes with a Sync of its own.
 */
static int controls_transactions(const char *sql)
{
    static const char *const words[] = {"BEGIN", "START",     "COMMIT",  "END",    "ROLLBACK",
                                        "ABORT", "SAVEPOINT", "RELEASE", "PREPARE"};
    size_t i, n;

    while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r' || *sql == '(')
        sql++;
    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        n = strlen(words[i]);
        if (strncasecmp(sql, words[i], n) == 0 && !isalnum((unsigned char)sql[n]) && sql[n] != '_')
            return 1;
    }
    return 0;
}

/* Close the batch being sent on @c with a Sync (if it has statements); 0, or -1 if @c was lost. */
int rt_db_pg_conn_end_batch(struct pg_conn *c)
{
    if (c->batch_open == 0)
        return 0;
    c->batch_open = 0;
    conn_push_op(c, PG_OP_SYNC, NULL, NULL);
    if (!PQpipelineSync(c->pg)) {
        rt_db_pg_conn_lost(c, PQerrorMessage(c->pg));
        return -1;
    }
    return 0;
}

/*
 * Send @q on READY @c: [Parse], Bind/Execute, added to the batch being
 * sent (see the top of rt_db_pg.c); a statement sent again after its batch
 * failed, or one that controls transactions, goes alone (the batch before
 * it is closed first, and it gets its Sync at once).  If libpq refuses
 * before any of @q went out, @q goes back to the front of the queue for
 * another connection; after that, @q is in @c's FIFO and a failure answers
 * it RT_DB_UNAVAILABLE with the rest.  @return 0, or -1 if @c was lost.
 * The caller ends the batch and flushes.
 */
int rt_db_pg_conn_send(struct pg_conn *c, struct pg_query *q)
{
    const struct rt_db_statement *s = q->stmt;
    int alone = q->retry || controls_transactions(s->sql);

    if (alone && rt_db_pg_conn_end_batch(c) < 0) {
        rt_db_pg_waiting_push_front(c->loop, q);
        return -1;
    }
    if (!conn_is_prepared(c, s->name)) {
        if (!PQsendPrepare(c->pg, s->name, s->sql, s->n_params, NULL)) {
            rt_db_pg_waiting_push_front(c->loop, q);
            goto lost;
        }
        conn_push_op(c, PG_OP_PREPARE, s, NULL);
        conn_set_prepared(c, s->name);
    }
    /* From here on @q may have partly reached the server. */
    conn_push_op(c, PG_OP_EXECUTE, s, q);
    if (!PQsendQueryPrepared(c->pg, s->name, s->n_params, q->params, NULL, NULL, 0))
        goto lost;
    if (!q->retry)
        rt_metrics_db_acquired(rt_time_mono_ns() - q->queued_ns);
    c->batch_open++;
    if (alone || c->batch_open >= PG_MAX_BATCH)
        return rt_db_pg_conn_end_batch(c);
    return 0;
lost:
    rt_db_pg_conn_lost(c, PQerrorMessage(c->pg));
    return -1;
}

/*
 * A PREPARE finished: on failure, forget the name (so the next use prepares
 * again) and keep the message.  Its failure aborts its batch's transaction,
 * statements before it included.
 */
static void prepare_done(struct pg_conn *c, const struct pg_op *op)
{
    if (PQresultStatus(op->result) == PGRES_COMMAND_OK)
        return;
    c->batch_failed = 1;
    conn_forget_prepared(c, op->stmt->name);
    c->prepare_status =
        rt_db_pg_classify_error(op->result, c->pg, c->prepare_error, sizeof(c->prepare_error));
    rt_log_error("postgresql: cannot prepare statement %s: %s", op->stmt->name, c->prepare_error);
}

/* An EXECUTE's results are all in: it waits for its batch's Sync in c->done (the answer comes then). */
static void execute_done(struct pg_conn *c, struct pg_op *op)
{
    ExecStatusType st = PQresultStatus(op->result);

    if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
        c->batch_failed = 1;
    op->next = NULL;
    if (c->done_tail != NULL)
        c->done_tail->next = op;
    else
        c->done_head = op;
    c->done_tail = op;
}

/*
 * Send the statements of a failed batch @batch (detached, in order) again,
 * each alone: the batch's transaction was rolled back, so none of them is
 * committed, and alone each gets its own outcome (a unique violation is
 * the 409 of its own request only).  @return 0, or -1 if @c was lost (the
 * statements not sent again are answered RT_DB_UNAVAILABLE).
 */
static int batch_retry(struct pg_conn *c, struct pg_op *batch)
{
    while (batch != NULL) {
        struct pg_op *op = batch;
        struct pg_query *q = op->query;

        batch = op->next;
        PQclear(op->result);
        free(op);
        q->retry = 1;
        if (rt_db_pg_conn_send(c, q) < 0) {
            rt_db_pg_ops_fail(batch, "database connection lost");
            rt_db_pg_loop_kick(c->loop); /* @q may be back in the queue: dispatch it, arm its deadline */
            return -1;
        }
    }
    return rt_db_pg_conn_flush(c);
}

/*
 * @return whether a statement's error @res is its own outcome, whatever
 * the statements before it in the batch did: a timeout (57014, cancelled
 * by statement_timeout, which counts per statement in a batch; 55P03, a
 * lock not obtained in time).  A statement never waits for its own
 * transaction's locks, so its batch did not make it wait.  (One case it
 * did: a concurrent transaction waiting for a lock of the batch, while
 * this statement waits for it, and statement_timeout below
 * deadlock_timeout; that 503 is spurious, not wrong: nothing committed.)
 * Any other error may come from the rolled-back statements before it.
 */
static int error_is_own(const PGresult *res)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

    return state != NULL && (strcmp(state, "57014") == 0 || strcmp(state, "55P03") == 0);
}

/*
 * A failed batch @batch: answer the statement that failed if its error is
 * its own outcome, and @return the rest, to be sent again (a statement
 * that timed out is not run a second time, waiting for its timeout twice).
 * The batch's first statement ran exactly as it would have alone (first
 * in its transaction), so any error of its is its own; a later one's only
 * if error_is_own().  Otherwise @return @batch unchanged.
 */
static struct pg_op *answer_own_failure(struct pg_conn *c, struct pg_op *batch)
{
    struct pg_op **link = &batch, *op;

    while ((op = *link) != NULL && (op->result == NULL || PQresultStatus(op->result) != PGRES_FATAL_ERROR))
        link = &op->next;
    if (op == NULL || (op != batch && !error_is_own(op->result)))
        return batch;
    *link = op->next;
    rt_db_pg_execute_answer(c, op->query, op->result);
    PQclear(op->result);
    free(op);
    return batch;
}

/*
 * The Sync of a batch arrived: its implicit transaction is over.  If it
 * committed, answer each statement with its result; a batch of one is
 * answered with its outcome, whatever it is (a failed commit included),
 * as a statement alone always was.  A larger batch that failed is sent
 * again (batch_retry), but for a statement that failed on its own
 * (answer_own_failure).  @return 0, or -1 if @c was lost.
 */
static int sync_answer(struct pg_conn *c)
{
    struct pg_op *batch = c->done_head;
    int commit_failed = c->commit_error != NULL;
    int failed = c->batch_failed || commit_failed;

    c->done_head = c->done_tail = NULL;
    c->batch_failed = 0;
    if (batch != NULL && batch->next == NULL && c->commit_error != NULL) {
        PQclear(batch->result);
        batch->result = c->commit_error;
        c->commit_error = NULL;
    }
    PQclear(c->commit_error);
    c->commit_error = NULL;
    if (batch != NULL && batch->next != NULL && failed) {
        if (!commit_failed) /* a failed commit is the batch's: no statement's own */
            batch = answer_own_failure(c, batch);
        return batch_retry(c, batch);
    }
    while (batch != NULL) {
        struct pg_op *op = batch;

        batch = op->next;
        rt_db_pg_execute_answer(c, op->query, op->result);
        PQclear(op->result);
        free(op);
    }
    return 0;
}

/*
 * Match one PQgetResult() value @res to the head of @c's FIFO.
 * @return 0, or -1 if @c was dropped because the results are out of step
 *         with what we sent (which would be a bug, ours or libpq's).
 */
static int conn_take_result(struct pg_conn *c, PGresult *res)
{
    struct pg_op *op = c->ops_head;
    int is_sync = PQresultStatus(res) == PGRES_PIPELINE_SYNC;

    if (op->kind == PG_OP_SYNC && !is_sync && c->done_head != NULL) {
        /* The commit at the Sync failed (a deferred constraint, the server going away): that is the
         * batch's outcome, not its EXECUTEs' own results. */
        if (res != NULL) {
            PQclear(c->commit_error);
            c->commit_error = res;
        }
        return 0;
    }
    if (is_sync != (op->kind == PG_OP_SYNC)) {
        PQclear(res);
        rt_db_pg_conn_lost(c, "pipeline results out of step");
        return -1;
    }
    if (res != NULL && !is_sync) {
        /* A PREPARE or EXECUTE: hold its result until the NULL that ends it. */
        if (op->result == NULL)
            op->result = res;
        else
            PQclear(res); /* one statement gives one result; ignore anything more */
        return 0;
    }
    PQclear(res);
    op = conn_pop_op(c);
    c->last_progress_ns = rt_time_mono_ns();
    if (op->kind == PG_OP_EXECUTE) {
        /*
         * Not answered yet: its implicit transaction commits when the server
         * processes the Sync that ends its batch.  Answering now would
         * acknowledge a write that a connection lost before the Sync's result
         * rolls back (the fault matrix's audit found such 201s missing).
         */
        execute_done(c, op);
        return 0;
    }
    is_sync = op->kind == PG_OP_SYNC;
    if (op->kind == PG_OP_PREPARE)
        prepare_done(c, op);
    PQclear(op->result);
    free(op);
    return is_sync ? sync_answer(c) : 0;
}

/*
 * Hand out every complete result libpq has parsed.  PQgetResult is only
 * called while !PQisBusy, so it never waits.  Callbacks run from here; they
 * cannot change @c (query() only queues and kicks the dispatcher).
 */
void rt_db_pg_conn_drain(struct pg_conn *c)
{
    while (c->ops_head != NULL && !PQisBusy(c->pg)) {
        if (conn_take_result(c, PQgetResult(c->pg)) < 0)
            return;
    }
    if (c->ops_head == NULL)
        (void)PQisBusy(c->pg); /* let libpq parse stray messages (notices) even when idle */
    if (PQstatus(c->pg) == CONNECTION_BAD) {
        rt_db_pg_conn_lost(c, PQerrorMessage(c->pg));
        return;
    }
    if (c->in_flight < PG_MAX_IN_FLIGHT)
        rt_db_pg_loop_kick(c->loop);
}

/* Socket readiness on a READY connection. */
void rt_db_pg_conn_on_ready_io(struct pg_conn *c, short what)
{
    if ((what & EV_READ) && !PQconsumeInput(c->pg)) {
        rt_db_pg_conn_lost(c, PQerrorMessage(c->pg));
        return;
    }
    if (c->flushing && rt_db_pg_conn_flush(c) < 0)
        return;
    rt_db_pg_conn_drain(c);
}

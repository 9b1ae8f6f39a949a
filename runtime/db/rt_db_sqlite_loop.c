/*
 * rt_db_sqlite_loop — the SQLite backend's jobs, and the event loops' side:
 * query() queues a job, on_wake() calls back completed ones, loop_free()
 * answers what is left (see rt_db_sqlite.c for the whole flow and the lock
 * order).
 */
#include "rt_db_sqlite_internal.h"
#include "rt_mem.h"
#include "rt_metrics.h"

#include <event2/event.h>

#include <stdlib.h>
#include <string.h>

/* --- jobs --- */

/*
 * Allocate a job for @stmt with copies of @params (NULL entries, or a NULL
 * array, stand for SQL NULL), all in one block.
 */
static struct sqlite_job *job_new(const struct rt_db_statement *stmt, const char *const *params,
                                  rt_db_callback cb, void *arg)
{
    size_t n = stmt->n_params > 0 ? (size_t)stmt->n_params : 0;
    size_t size = sizeof(struct sqlite_job) + n * sizeof(char *);
    struct sqlite_job *job = NULL;
    char *p;
    size_t i;

    for (i = 0; params != NULL && i < n; i++) {
        if (params[i] != NULL)
            size += strlen(params[i]) + 1;
    }
    job = rt_xcalloc(1, size);
    job->stmt = stmt;
    job->cb = cb;
    job->arg = arg;
    job->params = (const char **)(job + 1);
    p = (char *)(job->params + n);
    for (i = 0; i < n; i++) {
        if (params == NULL || params[i] == NULL) {
            job->params[i] = NULL;
        } else {
            size_t len = strlen(params[i]) + 1;

            memcpy(p, params[i], len);
            job->params[i] = p;
            p += len;
        }
    }
    clock_gettime(CLOCK_MONOTONIC, &job->queued_at);
    return job;
}

/* Forget any outcome recorded in @job (it is going to be run again). */
void rt_db_sqlite_job_reset(struct sqlite_job *job)
{
    free(job->rows);
    free(job->error_buf);
    job->rows = NULL;
    job->error_buf = NULL;
    job->error = NULL;
    job->status = RT_DB_OK;
}

void rt_db_sqlite_job_free(struct sqlite_job *job)
{
    if (job == NULL)
        return;
    rt_db_sqlite_job_reset(job);
    free(job);
}

/* Record a failure with a static message. */
void rt_db_sqlite_job_fail(struct sqlite_job *job, enum rt_db_status status, const char *message)
{
    rt_db_sqlite_job_reset(job);
    job->status = status;
    job->error = message;
}

/* Record a failure with a copy of SQLite's message. */
void rt_db_sqlite_job_fail_copy(struct sqlite_job *job, enum rt_db_status status, const char *message)
{
    rt_db_sqlite_job_reset(job);
    job->status = status;
    job->error_buf = rt_xstrdup(message != NULL ? message : "");
    job->error = job->error_buf;
}

/*
 * The result's cell(): SQLite's storage class says what a value is.  A
 * timestamp is TEXT (SQLite has no type for it); rt_db_result_timestamp()
 * reads it.
 */
static void rows_cell(const struct rt_db_result *result, int row, int col, struct rt_db_cell *out)
{
    const struct sqlite_rows *rows = result->impl;
    const struct sqlite_value *v = &rows->values[(size_t)row * (size_t)rows->cols + (size_t)col];
    const char *text = (const char *)(rows->values + (size_t)rows->rows * (size_t)rows->cols);

    switch (v->type) {
    case SQLITE_INTEGER:
        out->kind = RT_DB_KIND_INT;
        out->i = v->num.i;
        break;
    case SQLITE_FLOAT:
        out->kind = RT_DB_KIND_FLOAT;
        out->f = v->num.f;
        break;
    case SQLITE_TEXT:
        out->kind = RT_DB_KIND_TEXT;
        out->text = text + v->text;
        break;
    case SQLITE_BLOB:
        out->kind = RT_DB_KIND_BLOB;
        break;
    default:
        out->kind = RT_DB_KIND_NULL;
        break;
    }
}

/* Call @job's callback with its outcome, then free it.  On the job's loop thread. */
static void job_deliver(struct sqlite_job *job)
{
    struct rt_db_result result = {
        .status = job->status,
        .error = job->error != NULL ? job->error : "",
        .cell = rows_cell,
        .impl = job->rows,
    };

    if (job->status == RT_DB_OK && job->rows != NULL) {
        result.rows = job->rows->rows;
        result.cols = job->rows->cols;
    }
    job->cb(&result, job->arg);
    rt_db_sqlite_job_free(job);
}

/* Answer @cb with RT_DB_UNAVAILABLE and @message (for jobs that loop_free() cannot hand over). */
static void answer_unavailable(rt_db_callback cb, void *arg, const char *message)
{
    struct rt_db_result result = {
        .status = RT_DB_UNAVAILABLE,
        .error = message,
        .cell = rows_cell,
        .impl = NULL,
    };

    cb(&result, arg);
}

/*
 * Append @job to its loop's completion queue and wake the loop if the
 * queue was empty.  The caller holds st->mu (which keeps the loop alive).
 */
void rt_db_sqlite_push_done(struct sqlite_loop *l, struct sqlite_job *job)
{
    bool was_empty;

    job->next = NULL;
    pthread_mutex_lock(&l->mu);
    was_empty = l->done_head == NULL;
    *l->done_tail = job;
    l->done_tail = &job->next;
    pthread_mutex_unlock(&l->mu);
    if (was_empty)
        event_active(l->wake, 0, 0);
}

/* --- loops --- */

static void loop_release(struct sqlite_loop *l)
{
    if (l->wake != NULL)
        event_free(l->wake);
    pthread_mutex_destroy(&l->mu);
    free(l);
}

/* The loop's wake event: call back every completed job. */
static void on_wake(evutil_socket_t fd, short what, void *arg)
{
    struct sqlite_loop *l = arg;

    pthread_mutex_lock(&l->mu);
    l->delivering = l->done_head;
    l->done_head = NULL;
    l->done_tail = &l->done_head;
    pthread_mutex_unlock(&l->mu);

    l->in_wake = true;
    while (l->delivering != NULL) {
        struct sqlite_job *job = l->delivering;

        l->delivering = job->next;
        job_deliver(job); /* may call loop_free(l), which delivers the rest */
    }
    l->in_wake = false;
    if (l->free_deferred)
        loop_release(l);
}

void *rt_db_sqlite_loop_new(struct rt_db *db, struct event_base *base)
{
    struct sqlite_loop *l = rt_xcalloc(1, sizeof(*l));

    l->st = db->state;
    pthread_mutex_init(&l->mu, NULL);
    l->done_tail = &l->done_head;
    l->wake = event_new(base, -1, 0, on_wake, l);
    if (l->wake == NULL) {
        loop_release(l);
        return NULL;
    }
    return l;
}

void rt_db_sqlite_loop_free(void *loop_state)
{
    struct sqlite_loop *l = loop_state;
    struct sqlite_state *st;
    struct sqlite_job *queued = NULL, **queued_tail = &queued, **pp, *done, *job;
    struct {
        rt_db_callback cb;
        void *arg;
    } abandoned[RT_SQLITE_BATCH_MAX];
    int n_abandoned = 0, i;

    if (l == NULL || l->freeing)
        return;
    st = l->st;
    l->freeing = true;

    pthread_mutex_lock(&st->mu);
    /* Jobs still queued: take them out. */
    st->tail = &st->head;
    for (pp = &st->head; *pp != NULL;) {
        job = *pp;
        if (job->loop == l) {
            *pp = job->next;
            job->next = NULL;
            *queued_tail = job;
            queued_tail = &job->next;
            st->queued--;
            rt_metrics_db_waiting(-1);
        } else {
            pp = &job->next;
            st->tail = pp;
        }
    }
    /* Jobs running now: the SQLite thread keeps them (and frees them); we answer them. */
    for (i = 0; i < st->n_batch; i++) {
        job = st->batch[i];
        if (job->loop == l) {
            job->loop = NULL;
            atomic_store(&job->abandoned, true);
            abandoned[n_abandoned].cb = job->cb;
            abandoned[n_abandoned].arg = job->arg;
            n_abandoned++;
        }
    }
    /* Jobs completed but not yet delivered. */
    pthread_mutex_lock(&l->mu);
    done = l->done_head;
    l->done_head = NULL;
    l->done_tail = &l->done_head;
    pthread_mutex_unlock(&l->mu);
    pthread_mutex_unlock(&st->mu);

    /* Nothing on the SQLite thread refers to this loop any more. */
    event_free(l->wake);
    l->wake = NULL;

    /* Completed ones keep their real outcome (they did happen); the rest are unavailable. */
    while ((job = l->delivering) != NULL) {
        l->delivering = job->next;
        job_deliver(job);
    }
    while ((job = done) != NULL) {
        done = job->next;
        job_deliver(job);
    }
    for (i = 0; i < n_abandoned; i++)
        answer_unavailable(abandoned[i].cb, abandoned[i].arg, RT_SQLITE_MSG_LOOP_FREED);
    while ((job = queued) != NULL) {
        queued = job->next;
        rt_db_sqlite_job_fail(job, RT_DB_UNAVAILABLE, RT_SQLITE_MSG_LOOP_FREED);
        job_deliver(job);
    }
    if (l->in_wake)
        l->free_deferred = true; /* called from a callback of on_wake(): it frees l when it returns */
    else
        loop_release(l);
}

int rt_db_sqlite_query(void *loop_state, const struct rt_db_statement *stmt, const char *const *params,
                       rt_db_callback cb, void *arg)
{
    struct sqlite_loop *l = loop_state;
    struct sqlite_state *st;
    struct sqlite_job *job;

    if (l == NULL || l->freeing || stmt == NULL || cb == NULL)
        return -1;
    st = l->st;
    job = job_new(stmt, params, cb, arg);
    job->loop = l;
    pthread_mutex_lock(&st->mu);
    if (st->queued >= RT_SQLITE_QUEUE_MAX || st->stopping) {
        /* Refused, but answered like any other job: later, from the loop. */
        rt_db_sqlite_job_fail(job, RT_DB_UNAVAILABLE, RT_SQLITE_MSG_QUEUE_FULL);
        rt_db_sqlite_push_done(l, job);
    } else {
        *st->tail = job;
        st->tail = &job->next;
        st->queued++;
        rt_metrics_db_waiting(1);
        pthread_cond_signal(&st->cond);
    }
    pthread_mutex_unlock(&st->mu);
    return 0;
}

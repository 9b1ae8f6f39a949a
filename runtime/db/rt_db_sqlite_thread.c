/*
 * rt_db_sqlite_thread — the SQLite thread: it takes batches of jobs from
 * the queue, runs each batch in one transaction (a savepoint per writing
 * statement), and hands the outcomes to their loops.
 */
#include "rt_db_sqlite_internal.h"
#include "rt_log.h"
#include "rt_metrics.h"

#include <stdint.h>
#include <sys/stat.h>

static const char *const fixed_sql[FX_COUNT] = {
    [FX_BEGIN] = "BEGIN",
    [FX_BEGIN_IMMEDIATE] = "BEGIN IMMEDIATE",
    [FX_COMMIT] = "COMMIT",
    [FX_ROLLBACK] = "ROLLBACK",
    [FX_SAVEPOINT] = "SAVEPOINT rt_job",
    [FX_RELEASE] = "RELEASE rt_job",
    [FX_ROLLBACK_TO] = "ROLLBACK TO rt_job",
};

/* Run one of the fixed statements.  @return SQLite's result code (SQLITE_OK on success). */
static int run_fixed(struct sqlite_state *st, enum sqlite_fixed which)
{
    int rc;

    if (st->fixed[which] == NULL) {
        rc = sqlite3_prepare_v3(st->conn, fixed_sql[which], -1, SQLITE_PREPARE_PERSISTENT, &st->fixed[which],
                                NULL);
        if (rc != SQLITE_OK)
            return rc;
    }
    rc = sqlite3_step(st->fixed[which]);
    sqlite3_reset(st->fixed[which]);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Roll back the open transaction, if there is one. */
static void rollback(struct sqlite_state *st)
{
    if (!sqlite3_get_autocommit(st->conn) && run_fixed(st, FX_ROLLBACK) != SQLITE_OK)
        rt_log_warning("database: ROLLBACK failed: %s", sqlite3_errmsg(st->conn));
}

static long elapsed_ms(const struct timespec *since, const struct timespec *now)
{
    return (long)(now->tv_sec - since->tv_sec) * 1000 + (now->tv_nsec - since->tv_nsec) / 1000000;
}

static int64_t elapsed_ns(const struct timespec *since, const struct timespec *now)
{
    return (int64_t)(now->tv_sec - since->tv_sec) * 1000000000 + (now->tv_nsec - since->tv_nsec);
}

/* How run_guarded() left the transaction it ran in. */
enum guard_outcome {
    GUARD_OK,          /* the job's outcome is final; an enclosing transaction is intact */
    GUARD_LOST_BY_JOB, /* the job's own error rolled back the enclosing transaction; its outcome is final */
    GUARD_LOST         /* the enclosing transaction is gone for another reason: the job must run again */
};

/*
 * Run @job; if it writes, inside a SAVEPOINT that is released when it
 * succeeds and rolled back to when it fails, so that a failing statement
 * leaves no trace, not even the partial effect of a multi-row change (as
 * INSERT OR FAIL would).  Outside a transaction (@in_txn false) the
 * SAVEPOINT opens one and its RELEASE commits it, and the job's outcome is
 * final whatever is returned.
 */
static enum guard_outcome run_guarded(struct sqlite_state *st, struct sqlite_job *job, bool in_txn)
{
    int rc;

    if (sqlite3_stmt_readonly(job->prepared)) {
        if (rt_db_sqlite_run_stmt(st, job) == SQLITE_OK || !in_txn || !sqlite3_get_autocommit(st->conn))
            return GUARD_OK;
        return GUARD_LOST_BY_JOB;
    }
    rc = run_fixed(st, FX_SAVEPOINT);
    if (rc != SQLITE_OK) {
        rt_db_sqlite_job_fail_copy(job, rt_db_sqlite_map_error(rc), sqlite3_errmsg(st->conn));
        return GUARD_LOST;
    }
    if (rt_db_sqlite_run_stmt(st, job) == SQLITE_OK) {
        rc = run_fixed(st, FX_RELEASE);
        if (rc == SQLITE_OK)
            return GUARD_OK;
        /* Outside a transaction this RELEASE was the COMMIT. */
        rt_db_sqlite_job_fail_copy(job, rt_db_sqlite_map_error(rc), sqlite3_errmsg(st->conn));
        rollback(st);
        return GUARD_LOST;
    }
    if (sqlite3_get_autocommit(st->conn))
        return GUARD_LOST_BY_JOB; /* e.g. SQLITE_FULL, or RAISE(ROLLBACK) in a trigger */
    if (run_fixed(st, FX_ROLLBACK_TO) != SQLITE_OK || run_fixed(st, FX_RELEASE) != SQLITE_OK) {
        rollback(st);
        return GUARD_LOST;
    }
    return GUARD_OK;
}

/*
 * Whether the database file is still the one the connection has open.  One
 * that was deleted (or replaced, say by a restore that renamed another file
 * over it) still takes reads and writes through the open descriptor, but no
 * one will ever open what is written there: from the first batch that
 * finds it gone, every statement is refused as unavailable (so /health says
 * so, and no write is acknowledged), until the service restarts and opens
 * the file under that name again.  One stat() per batch, not per statement.
 */
static bool file_still_ours(struct sqlite_state *st)
{
    struct stat sb;

    if (st->file == NULL || st->file_lost)
        return !st->file_lost;
    if (stat(st->file, &sb) == 0 && sb.st_dev == st->file_dev && sb.st_ino == st->file_ino)
        return true;
    st->file_lost = true;
    rt_log_error("database: the SQLite database file %s was deleted or replaced while open; refusing every "
                 "statement until the service restarts",
                 st->file);
    rt_metrics_db_state(RT_METRICS_DB_READY, RT_METRICS_DB_DOWN);
    return false;
}

/*
 * Run the @n jobs of a batch, setting each one's outcome.
 *
 * One job runs on its own.  Several run in one transaction, so that a
 * burst of writes costs one commit (one fsync) instead of one each: BEGIN
 * (deferred if every statement is read-only, else IMMEDIATE so the write
 * lock is taken up front and cannot be refused half-way), each statement
 * through run_guarded() (a SAVEPOINT per writing statement, so a failing
 * statement is undone alone and its neighbours keep their effects), then
 * COMMIT.  Outcomes are delivered only after the COMMIT.  If the
 * transaction as a whole is lost (COMMIT fails, a savepoint cannot be
 * taken, or an error such as SQLITE_FULL or RAISE(ROLLBACK) rolls back
 * everything), nothing of it was committed, and every job is run again on
 * its own, except the one whose error ended it.  If BEGIN IMMEDIATE times
 * out (another process held the write lock past the busy timeout), every
 * job of the batch is answered RT_DB_UNAVAILABLE rather than waiting that
 * long again for each.  Jobs whose loop was freed meanwhile are skipped.
 */
static void run_batch(struct sqlite_state *st, struct sqlite_job **jobs, int n)
{
    struct sqlite_job *live[RT_SQLITE_BATCH_MAX];
    struct sqlite_job *culprit = NULL;
    struct timespec now;
    bool read_only = true, lost = false;
    int n_live = 0, i, rc;

    if (!file_still_ours(st)) {
        for (i = 0; i < n; i++)
            rt_db_sqlite_job_fail(jobs[i], RT_DB_UNAVAILABLE, RT_SQLITE_MSG_FILE_LOST);
        return;
    }
    clock_gettime(CLOCK_MONOTONIC, &now);
    for (i = 0; i < n; i++) {
        struct sqlite_job *job = jobs[i];

        if (atomic_load(&job->abandoned)) {
            rt_db_sqlite_job_fail(job, RT_DB_UNAVAILABLE, RT_SQLITE_MSG_LOOP_FREED); /* never delivered */
            continue;
        }
        if (elapsed_ms(&job->queued_at, &now) > st->timeout_ms) {
            rt_metrics_db_acquire_timeout();
            rt_db_sqlite_job_fail(job, RT_DB_UNAVAILABLE, RT_SQLITE_MSG_QUEUE_WAIT);
            continue;
        }
        rt_metrics_db_acquired((uint64_t)elapsed_ns(&job->queued_at, &now));
        job->prepared = rt_db_sqlite_get_stmt(st, job);
        if (job->prepared == NULL)
            continue;
        if (!sqlite3_stmt_readonly(job->prepared))
            read_only = false;
        live[n_live++] = job;
    }
    if (n_live == 1)
        run_guarded(st, live[0], false);
    if (n_live <= 1)
        return;

    rc = run_fixed(st, read_only ? FX_BEGIN : FX_BEGIN_IMMEDIATE);
    if ((rc & 0xff) == SQLITE_BUSY || (rc & 0xff) == SQLITE_LOCKED) {
        for (i = 0; i < n_live; i++)
            rt_db_sqlite_job_fail_copy(live[i], RT_DB_UNAVAILABLE, sqlite3_errmsg(st->conn));
        return;
    }
    lost = rc != SQLITE_OK;
    for (i = 0; i < n_live && !lost; i++) {
        enum guard_outcome outcome;

        if (atomic_load(&live[i]->abandoned)) {
            rt_db_sqlite_job_fail(live[i], RT_DB_UNAVAILABLE,
                                  RT_SQLITE_MSG_LOOP_FREED); /* its loop is gone: skip it */
            continue;
        }
        outcome = run_guarded(st, live[i], true);
        if (outcome == GUARD_LOST_BY_JOB)
            culprit = live[i];
        lost = outcome != GUARD_OK;
    }
    if (!lost && run_fixed(st, FX_COMMIT) != SQLITE_OK) {
        rt_log_warning("database: COMMIT of a batch failed (%s); running its statements one by one",
                       sqlite3_errmsg(st->conn));
        lost = true;
    }
    if (!lost)
        return;
    rollback(st);
    for (i = 0; i < n_live; i++) {
        if (live[i] != culprit && !atomic_load(&live[i]->abandoned))
            run_guarded(st, live[i], false);
    }
}

/* The SQLite thread: take batches from the queue, run them, hand the outcomes to their loops. */
void *rt_db_sqlite_thread(void *arg)
{
    struct sqlite_state *st = arg;
    int i;

    rt_log_set_thread_name("db");
    pthread_mutex_lock(&st->mu);
    for (;;) {
        while (st->head == NULL && !st->stopping)
            pthread_cond_wait(&st->cond, &st->mu);
        if (st->head == NULL)
            break;
        st->n_batch = 0;
        while (st->head != NULL && st->n_batch < RT_SQLITE_BATCH_MAX) {
            struct sqlite_job *job = st->head;

            st->head = job->next;
            job->next = NULL;
            st->batch[st->n_batch++] = job;
            st->queued--;
            rt_metrics_db_waiting(-1);
        }
        if (st->head == NULL)
            st->tail = &st->head;
        pthread_mutex_unlock(&st->mu);

        rt_metrics_db_in_use(st->n_batch);
        run_batch(st, st->batch, st->n_batch);
        rt_metrics_db_in_use(-st->n_batch);

        pthread_mutex_lock(&st->mu);
        for (i = 0; i < st->n_batch; i++) {
            struct sqlite_job *job = st->batch[i];

            if (job->loop == NULL)
                rt_db_sqlite_job_free(job); /* abandoned: loop_free() has answered it */
            else
                rt_db_sqlite_push_done(job->loop, job);
        }
        st->n_batch = 0;
    }
    pthread_mutex_unlock(&st->mu);
    return NULL;
}

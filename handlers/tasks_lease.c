/*
 * tasks_lease — which instance runs which background task, and running it
 * (see tasks_lease.h).
 *
 * Every statement that changes a task names this instance's id
 * (WHERE owner = $me), except the claim, which takes over only tasks whose
 * lease has expired or that nobody owns, and never this instance's own
 * (those are in its queue already).  On PostgreSQL the claim locks the
 * rows it takes with FOR UPDATE SKIP LOCKED, so two instances claiming at
 * once take different tasks, and a row another instance has just renewed
 * or claimed is re-checked against its new lease before it is taken; on
 * SQLite one writer at a time makes the same statement (without SKIP
 * LOCKED) just as exclusive.
 *
 * A run: mark it running (WHERE owner = me: if that changes no row, the
 * task is someone else's now, or done, and is skipped), compute, record
 * the result (WHERE owner = me again: if the lease was lost meanwhile, the
 * result is dropped and the new owner runs it).  A statement the database
 * refuses (down, timed out) is tried again every second until it answers
 * or the pool stops; the lease, renewed by the keeper all along, keeps the
 * task this instance's meanwhile.
 */
#include "tasks_lease.h"

#include "rt_log.h"
#include "rt_mem.h"
#include "rt_metrics.h"
#include "rt_time.h"

#include <openssl/sha.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
#include <unistd.h>

#define CANCEL_CHECK_EVERY 4096 /* SHA-256 rounds between looks at rt_pool_cancelled() */
#define RETRY_MS 1000           /* between two tries of a statement the database refused */
#define CLAIM_MAX 500           /* tasks claimed at most per round (and never more than free places) */
#define UUID_SIZE 37
#define KEEPER_STOP_MS 5000 /* for the keeper to release the leases and return before it is called late */

static const struct rt_db_statement mark_running = {
    .name = "tasks_running",
    .sql = "UPDATE tasks SET status = 'running', started_at = $2, attempts = attempts + 1, lease_until = $4"
           " WHERE id = $1 AND owner = $3 AND status IN ('queued', 'running') RETURNING attempts",
    .n_params = 4,
};

static const struct rt_db_statement mark_done = {
    .name = "tasks_done",
    .sql = "UPDATE tasks SET status = 'done', result = $2, finished_at = $3, error = NULL, lease_until = NULL"
           " WHERE id = $1 AND owner = $4 AND status = 'running' RETURNING id",
    .n_params = 4,
};

static const struct rt_db_statement heartbeat = {
    .name = "tasks_heartbeat",
    .sql = "UPDATE tasks SET lease_until = $2 WHERE owner = $1 AND status IN ('queued', 'running')",
    .n_params = 2,
};

static const struct rt_db_statement release = {
    .name = "tasks_release",
    .sql = "UPDATE tasks SET owner = NULL, lease_until = NULL WHERE owner = $1 AND status IN ('queued', "
           "'running')",
    .n_params = 1,
};

/* $1 me, $2 the new lease's end, $3 now, $4 how many at most.  Oldest first. */
#define CLAIM_SQL(lock)                                                                                      \
    "UPDATE tasks SET owner = $1, lease_until = $2 WHERE id IN (SELECT id FROM tasks"                        \
    " WHERE status IN ('queued', 'running') AND (lease_until IS NULL OR lease_until < $3)"                   \
    " AND (owner IS NULL OR owner <> $1) ORDER BY created_at LIMIT $4" lock ") RETURNING id, message"

static const struct rt_db_statement claim_postgres = {
    .name = "tasks_claim",
    .sql = CLAIM_SQL(" FOR UPDATE SKIP LOCKED"),
    .n_params = 4,
};

static const struct rt_db_statement claim_sqlite = {
    .name = "tasks_claim",
    .sql = CLAIM_SQL(""),
    .n_params = 4,
};

/* Set by tasks_lease_start() before any thread uses them; read-only afterwards. */
static char owner[24];
static struct tasks_lease_settings settings;
static const struct rt_db_statement *claim_stmt;
static struct rt_pool *task_pool; /* the tasks' pool (tasks.c's) */
static struct rt_pool *keeper;    /* one thread: the heartbeat, the claims, the release */

const char *tasks_lease_owner(void)
{
    return owner;
}

void tasks_lease_times(char out[TASKS_TIME_SIZE], char now[TASKS_TIME_SIZE])
{
    struct timespec ts;
    int64_t ms;

    clock_gettime(CLOCK_REALTIME, &ts);
    ms = (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
    rt_time_format_rfc3339_ms(ms + settings.lease_ms, out, TASKS_TIME_SIZE);
    if (now != NULL)
        rt_time_format_rfc3339_ms(ms, now, TASKS_TIME_SIZE);
}

/* --- recording, tried again while the database refuses --- */

struct recorded {
    enum rt_db_status status;
    int rows;
    char error[160];
};

static void on_recorded(const struct rt_db_result *res, void *arg)
{
    struct recorded *r = arg;

    r->status = rt_db_result_status(res);
    r->rows = rt_db_result_rows(res);
    snprintf(r->error, sizeof(r->error), "%s", rt_db_result_error(res));
}

/*
 * Run @stmt on the pool thread until the database answers it.
 * @return the rows it returned (or changed: RETURNING), or -1 if the pool
 *         stopped first (logged).
 */
static int record(struct rt_pool_thread *thread, const struct rt_db_statement *stmt,
                  const char *const *params, const char *id)
{
    for (;;) {
        struct recorded r = {RT_DB_UNAVAILABLE, 0, "no database handle"};

        if (rt_pool_query(thread, stmt, params, on_recorded, &r) == 0 && r.status == RT_DB_OK)
            return r.rows;
        rt_log_warning("task %s: %s: %s; trying again in %d ms", id, stmt->name, r.error, RETRY_MS);
        if (rt_pool_wait(thread, RETRY_MS)) {
            rt_log_warning("task %s: %s not recorded before the shutdown; the task runs again later", id,
                           stmt->name);
            return -1;
        }
    }
}

/* --- the work --- */

/*
 * The task's result: SHA-256 of the message, then of the digest, for
 * @rounds rounds in all, as lower-case hex (what tests/integration
 * recomputes).  @return 0, or -1 if the pool was cancelled meanwhile.
 */
static int compute(struct rt_pool_thread *thread, const char *message, int rounds, char hex[65])
{
    unsigned char digest[SHA256_DIGEST_LENGTH];
    int i;

    SHA256((const unsigned char *)message, strlen(message), digest);
    for (i = 1; i < rounds; i++) {
        if (i % CANCEL_CHECK_EVERY == 0 && rt_pool_cancelled(thread))
            return -1;
        SHA256(digest, sizeof(digest), digest);
    }
    for (i = 0; i < SHA256_DIGEST_LENGTH; i++)
        snprintf(hex + 2 * i, 3, "%02x", digest[i]);
    return 0;
}

struct task_job {
    char id[UUID_SIZE];
    char *message;
};

static void task_job_free(void *arg)
{
    struct task_job *job = arg;

    free(job->message);
    free(job);
}

/* Record the end of an execution that started at @started_ns. */
static void executed(enum rt_metrics_task_outcome outcome, uint64_t started_ns)
{
    rt_metrics_task_executed(outcome, rt_time_mono_ns() - started_ns);
}

/* A pool thread runs one task, if this instance still owns it: running, the work, done. */
static void run_task(struct rt_pool_thread *thread, void *arg)
{
    struct task_job *job = arg;
    char now[TASKS_TIME_SIZE], until[TASKS_TIME_SIZE], hex[65];
    const char *running[4] = {job->id, now, owner, until};
    const char *done[4] = {job->id, hex, now, owner};
    uint64_t started_ns;
    int rows;

    tasks_lease_times(until, now);
    rows = record(thread, &mark_running, running, job->id);
    if (rows == 0)
        rt_log_info("task %s: no longer this instance's (taken over, or done): skipped", job->id);
    if (rows <= 0)
        goto out;
    started_ns = rt_time_mono_ns();
    rt_metrics_task_started();
    if (compute(thread, job->message, settings.iterations, hex) != 0) {
        rt_log_info("task %s interrupted by shutdown; its lease is released for another run", job->id);
        executed(RT_METRICS_TASK_INTERRUPTED, started_ns);
        goto out;
    }
    rt_time_format_rfc3339(now, sizeof(now));
    rows = record(thread, &mark_done, done, job->id);
    if (rows == 0)
        rt_log_warning("task %s: lost to another instance while running (its lease expired): result dropped",
                       job->id);
    executed(rows > 0    ? RT_METRICS_TASK_DONE
             : rows == 0 ? RT_METRICS_TASK_LOST_OWNERSHIP
                         : RT_METRICS_TASK_UNRECORDED,
             started_ns);
out:
    task_job_free(job);
}

void tasks_lease_submit(struct rt_pool *pool, const char *id, const char *message)
{
    struct task_job *job = rt_xcalloc(1, sizeof(*job));

    job->message = rt_xstrdup(message);
    snprintf(job->id, sizeof(job->id), "%s", id);
    rt_pool_submit_reserved(pool, run_task, job, task_job_free);
}

/* --- the keeper: heartbeat, claims, release --- */

struct claim {
    size_t reserved, used;
};

static void on_claimed(const struct rt_db_result *res, void *arg)
{
    struct claim *c = arg;
    int i;

    if (rt_db_result_status(res) != RT_DB_OK) {
        rt_log_warning("cannot claim background tasks: %s (trying again in %d ms)", rt_db_result_error(res),
                       settings.heartbeat_ms);
        return;
    }
    for (i = 0; i < rt_db_result_rows(res); i++) {
        const char *id = NULL, *message = NULL;

        if (rt_db_result_text(res, i, 0, &id) != RT_DB_VALUE_OK ||
            rt_db_result_text(res, i, 1, &message) != RT_DB_VALUE_OK || c->used >= c->reserved) {
            /* Cannot be (NOT NULL text columns; LIMIT): if it were, the task would stay this
             * instance's, unrun, until its stop releases it. */
            rt_log_error("%s: row %d: id or message is not text, or more rows than asked", claim_stmt->name,
                         i);
            continue;
        }
        tasks_lease_submit(task_pool, id, message);
        c->used++;
    }
}

/* Claim as many expired or unowned tasks as the queue has free places for, and queue them. */
static void claim_round(struct rt_pool_thread *thread)
{
    struct claim c = {0, 0};
    char now[TASKS_TIME_SIZE], until[TASKS_TIME_SIZE], limit[24];
    const char *params[4] = {owner, until, now, limit};

    while (c.reserved < CLAIM_MAX && rt_pool_reserve(task_pool) == 0)
        c.reserved++;
    if (c.reserved == 0)
        return; /* the queue is full: this instance has enough to do */
    snprintf(limit, sizeof(limit), "%zu", c.reserved);
    tasks_lease_times(until, now);
    if (rt_pool_query(thread, claim_stmt, params, on_claimed, &c) != 0)
        rt_log_warning("cannot claim background tasks: no database handle");
    for (; c.reserved > c.used; c.reserved--)
        rt_pool_release(task_pool);
    if (c.used > 0)
        rt_log_info("taking up %zu unfinished background task(s) (expired leases, or nobody's)", c.used);
}

static void on_heartbeat(const struct rt_db_result *res, void *arg)
{
    if (rt_db_result_status(res) != RT_DB_OK)
        rt_log_warning("cannot renew the leases of this instance's tasks: %s (leases last %d ms)",
                       rt_db_result_error(res), settings.lease_ms);
}

static void on_released(const struct rt_db_result *res, void *arg)
{
    if (rt_db_result_status(res) != RT_DB_OK)
        rt_log_warning("cannot release the unfinished tasks' leases: %s (others take them when they expire)",
                       rt_db_result_error(res));
    else
        rt_log_info("released the leases of this instance's unfinished tasks, for any instance to take up");
}

/* The keeper's one job, until the pool stops: renew, claim, wait; then release. */
static void keep(struct rt_pool_thread *thread, void *arg)
{
    char until[TASKS_TIME_SIZE];
    const char *renew[2] = {owner, until};
    const char *mine[1] = {owner};

    (void)arg;
    do {
        tasks_lease_times(until, NULL);
        rt_pool_query(thread, &heartbeat, renew, on_heartbeat, NULL);
        claim_round(thread);
    } while (!rt_pool_wait(thread, settings.heartbeat_ms));
    rt_pool_query(thread, &release, mine, on_released, NULL);
}

int tasks_lease_start(struct rt_db *db, struct rt_pool *pool, const struct tasks_lease_settings *s)
{
    struct rt_pool_settings keeper_settings = {.threads = 1, .queue_capacity = 1, .db = db};
    unsigned char b[8];
    char err[256];
    size_t i;

    if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
        uint64_t t = rt_time_mono_ns() ^ ((uint64_t)getpid() << 32);

        for (i = 0; i < sizeof(b); i++)
            b[i] = (unsigned char)(t >> (8 * i));
    }
    for (i = 0; i < sizeof(b); i++)
        snprintf(owner + 2 * i, 3, "%02x", b[i]);
    settings = *s;
    task_pool = pool;
    claim_stmt = strcmp(rt_db_backend_name(db), "postgresql") == 0 ? &claim_postgres : &claim_sqlite;
    rt_log_info("background tasks: this instance's id is %s (leases of %d ms, renewed every %d ms)", owner,
                settings.lease_ms, settings.heartbeat_ms);
    keeper = rt_pool_new(&keeper_settings, err, sizeof(err));
    if (keeper == NULL) {
        rt_log_error("cannot start the background tasks' lease keeper: %s", err);
        return -1;
    }
    if (rt_pool_submit_always(keeper, keep, NULL, NULL) != 0) {
        rt_log_error("cannot start the background tasks' lease keeper");
        tasks_lease_stop();
        return -1;
    }
    return 0;
}

void tasks_lease_stop(void)
{
    if (keeper == NULL)
        return;
    /*
     * The keeper's job ends its wait at once, releases, and returns: waited
     * for, not called late ("still running at the deadline") on every stop.
     */
    rt_pool_stop(keeper, KEEPER_STOP_MS);
    rt_pool_free(keeper);
    keeper = NULL;
}

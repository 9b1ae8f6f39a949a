/*
 * Background tasks: CPU-heavy work off the event loops, durable and bounded.
 *
 * POST /process-data/{message}
 *   1. reserve a place in the pool's queue (none: 503 + Retry-After, nothing recorded);
 *   2. record the task as 'queued' in the database, owned by this instance
 *      under a lease (on the request's loop);
 *   3. hand it to the pool and answer 202 with its id and status URL.
 * A pool thread then marks it 'running', computes, and records 'done' with
 * the result (each step through its own database handle, never a request
 * loop, and only while this instance owns the task: tasks_lease.h).
 *
 * Nothing accepted is lost: a task is recorded before the 202; tasks left
 * 'queued' or 'running' by an instance that stopped (its leases released)
 * or died (its leases expired) are claimed by a running instance, or by
 * the next one to start.  No two live instances run one task.  The work is
 * deterministic, so running a task twice (after a crash between computing
 * and recording) gives the same result.
 *
 * GET /tasks/{task_id} reads the task's row: any instance on the same
 * database can answer for any task.
 */
#include "tasks.h"

#include "api.h"
#include "rt_app.h"
#include "rt_db.h"
#include "rt_db_req.h"
#include "rt_log.h"
#include "rt_mem.h"
#include "rt_pool.h"
#include "rt_req.h"
#include "rt_time.h"
#include "tasks_lease.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#define TASK_COLUMNS "id, status, message, created_at, started_at, finished_at, result, error"
#define UUID_SIZE 37

static const struct rt_db_statement insert_task = {
    .name = "tasks_insert",
    .sql = "INSERT INTO tasks (id, message, status, created_at, owner, lease_until)"
           " VALUES ($1, $2, 'queued', $3, $4, $5)",
    .n_params = 5,
};

static const struct rt_db_statement select_task = {
    .name = "tasks_by_id",
    .sql = "SELECT " TASK_COLUMNS " FROM tasks WHERE id = $1",
    .n_params = 1,
};

/* Set by the module's start before the workers run; read-only afterwards. */
static struct rt_pool *pool;

/* The settings (TASK_*), set before the workers run; read-only afterwards. */
static int task_workers, task_queue_size, task_iterations, task_lease_ms, task_heartbeat_ms;

static const struct rt_option options[] = {
    {"task-workers", "TASK_WORKERS", RT_OPTION_THREADS, &task_workers, 0, "auto", "number of CPUs",
     "threads that run background tasks (never the event loops)", NULL},
    {"task-queue-size", "TASK_QUEUE_SIZE", RT_OPTION_COUNT, &task_queue_size, 0, "1000", NULL,
     "background tasks waiting at most; more get 503 with Retry-After and are not recorded", NULL},
    {"task-iterations", "TASK_ITERATIONS", RT_OPTION_COUNT, &task_iterations, 0, "1000000", NULL,
     "SHA-256 rounds per background task: its CPU cost", NULL},
    {"task-lease", "TASK_LEASE", RT_OPTION_TIMEOUT, &task_lease_ms, 0, "30s", NULL,
     "how long a task stays this instance's without a heartbeat; then another instance may take it over",
     NULL},
    {"task-heartbeat", "TASK_HEARTBEAT", RT_OPTION_TIMEOUT, &task_heartbeat_ms, 0, "10s", NULL,
     "how often an instance renews its tasks' leases and looks for expired ones (under TASK_LEASE)", NULL},
};

/* A heartbeat must come well before the lease it renews runs out. */
static int check(void)
{
    if (task_heartbeat_ms <= 0 || task_lease_ms <= 0 || task_heartbeat_ms * 2 > task_lease_ms) {
        rt_log_error("TASK_HEARTBEAT (%d ms) must be at most half of TASK_LEASE (%d ms)", task_heartbeat_ms,
                     task_lease_ms);
        return -1;
    }
    return 0;
}

static const struct rt_option_group option_group = {"background tasks", options,
                                                    sizeof(options) / sizeof(options[0]), NULL};

/*
 * The tasks table: the tasks module's migrations, numbered 1, 2, ... within
 * the module.  Append new migrations; never edit one that has shipped
 * (databases record which versions of which module they have applied).
 * Timestamps are real timestamps on PostgreSQL and RFC 3339 text on SQLite.
 */
static const struct rt_db_migration migrations[] = {
    {
        .version = 1,
        .legacy_version =
            2, /* recorded as schema_version 2 (after users' 1) before versions were per module */
        .description = "background tasks",
        .sqlite_sql =
            "CREATE TABLE tasks ("
            " id TEXT PRIMARY KEY,"
            " message TEXT NOT NULL,"
            " status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),"
            " result TEXT,"
            " error TEXT,"
            " created_at TEXT NOT NULL,"
            " started_at TEXT,"
            " finished_at TEXT);"
            "CREATE INDEX tasks_unfinished ON tasks (created_at) WHERE status IN ('queued', 'running');",
        .postgres_sql =
            "CREATE TABLE tasks ("
            " id uuid PRIMARY KEY,"
            " message text NOT NULL,"
            " status text NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),"
            " result text,"
            " error text,"
            " created_at timestamptz NOT NULL,"
            " started_at timestamptz,"
            " finished_at timestamptz);"
            "CREATE INDEX tasks_unfinished ON tasks (created_at) WHERE status IN ('queued', 'running');",
    },
    {
        /* owner: the instance id (tasks_lease.h) that may run the task; attempts: runs started */
        .version = 2,
        .description = "background tasks: leases (owner, lease_until) and attempts",
        .sqlite_sql = "ALTER TABLE tasks ADD COLUMN owner TEXT;"
                      "ALTER TABLE tasks ADD COLUMN lease_until TEXT;"
                      "ALTER TABLE tasks ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;",
        .postgres_sql = "ALTER TABLE tasks ADD COLUMN owner text, ADD COLUMN lease_until timestamptz,"
                        " ADD COLUMN attempts integer NOT NULL DEFAULT 0;",
    },
};

static void stop(int grace_ms)
{
    size_t left;

    if (pool == NULL)
        return;
    /* The keeper renews the leases while the tasks get their grace, and releases the rest after. */
    left = rt_pool_stop(pool, grace_ms);
    if (left > 0)
        rt_log_warning("%zu background task(s) still running at the shutdown timeout; run again later", left);
    tasks_lease_stop();
    rt_pool_free(pool);
    pool = NULL;
}

/*
 * Start the task pool on @db, and the lease keeper, which at once claims
 * the tasks left unfinished by instances gone (expired leases) or stopped
 * (released).  0, or -1 (logged).
 */
static int start(struct rt_db *db)
{
    struct rt_pool_settings settings = {
        .threads = task_workers,
        .queue_capacity = task_queue_size,
        .db = db,
        .report_queue = true,
    };
    struct tasks_lease_settings lease = {
        .lease_ms = task_lease_ms,
        .heartbeat_ms = task_heartbeat_ms,
        .iterations = task_iterations,
    };
    char err[256];

    pool = rt_pool_new(&settings, err, sizeof(err));
    if (pool == NULL) {
        rt_log_error("cannot start the background task pool: %s", err);
        return -1;
    }
    if (tasks_lease_start(db, pool, &lease) != 0) {
        stop(0);
        return -1;
    }
    return 0;
}

const struct rt_module tasks_module = {
    .name = "tasks",
    .options = &option_group,
    .migrations = migrations,
    .n_migrations = sizeof(migrations) / sizeof(migrations[0]),
    .check = check,
    .start = start,
    .stop = stop,
};

/* --- POST /process-data/{message} --- */

/* A random (version 4) UUID, lower-case. */
static void new_uuid(char out[UUID_SIZE])
{
    unsigned char b[16];

    if (getrandom(b, sizeof(b), 0) != (ssize_t)sizeof(b)) {
        uint64_t t = rt_time_mono_ns();
        size_t i;

        for (i = 0; i < sizeof(b); i++)
            b[i] = (unsigned char)(t >> (8 * (i % 8))) ^ (unsigned char)rand();
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40);
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80);
    snprintf(out, UUID_SIZE, "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x", b[0],
             b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]);
}

struct accept_ctx {
    struct rt_req *req;
    char id[UUID_SIZE];
    const char *message;
};

static void task_recorded(const struct rt_db_result *res, void *arg)
{
    struct accept_ctx *a = arg;
    char status_url[64], text[320];
    struct api_task_accepted accepted = {
        .task_id = a->id,
        .status = API_TASK_ACCEPTED_STATUS_QUEUED,
        .status_url = status_url,
        .message = text,
    };

    if (rt_db_result_status(res) != RT_DB_OK) {
        rt_pool_release(pool);
        if (!rt_db_req_reply_failure(a->req, res, api_process_data__reply_503_detail))
            rt_req_reply_detail(a->req, 500, "Internal database error");
        return;
    }
    tasks_lease_submit(pool, a->id, a->message);
    snprintf(status_url, sizeof(status_url), "/tasks/%s", a->id);
    snprintf(text, sizeof(text), "Processing '%s' in the background", a->message);
    api_process_data__reply_202(a->req, &accepted, status_url); /* Location: the spec's header */
}

void handle_process_data(struct rt_req *req, const struct api_process_data_params *params)
{
    struct accept_ctx *a = rt_req_alloc(req, sizeof(*a));
    char created_at[TASKS_TIME_SIZE], until[TASKS_TIME_SIZE];
    const char *values[5] = {a->id, params->message, created_at, tasks_lease_owner(), until};
    const int64_t retry_after = 1; /* a queued task takes about that long to leave the queue */

    if (pool == NULL || rt_pool_reserve(pool) != 0) {
        api_process_data__reply_503_detail(req, "Background queue is full, try again later", &retry_after);
        return;
    }
    a->req = req;
    a->message = params->message;
    new_uuid(a->id);
    tasks_lease_times(until, created_at);
    if (rt_db_req_submit(req, &insert_task, values, task_recorded, a, api_process_data__reply_503_detail) !=
        0)
        rt_pool_release(pool);
}

/* --- GET /tasks/{task_id} --- */

static void task_loaded(const struct rt_db_result *res, void *arg)
{
    struct rt_req *req = arg;
    struct api_task task;

    if (rt_db_req_reply_failure(req, res, api_get_task__reply_503_detail))
        return;
    if (rt_db_result_rows(res) == 0) {
        api_get_task__reply_404_detail(req, "Task not found");
        return;
    }
    /* started_at, finished_at, result and error are NULL until the task gets there */
    if (rt_db_req_text(req, res, 0, 0, &task.task_id) != RT_DB_VALUE_OK ||
        rt_db_req_text(req, res, 0, 1, &task.status) != RT_DB_VALUE_OK ||
        rt_db_req_text(req, res, 0, 2, &task.message) != RT_DB_VALUE_OK ||
        rt_db_req_timestamp(req, res, 0, 3, &task.created_at) != RT_DB_VALUE_OK ||
        rt_db_req_timestamp(req, res, 0, 4, &task.started_at) < RT_DB_VALUE_NULL ||
        rt_db_req_timestamp(req, res, 0, 5, &task.finished_at) < RT_DB_VALUE_NULL ||
        rt_db_req_text(req, res, 0, 6, &task.result) < RT_DB_VALUE_NULL ||
        rt_db_req_text(req, res, 0, 7, &task.error) < RT_DB_VALUE_NULL) {
        rt_db_req_reply_bad_row(req, select_task.name);
        return;
    }
    api_get_task__reply_200(req, &task);
}

void handle_get_task(struct rt_req *req, const struct api_get_task_params *params)
{
    char *id = rt_req_strndup(req, params->task_id, strlen(params->task_id));
    const char *values[1] = {id};
    char *p;

    for (p = id; *p != '\0'; p++) /* ids are stored lower-case; UUIDs compare case-insensitively */
        if (*p >= 'A' && *p <= 'F')
            *p = (char)(*p - 'A' + 'a');
    rt_db_req_submit(req, &select_task, values, task_loaded, req, api_get_task__reply_503_detail);
}

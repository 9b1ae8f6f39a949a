/*
 * rt_db_sqlite — the SQLite backend of rt_db (see rt_db.h and rt_db_internal.h).
 *
 * One connection, owned by one thread of its own; event loops never touch
 * SQLite.  The connection is opened and migrated on the caller's thread in
 * open() (blocking is allowed there), then handed to the SQLite thread,
 * which is the only user of it until close() has joined the thread.  This
 * also keeps ":memory:" working: the migrated connection is the one that
 * serves.
 *
 * Flow of a statement:
 *
 *   query() on loop L       copies the parameters into a job and appends it
 *                           to the work queue (st->mu, st->cond).  Over
 *                           QUEUE_MAX queued jobs, the job is put straight
 *                           onto L's completion queue as RT_DB_UNAVAILABLE,
 *                           so the callback still runs later, on the loop.
 *   the SQLite thread       takes up to BATCH_MAX jobs at once (the batch,
 *                           visible to loop_free() in st->batch), runs them
 *                           (see run_batch() for transactions), then, under
 *                           st->mu, appends each job to its loop's
 *                           completion queue (l->mu) and wakes the loop with
 *                           event_active() on the loop's wake event.
 *   on_wake() on loop L     takes the completion queue and calls each
 *                           callback once, with rows copied into one heap
 *                           block.
 *
 * Lock order: st->mu before l->mu.  A loop's wake event and completion queue
 * are only touched by the SQLite thread while it holds st->mu and the job
 * still names the loop; loop_free() unhooks the loop's jobs under st->mu, so
 * once it releases st->mu nothing on the SQLite thread can reach the loop
 * any more.  Jobs of the current batch cannot be freed by loop_free() (the
 * thread is using their parameters): they are "abandoned" instead (job->loop
 * set to NULL, callback answered RT_DB_UNAVAILABLE by loop_free()), and the
 * thread frees them without delivering when it finishes (it skips those it
 * has not started).  loop_free() therefore never waits for SQLite.  As
 * with a PostgreSQL connection closed mid-statement, RT_DB_UNAVAILABLE from
 * loop_free() means "outcome unknown": a statement already executing may
 * still commit.  Jobs already completed keep their real outcome.
 *
 * Placeholders: $N outside string literals, quoted identifiers and comments
 * is rewritten to ?N before preparing (same length, same numbering), so
 * "$1" in a literal stays text and $1 and ?1 mean the same parameter.
 * Parameters are bound as text; SQLite's column affinity converts them
 * where a column is declared INTEGER/REAL/NUMERIC, as with PostgreSQL's
 * untyped literals.
 */
#include "rt_db_internal.h"
#include "rt_err.h"
#include "rt_log.h"
#include "rt_metrics.h"

#include <event2/event.h>
#include <sqlite3.h>

#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#define QUEUE_MAX 10000               /* jobs waiting for the SQLite thread, over all loops */
#define BATCH_MAX 64                  /* jobs run in one transaction */
#define DEFAULT_TIMEOUT_MS 5000       /* busy timeout and queue wait when settings give none */
#define CACHE_BUCKETS 64              /* prepared-statement cache (chained hash) */
#define RESULT_MAX_BYTES (64u << 20)  /* one statement's copied rows, pointers included */
#define SCRATCH_KEEP_BYTES (1u << 20) /* scratch buffers larger than this are released after use */

static const char MSG_LOOP_FREED[] = "the database connection of this worker was closed";
static const char MSG_QUEUE_FULL[] = "too many database statements queued";
static const char MSG_QUEUE_WAIT[] = "timed out waiting for the database";
static const char MSG_NO_MEMORY[] = "out of memory";

struct sqlite_loop;

/* The copied rows of one result: one heap block, values point into it. */
struct rows {
    int rows;
    int cols;
    const char *values[]; /* rows * cols entries, NULL for SQL NULL; the text follows the array */
};

/* One submitted statement, from query() until its callback has run. */
struct job {
    struct job *next;                   /* in the work queue or a completion queue */
    struct sqlite_loop *loop;           /* the submitting loop; NULL once abandoned by loop_free() */
    atomic_bool abandoned;              /* set with loop = NULL; read without st->mu by the SQLite thread */
    const struct rt_db_statement *stmt; /* static storage (the caller's) */
    const char **params;                /* stmt->n_params copies, in this job's block */
    rt_db_callback cb;
    void *arg;
    struct timespec queued_at; /* CLOCK_MONOTONIC, for the queue wait limit */
    /* Set by the SQLite thread (or by whoever answers the job without running it): */
    sqlite3_stmt *prepared; /* from the cache; not owned */
    enum rt_db_status status;
    const char *error; /* NULL for "", a static message, or error_buf */
    char *error_buf;   /* owned */
    struct rows *rows; /* owned; NULL when there is no result set */
};

/* A prepared statement, cached for the life of the connection under its name. */
struct cached_stmt {
    struct cached_stmt *next;
    char *name; /* owned copy */
    char *sql;  /* owned copy, as the caller wrote it ($N) */
    sqlite3_stmt *stmt;
};

/* Statements the SQLite thread runs around the users' ones. */
enum fixed_stmt {
    FX_BEGIN,
    FX_BEGIN_IMMEDIATE,
    FX_COMMIT,
    FX_ROLLBACK,
    FX_SAVEPOINT,
    FX_RELEASE,
    FX_ROLLBACK_TO,
    FX_COUNT
};

static const char *const fixed_sql[FX_COUNT] = {
    [FX_BEGIN] = "BEGIN",
    [FX_BEGIN_IMMEDIATE] = "BEGIN IMMEDIATE",
    [FX_COMMIT] = "COMMIT",
    [FX_ROLLBACK] = "ROLLBACK",
    [FX_SAVEPOINT] = "SAVEPOINT rt_job",
    [FX_RELEASE] = "RELEASE rt_job",
    [FX_ROLLBACK_TO] = "ROLLBACK TO rt_job",
};

/* db->state. */
struct sqlite_state {
    sqlite3 *conn;  /* the only connection: open()'s thread, then the SQLite thread, then close() */
    int timeout_ms; /* busy timeout, and how long a job may wait in the queue */
    pthread_t thread;
    bool thread_started;

    pthread_mutex_t mu;  /* protects everything down to n_batch, and job->loop of every job */
    pthread_cond_t cond; /* signalled when a job is queued or stopping is set */
    struct job *head;    /* the work queue, oldest first */
    struct job **tail;
    size_t queued;
    bool stopping;
    struct job *batch[BATCH_MAX]; /* the jobs the SQLite thread is running */
    int n_batch;

    /* The SQLite thread's own (and close()'s, after the join): */
    struct cached_stmt *cache[CACHE_BUCKETS];
    sqlite3_stmt *fixed[FX_COUNT];
    size_t *offsets; /* scratch for collecting rows: value offsets (SIZE_MAX = NULL) */
    size_t offsets_cap;
    char *text; /* scratch: the values' text, each NUL-terminated */
    size_t text_cap;
};

/* Per-loop state (rt_db_loop->state). */
struct sqlite_loop {
    struct sqlite_state *st;
    struct event *wake; /* made active by the SQLite thread when done_head becomes non-empty */

    pthread_mutex_t mu;    /* protects done_head/done_tail */
    struct job *done_head; /* completed jobs waiting for on_wake() */
    struct job **done_tail;

    /* The loop thread's own: */
    struct job *delivering; /* taken from the completion queue, not yet called back */
    bool freeing;           /* loop_free() has started: query() refuses */
    bool in_wake;           /* on_wake() is calling callbacks */
    bool free_deferred;     /* loop_free() ran inside a callback: on_wake() frees the struct */
};

/* --- jobs --- */

/*
 * Allocate a job for @stmt with copies of @params (NULL entries, or a NULL
 * array, stand for SQL NULL), all in one block.  NULL if out of memory.
 */
static struct job *job_new(const struct rt_db_statement *stmt, const char *const *params, rt_db_callback cb,
                           void *arg)
{
    size_t n = stmt->n_params > 0 ? (size_t)stmt->n_params : 0;
    size_t size = sizeof(struct job) + n * sizeof(char *);
    struct job *job = NULL;
    char *p;
    size_t i;

    for (i = 0; params != NULL && i < n; i++) {
        if (params[i] != NULL)
            size += strlen(params[i]) + 1;
    }
    job = calloc(1, size);
    if (job == NULL)
        return NULL;
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
static void job_reset_outcome(struct job *job)
{
    free(job->rows);
    free(job->error_buf);
    job->rows = NULL;
    job->error_buf = NULL;
    job->error = NULL;
    job->status = RT_DB_OK;
}

static void job_free(struct job *job)
{
    if (job == NULL)
        return;
    job_reset_outcome(job);
    free(job);
}

/* Record a failure with a static message. */
static void job_fail(struct job *job, enum rt_db_status status, const char *message)
{
    job_reset_outcome(job);
    job->status = status;
    job->error = message;
}

/* Record a failure with a copy of SQLite's message (the static fallback if out of memory). */
static void job_fail_copy(struct job *job, enum rt_db_status status, const char *message)
{
    job_reset_outcome(job);
    job->status = status;
    job->error_buf = strdup(message != NULL ? message : "");
    job->error = job->error_buf != NULL ? job->error_buf : MSG_NO_MEMORY;
}

static const char *rows_value(const struct rt_db_result *result, int row, int col)
{
    const struct rows *rows = result->impl;

    if (rows == NULL || row < 0 || col < 0 || row >= rows->rows || col >= rows->cols)
        return NULL;
    return rows->values[(size_t)row * (size_t)rows->cols + (size_t)col];
}

/* Call @job's callback with its outcome, then free it.  On the job's loop thread. */
static void job_deliver(struct job *job)
{
    struct rt_db_result result = {
        .status = job->status,
        .error = job->error != NULL ? job->error : "",
        .value = rows_value,
        .impl = job->rows,
    };

    if (job->status == RT_DB_OK && job->rows != NULL) {
        result.rows = job->rows->rows;
        result.cols = job->rows->cols;
    }
    job->cb(&result, job->arg);
    job_free(job);
}

/* Answer @cb with RT_DB_UNAVAILABLE and @message (for jobs that loop_free() cannot hand over). */
static void answer_unavailable(rt_db_callback cb, void *arg, const char *message)
{
    struct rt_db_result result = {
        .status = RT_DB_UNAVAILABLE,
        .error = message,
        .value = rows_value,
        .impl = NULL,
    };

    cb(&result, arg);
}

/*
 * Append @job to its loop's completion queue and wake the loop if the
 * queue was empty.  The caller holds st->mu (which keeps the loop alive).
 */
static void push_done(struct sqlite_loop *l, struct job *job)
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

/* --- statements on the SQLite thread --- */

static bool is_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || (unsigned char)c >= 0x80;
}

/*
 * Copy @sql with each $N placeholder turned into ?N, leaving string
 * literals, quoted identifiers and comments alone.  Caller frees; NULL if
 * out of memory.
 */
static char *rewrite_placeholders(const char *sql)
{
    char *out = strdup(sql);
    size_t i = 0;

    if (out == NULL)
        return NULL;
    while (out[i] != '\0') {
        char c = out[i];

        if (c == '\'' || c == '"' || c == '`' || c == '[') {
            /* A doubled quote inside a literal ends it and starts the next: same result. */
            char close = c == '[' ? ']' : c;

            i++;
            while (out[i] != '\0' && out[i] != close)
                i++;
            if (out[i] != '\0')
                i++;
        } else if (c == '-' && out[i + 1] == '-') {
            while (out[i] != '\0' && out[i] != '\n')
                i++;
        } else if (c == '/' && out[i + 1] == '*') {
            i += 2;
            while (out[i] != '\0' && !(out[i] == '*' && out[i + 1] == '/'))
                i++;
            if (out[i] != '\0')
                i += 2;
        } else {
            if (c == '$' && out[i + 1] >= '0' && out[i + 1] <= '9' && (i == 0 || !is_ident_char(out[i - 1])))
                out[i] = '?';
            i++;
        }
    }
    return out;
}

/*
 * @return whether @sql starts with a transaction-control keyword.  Such a
 * statement would end the transaction a batch runs in (see run_batch()).
 */
static bool controls_transactions(const char *sql)
{
    static const char *const words[] = {"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"};
    size_t i, n;

    while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r')
        sql++;
    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        n = strlen(words[i]);
        if (strncasecmp(sql, words[i], n) == 0 && !is_ident_char(sql[n]))
            return true;
    }
    return false;
}

static size_t hash_name(const char *name)
{
    size_t h = 2166136261u;

    for (; *name != '\0'; name++)
        h = (h ^ (unsigned char)*name) * 16777619u;
    return h;
}

/*
 * The prepared statement for @job->stmt, from the cache or prepared now
 * (and cached).  On failure the job is finished with an error and NULL is
 * returned; a failed prepare is not cached, so it is tried again next time.
 */
static sqlite3_stmt *get_stmt(struct sqlite_state *st, struct job *job)
{
    const struct rt_db_statement *def = job->stmt;
    struct cached_stmt **bucket = &st->cache[hash_name(def->name) % CACHE_BUCKETS];
    struct cached_stmt *c;
    sqlite3_stmt *stmt = NULL;
    const char *tail = NULL;
    char *sql = NULL;
    char msg[256];
    int rc;

    for (c = *bucket; c != NULL; c = c->next) {
        if (strcmp(c->name, def->name) == 0) {
            if (c->sql != def->sql && strcmp(c->sql, def->sql) != 0) {
                snprintf(msg, sizeof(msg), "statement \"%s\" was declared twice with different SQL",
                         def->name);
                job_fail_copy(job, RT_DB_ERROR, msg);
                return NULL;
            }
            return c->stmt;
        }
    }
    if (controls_transactions(def->sql)) {
        snprintf(msg, sizeof(msg), "statement \"%s\" must not control transactions", def->name);
        job_fail_copy(job, RT_DB_ERROR, msg);
        return NULL;
    }
    sql = rewrite_placeholders(def->sql);
    if (sql == NULL)
        goto nomem;
    rc = sqlite3_prepare_v3(st->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) {
        snprintf(msg, sizeof(msg), "statement \"%s\": %s", def->name, sqlite3_errmsg(st->conn));
        job_fail_copy(job, RT_DB_ERROR, msg);
        goto fail;
    }
    while (tail != NULL && (*tail == ' ' || *tail == '\t' || *tail == '\n' || *tail == '\r' || *tail == ';'))
        tail++;
    if (stmt == NULL || (tail != NULL && *tail != '\0')) {
        snprintf(msg, sizeof(msg), "statement \"%s\" must be exactly one SQL statement", def->name);
        job_fail_copy(job, RT_DB_ERROR, msg);
        goto fail;
    }
    if (sqlite3_bind_parameter_count(stmt) > def->n_params) {
        snprintf(msg, sizeof(msg), "statement \"%s\" uses %d parameters but declares %d", def->name,
                 sqlite3_bind_parameter_count(stmt), def->n_params);
        job_fail_copy(job, RT_DB_ERROR, msg);
        goto fail;
    }
    c = calloc(1, sizeof(*c));
    if (c == NULL)
        goto nomem;
    c->name = strdup(def->name);
    c->sql = strdup(def->sql);
    if (c->name == NULL || c->sql == NULL) {
        free(c->name);
        free(c->sql);
        free(c);
        goto nomem;
    }
    c->stmt = stmt;
    c->next = *bucket;
    *bucket = c;
    free(sql);
    return stmt;

nomem:
    job_fail(job, RT_DB_UNAVAILABLE, MSG_NO_MEMORY);
fail:
    sqlite3_finalize(stmt);
    free(sql);
    return NULL;
}

/* @return the rt_db status for SQLite's (extended) result code @rc, not SQLITE_OK/ROW/DONE. */
static enum rt_db_status map_error(int rc)
{
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        return RT_DB_UNIQUE_VIOLATION;
    switch (rc & 0xff) {
    case SQLITE_BUSY:     /* another process held the lock past the busy timeout */
    case SQLITE_LOCKED:   /* likewise, within this process (shared cache) */
    case SQLITE_FULL:     /* the disk is full */
    case SQLITE_IOERR:    /* the disk went away */
    case SQLITE_CANTOPEN: /* e.g. the WAL or journal file cannot be created */
    case SQLITE_NOMEM:
        return RT_DB_UNAVAILABLE;
    default:
        return RT_DB_ERROR;
    }
}

/* Make room for @need bytes in the scratch buffer *@buf of capacity *@cap. 0, or -1 if out of memory. */
static int grow(void **buf, size_t *cap, size_t need)
{
    size_t n = *cap > 0 ? *cap : 256;
    void *p;

    if (need <= *cap)
        return 0;
    while (n < need)
        n *= 2;
    p = realloc(*buf, n);
    if (p == NULL)
        return -1;
    *buf = p;
    *cap = n;
    return 0;
}

/*
 * Bind @job's parameters to its prepared statement, step it to the end and
 * copy the rows into one block.  Sets the job's outcome; leaves the
 * statement reset.  @return 0 if it succeeded, else the SQLite result code.
 */
static int run_stmt(struct sqlite_state *st, struct job *job)
{
    sqlite3_stmt *stmt = job->prepared;
    int n_bind = sqlite3_bind_parameter_count(stmt);
    int cols = sqlite3_column_count(stmt);
    size_t n_values = 0, n_text = 0, i;
    struct rows *rows = NULL;
    int n_rows = 0, rc = SQLITE_OK, c;

    job_reset_outcome(job);
    for (c = 0; c < n_bind && rc == SQLITE_OK; c++) {
        if (job->params[c] == NULL)
            rc = sqlite3_bind_null(stmt, c + 1);
        else
            rc = sqlite3_bind_text(stmt, c + 1, job->params[c], -1, SQLITE_STATIC);
    }
    if (rc != SQLITE_OK)
        goto sqlite_error;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (n_values + (size_t)cols > RESULT_MAX_BYTES / sizeof(size_t) ||
            grow((void **)&st->offsets, &st->offsets_cap, (n_values + (size_t)cols) * sizeof(size_t)) != 0)
            goto too_big;
        for (c = 0; c < cols; c++) {
            const void *value;
            size_t len;

            if (sqlite3_column_type(stmt, c) == SQLITE_NULL) {
                st->offsets[n_values++] = SIZE_MAX;
                continue;
            }
            value = sqlite3_column_type(stmt, c) == SQLITE_BLOB ? sqlite3_column_blob(stmt, c)
                                                                : (const void *)sqlite3_column_text(stmt, c);
            len = (size_t)sqlite3_column_bytes(stmt, c);
            if (value == NULL && len > 0) {
                rc = SQLITE_NOMEM;
                goto sqlite_error;
            }
            if (n_text + len + 1 > RESULT_MAX_BYTES ||
                grow((void **)&st->text, &st->text_cap, n_text + len + 1) != 0)
                goto too_big;
            if (len > 0)
                memcpy(st->text + n_text, value, len);
            st->text[n_text + len] = '\0';
            st->offsets[n_values++] = n_text;
            n_text += len + 1;
        }
        n_rows++;
    }
    if (rc != SQLITE_DONE)
        goto sqlite_error;
    rc = SQLITE_OK;
    if (n_values * sizeof(char *) + n_text > RESULT_MAX_BYTES)
        goto too_big;
    rows = malloc(sizeof(*rows) + n_values * sizeof(char *) + n_text);
    if (rows == NULL) {
        job_fail(job, RT_DB_UNAVAILABLE, MSG_NO_MEMORY);
        rc = SQLITE_NOMEM;
        goto done;
    }
    rows->rows = n_rows;
    rows->cols = cols;
    if (n_text > 0)
        memcpy((char *)(rows->values + n_values), st->text, n_text);
    for (i = 0; i < n_values; i++)
        rows->values[i] =
            st->offsets[i] == SIZE_MAX ? NULL : (const char *)(rows->values + n_values) + st->offsets[i];
    job->rows = rows;
    job->status = RT_DB_OK;
    goto done;

sqlite_error:
    job_fail_copy(job, map_error(rc), sqlite3_errmsg(st->conn));
    goto done;
too_big:
    job_fail(job, RT_DB_ERROR, "result too large");
    rc = SQLITE_TOOBIG;
done:
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (st->text_cap > SCRATCH_KEEP_BYTES) {
        free(st->text);
        st->text = NULL;
        st->text_cap = 0;
    }
    if (st->offsets_cap > SCRATCH_KEEP_BYTES) {
        free(st->offsets);
        st->offsets = NULL;
        st->offsets_cap = 0;
    }
    return rc;
}

/* Run one of the fixed statements.  @return SQLite's result code (SQLITE_OK on success). */
static int run_fixed(struct sqlite_state *st, enum fixed_stmt which)
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
static enum guard_outcome run_guarded(struct sqlite_state *st, struct job *job, bool in_txn)
{
    int rc;

    if (sqlite3_stmt_readonly(job->prepared)) {
        if (run_stmt(st, job) == SQLITE_OK || !in_txn || !sqlite3_get_autocommit(st->conn))
            return GUARD_OK;
        return GUARD_LOST_BY_JOB;
    }
    rc = run_fixed(st, FX_SAVEPOINT);
    if (rc != SQLITE_OK) {
        job_fail_copy(job, map_error(rc), sqlite3_errmsg(st->conn));
        return GUARD_LOST;
    }
    if (run_stmt(st, job) == SQLITE_OK) {
        rc = run_fixed(st, FX_RELEASE);
        if (rc == SQLITE_OK)
            return GUARD_OK;
        /* Outside a transaction this RELEASE was the COMMIT. */
        job_fail_copy(job, map_error(rc), sqlite3_errmsg(st->conn));
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
static void run_batch(struct sqlite_state *st, struct job **jobs, int n)
{
    struct job *live[BATCH_MAX];
    struct job *culprit = NULL;
    struct timespec now;
    bool read_only = true, lost = false;
    int n_live = 0, i, rc;

    clock_gettime(CLOCK_MONOTONIC, &now);
    for (i = 0; i < n; i++) {
        struct job *job = jobs[i];

        if (atomic_load(&job->abandoned)) {
            job_fail(job, RT_DB_UNAVAILABLE, MSG_LOOP_FREED); /* never delivered */
            continue;
        }
        if (elapsed_ms(&job->queued_at, &now) > st->timeout_ms) {
            rt_metrics_db_acquire_timeout();
            job_fail(job, RT_DB_UNAVAILABLE, MSG_QUEUE_WAIT);
            continue;
        }
        rt_metrics_db_acquired((uint64_t)elapsed_ns(&job->queued_at, &now));
        job->prepared = get_stmt(st, job);
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
            job_fail_copy(live[i], RT_DB_UNAVAILABLE, sqlite3_errmsg(st->conn));
        return;
    }
    lost = rc != SQLITE_OK;
    for (i = 0; i < n_live && !lost; i++) {
        enum guard_outcome outcome;

        if (atomic_load(&live[i]->abandoned)) {
            job_fail(live[i], RT_DB_UNAVAILABLE, MSG_LOOP_FREED); /* its loop is gone: skip it */
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

/* Free every cached statement (the SQLite thread has stopped). */
static void clear_cache(struct sqlite_state *st)
{
    size_t b;
    int i;

    for (b = 0; b < CACHE_BUCKETS; b++) {
        while (st->cache[b] != NULL) {
            struct cached_stmt *c = st->cache[b];

            st->cache[b] = c->next;
            sqlite3_finalize(c->stmt);
            free(c->name);
            free(c->sql);
            free(c);
        }
    }
    for (i = 0; i < FX_COUNT; i++) {
        sqlite3_finalize(st->fixed[i]);
        st->fixed[i] = NULL;
    }
}

/* The SQLite thread: take batches from the queue, run them, hand the outcomes to their loops. */
static void *sqlite_thread(void *arg)
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
        while (st->head != NULL && st->n_batch < BATCH_MAX) {
            struct job *job = st->head;

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
            struct job *job = st->batch[i];

            if (job->loop == NULL)
                job_free(job); /* abandoned: loop_free() has answered it */
            else
                push_done(job->loop, job);
        }
        st->n_batch = 0;
    }
    pthread_mutex_unlock(&st->mu);
    return NULL;
}

/* --- opening and migrations --- */

/* Run @sql (no rows expected); on failure put "@what: message" in err.  0 or -1. */
static int exec_sql(sqlite3 *conn, const char *sql, const char *what, char *err, size_t errlen)
{
    char *msg = NULL;

    if (sqlite3_exec(conn, sql, NULL, NULL, &msg) != SQLITE_OK) {
        rt_err_set(err, errlen, "%s: %s", what, msg != NULL ? msg : sqlite3_errmsg(conn));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/*
 * Apply the migrations of @db not yet recorded in schema_version, each
 * with its schema_version row in one BEGIN IMMEDIATE transaction; the
 * check for "already applied" is inside that transaction, so two processes
 * starting at once cannot both apply one.  0, or -1 with a message.
 */
static int migrate(struct rt_db *db, sqlite3 *conn, char *err, size_t errlen)
{
    const struct rt_db_migration *m = db->settings.migrations;
    sqlite3_stmt *check = NULL, *record = NULL;
    int prev = 0, applied = 0, rc = -1;
    size_t i;

    if (exec_sql(conn,
                 "CREATE TABLE IF NOT EXISTS schema_version (version integer primary key, "
                 "description text not null, applied_at text not null)",
                 "cannot create schema_version", err, errlen) != 0)
        goto done;
    if (sqlite3_prepare_v2(conn, "SELECT 1 FROM schema_version WHERE version = ?1", -1, &check, NULL) !=
            SQLITE_OK ||
        sqlite3_prepare_v2(conn,
                           "INSERT INTO schema_version (version, description, applied_at) "
                           "VALUES (?1, ?2, strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))",
                           -1, &record, NULL) != SQLITE_OK) {
        rt_err_set(err, errlen, "schema_version: %s", sqlite3_errmsg(conn));
        goto done;
    }
    for (i = 0; i < db->settings.n_migrations; i++, m++) {
        char what[128];
        int step;

        snprintf(what, sizeof(what), "migration %d (%s)", m->version, m->description ? m->description : "");
        if (m->version <= prev || m->sqlite_sql == NULL) {
            rt_err_set(err, errlen, "%s: versions must increase and SQLite SQL must be given", what);
            goto done;
        }
        prev = m->version;
        if (exec_sql(conn, "BEGIN IMMEDIATE", what, err, errlen) != 0)
            goto done;
        sqlite3_bind_int(check, 1, m->version);
        step = sqlite3_step(check);
        sqlite3_reset(check);
        if (step == SQLITE_ROW) {
            if (exec_sql(conn, "COMMIT", what, err, errlen) != 0)
                goto done;
            continue;
        }
        if (step != SQLITE_DONE) {
            rt_err_set(err, errlen, "%s: %s", what, sqlite3_errmsg(conn));
            goto done;
        }
        if (exec_sql(conn, m->sqlite_sql, what, err, errlen) != 0)
            goto done;
        sqlite3_bind_int(record, 1, m->version);
        sqlite3_bind_text(record, 2, m->description ? m->description : "", -1, SQLITE_STATIC);
        step = sqlite3_step(record);
        sqlite3_reset(record);
        sqlite3_clear_bindings(record);
        if (step != SQLITE_DONE) {
            rt_err_set(err, errlen, "%s: recording it: %s", what, sqlite3_errmsg(conn));
            goto done;
        }
        if (exec_sql(conn, "COMMIT", what, err, errlen) != 0)
            goto done;
        rt_log_info("database: applied migration %d: %s", m->version, m->description ? m->description : "");
        applied++;
    }
    if (applied == 0)
        rt_log_debug("database: schema up to date (version %d)", prev);
    rc = 0;
done:
    if (rc != 0 && !sqlite3_get_autocommit(conn))
        sqlite3_exec(conn, "ROLLBACK", NULL, NULL, NULL);
    sqlite3_finalize(check);
    sqlite3_finalize(record);
    return rc;
}

/* Release @st and everything it owns; the SQLite thread must not be running. */
static void state_free(struct sqlite_state *st)
{
    if (st == NULL)
        return;
    while (st->head != NULL) {
        struct job *job = st->head; /* only if a loop was not freed before close(): contract broken */

        st->head = job->next;
        job_free(job);
    }
    clear_cache(st);
    if (st->conn != NULL && sqlite3_close(st->conn) != SQLITE_OK)
        rt_log_warning("database: closing: %s", sqlite3_errmsg(st->conn));
    free(st->offsets);
    free(st->text);
    pthread_mutex_destroy(&st->mu);
    pthread_cond_destroy(&st->cond);
    free(st);
}

static int sqlite_open(struct rt_db *db, char *err, size_t errlen)
{
    struct sqlite_state *st = calloc(1, sizeof(*st));
    sqlite3_stmt *mode = NULL;
    int rc;

    if (st == NULL) {
        rt_err_set(err, errlen, "out of memory");
        return -1;
    }
    pthread_mutex_init(&st->mu, NULL);
    pthread_cond_init(&st->cond, NULL);
    st->tail = &st->head;
    st->timeout_ms =
        db->settings.acquire_timeout_ms > 0 ? db->settings.acquire_timeout_ms : DEFAULT_TIMEOUT_MS;

    /*
     * NOMUTEX: the connection is used by one thread at a time (this one,
     * then the SQLite thread after pthread_create, then close() after
     * pthread_join), so SQLite's own locking would only cost time.
     */
    rc = sqlite3_open_v2(db->target, &st->conn,
                         SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        rt_err_set(err, errlen, "cannot open SQLite database %s: %s", db->target,
                   st->conn != NULL ? sqlite3_errmsg(st->conn) : sqlite3_errstr(rc));
        goto err;
    }
    sqlite3_extended_result_codes(st->conn, 1);
    sqlite3_busy_timeout(st->conn, st->timeout_ms);
    if (exec_sql(st->conn, "PRAGMA foreign_keys = ON", "enabling foreign keys", err, errlen) != 0)
        goto err;
    /* WAL: readers do not block the writer.  ":memory:" answers "memory" and stays so. */
    if (sqlite3_prepare_v2(st->conn, "PRAGMA journal_mode = WAL", -1, &mode, NULL) != SQLITE_OK ||
        sqlite3_step(mode) != SQLITE_ROW) {
        rt_err_set(err, errlen, "cannot open SQLite database %s: %s", db->target, sqlite3_errmsg(st->conn));
        goto err;
    }
    if (strcmp((const char *)sqlite3_column_text(mode, 0), "wal") != 0 &&
        strcmp((const char *)sqlite3_column_text(mode, 0), "memory") != 0)
        rt_log_warning("database: WAL mode not available for %s (journal mode %s)", db->target,
                       (const char *)sqlite3_column_text(mode, 0));
    sqlite3_finalize(mode);
    mode = NULL;
    if (migrate(db, st->conn, err, errlen) != 0)
        goto err;
    if (pthread_create(&st->thread, NULL, sqlite_thread, st) != 0) {
        rt_err_set(err, errlen, "cannot start the SQLite thread");
        goto err;
    }
    st->thread_started = true;
    db->state = st;
    rt_metrics_db_state(-1, RT_METRICS_DB_READY); /* the one connection, ready until close() */
    return 0;

err:
    sqlite3_finalize(mode);
    state_free(st);
    return -1;
}

static void sqlite_close(struct rt_db *db)
{
    struct sqlite_state *st = db->state;

    if (st == NULL)
        return;
    rt_metrics_db_state(RT_METRICS_DB_READY, -1);
    if (st->thread_started) {
        pthread_mutex_lock(&st->mu);
        st->stopping = true;
        pthread_cond_signal(&st->cond);
        pthread_mutex_unlock(&st->mu);
        pthread_join(st->thread, NULL);
        st->thread_started = false;
    }
    state_free(st);
    db->state = NULL;
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
        struct job *job = l->delivering;

        l->delivering = job->next;
        job_deliver(job); /* may call loop_free(l), which delivers the rest */
    }
    l->in_wake = false;
    if (l->free_deferred)
        loop_release(l);
}

static void *sqlite_loop_new(struct rt_db *db, struct event_base *base)
{
    struct sqlite_loop *l = calloc(1, sizeof(*l));

    if (l == NULL)
        return NULL;
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

static void sqlite_loop_free(void *loop_state)
{
    struct sqlite_loop *l = loop_state;
    struct sqlite_state *st;
    struct job *queued = NULL, **queued_tail = &queued, **pp, *done, *job;
    struct {
        rt_db_callback cb;
        void *arg;
    } abandoned[BATCH_MAX];
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
        answer_unavailable(abandoned[i].cb, abandoned[i].arg, MSG_LOOP_FREED);
    while ((job = queued) != NULL) {
        queued = job->next;
        job_fail(job, RT_DB_UNAVAILABLE, MSG_LOOP_FREED);
        job_deliver(job);
    }
    if (l->in_wake)
        l->free_deferred = true; /* called from a callback of on_wake(): it frees l when it returns */
    else
        loop_release(l);
}

static int sqlite_query(void *loop_state, const struct rt_db_statement *stmt, const char *const *params,
                        rt_db_callback cb, void *arg)
{
    struct sqlite_loop *l = loop_state;
    struct sqlite_state *st;
    struct job *job;

    if (l == NULL || l->freeing || stmt == NULL || cb == NULL)
        return -1;
    st = l->st;
    job = job_new(stmt, params, cb, arg);
    if (job == NULL)
        return -1;
    job->loop = l;
    pthread_mutex_lock(&st->mu);
    if (st->queued >= QUEUE_MAX || st->stopping) {
        /* Refused, but answered like any other job: later, from the loop. */
        job_fail(job, RT_DB_UNAVAILABLE, MSG_QUEUE_FULL);
        push_done(l, job);
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

const struct rt_db_backend rt_db_sqlite_backend = {
    .name = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .loop_new = sqlite_loop_new,
    .loop_free = sqlite_loop_free,
    .query = sqlite_query,
};

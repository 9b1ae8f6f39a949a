/*
 * rt_db_sqlite internals: what the files of the SQLite backend share.
 *
 *   rt_db_sqlite.c         the backend's operations: open (and migrate), close
 *   rt_db_sqlite_loop.c    jobs, and the loops' side: query(), completions, loop_free()
 *   rt_db_sqlite_stmt.c    statements: placeholders, the prepared-statement cache, running one
 *   rt_db_sqlite_thread.c  the SQLite thread: batches, transactions, savepoints
 *
 * See rt_db_sqlite.c for how a statement flows and for the locking rules.
 * Nothing outside rt_db_sqlite*.c (and its unit test) includes this.
 */
#ifndef RT_DB_SQLITE_INTERNAL_H
#define RT_DB_SQLITE_INTERNAL_H

#include "rt_db_internal.h"

#include <sqlite3.h>

#include <pthread.h>
#include <sys/types.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define RT_SQLITE_QUEUE_MAX 10000               /* jobs waiting for the SQLite thread, over all loops */
#define RT_SQLITE_BATCH_MAX 64                  /* jobs run in one transaction */
#define RT_SQLITE_DEFAULT_TIMEOUT_MS 5000       /* busy timeout and queue wait when settings give none */
#define RT_SQLITE_CACHE_BUCKETS 64              /* prepared-statement cache (chained hash) */
#define RT_SQLITE_RESULT_MAX_BYTES (64u << 20)  /* one statement's copied rows, pointers included */
#define RT_SQLITE_SCRATCH_KEEP_BYTES (1u << 20) /* larger scratch buffers are released after use */

#define RT_SQLITE_MSG_LOOP_FREED "the database connection of this worker was closed"
#define RT_SQLITE_MSG_QUEUE_FULL "too many database statements queued"
#define RT_SQLITE_MSG_QUEUE_WAIT "timed out waiting for the database"
#define RT_SQLITE_MSG_FILE_LOST                                                                              \
    "the SQLite database file was deleted or replaced while open (restart the service)"

struct sqlite_loop;

/* One value of a copied row, as SQLite typed it. */
struct sqlite_value {
    int type; /* its storage class: SQLITE_INTEGER, SQLITE_FLOAT, SQLITE_TEXT, SQLITE_BLOB or SQLITE_NULL */
    union {
        int64_t i; /* INTEGER */
        double f;  /* FLOAT */
    } num;
    size_t text; /* TEXT: where its NUL-terminated text starts, after the rows' values */
};

/* The copied rows of one result: one heap block. */
struct sqlite_rows {
    int rows;
    int cols;
    struct sqlite_value values[]; /* rows * cols, row by row; the values' text follows the array */
};

/* One submitted statement, from query() until its callback has run. */
struct sqlite_job {
    struct sqlite_job *next;            /* in the work queue or a completion queue */
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
    const char *error;        /* NULL for "", a static message, or error_buf */
    char *error_buf;          /* owned */
    struct sqlite_rows *rows; /* owned; NULL when there is no result set */
};

/* A prepared statement, cached for the life of the connection under its name. */
struct sqlite_cached_stmt {
    struct sqlite_cached_stmt *next;
    char *name; /* owned copy */
    char *sql;  /* owned copy, as the caller wrote it ($N) */
    sqlite3_stmt *stmt;
};

/* Statements the SQLite thread runs around the users' ones. */
enum sqlite_fixed {
    FX_BEGIN,
    FX_BEGIN_IMMEDIATE,
    FX_COMMIT,
    FX_ROLLBACK,
    FX_SAVEPOINT,
    FX_RELEASE,
    FX_ROLLBACK_TO,
    FX_COUNT
};

/* db->state. */
struct sqlite_state {
    sqlite3 *conn;  /* the only connection: open()'s thread, then the SQLite thread, then close() */
    int timeout_ms; /* busy timeout, and how long a job may wait in the queue */
    pthread_t thread;
    bool thread_started;

    pthread_mutex_t mu;      /* protects everything down to n_batch, and job->loop of every job */
    pthread_cond_t cond;     /* signalled when a job is queued or stopping is set */
    struct sqlite_job *head; /* the work queue, oldest first */
    struct sqlite_job **tail;
    size_t queued;
    bool stopping;
    struct sqlite_job *batch[RT_SQLITE_BATCH_MAX]; /* the jobs the SQLite thread is running */
    int n_batch;

    /*
     * The database file as opened (NULL for ":memory:" and temporary
     * databases): its path and identity, checked before every batch so that
     * a file deleted or replaced under the service is noticed before a
     * write to it is acknowledged (rt_db_sqlite_thread.c).
     */
    char *file;
    dev_t file_dev;
    ino_t file_ino;
    bool file_lost; /* the SQLite thread's: the file is gone, every job is refused */

    /* The SQLite thread's own (and close()'s, after the join): */
    struct sqlite_cached_stmt *cache[RT_SQLITE_CACHE_BUCKETS];
    sqlite3_stmt *fixed[FX_COUNT];
    struct sqlite_value *values; /* scratch for collecting rows: the values */
    size_t values_cap;           /* bytes */
    char *text;                  /* scratch: the values' text, each NUL-terminated */
    size_t text_cap;
};

/* Per-loop state (rt_db_loop->state). */
struct sqlite_loop {
    struct sqlite_state *st;
    struct event *wake; /* made active by the SQLite thread when done_head becomes non-empty */

    pthread_mutex_t mu;           /* protects done_head/done_tail */
    struct sqlite_job *done_head; /* completed jobs waiting for on_wake() */
    struct sqlite_job **done_tail;

    /* The loop thread's own: */
    struct sqlite_job *delivering; /* taken from the completion queue, not yet called back */
    bool freeing;                  /* loop_free() has started: query() refuses */
    bool in_wake;                  /* on_wake() is calling callbacks */
    bool free_deferred;            /* loop_free() ran inside a callback: on_wake() frees the struct */
};

/* --- rt_db_sqlite_loop.c: jobs and loops --- */

/* Forget any outcome recorded in @job (it is going to be run again). */
void rt_db_sqlite_job_reset(struct sqlite_job *job);

/* Free @job and its outcome; NULL is fine. */
void rt_db_sqlite_job_free(struct sqlite_job *job);

/* Record a failure with a static message. */
void rt_db_sqlite_job_fail(struct sqlite_job *job, enum rt_db_status status, const char *message);

/* Record a failure with a copy of SQLite's message. */
void rt_db_sqlite_job_fail_copy(struct sqlite_job *job, enum rt_db_status status, const char *message);

/* Hand @job to its loop (the caller holds st->mu, which keeps the loop alive). */
void rt_db_sqlite_push_done(struct sqlite_loop *l, struct sqlite_job *job);

/* The backend's loop_new, loop_free and query (struct rt_db_backend). */
void *rt_db_sqlite_loop_new(struct rt_db *db, struct event_base *base);
void rt_db_sqlite_loop_free(void *loop_state);
int rt_db_sqlite_query(void *loop_state, const struct rt_db_statement *stmt, const char *const *params,
                       rt_db_callback cb, void *arg);

/* --- rt_db_sqlite_stmt.c: statements (on the SQLite thread) --- */

/* A copy of @sql with each $N placeholder turned into ?N (malloc'd). */
char *rt_db_sqlite_rewrite_placeholders(const char *sql);

/* The prepared statement for @job, from the cache or prepared now; NULL with the job failed. */
sqlite3_stmt *rt_db_sqlite_get_stmt(struct sqlite_state *st, struct sqlite_job *job);

/* Run @job's prepared statement and copy its rows; 0 (SQLITE_OK) or SQLite's result code. */
int rt_db_sqlite_run_stmt(struct sqlite_state *st, struct sqlite_job *job);

/* The rt_db status for SQLite's (extended) result code @rc (not SQLITE_OK/ROW/DONE). */
enum rt_db_status rt_db_sqlite_map_error(int rc);

/* Finalize every cached statement (the SQLite thread has stopped). */
void rt_db_sqlite_clear_cache(struct sqlite_state *st);

/* --- rt_db_sqlite_thread.c --- */

/* The SQLite thread's body (pthread_create's start routine); @arg is the struct sqlite_state. */
void *rt_db_sqlite_thread(void *arg);

#endif /* RT_DB_SQLITE_INTERNAL_H */

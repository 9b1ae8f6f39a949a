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
 *
 * Files: this one has the backend's open() (with the migrations) and
 * close(); rt_db_sqlite_loop.c the jobs and the loops' side (query(),
 * completions, loop_free()); rt_db_sqlite_stmt.c the statements
 * (placeholders, cache, rows); rt_db_sqlite_thread.c the SQLite thread
 * (batches and their transactions).  rt_db_sqlite_internal.h is what they
 * share.
 */
#include "rt_db_sqlite_internal.h"
#include "rt_err.h"
#include "rt_log.h"
#include "rt_mem.h"
#include "rt_metrics.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* --- the migrations' connection (struct rt_db_migrate_conn) --- */

static const char *migration_sql(const struct rt_db_migration *m)
{
    return m->sqlite_sql;
}

static int migrate_exec(void *conn, const char *sql, char *err, size_t errlen)
{
    char *msg = NULL;
    int rc = sqlite3_exec(conn, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK)
        rt_err_set(err, errlen, "%s", msg != NULL ? msg : sqlite3_errmsg(conn));
    sqlite3_free(msg);
    return rc == SQLITE_OK ? 0 : -1;
}

static int migrate_query(void *conn, const char *sql, int n, const char *const *params, char *out,
                         size_t outsize, char *err, size_t errlen)
{
    char *rewritten = rt_db_sqlite_rewrite_placeholders(sql);
    sqlite3_stmt *stmt = NULL;
    int rows = 0, rc, i;

    rc = sqlite3_prepare_v2(conn, rewritten, -1, &stmt, NULL);
    for (i = 0; i < n && rc == SQLITE_OK; i++)
        rc = sqlite3_bind_text(stmt, i + 1, params[i], -1, SQLITE_STATIC);
    while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (rows++ == 0 && out != NULL) {
            const unsigned char *text = sqlite3_column_text(stmt, 0);

            snprintf(out, outsize, "%s", text != NULL ? (const char *)text : "");
        }
        rc = SQLITE_OK;
    }
    if (rc != SQLITE_DONE) {
        rt_err_set(err, errlen, "%s", sqlite3_errmsg(conn));
        rows = -1;
    }
    sqlite3_finalize(stmt);
    free(rewritten);
    return rows;
}

/*
 * Bring the modules' tables up to date (rt_db_migrate()).  Each migration
 * runs in a BEGIN IMMEDIATE transaction, and the check for "already
 * applied" is inside it, so two processes starting at once cannot both
 * apply one.  0, or -1 with a message.
 */
static int migrate(struct rt_db *db, sqlite3 *conn, char *err, size_t errlen)
{
    const struct rt_db_migrate_conn c = {
        .conn = conn,
        .name = "SQLite",
        .begin_sql = "BEGIN IMMEDIATE",
        .legacy_table_sql = "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'",
        .sql_of = migration_sql,
        .exec = migrate_exec,
        .query = migrate_query,
    };

    return rt_db_migrate(&c, &db->settings, err, errlen);
}

/* Release @st and everything it owns; the SQLite thread must not be running. */
static void state_free(struct sqlite_state *st)
{
    if (st == NULL)
        return;
    while (st->head != NULL) {
        struct sqlite_job *job = st->head; /* only if a loop was not freed before close(): contract broken */

        st->head = job->next;
        rt_db_sqlite_job_free(job);
    }
    rt_db_sqlite_clear_cache(st);
    if (st->conn != NULL && sqlite3_close(st->conn) != SQLITE_OK)
        rt_log_warning("database: closing: %s", sqlite3_errmsg(st->conn));
    free(st->values);
    free(st->text);
    free(st->file);
    pthread_mutex_destroy(&st->mu);
    pthread_cond_destroy(&st->cond);
    free(st);
}

/*
 * Record which file the connection has open (the path SQLite resolved, also
 * for a "file:" URI), so that the SQLite thread can tell when it has been
 * deleted or replaced.  @return 0, or -1 if it cannot be examined.
 */
static int remember_file(struct sqlite_state *st, char *err, size_t errlen)
{
    const char *file = sqlite3_db_filename(st->conn, "main");
    struct stat sb;

    if (file == NULL || file[0] == '\0')
        return 0; /* in memory or temporary: there is no file to lose */
    if (stat(file, &sb) != 0) {
        rt_err_set(err, errlen, "cannot examine SQLite database file %s: %s", file, strerror(errno));
        return -1;
    }
    st->file = rt_xstrdup(file);
    st->file_dev = sb.st_dev;
    st->file_ino = sb.st_ino;
    return 0;
}

static int sqlite_open(struct rt_db *db, char *err, size_t errlen)
{
    struct sqlite_state *st = rt_xcalloc(1, sizeof(*st));
    sqlite3_stmt *mode = NULL;
    char msg[256];
    int rc;

    pthread_mutex_init(&st->mu, NULL);
    pthread_cond_init(&st->cond, NULL);
    st->tail = &st->head;
    st->timeout_ms =
        db->settings.acquire_timeout_ms > 0 ? db->settings.acquire_timeout_ms : RT_SQLITE_DEFAULT_TIMEOUT_MS;

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
    if (migrate_exec(st->conn, "PRAGMA foreign_keys = ON", msg, sizeof(msg)) != 0) {
        rt_err_set(err, errlen, "enabling foreign keys: %s", msg);
        goto err;
    }
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
    if (remember_file(st, err, errlen) != 0)
        goto err;
    if (pthread_create(&st->thread, NULL, rt_db_sqlite_thread, st) != 0) {
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
    if (st->thread_started) {
        pthread_mutex_lock(&st->mu);
        st->stopping = true;
        pthread_cond_signal(&st->cond);
        pthread_mutex_unlock(&st->mu);
        pthread_join(st->thread, NULL);
        st->thread_started = false;
    }
    rt_metrics_db_state(st->file_lost ? RT_METRICS_DB_DOWN : RT_METRICS_DB_READY, -1);
    state_free(st);
    db->state = NULL;
}

const struct rt_db_backend rt_db_sqlite_backend = {
    .name = "sqlite",
    .open = sqlite_open,
    .close = sqlite_close,
    .loop_new = rt_db_sqlite_loop_new,
    .loop_free = rt_db_sqlite_loop_free,
    .query = rt_db_sqlite_query,
};

/*
 * rt_db_pg — the PostgreSQL backend of rt_db (see rt_db.h and
 * rt_db_internal.h for the contract).
 *
 * open() is the one blocking part: it runs before any event loop, connects
 * with PQconnectdbParams and brings the schema up to date under an
 * advisory lock.
 *
 * Each event loop then owns a pool of settings.pool_size libpq connections.
 * A connection is an explicit state machine; every transition goes through
 * one of the conn_* functions below:
 *
 *              timer                    PQconnectPoll OK
 *   BACKOFF ------------> CONNECTING ---------------------> READY
 *      ^                     |                                |
 *      |  failed/timed out   |         lost (EOF, error)     |
 *      +---------------------+--------------------------------+
 *
 * A READY connection is nonblocking and in pipeline mode, and carries many
 * requests' statements at once.  The statements the dispatcher gives a
 * connection in one loop turn go out as one batch:
 *
 *   for each: [Parse (PQsendPrepare), once per connection and statement name]
 *             Bind/Execute (PQsendQueryPrepared, text parameters)
 *   then:     Sync (PQpipelineSync), one for the batch (at most PG_MAX_BATCH)
 *
 * and the connection keeps a FIFO of what it sent (struct pg_op) to match
 * the results PQgetResult hands back in the same order: a PREPARE or
 * EXECUTE ends with a NULL from PQgetResult, a SYNC is one
 * PGRES_PIPELINE_SYNC result.
 *
 * Why batches: one Sync per statement cost a send() on each side and a
 * commit per statement, and under load (issue 19) that made the database
 * side of a request dearer than pgbench's own.  The statements between two
 * Syncs form one implicit transaction, which commits at the Sync: so no
 * statement of a batch is answered before its Sync's result arrives (a
 * write acknowledged earlier could be rolled back by a session cut before
 * the commit).  If one statement of a batch fails (a unique violation, a
 * deferred constraint at the commit, a failed PREPARE), the server rolls
 * the whole transaction back and skips the rest (PGRES_PIPELINE_ABORTED):
 * none of the batch is committed, so each of its statements is sent again
 * with a Sync of its own, and gets its own outcome (one request's unique
 * violation stays that request's 409; the others are committed once).  The
 * exception is a statement whose error is its own: the batch's first (it
 * ran as it would have alone), or one that timed out anywhere in it (the
 * timeout counts per statement in a batch, not per batch, and a statement
 * never waits for its own transaction's locks); its error is its answer and
 * only the rest go again, so it does not wait for the timeout twice
 * (unit.rt_db_pg_batch checks all three).  A statement sent alone, and a batch of one, is answered with
 * whatever its outcome is, a failed commit included.  A statement that controls
 * transactions (BEGIN, COMMIT, ...) always goes alone: batched, it could
 * commit part of a batch that is then sent again.  rt_db has no explicit
 * transactions, so every statement is an autocommit one.
 *
 * Statements first go to a per-loop FIFO of waiting queries; a deferred
 * "dispatch" event moves them to the least-loaded READY connection with
 * fewer than PG_MAX_IN_FLIGHT statements in flight.  So callbacks never run
 * inside query(), and statements submitted in one loop iteration go out
 * together, in one batch per connection.  A statement that has not found a
 * connection after settings.acquire_timeout_ms is answered RT_DB_UNAVAILABLE.
 *
 * A lost connection answers every statement in flight on it with
 * RT_DB_UNAVAILABLE (never retried: it may have been executed), and is
 * reopened after an exponential backoff (PG_BACKOFF_MIN_MS doubling to
 * PG_BACKOFF_MAX_MS, with jitter so the loops do not reconnect in
 * lockstep).
 *
 * Nothing here blocks a loop.  (libpq resolves a host *name* synchronously
 * inside PQconnectPoll; open() therefore pins the address the start-up
 * connection reached, see pin_host_address().)
 *
 * Files: this one has open() (blocking: connect, migrate) and close();
 * rt_db_pg_loop.c a loop's pool (the waiting queue, the dispatcher,
 * loop_new(), loop_free(), query()); rt_db_pg_conn.c a connection's
 * lifecycle (the state machine above); rt_db_pg_pipeline.c what a READY
 * connection does with statements.  rt_db_pg_internal.h is what they share.
 */
#include "rt_db_pg_internal.h"
#include "rt_err.h"
#include "rt_log.h"
#include "rt_mem.h"

#include <arpa/inet.h>
#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- small helpers --- */

/*
 * Copy a libpq or server message into @buf as one line: libpq's messages
 * end in a newline and may span several lines ("...failed: Connection
 * refused\n\tIs the server running...").  None of them contains the
 * password.  @return buf.
 */
char *rt_db_pg_one_line(const char *msg, char *buf, size_t size)
{
    size_t n = 0;

    assert(size > 0);
    for (; msg != NULL && *msg != '\0' && n + 1 < size; msg++) {
        char ch = *msg == '\n' || *msg == '\t' || *msg == '\r' ? ' ' : *msg;

        if (ch == ' ' && (n == 0 || buf[n - 1] == ' '))
            continue;
        buf[n++] = ch;
    }
    while (n > 0 && buf[n - 1] == ' ')
        n--;
    buf[n] = '\0';
    return buf;
}

/* libpq's notice processor prints to stderr by default; route notices to our log instead. */
void rt_db_pg_on_notice(void *arg, const char *message)
{
    char line[512];

    rt_log_debug("postgresql: %s", rt_db_pg_one_line(message, line, sizeof(line)));
}

/* --- open(): connect, migrate (blocking) --- */

/* Fill @pdb's connection parameters from @db (which outlives it). */
static void pg_db_init(struct pg_db *pdb, const struct rt_db *db)
{
    int ms = db->settings.connect_timeout_ms;
    /* libpq takes whole seconds and treats 1 as 2; round up so we never wait less than asked. */
    int seconds = ms > 0 ? (ms + 999) / 1000 : 0;

    snprintf(pdb->connect_timeout, sizeof(pdb->connect_timeout), "%d", seconds);
    /*
     * Later parameters override earlier ones, and "dbname" is expanded
     * (expand_dbname = 1) into the URI's or key=value string's own
     * parameters: so a connect_timeout or application_name written in
     * DATABASE_URL wins over ours.
     */
    pdb->keywords[0] = "connect_timeout";
    pdb->values[0] = seconds > 0 ? pdb->connect_timeout : NULL;
    pdb->keywords[1] = "fallback_application_name";
    pdb->values[1] = db->settings.application_name != NULL ? db->settings.application_name : "rt";
    pdb->keywords[2] = "dbname";
    pdb->values[2] = db->target;
    pdb->keywords[3] = NULL;
    pdb->values[3] = NULL;
    pdb->keywords[4] = NULL;
    pdb->values[4] = NULL;
}

/*
 * libpq resolves a host *name* with a blocking getaddrinfo() inside
 * PQconnectPoll, which would block a loop on every reconnect.  So once the
 * start-up connection @conn has succeeded (blocking is allowed there, and
 * libpq has tried every address of the name), pin the address it reached as
 * "hostaddr": later connections connect to it directly, while "host" still
 * serves TLS verification and .pgpass.  A DNS change is then only seen at
 * the next start.  Nothing to do for IP addresses, Unix sockets and lists
 * of several hosts.
 */
static void pin_host_address(struct pg_db *pdb, PGconn *conn)
{
    const char *host = PQhost(conn), *addr = PQhostaddr(conn);
    unsigned char ip[16];

    if (host == NULL || host[0] == '\0' || host[0] == '/' || strchr(host, ',') != NULL || addr == NULL ||
        addr[0] == '\0' || inet_pton(AF_INET, host, ip) == 1 || inet_pton(AF_INET6, host, ip) == 1)
        return;
    snprintf(pdb->hostaddr, sizeof(pdb->hostaddr), "%s", addr);
    pdb->keywords[3] = "hostaddr";
    pdb->values[3] = pdb->hostaddr;
    rt_log_info("database: host %s is %s; reconnects go there directly (never resolving on an event loop)",
                host, pdb->hostaddr);
}

/* --- the migrations' connection (struct rt_db_migrate_conn) --- */

static const char *migration_sql(const struct rt_db_migration *m)
{
    return m->postgres_sql;
}

/* Put the error of @res (NULL: of @conn) into err, on one line. */
static void result_error(PGconn *conn, const PGresult *res, char *err, size_t errlen)
{
    char msg[512];

    rt_err_set(
        err, errlen, "%s",
        rt_db_pg_one_line(res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(conn), msg, sizeof(msg)));
}

/* Run @sql (which may hold several statements) on the blocking connection @conn.  0, or -1 (err). */
static int migrate_exec(void *conn, const char *sql, char *err, size_t errlen)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res); /* PGRES_FATAL_ERROR for NULL */
    int rc = 0;

    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
        result_error(conn, res, err, errlen);
        rc = -1;
    }
    PQclear(res);
    return rc;
}

static int migrate_query(void *conn, const char *sql, int n, const char *const *params, char *out,
                         size_t outsize, char *err, size_t errlen)
{
    PGresult *res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
    ExecStatusType st = PQresultStatus(res);
    int rows = -1;

    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        result_error(conn, res, err, errlen);
        goto done;
    }
    rows = st == PGRES_TUPLES_OK ? PQntuples(res) : 0;
    if (rows > 0 && out != NULL)
        snprintf(out, outsize, "%s", PQgetvalue(res, 0, 0));
done:
    PQclear(res);
    return rows;
}

/*
 * Bring the modules' tables up to date (rt_db_migrate()).  The session
 * advisory lock serializes instances starting at the same time: the second
 * one waits, then finds every migration recorded and does nothing.
 * (CREATE TABLE IF NOT EXISTS alone is not safe against a concurrent twin
 * either, hence it is inside the lock too.)  The lock goes away with the
 * session if we die.
 */
static int migrate(const struct rt_db *db, PGconn *conn, char *err, size_t errlen)
{
    const struct rt_db_migrate_conn c = {
        .conn = conn,
        .name = "PostgreSQL",
        .begin_sql = "BEGIN",
        .legacy_table_sql = "SELECT 1 WHERE to_regclass('schema_version') IS NOT NULL",
        .sql_of = migration_sql,
        .exec = migrate_exec,
        .query = migrate_query,
    };
    char msg[512];
    int rc;

    if (migrate_exec(conn, "SELECT pg_advisory_lock(" PG_MIGRATION_LOCK_KEY ")", msg, sizeof(msg)) < 0) {
        rt_err_set(err, errlen, "taking the migration lock: %s", msg);
        return -1;
    }
    rc = rt_db_migrate(&c, &db->settings, err, errlen);
    PQclear(PQexec(conn, "SELECT pg_advisory_unlock(" PG_MIGRATION_LOCK_KEY ")"));
    return rc;
}

/* The backend's open(): see struct rt_db_backend. */
static int pg_open(struct rt_db *db, char *err, size_t errlen)
{
    struct pg_db *pdb = rt_xcalloc(1, sizeof(*pdb));
    PGconn *conn = NULL;
    char msg[512];
    int rc = -1;

    pg_db_init(pdb, db);
    conn = PQconnectdbParams(pdb->keywords, pdb->values, 1);
    if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
        /* never the conninfo itself: only the display URL and libpq's message, neither has the password */
        rt_err_set(err, errlen, "cannot connect to %s: %s", db->display_url,
                   conn != NULL ? rt_db_pg_one_line(PQerrorMessage(conn), msg, sizeof(msg))
                                : "out of memory");
        goto done;
    }
    PQsetNoticeProcessor(conn, rt_db_pg_on_notice, NULL);
    pin_host_address(pdb, conn);
    if (migrate(db, conn, err, errlen) < 0)
        goto done;
    rt_log_info("database: %s ready (server %d, the tables of %zu module(s) up to date)", db->display_url,
                PQserverVersion(conn), db->settings.n_schemas);
    db->state = pdb;
    pdb = NULL;
    rc = 0;
done:
    PQfinish(conn);
    free(pdb);
    return rc;
}

/* The backend's close(): see struct rt_db_backend. */
static void pg_close(struct rt_db *db)
{
    free(db->state);
    db->state = NULL;
}

const struct rt_db_backend rt_db_pg_backend = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .loop_new = rt_db_pg_loop_new,
    .loop_free = rt_db_pg_loop_free,
    .query = rt_db_pg_query,
};

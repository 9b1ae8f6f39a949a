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
 * requests' statements at once.  Each statement goes out as
 *
 *   [Parse (PQsendPrepare), once per connection and statement name]
 *   Bind/Execute (PQsendQueryPrepared, text parameters)
 *   Sync (PQpipelineSync)
 *
 * and the connection keeps a FIFO of what it sent (struct pg_op) to match
 * the results PQgetResult hands back in the same order: a PREPARE or
 * EXECUTE ends with a NULL from PQgetResult, a SYNC is one
 * PGRES_PIPELINE_SYNC result.
 *
 * Why one Sync per statement and not one per batch: statements between
 * two Syncs form one implicit transaction.  If requests' statements shared
 * a Sync, one request's unique violation would roll back another request's
 * INSERT that had already been reported as done, and abort (as
 * PGRES_PIPELINE_ABORTED) the statements queued behind it.  A Sync per
 * statement keeps each statement in its own transaction, as on SQLite, and
 * the only PGRES_PIPELINE_ABORTED we can see is an EXECUTE whose own
 * PREPARE failed; it is answered with that PREPARE's error.  The price is
 * one send() per statement (libpq 15's PQpipelineSync flushes; libpq 17's
 * PQsendPipelineSync would not), but never a round trip: the pipeline
 * stays full.
 *
 * Statements first go to a per-loop FIFO of waiting queries; a deferred
 * "dispatch" event moves them to the least-loaded READY connection with
 * fewer than PG_MAX_IN_FLIGHT statements in flight.  So callbacks never run
 * inside query(), and statements submitted in one loop iteration go out
 * together.  A statement that has not found a connection after
 * settings.acquire_timeout_ms is answered RT_DB_UNAVAILABLE.
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
 */
#include "rt_db_internal.h"
#include "rt_mem.h"
#include "rt_err.h"
#include "rt_log.h"
#include "rt_metrics.h"
#include "rt_time.h"

#include <event2/event.h>
#include <libpq-fe.h>

#include <arpa/inet.h>
#include <assert.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_MAX_IN_FLIGHT 128 /* EXECUTEs sent and not yet answered, per connection */
#define PG_BACKOFF_MIN_MS 100
#define PG_BACKOFF_MAX_MS 5000
#define PG_MAX_PARAMS 65535 /* the protocol's limit (a 16-bit count) */
/* Key of the session advisory lock held while migrating: "asyncdmo" as a bigint. */
#define PG_MIGRATION_LOCK_KEY "7022089759021624687"

/* What open() leaves in db->state: the connection parameters, shared read-only by all loops. */
struct pg_db {
    const char *keywords[5];
    const char *values[5];
    char connect_timeout[16]; /* seconds, as text */
    char hostaddr[64];        /* the server's address, pinned at open() when the host is a name */
};

/* The values are those of enum rt_metrics_db_state (down, connecting, ready), for the metrics. */
enum pg_conn_state {
    PG_CONN_BACKOFF = RT_METRICS_DB_DOWN, /* no PGconn; the timer starts the next attempt */
    PG_CONN_CONNECTING =
        RT_METRICS_DB_CONNECTING,       /* PQconnectPoll in progress; the timer bounds the attempt */
    PG_CONN_READY = RT_METRICS_DB_READY /* nonblocking, pipeline mode: takes statements */
};

/* One statement waiting for a connection, then in flight on one. */
struct pg_query {
    struct pg_query *next; /* in pg_loop.waiting_head */
    const struct rt_db_statement *stmt;
    rt_db_callback cb;
    void *arg;
    uint64_t queued_ns;   /* CLOCK_MONOTONIC: when it was submitted */
    uint64_t deadline_ns; /* CLOCK_MONOTONIC: when waiting for a connection gives up */
    const char **params;  /* stmt->n_params entries, pointing into this same allocation */
};

enum pg_op_kind {
    PG_OP_PREPARE, /* PQsendPrepare: one result, then NULL */
    PG_OP_EXECUTE, /* PQsendQueryPrepared: one result, then NULL */
    PG_OP_SYNC     /* PQpipelineSync: one PGRES_PIPELINE_SYNC */
};

/* Something sent on a connection whose results have not all arrived yet. */
struct pg_op {
    struct pg_op *next;
    enum pg_op_kind kind;
    const struct rt_db_statement *stmt; /* PREPARE, EXECUTE */
    struct pg_query *query;             /* EXECUTE: owned by the op until answered */
    PGresult *result;                   /* the first result received, kept until the NULL ending the op */
};

struct pg_loop;

struct pg_conn {
    struct pg_loop *loop;
    int index; /* in the pool, for the log */
    enum pg_conn_state state;
    PGconn *pg;          /* NULL in BACKOFF */
    struct event *io;    /* on PQsocket(pg), or NULL */
    short io_what;       /* EV_READ and/or EV_WRITE: what io waits for */
    struct event *timer; /* CONNECTING: the attempt's timeout; BACKOFF: the next attempt */
    int backoff_ms;      /* the delay before the next attempt if this one fails */
    int failures;        /* attempts failed in a row, to log the first one loudly and the rest quietly */
    int flushing;        /* PQflush returned 1: also wait for write-ready */
    int unflushed;       /* statements sent by the current dispatch, not yet flushed */
    struct pg_op *ops_head, *ops_tail; /* sent, in pipeline order */
    int in_flight;                     /* EXECUTEs among them */
    uint64_t last_progress_ns;         /* when an op last completed, to break ties between connections */
    const char **prepared;             /* statement names prepared (or being prepared) on pg */
    size_t n_prepared, cap_prepared;
    char prepare_error[256]; /* the last failed PREPARE's message, for the EXECUTE it aborted */
};

struct pg_loop {
    const struct rt_db *db;
    const struct pg_db *pdb;
    struct event_base *base;
    struct pg_conn *conns;
    int n_conns;
    struct pg_query *waiting_head, *waiting_tail; /* FIFO, so oldest deadline first */
    struct event *dispatch;                       /* activated to move waiting statements to connections */
    struct event *acquire_timer;                  /* fires at the oldest waiting statement's deadline */
    uint64_t rng;                                 /* xorshift64 state, for backoff jitter */
    int closing;                                  /* loop_free() has begun: query() refuses */
};

static void conn_start(struct pg_conn *c);
static void conn_lost(struct pg_conn *c, const char *why);

/* --- small helpers --- */

/*
 * Copy a libpq or server message into @buf as one line: libpq's messages
 * end in a newline and may span several lines ("...failed: Connection
 * refused\n\tIs the server running...").  None of them contains the
 * password.  @return buf.
 */
static char *one_line(const char *msg, char *buf, size_t size)
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
static void on_notice(void *arg, const char *message)
{
    char line[512];

    rt_log_debug("postgresql: %s", one_line(message, line, sizeof(line)));
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

/*
 * Run @sql (which may hold several statements) on the blocking connection
 * @conn.  @return 0 if it succeeded, or -1 with "@what: <server message>"
 * in err.
 */
static int exec_simple(PGconn *conn, const char *sql, const char *what, char *err, size_t errlen)
{
    PGresult *res = PQexec(conn, sql);
    ExecStatusType st = PQresultStatus(res); /* PGRES_FATAL_ERROR for NULL */
    char msg[512];
    int rc = 0;

    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
        rt_err_set(
            err, errlen, "%s: %s", what,
            one_line(res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(conn), msg, sizeof(msg)));
        rc = -1;
    }
    PQclear(res);
    return rc;
}

/* @return 1 if migration @version is recorded in schema_version, 0 if not, -1 on error (in err). */
static int migration_applied(PGconn *conn, int version, char *err, size_t errlen)
{
    char vbuf[16];
    const char *params[1] = {vbuf};
    PGresult *res = NULL;
    char msg[512];
    int rc = -1;

    snprintf(vbuf, sizeof(vbuf), "%d", version);
    res =
        PQexecParams(conn, "SELECT 1 FROM schema_version WHERE version = $1", 1, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        rt_err_set(
            err, errlen, "reading schema_version: %s",
            one_line(res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(conn), msg, sizeof(msg)));
        goto done;
    }
    rc = PQntuples(res) > 0;
done:
    PQclear(res);
    return rc;
}

/* Apply @m and record it, in one transaction.  0, or -1 with err set (and the transaction rolled back). */
static int migration_apply(PGconn *conn, const struct rt_db_migration *m, char *err, size_t errlen)
{
    char vbuf[16], now[40], what[160], msg[512];
    const char *params[3] = {vbuf, m->description, now};
    PGresult *res = NULL;
    int rc = -1;

    snprintf(vbuf, sizeof(vbuf), "%d", m->version);
    rt_time_format_rfc3339(now, sizeof(now));
    snprintf(what, sizeof(what), "migration %d (%s)", m->version, m->description);
    if (exec_simple(conn, "BEGIN", what, err, errlen) < 0)
        return -1;
    if (exec_simple(conn, m->postgres_sql, what, err, errlen) < 0)
        goto done;
    res = PQexecParams(conn,
                       "INSERT INTO schema_version (version, description, applied_at) VALUES ($1, $2, $3)", 3,
                       NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        rt_err_set(
            err, errlen, "%s: recording it: %s", what,
            one_line(res != NULL ? PQresultErrorMessage(res) : PQerrorMessage(conn), msg, sizeof(msg)));
        goto done;
    }
    if (exec_simple(conn, "COMMIT", what, err, errlen) < 0)
        goto done;
    rt_log_info("database: applied migration %d (%s)", m->version, m->description);
    rc = 0;
done:
    PQclear(res);
    if (rc < 0)
        PQclear(PQexec(conn, "ROLLBACK")); /* best effort: a broken connection rolls back anyway */
    return rc;
}

/*
 * Bring the schema up to date.  The session advisory lock serializes
 * instances starting at the same time: the second one waits, then finds
 * every migration recorded and does nothing.  (CREATE TABLE IF NOT EXISTS
 * alone is not safe against a concurrent twin either, hence it is inside
 * the lock too.)  The lock goes away with the session if we die.
 */
static int migrate(const struct rt_db *db, PGconn *conn, char *err, size_t errlen)
{
    const struct rt_db_settings *s = &db->settings;
    int locked = 0, rc = -1;
    size_t i;

    for (i = 0; i < s->n_migrations; i++) {
        if (s->migrations[i].postgres_sql == NULL ||
            (i > 0 && s->migrations[i].version <= s->migrations[i - 1].version)) {
            rt_err_set(err, errlen, "migration %d: no PostgreSQL SQL, or versions not strictly increasing",
                       s->migrations[i].version);
            return -1;
        }
    }
    if (exec_simple(conn, "SELECT pg_advisory_lock(" PG_MIGRATION_LOCK_KEY ")", "taking the migration lock",
                    err, errlen) < 0)
        goto done;
    locked = 1;
    if (exec_simple(conn,
                    "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, "
                    "description text NOT NULL, applied_at text NOT NULL)",
                    "creating schema_version", err, errlen) < 0)
        goto done;
    for (i = 0; i < s->n_migrations; i++) {
        int applied = migration_applied(conn, s->migrations[i].version, err, errlen);

        if (applied < 0)
            goto done;
        if (!applied && migration_apply(conn, &s->migrations[i], err, errlen) < 0)
            goto done;
    }
    rc = 0;
done:
    if (locked)
        PQclear(PQexec(conn, "SELECT pg_advisory_unlock(" PG_MIGRATION_LOCK_KEY ")"));
    return rc;
}

/* The backend's open(): see struct rt_db_backend. */
static int pg_open(struct rt_db *db, char *err, size_t errlen)
{
    struct pg_db *pdb = NULL;
    PGconn *conn = NULL;
    char msg[512];
    int rc = -1;

    pdb = calloc(1, sizeof(*pdb));
    if (pdb == NULL) {
        rt_err_set(err, errlen, "out of memory");
        goto done;
    }
    pg_db_init(pdb, db);
    conn = PQconnectdbParams(pdb->keywords, pdb->values, 1);
    if (conn == NULL || PQstatus(conn) != CONNECTION_OK) {
        /* never the conninfo itself: only the display URL and libpq's message, neither has the password */
        rt_err_set(err, errlen, "cannot connect to %s: %s", db->display_url,
                   conn != NULL ? one_line(PQerrorMessage(conn), msg, sizeof(msg)) : "out of memory");
        goto done;
    }
    PQsetNoticeProcessor(conn, on_notice, NULL);
    pin_host_address(pdb, conn);
    if (migrate(db, conn, err, errlen) < 0)
        goto done;
    rt_log_info("database: %s ready (server %d, schema at %zu migrations)", db->display_url,
                PQserverVersion(conn), db->settings.n_migrations);
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

/* --- results --- */

static const char *result_value(const struct rt_db_result *result, int row, int col)
{
    const PGresult *res = result->impl;

    return PQgetisnull(res, row, col) ? NULL : PQgetvalue(res, row, col);
}

/* Call @q's callback with @status (and @res's rows if RT_DB_OK), then free @q. */
static void query_answer(struct pg_query *q, enum rt_db_status status, const char *error, const PGresult *res)
{
    struct rt_db_result r = {status, error != NULL ? error : "", 0, 0, result_value, res};

    if (status == RT_DB_OK && res != NULL) {
        r.rows = PQntuples(res);
        r.cols = PQnfields(res);
    } else {
        r.impl = NULL;
    }
    q->cb(&r, q->arg);
    free(q);
}

/*
 * Classify a failed statement's result: its primary message into @msg, and
 * the status.  A connection that was terminated under the statement
 * (class 08, or the server shutting down: 57P01..57P03) is RT_DB_UNAVAILABLE
 * like any other lost connection; so is a libpq-made error (no SQLSTATE)
 * on a connection that has gone bad.
 */
static enum rt_db_status classify_error(const PGresult *res, PGconn *pg, char *msg, size_t size)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

    one_line(primary != NULL ? primary : PQresultErrorMessage(res), msg, size);
    if (msg[0] == '\0')
        snprintf(msg, size, "%s", PQresStatus(PQresultStatus(res)));
    if (state == NULL)
        return PQstatus(pg) == CONNECTION_BAD ? RT_DB_UNAVAILABLE : RT_DB_ERROR;
    if (strcmp(state, "23505") == 0)
        return RT_DB_UNIQUE_VIOLATION;
    if (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 || strcmp(state, "57P02") == 0 ||
        strcmp(state, "57P03") == 0)
        return RT_DB_UNAVAILABLE;
    return RT_DB_ERROR;
}

/* Answer the EXECUTE of @q, sent on @c, with its result @res (NULL if none came). */
static void execute_answer(struct pg_conn *c, struct pg_query *q, const PGresult *res)
{
    char msg[512];
    enum rt_db_status status;

    switch (PQresultStatus(res)) {
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK:
        query_answer(q, RT_DB_OK, "", res);
        return;
    case PGRES_PIPELINE_ABORTED:
        /* With a Sync after every statement, only a failed PREPARE of its own can abort an EXECUTE. */
        snprintf(msg, sizeof(msg), "%s",
                 c->prepare_error[0] != '\0' ? c->prepare_error : "statement skipped after an earlier error");
        query_answer(q, RT_DB_ERROR, msg, NULL);
        return;
    default:
        status = classify_error(res, c->pg, msg, sizeof(msg));
        query_answer(q, status, msg, NULL);
        return;
    }
}

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

static void waiting_push_front(struct pg_loop *l, struct pg_query *q)
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
static void loop_kick(struct pg_loop *l)
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
        query_answer(waiting_pop(l), RT_DB_UNAVAILABLE, "no database connection available", NULL);
    }
    loop_arm_acquire_timer(l);
}

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
        const char **p = realloc(c->prepared, cap * sizeof(*p));

        if (p == NULL) {
            fprintf(stderr, "async-demo: out of memory\n");
            abort();
        }
        c->prepared = p;
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

/* Free a detached list of ops, answering each EXECUTE with RT_DB_UNAVAILABLE and @msg. */
static void ops_fail(struct pg_op *op, const char *msg)
{
    while (op != NULL) {
        struct pg_op *next = op->next;

        PQclear(op->result);
        if (op->kind == PG_OP_EXECUTE)
            query_answer(op->query, RT_DB_UNAVAILABLE, msg, NULL);
        free(op);
        op = next;
    }
}

static void conn_on_io(evutil_socket_t fd, short what, void *arg);

/*
 * Make c->io wait for @what on PQsocket(c->pg).  While connecting, the
 * event is always created afresh: libpq may close the socket and open
 * another between PQconnectPoll calls (next address, SSL retry), possibly
 * with the same number, and a stale epoll registration would never fire.
 * Once READY the socket is fixed, so an unchanged @what is a no-op.
 * @return 0, or -1 if the event could not be set up.
 */
static int conn_watch(struct pg_conn *c, short what)
{
    evutil_socket_t fd = PQsocket(c->pg);

    if (fd < 0)
        return -1;
    if (c->io != NULL) {
        if (c->state == PG_CONN_READY && c->io_what == what)
            return 0;
        event_free(c->io);
        c->io = NULL;
    }
    c->io = event_new(c->loop->base, fd, what | EV_PERSIST, conn_on_io, c);
    if (c->io == NULL || event_add(c->io, NULL) < 0)
        return -1;
    c->io_what = what;
    return 0;
}

/* Drop the PGconn and its events.  The op list must already be detached (or empty). */
static void conn_close(struct pg_conn *c)
{
    assert(c->ops_head == NULL && c->in_flight == 0);
    if (c->io != NULL) {
        event_free(c->io);
        c->io = NULL;
    }
    if (c->timer != NULL)
        event_del(c->timer);
    PQfinish(c->pg);
    c->pg = NULL;
    c->n_prepared = 0; /* prepared statements die with the session */
    c->flushing = 0;
    c->prepare_error[0] = '\0';
}

/* @return a uniformly random number in [0, n) (n > 0), from the loop's xorshift64. */
static uint64_t loop_random(struct pg_loop *l, uint64_t n)
{
    l->rng ^= l->rng << 13;
    l->rng ^= l->rng >> 7;
    l->rng ^= l->rng << 17;
    return l->rng % n;
}

/*
 * Enter BACKOFF (c->pg already closed): the next attempt starts after a
 * delay drawn from [backoff/2, backoff] ("equal jitter"), and the next
 * backoff doubles, up to PG_BACKOFF_MAX_MS.
 */
/* Every state change goes through here, to keep db_pool_connections{state} right. */
static void conn_set_state(struct pg_conn *c, enum pg_conn_state state)
{
    rt_metrics_db_state((int)c->state, (int)state);
    c->state = state;
}

static void conn_backoff(struct pg_conn *c)
{
    int half = c->backoff_ms / 2;
    struct timeval tv =
        rt_time_tv_ms(half + (int64_t)loop_random(c->loop, (uint64_t)(c->backoff_ms - half) + 1));

    conn_set_state(c, PG_CONN_BACKOFF);
    c->backoff_ms = c->backoff_ms * 2 > PG_BACKOFF_MAX_MS ? PG_BACKOFF_MAX_MS : c->backoff_ms * 2;
    evtimer_add(c->timer, &tv);
}

/* A connection attempt failed (CONNECTING, or could not even start): close and back off. */
static void conn_attempt_failed(struct pg_conn *c, const char *why)
{
    char msg[512];

    one_line(why, msg, sizeof(msg)); /* copy: @why may be PQerrorMessage(c->pg) */
    c->failures++;
    if (c->failures == 1)
        rt_log_warning("postgresql: connection %d: cannot connect: %s (retrying with backoff)", c->index,
                       msg);
    else
        rt_log_debug("postgresql: connection %d: attempt %d failed: %s", c->index, c->failures, msg);
    conn_close(c);
    conn_backoff(c);
}

/*
 * A READY connection went away (EOF, socket error, protocol confusion):
 * answer everything in flight on it with RT_DB_UNAVAILABLE (not retried:
 * it may have been executed), and reconnect after a backoff.  The
 * callbacks run last, when @c is already consistent (BACKOFF, empty), so
 * whatever they submit simply waits in the queue.
 */
static void conn_lost(struct pg_conn *c, const char *why)
{
    struct pg_op *ops = c->ops_head;
    char msg[512];

    one_line(why, msg, sizeof(msg));
    rt_log_warning("postgresql: connection %d lost (%d statement(s) in flight): %s", c->index, c->in_flight,
                   msg[0] != '\0' ? msg : "unknown reason");
    c->ops_head = c->ops_tail = NULL;
    rt_metrics_db_in_use(-c->in_flight);
    c->in_flight = 0;
    conn_close(c);
    c->backoff_ms = PG_BACKOFF_MIN_MS;
    conn_backoff(c);
    ops_fail(ops, "database connection lost");
}

/* PQconnectPoll said OK: switch to nonblocking pipeline mode and take statements. */
static void conn_become_ready(struct pg_conn *c)
{
    if (PQsetnonblocking(c->pg, 1) != 0 || !PQenterPipelineMode(c->pg)) {
        conn_attempt_failed(c, PQerrorMessage(c->pg));
        return;
    }
    conn_set_state(c, PG_CONN_READY);
    event_del(c->timer);
    if (conn_watch(c, EV_READ) < 0) {
        conn_attempt_failed(c, "cannot watch the socket");
        return;
    }
    if (c->failures > 0)
        rt_log_info("postgresql: connection %d ready again after %d failed attempt(s)", c->index,
                    c->failures);
    else
        rt_log_debug("postgresql: connection %d ready", c->index);
    c->failures = 0;
    c->backoff_ms = PG_BACKOFF_MIN_MS;
    c->last_progress_ns = rt_time_mono_ns();
    loop_kick(c->loop);
}

/* One step of the asynchronous connect, on socket readiness. */
static void conn_continue_connect(struct pg_conn *c)
{
    switch (PQconnectPoll(c->pg)) {
    case PGRES_POLLING_READING:
        if (conn_watch(c, EV_READ) < 0)
            conn_attempt_failed(c, "cannot watch the socket");
        break;
    case PGRES_POLLING_WRITING:
        if (conn_watch(c, EV_WRITE) < 0)
            conn_attempt_failed(c, "cannot watch the socket");
        break;
    case PGRES_POLLING_OK:
        conn_become_ready(c);
        break;
    case PGRES_POLLING_FAILED:
    default:
        conn_attempt_failed(c, PQerrorMessage(c->pg));
        break;
    }
}

/* BACKOFF → CONNECTING: start an attempt bounded by settings.connect_timeout_ms. */
static void conn_start(struct pg_conn *c)
{
    const struct pg_db *pdb = c->loop->pdb;
    int timeout_ms = c->loop->db->settings.connect_timeout_ms;
    struct timeval tv = rt_time_tv_ms(timeout_ms > 0 ? timeout_ms : 10000);

    assert(c->pg == NULL && c->io == NULL);
    conn_set_state(c, PG_CONN_CONNECTING);
    c->pg = PQconnectStartParams(pdb->keywords, pdb->values, 1);
    if (c->pg == NULL) {
        conn_attempt_failed(c, "out of memory");
        return;
    }
    PQsetNoticeProcessor(c->pg, on_notice, NULL);
    if (PQstatus(c->pg) == CONNECTION_BAD) {
        conn_attempt_failed(c, PQerrorMessage(c->pg));
        return;
    }
    /* libpq ignores connect_timeout in PQconnectPoll; this timer enforces it. */
    evtimer_add(c->timer, &tv);
    /* libpq: start as if PQconnectPoll had returned PGRES_POLLING_WRITING. */
    if (conn_watch(c, EV_WRITE) < 0)
        conn_attempt_failed(c, "cannot watch the socket");
}

static void conn_on_timer(evutil_socket_t fd, short what, void *arg)
{
    struct pg_conn *c = arg;
    char msg[64];

    switch (c->state) {
    case PG_CONN_BACKOFF:
        conn_start(c);
        break;
    case PG_CONN_CONNECTING:
        snprintf(msg, sizeof(msg), "timed out after %d ms", c->loop->db->settings.connect_timeout_ms);
        conn_attempt_failed(c, msg);
        break;
    case PG_CONN_READY:
        break;
    }
}

/*
 * Push what libpq has buffered towards the server.  If it cannot all go
 * now (PQflush returns 1), wait for write-ready as well as read-ready: the
 * server may be blocked writing results to us, and only reading them
 * (PQconsumeInput) lets it go on reading what we send.
 * @return 0, or -1 if the connection was lost.
 */
static int conn_flush(struct pg_conn *c)
{
    int rc = PQflush(c->pg);

    if (rc < 0) {
        conn_lost(c, PQerrorMessage(c->pg));
        return -1;
    }
    c->flushing = rc > 0;
    if (conn_watch(c, c->flushing ? EV_READ | EV_WRITE : EV_READ) < 0) {
        conn_lost(c, "cannot watch the socket");
        return -1;
    }
    return 0;
}

/*
 * Send @q on READY @c: [Parse], Bind/Execute, Sync (see the top of the
 * file).  If libpq refuses before any of @q went out (PQsendPrepare), @q
 * goes back to the front of the queue for another connection; after that,
 * @q is in @c's FIFO and a failure answers it RT_DB_UNAVAILABLE with the
 * rest.  @return 0, or -1 if @c was lost.  The caller flushes.
 */
static int conn_send(struct pg_conn *c, struct pg_query *q)
{
    const struct rt_db_statement *s = q->stmt;

    if (!conn_is_prepared(c, s->name)) {
        if (!PQsendPrepare(c->pg, s->name, s->sql, s->n_params, NULL)) {
            waiting_push_front(c->loop, q);
            goto lost;
        }
        conn_push_op(c, PG_OP_PREPARE, s, NULL);
        conn_set_prepared(c, s->name);
    }
    /* From here on @q may have partly reached the server. */
    conn_push_op(c, PG_OP_EXECUTE, s, q);
    if (!PQsendQueryPrepared(c->pg, s->name, s->n_params, q->params, NULL, NULL, 0))
        goto lost;
    conn_push_op(c, PG_OP_SYNC, NULL, NULL);
    if (!PQpipelineSync(c->pg))
        goto lost;
    rt_metrics_db_acquired(rt_time_mono_ns() - q->queued_ns);
    return 0;
lost:
    conn_lost(c, PQerrorMessage(c->pg));
    return -1;
}

/* A PREPARE finished: on failure, forget the name (so the next use prepares again) and keep the message. */
static void prepare_done(struct pg_conn *c, const struct pg_op *op)
{
    if (PQresultStatus(op->result) == PGRES_COMMAND_OK)
        return;
    conn_forget_prepared(c, op->stmt->name);
    classify_error(op->result, c->pg, c->prepare_error, sizeof(c->prepare_error));
    rt_log_error("postgresql: cannot prepare statement %s: %s", op->stmt->name, c->prepare_error);
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

    if (is_sync != (op->kind == PG_OP_SYNC)) {
        PQclear(res);
        conn_lost(c, "pipeline results out of step");
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
    if (op->kind == PG_OP_PREPARE)
        prepare_done(c, op);
    else if (op->kind == PG_OP_EXECUTE)
        execute_answer(c, op->query, op->result);
    PQclear(op->result);
    free(op);
    return 0;
}

/*
 * Hand out every complete result libpq has parsed.  PQgetResult is only
 * called while !PQisBusy, so it never waits.  Callbacks run from here; they
 * cannot change @c (query() only queues and kicks the dispatcher).
 */
static void conn_drain(struct pg_conn *c)
{
    while (c->ops_head != NULL && !PQisBusy(c->pg)) {
        if (conn_take_result(c, PQgetResult(c->pg)) < 0)
            return;
    }
    if (c->ops_head == NULL)
        (void)PQisBusy(c->pg); /* let libpq parse stray messages (notices) even when idle */
    if (PQstatus(c->pg) == CONNECTION_BAD) {
        conn_lost(c, PQerrorMessage(c->pg));
        return;
    }
    if (c->in_flight < PG_MAX_IN_FLIGHT)
        loop_kick(c->loop);
}

/* Socket readiness on a READY connection. */
static void conn_on_ready_io(struct pg_conn *c, short what)
{
    if ((what & EV_READ) && !PQconsumeInput(c->pg)) {
        conn_lost(c, PQerrorMessage(c->pg));
        return;
    }
    if (c->flushing && conn_flush(c) < 0)
        return;
    conn_drain(c);
}

static void conn_on_io(evutil_socket_t fd, short what, void *arg)
{
    struct pg_conn *c = arg;

    switch (c->state) {
    case PG_CONN_CONNECTING:
        conn_continue_connect(c);
        break;
    case PG_CONN_READY:
        conn_on_ready_io(c, what);
        break;
    case PG_CONN_BACKOFF:
        break; /* io is freed on entering BACKOFF; nothing can arrive */
    }
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

/* Move waiting statements to connections, then flush each connection that got some. */
static void loop_on_dispatch(evutil_socket_t fd, short what, void *arg)
{
    struct pg_loop *l = arg;
    struct pg_conn *c;
    int i;

    while (l->waiting_head != NULL && (c = loop_pick_conn(l)) != NULL) {
        if (conn_send(c, waiting_pop(l)) == 0)
            c->unflushed = 1;
    }
    for (i = 0; i < l->n_conns; i++) {
        c = &l->conns[i];
        /*
         * Drain too: when the socket is full, libpq reads what the server
         * sent while it waits to write (pqSendSome), and results parked in
         * libpq's buffer would raise no read event of their own.
         */
        if (c->state == PG_CONN_READY && c->unflushed && conn_flush(c) == 0)
            conn_drain(c);
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
    for (i = 0; l->conns != NULL && i < l->n_conns; i++) {
        struct pg_conn *c = &l->conns[i];

        if (c->loop != NULL)
            rt_metrics_db_state((int)c->state, -1); /* counted since pg_loop_new() */
        conn_close(c);
        if (c->timer != NULL)
            event_free(c->timer);
        free(c->prepared);
    }
    free(l->conns);
    if (l->dispatch != NULL)
        event_free(l->dispatch);
    if (l->acquire_timer != NULL)
        event_free(l->acquire_timer);
    free(l);
}

static void *pg_loop_new(struct rt_db *db, struct event_base *base)
{
    struct pg_loop *l = NULL;
    int i;

    l = calloc(1, sizeof(*l));
    if (l == NULL)
        goto err;
    l->db = db;
    l->pdb = db->state;
    l->base = base;
    l->n_conns = db->settings.pool_size > 0 ? db->settings.pool_size : 1;
    l->rng = rt_time_mono_ns() ^ (uint64_t)(uintptr_t)l;
    if (l->rng == 0)
        l->rng = 1;
    l->conns = calloc((size_t)l->n_conns, sizeof(*l->conns));
    l->dispatch = event_new(base, -1, 0, loop_on_dispatch, l);
    l->acquire_timer = evtimer_new(base, loop_on_acquire_timeout, l);
    if (l->conns == NULL || l->dispatch == NULL || l->acquire_timer == NULL)
        goto err;
    for (i = 0; i < l->n_conns; i++) {
        struct pg_conn *c = &l->conns[i];

        c->loop = l;
        c->index = i;
        c->state = PG_CONN_BACKOFF;
        rt_metrics_db_state(-1, RT_METRICS_DB_DOWN);
        c->backoff_ms = PG_BACKOFF_MIN_MS;
        c->timer = evtimer_new(base, conn_on_timer, c);
        if (c->timer == NULL)
            goto err;
    }
    /* Start connecting now; nothing is queued yet, so no callback can run. */
    for (i = 0; i < l->n_conns; i++)
        conn_start(&l->conns[i]);
    return l;
err:
    loop_destroy(l);
    return NULL;
}

static void pg_loop_free(void *loop_state)
{
    struct pg_loop *l = loop_state;
    struct pg_query *q;
    int i;

    if (l == NULL)
        return;
    l->closing = 1; /* from here query() refuses, so the callbacks below cannot add work */
    for (i = 0; i < l->n_conns; i++) {
        struct pg_conn *c = &l->conns[i];
        struct pg_op *ops = c->ops_head;

        c->ops_head = c->ops_tail = NULL;
        rt_metrics_db_in_use(-c->in_flight);
        c->in_flight = 0;
        conn_close(c);
        ops_fail(ops, "database loop closed");
    }
    while ((q = waiting_pop(l)) != NULL)
        query_answer(q, RT_DB_UNAVAILABLE, "database loop closed", NULL);
    loop_destroy(l);
}

static int pg_query(void *loop_state, const struct rt_db_statement *stmt, const char *const *params,
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
    q = malloc(size);
    if (q == NULL)
        return -1;
    q->next = NULL;
    q->stmt = stmt;
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
    loop_kick(l);
    return 0;
}

const struct rt_db_backend rt_db_pg_backend = {
    .name = "postgresql",
    .open = pg_open,
    .close = pg_close,
    .loop_new = pg_loop_new,
    .loop_free = pg_loop_free,
    .query = pg_query,
};

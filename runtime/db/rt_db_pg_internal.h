/*
 * rt_db_pg internals: what the files of the PostgreSQL backend share.
 *
 *   rt_db_pg.c           open() (connect, migrate: blocking, before the loops), close()
 *   rt_db_pg_loop.c      a loop's pool: the queue of waiting statements, the dispatcher,
 *                        loop_new(), loop_free(), query()
 *   rt_db_pg_conn.c      one connection's lifecycle: BACKOFF -> CONNECTING -> READY, lost
 *   rt_db_pg_pipeline.c  statements on a READY connection: send, match results, answer
 *
 * See rt_db_pg.c for the design (state machine, one Sync per statement).
 * Nothing outside rt_db_pg*.c (and its unit test) includes this.
 */
#ifndef RT_DB_PG_INTERNAL_H
#define RT_DB_PG_INTERNAL_H

#include "rt_db_internal.h"
#include "rt_metrics.h"

#include <event2/util.h>
#include <libpq-fe.h>

#include <stddef.h>
#include <stdint.h>

#define PG_MAX_IN_FLIGHT 128 /* EXECUTEs sent and not yet answered, per connection */
#define PG_MAX_BATCH 16      /* EXECUTEs under one Sync (one implicit transaction): a connection's batch */
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
    int retry;            /* its batch failed: sent again with a Sync of its own */
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
    struct pg_op *ops_head, *ops_tail;   /* sent, in pipeline order */
    int in_flight;                       /* EXECUTEs among them */
    int batch_open;                      /* EXECUTEs sent since the last Sync (the batch being sent) */
    struct pg_op *done_head, *done_tail; /* EXECUTEs whose results arrived, waiting for their Sync (the
                                            batch's commit) to be answered */
    int batch_failed;                    /* one of them (or a PREPARE among them) failed */
    PGresult *commit_error;              /* what the server said instead of the Sync: the commit failed */
    uint64_t last_progress_ns;           /* when an op last completed, to break ties between connections */
    const char **prepared;               /* statement names prepared (or being prepared) on pg */
    size_t n_prepared, cap_prepared;
    char prepare_error[256];          /* the last failed PREPARE's message, for the EXECUTE it aborted */
    enum rt_db_status prepare_status; /* and its status (RT_DB_UNAVAILABLE if it was cancelled) */
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

/* --- rt_db_pg.c --- */

/* Copy a libpq or server message into @buf (of @size > 0) as one line; @return buf. */
char *rt_db_pg_one_line(const char *msg, char *buf, size_t size);

/* libpq's notice processor: notices go to our log (debug), not to stderr. */
void rt_db_pg_on_notice(void *arg, const char *message);

/* --- rt_db_pg_loop.c --- */

/* The backend's loop_new, loop_free and query (struct rt_db_backend). */
void *rt_db_pg_loop_new(struct rt_db *db, struct event_base *base);
void rt_db_pg_loop_free(void *loop_state);
int rt_db_pg_query(void *loop_state, const struct rt_db_statement *stmt, const char *const *params,
                   rt_db_callback cb, void *arg);

/* Put @q back at the front of @l's waiting queue (it found no connection after all). */
void rt_db_pg_waiting_push_front(struct pg_loop *l, struct pg_query *q);

/* Ask for a dispatch on the next loop iteration (never now: we may be inside query()). */
void rt_db_pg_loop_kick(struct pg_loop *l);

/* --- rt_db_pg_conn.c --- */

/* Set up connection @index of @l, in BACKOFF; 0, or -1 if out of memory (then call rt_db_pg_conn_cleanup). */
int rt_db_pg_conn_init(struct pg_conn *c, struct pg_loop *l, int index);

/* Close @c and free what it holds (its ops have been answered); for a zeroed @c too. */
void rt_db_pg_conn_cleanup(struct pg_conn *c);

/* BACKOFF -> CONNECTING: start an attempt. */
void rt_db_pg_conn_start(struct pg_conn *c);

/* Drop the PGconn and its events; the op list must already be detached (or empty). */
void rt_db_pg_conn_close(struct pg_conn *c);

/* A READY connection went away: answer what is in flight RT_DB_UNAVAILABLE, reconnect after a backoff. */
void rt_db_pg_conn_lost(struct pg_conn *c, const char *why);

/* Make c->io wait for @what on the connection's socket; 0, or -1. */
int rt_db_pg_conn_watch(struct pg_conn *c, short what);

/* --- rt_db_pg_answer.c --- */

/* Call @q's callback with @status (and @res's rows if RT_DB_OK), then free @q. */
void rt_db_pg_query_answer(struct pg_query *q, enum rt_db_status status, const char *error,
                           const PGresult *res);

/*
 * A failed statement's (or PREPARE's) status from its result @res on @pg:
 * RT_DB_UNIQUE_VIOLATION, RT_DB_UNAVAILABLE (a lost connection, or a
 * transient refusal that may be retried) or RT_DB_ERROR; its primary
 * message into @msg (of @size > 0).
 */
enum rt_db_status rt_db_pg_classify_error(const PGresult *res, PGconn *pg, char *msg, size_t size);

/* Answer the EXECUTE of @q, sent on @c, with its result @res (NULL if none came), then free @q. */
void rt_db_pg_execute_answer(struct pg_conn *c, struct pg_query *q, const PGresult *res);

/* --- rt_db_pg_pipeline.c --- */

/* Free a detached list of ops, answering each EXECUTE with RT_DB_UNAVAILABLE and @msg. */
void rt_db_pg_ops_fail(struct pg_op *op, const char *msg);

/*
 * Send @q on READY @c: [Parse], Bind/Execute, and a Sync if @q goes alone or
 * the batch is full; 0, or -1 if @c was lost.  The caller ends the batch
 * (rt_db_pg_conn_end_batch) and flushes.
 */
int rt_db_pg_conn_send(struct pg_conn *c, struct pg_query *q);

/* Close the batch being sent on @c with a Sync (if it has statements); 0, or -1 if @c was lost. */
int rt_db_pg_conn_end_batch(struct pg_conn *c);

/* Detach everything sent on @c and not answered (in_flight and the batch state reset); the caller fails it.
 */
struct pg_op *rt_db_pg_conn_detach_ops(struct pg_conn *c);

/* Push what libpq has buffered towards the server; 0, or -1 if @c was lost. */
int rt_db_pg_conn_flush(struct pg_conn *c);

/* Hand out every complete result libpq has parsed (the callbacks run from here). */
void rt_db_pg_conn_drain(struct pg_conn *c);

/* Socket readiness on a READY connection. */
void rt_db_pg_conn_on_ready_io(struct pg_conn *c, short what);

#endif /* RT_DB_PG_INTERNAL_H */

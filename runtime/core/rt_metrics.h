/*
 * rt_metrics — counters, gauges and histograms for GET /metrics, in
 * Prometheus' text exposition format (version 0.0.4).
 *
 * Recording must cost next to nothing on the request path: no locks, no
 * allocation, no shared cache line written by two threads.  So every
 * thread that records (event-loop workers, task-pool threads, the SQLite
 * thread) gets a shard of its own the first time it records (allocated
 * once, kept for the life of the process so its counts never go back),
 * and only that thread ever writes it, with relaxed atomic loads and
 * stores.  A scrape sums all shards with relaxed loads: each number is
 * exact, though two numbers read a moment apart may disagree by requests
 * that finished in between.
 *
 * Gauges (open connections, statements waiting, ...) are kept as deltas
 * that may be added on one thread and subtracted on another: their sum
 * over the shards is the value.
 *
 * Label values are bounded: operations come from openapi.yaml
 * (rt_metrics_set_operations), statuses from a fixed table, outbound
 * sources from a small table of origins (RT_METRICS_MAX_SOURCES, the
 * last slot taking every origin beyond it).
 *
 * All functions are thread-safe.
 */
#ifndef RT_METRICS_H
#define RT_METRICS_H

#include <stddef.h>
#include <stdint.h>

/** Operations at most (those beyond are counted as "unmatched"). */
#define RT_METRICS_MAX_OPS 64
/** Outbound sources (scheme://host:port) with a label of their own; the last one is "other". */
#define RT_METRICS_MAX_SOURCES 16

/** rt_metrics_request()'s @p op for a request no operation of the spec took (404, 405, protocol errors). */
#define RT_METRICS_OP_UNMATCHED (-2)
/** rt_metrics_request()'s @p op for the documentation pages (/docs, /redoc, /openapi.json, assets). */
#define RT_METRICS_OP_DOCS (-1)

/** How an outbound call ended. */
enum rt_metrics_outcome {
    RT_METRICS_OUTBOUND_OK,         /* a response with a status below 400 */
    RT_METRICS_OUTBOUND_HTTP_ERROR, /* a response with a status of 400 or more */
    RT_METRICS_OUTBOUND_TIMEOUT,    /* no complete response within the deadline */
    RT_METRICS_OUTBOUND_ERROR,      /* no response: refused, TLS, malformed, too large, ... */
    RT_METRICS_OUTBOUND_OUTCOMES
};

/** States of a database connection, for db_pool_connections{state}. */
enum rt_metrics_db_state {
    RT_METRICS_DB_DOWN,       /* not connected; waiting to retry */
    RT_METRICS_DB_CONNECTING, /* connection attempt in progress */
    RT_METRICS_DB_READY,      /* takes statements */
    RT_METRICS_DB_STATES
};

/** How one execution of a background task ended, for tasks_executed_total{outcome}. */
enum rt_metrics_task_outcome {
    RT_METRICS_TASK_DONE,           /* ran to the end and its result was recorded */
    RT_METRICS_TASK_LOST_OWNERSHIP, /* ran, but another instance owned the task by then: result not recorded
                                     */
    RT_METRICS_TASK_INTERRUPTED,    /* cut short by the shutdown */
    RT_METRICS_TASK_UNRECORDED,     /* ran, but the database refused its result until the shutdown */
    RT_METRICS_TASK_OUTCOMES
};

/** Mistakes of the application that the runtime caught, for http_handler_errors_total{kind}. */
enum rt_metrics_handler_error {
    RT_METRICS_SECOND_ANSWER, /* an answer on a request already answered (or not yet handed over): not sent */
    RT_METRICS_NO_ANSWER,     /* no answer within HANDLER_TIMEOUT: the runtime answered 503 */
    RT_METRICS_HANDLER_ERRORS
};

/**
 * Name the operations (snake_case operationIds, enum api__op order) and
 * their methods.  The arrays must have static storage.  Called once, by
 * api_init(), before requests are served; later calls replace the table.
 */
void rt_metrics_set_operations(const char *const *names, const char *const *methods, size_t n);

/**
 * @return the name given to operation @p op by rt_metrics_set_operations(),
 * or NULL for RT_METRICS_OP_UNMATCHED, RT_METRICS_OP_DOCS or an unknown op.
 */
const char *rt_metrics_operation_name(int op);

/* --- recording: each one a few relaxed loads and stores on the caller's shard --- */

/**
 * A request was answered: @p op (index in the operation table, or
 * RT_METRICS_OP_UNMATCHED / RT_METRICS_OP_DOCS), HTTP @p status, and
 * @p ns from its first byte to its answer.
 */
void rt_metrics_request(int op, int status, uint64_t ns);

/** The application made mistake @p kind (see rt_req_reply()); it is counted, and logged by the caller. */
void rt_metrics_handler_error(enum rt_metrics_handler_error kind);

/** An HTTP connection was accepted. */
void rt_metrics_conn_opened(void);

/** An HTTP connection was closed. */
void rt_metrics_conn_closed(void);

/** A database connection left state @p from (-1: it is new) for @p to (-1: it is gone). */
void rt_metrics_db_state(int from, int to);

/** Statements waiting for a database connection changed by @p delta. */
void rt_metrics_db_waiting(int delta);

/** Statements running on (in use of) database connections changed by @p delta. */
void rt_metrics_db_in_use(int delta);

/** A statement got a database connection after waiting @p ns. */
void rt_metrics_db_acquired(uint64_t ns);

/** A statement gave up waiting for a database connection. */
void rt_metrics_db_acquire_timeout(void);

/**
 * @return the slot of outbound source @p name ("https://host:port") for
 * rt_metrics_outbound(): the same name always gets the same slot.  Takes
 * a lock: call it when an origin is set up, not per call.
 */
int rt_metrics_source(const char *name);

/** An outbound call to @p source (from rt_metrics_source) ended with @p outcome after @p ns. */
void rt_metrics_outbound(int source, enum rt_metrics_outcome outcome, uint64_t ns);

/** Tasks waiting in the queue (reserved places included) are now @p n. */
void rt_metrics_tasks_queued(size_t n);

/** An execution of a background task started (tasks_running counts those not yet ended). */
void rt_metrics_task_started(void);

/**
 * An execution of a background task ended with @p outcome after running
 * @p ns: counted in tasks_executed_total{outcome} and task_duration_seconds.
 * Only executions of tasks are recorded, never the pool's housekeeping.
 */
void rt_metrics_task_executed(enum rt_metrics_task_outcome outcome, uint64_t ns);

/* --- exposition --- */

/**
 * Render every metric in Prometheus' text format 0.0.4.
 * @return the text (malloc'd, NUL-terminated; the caller frees it), its
 *         length in @p *len; never NULL (out of memory aborts).
 */
char *rt_metrics_render(size_t *len);

#endif /* RT_METRICS_H */

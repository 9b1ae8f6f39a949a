/*
 * rt_pool — a bounded pool of threads for CPU-heavy work, off the event
 * loops that serve requests.
 *
 * Jobs wait in one FIFO of bounded capacity; each pool thread takes the
 * next one and runs it.  A request handler reserves a place first
 * (rt_pool_reserve), records the work durably, then hands it over
 * (rt_pool_submit_reserved), so a full pool can be answered with 503
 * before anything is recorded.
 *
 * Each pool thread has its own private event loop and database handle
 * (struct rt_db_loop), so a job can record its progress with
 * rt_pool_query(), which waits for the statement on the pool thread only
 * and never touches a request loop.  A pool thread runs its loop while it
 * waits for work too (never a bare condition variable), so its database
 * connections advance while idle: answers and keepalives are read, and a
 * dropped connection is noticed and reconnected without waiting for a job.
 *
 * Stopping is graceful and bounded: rt_pool_stop() stops starting jobs,
 * lets running ones finish until a deadline, then asks them to give up
 * (rt_pool_cancelled() turns true; long jobs check it regularly) and joins
 * the threads.  Jobs still queued are freed unrun.
 *
 * All functions are thread-safe unless noted.
 */
#ifndef RT_POOL_H
#define RT_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "rt_db.h"

struct rt_pool;
struct rt_pool_thread;

/** A job: runs on a pool thread. */
typedef void (*rt_pool_job_fn)(struct rt_pool_thread *thread, void *arg);

struct rt_pool_settings {
    int threads;        /* pool threads (>= 1) */
    int queue_capacity; /* jobs waiting at most (reserved places included) */
    struct rt_db *db;   /* each thread attaches its own rt_db_loop to it; may be NULL */
    bool report_queue;  /* report the queue's depth as /metrics' tasks_queue_depth (one pool per process) */
};

/**
 * Start the pool's threads.  @p settings is copied; @p settings->db must
 * outlive the pool.  evthread_use_pthreads() must have been called before
 * (database answers wake a pool thread's loop from another thread).  The
 * threads block every asynchronous signal (those are the main thread's);
 * rt_db_loop_current() is NULL on them: use rt_pool_query().
 * @return the pool, once every thread has set up its loop and database
 *         handle; or NULL with a message in @p err (NULL allowed).
 */
struct rt_pool *rt_pool_new(const struct rt_pool_settings *settings, char *err, size_t errlen);

/**
 * Reserve a place in the queue.
 * @return 0 if a place was reserved, -1 if the queue is full (or the pool
 *         is stopping).
 */
int rt_pool_reserve(struct rt_pool *pool);

/** Give back a reservation that will not be used. */
void rt_pool_release(struct rt_pool *pool);

/**
 * Queue @p fn(@p arg) in a place reserved before; never fails.  Once
 * @p fn runs it owns @p arg.  If the job is never run (the pool stopped
 * first), @p free_arg(@p arg) is called instead (if not NULL), on the
 * thread that stops the pool; or at once, on the calling thread, if the
 * pool was already stopping.
 */
void rt_pool_submit_reserved(struct rt_pool *pool, rt_pool_job_fn fn, void *arg, void (*free_arg)(void *arg));

/**
 * Queue @p fn(@p arg) whether or not the queue is full (for work taken up
 * again at start-up, which was accepted before).  @p free_arg as above.
 * @return 0, or -1 if the pool is stopping (then @p free_arg(@p arg) has been called).
 */
int rt_pool_submit_always(struct rt_pool *pool, rt_pool_job_fn fn, void *arg, void (*free_arg)(void *arg));

/** @return the number of jobs waiting (reservations included). */
size_t rt_pool_queued(const struct rt_pool *pool);

/** @return the number of jobs running now. */
size_t rt_pool_running(const struct rt_pool *pool);

/**
 * On a pool thread, inside a job: run @p stmt (see rt_db_query()) and
 * wait, on this pool thread only, until @p cb has been called (on this
 * thread; a statement is waited for even once the pool is cancelled).
 * @return 0 once @p cb has run; -1 if it could not be submitted (no
 *         database, or rt_db_query() refused it), in which case @p cb is not called.
 */
int rt_pool_query(struct rt_pool_thread *thread, const struct rt_db_statement *stmt,
                  const char *const *params, rt_db_callback cb, void *arg);

/**
 * On a pool thread, inside a job: @return the thread's own database handle
 * (NULL without a database), for statements the job does not wait for:
 * their callbacks run later on this thread, while it runs its loop (in
 * rt_pool_query(), rt_pool_wait(), or idle between jobs).
 */
struct rt_db_loop *rt_pool_db_loop(struct rt_pool_thread *thread);

/**
 * On a pool thread, inside a job: run the thread's event loop for about
 * @p ms milliseconds, or until the pool is stopping (for a long-lived job
 * that does something periodically, and stops with the pool).
 * @return true if the pool is stopping (the job should return soon).
 */
bool rt_pool_wait(struct rt_pool_thread *thread, int ms);

/** On a pool thread: @return true once the pool's deadline has passed and running jobs should give up. */
bool rt_pool_cancelled(const struct rt_pool_thread *thread);

/** On a pool thread: @return its index, 0 .. threads - 1. */
int rt_pool_thread_index(const struct rt_pool_thread *thread);

/**
 * Stop: no job starts from now on; jobs running get until @p deadline_ms
 * to finish, then rt_pool_cancelled() turns true for them; the threads are
 * joined.  A job that never checks rt_pool_cancelled() keeps this call
 * waiting (in the join) until it returns.  Jobs never started are freed
 * (free_arg).  Not from a pool thread.  Calling it twice is fine.
 * @return the number of jobs that were still running at the deadline.
 */
size_t rt_pool_stop(struct rt_pool *pool, int deadline_ms);

/**
 * Stop (with no grace period: rt_pool_stop(pool, 0)) if needed, and free
 * the pool; NULL is fine.  No other call on @p pool may be under way or
 * follow (reservations still held are simply forgotten).
 */
void rt_pool_free(struct rt_pool *pool);

#endif /* RT_POOL_H */

/*
 * rt_pool — a bounded pool of threads for CPU-heavy work (see rt_pool.h).
 *
 * One mutex guards the pool's state; a condition variable goes with it:
 *
 *   changed  rt_pool_new() waits on it for the threads to report that they
 *            are set up, rt_pool_stop() for the running jobs to finish.
 *
 * An idle pool thread does not wait on a condition variable: it runs its
 * event loop (EVLOOP_ONCE), so that its database connections advance while
 * no job runs (PostgreSQL's keepalives and answers, a dropped connection
 * noticed and reconnected at once, not at the next job).  Each thread has
 * a "wake" event, never added, that rt_pool's submit (for one idle
 * thread) and rt_pool_stop() (for all) make active with event_active(),
 * which is thread-safe on a base made after evthread_use_pthreads(); the
 * loop then returns and the thread looks at the queue again.  An event
 * made active before the thread enters its loop is not lost: the loop
 * runs it at once.
 *
 * The queue is a singly linked FIFO of struct job.  Its capacity counts
 * reserved places as well as queued jobs, so a reservation guarantees that
 * rt_pool_submit_reserved() never fails.  The counters that
 * rt_pool_queued() and rt_pool_running() report are atomics, written under
 * the mutex and read without it (those two take a const pool).
 *
 * Each pool thread makes, and later frees, its own event_base and (with a
 * database) its own rt_db_loop: rt_pool_loop.c, which also holds what a
 * thread does on its loop (waiting for work, rt_pool_query, rt_pool_wait).
 * Answers come from other threads (the SQLite thread's event_active()), so
 * evthread_use_pthreads() must have been called before rt_pool_new().
 *
 * Stopping: "stopping" (under the mutex) stops jobs from starting and
 * wakes every thread's loop (idle threads exit, rt_pool_wait() returns);
 * the stopper waits on "changed" with a deadline (CLOCK_MONOTONIC) for the
 * running count to reach 0, then sets
 * "cancelled" (an atomic that running jobs poll through
 * rt_pool_cancelled()), joins the threads, and frees the jobs that never
 * ran.  A job that never looks at rt_pool_cancelled() keeps the join, and
 * so rt_pool_stop(), waiting until it returns.
 */
#include "rt_pool.h"
#include "rt_err.h"
#include "rt_pool_internal.h"

#include "rt_log.h"
#include "rt_mem.h"
#include "rt_metrics.h"

#include <event2/event.h>

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_THREADS 1024

/* Keep the counter that rt_pool_queued() reads (and the metric) in step; call with mu held. */
static void update_queued(struct rt_pool *pool)
{
    atomic_store(&pool->queued, pool->jobs + pool->reserved);
    if (pool->settings.report_queue)
        rt_metrics_tasks_queued(pool->jobs + pool->reserved);
}

/* Wake one idle thread (if any) to take a job; call with mu held. */
static void wake_one(struct rt_pool *pool)
{
    int i;

    for (i = 0; i < pool->n_threads; i++) {
        struct rt_pool_thread *th = &pool->threads[i];

        if (th->idle && th->wake != NULL) {
            th->idle = false; /* the next job wakes another one */
            event_active(th->wake, EV_READ, 0);
            return;
        }
    }
}

/* Wake every thread's loop (stopping); call with mu held. */
static void wake_all(struct rt_pool *pool)
{
    int i;

    for (i = 0; i < pool->n_threads; i++)
        if (pool->threads[i].setup == SETUP_OK && pool->threads[i].wake != NULL)
            event_active(pool->threads[i].wake, EV_READ, 0);
}

/* Append @job to the FIFO; call with mu held. */
static void push_job(struct rt_pool *pool, struct job *job)
{
    job->next = NULL;
    if (pool->tail != NULL)
        pool->tail->next = job;
    else
        pool->head = job;
    pool->tail = job;
    pool->jobs++;
    update_queued(pool);
    wake_one(pool);
}

/* Take the first job of the FIFO (which must not be empty); call with mu held. */
static struct job *pop_job(struct rt_pool *pool)
{
    struct job *job = pool->head;

    assert(job != NULL);
    pool->head = job->next;
    if (pool->head == NULL)
        pool->tail = NULL;
    pool->jobs--;
    update_queued(pool);
    job->next = NULL;
    return job;
}

/* Free a job that never ran, and its argument through its free_arg. */
static void discard_job(struct job *job)
{
    if (job->free_arg != NULL)
        job->free_arg(job->arg);
    free(job);
}

/*
 * Run jobs until the pool stops, running the thread's event loop while
 * there is none.  A job's fn owns its arg and frees it; the job record
 * itself is freed here.
 */
static void run_jobs(struct rt_pool_thread *th)
{
    struct rt_pool *pool = th->pool;
    struct job *job;
    rt_pool_job_fn fn;
    void *arg;

    pthread_mutex_lock(&pool->mu);
    for (;;) {
        if (pool->stopping)
            break;
        if (pool->head == NULL) {
            rt_pool_loop_idle(th);
            continue;
        }
        job = pop_job(pool);
        atomic_fetch_add(&pool->running, 1);
        pthread_mutex_unlock(&pool->mu);

        fn = job->fn;
        arg = job->arg;
        free(job);
        fn(th, arg);

        pthread_mutex_lock(&pool->mu);
        atomic_fetch_sub(&pool->running, 1);
        pthread_cond_broadcast(&pool->changed);
    }
    pthread_mutex_unlock(&pool->mu);
}

static void *thread_main(void *arg)
{
    struct rt_pool_thread *th = arg;
    struct rt_pool *pool = th->pool;
    char name[16];
    int rc;

    th->self = pthread_self();
    snprintf(name, sizeof(name), "pool%d", th->index);
    rt_log_set_thread_name(name);
    rc = rt_pool_loop_setup(th);

    pthread_mutex_lock(&pool->mu);
    th->setup = rc == 0 ? SETUP_OK : SETUP_FAILED;
    pthread_cond_broadcast(&pool->changed);
    pthread_mutex_unlock(&pool->mu);

    if (rc == 0)
        run_jobs(th);
    rt_pool_loop_teardown(th);
    return NULL;
}

/*
 * Start the threads with every asynchronous signal blocked (they are the
 * main thread's business), and wait until each has set itself up.
 * @return 0, or -1 with a message in @err (threads already started are
 * left for rt_pool_stop() to join).
 */
static int start_threads(struct rt_pool *pool, char *err, size_t errlen)
{
    sigset_t all, old;
    int i, rc, failed = 0, started = 0;

    sigfillset(&all);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGFPE);
    sigdelset(&all, SIGILL);
    sigdelset(&all, SIGABRT);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    for (i = 0; i < pool->n_threads; i++) {
        rc = pthread_create(&pool->threads[i].thread, NULL, thread_main, &pool->threads[i]);
        if (rc != 0) {
            rt_err_set(err, errlen, "cannot start pool thread %d: %s", i, strerror(rc));
            break;
        }
        pool->threads[i].started = true;
        started++;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (started < pool->n_threads)
        return -1;

    pthread_mutex_lock(&pool->mu);
    for (i = 0; i < pool->n_threads; i++) {
        while (pool->threads[i].setup == SETUP_PENDING)
            pthread_cond_wait(&pool->changed, &pool->mu);
        if (pool->threads[i].setup == SETUP_FAILED)
            failed++;
    }
    pthread_mutex_unlock(&pool->mu);
    if (failed > 0) {
        rt_err_set(err, errlen, "%d pool thread(s) could not set up their event loop or database", failed);
        return -1;
    }
    return 0;
}

struct rt_pool *rt_pool_new(const struct rt_pool_settings *settings, char *err, size_t errlen)
{
    struct rt_pool *pool;
    pthread_condattr_t attr;
    bool attr_ok = false, mu_ok = false, stop_mu_ok = false, changed_ok = false;
    int i;

    if (settings == NULL || settings->threads < 1 || settings->threads > MAX_THREADS) {
        rt_err_set(err, errlen, "pool threads must be between 1 and %d", MAX_THREADS);
        return NULL;
    }
    if (settings->queue_capacity < 0) {
        rt_err_set(err, errlen, "pool queue capacity must not be negative");
        return NULL;
    }
    pool = rt_xcalloc(1, sizeof(*pool));
    pool->settings = *settings;
    pool->n_threads = settings->threads;
    atomic_init(&pool->queued, 0);
    atomic_init(&pool->running, 0);
    atomic_init(&pool->cancelled, false);
    pool->threads = rt_xcalloc((size_t)pool->n_threads, sizeof(*pool->threads));
    for (i = 0; i < pool->n_threads; i++) {
        pool->threads[i].pool = pool;
        pool->threads[i].index = i;
    }

    if (pthread_condattr_init(&attr) != 0)
        goto nomem;
    attr_ok = true;
    /* rt_pool_stop() waits against the monotonic clock. */
    if (pthread_condattr_setclock(&attr, CLOCK_MONOTONIC) != 0) {
        rt_err_set(err, errlen, "cannot use the monotonic clock for the pool");
        goto err;
    }
    mu_ok = pthread_mutex_init(&pool->mu, NULL) == 0;
    stop_mu_ok = mu_ok && pthread_mutex_init(&pool->stop_mu, NULL) == 0;
    changed_ok = stop_mu_ok && pthread_cond_init(&pool->changed, &attr) == 0;
    pthread_condattr_destroy(&attr);
    attr_ok = false;
    if (!changed_ok)
        goto nomem;

    if (start_threads(pool, err, errlen) != 0) {
        rt_pool_free(pool); /* stops and joins the threads started */
        return NULL;
    }
    return pool;

nomem:
    rt_err_set(err, errlen, "out of memory");
err:
    if (attr_ok)
        pthread_condattr_destroy(&attr);
    if (changed_ok)
        pthread_cond_destroy(&pool->changed);
    if (stop_mu_ok)
        pthread_mutex_destroy(&pool->stop_mu);
    if (mu_ok)
        pthread_mutex_destroy(&pool->mu);
    free(pool->threads);
    free(pool);
    return NULL;
}

int rt_pool_reserve(struct rt_pool *pool)
{
    int rc = -1;

    pthread_mutex_lock(&pool->mu);
    if (!pool->stopping && pool->jobs + pool->reserved < (size_t)pool->settings.queue_capacity) {
        pool->reserved++;
        update_queued(pool);
        rc = 0;
    }
    pthread_mutex_unlock(&pool->mu);
    return rc;
}

void rt_pool_release(struct rt_pool *pool)
{
    pthread_mutex_lock(&pool->mu);
    assert(pool->reserved > 0);
    if (pool->reserved > 0)
        pool->reserved--;
    update_queued(pool);
    pthread_mutex_unlock(&pool->mu);
}

/*
 * Queue a job built from @fn, @arg, @free_arg, taking a reservation back
 * first if @reserved.  If the pool is stopping, free_arg(arg) is called
 * here instead.
 * @return 0 if queued, -1 if not.
 */
static int submit(struct rt_pool *pool, bool reserved, rt_pool_job_fn fn, void *arg,
                  void (*free_arg)(void *arg))
{
    struct job *job = rt_xmalloc(sizeof(*job));
    bool queued = false;

    job->fn = fn;
    job->arg = arg;
    job->free_arg = free_arg;
    job->next = NULL;
    pthread_mutex_lock(&pool->mu);
    if (reserved) {
        assert(pool->reserved > 0);
        if (pool->reserved > 0)
            pool->reserved--;
        update_queued(pool);
    }
    if (!pool->stopping) {
        push_job(pool, job);
        queued = true;
    }
    pthread_mutex_unlock(&pool->mu);
    if (queued)
        return 0;

    if (free_arg != NULL)
        free_arg(arg);
    free(job);
    return -1;
}

void rt_pool_submit_reserved(struct rt_pool *pool, rt_pool_job_fn fn, void *arg, void (*free_arg)(void *arg))
{
    (void)submit(pool, true, fn, arg, free_arg);
}

int rt_pool_submit_always(struct rt_pool *pool, rt_pool_job_fn fn, void *arg, void (*free_arg)(void *arg))
{
    return submit(pool, false, fn, arg, free_arg);
}

size_t rt_pool_queued(const struct rt_pool *pool)
{
    return atomic_load(&pool->queued);
}

size_t rt_pool_running(const struct rt_pool *pool)
{
    return atomic_load(&pool->running);
}

/* @return the monotonic time @ms milliseconds from now. */
static struct timespec deadline_after(int ms)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    ts.tv_sec += ms / 1000;
    ts.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    return ts;
}

size_t rt_pool_stop(struct rt_pool *pool, int deadline_ms)
{
    struct timespec deadline = deadline_after(deadline_ms > 0 ? deadline_ms : 0);
    struct job *unrun = NULL, *job;
    size_t late;
    int i;

    pthread_mutex_lock(&pool->stop_mu);

    pthread_mutex_lock(&pool->mu);
    pool->stopping = true;
    wake_all(pool);
    while (atomic_load(&pool->running) > 0 && deadline_ms > 0) {
        if (pthread_cond_timedwait(&pool->changed, &pool->mu, &deadline) == ETIMEDOUT)
            break;
    }
    late = atomic_load(&pool->running);
    atomic_store(&pool->cancelled, true);
    pthread_mutex_unlock(&pool->mu);
    if (late > 0)
        rt_log_warning("pool: %zu job(s) still running at the deadline: cancelling them", late);

    if (!pool->joined) {
        /* A job that never checks rt_pool_cancelled() holds this up until it returns. */
        for (i = 0; i < pool->n_threads; i++) {
            if (pool->threads[i].started)
                pthread_join(pool->threads[i].thread, NULL);
            pool->threads[i].started = false;
        }
        pool->joined = true;
    }

    pthread_mutex_lock(&pool->mu);
    unrun = pool->head;
    pool->head = pool->tail = NULL;
    pool->jobs = 0;
    update_queued(pool);
    pthread_mutex_unlock(&pool->mu);

    pthread_mutex_unlock(&pool->stop_mu);

    while (unrun != NULL) {
        job = unrun;
        unrun = job->next;
        discard_job(job);
    }
    return late;
}

void rt_pool_free(struct rt_pool *pool)
{
    if (pool == NULL)
        return;
    rt_pool_stop(pool, 0);
    pthread_cond_destroy(&pool->changed);
    pthread_mutex_destroy(&pool->stop_mu);
    pthread_mutex_destroy(&pool->mu);
    free(pool->threads);
    free(pool);
}

/*
 * rt_pool_loop — a pool thread's own event loop (see rt_pool.h and
 * rt_pool.c): made and freed on the thread; run while the thread waits
 * for work (rt_pool_loop_idle), while a job waits for a statement
 * (rt_pool_query) or for time to pass (rt_pool_wait).
 *
 * The loop holds one persistent hour-long timer ("keepalive"), so that
 * event_base_loop(EVLOOP_ONCE) sleeps until an event wakes it instead of
 * returning at once for lack of events, and a "wake" event, never added,
 * that other threads make active (event_active() is thread-safe on a base
 * made after evthread_use_pthreads()) when there is work or the pool
 * stops.
 */
#include "rt_log.h"
#include "rt_pool.h"
#include "rt_pool_internal.h"

#include <event2/event.h>

#include <assert.h>
#include <pthread.h>
#include <time.h>

static void on_keepalive(evutil_socket_t fd, short what, void *arg)
{
}

/* Nothing to do: being run makes event_base_loop(EVLOOP_ONCE) return, and the thread looks again. */
static void on_wake(evutil_socket_t fd, short what, void *arg)
{
}

/*
 * Make the thread's event_base, keepalive timer, wake-up event and rt_db_loop, on the
 * thread itself.  @return 0, or -1 (with what was made left for
 * rt_pool_loop_teardown()).
 */
int rt_pool_loop_setup(struct rt_pool_thread *th)
{
    struct timeval hour = {3600, 0};

    th->base = event_base_new();
    if (th->base == NULL) {
        rt_log_error("pool thread %d: cannot create an event loop", th->index);
        return -1;
    }
    th->keepalive = event_new(th->base, -1, EV_PERSIST, on_keepalive, NULL);
    if (th->keepalive == NULL || event_add(th->keepalive, &hour) != 0) {
        rt_log_error("pool thread %d: cannot create the loop's timer", th->index);
        return -1;
    }
    th->wake = event_new(th->base, -1, 0, on_wake, NULL);
    if (th->wake == NULL) {
        rt_log_error("pool thread %d: cannot create the loop's wake-up event", th->index);
        return -1;
    }
    if (th->pool->settings.db != NULL) {
        th->db_loop = rt_db_loop_new(th->pool->settings.db, th->base);
        if (th->db_loop == NULL) {
            rt_log_error("pool thread %d: cannot attach the database", th->index);
            return -1;
        }
    }
    return 0;
}

/* Free what rt_pool_loop_setup() made, on the thread; the database handle first, while the loop exists. */
void rt_pool_loop_teardown(struct rt_pool_thread *th)
{
    rt_db_loop_free(th->db_loop);
    th->db_loop = NULL;
    if (th->keepalive != NULL)
        event_free(th->keepalive);
    th->keepalive = NULL;
    pthread_mutex_lock(&th->pool->mu); /* others look at wake under mu */
    if (th->wake != NULL)
        event_free(th->wake);
    th->wake = NULL;
    pthread_mutex_unlock(&th->pool->mu);
    if (th->base != NULL)
        event_base_free(th->base);
    th->base = NULL;
}

/*
 * Run the thread's loop once: until an event (the wake-up, a database
 * answer or connection event, a timer) has run.  Call with mu held; it is
 * held again on return.
 */
void rt_pool_loop_idle(struct rt_pool_thread *th)
{
    struct rt_pool *pool = th->pool;
    struct timespec pause = {0, 1000000};

    th->idle = true;
    pthread_mutex_unlock(&pool->mu);
    if (event_base_loop(th->base, EVLOOP_ONCE) < 0) {
        rt_log_error("pool thread %d: event loop failed while idle", th->index);
        nanosleep(&pause, NULL);
    }
    pthread_mutex_lock(&pool->mu);
    th->idle = false;
}

/* What rt_pool_query() waits for. */
struct query_wait {
    rt_db_callback cb;
    void *arg;
    bool done;
};

static void on_query_done(const struct rt_db_result *result, void *arg)
{
    struct query_wait *w = arg;

    w->cb(result, w->arg);
    w->done = true;
}

int rt_pool_query(struct rt_pool_thread *thread, const struct rt_db_statement *stmt,
                  const char *const *params, rt_db_callback cb, void *arg)
{
    struct query_wait w = {cb, arg, false};
    struct timespec pause = {0, 1000000};
    int rc;

    assert(pthread_equal(pthread_self(), thread->self));
    if (thread->db_loop == NULL)
        return -1;
    if (rt_db_query(thread->db_loop, stmt, params, on_query_done, &w) != 0)
        return -1;
    /*
     * The callback is certain to come (rt_db answers every statement), and
     * it points at @w on this stack: so wait for it whatever happens.
     */
    while (!w.done) {
        rc = event_base_loop(thread->base, EVLOOP_ONCE);
        if (rc < 0 && !w.done) {
            rt_log_error("pool thread %d: event loop failed; waiting for the database", thread->index);
            nanosleep(&pause, NULL);
        }
    }
    return 0;
}

struct rt_db_loop *rt_pool_db_loop(struct rt_pool_thread *thread)
{
    assert(pthread_equal(pthread_self(), thread->self));
    return thread->db_loop;
}

static void on_wait_over(evutil_socket_t fd, short what, void *arg)
{
    *(bool *)arg = true;
}

bool rt_pool_wait(struct rt_pool_thread *thread, int ms)
{
    struct rt_pool *pool = thread->pool;
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    struct timespec pause = {0, 1000000};
    struct event *timer;
    bool over = false, stopping;

    assert(pthread_equal(pthread_self(), thread->self));
    timer = evtimer_new(thread->base, on_wait_over, &over);
    if (timer == NULL || evtimer_add(timer, &tv) != 0) {
        rt_log_error("pool thread %d: cannot set a timer; waiting without the loop", thread->index);
        over = true;
    }
    for (;;) {
        pthread_mutex_lock(&pool->mu);
        stopping = pool->stopping;
        pthread_mutex_unlock(&pool->mu);
        if (stopping || over)
            break;
        if (event_base_loop(thread->base, EVLOOP_ONCE) < 0)
            nanosleep(&pause, NULL);
    }
    if (timer != NULL)
        event_free(timer);
    return stopping;
}

bool rt_pool_cancelled(const struct rt_pool_thread *thread)
{
    return atomic_load(&thread->pool->cancelled);
}

int rt_pool_thread_index(const struct rt_pool_thread *thread)
{
    return thread->index;
}

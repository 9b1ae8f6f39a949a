/*
 * rt_pool while idle: a pool thread runs its event loop between jobs, so
 * a database answer for a statement a job did not wait for is processed
 * while no job runs (with a condition variable instead of the loop, it
 * would wait for the next job); jobs submitted to idle threads are woken
 * at once; rt_pool_wait() sleeps on the loop for its time, and ends early
 * when the pool stops.
 */
#include "test.h"

#include "rt_db.h"
#include "rt_log.h"
#include "rt_pool.h"
#include "rt_time.h"

#include <event2/event.h>
#include <event2/thread.h>

#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Wait up to @timeout_ms for *@flag to reach @want. @return true if it did. */
static bool wait_for(atomic_int *flag, int want, int timeout_ms)
{
    double end = rt_time_mono_seconds() + timeout_ms / 1000.0;

    while (atomic_load(flag) < want) {
        if (rt_time_mono_seconds() > end)
            return false;
        sleep_ms(2);
    }
    return true;
}

static const struct rt_db_migration migrations[] = {
    {1, "items", "CREATE TABLE items (id integer primary key, name text not null);", "unused", 0},
};
static const struct rt_db_schema schema = {"items", migrations, 1};
static const struct rt_db_statement count_items = {"idle_count_items", "SELECT count(*) FROM items", 0};

/* What the answer's callback saw. */
struct idle_probe {
    struct rt_pool *pool;
    pthread_t job_thread; /* the thread the job ran on */
    atomic_int submitted; /* the job submitted its statement (and returned right after) */
    atomic_int answered;  /* the callback ran */
    bool ok, on_job_thread, no_job_running;
};

static void on_count(const struct rt_db_result *r, void *arg)
{
    struct idle_probe *p = arg;

    p->ok = rt_db_result_status(r) == RT_DB_OK && rt_db_result_rows(r) == 1;
    p->on_job_thread = pthread_equal(pthread_self(), p->job_thread) != 0;
    p->no_job_running = rt_pool_running(p->pool) == 0;
    atomic_store(&p->answered, 1);
}

/* Submit a statement and return without waiting for it: only the idle thread's loop can answer it. */
static void fire_and_forget(struct rt_pool_thread *thread, void *arg)
{
    struct idle_probe *p = arg;

    p->job_thread = pthread_self();
    CHECK(rt_db_query(rt_pool_db_loop(thread), &count_items, NULL, on_count, p) == 0);
    atomic_store(&p->submitted, 1);
}

static void test_idle_thread_processes_answers(void)
{
    struct rt_db_settings dbs = {.url = "sqlite::memory:",
                                 .pool_size = 1,
                                 .acquire_timeout_ms = 2000,
                                 .connect_timeout_ms = 2000,
                                 .schemas = &schema,
                                 .n_schemas = 1};
    struct rt_pool_settings s = {1, 4, NULL, false};
    struct idle_probe probe;
    struct rt_db *db;
    char err[256] = "";

    memset(&probe, 0, sizeof(probe));
    db = rt_db_open(&dbs, err, sizeof(err));
    CHECK(db != NULL);
    if (db == NULL) {
        printf("# %s\n", err);
        return;
    }
    s.db = db;
    probe.pool = rt_pool_new(&s, err, sizeof(err));
    CHECK(probe.pool != NULL);
    if (probe.pool == NULL)
        goto out;
    CHECK(rt_pool_submit_always(probe.pool, fire_and_forget, &probe, NULL) == 0);
    CHECK(wait_for(&probe.submitted, 1, 5000));
    /* No other job comes: the answer is processed by the idle thread's loop, or never. */
    CHECK(wait_for(&probe.answered, 1, 5000));
    CHECK(probe.ok);
    CHECK(probe.on_job_thread);
    CHECK(probe.no_job_running);
    CHECK(rt_pool_stop(probe.pool, 1000) == 0);
out:
    rt_pool_free(probe.pool);
    rt_db_close(db);
}

struct ran {
    atomic_int n;
};

static void count_job(struct rt_pool_thread *thread, void *arg)
{
    struct ran *r = arg;

    (void)thread;
    atomic_fetch_add(&r->n, 1);
}

/* Idle threads are woken by each submit at once, one job at a time and in bursts. */
static void test_idle_threads_wake_for_work(void)
{
    struct rt_pool_settings s = {3, 100, NULL, false};
    struct rt_pool *pool = rt_pool_new(&s, NULL, 0);
    struct ran r;
    double start;
    int i, ok = 1;

    CHECK(pool != NULL);
    if (pool == NULL)
        return;
    atomic_init(&r.n, 0);
    start = rt_time_mono_seconds();
    for (i = 0; i < 50; i++) { /* one at a time: each one wakes an idle thread */
        ok &= rt_pool_submit_always(pool, count_job, &r, NULL) == 0;
        ok &= wait_for(&r.n, i + 1, 2000);
    }
    CHECK(ok);
    CHECK(rt_time_mono_seconds() - start < 5.0);
    for (i = 0; i < 300; i++) /* a burst */
        ok &= rt_pool_submit_always(pool, count_job, &r, NULL) == 0;
    CHECK(ok);
    CHECK(wait_for(&r.n, 350, 5000));
    CHECK(rt_pool_queued(pool) == 0);
    rt_pool_free(pool);
}

struct waiter {
    atomic_int short_over, long_over; /* 1: time over, 2: stopping */
    double short_seconds;
};

static void waiting_job(struct rt_pool_thread *thread, void *arg)
{
    struct waiter *w = arg;
    double start = rt_time_mono_seconds();

    atomic_store(&w->short_over, rt_pool_wait(thread, 50) ? 2 : 1);
    w->short_seconds = rt_time_mono_seconds() - start;
    /* An hour: only the stop ends it. */
    atomic_store(&w->long_over, rt_pool_wait(thread, 3600 * 1000) ? 2 : 1);
}

static void test_wait_sleeps_and_stops(void)
{
    struct rt_pool_settings s = {1, 4, NULL, false};
    struct rt_pool *pool = rt_pool_new(&s, NULL, 0);
    struct waiter w;
    double start;

    CHECK(pool != NULL);
    if (pool == NULL)
        return;
    memset(&w, 0, sizeof(w));
    CHECK(rt_pool_submit_always(pool, waiting_job, &w, NULL) == 0);
    CHECK(wait_for(&w.short_over, 1, 5000));
    CHECK(atomic_load(&w.short_over) == 1);
    CHECK(w.short_seconds >= 0.045 && w.short_seconds < 2.0);
    sleep_ms(50);
    CHECK(atomic_load(&w.long_over) == 0);
    start = rt_time_mono_seconds();
    CHECK(rt_pool_stop(pool, 5000) == 0); /* the job returns before the deadline */
    CHECK(rt_time_mono_seconds() - start < 2.0);
    CHECK(atomic_load(&w.long_over) == 2);
    rt_pool_free(pool);
}

int main(void)
{
    evthread_use_pthreads();
    rt_log_set_level(RT_LOG_ERROR);
    test_idle_thread_processes_answers();
    test_idle_threads_wake_for_work();
    test_wait_sleeps_and_stops();
    libevent_global_shutdown();
    return test_done();
}

/*
 * rt_pool: jobs run on the pool's threads, at most N at once; the queue's
 * bound (reservations, release, submit_always past it); rt_pool_query()
 * from jobs against an in-memory SQLite database; stopping with a job that
 * honours cancellation, with one that ignores it, and with jobs still
 * queued (freed unrun); stopping twice; rt_pool_free(NULL).
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
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* --- helpers --- */

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Wait up to @timeout_ms for *@counter to reach @want. @return true if it did. */
static bool wait_for(atomic_int *counter, int want, int timeout_ms)
{
    double end = rt_time_mono_seconds() + timeout_ms / 1000.0;

    while (atomic_load(counter) < want) {
        if (rt_time_mono_seconds() > end)
            return false;
        sleep_ms(2);
    }
    return true;
}

/* Wait up to @timeout_ms for rt_pool_running(@pool) to be @want. */
static bool wait_running(struct rt_pool *pool, size_t want, int timeout_ms)
{
    double end = rt_time_mono_seconds() + timeout_ms / 1000.0;

    while (rt_pool_running(pool) != want) {
        if (rt_time_mono_seconds() > end)
            return false;
        sleep_ms(2);
    }
    return true;
}

/* A gate jobs wait at until the test opens it. */
struct gate {
    pthread_mutex_t mu;
    pthread_cond_t cond;
    bool open;
};

static void gate_init(struct gate *g)
{
    pthread_mutex_init(&g->mu, NULL);
    pthread_cond_init(&g->cond, NULL);
    g->open = false;
}

static void gate_open(struct gate *g)
{
    pthread_mutex_lock(&g->mu);
    g->open = true;
    pthread_cond_broadcast(&g->cond);
    pthread_mutex_unlock(&g->mu);
}

static void gate_pass(struct gate *g)
{
    pthread_mutex_lock(&g->mu);
    while (!g->open)
        pthread_cond_wait(&g->cond, &g->mu);
    pthread_mutex_unlock(&g->mu);
}

static void gate_cleanup(struct gate *g)
{
    pthread_cond_destroy(&g->cond);
    pthread_mutex_destroy(&g->mu);
}

/* Counters the jobs of a test share. */
struct tally {
    atomic_int ran;        /* jobs that ran */
    atomic_int freed;      /* arguments freed unrun */
    atomic_int now;        /* jobs running now */
    atomic_int peak;       /* most jobs seen running at once */
    atomic_int off_caller; /* jobs that ran on a thread other than the test's */
    atomic_int bad_index;  /* jobs whose thread index was out of range */
    int threads;
    pthread_t caller;
    struct gate *gate; /* if set, jobs wait here */
};

/* A job's argument, on the heap: freed by the job, or by free_arg if it never runs. */
struct job_arg {
    struct tally *tally;
    int sleep_ms;
};

static struct job_arg *job_arg_new(struct tally *t, int ms)
{
    struct job_arg *a = calloc(1, sizeof(*a));

    if (a == NULL)
        abort();
    a->tally = t;
    a->sleep_ms = ms;
    return a;
}

static void job_arg_free(void *arg)
{
    struct job_arg *a = arg;

    atomic_fetch_add(&a->tally->freed, 1);
    free(a);
}

static void counting_job(struct rt_pool_thread *thread, void *arg)
{
    struct job_arg *a = arg;
    struct tally *t = a->tally;
    int now = atomic_fetch_add(&t->now, 1) + 1;
    int peak = atomic_load(&t->peak);
    int index = rt_pool_thread_index(thread);

    while (now > peak && !atomic_compare_exchange_weak(&t->peak, &peak, now))
        ;
    if (!pthread_equal(pthread_self(), t->caller))
        atomic_fetch_add(&t->off_caller, 1);
    if (index < 0 || index >= t->threads)
        atomic_fetch_add(&t->bad_index, 1);
    if (t->gate != NULL)
        gate_pass(t->gate);
    if (a->sleep_ms > 0)
        sleep_ms(a->sleep_ms);
    atomic_fetch_sub(&t->now, 1);
    atomic_fetch_add(&t->ran, 1);
    free(a);
}

static void tally_init(struct tally *t, int threads)
{
    memset(t, 0, sizeof(*t));
    t->threads = threads;
    t->caller = pthread_self();
}

/* --- tests --- */

static void test_new_and_free(void)
{
    struct rt_pool_settings s = {0, 4, NULL, false};
    char err[128] = "";

    rt_pool_free(NULL);
    CHECK(rt_pool_new(&s, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "threads") != NULL);
    s.threads = 2;
    s.queue_capacity = -1;
    CHECK(rt_pool_new(&s, NULL, 0) == NULL);
    s.queue_capacity = 4;
    {
        struct rt_pool *pool = rt_pool_new(&s, err, sizeof(err));

        CHECK(pool != NULL);
        CHECK(rt_pool_queued(pool) == 0);
        CHECK(rt_pool_running(pool) == 0);
        rt_pool_free(pool); /* idle, never stopped */
    }
}

/* Jobs run on pool threads, at most N at once, all of them. */
static void test_runs_on_pool_threads(void)
{
    struct rt_pool_settings s = {3, 100, NULL, false};
    struct rt_pool *pool = rt_pool_new(&s, NULL, 0);
    struct tally t;
    int i, ok = 1;

    tally_init(&t, 3);
    CHECK(pool != NULL);
    if (pool == NULL)
        return;
    for (i = 0; i < 12; i++)
        ok &= rt_pool_submit_always(pool, counting_job, job_arg_new(&t, 20), job_arg_free) == 0;
    CHECK(ok);
    CHECK(wait_for(&t.ran, 12, 10000));
    CHECK(atomic_load(&t.off_caller) == 12);
    CHECK(atomic_load(&t.bad_index) == 0);
    CHECK(atomic_load(&t.peak) <= 3);
    CHECK(atomic_load(&t.peak) >= 2);
    CHECK(wait_running(pool, 0, 5000));
    CHECK(rt_pool_queued(pool) == 0);
    CHECK(rt_pool_stop(pool, 1000) == 0);
    CHECK(atomic_load(&t.freed) == 0);
    rt_pool_free(pool);
}

/* The bound: reservations count, release gives a place back, submit_always goes past it. */
static void test_bound(void)
{
    struct rt_pool_settings s = {1, 2, NULL, false};
    struct rt_pool *pool = rt_pool_new(&s, NULL, 0);
    struct gate gate;
    struct tally t;

    gate_init(&gate);
    tally_init(&t, 1);
    t.gate = &gate;
    CHECK(pool != NULL);
    if (pool == NULL)
        goto out;
    /* Keep the one thread busy, so that nothing leaves the queue. */
    CHECK(rt_pool_submit_always(pool, counting_job, job_arg_new(&t, 0), job_arg_free) == 0);
    CHECK(wait_running(pool, 1, 5000));
    CHECK(rt_pool_queued(pool) == 0);

    CHECK(rt_pool_reserve(pool) == 0);
    CHECK(rt_pool_reserve(pool) == 0);
    CHECK(rt_pool_queued(pool) == 2);
    CHECK(rt_pool_reserve(pool) == -1);
    rt_pool_release(pool);
    CHECK(rt_pool_queued(pool) == 1);
    CHECK(rt_pool_reserve(pool) == 0);
    CHECK(rt_pool_reserve(pool) == -1);
    rt_pool_submit_reserved(pool, counting_job, job_arg_new(&t, 0), job_arg_free);
    rt_pool_submit_reserved(pool, counting_job, job_arg_new(&t, 0), job_arg_free);
    CHECK(rt_pool_queued(pool) == 2);
    CHECK(rt_pool_reserve(pool) == -1);
    CHECK(rt_pool_submit_always(pool, counting_job, job_arg_new(&t, 0), job_arg_free) == 0);
    CHECK(rt_pool_queued(pool) == 3);
    CHECK(rt_pool_running(pool) == 1);
    CHECK(atomic_load(&t.ran) == 0);

    gate_open(&gate);
    CHECK(wait_for(&t.ran, 4, 5000));
    CHECK(wait_running(pool, 0, 5000));
    CHECK(rt_pool_queued(pool) == 0);
    CHECK(atomic_load(&t.peak) == 1);
    CHECK(rt_pool_reserve(pool) == 0);
    rt_pool_release(pool);
    CHECK(rt_pool_queued(pool) == 0);
    CHECK(atomic_load(&t.freed) == 0);
out:
    rt_pool_free(pool);
    gate_cleanup(&gate);
}

/* --- rt_pool_query --- */

static const struct rt_db_migration migrations[] = {
    {1, "items", "CREATE TABLE items (id integer primary key, owner integer not null, name text not null);",
     "unused", 0},
};
static const struct rt_db_schema schema = {"items", migrations, 1};

static const struct rt_db_statement insert_item = {
    "pool_insert_item", "INSERT INTO items (owner, name) VALUES ($1, $2) RETURNING id", 2};
static const struct rt_db_statement list_items = {"pool_list_items",
                                                  "SELECT name FROM items WHERE owner = $1 ORDER BY id", 1};

/* What one job saw. */
struct query_job {
    int owner;
    int rc_sum;                /* sum of rt_pool_query's return values */
    int calls;                 /* callbacks run */
    int ok;                    /* callbacks with RT_DB_OK */
    int inserted_ids;          /* inserts that returned an id */
    int rows;                  /* rows the SELECT returned */
    char names[3][32];         /* what it returned */
    bool called_before_return; /* each callback had run when rt_pool_query returned */
    bool on_own_thread;        /* the callbacks ran on the job's thread */
    pthread_t thread;
    atomic_int *done;
};

static void on_insert(const struct rt_db_result *r, void *arg)
{
    struct query_job *q = arg;
    int64_t id = 0;

    q->calls++;
    q->on_own_thread &= pthread_equal(pthread_self(), q->thread) != 0;
    if (rt_db_result_status(r) == RT_DB_OK) {
        q->ok++;
        if (rt_db_result_rows(r) == 1 && rt_db_result_int64(r, 0, 0, &id) == RT_DB_VALUE_OK && id > 0)
            q->inserted_ids++;
    }
}

static void on_list(const struct rt_db_result *r, void *arg)
{
    struct query_job *q = arg;
    int i;

    q->calls++;
    q->on_own_thread &= pthread_equal(pthread_self(), q->thread) != 0;
    if (rt_db_result_status(r) != RT_DB_OK)
        return;
    q->ok++;
    q->rows = rt_db_result_rows(r);
    for (i = 0; i < q->rows && i < 3; i++) {
        const char *name = NULL;

        if (rt_db_result_text(r, i, 0, &name) == RT_DB_VALUE_OK)
            snprintf(q->names[i], sizeof(q->names[i]), "%s", name);
    }
}

static void query_job(struct rt_pool_thread *thread, void *arg)
{
    struct query_job *q = arg;
    char owner[16], name[32];
    const char *params[2] = {owner, name};
    int i;

    q->thread = pthread_self();
    q->on_own_thread = true;
    q->called_before_return = true;
    snprintf(owner, sizeof(owner), "%d", q->owner);
    for (i = 0; i < 3; i++) {
        snprintf(name, sizeof(name), "o%d-%d", q->owner, i);
        q->rc_sum += rt_pool_query(thread, &insert_item, params, on_insert, q);
        q->called_before_return &= q->calls == i + 1;
    }
    q->rc_sum += rt_pool_query(thread, &list_items, params, on_list, q);
    q->called_before_return &= q->calls == 4;
    atomic_fetch_add(q->done, 1);
}

/* No database: rt_pool_query refuses, and the callback is not called. */
static void no_db_job(struct rt_pool_thread *thread, void *arg)
{
    struct query_job *q = arg;

    q->rc_sum = rt_pool_query(thread, &list_items, NULL, on_list, q);
    atomic_fetch_add(q->done, 1);
}

static void test_query(void)
{
    struct rt_db_settings dbs = {.url = "sqlite::memory:",
                                 .pool_size = 2,
                                 .acquire_timeout_ms = 2000,
                                 .connect_timeout_ms = 2000,
                                 .schemas = &schema,
                                 .n_schemas = 1};
    struct rt_pool_settings s = {2, 16, NULL, false};
    struct query_job jobs[4];
    struct rt_pool *pool = NULL;
    struct rt_db *db = NULL;
    atomic_int done = 0;
    char err[256] = "", want[32];
    int i, j, ok = 1;

    db = rt_db_open(&dbs, err, sizeof(err));
    CHECK(db != NULL);
    if (db == NULL) {
        printf("# %s\n", err);
        return;
    }
    s.db = db;
    pool = rt_pool_new(&s, err, sizeof(err));
    CHECK(pool != NULL);
    if (pool == NULL)
        goto out;
    memset(jobs, 0, sizeof(jobs));
    for (i = 0; i < 4; i++) {
        jobs[i].owner = i + 1;
        jobs[i].done = &done;
        ok &= rt_pool_submit_always(pool, query_job, &jobs[i], NULL) == 0;
    }
    CHECK(ok);
    CHECK(wait_for(&done, 4, 10000));
    for (i = 0; i < 4; i++) {
        CHECK(jobs[i].rc_sum == 0);
        CHECK(jobs[i].calls == 4);
        CHECK(jobs[i].ok == 4);
        CHECK(jobs[i].inserted_ids == 3);
        CHECK(jobs[i].called_before_return);
        CHECK(jobs[i].on_own_thread);
        CHECK(jobs[i].rows == 3);
        for (j = 0; j < 3; j++) {
            snprintf(want, sizeof(want), "o%d-%d", i + 1, j);
            CHECK(strcmp(jobs[i].names[j], want) == 0);
        }
    }
    CHECK(rt_pool_stop(pool, 1000) == 0);
out:
    rt_pool_free(pool);
    rt_db_close(db);

    /* A pool without a database. */
    s.db = NULL;
    pool = rt_pool_new(&s, NULL, 0);
    CHECK(pool != NULL);
    if (pool == NULL)
        return;
    memset(jobs, 0, sizeof(jobs));
    atomic_store(&done, 0);
    jobs[0].done = &done;
    CHECK(rt_pool_submit_always(pool, no_db_job, &jobs[0], NULL) == 0);
    CHECK(wait_for(&done, 1, 5000));
    CHECK(jobs[0].rc_sum == -1);
    CHECK(jobs[0].calls == 0);
    rt_pool_free(pool);
}

/* --- stopping --- */

/* A long job that gives up once cancelled (or after 10 s, so a bug cannot hang the test). */
struct long_job {
    atomic_int started;
    atomic_int saw_cancel;
    atomic_int finished;
};

static void cancellable_job(struct rt_pool_thread *thread, void *arg)
{
    struct long_job *l = arg;
    double end = rt_time_mono_seconds() + 10;

    atomic_store(&l->started, 1);
    while (rt_time_mono_seconds() < end) {
        if (rt_pool_cancelled(thread)) {
            atomic_store(&l->saw_cancel, 1);
            break;
        }
        sleep_ms(5);
    }
    atomic_store(&l->finished, 1);
}

/* A job that ignores cancellation: it waits at a gate. */
static void stubborn_job(struct rt_pool_thread *thread, void *arg)
{
    struct gate *g = arg;

    gate_pass(g);
}

static void *open_gate_later(void *arg)
{
    sleep_ms(300);
    gate_open(arg);
    return NULL;
}

static void test_stop_cancels(void)
{
    struct rt_pool_settings s = {1, 8, NULL, false};
    struct rt_pool *pool = rt_pool_new(&s, NULL, 0);
    struct long_job l;
    struct tally t;
    double t0, elapsed;

    memset(&l, 0, sizeof(l));
    tally_init(&t, 1);
    CHECK(pool != NULL);
    if (pool == NULL)
        return;
    CHECK(rt_pool_submit_always(pool, cancellable_job, &l, NULL) == 0);
    CHECK(wait_for(&l.started, 1, 5000));
    /* Two jobs that will never run: the only thread is busy until the end. */
    CHECK(rt_pool_reserve(pool) == 0);
    rt_pool_submit_reserved(pool, counting_job, job_arg_new(&t, 0), job_arg_free);
    CHECK(rt_pool_submit_always(pool, counting_job, job_arg_new(&t, 0), job_arg_free) == 0);
    CHECK(rt_pool_reserve(pool) == 0); /* held across the stop */
    CHECK(rt_pool_queued(pool) == 3);

    t0 = rt_time_mono_seconds();
    CHECK(rt_pool_stop(pool, 200) == 1);
    elapsed = rt_time_mono_seconds() - t0;
    CHECK(elapsed >= 0.18);
    CHECK(elapsed < 2.0);
    CHECK(atomic_load(&l.saw_cancel) == 1);
    CHECK(atomic_load(&l.finished) == 1);
    CHECK(atomic_load(&t.ran) == 0);
    CHECK(atomic_load(&t.freed) == 2);
    CHECK(rt_pool_running(pool) == 0);
    CHECK(rt_pool_queued(pool) == 1); /* the reservation still held */

    /* After the stop: the held reservation's job is freed at once; nothing new is accepted. */
    rt_pool_submit_reserved(pool, counting_job, job_arg_new(&t, 0), job_arg_free);
    CHECK(atomic_load(&t.freed) == 3);
    CHECK(rt_pool_queued(pool) == 0);
    CHECK(rt_pool_reserve(pool) == -1);
    CHECK(rt_pool_submit_always(pool, counting_job, job_arg_new(&t, 0), job_arg_free) == -1);
    CHECK(atomic_load(&t.freed) == 4);
    CHECK(atomic_load(&t.ran) == 0);

    /* Twice is fine. */
    CHECK(rt_pool_stop(pool, 200) == 0);
    rt_pool_free(pool);
}

/* Jobs that end before the deadline: stop returns 0 as soon as they have. */
static void test_stop_waits_for_short_jobs(void)
{
    struct rt_pool_settings s = {2, 8, NULL, false};
    struct rt_pool *pool = rt_pool_new(&s, NULL, 0);
    struct tally t;
    double t0, elapsed;

    tally_init(&t, 2);
    CHECK(pool != NULL);
    if (pool == NULL)
        return;
    CHECK(rt_pool_submit_always(pool, counting_job, job_arg_new(&t, 100), job_arg_free) == 0);
    CHECK(rt_pool_submit_always(pool, counting_job, job_arg_new(&t, 100), job_arg_free) == 0);
    CHECK(wait_running(pool, 2, 5000));
    t0 = rt_time_mono_seconds();
    CHECK(rt_pool_stop(pool, 5000) == 0);
    elapsed = rt_time_mono_seconds() - t0;
    CHECK(elapsed < 2.0);
    CHECK(atomic_load(&t.ran) == 2);
    CHECK(atomic_load(&t.freed) == 0);
    rt_pool_free(pool);
}

/* A job that ignores cancellation holds the stop up (in the join) until it returns. */
static void test_stop_waits_for_stubborn_job(void)
{
    struct rt_pool_settings s = {1, 8, NULL, false};
    struct rt_pool *pool = rt_pool_new(&s, NULL, 0);
    struct gate gate;
    pthread_t opener;
    double t0, elapsed;

    gate_init(&gate);
    CHECK(pool != NULL);
    if (pool == NULL)
        goto out;
    CHECK(rt_pool_submit_always(pool, stubborn_job, &gate, NULL) == 0);
    CHECK(wait_running(pool, 1, 5000));
    CHECK(pthread_create(&opener, NULL, open_gate_later, &gate) == 0);
    t0 = rt_time_mono_seconds();
    CHECK(rt_pool_stop(pool, 50) == 1);
    elapsed = rt_time_mono_seconds() - t0;
    CHECK(elapsed >= 0.25);
    CHECK(elapsed < 5.0);
    pthread_join(opener, NULL);
out:
    rt_pool_free(pool);
    gate_cleanup(&gate);
}

/* rt_pool_free on a pool with jobs queued frees them unrun. */
static void test_free_with_queued_jobs(void)
{
    struct rt_pool_settings s = {1, 8, NULL, false};
    struct rt_pool *pool = rt_pool_new(&s, NULL, 0);
    struct long_job l;
    struct tally t;

    memset(&l, 0, sizeof(l));
    tally_init(&t, 1);
    CHECK(pool != NULL);
    if (pool == NULL)
        return;
    CHECK(rt_pool_submit_always(pool, cancellable_job, &l, NULL) == 0);
    CHECK(wait_for(&l.started, 1, 5000));
    CHECK(rt_pool_submit_always(pool, counting_job, job_arg_new(&t, 0), job_arg_free) == 0);
    rt_pool_free(pool);
    CHECK(atomic_load(&l.saw_cancel) == 1);
    CHECK(atomic_load(&t.ran) == 0);
    CHECK(atomic_load(&t.freed) == 1);
}

int main(void)
{
    evthread_use_pthreads();
    rt_log_set_level(RT_LOG_ERROR);
    test_new_and_free();
    test_runs_on_pool_threads();
    test_bound();
    test_query();
    test_stop_cancels();
    test_stop_waits_for_short_jobs();
    test_stop_waits_for_stubborn_job();
    test_free_with_queued_jobs();
    libevent_global_shutdown();
    return test_done();
}

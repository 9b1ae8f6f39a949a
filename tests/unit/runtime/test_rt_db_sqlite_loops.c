/*
 * rt_db_sqlite, loops (sqlite_harness.h): two loops on two threads, each
 * answered on its own thread, never from inside query(), statements
 * chained from callbacks; and rt_db_loop_free with statements pending
 * (answered once each, with RT_DB_UNAVAILABLE or their real outcome,
 * without waiting for the statement that is running; from inside one of
 * the loop's own callbacks too).
 */
#include "sqlite_harness.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- two loops on two threads --- */

#define PER_THREAD 400

struct worker {
    struct rt_db *db;
    struct env env;
    pthread_t thread; /* written by the starter */
    pthread_t self;   /* written by the worker itself */
    int id;
    int submitted, answered, ok, wrong_thread, reentrant, mismatched;
    bool in_query;
};

struct worker_job {
    struct worker *w;
    int n;
    bool is_select;
};

static void on_worker_answer(const struct rt_db_result *r, void *arg);

static int worker_submit(struct worker *w, const struct rt_db_statement *stmt, const char *const *params,
                         int n, bool is_select)
{
    struct worker_job *j = malloc(sizeof(*j));
    int rc;

    if (j == NULL)
        return -1;
    j->w = w;
    j->n = n;
    j->is_select = is_select;
    w->in_query = true;
    rc = w->db->backend->query(w->env.loop, stmt, params, on_worker_answer, j);
    w->in_query = false;
    if (rc != 0)
        free(j);
    else
        w->submitted++;
    return rc;
}

static void on_worker_answer(const struct rt_db_result *r, void *arg)
{
    struct worker_job *j = arg;
    struct worker *w = j->w;

    if (!pthread_equal(pthread_self(), w->self))
        w->wrong_thread++;
    if (w->in_query)
        w->reentrant++;
    w->answered++;
    if (r->status == RT_DB_OK) {
        w->ok++;
        if (j->is_select) {
            char expected[64];

            snprintf(expected, sizeof(expected), "w%d-%d@example.com", w->id, j->n);
            const char *email = NULL;

            if (r->rows != 1 || rt_db_result_text(r, 0, 0, &email) != RT_DB_VALUE_OK || !eq(email, expected))
                w->mismatched++;
        } else if (r->rows == 1) {
            /* Chain: read back what was inserted, submitted from inside a callback. */
            char *id = cell_text(r, 0, 0);

            worker_submit(w, &get_user, (const char *const[]){id}, j->n, true);
            free(id);
        }
    }
    free(j);
    if (w->answered == 2 * PER_THREAD)
        event_base_loopbreak(w->env.base);
}

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    int i;

    w->self = pthread_self();
    if (env_init(&w->env, w->db) != 0)
        return NULL;
    for (i = 0; i < PER_THREAD; i++) {
        char email[64];

        snprintf(email, sizeof(email), "w%d-%d@example.com", w->id, i);
        worker_submit(w, &insert_user, (const char *const[]){email, "worker", NULL}, i, false);
    }
    while (w->answered < 2 * PER_THREAD)
        event_base_dispatch(w->env.base);
    env_cleanup(&w->env);
    return NULL;
}

static void test_two_loops(void)
{
    static struct worker workers[2];
    struct rt_db db;
    struct env e;
    struct answer a = {0};
    char err[256] = "";
    int i;

    CHECK(open_db(&db, path_in_tmp("threads.db"), schema, 2, 0, err, sizeof(err)) == 0);
    for (i = 0; i < 2; i++) {
        memset(&workers[i], 0, sizeof(workers[i]));
        workers[i].db = &db;
        workers[i].id = i;
    }
    for (i = 0; i < 2; i++)
        CHECK(pthread_create(&workers[i].thread, NULL, worker_main, &workers[i]) == 0);
    for (i = 0; i < 2; i++)
        pthread_join(workers[i].thread, NULL);
    for (i = 0; i < 2; i++) {
        CHECK(workers[i].submitted == 2 * PER_THREAD);
        CHECK(workers[i].answered == 2 * PER_THREAD);
        CHECK(workers[i].ok == 2 * PER_THREAD);
        CHECK(workers[i].wrong_thread == 0);
        CHECK(workers[i].reentrant == 0);
        CHECK(workers[i].mismatched == 0);
    }
    CHECK(env_init(&e, &db) == 0);
    run(&e, &count_users, (const char *const[]){"w_-%"}, &a);
    CHECK(a.status == RT_DB_OK && eq(a.values[0], "800"));
    env_cleanup(&e);
    close_db(&db);
    answer_clear(&a);
}

/* --- rt_db_loop_free with statements pending --- */

#define PENDING 100

struct pending_ctx {
    struct rt_db *db;
    void *loop;
    int calls[PENDING];
    int unavailable, ok, total;
    int requery_rc; /* what query() on the loop being freed returned, from a callback */
    bool free_from_callback;
};

static struct pending_ctx pending;

static void on_pending_answer(const struct rt_db_result *r, void *arg)
{
    int i = (int)(intptr_t)arg;

    pending.calls[i]++;
    pending.total++;
    if (r->status == RT_DB_UNAVAILABLE)
        pending.unavailable++;
    else if (r->status == RT_DB_OK)
        pending.ok++;
    if (pending.requery_rc == 1)
        pending.requery_rc = pending.db->backend->query(pending.loop, &count_users,
                                                        (const char *const[]){"%"}, on_pending_answer, 0);
    if (pending.free_from_callback) {
        pending.free_from_callback = false;
        pending.db->backend->loop_free(pending.loop); /* from inside one of its own callbacks */
    }
}

static void pending_reset(struct rt_db *db, void *loop)
{
    memset(&pending, 0, sizeof(pending));
    pending.db = db;
    pending.loop = loop;
    pending.requery_rc = 1;
}

static int pending_submit(struct rt_db *db, void *loop, int n, const char *prefix)
{
    int i, failed = 0;

    for (i = 0; i < n; i++) {
        char email[64];

        snprintf(email, sizeof(email), "%s-%d@example.com", prefix, i);
        if (db->backend->query(loop, &insert_user, (const char *const[]){email, NULL, NULL},
                               on_pending_answer, (void *)(intptr_t)i) != 0)
            failed++;
    }
    return failed;
}

static bool each_called_once(int n)
{
    int i;

    for (i = 0; i < n; i++) {
        if (pending.calls[i] != 1)
            return false;
    }
    return true;
}

static void test_loop_free_pending(void)
{
    const char *path = path_in_tmp("pending.db");
    struct rt_db db;
    struct env e, e2;
    struct answer a = {0};
    char err[256] = "";
    sqlite3 *blocker;
    long t0, took;
    int total;

    CHECK(open_db(&db, path, schema, 2, 0, err, sizeof(err)) == 0);

    /* The database is locked: every statement is queued or running (stuck in the busy handler). */
    CHECK(env_init(&e, &db) == 0);
    blocker = lock_db(path);
    CHECK(blocker != NULL);
    pending_reset(&db, e.loop);
    CHECK(pending_submit(&db, e.loop, PENDING, "p") == 0);
    CHECK(pending.total == 0); /* never from inside query() */
    sleep_ms(50);              /* let the SQLite thread take a batch and block */
    t0 = now_ms();
    db.backend->loop_free(e.loop);
    took = now_ms() - t0;
    e.loop = NULL;
    CHECK(took < 100); /* does not wait for the statement that is running */
    CHECK(each_called_once(PENDING));
    CHECK(pending.total == PENDING && pending.unavailable == PENDING);
    CHECK(pending.requery_rc == -1); /* query() on a loop being freed refuses */
    total = pending.total;
    unlock_db(blocker);
    sleep_ms(200); /* the SQLite thread finishes (or skips) the abandoned ones: nobody is called */
    CHECK(pending.total == total);
    env_cleanup(&e);

    /* Abandoned jobs were skipped, except at most the one statement already running. */
    CHECK(env_init(&e2, &db) == 0);
    run(&e2, &count_users, (const char *const[]){"p-%"}, &a);
    CHECK(a.status == RT_DB_OK && a.values[0] != NULL && atoi(a.values[0]) <= 1);
    env_cleanup(&e2);
    close_db(&db);
    answer_clear(&a);
}

/* Completed but not yet delivered (the loop never ran): delivered with their real outcome. */
static void test_loop_free_delivered(void)
{
    struct rt_db db;
    struct env e;
    char err[256] = "";

    CHECK(open_db(&db, path_in_tmp("pending-done.db"), schema, 2, 0, err, sizeof(err)) == 0);
    CHECK(env_init(&e, &db) == 0);
    pending_reset(&db, e.loop);
    CHECK(pending_submit(&db, e.loop, 10, "q") == 0);
    sleep_ms(300);
    db.backend->loop_free(e.loop);
    e.loop = NULL;
    CHECK(each_called_once(10) && pending.ok == 10);
    env_cleanup(&e);
    close_db(&db);
}

/* loop_free from inside one of the loop's own callbacks. */
static void test_loop_free_from_callback(void)
{
    struct rt_db db;
    struct env e;
    char err[256] = "";

    CHECK(open_db(&db, path_in_tmp("pending-callback.db"), schema, 2, 0, err, sizeof(err)) == 0);
    CHECK(env_init(&e, &db) == 0);
    pending_reset(&db, e.loop);
    pending.requery_rc = 0;
    pending.free_from_callback = true;
    CHECK(pending_submit(&db, e.loop, 20, "r") == 0);
    while (pending.total == 0)
        event_base_loop(e.base, EVLOOP_ONCE);
    e.loop = NULL;
    CHECK(each_called_once(20));
    CHECK(pending.ok + pending.unavailable == 20);
    env_cleanup(&e);
    close_db(&db);
}

static const struct test_case cases[] = {
    {"loops.two_threads", test_two_loops},
    {"loop_free.pending_answered_unavailable", test_loop_free_pending},
    {"loop_free.completed_delivered", test_loop_free_delivered},
    {"loop_free.from_its_own_callback", test_loop_free_from_callback},
};

int main(int argc, char **argv)
{
    return sqlite_test_main("rt_db_sqlite_loops", cases, TEST_N(cases), argc, argv);
}

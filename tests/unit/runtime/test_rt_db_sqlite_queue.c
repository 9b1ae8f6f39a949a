/*
 * rt_db_sqlite, the queue to the SQLite thread (sqlite_harness.h): what
 * waits behind the write lock runs in batches, one transaction each, where
 * a failing statement leaves its neighbours alone and a transaction lost
 * to a trigger's ROLLBACK is run again statement by statement; the busy
 * timeout (RT_DB_UNAVAILABLE, readers not blocked under WAL); and the
 * queue's bound (what is over it refused with RT_DB_UNAVAILABLE, never
 * from inside query()).
 */
#include "sqlite_harness.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- batching: one transaction, a failing statement leaves its neighbours alone --- */

#define BATCH_JOBS 50

static struct {
    struct answer answers[BATCH_JOBS + 2];
    int calls;
    struct event_base *base;
} batch;

static void on_batch_answer(const struct rt_db_result *r, void *arg)
{
    on_answer(r, arg);
    if (++batch.calls == BATCH_JOBS + 2)
        event_base_loopbreak(batch.base);
}

static void on_unblock(evutil_socket_t fd, short what, void *arg)
{
    unlock_db(arg);
}

/*
 * @kill_txn: job 20 fires a trigger that rolls back the whole transaction,
 * so the batch is lost and its other statements must run again on their own.
 */
static void test_batch(const char *file, bool kill_txn)
{
    const char *path = path_in_tmp(file);
    struct rt_db db;
    struct env e;
    struct answer a = {0};
    struct event *unblock = NULL;
    struct timeval tv = {0, 150 * 1000};
    sqlite3 *blocker;
    char err[256] = "", email[BATCH_JOBS][32];
    int i, ok = 0, unique = 0, failed = 0, others = 0;

    CHECK(open_db(&db, path, schema, 2, 0, err, sizeof(err)) == 0);
    CHECK(env_init(&e, &db) == 0);
    memset(&batch, 0, sizeof(batch));
    batch.base = e.base;
    blocker = lock_db(path);
    CHECK(blocker != NULL);

    /* All of these queue up behind the write lock held by the blocker, so they run as batches. */
    for (i = 0; i < BATCH_JOBS + 2; i++) {
        const char *params[3] = {NULL, NULL, NULL};
        const struct rt_db_statement *stmt = &insert_user;

        if (i < BATCH_JOBS) {
            snprintf(email[i], sizeof(email[i]), "b%d@example.com", i);
            params[0] = i == 30 ? email[10] : email[i]; /* 30 repeats 10: a unique violation */
            if (kill_txn && i == 20)
                params[0] = "rollback@example.com";
        } else if (i == BATCH_JOBS) {
            stmt = &insert_two_fail; /* first row goes in, second fails: the savepoint must undo both */
            params[0] = "partial@example.com";
            params[1] = email[5];
        } else {
            stmt = &bad_sql;
        }
        CHECK(db.backend->query(e.loop, stmt, params, on_batch_answer, &batch.answers[i]) == 0);
    }
    unblock = evtimer_new(e.base, on_unblock, blocker);
    evtimer_add(unblock, &tv);
    while (batch.calls < BATCH_JOBS + 2)
        event_base_dispatch(e.base);
    for (i = 0; i < BATCH_JOBS + 2; i++) {
        if (batch.answers[i].calls != 1)
            others++;
        else if (batch.answers[i].status == RT_DB_OK)
            ok++;
        else if (batch.answers[i].status == RT_DB_UNIQUE_VIOLATION)
            unique++;
        else if (batch.answers[i].status == RT_DB_ERROR)
            failed++;
    }
    CHECK(others == 0);
    CHECK(ok == BATCH_JOBS - (kill_txn ? 2 : 1));
    CHECK(failed == (kill_txn ? 2 : 1));
    CHECK(unique == 2); /* job 30 and the two-row insert */
    CHECK(batch.answers[30].status == RT_DB_UNIQUE_VIOLATION &&
          batch.answers[BATCH_JOBS].status == RT_DB_UNIQUE_VIOLATION);
    CHECK(batch.answers[BATCH_JOBS + 1].status == RT_DB_ERROR);
    CHECK(!kill_txn ||
          (batch.answers[20].status == RT_DB_ERROR && strstr(batch.answers[20].error, "by trigger")));
    run(&e, &count_users, (const char *const[]){"b%"}, &a);
    CHECK(a.status == RT_DB_OK && eq(a.values[0], kill_txn ? "48" : "49"));
    run(&e, &count_users, (const char *const[]){"partial%"}, &a);
    CHECK(a.status == RT_DB_OK && eq(a.values[0], "0"));

    for (i = 0; i < BATCH_JOBS + 2; i++)
        answer_clear(&batch.answers[i]);
    event_free(unblock);
    env_cleanup(&e);
    close_db(&db);
    answer_clear(&a);
}

/* --- the busy timeout --- */

static void test_busy(void)
{
    const char *path = path_in_tmp("busy.db");
    struct rt_db db;
    struct env e;
    struct answer a = {0};
    char err[256] = "";
    sqlite3 *blocker;
    long t0;

    CHECK(open_db(&db, path, users_only, 1, 200, err, sizeof(err)) == 0);
    CHECK(env_init(&e, &db) == 0);
    blocker = lock_db(path);
    CHECK(blocker != NULL);
    t0 = now_ms();
    run(&e, &insert_user, (const char *const[]){"busy@example.com", NULL, NULL}, &a);
    CHECK(a.status == RT_DB_UNAVAILABLE && strstr(a.error, "locked") != NULL);
    CHECK(now_ms() - t0 >= 150);
    run(&e, &count_users, (const char *const[]){"%"}, &a); /* WAL: readers are not blocked */
    CHECK(a.status == RT_DB_OK && eq(a.values[0], "0"));
    unlock_db(blocker);
    run(&e, &insert_user, (const char *const[]){"busy@example.com", NULL, NULL}, &a);
    CHECK(a.status == RT_DB_OK);
    env_cleanup(&e);
    close_db(&db);
    answer_clear(&a);
}

/* --- the queue bound --- */

#define FLOOD (RT_SQLITE_QUEUE_MAX + 100) /* over the backend's queue bound */

static int flood_calls, flood_full, flood_ok, flood_sync;
static bool flood_submitting;

static void on_flood_answer(const struct rt_db_result *r, void *arg)
{
    struct event_base *base = arg;

    if (flood_submitting)
        flood_sync++;
    flood_calls++;
    if (r->status == RT_DB_OK)
        flood_ok++;
    else if (r->status == RT_DB_UNAVAILABLE && strstr(r->error, "too many") != NULL)
        flood_full++;
    if (flood_calls == FLOOD)
        event_base_loopbreak(base);
}

static void on_flood_unblock(evutil_socket_t fd, short what, void *arg)
{
    unlock_db(arg);
}

/*
 * Wait (up to 10 s) until the SQLite thread has taken every queued job and
 * is running a batch of @n: with the write lock held elsewhere, it then
 * stays in that batch (in SQLite's busy handler) until the lock is released.
 */
static bool wait_for_batch(struct rt_db *db, int n)
{
    struct sqlite_state *st = db->state;
    long deadline = now_ms() + 10000;
    bool taken = false;

    while (!taken && now_ms() < deadline) {
        pthread_mutex_lock(&st->mu);
        taken = st->queued == 0 && st->n_batch == n;
        pthread_mutex_unlock(&st->mu);
        if (!taken)
            sleep_ms(1);
    }
    return taken;
}

static void test_queue_bound(void)
{
    const char *path = path_in_tmp("flood.db");
    struct rt_db db;
    struct env e;
    char err[256] = "";
    sqlite3 *blocker;
    struct event *unblock;
    struct timeval tv = {0, 100 * 1000};
    int i, failed = 0;

    /* A long busy timeout (also the queue wait limit): only the blocker decides when the write goes on. */
    CHECK(open_db(&db, path, schema, 2, 60000, err, sizeof(err)) == 0);
    CHECK(env_init(&e, &db) == 0);
    blocker = lock_db(path);
    CHECK(blocker != NULL);
    flood_submitting = true;
    /*
     * The first is a write, stuck behind the lock on the SQLite thread
     * (waited for, not slept for: a batch taken any later would hold some
     * of the flood too); the rest wait in the queue until it is full.
     */
    if (db.backend->query(e.loop, &insert_user, (const char *const[]){"flood@example.com", NULL, NULL},
                          on_flood_answer, e.base) != 0)
        failed++;
    CHECK(wait_for_batch(&db, 1));
    for (i = 1; i < FLOOD; i++) {
        if (db.backend->query(e.loop, &echo2, (const char *const[]){"a", "b"}, on_flood_answer, e.base) != 0)
            failed++;
    }
    flood_submitting = false;
    CHECK(failed == 0);
    CHECK(flood_calls == 0);
    unblock = evtimer_new(e.base, on_flood_unblock, blocker);
    evtimer_add(unblock, &tv);
    while (flood_calls < FLOOD)
        event_base_dispatch(e.base);
    CHECK(flood_sync == 0);
    CHECK(flood_full == FLOOD - 1 - RT_SQLITE_QUEUE_MAX);
    CHECK(flood_ok == FLOOD - flood_full);
    event_free(unblock);
    env_cleanup(&e);
    close_db(&db);
}

static void test_batch_one_fails(void)
{
    test_batch("batch.db", false);
}

static void test_batch_lost(void)
{
    test_batch("batch-lost.db", true);
}

static const struct test_case cases[] = {
    {"batch.failing_statement_alone", test_batch_one_fails},
    {"batch.lost_transaction_run_again", test_batch_lost},
    {"busy.timeout_then_unavailable", test_busy},
    {"queue.bound", test_queue_bound},
};

int main(int argc, char **argv)
{
    return sqlite_test_main("rt_db_sqlite_queue", cases, TEST_N(cases), argc, argv);
}

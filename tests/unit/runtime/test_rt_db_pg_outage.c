/*
 * rt_db_pg against a live server, when statements cannot run
 * (pg_harness.h): loop_free answers what is in flight and what waits,
 * exactly once, with RT_DB_UNAVAILABLE; with no server to reach,
 * statements wait acquire_timeout_ms and get RT_DB_UNAVAILABLE; and a
 * server restart in the middle of a stream of statements (by the command
 * in ASYNC_DEMO_TEST_PG_RESTART_CMD, which must be set): RT_DB_UNAVAILABLE, never
 * RT_DB_ERROR, then the pool reconnects on its own.  The restart cuts every
 * session of the server: this test runs alone (RUN_SERIAL).
 */
#include "pg_harness.h"

#include "rt_time.h"

#include <libpq-fe.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* loop_free answers what is in flight and what waits, exactly once, with RT_DB_UNAVAILABLE. */
static void loop_free(struct rt_db *db, struct event_base *base)
{
    const char *p_sleep[] = {"5"};
    void *loop = rt_db_pg_backend.loop_new(db, base);
    struct req r[4];
    int i;

    CHECK(loop != NULL);
    CHECK(submit(loop, &st_one, NULL, &r[0]) == 0);
    CHECK(wait_all(base, r, 1, 5000) && r[0].status == RT_DB_OK);
    for (i = 0; i < 4; i++)
        CHECK(submit(loop, &st_sleep, p_sleep, &r[i]) == 0);
    run_for(base, 50);
    CHECK(r[0].calls == 0);
    rt_db_pg_backend.loop_free(loop);
    for (i = 0; i < 4; i++)
        CHECK(r[i].calls == 1 && r[i].status == RT_DB_UNAVAILABLE);
}

static void test_loop_free(void)
{
    struct rt_db db;
    char err[256] = "";

    db_init(&db, pg_target, schemas, 2);
    CHECK(rt_db_pg_backend.open(&db, err, sizeof(err)) == 0);
    if (db.state == NULL)
        return;
    loop_free(&db, pg_base);
    rt_db_pg_backend.close(&db);
}

/*
 * With no server to reach, statements wait acquire_timeout_ms and get
 * RT_DB_UNAVAILABLE.  open() needs a server, so open on the real one and
 * then rewrite the target text in place: the loops connect to whatever
 * db->target says when they start (the backend keeps the pointer).
 */
static void test_acquire_timeout(void)
{
    const char *target = pg_target;
    struct event_base *base = pg_base;
    char buf[1024];
    struct rt_db db;
    char err[256];
    void *loop;
    struct req r[3];
    uint64_t t0;

    snprintf(buf, sizeof(buf), "%s", target);
    db_init(&db, buf, schemas, 2);
    db.settings.acquire_timeout_ms = 300;
    CHECK(rt_db_pg_backend.open(&db, err, sizeof(err)) == 0);
    snprintf(buf, sizeof(buf), "host=127.0.0.1 port=1 dbname=x");
    loop = rt_db_pg_backend.loop_new(&db, base);
    CHECK(loop != NULL);
    t0 = rt_time_mono_ns();
    CHECK(submit(loop, &st_one, NULL, &r[0]) == 0);
    CHECK(submit(loop, &st_one, NULL, &r[1]) == 0);
    CHECK(wait_all(base, r, 2, 3000));
    CHECK(r[0].status == RT_DB_UNAVAILABLE && r[1].status == RT_DB_UNAVAILABLE);
    CHECK(r[1].done_ns - t0 >= 290000000u && r[1].done_ns - t0 < 1000000000u);
    printf("# unreachable: %s after %.0f ms\n", r[1].error, (r[1].done_ns - t0) / 1e6);
    CHECK(submit(loop, &st_one, NULL, &r[2]) == 0);
    rt_db_pg_backend.loop_free(loop);
    CHECK(r[2].calls == 1 && r[2].status == RT_DB_UNAVAILABLE);
    rt_db_pg_backend.close(&db);
}

/*
 * A PREPARE waits on a lock another session holds until statement_timeout
 * cancels it (57014): the EXECUTE it aborts is answered RT_DB_UNAVAILABLE
 * with the cancellation's message; once the lock is gone the statement is
 * prepared again and runs.
 */
static void test_prepare_cancelled(void)
{
    const char *params[] = {"locked", NULL};
    char target[1024];
    struct pg_session s;
    struct req r[2];
    PGconn *locker = PQconnectdb(pg_target);
    PGresult *res;

    CHECK(PQstatus(locker) == CONNECTION_OK);
    snprintf(target, sizeof(target), "%s options='-c statement_timeout=300'", pg_target);
    db_init(&s.db, target, schemas, 2);
    CHECK(rt_db_pg_backend.open(&s.db, r[0].error, sizeof(r[0].error)) == 0);
    s.loop = s.db.state != NULL ? rt_db_pg_backend.loop_new(&s.db, pg_base) : NULL;
    res = PQexec(locker, "BEGIN; LOCK TABLE items IN ACCESS EXCLUSIVE MODE");
    CHECK(PQresultStatus(res) == PGRES_COMMAND_OK);
    PQclear(res);
    if (s.loop != NULL) {
        CHECK(submit(s.loop, &st_insert, params, &r[0]) == 0);
        CHECK(wait_all(pg_base, r, 1, 5000));
        CHECK(r[0].status == RT_DB_UNAVAILABLE && strstr(r[0].error, "statement timeout") != NULL);
        printf("# while locked: %s\n", r[0].error);
    }
    PQclear(PQexec(locker, "COMMIT"));
    if (s.loop != NULL) {
        CHECK(submit(s.loop, &st_insert, params, &r[1]) == 0);
        CHECK(wait_all(pg_base, &r[1], 1, 5000) && r[1].status == RT_DB_OK);
    }
    PQfinish(locker);
    pg_session_close(&s);
}

/* --- server restart in the middle of a stream of statements --- */

struct restart {
    const char *cmd;
    int done; /* the command has returned */
    int rc;
};

static void *restart_thread(void *p)
{
    struct restart *rs = p;

    rs->rc = system(rs->cmd);
    __atomic_store_n(&rs->done, 1, __ATOMIC_RELEASE);
    return NULL;
}

#define STREAM 400

/*
 * Every 10 ms a 50 ms statement; the server restarts (fast mode) meanwhile.
 * Statements in flight then get RT_DB_UNAVAILABLE, never RT_DB_ERROR, and
 * after the restart the pool reconnects on its own and statements succeed.
 */
static void restart(struct event_base *base, void *loop)
{
    const char *cmd = pg_restart_cmd;
    static struct req r[STREAM];
    const char *p_sleep[] = {"0.05"};
    struct restart rs = {cmd, 0, -1};
    pthread_t th;
    int n = 0, i, ok_before = 0, unavailable = 0, errors = 0, ok_after = 0, restarted_at = -1, started = 0;
    uint64_t next = rt_time_mono_ns();

    for (;;) {
        uint64_t now = rt_time_mono_ns();

        if (n < STREAM && now >= next) {
            submit(loop, &st_sleep, p_sleep, &r[n++]);
            next = now + 10000000u;
        }
        if (n == 30 && !started)
            started = pthread_create(&th, NULL, restart_thread, &rs) == 0;
        if (restarted_at < 0 && __atomic_load_n(&rs.done, __ATOMIC_ACQUIRE))
            restarted_at = n;
        /* stop once 20 statements submitted after the restart have succeeded */
        for (ok_after = 0, i = restarted_at < 0 ? STREAM : restarted_at; i < n; i++)
            ok_after += r[i].calls && r[i].status == RT_DB_OK;
        if (ok_after >= 20 || (n == STREAM && wait_all(base, r, n, 0)))
            break;
        event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
        usleep(200);
    }
    CHECK(started);
    if (started)
        pthread_join(th, NULL);
    CHECK(rs.rc == 0);
    CHECK(wait_all(base, r, n, 10000));
    for (i = 0; i < n; i++) {
        ok_before += i < 30 && r[i].status == RT_DB_OK;
        unavailable += r[i].status == RT_DB_UNAVAILABLE;
        errors += r[i].status == RT_DB_ERROR || r[i].status == RT_DB_UNIQUE_VIOLATION;
        if (r[i].status == RT_DB_ERROR)
            printf("# unexpected error: %s\n", r[i].error);
    }
    CHECK(ok_before > 0);
    CHECK(unavailable > 0);
    CHECK(errors == 0);
    CHECK(ok_after >= 20);
    printf("# restart: %d statements, %d unavailable, recovered after the restart command returned\n", n,
           unavailable);
}

static void test_restart(void)
{
    /* tests/db/with_pg_url.py always sets it: without it this case would pass having tested nothing. */
    CHECK(pg_restart_cmd != NULL);
    if (pg_restart_cmd != NULL)
        pg_with_session(restart);
}

static const struct test_case cases[] = {
    {"loop_free.answers_unavailable", test_loop_free},
    {"acquire_timeout.unreachable_server", test_acquire_timeout},
    {"prepare.cancelled_is_unavailable", test_prepare_cancelled},
    {"restart.recovers", test_restart},
};

int main(int argc, char **argv)
{
    return pg_test_main(cases, TEST_N(cases), argc, argv);
}

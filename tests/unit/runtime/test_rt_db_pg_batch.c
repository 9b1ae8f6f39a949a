/*
 * rt_db_pg, batches against a live server (pg_harness.h): statements
 * submitted in one loop turn go to a connection under one Sync (one
 * implicit transaction: they share its transaction id); when one of a
 * batch fails (a unique violation, a deferred constraint at the commit),
 * the others are not lost with its rolled-back transaction but sent again,
 * each alone, so that every statement gets its own outcome and is
 * committed once; a statement that controls transactions never shares a
 * batch (else a failed batch, sent again, would commit part of it twice);
 * statement_timeout counts per statement, and a statement that fails on
 * its own (first in its batch, or timed out anywhere in it) is answered
 * with its own error, not run again.
 */
#include "pg_harness.h"

#include "rt_db_pg_internal.h" /* PG_MAX_BATCH */

#include <stdio.h>
#include <string.h>

static const struct rt_db_statement st_xid = {"t_xid", "SELECT txid_current()::text", 0};
static const struct rt_db_statement st_deferred = {"t_deferred", "INSERT INTO deferred_u (v) VALUES ($1)", 1};
static const struct rt_db_statement st_commit = {"t_commit", "COMMIT", 0};
static const struct rt_db_statement st_bad = {"t_bad", "SELECT a FROM no_such_table WHERE a = $1", 1};
/* pg_sleep($1) after a nextval() of the sequence slow_runs: how many times it ran. */
static const struct rt_db_statement st_counted_sleep = {
    "t_counted_sleep", "SELECT pg_sleep($1::float8)::text FROM (SELECT nextval('slow_runs')) AS run", 1};
static const struct rt_db_statement st_slow_xid = {
    "t_slow_xid", "SELECT txid_current()::text FROM pg_sleep($1::float8)", 1};

/* Wait until every connection of the pool is READY (one statement at a time per connection, twice). */
static void warm(void *loop)
{
    struct req r[4];
    int i;

    for (i = 0; i < 4; i++) {
        CHECK(submit(loop, &st_one, NULL, &r[i]) == 0);
        CHECK(wait_all(pg_base, &r[i], 1, 5000));
    }
}

/* @n statements in one turn on @loop: how many transactions they ran in (0 if one failed). */
static int transactions(void *loop, int n)
{
    struct req r[2 * PG_MAX_BATCH];
    char distinct[2 * PG_MAX_BATCH][sizeof(r[0].v0)];
    int i, j, n_distinct = 0, ok = 0;

    for (i = 0; i < n; i++)
        CHECK(submit(loop, &st_xid, NULL, &r[i]) == 0);
    CHECK(wait_all(pg_base, r, n, 5000));
    for (i = 0; i < n; i++) {
        ok += r[i].status == RT_DB_OK && r[i].calls == 1;
        for (j = 0; j < n_distinct && strcmp(distinct[j], r[i].v0) != 0; j++)
            ;
        if (j == n_distinct)
            snprintf(distinct[n_distinct++], sizeof(distinct[0]), "%s", r[i].v0);
    }
    printf("# %d statements in one turn: %d transaction(s)\n", n, n_distinct);
    return ok == n ? n_distinct : 0;
}

/*
 * Statements of one turn on a pool of 2: one connection takes them, under
 * one Sync, until its batch is full (PG_MAX_BATCH); then the other one.
 */
static void test_one_transaction(void)
{
    struct pg_session s;

    if (!pg_session_open_pool(&s, 2))
        return;
    warm(s.loop);
    CHECK(transactions(s.loop, PG_MAX_BATCH - 4) == 1);
    CHECK(transactions(s.loop, PG_MAX_BATCH + 4) == 2);
    pg_session_close(&s);
}

/*
 * A batch (one connection) with a name already taken and a name used twice
 * in the batch itself: those two are the only unique violations, every
 * other statement is answered OK once, and each name is in the table once.
 */
static void test_unique_violation(void)
{
    static const char *const names[] = {"b-1", "b-taken", "b-2", "b-twice", "b-3", "b-twice", "b-4"};
    enum { N = sizeof(names) / sizeof(names[0]) };
    struct pg_session s;
    struct req r[N];
    int i, ok = 0, once = 1;

    if (!pg_session_open_pool(&s, 1))
        return;
    CHECK(admin_exec(pg_target, "INSERT INTO items (name) VALUES ('b-taken')"));
    warm(s.loop);
    for (i = 0; i < N; i++) {
        const char *p[] = {names[i], NULL};

        CHECK(submit(s.loop, &st_insert, p, &r[i]) == 0);
    }
    CHECK(wait_all(pg_base, r, N, 5000));
    for (i = 0; i < N; i++) {
        ok += r[i].status == RT_DB_OK;
        once &= r[i].calls == 1;
    }
    CHECK(once);
    CHECK(ok == N - 2);
    CHECK(r[1].status == RT_DB_UNIQUE_VIOLATION);                                      /* b-taken */
    CHECK(r[3].status == RT_DB_OK && r[5].status == RT_DB_UNIQUE_VIOLATION);           /* b-twice, in order */
    CHECK(scalar(pg_target, "SELECT count(*) FROM items WHERE name LIKE 'b-%'") == 6); /* 4 + taken + twice */
    CHECK(scalar(pg_target, "SELECT count(DISTINCT name) FROM items WHERE name LIKE 'b-%'") == 6);
    pg_session_close(&s);
}

/* A batch whose commit fails (a deferred constraint): the others are committed once, it is the violation. */
static void test_commit_fails(void)
{
    const char *p_same[] = {"same"};
    const char *p_c1[] = {"c-1", NULL}, *p_c2[] = {"c-2", NULL};
    struct pg_session s;
    struct req r[3];

    CHECK(admin_exec(pg_target, "CREATE TABLE deferred_u (v text UNIQUE DEFERRABLE INITIALLY DEFERRED)"));
    CHECK(admin_exec(pg_target, "INSERT INTO deferred_u (v) VALUES ('same')"));
    if (!pg_session_open_pool(&s, 1))
        return;
    warm(s.loop);
    CHECK(submit(s.loop, &st_insert, p_c1, &r[0]) == 0);
    CHECK(submit(s.loop, &st_deferred, p_same, &r[1]) == 0); /* its INSERT succeeds; the commit does not */
    CHECK(submit(s.loop, &st_insert, p_c2, &r[2]) == 0);
    CHECK(wait_all(pg_base, r, 3, 5000));
    CHECK(r[0].status == RT_DB_OK && r[0].calls == 1);
    CHECK(r[1].status == RT_DB_UNIQUE_VIOLATION && r[1].calls == 1);
    CHECK(r[2].status == RT_DB_OK && r[2].calls == 1);
    CHECK(scalar(pg_target, "SELECT count(*) FROM items WHERE name IN ('c-1', 'c-2')") == 2);
    CHECK(scalar(pg_target, "SELECT count(*) FROM deferred_u") == 1);
    pg_session_close(&s);
}

/* A statement that cannot be prepared, in a batch: it is the error, the others are committed once. */
static void test_prepare_fails(void)
{
    const char *p_d1[] = {"d-1", NULL}, *p_d2[] = {"d-2", NULL}, *p_x[] = {"x"};
    struct pg_session s;
    struct req r[3];

    if (!pg_session_open_pool(&s, 1))
        return;
    warm(s.loop);
    CHECK(submit(s.loop, &st_insert, p_d1, &r[0]) == 0);
    CHECK(submit(s.loop, &st_bad, p_x, &r[1]) == 0);
    CHECK(submit(s.loop, &st_insert, p_d2, &r[2]) == 0);
    CHECK(wait_all(pg_base, r, 3, 5000));
    CHECK(r[0].status == RT_DB_OK && r[0].calls == 1);
    CHECK(r[1].status == RT_DB_ERROR && strstr(r[1].error, "no_such_table") != NULL);
    CHECK(r[2].status == RT_DB_OK && r[2].calls == 1);
    CHECK(scalar(pg_target, "SELECT count(*) FROM items WHERE name IN ('d-1', 'd-2')") == 2);
    pg_session_close(&s);
}

/*
 * A COMMIT between two statements of one turn goes alone: batched, it
 * would commit the INSERT before it, and when the failing INSERT after it
 * sent the batch again, that INSERT would run twice (a unique violation
 * for a row that was committed).
 */
static void test_transaction_control_alone(void)
{
    const char *p_x[] = {"x-1", NULL}, *p_taken[] = {"x-taken", NULL};
    struct pg_session s;
    struct req r[3];

    if (!pg_session_open_pool(&s, 1))
        return;
    CHECK(admin_exec(pg_target, "INSERT INTO items (name) VALUES ('x-taken')"));
    warm(s.loop);
    CHECK(submit(s.loop, &st_insert, p_x, &r[0]) == 0);
    CHECK(submit(s.loop, &st_commit, NULL, &r[1]) == 0);
    CHECK(submit(s.loop, &st_insert, p_taken, &r[2]) == 0);
    CHECK(wait_all(pg_base, r, 3, 5000));
    CHECK(r[0].status == RT_DB_OK && r[0].calls == 1);
    CHECK(r[1].status == RT_DB_OK);
    CHECK(r[2].status == RT_DB_UNIQUE_VIOLATION);
    CHECK(scalar(pg_target, "SELECT count(*) FROM items WHERE name = 'x-1'") == 1);
    pg_session_close(&s);
}

/* Set statement_timeout for the scratch database's new sessions (NULL: reset it). */
static void set_statement_timeout(const char *value)
{
    char sql[160];

    if (value != NULL)
        snprintf(sql, sizeof(sql), "ALTER DATABASE %s SET statement_timeout = '%s'", pg_dbname, value);
    else
        snprintf(sql, sizeof(sql), "ALTER DATABASE %s RESET statement_timeout", pg_dbname);
    CHECK(admin_exec(pg_target, sql));
}

/*
 * statement_timeout counts per statement inside a batch, as it does for
 * statements sent alone: statements that each fit it share their batch
 * (one transaction id) and none is cancelled, though together they take
 * longer than the timeout.  (If PostgreSQL counted from the batch's first
 * message to its Sync, batching would turn them into 503s or resends.)
 */
static void test_timeout_per_statement(void)
{
    enum { N = 4 };
    const char *p[] = {"0.08"}; /* 4 x 80 ms under one Sync: 320 ms > 200 ms; each < 200 ms */
    struct pg_session s;
    struct req r[N];
    int i, ok = 0, once = 1, shared = 1;

    set_statement_timeout("200ms");
    if (pg_session_open_pool(&s, 1)) {
        warm(s.loop);
        for (i = 0; i < N; i++)
            CHECK(submit(s.loop, &st_slow_xid, p, &r[i]) == 0);
        CHECK(wait_all(pg_base, r, N, 5000));
        for (i = 0; i < N; i++) {
            ok += r[i].status == RT_DB_OK;
            once &= r[i].calls == 1;
            shared &= strcmp(r[i].v0, r[0].v0) == 0;
        }
        CHECK(ok == N && once);
        CHECK(shared); /* one batch, not cancelled and sent again alone */
        pg_session_close(&s);
    }
    set_statement_timeout(NULL);
}

/*
 * A batch of three statements, the one at @slow_at timing out
 * (statement_timeout), the others INSERTs of @name_a and @name_b: the
 * timeout is its answer, and it is not run again (it would wait for the
 * timeout twice); the others, rolled back or skipped, are sent again and
 * committed once.  A sequence counts the runs: nextval() is not rolled back.
 */
static void timeout_runs_once(int slow_at, const char *name_a, const char *name_b)
{
    const char *p_slow[] = {"0.5"}, *p_a[] = {name_a, NULL}, *p_b[] = {name_b, NULL};
    const char *const *inserts[] = {p_a, p_b};
    struct pg_session s;
    struct req r[3];
    char sql[160];
    int i, n_insert = 0;

    CHECK(admin_exec(pg_target, "DROP SEQUENCE IF EXISTS slow_runs"));
    CHECK(admin_exec(pg_target, "CREATE SEQUENCE slow_runs"));
    set_statement_timeout("200ms");
    if (pg_session_open_pool(&s, 1)) {
        warm(s.loop);
        for (i = 0; i < 3; i++)
            CHECK(i == slow_at ? submit(s.loop, &st_counted_sleep, p_slow, &r[i]) == 0
                               : submit(s.loop, &st_insert, inserts[n_insert++], &r[i]) == 0);
        CHECK(wait_all(pg_base, r, 3, 5000));
        printf("# the slow statement, at %d: status %d (%s)\n", slow_at, r[slow_at].status, r[slow_at].error);
        CHECK(r[slow_at].status == RT_DB_UNAVAILABLE &&
              r[slow_at].calls == 1); /* 57014: a 503, may be retried */
        CHECK(scalar(pg_target, "SELECT last_value FROM slow_runs") == 1);
        for (i = 0; i < 3; i++)
            CHECK(i == slow_at || (r[i].status == RT_DB_OK && r[i].calls == 1));
        snprintf(sql, sizeof(sql), "SELECT count(*) FROM items WHERE name IN ('%s', '%s')", name_a, name_b);
        CHECK(scalar(pg_target, sql) == 2);
        pg_session_close(&s);
    }
    set_statement_timeout(NULL);
}

/* A batch's first statement ran as it would have alone: any error of its is its own. */
static void test_first_failed_runs_once(void)
{
    timeout_runs_once(0, "e-1", "e-2");
}

/*
 * A statement that times out later in its batch: the timeout is its own too
 * (statement_timeout counts per statement, and a statement never waits for
 * its own transaction's locks).
 */
static void test_later_timeout_runs_once(void)
{
    timeout_runs_once(1, "g-1", "g-2");
}

static const struct test_case cases[] = {
    {"batch.one_transaction", test_one_transaction},
    {"batch.unique_violation", test_unique_violation},
    {"batch.commit_fails", test_commit_fails},
    {"batch.prepare_fails", test_prepare_fails},
    {"batch.transaction_control_alone", test_transaction_control_alone},
    {"batch.timeout_per_statement", test_timeout_per_statement},
    {"batch.first_failed_runs_once", test_first_failed_runs_once},
    {"batch.later_timeout_runs_once", test_later_timeout_runs_once},
};

int main(int argc, char **argv)
{
    return pg_test_main(cases, TEST_N(cases), argc, argv);
}

/*
 * rt_db_sqlite, statements and their values (sqlite_harness.h): round
 * trips (parameters bound as text, NULL kept NULL, columns known without
 * rows, $N left alone inside literals, identifiers and comments), errors
 * mapped to rt_db statuses (unique and foreign key violations, bad SQL,
 * parameter counts, more than one statement, transaction control); and
 * SQLite's storage classes read with the typed accessors the way rt_db.h
 * promises.
 */
#include "sqlite_harness.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- statements of the round trip --- */

static const struct rt_db_statement insert_user_id = {"test_insert_user_id",
                                                      "INSERT INTO users (id, email) VALUES ($1, $2)", 2};
static const struct rt_db_statement insert_post = {"test_insert_post",
                                                   "INSERT INTO posts (user_id, title) VALUES ($1, $2)", 2};
static const struct rt_db_statement literals = {
    "test_literals", "SELECT '$1 it''s', $1 /* $2 */, \"$1\" -- $2\n FROM (SELECT 7 AS \"$1\")", 1};
static const struct rt_db_statement too_many = {"test_too_many", "SELECT $1, $2", 1};
static const struct rt_db_statement two_statements = {"test_two", "SELECT 1; SELECT 2", 0};
static const struct rt_db_statement commit = {"test_commit", "  commit", 0};
static const struct rt_db_statement empty_rows = {"test_empty", "SELECT id, email FROM users WHERE 0", 0};

/* --- round trips and errors --- */

static void test_round_trip(void)
{
    struct rt_db db;
    struct env e;
    struct answer a = {0};
    char err[256] = "";
    char id[32] = "";

    /* ":memory:": the migrated connection is the one the thread uses. */
    CHECK(open_db(&db, ":memory:", schema, 2, 0, err, sizeof(err)) == 0);
    CHECK(env_init(&e, &db) == 0);

    run(&e, &insert_user, (const char *const[]){"ann@example.com", "Ann", "42"}, &a);
    CHECK(a.calls == 1 && a.status == RT_DB_OK && a.rows == 1 && a.cols == 1 && eq(a.error, ""));
    CHECK(a.values[0] != NULL && atoi(a.values[0]) > 0);
    snprintf(id, sizeof(id), "%s", a.values[0] ? a.values[0] : "");
    CHECK(pthread_equal(a.thread, pthread_self()));
    run(&e, &get_user, (const char *const[]){id}, &a);
    CHECK(a.status == RT_DB_OK && a.rows == 1 && a.cols == 4);
    CHECK(eq(a.values[0], "ann@example.com") && eq(a.values[1], "Ann") && eq(a.values[2], "42"));
    CHECK(eq(a.values[3], "integer")); /* text parameter, integer column affinity */

    /* NULL parameters stay NULL; "" stays "". */
    run(&e, &insert_user, (const char *const[]){"bob@example.com", NULL, NULL}, &a);
    CHECK(a.status == RT_DB_OK && a.rows == 1);
    snprintf(id, sizeof(id), "%s", a.values[0] ? a.values[0] : "");
    run(&e, &get_user, (const char *const[]){id}, &a);
    CHECK(a.status == RT_DB_OK && a.rows == 1 && eq(a.values[0], "bob@example.com"));
    CHECK(a.values[1] == NULL && a.values[2] == NULL && eq(a.values[3], "null"));
    run(&e, &echo2, (const char *const[]){NULL, ""}, &a);
    CHECK(a.status == RT_DB_OK && a.rows == 1 && a.cols == 3);
    CHECK(eq(a.values[0], "") && a.values[1] == NULL && eq(a.values[2], "1"));

    /* No rows: columns still known; absent row: none. */
    run(&e, &empty_rows, NULL, &a);
    CHECK(a.status == RT_DB_OK && a.rows == 0 && a.cols == 2);
    run(&e, &get_user, (const char *const[]){"999999"}, &a);
    CHECK(a.status == RT_DB_OK && a.rows == 0);

    /* $N inside literals, identifiers and comments is left alone. */
    run(&e, &literals, (const char *const[]){"x"}, &a);
    CHECK(a.status == RT_DB_OK && a.rows == 1 && a.cols == 3);
    CHECK(eq(a.values[0], "$1 it's") && eq(a.values[1], "x") && eq(a.values[2], "7"));

    /* Errors. */
    run(&e, &insert_user, (const char *const[]){"ann@example.com", "Ann 2", NULL}, &a);
    CHECK(a.status == RT_DB_UNIQUE_VIOLATION && a.rows == 0 && strstr(a.error, "UNIQUE") != NULL);
    run(&e, &insert_user_id, (const char *const[]){"1", "new@example.com"}, &a);
    CHECK(a.status == RT_DB_UNIQUE_VIOLATION); /* primary key */
    run(&e, &insert_two_fail, (const char *const[]){"solo@example.com", "ann@example.com"}, &a);
    CHECK(a.status == RT_DB_UNIQUE_VIOLATION); /* on its own too, the first row is undone */
    run(&e, &count_users, (const char *const[]){"solo%"}, &a);
    CHECK(a.status == RT_DB_OK && eq(a.values[0], "0"));
    run(&e, &insert_post, (const char *const[]){"999999", "orphan"}, &a);
    CHECK(a.status == RT_DB_ERROR && strstr(a.error, "FOREIGN KEY") != NULL);
    run(&e, &insert_post, (const char *const[]){id, "fine"}, &a);
    CHECK(a.status == RT_DB_OK);
    run(&e, &bad_sql, NULL, &a);
    CHECK(a.status == RT_DB_ERROR && strstr(a.error, "no such table") != NULL);
    run(&e, &bad_sql, NULL, &a); /* not cached: fails the same way again */
    CHECK(a.status == RT_DB_ERROR && strstr(a.error, "test_bad_sql") != NULL);
    run(&e, &too_many, (const char *const[]){"1"}, &a);
    CHECK(a.status == RT_DB_ERROR && strstr(a.error, "uses 2 parameters but declares 1") != NULL);
    run(&e, &two_statements, NULL, &a);
    CHECK(a.status == RT_DB_ERROR && strstr(a.error, "exactly one") != NULL);
    run(&e, &commit, NULL, &a);
    CHECK(a.status == RT_DB_ERROR && strstr(a.error, "must not control transactions") != NULL);
    run(&e, &count_users, (const char *const[]){"%"}, &a);
    CHECK(a.status == RT_DB_OK && eq(a.values[0], "3")); /* seed, ann, bob */

    env_cleanup(&e);
    close_db(&db);
    answer_clear(&a);
}

/* --- typed values: SQLite's storage classes, read the way rt_db.h promises --- */

static const struct rt_db_statement typed = {
    "test_typed",
    "SELECT 42, -9223372036854775807 - 1, 2.5, 'text', NULL, 1, 0, '2026-11-23T22:36:00.123Z',"
    " '2026-11-23 22:36:00', strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-23 22:36:00.5', '+1 hour'),"
    " x'00ff', $1, (SELECT age FROM users WHERE email = 'typed@example.com')",
    1};

/* What the typed accessors made of the columns of typed (above). */
struct typed_seen {
    struct event_base *stop;
    int calls, rc_text0, rc_bool0, rc_int2, rc_int3, rc_ts3, rc_null4, rc_text10, rc_int11, rc_ts99;
    int64_t i0, i1, i12;
    double d0, d2;
    bool null4, null10, null99, b5, b6;
    char text3[16], text11[16], ts7[RT_DB_TIMESTAMP_SIZE], ts8[RT_DB_TIMESTAMP_SIZE],
        ts9[RT_DB_TIMESTAMP_SIZE];
};

static void on_typed(const struct rt_db_result *r, void *arg)
{
    struct typed_seen *t = arg;
    const char *text = NULL;
    int64_t i = 0;
    bool b = false;
    char ts[RT_DB_TIMESTAMP_SIZE];

    t->calls++;
    rt_db_result_int64(r, 0, 0, &t->i0);
    rt_db_result_double(r, 0, 0, &t->d0);
    t->rc_text0 = rt_db_result_text(r, 0, 0, &text);
    t->rc_bool0 = rt_db_result_bool(r, 0, 0, &b);
    rt_db_result_int64(r, 0, 1, &t->i1);
    rt_db_result_double(r, 0, 2, &t->d2);
    t->rc_int2 = rt_db_result_int64(r, 0, 2, &i);
    if (rt_db_result_text(r, 0, 3, &text) == RT_DB_VALUE_OK)
        snprintf(t->text3, sizeof(t->text3), "%s", text);
    t->rc_int3 = rt_db_result_int64(r, 0, 3, &i);
    t->rc_ts3 = rt_db_result_timestamp(r, 0, 3, ts);
    t->null4 = rt_db_result_is_null(r, 0, 4);
    t->rc_null4 = rt_db_result_int64(r, 0, 4, &i);
    rt_db_result_bool(r, 0, 5, &t->b5);
    t->b6 = true;
    rt_db_result_bool(r, 0, 6, &t->b6);
    rt_db_result_timestamp(r, 0, 7, t->ts7);
    rt_db_result_timestamp(r, 0, 8, t->ts8);
    rt_db_result_timestamp(r, 0, 9, t->ts9);
    t->null10 = rt_db_result_is_null(r, 0, 10);
    t->rc_text10 = rt_db_result_text(r, 0, 10, &text);
    if (rt_db_result_text(r, 0, 11, &text) == RT_DB_VALUE_OK)
        snprintf(t->text11, sizeof(t->text11), "%s", text);
    t->rc_int11 = rt_db_result_int64(r, 0, 11, &i);
    rt_db_result_int64(r, 0, 12, &t->i12);
    t->null99 = rt_db_result_is_null(r, 0, 99);
    t->rc_ts99 = rt_db_result_timestamp(r, 1, 7, ts);
    event_base_loopbreak(t->stop);
}

static void test_typed(void)
{
    struct rt_db db;
    struct env e;
    struct answer a = {0};
    struct typed_seen t = {0};
    char err[256] = "";

    CHECK(open_db(&db, ":memory:", schema, 2, 0, err, sizeof(err)) == 0);
    CHECK(env_init(&e, &db) == 0);
    /* a text parameter into an INTEGER column: stored (and read) as an integer */
    run(&e, &insert_user, (const char *const[]){"typed@example.com", "T", "31"}, &a);
    CHECK(a.status == RT_DB_OK);
    t.stop = e.base;
    CHECK(db.backend->query(e.loop, &typed, (const char *const[]){"7"}, on_typed, &t) == 0);
    while (t.calls == 0)
        event_base_dispatch(e.base);
    CHECK(t.calls == 1);
    /* integers and reals: numbers, never text; a boolean is 0 or 1 */
    CHECK(t.i0 == 42 && t.d0 == 42.0 && t.rc_text0 == RT_DB_VALUE_WRONG_TYPE);
    CHECK(t.rc_bool0 == RT_DB_VALUE_WRONG_TYPE);
    CHECK(t.i1 == INT64_MIN);
    CHECK(t.d2 == 2.5 && t.rc_int2 == RT_DB_VALUE_WRONG_TYPE);
    CHECK(t.b5 && !t.b6);
    CHECK(t.i12 == 31);
    /* text: never a number, nor a timestamp unless it holds one */
    CHECK(strcmp(t.text3, "text") == 0 && t.rc_int3 == RT_DB_VALUE_WRONG_TYPE);
    CHECK(t.rc_ts3 == RT_DB_VALUE_WRONG_TYPE);
    CHECK(strcmp(t.text11, "7") == 0 && t.rc_int11 == RT_DB_VALUE_WRONG_TYPE); /* a parameter is text */
    /* NULL, bytes, and what is not there */
    CHECK(t.null4 && t.rc_null4 == RT_DB_VALUE_NULL);
    CHECK(!t.null10 && t.rc_text10 == RT_DB_VALUE_WRONG_TYPE);
    CHECK(t.null99 && t.rc_ts99 == RT_DB_VALUE_NO_CELL);
    /* timestamps: ours as stored, SQLite's own text and functions as RFC 3339 UTC */
    CHECK(strcmp(t.ts7, "2026-11-23T22:36:00.123Z") == 0);
    CHECK(strcmp(t.ts8, "2026-11-23T22:36:00.000Z") == 0);
    CHECK(strcmp(t.ts9, "2026-11-23T23:36:00.500Z") == 0);
    env_cleanup(&e);
    close_db(&db);
    answer_clear(&a);
}

static const struct test_case cases[] = {
    {"statements.round_trip_and_errors", test_round_trip},
    {"typed.storage_classes", test_typed},
};

int main(int argc, char **argv)
{
    return sqlite_test_main("rt_db_sqlite_values", cases, TEST_N(cases), argc, argv);
}

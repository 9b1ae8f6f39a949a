/*
 * rt_db_pg, statements and their values against a live server
 * (pg_harness.h): round trips, never answered from inside query(); a
 * unique violation, after which the connection keeps working; bad SQL
 * (its PREPARE fails, and again when re-prepared); a statement cancelled
 * under way (57014, as by statement_timeout) is RT_DB_UNAVAILABLE, not an
 * error (the request gets 503, not 500); a statement is answered only once
 * its transaction committed (a deferred constraint failing at the commit is
 * the statement's outcome, never RT_DB_OK); and PostgreSQL's types
 * read with the typed accessors the way rt_db.h promises, from a session
 * in another time zone too (timestamps still come out in UTC).
 */
#include "pg_harness.h"

#include "rt_time.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* --- statements of the round trip --- */

static const struct rt_db_statement st_select = {"t_select", "SELECT name, note FROM items WHERE name = $1",
                                                 1};
static const struct rt_db_statement st_bad = {"t_bad", "SELECT a FROM no_such_table WHERE a = $1", 1};

static void round_trip(struct event_base *base, void *loop)
{
    const char *p_a[] = {"alpha", NULL};
    const char *p_name[] = {"alpha"};
    const char *p_x[] = {"x"};
    struct req r[8];

    CHECK(submit(loop, &st_insert, p_a, &r[0]) == 0);
    CHECK(r[0].calls == 0); /* never answered from inside query() */
    CHECK(wait_all(base, r, 1, 5000));
    CHECK(r[0].status == RT_DB_OK && r[0].rows == 1 && r[0].cols == 1 && !r[0].v0_null && r[0].v0[0] != '\0');
    CHECK(strcmp(r[0].error, "") == 0);

    CHECK(submit(loop, &st_select, p_name, &r[1]) == 0);
    CHECK(wait_all(base, &r[1], 1, 5000));
    CHECK(r[1].status == RT_DB_OK && r[1].rows == 1 && r[1].cols == 2);
    CHECK(strcmp(r[1].v0, "alpha") == 0 && r[1].v1_null);

    /* the same name again: a unique violation, and the connection keeps working */
    CHECK(submit(loop, &st_insert, p_a, &r[2]) == 0);
    CHECK(submit(loop, &st_select, p_name, &r[3]) == 0);
    CHECK(wait_all(base, &r[2], 2, 5000));
    CHECK(r[2].status == RT_DB_UNIQUE_VIOLATION && r[2].rows == 0 &&
          strstr(r[2].error, "duplicate key") != NULL);
    CHECK(r[3].status == RT_DB_OK && r[3].rows == 1);

    /* bad SQL: its PREPARE fails; the EXECUTE behind it gets the PREPARE's message, twice (re-prepared) */
    CHECK(submit(loop, &st_bad, p_x, &r[4]) == 0);
    CHECK(submit(loop, &st_one, NULL, &r[5]) == 0);
    CHECK(wait_all(base, &r[4], 2, 5000));
    CHECK(r[4].status == RT_DB_ERROR && strstr(r[4].error, "no_such_table") != NULL);
    CHECK(r[5].status == RT_DB_OK && strcmp(r[5].v0, "1") == 0);
    CHECK(submit(loop, &st_bad, p_x, &r[6]) == 0);
    CHECK(wait_all(base, &r[6], 1, 5000));
    CHECK(r[6].status == RT_DB_ERROR && strstr(r[6].error, "no_such_table") != NULL);
    printf("# bad statement: %s\n", r[6].error);
}

static void test_round_trip(void)
{
    pg_with_session(round_trip);
}

/* --- a statement the database could not serve now: unavailable (503), not an error (500) --- */

/* It cancels itself: query_canceled (57014), as statement_timeout or a cancel request would. */
static const struct rt_db_statement st_cancelled = {
    "t_cancelled", "SELECT pg_cancel_backend(pg_backend_pid()), pg_sleep(2)", 0};

static void transient(struct event_base *base, void *loop)
{
    struct req r[2];

    CHECK(submit(loop, &st_cancelled, NULL, &r[0]) == 0);
    CHECK(wait_all(base, r, 1, 5000));
    CHECK(r[0].status == RT_DB_UNAVAILABLE && strstr(r[0].error, "cancel") != NULL);
    printf("# cancelled statement: %s\n", r[0].error);
    CHECK(submit(loop, &st_one, NULL, &r[1]) == 0); /* and the connection keeps working */
    CHECK(wait_all(base, &r[1], 1, 5000));
    CHECK(r[1].status == RT_DB_OK && strcmp(r[1].v0, "1") == 0);
}

static void test_transient(void)
{
    pg_with_session(transient);
}

/* --- answered after the commit: a deferred unique constraint fails at the Sync, not at the EXECUTE --- */

static const struct rt_db_statement st_deferred = {"t_deferred", "INSERT INTO deferred_u (v) VALUES ($1)", 1};

static void deferred(struct event_base *base, void *loop)
{
    const char *p_v[] = {"same"};
    struct req r[3];

    CHECK(submit(loop, &st_deferred, p_v, &r[0]) == 0);
    CHECK(wait_all(base, r, 1, 5000));
    CHECK(r[0].status == RT_DB_OK);
    CHECK(submit(loop, &st_deferred, p_v, &r[1]) == 0); /* its INSERT succeeds; its commit does not */
    CHECK(wait_all(base, &r[1], 1, 5000));
    CHECK(r[1].status == RT_DB_UNIQUE_VIOLATION);
    printf("# deferred constraint at the commit: %s\n", r[1].error);
    CHECK(scalar(pg_target, "SELECT count(*) FROM deferred_u") == 1);
    CHECK(submit(loop, &st_one, NULL, &r[2]) == 0); /* and the connection keeps working */
    CHECK(wait_all(base, &r[2], 1, 5000));
    CHECK(r[2].status == RT_DB_OK && strcmp(r[2].v0, "1") == 0);
}

static void test_deferred(void)
{
    CHECK(admin_exec(pg_target, "CREATE TABLE deferred_u (v text UNIQUE DEFERRABLE INITIALLY DEFERRED)"));
    pg_with_session(deferred);
}

/* --- typed values: PostgreSQL's types, read the way rt_db.h promises --- */

static const struct rt_db_statement st_typed = {
    "t_typed",
    "SELECT 42::int8, 7::int2, 2.5::float8, 12.50::numeric, 12.00::numeric, true, 'x'::text, NULL::int,"
    " '2026-11-23T22:36:00.123Z'::timestamptz, '2026-11-23 22:36:00.5'::timestamp,"
    " '2026-11-23 22:36:00+05:30'::text, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid,"
    " 'infinity'::timestamptz, '\\x00ff'::bytea, $1, 'NaN'::float8",
    1};

/* What the typed accessors made of st_typed's columns. */
struct typed_seen {
    int calls, rc_int2, rc_int3, rc_text0, rc_int6, rc_text8, rc_null7, rc_ts12, rc_text13, rc_int14;
    int64_t i0, i1, i4;
    double d1, d2, d3, d15;
    bool b5, null7;
    char text6[8], text11[40], text14[8];
    char ts8[RT_DB_TIMESTAMP_SIZE], ts9[RT_DB_TIMESTAMP_SIZE], ts10[RT_DB_TIMESTAMP_SIZE];
};

static void on_typed(const struct rt_db_result *r, void *arg)
{
    struct typed_seen *t = arg;
    const char *text = NULL;
    char ts[RT_DB_TIMESTAMP_SIZE];
    int64_t i;

    t->calls++;
    rt_db_result_int64(r, 0, 0, &t->i0);
    t->rc_text0 = rt_db_result_text(r, 0, 0, &text);
    rt_db_result_int64(r, 0, 1, &t->i1);
    rt_db_result_double(r, 0, 1, &t->d1);
    rt_db_result_double(r, 0, 2, &t->d2);
    t->rc_int2 = rt_db_result_int64(r, 0, 2, &i);
    rt_db_result_double(r, 0, 3, &t->d3);
    t->rc_int3 = rt_db_result_int64(r, 0, 3, &i);
    rt_db_result_int64(r, 0, 4, &t->i4);
    rt_db_result_bool(r, 0, 5, &t->b5);
    if (rt_db_result_text(r, 0, 6, &text) == RT_DB_VALUE_OK)
        snprintf(t->text6, sizeof(t->text6), "%s", text);
    t->rc_int6 = rt_db_result_int64(r, 0, 6, &i);
    t->null7 = rt_db_result_is_null(r, 0, 7);
    t->rc_null7 = rt_db_result_int64(r, 0, 7, &i);
    rt_db_result_timestamp(r, 0, 8, t->ts8);
    t->rc_text8 = rt_db_result_text(r, 0, 8, &text);
    rt_db_result_timestamp(r, 0, 9, t->ts9);
    rt_db_result_timestamp(r, 0, 10, t->ts10);
    if (rt_db_result_text(r, 0, 11, &text) == RT_DB_VALUE_OK)
        snprintf(t->text11, sizeof(t->text11), "%s", text);
    t->rc_ts12 = rt_db_result_timestamp(r, 0, 12, ts);
    t->rc_text13 = rt_db_result_text(r, 0, 13, &text);
    if (rt_db_result_text(r, 0, 14, &text) == RT_DB_VALUE_OK)
        snprintf(t->text14, sizeof(t->text14), "%s", text);
    t->rc_int14 = rt_db_result_int64(r, 0, 14, &i);
    rt_db_result_double(r, 0, 15, &t->d15);
}

/* Run st_typed on @loop and check what came out. */
static void check_typed(struct event_base *base, void *loop, const char *session)
{
    struct typed_seen t = {0};
    const char *p[] = {"7"};
    uint64_t end = rt_time_mono_ns() + 5000000000u;

    CHECK(rt_db_pg_backend.query(loop, &st_typed, p, on_typed, &t) == 0);
    while (t.calls == 0 && rt_time_mono_ns() < end) {
        event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
        usleep(200);
    }
    printf("# typed values, %s session\n", session);
    CHECK(t.calls == 1);
    CHECK(t.i0 == 42 && t.rc_text0 == RT_DB_VALUE_WRONG_TYPE);
    CHECK(t.i1 == 7 && t.d1 == 7.0);
    CHECK(t.d2 == 2.5 && t.rc_int2 == RT_DB_VALUE_WRONG_TYPE);
    CHECK(t.d3 == 12.5 && t.rc_int3 == RT_DB_VALUE_WRONG_TYPE && t.i4 == 12);
    CHECK(t.b5);
    CHECK(strcmp(t.text6, "x") == 0 && t.rc_int6 == RT_DB_VALUE_WRONG_TYPE);
    CHECK(t.null7 && t.rc_null7 == RT_DB_VALUE_NULL);
    CHECK(strcmp(t.ts8, "2026-11-23T22:36:00.123Z") == 0 && t.rc_text8 == RT_DB_VALUE_WRONG_TYPE);
    CHECK(strcmp(t.ts9, "2026-11-23T22:36:00.500Z") == 0);
    CHECK(strcmp(t.ts10, "2026-11-23T17:06:00.000Z") == 0);
    CHECK(strcmp(t.text11, "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11") == 0);
    CHECK(t.rc_ts12 == RT_DB_VALUE_WRONG_TYPE);
    CHECK(t.rc_text13 == RT_DB_VALUE_WRONG_TYPE);
    CHECK(strcmp(t.text14, "7") == 0 && t.rc_int14 == RT_DB_VALUE_WRONG_TYPE); /* a parameter is text */
    CHECK(t.d15 != t.d15);                                                     /* NaN */
}

static void typed_default(struct event_base *base, void *loop)
{
    check_typed(base, loop, "default");
}

static void test_typed_default(void)
{
    pg_with_session(typed_default);
}

/* The same values from a session in another time zone: timestamps still come out in UTC. */
static void test_typed_other_zone(void)
{
    const char *target = pg_target;
    struct event_base *base = pg_base;
    char buf[1024];
    struct rt_db db;
    char err[256];
    void *loop;

    snprintf(buf, sizeof(buf), "%s options='-c TimeZone=Asia/Kolkata'", target);
    db_init(&db, buf, schemas, 2);
    CHECK(rt_db_pg_backend.open(&db, err, sizeof(err)) == 0);
    loop = rt_db_pg_backend.loop_new(&db, base);
    CHECK(loop != NULL);
    if (loop != NULL) {
        check_typed(base, loop, "Asia/Kolkata");
        rt_db_pg_backend.loop_free(loop);
    }
    rt_db_pg_backend.close(&db);
}

static const struct test_case cases[] = {
    {"statements.round_trip_and_errors", test_round_trip},
    {"statements.cancelled_is_unavailable", test_transient},
    {"statements.answered_after_the_commit", test_deferred},
    {"typed.default_session", test_typed_default},
    {"typed.other_time_zone", test_typed_other_zone},
};

int main(int argc, char **argv)
{
    return pg_test_main(cases, TEST_N(cases), argc, argv);
}

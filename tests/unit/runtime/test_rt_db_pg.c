/*
 * rt_db_pg: the PostgreSQL backend against a live server, driven through
 * its struct rt_db_backend operations on a libevent loop.
 *
 *   ASYNC_DEMO_TEST_PG_URL          a libpq URI or conninfo of a server where
 *                                   we may CREATE DATABASE; unset → exit 77
 *                                   (skipped).  A scratch database
 *                                   async_demo_test_pg_<pid> is created and
 *                                   dropped.
 *   ASYNC_DEMO_TEST_PG_RESTART_CMD  optional: a shell command that restarts
 *                                   that server (e.g. "runuser -u postgres --
 *                                   pg_ctl -D ... -m fast -w restart"); if set,
 *                                   a restart in the middle of a stream of
 *                                   statements is checked too.
 */
#include "test.h"

#include "rt_db_internal.h"
#include "rt_log.h"
#include "rt_time.h"

#include <event2/event.h>
#include <libpq-fe.h>

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define N_CONCURRENT 500

/* The items module's migrations; its first was version 1 when versions were numbered across modules. */
static const struct rt_db_migration migrations[] = {
    {1, "items", NULL, "CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL UNIQUE, note text)", 1},
    {2, "a row that must exist once", NULL,
     "CREATE TABLE once (n integer NOT NULL); INSERT INTO once (n) VALUES (1)", 0},
};

static const struct rt_db_migration bad_migrations[] = {
    migrations[0],
    migrations[1],
    {3, "half a migration", NULL, "CREATE TABLE half (a integer); SELECT no_such_function()", 0},
};

/* A second module, numbering from 1 too. */
static const struct rt_db_migration notes_migrations[] = {
    {1, "notes", NULL, "CREATE TABLE notes (n text)", 0},
};

static const struct rt_db_schema schemas[] = {{"items", migrations, 2}, {"notes", notes_migrations, 1}};
static const struct rt_db_schema bad_schemas[] = {{"items", bad_migrations, 3},
                                                  {"notes", notes_migrations, 1}};

static const struct rt_db_statement st_insert = {
    "t_insert", "INSERT INTO items (name, note) VALUES ($1, $2) RETURNING id", 2};
static const struct rt_db_statement st_select = {"t_select", "SELECT name, note FROM items WHERE name = $1",
                                                 1};
static const struct rt_db_statement st_count = {"t_count", "SELECT count(*) FROM items WHERE name LIKE $1",
                                                1};
static const struct rt_db_statement st_bad = {"t_bad", "SELECT a FROM no_such_table WHERE a = $1", 1};
static const struct rt_db_statement st_sleep = {"t_sleep", "SELECT pg_sleep($1::float8)", 1};
static const struct rt_db_statement st_one = {"t_one", "SELECT 1", 0};
static const struct rt_db_statement st_length = {"t_length", "SELECT length($1)", 1};

/* What a callback saw. */
struct req {
    int calls;
    enum rt_db_status status;
    char error[256];
    int rows, cols;
    char v0[64]; /* row 0, col 0 */
    int v0_null;
    int v1_null; /* row 0, col 1 */
    uint64_t done_ns;
};

static int in_query;        /* set around backend->query(): a callback seeing it ran too early */
static int reentrant_calls; /* callbacks that ran inside query() */

static void on_result(const struct rt_db_result *r, void *arg)
{
    struct req *q = arg;
    const char *v = NULL;
    int64_t i;

    if (in_query)
        reentrant_calls++;
    q->calls++;
    q->status = r->status;
    snprintf(q->error, sizeof(q->error), "%s", r->error);
    q->rows = r->rows;
    q->cols = r->cols;
    q->done_ns = rt_time_mono_ns();
    if (r->rows > 0 && r->cols > 0) {
        q->v0_null = rt_db_result_is_null(r, 0, 0);
        if (rt_db_result_int64(r, 0, 0, &i) == RT_DB_VALUE_OK)
            snprintf(q->v0, sizeof(q->v0), "%lld", (long long)i);
        else if (rt_db_result_text(r, 0, 0, &v) == RT_DB_VALUE_OK)
            snprintf(q->v0, sizeof(q->v0), "%s", v);
        q->v1_null = r->cols > 1 && rt_db_result_is_null(r, 0, 1);
    }
}

static int submit(void *loop, const struct rt_db_statement *st, const char *const *params, struct req *q)
{
    int rc;

    memset(q, 0, sizeof(*q));
    in_query = 1;
    rc = rt_db_pg_backend.query(loop, st, params, on_result, q);
    in_query = 0;
    return rc;
}

/* Run @base until every one of @n requests has its callback, or @timeout_ms passes.  1 if all done. */
static int wait_all(struct event_base *base, struct req *reqs, int n, int timeout_ms)
{
    uint64_t end = rt_time_mono_ns() + (uint64_t)timeout_ms * 1000000u;
    int i;

    for (;;) {
        for (i = 0; i < n && reqs[i].calls > 0; i++)
            ;
        if (i == n)
            return 1;
        if (rt_time_mono_ns() > end)
            return 0;
        event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
        usleep(200);
    }
}

/* Run @base for @ms milliseconds. */
static void run_for(struct event_base *base, int ms)
{
    uint64_t end = rt_time_mono_ns() + (uint64_t)ms * 1000000u;

    while (rt_time_mono_ns() < end) {
        event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
        usleep(200);
    }
}

/* --- the scratch database --- */

/* @url with dbname replaced by @dbname, as a key=value conninfo (malloc'd). */
static char *conninfo_with_dbname(const char *url, const char *dbname)
{
    PQconninfoOption *opts, *o;
    char *errmsg = NULL, *out;
    size_t len = 0, cap = 1024;

    opts = PQconninfoParse(url, &errmsg);
    if (opts == NULL) {
        fprintf(stderr, "# bad ASYNC_DEMO_TEST_PG_URL: %s", errmsg ? errmsg : "out of memory\n");
        PQfreemem(errmsg);
        return NULL;
    }
    out = malloc(cap);
    out[0] = '\0';
    for (o = opts; o->keyword != NULL; o++) {
        const char *val = strcmp(o->keyword, "dbname") == 0 ? dbname : o->val;
        const char *p;

        if (val == NULL)
            continue;
        if (len + strlen(o->keyword) + 2 * strlen(val) + 8 > cap) {
            cap = 2 * cap + 2 * strlen(val) + 64;
            out = realloc(out, cap);
        }
        len += (size_t)sprintf(out + len, "%s%s='", len ? " " : "", o->keyword);
        for (p = val; *p; p++) {
            if (*p == '\'' || *p == '\\')
                out[len++] = '\\';
            out[len++] = *p;
        }
        out[len++] = '\'';
        out[len] = '\0';
    }
    PQconninfoFree(opts);
    return out;
}

static int admin_exec(const char *url, const char *sql)
{
    PGconn *conn = PQconnectdb(url);
    PGresult *res = NULL;
    int ok = 0;

    if (PQstatus(conn) != CONNECTION_OK) {
        fprintf(stderr, "# cannot connect to ASYNC_DEMO_TEST_PG_URL: %s", PQerrorMessage(conn));
        goto done;
    }
    res = PQexec(conn, sql);
    ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
    if (!ok)
        fprintf(stderr, "# %s: %s", sql, PQresultErrorMessage(res));
done:
    PQclear(res);
    PQfinish(conn);
    return ok;
}

/* The first value of @sql's first row on @target, as an integer (-1 on error). */
static long scalar(const char *target, const char *sql)
{
    PGconn *conn = PQconnectdb(target);
    PGresult *res = PQexec(conn, sql);
    long v = -1;

    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        v = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    PQfinish(conn);
    return v;
}

static void db_init(struct rt_db *db, char *target, const struct rt_db_schema *s, size_t n)
{
    memset(db, 0, sizeof(*db));
    db->backend = &rt_db_pg_backend;
    db->target = target;
    db->display_url = "postgresql://(test)";
    db->url = target;
    db->settings.url = target;
    db->settings.pool_size = 2;
    db->settings.acquire_timeout_ms = 2000;
    db->settings.connect_timeout_ms = 2000;
    db->settings.schemas = s;
    db->settings.n_schemas = n;
}

/* --- open(): migrations --- */

struct open_arg {
    char *target;
    int rc;
    char err[256];
};

static void *open_thread(void *p)
{
    struct open_arg *a = p;
    struct rt_db db;

    db_init(&db, a->target, schemas, 2);
    a->rc = rt_db_pg_backend.open(&db, a->err, sizeof(a->err));
    if (a->rc == 0)
        rt_db_pg_backend.close(&db);
    return NULL;
}

static void test_migrations(char *target)
{
    struct open_arg args[4];
    pthread_t th[4];
    struct rt_db db;
    char err[256] = "";
    int i, all_ok = 1;

    /* four instances starting at once on an empty database: the advisory lock lets one migrate */
    for (i = 0; i < 4; i++) {
        args[i].target = target;
        args[i].err[0] = '\0';
        pthread_create(&th[i], NULL, open_thread, &args[i]);
    }
    for (i = 0; i < 4; i++) {
        pthread_join(th[i], NULL);
        if (args[i].rc != 0) {
            all_ok = 0;
            fprintf(stderr, "# open %d: %s\n", i, args[i].err);
        }
    }
    CHECK(all_ok);
    CHECK(scalar(target, "SELECT count(*) FROM schema_migrations") == 3);
    CHECK(scalar(target, "SELECT count(*) FROM once") == 1);

    /* a second open is a no-op */
    db_init(&db, target, schemas, 2);
    CHECK(rt_db_pg_backend.open(&db, err, sizeof(err)) == 0);
    rt_db_pg_backend.close(&db);
    CHECK(scalar(target, "SELECT count(*) FROM schema_migrations") == 3);
    CHECK(scalar(target, "SELECT count(*) FROM once") == 1);
    CHECK(scalar(target,
                 "SELECT count(*) FROM schema_migrations WHERE applied_at LIKE '____-__-__T__:__:__%Z'") ==
          3);
    CHECK(scalar(target, "SELECT count(*) FROM schema_migrations WHERE module = 'notes' AND version = 1") ==
          1);
    CHECK(scalar(target, "SELECT count(*) FROM pg_tables WHERE tablename = 'schema_version'") == 0);

    /* a failing migration is rolled back whole and reported */
    db_init(&db, target, bad_schemas, 2);
    CHECK(rt_db_pg_backend.open(&db, err, sizeof(err)) == -1);
    CHECK(strstr(err, "items migration 3 (half a migration)") != NULL &&
          strstr(err, "no_such_function") != NULL);
    CHECK(db.state == NULL);
    CHECK(scalar(target, "SELECT count(*) FROM schema_migrations") == 3);
    CHECK(scalar(target, "SELECT count(*) FROM pg_tables WHERE tablename = 'half'") == 0);
}

/*
 * A database from builds that numbered versions across modules: items'
 * first migration recorded as version 1 of schema_version.  It is taken
 * over (running it again would fail: the table exists), the rest is
 * applied, and schema_version stays as it was.
 */
static void test_upgrade(const char *url, const char *scratch)
{
    char dbname[96], sql[160], err[256] = "";
    char *target = NULL;
    struct rt_db db;

    snprintf(dbname, sizeof(dbname), "%s_legacy", scratch);
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", dbname);
    target = conninfo_with_dbname(url, dbname);
    CHECK(target != NULL && admin_exec(url, sql));
    if (target == NULL)
        return;
    CHECK(admin_exec(target,
                     "CREATE TABLE schema_version (version integer PRIMARY KEY, description text NOT NULL, "
                     "applied_at text NOT NULL);"
                     "INSERT INTO schema_version VALUES (1, 'items', '2025-01-01T00:00:00.000Z')"));
    CHECK(admin_exec(target, migrations[0].postgres_sql));
    db_init(&db, target, schemas, 2);
    CHECK(rt_db_pg_backend.open(&db, err, sizeof(err)) == 0);
    if (err[0] != '\0')
        printf("# %s\n", err);
    if (db.state != NULL)
        rt_db_pg_backend.close(&db);
    CHECK(scalar(target, "SELECT count(*) FROM schema_migrations") == 3);
    CHECK(scalar(target, "SELECT count(*) FROM schema_migrations WHERE module = 'items' AND version = 1 "
                         "AND applied_at = '2025-01-01T00:00:00.000Z'") == 1);
    CHECK(scalar(target, "SELECT count(*) FROM once") == 1);
    CHECK(scalar(target, "SELECT count(*) FROM schema_version") == 1);
    /* started again: nothing to do */
    db_init(&db, target, schemas, 2);
    CHECK(rt_db_pg_backend.open(&db, err, sizeof(err)) == 0);
    if (db.state != NULL)
        rt_db_pg_backend.close(&db);
    CHECK(scalar(target, "SELECT count(*) FROM schema_migrations") == 3);
    snprintf(sql, sizeof(sql), "DROP DATABASE %s WITH (FORCE)", dbname);
    CHECK(admin_exec(url, sql));
    free(target);
}

static void test_open_errors(void)
{
    char target[] = "host=127.0.0.1 port=1 user=someone password=sekrit-pw dbname=x";
    char err[512] = "";
    struct rt_db db;

    db_init(&db, target, schemas, 2);
    db.display_url = "postgresql://someone:***@127.0.0.1:1/x";
    CHECK(rt_db_pg_backend.open(&db, err, sizeof(err)) == -1);
    CHECK(err[0] != '\0' && strstr(err, "sekrit-pw") == NULL);
    CHECK(strstr(err, "postgresql://someone:***@127.0.0.1:1/x") != NULL);
    printf("# open error: %s\n", err);
}

/* --- statements on a loop --- */

static void test_round_trip(struct event_base *base, void *loop)
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

static void test_concurrent(struct event_base *base, void *loop, const char *target)
{
    static struct req r[N_CONCURRENT];
    char names[N_CONCURRENT][24];
    int i, ok = 0, submitted = 0, once = 1;
    uint64_t t0 = rt_time_mono_ns();

    for (i = 0; i < N_CONCURRENT; i++) {
        const char *p[2];

        snprintf(names[i], sizeof(names[i]), "bulk-%d", i);
        p[0] = names[i];
        p[1] = i % 2 ? "odd" : NULL;
        submitted += submit(loop, &st_insert, p, &r[i]) == 0;
    }
    CHECK(submitted == N_CONCURRENT);
    CHECK(wait_all(base, r, N_CONCURRENT, 20000));
    for (i = 0; i < N_CONCURRENT; i++) {
        ok += r[i].status == RT_DB_OK;
        once &= r[i].calls == 1;
    }
    CHECK(ok == N_CONCURRENT);
    CHECK(once);
    CHECK(scalar(target, "SELECT count(*) FROM items WHERE name LIKE 'bulk-%'") == N_CONCURRENT);
    printf("# %d inserts over 2 connections in %.0f ms\n", N_CONCURRENT, (rt_time_mono_ns() - t0) / 1e6);
    {
        const char *p[] = {"bulk-%"};
        struct req c;

        CHECK(submit(loop, &st_count, p, &c) == 0);
        CHECK(wait_all(base, &c, 1, 5000));
        CHECK(c.status == RT_DB_OK && strcmp(c.v0, "500") == 0);
    }
}

/*
 * Far more to send than the socket buffers hold (64 x 256 KiB): PQflush
 * returns 1 and the rest goes out on write-ready, while results are read.
 */
static void test_large(struct event_base *base, void *loop)
{
    static struct req r[64];
    size_t size = 256 * 1024;
    char *big = malloc(size + 1);
    const char *p[1];
    int i, ok = 0;

    memset(big, 'x', size);
    big[size] = '\0';
    p[0] = big;
    for (i = 0; i < 64; i++)
        submit(loop, &st_length, p, &r[i]);
    free(big); /* parameters are copied */
    CHECK(wait_all(base, r, 64, 20000));
    for (i = 0; i < 64; i++)
        ok += r[i].status == RT_DB_OK && strcmp(r[i].v0, "262144") == 0;
    CHECK(ok == 64);
}

/* A slow statement on one connection does not hold up statements that the other one can take. */
static void test_slow(struct event_base *base, void *loop)
{
    const char *p_sleep[] = {"1"};
    struct req slow, quick[20];
    uint64_t t0 = rt_time_mono_ns(), quick_done;
    int i, all = 1;

    CHECK(submit(loop, &st_sleep, p_sleep, &slow) == 0);
    run_for(base, 20); /* let it go out */
    for (i = 0; i < 20; i++) {
        if (submit(loop, &st_one, NULL, &quick[i]) != 0 || !wait_all(base, &quick[i], 1, 3000))
            all = 0;
        all &= quick[i].status == RT_DB_OK;
    }
    quick_done = rt_time_mono_ns();
    CHECK(all);
    CHECK(slow.calls == 0);
    CHECK(quick_done - t0 < 500000000u);
    CHECK(wait_all(base, &slow, 1, 5000));
    CHECK(slow.status == RT_DB_OK && slow.done_ns - t0 >= 900000000u);
    printf("# 20 quick statements in %.0f ms beside a 1 s one\n", (quick_done - t0) / 1e6);
}

/* loop_free answers what is in flight and what waits, exactly once, with RT_DB_UNAVAILABLE. */
static void test_loop_free(struct rt_db *db, struct event_base *base)
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

/*
 * With no server to reach, statements wait acquire_timeout_ms and get
 * RT_DB_UNAVAILABLE.  open() needs a server, so open on the real one and
 * then rewrite the target text in place: the loops connect to whatever
 * db->target says when they start (the backend keeps the pointer).
 */
static void test_acquire_timeout(const char *target, struct event_base *base)
{
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

/* The same values from a session in another time zone: timestamps still come out in UTC. */
static void test_typed_other_zone(const char *target, struct event_base *base)
{
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
static void test_restart(struct event_base *base, void *loop, const char *cmd)
{
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

int main(void)
{
    const char *url = getenv("ASYNC_DEMO_TEST_PG_URL");
    const char *restart_cmd = getenv("ASYNC_DEMO_TEST_PG_RESTART_CMD");
    char dbname[64], sql[160];
    char *target = NULL;
    struct event_base *base = NULL;
    struct rt_db db;
    char err[256] = "";
    void *loop = NULL;

    if (url == NULL || url[0] == '\0') {
        printf("1..0 # SKIP ASYNC_DEMO_TEST_PG_URL is not set\n");
        return 77;
    }
    rt_log_set_level(getenv("ASYNC_DEMO_TEST_DEBUG") ? RT_LOG_DEBUG : RT_LOG_WARNING);
    snprintf(dbname, sizeof(dbname), "async_demo_test_pg_%ld", (long)getpid());
    target = conninfo_with_dbname(url, dbname);
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", dbname);
    if (target == NULL || !admin_exec(url, sql)) {
        free(target);
        return 1;
    }

    test_open_errors();
    test_migrations(target);
    test_upgrade(url, dbname);

    base = event_base_new();
    db_init(&db, target, schemas, 2);
    CHECK(rt_db_pg_backend.open(&db, err, sizeof(err)) == 0);
    loop = rt_db_pg_backend.loop_new(&db, base);
    CHECK(loop != NULL);
    if (loop != NULL) {
        test_round_trip(base, loop);
        check_typed(base, loop, "default");
        test_concurrent(base, loop, target);
        test_large(base, loop);
        test_slow(base, loop);
        if (restart_cmd != NULL && restart_cmd[0] != '\0')
            test_restart(base, loop, restart_cmd);
        else
            printf("# restart not tested: ASYNC_DEMO_TEST_PG_RESTART_CMD is not set\n");
        rt_db_pg_backend.loop_free(loop);
    }
    test_loop_free(&db, base);
    rt_db_pg_backend.close(&db);
    test_acquire_timeout(target, base);
    test_typed_other_zone(target, base);
    CHECK(reentrant_calls == 0);

    event_base_free(base);
    snprintf(sql, sizeof(sql), "DROP DATABASE %s WITH (FORCE)", dbname);
    CHECK(admin_exec(url, sql));
    free(target);
    return test_done();
}

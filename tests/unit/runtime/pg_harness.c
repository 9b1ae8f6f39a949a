/*
 * What the rt_db_pg tests share (see pg_harness.h).
 */
#include "pg_harness.h"

#include "rt_log.h"
#include "rt_mem.h"
#include "rt_time.h"

#include <libpq-fe.h>

#include <string.h>
#include <unistd.h>

/* --- the schema --- */

/* The items module's migrations; its first was version 1 when versions were numbered across modules. */
const struct rt_db_migration migrations[2] = {
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

const struct rt_db_schema schemas[2] = {{"items", migrations, 2}, {"notes", notes_migrations, 1}};
const struct rt_db_schema bad_schemas[2] = {{"items", bad_migrations, 3}, {"notes", notes_migrations, 1}};

/* --- statements --- */

const struct rt_db_statement st_insert = {"t_insert",
                                          "INSERT INTO items (name, note) VALUES ($1, $2) RETURNING id", 2};
const struct rt_db_statement st_sleep = {"t_sleep", "SELECT pg_sleep($1::float8)", 1};
const struct rt_db_statement st_one = {"t_one", "SELECT 1", 0};

/* --- statements on a loop --- */

static int in_query; /* set around backend->query(): a callback seeing it ran too early */
int reentrant_calls;

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

int submit(void *loop, const struct rt_db_statement *st, const char *const *params, struct req *q)
{
    int rc;

    memset(q, 0, sizeof(*q));
    in_query = 1;
    rc = rt_db_pg_backend.query(loop, st, params, on_result, q);
    in_query = 0;
    return rc;
}

/* Run @base until every one of @n requests has its callback, or @timeout_ms passes.  1 if all done. */
int wait_all(struct event_base *base, struct req *reqs, int n, int timeout_ms)
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
void run_for(struct event_base *base, int ms)
{
    uint64_t end = rt_time_mono_ns() + (uint64_t)ms * 1000000u;

    while (rt_time_mono_ns() < end) {
        event_base_loop(base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
        usleep(200);
    }
}

/* --- the scratch database --- */

char *conninfo_with_dbname(const char *url, const char *dbname)
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
    out = rt_xmalloc(cap); /* out of memory aborts */
    out[0] = '\0';
    for (o = opts; o->keyword != NULL; o++) {
        const char *val = strcmp(o->keyword, "dbname") == 0 ? dbname : o->val;
        const char *p;

        if (val == NULL)
            continue;
        if (len + strlen(o->keyword) + 2 * strlen(val) + 8 > cap) {
            cap = 2 * cap + 2 * strlen(val) + 64;
            out = rt_xrealloc(out, cap);
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

int admin_exec(const char *url, const char *sql)
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
long scalar(const char *target, const char *sql)
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

void db_init(struct rt_db *db, char *target, const struct rt_db_schema *s, size_t n)
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

const char *pg_url;
const char *pg_restart_cmd;
char pg_dbname[64];
char *pg_target;
struct event_base *pg_base;

int pg_test_setup(void)
{
    char sql[160];

    pg_url = getenv("ASYNC_DEMO_TEST_PG_URL");
    pg_restart_cmd = getenv("ASYNC_DEMO_TEST_PG_RESTART_CMD");
    if (pg_restart_cmd != NULL && pg_restart_cmd[0] == '\0')
        pg_restart_cmd = NULL;
    if (pg_url == NULL || pg_url[0] == '\0') {
        printf("1..0 # SKIP ASYNC_DEMO_TEST_PG_URL is not set\n");
        return 77;
    }
    rt_log_set_level(getenv("ASYNC_DEMO_TEST_DEBUG") ? RT_LOG_DEBUG : RT_LOG_WARNING);
    snprintf(pg_dbname, sizeof(pg_dbname), "async_demo_test_pg_%ld", (long)getpid());
    pg_target = conninfo_with_dbname(pg_url, pg_dbname);
    snprintf(sql, sizeof(sql), "CREATE DATABASE %s", pg_dbname);
    if (pg_target == NULL || !admin_exec(pg_url, sql)) {
        free(pg_target);
        return 1;
    }
    pg_base = event_base_new();
    return pg_base != NULL ? 0 : 1;
}

bool pg_test_teardown(void)
{
    char sql[160];
    bool dropped;

    event_base_free(pg_base);
    pg_base = NULL;
    snprintf(sql, sizeof(sql), "DROP DATABASE %s WITH (FORCE)", pg_dbname);
    dropped = admin_exec(pg_url, sql);
    free(pg_target);
    pg_target = NULL;
    return dropped;
}

/*
 * rt_db_sqlite: the SQLite backend, driven through its rt_db_backend
 * operations (rt_db_internal.h) on real libevent loops: migrations (per
 * module, and the upgrade from versions numbered across modules),
 * round trips, error mapping, batching, two loops on two threads, and
 * rt_db_loop_free with statements pending.  Databases live in a fresh
 * temporary directory, removed at the end.
 */
#include "test.h"

#include "rt_db_sqlite_internal.h"
#include "rt_log.h"
#include "rt_mem.h"

#include <event2/event.h>
#include <event2/thread.h>
#include <sqlite3.h>

#include <dirent.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define MAX_VALUES 16

static char tmpdir[64];

/* --- the schema: two modules, each numbering its migrations from 1 --- */

/* The users module.  Its migration 1 was version 1 when versions were numbered across modules. */
static const struct rt_db_migration users_migrations[] = {
    {1, "users",
     "CREATE TABLE users (id integer primary key, email text not null unique, name text, age integer);\n"
     "CREATE TRIGGER users_rollback BEFORE INSERT ON users WHEN NEW.email = 'rollback@example.com'\n"
     "BEGIN SELECT RAISE(ROLLBACK, 'rolled back by trigger'); END;",
     "unused", 1},
    /* would fail on the unique email if it ran twice */
    {2, "a seed user", "INSERT INTO users (email, name) VALUES ('seed@example.com', 'Seed');", "unused", 0},
};

/* The posts module.  Its migration 1 was version 2 when versions were numbered across modules. */
static const struct rt_db_migration posts_migrations[] = {
    {1, "posts",
     "CREATE TABLE posts (id integer primary key, user_id integer not null references users(id), title "
     "text);",
     "unused", 2},
    {2, "an index", "CREATE INDEX posts_user ON posts (user_id);", "unused", 0},
};

static const struct rt_db_migration broken_posts[] = {
    posts_migrations[0],
    posts_migrations[1],
    {3, "half broken", "CREATE TABLE t3 (x integer); INSERT INTO nope VALUES (1);", "unused", 0},
};

static const struct rt_db_migration unordered_posts[] = {
    posts_migrations[1],
    posts_migrations[0],
};

/* What the other tests run on: both modules, all their migrations. */
static const struct rt_db_schema schema[] = {{"users", users_migrations, 2}, {"posts", posts_migrations, 2}};
static const struct rt_db_schema users_only[] = {{"users", users_migrations, 1}};

/* --- statements --- */

static const struct rt_db_statement insert_user = {
    "test_insert_user", "INSERT INTO users (email, name, age) VALUES ($1, $2, $3) RETURNING id", 3};
static const struct rt_db_statement insert_user_id = {"test_insert_user_id",
                                                      "INSERT INTO users (id, email) VALUES ($1, $2)", 2};
static const struct rt_db_statement insert_two_fail = {
    "test_insert_two_fail", "INSERT OR FAIL INTO users (email) VALUES ($1), ($2)", 2};
static const struct rt_db_statement get_user = {
    "test_get_user", "SELECT email, name, age, typeof(age) FROM users WHERE id = $1", 1};
static const struct rt_db_statement count_users = {"test_count_users",
                                                   "SELECT count(*) FROM users WHERE email LIKE $1", 1};
static const struct rt_db_statement insert_post = {"test_insert_post",
                                                   "INSERT INTO posts (user_id, title) VALUES ($1, $2)", 2};
static const struct rt_db_statement literals = {
    "test_literals", "SELECT '$1 it''s', $1 /* $2 */, \"$1\" -- $2\n FROM (SELECT 7 AS \"$1\")", 1};
static const struct rt_db_statement echo2 = {"test_echo2", "SELECT $2, $1, $1 IS NULL", 2};
static const struct rt_db_statement versions = {"test_versions",
                                                "SELECT module || '/' || version, description, applied_at "
                                                "FROM schema_migrations ORDER BY module, version",
                                                0};
static const struct rt_db_statement legacy_versions = {"test_legacy_versions",
                                                       "SELECT count(*) FROM schema_version", 0};
static const struct rt_db_statement table_exists = {
    "test_table_exists", "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = $1", 1};
static const struct rt_db_statement journal_mode = {"test_journal_mode", "PRAGMA journal_mode", 0};
static const struct rt_db_statement foreign_keys = {"test_foreign_keys", "PRAGMA foreign_keys", 0};
static const struct rt_db_statement bad_sql = {"test_bad_sql", "SELECT * FROM no_such_table", 0};
static const struct rt_db_statement too_many = {"test_too_many", "SELECT $1, $2", 1};
static const struct rt_db_statement two_statements = {"test_two", "SELECT 1; SELECT 2", 0};
static const struct rt_db_statement commit = {"test_commit", "  commit", 0};
static const struct rt_db_statement empty_rows = {"test_empty", "SELECT id, email FROM users WHERE 0", 0};

/* --- helpers --- */

/* What a callback saw. */
struct answer {
    int calls;
    enum rt_db_status status;
    char error[256];
    int rows, cols;
    char *values[MAX_VALUES]; /* row-major, copies; NULL for SQL NULL */
    pthread_t thread;
    struct event_base *stop; /* loopbreak this base when called, if set */
};

/* A loop with the backend attached. */
struct env {
    struct rt_db *db;
    struct event_base *base;
    struct event *keepalive; /* a persistent timer, so dispatch does not return for lack of events */
    void *loop;
};

static void answer_clear(struct answer *a)
{
    int i;

    for (i = 0; i < MAX_VALUES; i++)
        free(a->values[i]);
    memset(a, 0, sizeof(*a));
}

/* A copy of the value at (@row, @col) as text, read with the typed accessors: NULL for SQL NULL. */
static char *cell_text(const struct rt_db_result *r, int row, int col)
{
    char buf[64];
    const char *text;
    int64_t i;
    double d;

    if (rt_db_result_int64(r, row, col, &i) == RT_DB_VALUE_OK) {
        snprintf(buf, sizeof(buf), "%lld", (long long)i);
        return strdup(buf);
    }
    if (rt_db_result_double(r, row, col, &d) == RT_DB_VALUE_OK) {
        snprintf(buf, sizeof(buf), "%g", d);
        return strdup(buf);
    }
    return rt_db_result_text(r, row, col, &text) == RT_DB_VALUE_OK ? strdup(text) : NULL;
}

static void on_answer(const struct rt_db_result *r, void *arg)
{
    struct answer *a = arg;
    int row, col, i = 0;

    a->calls++;
    a->status = r->status;
    snprintf(a->error, sizeof(a->error), "%s", r->error);
    a->rows = r->rows;
    a->cols = r->cols;
    a->thread = pthread_self();
    for (row = 0; row < r->rows; row++) {
        for (col = 0; col < r->cols && i < MAX_VALUES; col++, i++) {
            free(a->values[i]);
            a->values[i] = cell_text(r, row, col);
        }
    }
    if (a->stop != NULL)
        event_base_loopbreak(a->stop);
}

static void on_keepalive(evutil_socket_t fd, short what, void *arg)
{
}

static int env_init(struct env *e, struct rt_db *db)
{
    struct timeval tv = {3600, 0};

    memset(e, 0, sizeof(*e));
    e->db = db;
    e->base = event_base_new();
    if (e->base == NULL)
        return -1;
    e->keepalive = event_new(e->base, -1, EV_PERSIST, on_keepalive, NULL);
    if (e->keepalive == NULL || event_add(e->keepalive, &tv) != 0)
        return -1;
    e->loop = db->backend->loop_new(db, e->base);
    return e->loop != NULL ? 0 : -1;
}

static void env_cleanup(struct env *e)
{
    if (e->loop != NULL)
        e->db->backend->loop_free(e->loop);
    if (e->keepalive != NULL)
        event_free(e->keepalive);
    if (e->base != NULL)
        event_base_free(e->base);
    memset(e, 0, sizeof(*e));
}

/* Run @stmt with @params on @e and wait for the answer (cleared first) in @a. */
static void run(struct env *e, const struct rt_db_statement *stmt, const char *const *params,
                struct answer *a)
{
    answer_clear(a);
    a->stop = e->base;
    if (e->db->backend->query(e->loop, stmt, params, on_answer, a) != 0) {
        a->calls = -1;
        return;
    }
    while (a->calls == 0)
        event_base_dispatch(e->base);
}

/* Open @p db on a copy of @p target (db->target is owned, as rt_db owns it); close it with close_db(). */
static int open_db(struct rt_db *db, const char *target, const struct rt_db_schema *schemas, size_t n,
                   int timeout_ms, char *err, size_t errlen)
{
    memset(db, 0, sizeof(*db));
    db->backend = &rt_db_sqlite_backend;
    db->target = rt_xstrdup(target);
    db->settings.acquire_timeout_ms = timeout_ms;
    db->settings.schemas = schemas;
    db->settings.n_schemas = n;
    if (db->backend->open(db, err, errlen) == 0)
        return 0;
    free(db->target);
    db->target = NULL;
    return -1;
}

static void close_db(struct rt_db *db)
{
    db->backend->close(db);
    free(db->target);
    db->target = NULL;
}

static const char *path_in_tmp(const char *name)
{
    static char path[128];

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    return path;
}

static long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

    nanosleep(&ts, NULL);
}

static bool eq(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* A second connection that holds the write lock of a file database (what another process would do). */
static sqlite3 *lock_db(const char *path)
{
    sqlite3 *conn = NULL;

    if (sqlite3_open(path, &conn) != SQLITE_OK ||
        sqlite3_exec(conn, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_close(conn);
        return NULL;
    }
    return conn;
}

static void unlock_db(sqlite3 *conn)
{
    if (conn == NULL)
        return;
    sqlite3_exec(conn, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(conn);
}

/* --- tests --- */

static void test_migrations(void)
{
    const char *path = path_in_tmp("migrations.db");
    const struct rt_db_schema first[] = {{"users", users_migrations, 2}, {"posts", posts_migrations, 1}};
    const struct rt_db_schema broken[] = {{"users", users_migrations, 2}, {"posts", broken_posts, 3}};
    const struct rt_db_schema unordered[] = {{"users", users_migrations, 2}, {"posts", unordered_posts, 2}};
    const struct rt_db_schema twice[] = {{"users", users_migrations, 1}, {"users", users_migrations + 1, 1}};
    struct rt_db db;
    struct env e;
    struct answer a = {0};
    char err[256] = "";
    char applied_at[64] = "";
    const char *users[] = {"users"};
    const char *t3[] = {"t3"};
    const char *legacy[] = {"schema_version"};

    /* First start: users 1 and 2, posts 1 (both modules number from 1); WAL; foreign keys on. */
    CHECK(open_db(&db, path, first, 2, 0, err, sizeof(err)) == 0);
    CHECK(env_init(&e, &db) == 0);
    run(&e, &versions, NULL, &a);
    CHECK(a.calls == 1 && a.status == RT_DB_OK && a.rows == 3 && a.cols == 3);
    CHECK(eq(a.values[0], "posts/1") && eq(a.values[1], "posts"));
    CHECK(eq(a.values[3], "users/1") && eq(a.values[6], "users/2") && eq(a.values[7], "a seed user"));
    CHECK(a.values[5] != NULL && strlen(a.values[5]) == 24 &&
          a.values[5][10] == 'T'); /* 2026-01-02T03:04:05.678Z */
    snprintf(applied_at, sizeof(applied_at), "%s", a.values[5] ? a.values[5] : "");
    run(&e, &table_exists, legacy, &a); /* a new database has no schema_version */
    CHECK(a.status == RT_DB_OK && eq(a.values[0], "0"));
    run(&e, &journal_mode, NULL, &a);
    CHECK(a.status == RT_DB_OK && eq(a.values[0], "wal"));
    run(&e, &foreign_keys, NULL, &a);
    CHECK(a.status == RT_DB_OK && eq(a.values[0], "1"));
    env_cleanup(&e);
    close_db(&db);

    /* Restart: a no-op (users 2 would fail on its seed row if it ran again). */
    CHECK(open_db(&db, path, first, 2, 0, err, sizeof(err)) == 0);
    CHECK(env_init(&e, &db) == 0);
    run(&e, &versions, NULL, &a);
    CHECK(a.status == RT_DB_OK && a.rows == 3 && eq(a.values[5], applied_at));
    env_cleanup(&e);
    close_db(&db);

    /* A failing migration: open fails, nothing of it stays, earlier ones stay. */
    CHECK(open_db(&db, path, broken, 2, 0, err, sizeof(err)) == -1);
    CHECK(strstr(err, "posts migration 3 (half broken)") != NULL &&
          strstr(err, "no such table: nope") != NULL);
    CHECK(db.state == NULL);
    CHECK(open_db(&db, path, unordered, 2, 0, err, sizeof(err)) == -1);
    CHECK(strstr(err, "posts migration 1: versions must increase") != NULL);
    CHECK(open_db(&db, path, twice, 2, 0, err, sizeof(err)) == -1);
    CHECK(strstr(err, "module users: its migrations are listed twice") != NULL);

    /* A new migration is applied, only it. */
    CHECK(open_db(&db, path, schema, 2, 0, err, sizeof(err)) == 0);
    CHECK(env_init(&e, &db) == 0);
    run(&e, &versions, NULL, &a);
    CHECK(a.status == RT_DB_OK && a.rows == 4 && eq(a.values[3], "posts/2") && eq(a.values[4], "an index"));
    CHECK(eq(a.values[6], "users/1") && eq(a.values[8], applied_at));
    run(&e, &table_exists, t3, &a);
    CHECK(a.status == RT_DB_OK && eq(a.values[0], "0"));
    run(&e, &table_exists, users, &a);
    CHECK(a.status == RT_DB_OK && eq(a.values[0], "1"));
    run(&e, &count_users, (const char *const[]){"seed@%"}, &a);
    CHECK(a.status == RT_DB_OK && eq(a.values[0], "1"));
    env_cleanup(&e);
    close_db(&db);

    /* A database that cannot be opened. */
    CHECK(open_db(&db, "/nonexistent-dir/x.db", users_only, 1, 0, err, sizeof(err)) == -1);
    CHECK(strstr(err, "cannot open SQLite database /nonexistent-dir/x.db") != NULL);
    answer_clear(&a);
}

/*
 * A database as builds with versions numbered across modules left it:
 * users' first migration recorded in schema_version as version 1, and (if
 * @with_posts) posts' first as version 2; and a user.  0, or -1.
 */
static int make_legacy_db(const char *path, bool with_posts)
{
    sqlite3 *conn = NULL;
    int rc = sqlite3_open(path, &conn);

    if (rc == SQLITE_OK)
        rc = sqlite3_exec(
            conn,
            "CREATE TABLE schema_version (version integer primary key, description text not null, "
            "applied_at text not null);"
            "INSERT INTO schema_version VALUES (1, 'users', '2025-01-01T00:00:00.000Z');",
            NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(conn, users_migrations[0].sqlite_sql, NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(conn, "INSERT INTO users (email) VALUES ('old@example.com')", NULL, NULL, NULL);
    if (rc == SQLITE_OK && with_posts)
        rc = sqlite3_exec(conn, posts_migrations[0].sqlite_sql, NULL, NULL, NULL);
    if (rc == SQLITE_OK && with_posts)
        rc = sqlite3_exec(conn, "INSERT INTO schema_version VALUES (2, 'posts', '2025-01-02T00:00:00.000Z')",
                          NULL, NULL, NULL);
    sqlite3_close(conn);
    return rc == SQLITE_OK ? 0 : -1;
}

static void test_upgrade(void)
{
    const char *path = path_in_tmp("legacy.db");
    const char *posts[] = {"posts"};
    struct rt_db db;
    struct env e;
    struct answer a = {0};
    char err[256] = "";

    /*
     * Both first migrations recorded the old way: taken over with their
     * applied_at, not run again (their CREATE TABLE would fail); the newer
     * ones run.  schema_version stays as it was.
     */
    CHECK(make_legacy_db(path, true) == 0);
    CHECK(open_db(&db, path, schema, 2, 0, err, sizeof(err)) == 0);
    if (err[0] != '\0')
        printf("# %s\n", err);
    CHECK(env_init(&e, &db) == 0);
    run(&e, &versions, NULL, &a);
    CHECK(a.status == RT_DB_OK && a.rows == 4);
    CHECK(eq(a.values[0], "posts/1") && eq(a.values[2], "2025-01-02T00:00:00.000Z"));
    CHECK(eq(a.values[3], "posts/2") && !eq(a.values[5], "2025-01-02T00:00:00.000Z"));
    CHECK(eq(a.values[6], "users/1") && eq(a.values[8], "2025-01-01T00:00:00.000Z"));
    CHECK(eq(a.values[9], "users/2"));
    run(&e, &count_users, (const char *const[]){"%"}, &a); /* the old user, and the seed */
    CHECK(a.status == RT_DB_OK && eq(a.values[0], "2"));
    run(&e, &legacy_versions, NULL, &a);
    CHECK(a.status == RT_DB_OK && eq(a.values[0], "2"));
    env_cleanup(&e);
    close_db(&db);

    /* Started again: nothing to do. */
    CHECK(open_db(&db, path, schema, 2, 0, err, sizeof(err)) == 0);
    CHECK(env_init(&e, &db) == 0);
    run(&e, &versions, NULL, &a);
    CHECK(a.status == RT_DB_OK && a.rows == 4 && eq(a.values[8], "2025-01-01T00:00:00.000Z"));
    env_cleanup(&e);
    close_db(&db);

    /* From before posts existed: users' first is taken over, posts' runs. */
    path = path_in_tmp("legacy-users.db");
    CHECK(make_legacy_db(path, false) == 0);
    CHECK(open_db(&db, path, schema, 2, 0, err, sizeof(err)) == 0);
    CHECK(env_init(&e, &db) == 0);
    run(&e, &versions, NULL, &a);
    CHECK(a.status == RT_DB_OK && a.rows == 4);
    CHECK(eq(a.values[0], "posts/1") && !eq(a.values[2], "2025-01-02T00:00:00.000Z"));
    CHECK(eq(a.values[6], "users/1") && eq(a.values[8], "2025-01-01T00:00:00.000Z"));
    run(&e, &table_exists, posts, &a);
    CHECK(a.status == RT_DB_OK && eq(a.values[0], "1"));
    env_cleanup(&e);
    close_db(&db);
    answer_clear(&a);
}

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

    /* Completed but not yet delivered (the loop never ran): delivered with their real outcome. */
    CHECK(env_init(&e, &db) == 0);
    pending_reset(&db, e.loop);
    CHECK(pending_submit(&db, e.loop, 10, "q") == 0);
    sleep_ms(300);
    db.backend->loop_free(e.loop);
    e.loop = NULL;
    CHECK(each_called_once(10) && pending.ok == 10);
    env_cleanup(&e);

    /* loop_free from inside one of the loop's own callbacks. */
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

static void remove_tmpdir(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *de;
    char path[512];

    while (d != NULL && (de = readdir(d)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", tmpdir, de->d_name);
        unlink(path);
    }
    if (d != NULL)
        closedir(d);
    rmdir(tmpdir);
}

int main(void)
{
    const char *base = getenv("TMPDIR");

    snprintf(tmpdir, sizeof(tmpdir), "%s/rt_db_sqlite.XXXXXX",
             base != NULL && strlen(base) < 40 ? base : "/tmp");
    if (mkdtemp(tmpdir) == NULL || evthread_use_pthreads() != 0) {
        perror("setup");
        return 1;
    }
    rt_log_set_level(RT_LOG_WARNING);
    test_migrations();
    test_upgrade();
    test_round_trip();
    test_typed();
    test_batch("batch.db", false);
    test_batch("batch-lost.db", true);
    test_busy();
    test_two_loops();
    test_loop_free_pending();
    test_queue_bound();
    remove_tmpdir();
    return test_done();
}

/*
 * What the rt_db_sqlite tests share (see sqlite_harness.h).
 */
#include "sqlite_harness.h"

#include "rt_log.h"
#include "rt_mem.h"
#include "test_loop.h"

#include <event2/thread.h>

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static char tmpdir[128];

/* --- the schema: two modules, each numbering its migrations from 1 --- */

/* The users module.  Its migration 1 was version 1 when versions were numbered across modules. */
const struct rt_db_migration users_migrations[2] = {
    {1, "users",
     "CREATE TABLE users (id integer primary key, email text not null unique, name text, age integer);\n"
     "CREATE TRIGGER users_rollback BEFORE INSERT ON users WHEN NEW.email = 'rollback@example.com'\n"
     "BEGIN SELECT RAISE(ROLLBACK, 'rolled back by trigger'); END;",
     "unused", 1},
    /* would fail on the unique email if it ran twice */
    {2, "a seed user", "INSERT INTO users (email, name) VALUES ('seed@example.com', 'Seed');", "unused", 0},
};

/* The posts module.  Its migration 1 was version 2 when versions were numbered across modules. */
const struct rt_db_migration posts_migrations[2] = {
    {1, "posts",
     "CREATE TABLE posts (id integer primary key, user_id integer not null references users(id), title "
     "text);",
     "unused", 2},
    {2, "an index", "CREATE INDEX posts_user ON posts (user_id);", "unused", 0},
};

const struct rt_db_migration broken_posts[3] = {
    posts_migrations[0],
    posts_migrations[1],
    {3, "half broken", "CREATE TABLE t3 (x integer); INSERT INTO nope VALUES (1);", "unused", 0},
};

const struct rt_db_migration unordered_posts[2] = {
    posts_migrations[1],
    posts_migrations[0],
};

/* What the other tests run on: both modules, all their migrations. */
const struct rt_db_schema schema[2] = {{"users", users_migrations, 2}, {"posts", posts_migrations, 2}};
const struct rt_db_schema users_only[1] = {{"users", users_migrations, 1}};

/* --- statements --- */

const struct rt_db_statement insert_user = {
    "test_insert_user", "INSERT INTO users (email, name, age) VALUES ($1, $2, $3) RETURNING id", 3};
const struct rt_db_statement insert_two_fail = {"test_insert_two_fail",
                                                "INSERT OR FAIL INTO users (email) VALUES ($1), ($2)", 2};
const struct rt_db_statement get_user = {"test_get_user",
                                         "SELECT email, name, age, typeof(age) FROM users WHERE id = $1", 1};
const struct rt_db_statement count_users = {"test_count_users",
                                            "SELECT count(*) FROM users WHERE email LIKE $1", 1};
const struct rt_db_statement echo2 = {"test_echo2", "SELECT $2, $1, $1 IS NULL", 2};
const struct rt_db_statement bad_sql = {"test_bad_sql", "SELECT * FROM no_such_table", 0};

/* --- helpers --- */

void answer_clear(struct answer *a)
{
    int i;

    for (i = 0; i < MAX_VALUES; i++)
        free(a->values[i]);
    memset(a, 0, sizeof(*a));
}

/* A copy of the value at (@row, @col) as text, read with the typed accessors: NULL for SQL NULL. */
char *cell_text(const struct rt_db_result *r, int row, int col)
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

void on_answer(const struct rt_db_result *r, void *arg)
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

int env_init(struct env *e, struct rt_db *db)
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

void env_cleanup(struct env *e)
{
    if (e->loop != NULL)
        e->db->backend->loop_free(e->loop);
    if (e->keepalive != NULL)
        event_free(e->keepalive);
    if (e->base != NULL)
        event_base_free(e->base);
    memset(e, 0, sizeof(*e));
}

static bool answered(void *a)
{
    return ((struct answer *)a)->calls != 0;
}

/* Run @stmt with @params on @e and wait (30 s at most) for the answer (cleared first) in @a. */
void run(struct env *e, const struct rt_db_statement *stmt, const char *const *params, struct answer *a)
{
    answer_clear(a);
    a->stop = e->base;
    if (e->db->backend->query(e->loop, stmt, params, on_answer, a) != 0) {
        a->calls = -1;
        return;
    }
    run_until(e->base, answered, a, 30000); /* no answer: calls stays 0, which the caller's checks see */
}

/* Open @p db on a copy of @p target (db->target is owned, as rt_db owns it); close it with close_db(). */
int open_db(struct rt_db *db, const char *target, const struct rt_db_schema *schemas, size_t n,
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

void close_db(struct rt_db *db)
{
    db->backend->close(db);
    free(db->target);
    db->target = NULL;
}

const char *path_in_tmp(const char *name)
{
    static char path[256];

    snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
    return path;
}

long now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000};

    nanosleep(&ts, NULL);
}

bool eq(const char *a, const char *b)
{
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* A second connection that holds the write lock of a file database (what another process would do). */
sqlite3 *lock_db(const char *path)
{
    sqlite3 *conn = NULL;

    if (sqlite3_open(path, &conn) != SQLITE_OK ||
        sqlite3_exec(conn, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        sqlite3_close(conn);
        return NULL;
    }
    return conn;
}

void unlock_db(sqlite3 *conn)
{
    if (conn == NULL)
        return;
    sqlite3_exec(conn, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(conn);
}

/* --- the temporary directory --- */

int sqlite_test_setup(const char *name)
{
    const char *base = getenv("TMPDIR");

    snprintf(tmpdir, sizeof(tmpdir), "%s/%s.XXXXXX", base != NULL && strlen(base) < 40 ? base : "/tmp", name);
    if (mkdtemp(tmpdir) == NULL || evthread_use_pthreads() != 0) {
        perror("setup");
        return -1;
    }
    rt_log_set_level(RT_LOG_WARNING);
    return 0;
}

void sqlite_test_teardown(void)
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

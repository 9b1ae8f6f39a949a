/*
 * rt_db_sqlite, migrations (sqlite_harness.h): per module, each numbering
 * its own from 1, applied once and in order, recorded with the time in
 * schema_migrations; a failing one leaves nothing of itself; a database
 * that cannot be opened; and the upgrade from databases whose versions
 * were numbered across modules (schema_version), taken over without
 * running anything again.
 */
#include "sqlite_harness.h"

#include <stdio.h>
#include <string.h>

/* --- statements on the migrations' bookkeeping and the connection --- */

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

/* --- cases --- */

static void test_migrations(void)
{
    const char *path = path_in_tmp("migrations.db");
    const struct rt_db_schema first[] = {{"users", users_migrations, 2}, {"posts", posts_migrations, 1}};
    const struct rt_db_schema broken[] = {{"users", users_migrations, 2}, {"posts", broken_posts, 3}};
    const struct rt_db_schema unordered[] = {{"users", users_migrations, 2}, {"posts", unordered_posts, 2}};
    const struct rt_db_schema twice[] = {{"users", users_migrations, 1}, {"users", users_migrations + 1, 1}};
    const struct rt_db_migration gap_posts[2] = {posts_migrations[0], broken_posts[2]};
    const struct rt_db_schema gap[] = {{"users", users_migrations, 2}, {"posts", gap_posts, 2}};
    const struct rt_db_schema claimed[] = {{"users", users_migrations, 2}, {"others", users_migrations, 1}};
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
    CHECK(strstr(err, "posts migration 2: versions must be 1, 2, 3") != NULL);
    CHECK(open_db(&db, path, gap, 2, 0, err, sizeof(err)) == -1);
    CHECK(strstr(err, "posts migration 3: versions must be 1, 2, 3") != NULL);
    CHECK(open_db(&db, path, claimed, 2, 0, err, sizeof(err)) ==
          -1); /* two modules, one old schema_version row */
    CHECK(strstr(err, "others migration 1: legacy_version 1 is negative or claimed twice") != NULL);
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
    answer_clear(&a);
}

static void test_cannot_open(void)
{
    struct rt_db db;
    char err[256] = "";

    CHECK(open_db(&db, "/nonexistent-dir/x.db", users_only, 1, 0, err, sizeof(err)) == -1);
    CHECK(strstr(err, "cannot open SQLite database /nonexistent-dir/x.db") != NULL);
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
    answer_clear(&a);
}

/* From before posts existed: users' first is taken over, posts' runs. */
static void test_upgrade_before_posts(void)
{
    const char *path = path_in_tmp("legacy-users.db");
    const char *posts[] = {"posts"};
    struct rt_db db;
    struct env e;
    struct answer a = {0};
    char err[256] = "";

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

static const struct test_case cases[] = {
    {"migrations.applied_once_per_module", test_migrations},
    {"migrations.cannot_open", test_cannot_open},
    {"upgrade.numbered_across_modules_taken_over", test_upgrade},
    {"upgrade.from_before_posts", test_upgrade_before_posts},
};

int main(int argc, char **argv)
{
    return sqlite_test_main("rt_db_sqlite_migrations", cases, TEST_N(cases), argc, argv);
}

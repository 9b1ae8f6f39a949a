/*
 * rt_db_sqlite, the database file (sqlite_harness.h): a file deleted or
 * replaced while the service has it open is noticed before the next
 * statement, and every statement from then on is refused as unavailable,
 * so that no write to a file nobody will open again is acknowledged (and
 * /health, which runs SELECT 1 through the same thread, says so).
 */
#include "sqlite_harness.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* Open @p name, write one user, let @p lose do its worst to the file, then expect every statement refused. */
static void expect_refused_after(const char *name, void (*lose)(const char *path))
{
    const char *path = path_in_tmp(name);
    char path_copy[512];
    struct rt_db db;
    struct env e;
    struct answer a = {0};
    char err[256] = "";

    snprintf(path_copy, sizeof(path_copy), "%s", path);
    CHECK(open_db(&db, path_copy, users_only, 1, 1000, err, sizeof(err)) == 0);
    CHECK(env_init(&e, &db) == 0);
    run(&e, &insert_user, (const char *const[]){"kept@example.com", NULL, NULL}, &a);
    CHECK(a.status == RT_DB_OK);
    lose(path_copy);
    run(&e, &insert_user, (const char *const[]){"lost@example.com", NULL, NULL}, &a);
    CHECK(a.status == RT_DB_UNAVAILABLE && strstr(a.error, "deleted or replaced") != NULL);
    run(&e, &count_users, (const char *const[]){"%"}, &a); /* reads too: the service is not healthy */
    CHECK(a.status == RT_DB_UNAVAILABLE);
    env_cleanup(&e);
    close_db(&db);
    answer_clear(&a);
}

static void delete_file(const char *path)
{
    CHECK(unlink(path) == 0);
}

/* Another database renamed over the path (a careless restore): the open file is no longer the one named. */
static void replace_file(const char *path)
{
    char other[600];
    FILE *f;

    snprintf(other, sizeof(other), "%s.other", path);
    f = fopen(other, "w");
    CHECK(f != NULL);
    if (f != NULL)
        fclose(f);
    CHECK(rename(other, path) == 0);
}

static void test_deleted(void)
{
    expect_refused_after("deleted.db", delete_file);
}

static void test_replaced(void)
{
    expect_refused_after("replaced.db", replace_file);
}

/* A database in memory has no file to lose: it goes on serving. */
static void test_memory_unaffected(void)
{
    struct rt_db db;
    struct env e;
    struct answer a = {0};
    char err[256] = "";
    int i;

    CHECK(open_db(&db, ":memory:", users_only, 1, 1000, err, sizeof(err)) == 0);
    CHECK(env_init(&e, &db) == 0);
    for (i = 0; i < 3; i++) {
        run(&e, &count_users, (const char *const[]){"%"}, &a);
        CHECK(a.status == RT_DB_OK);
    }
    env_cleanup(&e);
    close_db(&db);
    answer_clear(&a);
}

static const struct test_case cases[] = {
    {"file.deleted_then_unavailable", test_deleted},
    {"file.replaced_then_unavailable", test_replaced},
    {"file.memory_unaffected", test_memory_unaffected},
};

int main(int argc, char **argv)
{
    return sqlite_test_main("rt_db_sqlite_file", cases, TEST_N(cases), argc, argv);
}

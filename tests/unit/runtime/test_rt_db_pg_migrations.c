/*
 * rt_db_pg, open() and migrations against a live server (pg_harness.h):
 * four instances starting at once on an empty database (the advisory lock
 * lets one migrate), a second open a no-op, a failing migration rolled
 * back whole and reported; the upgrade from a database whose versions
 * were numbered across modules (schema_version), taken over; and an open
 * that fails without showing the password.
 */
#include "pg_harness.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

static void test_migrations(void)
{
    char *target = pg_target;
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
static void test_upgrade(void)
{
    const char *url = pg_url, *scratch = pg_dbname;
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

static const struct test_case cases[] = {
    {"open.error_hides_the_password", test_open_errors},
    {"migrations.concurrent_first_start", test_migrations},
    {"upgrade.numbered_across_modules_taken_over", test_upgrade},
};

int main(int argc, char **argv)
{
    return pg_test_main(cases, TEST_N(cases), argc, argv);
}

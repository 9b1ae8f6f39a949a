/*
 * What the rt_db_sqlite tests share: a schema of two modules, the
 * statements most cases run, a libevent loop with the backend attached
 * (driven through its rt_db_backend operations, rt_db_internal.h), a
 * callback that copies what it saw, databases in a fresh temporary
 * directory (removed at the end), and a second connection that holds the
 * write lock of a file database as another process would.
 *
 * A test file lists its cases and hands them to sqlite_test_main().
 */
#ifndef SQLITE_HARNESS_H
#define SQLITE_HARNESS_H

#include "test.h"

#include "rt_db_sqlite_internal.h"

#include <event2/event.h>
#include <sqlite3.h>

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#define MAX_VALUES 16

/* --- the schema: two modules, each numbering its migrations from 1 --- */

/* The users module.  Its migration 1 was version 1 when versions were numbered across modules. */
extern const struct rt_db_migration users_migrations[2];
/* The posts module.  Its migration 1 was version 2 when versions were numbered across modules. */
extern const struct rt_db_migration posts_migrations[2];
/* posts with a third migration that fails half-way, and with its two listed out of order */
extern const struct rt_db_migration broken_posts[3];
extern const struct rt_db_migration unordered_posts[2];

/* What most cases run on: both modules, all their migrations. */
extern const struct rt_db_schema schema[2];
extern const struct rt_db_schema users_only[1];

/* --- statements on the users and posts tables --- */

extern const struct rt_db_statement insert_user;     /* (email, name, age) RETURNING id */
extern const struct rt_db_statement insert_two_fail; /* two emails in one INSERT OR FAIL */
extern const struct rt_db_statement get_user;        /* email, name, age, typeof(age) by id */
extern const struct rt_db_statement count_users;     /* count(*) of emails LIKE $1 */
extern const struct rt_db_statement echo2;           /* SELECT $2, $1, $1 IS NULL */
extern const struct rt_db_statement bad_sql;         /* from a table that does not exist */

/* --- a loop with the backend attached, and what a callback saw --- */

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

/** Free the values of @p a and clear it. */
void answer_clear(struct answer *a);

/** A copy of the value at (@p row, @p col) as text, read with the typed accessors: NULL for SQL NULL. */
char *cell_text(const struct rt_db_result *r, int row, int col);

/** A query callback: copies what it saw into the struct answer @p arg. */
void on_answer(const struct rt_db_result *r, void *arg);

/** A new loop for @p e with @p db's backend attached.  @return 0, or -1. */
int env_init(struct env *e, struct rt_db *db);

void env_cleanup(struct env *e);

/** Run @p stmt with @p params on @p e and wait for the answer (cleared first) in @p a. */
void run(struct env *e, const struct rt_db_statement *stmt, const char *const *params, struct answer *a);

/**
 * Open @p db on a copy of @p target (db->target is owned, as rt_db owns it),
 * with @p n schemas and an acquire timeout of @p timeout_ms; close it with
 * close_db().  @return 0, or -1 with the reason in @p err.
 */
int open_db(struct rt_db *db, const char *target, const struct rt_db_schema *schemas, size_t n,
            int timeout_ms, char *err, size_t errlen);

void close_db(struct rt_db *db);

/* --- files, time, and another connection --- */

/** The path of @p name in the test's temporary directory (in a static buffer). */
const char *path_in_tmp(const char *name);

long now_ms(void);
void sleep_ms(long ms);

/** Whether @p a and @p b are both strings, and equal. */
bool eq(const char *a, const char *b);

/** A second connection that holds the write lock of a file database (what another process would do). */
sqlite3 *lock_db(const char *path);

/** Release the lock and close (NULL: nothing). */
void unlock_db(sqlite3 *conn);

/** Make the temporary directory, use pthreads in libevent.  @return 0, or -1. */
int sqlite_test_setup(const char *name);

/** Remove the temporary directory and what is in it. */
void sqlite_test_teardown(void);

/** Run the named @p cases (@p n of them; test_run()) in a temporary directory.  @return the exit status. */
static inline int sqlite_test_main(const char *name, const struct test_case *cases, size_t n, int argc,
                                   char **argv)
{
    int status;

    if (sqlite_test_setup(name) != 0)
        return 1;
    status = test_run(cases, n, argc, argv);
    sqlite_test_teardown();
    return status;
}

#endif /* SQLITE_HARNESS_H */

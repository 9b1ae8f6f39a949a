/*
 * What the rt_db_pg tests share: the PostgreSQL backend against a live
 * server, driven through its struct rt_db_backend operations on a
 * libevent loop; a schema of two modules; the statements most cases run;
 * a callback that copies what it saw (and notes a call from inside
 * query()); a scratch database per test binary.
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
 *
 * A test file lists its cases and hands them to pg_test_main().
 */
#ifndef PG_HARNESS_H
#define PG_HARNESS_H

#include "test.h"

#include "rt_db_internal.h"

#include <event2/event.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* --- the schema: items (2 migrations) and notes (1), each numbering from 1 --- */

/* The items module's migrations; its first was version 1 when versions were numbered across modules. */
extern const struct rt_db_migration migrations[2];
extern const struct rt_db_schema schemas[2];
/* The same, with a third items migration that fails half-way. */
extern const struct rt_db_schema bad_schemas[2];

/* --- statements on the items table --- */

extern const struct rt_db_statement st_insert; /* (name, note) RETURNING id */
extern const struct rt_db_statement st_sleep;  /* pg_sleep($1) */
extern const struct rt_db_statement st_one;    /* SELECT 1 */

/* --- statements on a loop --- */

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

/* Callbacks that ran inside query() (the contract says none). */
extern int reentrant_calls;

/** backend->query(@p st, @p params) on @p loop into @p q (cleared first).  @return what query() returned. */
int submit(void *loop, const struct rt_db_statement *st, const char *const *params, struct req *q);

/** Run @p base until every one of @p n requests has its callback, or @p timeout_ms passes.  1 if all done. */
int wait_all(struct event_base *base, struct req *reqs, int n, int timeout_ms);

/** Run @p base for @p ms milliseconds. */
void run_for(struct event_base *base, int ms);

/* --- the server and the scratch database --- */

/* What pg_test_main() sets up for the cases. */
extern const char *pg_url;         /* ASYNC_DEMO_TEST_PG_URL */
extern const char *pg_restart_cmd; /* ASYNC_DEMO_TEST_PG_RESTART_CMD, or NULL */
extern char pg_dbname[64];         /* the scratch database's name */
extern char *pg_target;            /* a conninfo of the scratch database */
extern struct event_base *pg_base; /* the loop every case runs on */

/** @p url with dbname replaced by @p dbname, as a key=value conninfo (malloc'd; NULL on error). */
char *conninfo_with_dbname(const char *url, const char *dbname);

/** Run @p sql on its own connection to @p url.  @return 1 if it succeeded, 0 (and says why) if not. */
int admin_exec(const char *url, const char *sql);

/** The first value of @p sql's first row on @p target, as an integer (-1 on error). */
long scalar(const char *target, const char *sql);

/** Set @p db up for rt_db_pg_backend.open() on @p target with @p n schemas (a pool of 2, 2 s timeouts). */
void db_init(struct rt_db *db, char *target, const struct rt_db_schema *s, size_t n);

/** Read the environment, create the scratch database and the loop.  @return 0, 77 (skip) or 1. */
int pg_test_setup(void);

/** Free the loop.  @return whether the scratch database was dropped. */
bool pg_test_teardown(void);

/* --- a session: the scratch database opened, with a loop on pg_base --- */

struct pg_session {
    struct rt_db db;
    void *loop; /* NULL if the open or the loop failed */
};

/**
 * Open @p s on the scratch database with @p pool_size connections per loop
 * (0: the default).  @return whether it has a loop (checked).
 */
static inline bool pg_session_open_pool(struct pg_session *s, int pool_size)
{
    char err[256] = "";
    int open_rc;

    db_init(&s->db, pg_target, schemas, 2);
    if (pool_size > 0)
        s->db.settings.pool_size = pool_size;
    open_rc = rt_db_pg_backend.open(&s->db, err, sizeof(err));
    CHECK(open_rc == 0);
    if (open_rc != 0) {
        printf("# open: %s\n", err);
        s->loop = NULL;
        return false;
    }
    s->loop = rt_db_pg_backend.loop_new(&s->db, pg_base);
    CHECK(s->loop != NULL);
    if (s->loop == NULL)
        rt_db_pg_backend.close(&s->db);
    return s->loop != NULL;
}

/** Open @p s on the scratch database, with the default pool.  @return whether it has a loop (checked). */
static inline bool pg_session_open(struct pg_session *s)
{
    return pg_session_open_pool(s, 0);
}

/** Free the loop of @p s (opened by pg_session_open()) and close its database. */
static inline void pg_session_close(struct pg_session *s)
{
    if (s->loop == NULL)
        return;
    rt_db_pg_backend.loop_free(s->loop);
    rt_db_pg_backend.close(&s->db);
    s->loop = NULL;
}

/** A case on a session of its own: @p fn(pg_base, the session's loop), if the session opens. */
static inline void pg_with_session(void (*fn)(struct event_base *base, void *loop))
{
    struct pg_session s;

    if (pg_session_open(&s))
        fn(pg_base, s.loop);
    pg_session_close(&s);
}

/*
 * Run the named @p cases (@p n of them, only those named in @p argv if any;
 * as test_run()) on a scratch database, then check that no callback ran
 * inside query() and that the scratch database is dropped.
 * @return the exit status (77: skipped, no server).
 */
static inline int pg_test_main(const struct test_case *cases, size_t n, int argc, char **argv)
{
    int rc = pg_test_setup();
    size_t i;

    if (rc != 0)
        return rc;
    for (i = 0; i < n; i++) {
        if (!test_selected(cases[i].name, argc, argv))
            continue;
        test_case_begin(cases[i].name);
        cases[i].fn();
        test_case_end();
    }
    TEST_CASE("after_all");
    CHECK(reentrant_calls == 0);
    CHECK(pg_test_teardown());
    return test_done();
}

#endif /* PG_HARNESS_H */

/*
 * rt_db internals: what a backend (rt_db_sqlite.c, rt_db_pg.c) implements
 * and what the front end (rt_db.c) hands it.  Nothing outside rt_db*.c
 * includes this.
 */
#ifndef RT_DB_INTERNAL_H
#define RT_DB_INTERNAL_H

#include "rt_db.h"

#include <stdbool.h>

/* What a backend knows a value to be; the typed accessors (rt_db_result.c) decide what each may read. */
enum rt_db_kind {
    RT_DB_KIND_NULL,      /* SQL NULL */
    RT_DB_KIND_INT,       /* an integer, in .i */
    RT_DB_KIND_FLOAT,     /* a floating-point number, in .f */
    RT_DB_KIND_NUMERIC,   /* an exact decimal (PostgreSQL numeric), in .text */
    RT_DB_KIND_BOOL,      /* a boolean, in .i (0 or 1) */
    RT_DB_KIND_TEXT,      /* text, in .text */
    RT_DB_KIND_TIMESTAMP, /* a timestamp as the backend writes it, in .text (no zone: UTC) */
    RT_DB_KIND_BLOB,      /* bytes: nothing reads them */
    RT_DB_KIND_OTHER      /* a type with no accessor of its own (uuid, json...): its text form, in .text */
};

/* One value of a result, as a backend describes it. */
struct rt_db_cell {
    enum rt_db_kind kind;
    const char *text; /* NUMERIC, TEXT, TIMESTAMP, OTHER: NUL-terminated, valid during the callback */
    int64_t i;        /* INT, BOOL */
    double f;         /* FLOAT */
};

/*
 * What a backend gives the callback.  Backends fill it on their own stack
 * or storage just before calling the callback; it is valid only during
 * the call.
 */
struct rt_db_result {
    enum rt_db_status status;
    const char *error; /* "" when status is RT_DB_OK; never NULL; never contains a password */
    int rows;          /* 0 unless RT_DB_OK */
    int cols;          /* 0 unless RT_DB_OK */
    /* Describe the value at (row, col) into @out; called only with row < rows, col < cols. */
    void (*cell)(const struct rt_db_result *result, int row, int col, struct rt_db_cell *out);
    const void *impl; /* the backend's (a PGresult, or the SQLite backend's copied rows) */
};

/*
 * Parse @text, a whole decimal integer (optional sign, digits, and for
 * numeric text an optional fraction of zeros: "12.00"), into @out.
 * @return 0, or -1 if it is not one or does not fit in 64 bits.
 */
int rt_db_parse_int64(const char *text, int64_t *out);

/** A backend: every function is called by rt_db.c only. */
struct rt_db_backend {
    const char *name; /* "sqlite" or "postgresql" */

    /*
     * Connect to db->target and bring db->settings.schemas up to date with
     * rt_db_migrate() (below).  Blocking is allowed (no loop runs yet).
     * Sets db->state.  0, or -1 with a message in err (never containing
     * the password).
     */
    int (*open)(struct rt_db *db, char *err, size_t errlen);

    /* Release db->state (every loop has been freed already). */
    void (*close)(struct rt_db *db);

    /* Per-loop state for @base, on that loop's thread; NULL on failure. */
    void *(*loop_new)(struct rt_db *db, struct event_base *base);

    /* Answer everything pending with RT_DB_UNAVAILABLE and free the per-loop state. */
    void (*loop_free)(void *loop_state);

    /*
     * Queue @stmt with @params (stmt->n_params entries, NULL = SQL NULL;
     * copy them).  The callback runs exactly once, later, on the loop.
     * 0, or -1 if nothing was queued (then the callback never runs).
     */
    int (*query)(void *loop_state, const struct rt_db_statement *stmt, const char *const *params,
                 rt_db_callback cb, void *arg);
};

/*
 * A blocking connection as the migrations (rt_db_migrate.c) use it, filled
 * in by a backend's open().  Statements use $1, $2, ... and text
 * parameters, as everywhere in rt_db.
 */
struct rt_db_migrate_conn {
    void *conn;                   /* the backend's connection */
    const char *name;             /* the backend, for messages: "sqlite" or "postgresql" */
    const char *begin_sql;        /* opens the transaction of one migration: with it, checking and
                                     applying cannot interleave with a twin process doing the same */
    const char *legacy_table_sql; /* a query with a row if the table schema_version exists */
    /* The SQL of @m for this backend (NULL if it has none). */
    const char *(*sql_of)(const struct rt_db_migration *m);
    /* Run @sql (several statements allowed, no parameters).  0, or -1 with the message in err. */
    int (*exec)(void *conn, const char *sql, char *err, size_t errlen);
    /*
     * Run the one statement @sql with the @n text parameters @params and
     * copy the first column of its first row, as text, into @out (of
     * @outsize bytes; "" for NULL), if there is a row and @out is not NULL.
     * @return the number of rows, or -1 with the message in err.
     */
    int (*query)(void *conn, const char *sql, int n, const char *const *params, char *out, size_t outsize,
                 char *err, size_t errlen);
};

/*
 * Bring the schemas of @settings up to date on @c: each migration not yet
 * recorded in schema_migrations(module, version, description, applied_at)
 * is applied and recorded in one transaction (c->begin_sql ... COMMIT), in
 * order, module by module.  A migration whose legacy_version is recorded
 * in the older table schema_version (versions numbered across the whole
 * application) is recorded in schema_migrations, with its original
 * applied_at, instead of being applied again; schema_version itself is
 * left as it was.  The caller serializes concurrent starts if begin_sql
 * alone does not (PostgreSQL: an advisory lock around the call).
 * @return 0, or -1 with a message in err naming the module and migration.
 */
int rt_db_migrate(const struct rt_db_migrate_conn *c, const struct rt_db_settings *settings, char *err,
                  size_t errlen);

struct rt_db {
    const struct rt_db_backend *backend;
    struct rt_db_settings settings; /* settings.url points to url below */
    char *url;                      /* as configured */
    char *display_url;              /* with the password replaced by "***" */
    char *target;                   /* SQLite: a file path or ":memory:"; PostgreSQL: a libpq conninfo */
    void *state;                    /* the backend's */
};

struct rt_db_loop {
    struct rt_db *db;
    void *state; /* the backend's per-loop state */
};

extern const struct rt_db_backend rt_db_sqlite_backend;
extern const struct rt_db_backend rt_db_pg_backend;

#endif /* RT_DB_INTERNAL_H */

/*
 * rt_db — asynchronous database access for event loops.
 *
 * A handler submits a parameterized statement and gets a callback, on its
 * own event loop, with the rows or an error.  No call here ever blocks a
 * loop.  Two backends, chosen by DATABASE_URL:
 *
 *   sqlite:///relative/path.db, sqlite:////absolute/path.db, sqlite::memory:
 *       SQLite on a thread of its own (WAL mode, busy timeout); results are
 *       handed back to the loop that asked.
 *   postgresql://user:password@host:port/dbname (also postgres://, and
 *   libpq's "key=value ..." form)
 *       a pool of libpq connections per loop, driven by events on their
 *       sockets, in pipeline mode so one connection carries many requests'
 *       statements at once.
 *
 * Statements use $1, $2, ... placeholders on both backends and take their
 * parameters as text (NULL for SQL NULL); values come back typed (see
 * "results" below), each type the same on both backends.  User input only
 * ever travels as a parameter, never inside SQL text.
 *
 * Lifetimes: one struct rt_db per process (rt_db_open at start-up, before
 * the loops run; rt_db_close after they have stopped), and one
 * struct rt_db_loop per event loop (created and freed on that loop's
 * thread).  Every submitted statement's callback is called exactly once,
 * on the submitting loop, never from inside rt_db_query() itself, and at
 * the latest when its rt_db_loop is freed (with RT_DB_UNAVAILABLE).
 *
 * The password of a URL never appears in logs or error messages.
 */
#ifndef RT_DB_H
#define RT_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct event_base;
struct rt_db;
struct rt_db_loop;
struct rt_db_result;

/** How a statement ended. */
enum rt_db_status {
    RT_DB_OK = 0,           /* rows (possibly none) are in the result */
    RT_DB_UNIQUE_VIOLATION, /* a UNIQUE constraint refused the change; nothing was written */
    RT_DB_UNAVAILABLE,      /* no usable connection in time, the database went away, or it could not serve
                               the statement now (statement timeout, lock, deadlock, out of resources): nothing
                               was written; retry later (503) */
    RT_DB_ERROR             /* any other error (a bug, or bad SQL): see rt_db_result_error() */
};

/** A statement, declared once (static storage) and prepared once per connection. */
struct rt_db_statement {
    const char *name; /* unique among statements: the name it is prepared under */
    const char *sql;  /* one statement, $1..$n placeholders, valid on both backends */
    int n_params;     /* number of placeholders */
};

/**
 * One step of a module's tables: applied once, in order of version, and
 * recorded in the table schema_migrations(module, version, description,
 * applied_at) in the same transaction.  Never edit one that has shipped:
 * append another.
 */
struct rt_db_migration {
    int version;             /* 1, 2, 3, ... within its module: strictly increasing */
    const char *description; /* for the log and schema_migrations */
    const char *sqlite_sql;  /* may hold several statements */
    const char *postgres_sql;
    /*
     * The version this step was recorded under in schema_version(version),
     * when versions were numbered across the whole application rather
     * than per module; 0 for steps added since.  A database that recorded
     * it there gets it recorded in schema_migrations instead of running it
     * again.
     */
    int legacy_version;
};

/** The tables one module owns: its migrations, numbered 1, 2, 3, ... within the module. */
struct rt_db_schema {
    const char *module; /* the owner ("users"): unique; recorded with each version, so never renamed */
    const struct rt_db_migration *migrations; /* in order of version */
    size_t n_migrations;
};

struct rt_db_settings {
    const char *url;                    /* DATABASE_URL; copied by rt_db_open() */
    int pool_size;                      /* PostgreSQL connections per loop (DB_POOL_SIZE) */
    int acquire_timeout_ms;             /* how long a statement waits for a usable connection before 503 */
    int connect_timeout_ms;             /* one connection attempt */
    const struct rt_db_schema *schemas; /* every module's tables, in this order; read by rt_db_open() only */
    size_t n_schemas;
    const char *application_name; /* PostgreSQL's application_name unless the URL sets one (static
                                      storage); NULL: "rt" */
};

/**
 * Called with the outcome of a statement.  @p result and everything it
 * points to is valid only during the call.
 */
typedef void (*rt_db_callback)(const struct rt_db_result *result, void *arg);

/**
 * Open the database named by @p settings->url: check that it is reachable
 * and bring its schema up to date (creating it if needed: each module's
 * migrations not yet recorded, module by module, in order), all before the
 * event loops start; this is the one place where rt_db blocks.
 * @return the database, or NULL with a message in @p err (NULL allowed)
 *         that never contains the password.
 */
struct rt_db *rt_db_open(const struct rt_db_settings *settings, char *err, size_t errlen);

/** Release the database (after every rt_db_loop is freed); NULL is fine. */
void rt_db_close(struct rt_db *db);

/** @return "sqlite" or "postgresql". */
const char *rt_db_backend_name(const struct rt_db *db);

/** @return the URL with any password replaced by "***", for logs. */
const char *rt_db_display_url(const struct rt_db *db);

/**
 * Check that @p url names a backend and is well-formed, without connecting
 * (for --check-config).
 * @return 0, or -1 with a message in @p err that never contains the password.
 */
int rt_db_check_url(const char *url, char *err, size_t errlen);

/**
 * @return @p url with any password replaced by "***" (malloc'd; the caller
 *         frees it), or NULL if @p url names no backend.
 */
char *rt_db_redact_url(const char *url);

/**
 * Attach @p db to the event loop @p base (one per worker, on its thread).
 * PostgreSQL connections are opened in the background from here on.
 * @return the handle, or NULL if libevent cannot create the loop's events.
 */
struct rt_db_loop *rt_db_loop_new(struct rt_db *db, struct event_base *base);

/**
 * Detach from the loop: statements still pending are answered with
 * RT_DB_UNAVAILABLE, connections are closed.  Call on the loop's thread,
 * before the loop is freed.  NULL is fine.
 */
void rt_db_loop_free(struct rt_db_loop *loop);

/**
 * Submit @p stmt with @p params (stmt->n_params strings, or NULL entries
 * for SQL NULL; all copied).  @p cb(@p arg) is called exactly once, later,
 * on this loop, under the trace context current at submission (rt_trace.h:
 * the request's, so calls it starts carry the request's trace).  The
 * context never goes into the statement: the SQL text stays as prepared.
 * @return 0 once submitted; -1 if it could not even be queued (the loop is
 *         being freed, or @p stmt or @p cb is unusable), in which case @p cb is never called.
 */
int rt_db_query(struct rt_db_loop *loop, const struct rt_db_statement *stmt, const char *const *params,
                rt_db_callback cb, void *arg);

/** @return the rt_db_loop of the calling worker thread (set by rt_db_loop_set_current()), or NULL. */
struct rt_db_loop *rt_db_loop_current(void);

/** Make @p loop what rt_db_loop_current() returns on this thread. */
void rt_db_loop_set_current(struct rt_db_loop *loop);

/* --- results ---
 *
 * A result, and any text an accessor hands out, is valid only during the
 * callback it is passed to: copy what must outlive it.  Values are read by
 * type, and each type reads the same on both backends:
 *
 *   accessor       PostgreSQL column types               SQLite values (storage class)
 *   _int64         smallint, integer, bigint, oid;       INTEGER
 *                  numeric without a fraction
 *   _double        real, double precision, numeric,      REAL, INTEGER
 *                  and the integer types
 *   _bool          boolean; an integer 0 or 1            INTEGER 0 or 1 (SQLite has no boolean)
 *   _text          text, varchar, char, name, and types  TEXT
 *                  with no accessor of their own (uuid,
 *                  json, interval, ...: their text form)
 *   _timestamp     timestamptz, timestamp (taken as      TEXT holding RFC 3339, or SQLite's
 *                  UTC), text holding a timestamp        "YYYY-MM-DD HH:MM[:SS[.fff]]" (taken as UTC)
 *
 * Anything else is RT_DB_VALUE_WRONG_TYPE: no accessor turns a number into
 * text or text into a number, so a statement that selects the wrong column
 * fails loudly instead of answering in one backend's formatting.
 * Timestamps always come out as RFC 3339 in UTC with milliseconds
 * ("2026-11-23T22:36:00.123Z"), whatever the backend stores and whatever
 * time zone a PostgreSQL session uses; PostgreSQL's must be in its ISO
 * DateStyle (the server's default).  Years 1 to 9999 only.
 */

/** What a typed accessor returns; on any error its output is left as documented there. */
enum rt_db_value_rc {
    RT_DB_VALUE_OK = 0,          /* the value is in the output */
    RT_DB_VALUE_NULL = -1,       /* SQL NULL */
    RT_DB_VALUE_WRONG_TYPE = -2, /* not a value of that type (see the table above), or out of its range */
    RT_DB_VALUE_NO_CELL = -3     /* no such row or column, or the statement did not succeed */
};

/** Size of the buffer rt_db_result_timestamp() writes: "2026-11-23T22:36:00.123Z" and its NUL. */
#define RT_DB_TIMESTAMP_SIZE 25

enum rt_db_status rt_db_result_status(const struct rt_db_result *result);

/** @return a message for RT_DB_ERROR/RT_DB_UNAVAILABLE/RT_DB_UNIQUE_VIOLATION (no secrets), or "". */
const char *rt_db_result_error(const struct rt_db_result *result);

/** @return the number of rows (0 unless RT_DB_OK). */
int rt_db_result_rows(const struct rt_db_result *result);

/** @return the number of columns (0 unless RT_DB_OK). */
int rt_db_result_cols(const struct rt_db_result *result);

/**
 * @return true if the value at @p row, @p col is SQL NULL, or if there is
 *         no such value at all (no such row or column, or the statement
 *         did not succeed).
 */
bool rt_db_result_is_null(const struct rt_db_result *result, int row, int col);

/**
 * Read the integer at @p row, @p col into @p out.
 * @return RT_DB_VALUE_OK, or a negative enum rt_db_value_rc (then @p out is untouched).
 */
int rt_db_result_int64(const struct rt_db_result *result, int row, int col, int64_t *out);

/**
 * Read the number at @p row, @p col into @p out (integers are converted).
 * @return RT_DB_VALUE_OK, or a negative enum rt_db_value_rc (then @p out is untouched).
 */
int rt_db_result_double(const struct rt_db_result *result, int row, int col, double *out);

/**
 * Read the boolean at @p row, @p col into @p out.
 * @return RT_DB_VALUE_OK, or a negative enum rt_db_value_rc (then @p out is untouched).
 */
int rt_db_result_bool(const struct rt_db_result *result, int row, int col, bool *out);

/**
 * Point @p out at the text at @p row, @p col (NUL-terminated).  The text
 * belongs to @p result: valid only during the callback, never to be freed.
 * @return RT_DB_VALUE_OK, or a negative enum rt_db_value_rc (then @p out is set to NULL).
 */
int rt_db_result_text(const struct rt_db_result *result, int row, int col, const char **out);

/**
 * Write the timestamp at @p row, @p col into @p out as RFC 3339 in UTC with
 * milliseconds ("2026-11-23T22:36:00.123Z", 24 characters and a NUL);
 * finer fractions are truncated.  @p out is the caller's and stays valid
 * after the callback.
 * @return RT_DB_VALUE_OK, or a negative enum rt_db_value_rc (then @p out is "").
 */
int rt_db_result_timestamp(const struct rt_db_result *result, int row, int col,
                           char out[static RT_DB_TIMESTAMP_SIZE]);

#endif /* RT_DB_H */

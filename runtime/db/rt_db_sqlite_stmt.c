/*
 * rt_db_sqlite_stmt — statements on the SQLite thread: $N placeholders
 * rewritten to ?N, the prepared-statement cache, and running one
 * statement with its rows copied for the loop.
 */
#include "rt_db_sqlite_internal.h"
#include "rt_hash.h"
#include "rt_mem.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static bool is_ident_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || (unsigned char)c >= 0x80;
}

/*
 * Copy @sql with each $N placeholder turned into ?N, leaving string
 * literals, quoted identifiers and comments alone.  Caller frees.
 */
char *rt_db_sqlite_rewrite_placeholders(const char *sql)
{
    char *out = rt_xstrdup(sql);
    size_t i = 0;

    while (out[i] != '\0') {
        char c = out[i];

        if (c == '\'' || c == '"' || c == '`' || c == '[') {
            /* A doubled quote inside a literal ends it and starts the next: same result. */
            char close = c == '[' ? ']' : c;

            i++;
            while (out[i] != '\0' && out[i] != close)
                i++;
            if (out[i] != '\0')
                i++;
        } else if (c == '-' && out[i + 1] == '-') {
            while (out[i] != '\0' && out[i] != '\n')
                i++;
        } else if (c == '/' && out[i + 1] == '*') {
            i += 2;
            while (out[i] != '\0' && !(out[i] == '*' && out[i + 1] == '/'))
                i++;
            if (out[i] != '\0')
                i += 2;
        } else {
            if (c == '$' && out[i + 1] >= '0' && out[i + 1] <= '9' && (i == 0 || !is_ident_char(out[i - 1])))
                out[i] = '?';
            i++;
        }
    }
    return out;
}

/*
 * @return whether @sql starts with a transaction-control keyword.  Such a
 * statement would end the transaction a batch runs in (see run_batch()).
 */
static bool controls_transactions(const char *sql)
{
    static const char *const words[] = {"BEGIN", "COMMIT", "END", "ROLLBACK", "SAVEPOINT", "RELEASE"};
    size_t i;

    while (*sql == ' ' || *sql == '\t' || *sql == '\n' || *sql == '\r')
        sql++;
    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
        size_t n = strlen(words[i]);

        if (strncasecmp(sql, words[i], n) == 0 && !is_ident_char(sql[n]))
            return true;
    }
    return false;
}

/*
 * The prepared statement for @job->stmt, from the cache or prepared now
 * (and cached).  On failure the job is finished with an error and NULL is
 * returned; a failed prepare is not cached, so it is tried again next time.
 */
sqlite3_stmt *rt_db_sqlite_get_stmt(struct sqlite_state *st, struct sqlite_job *job)
{
    const struct rt_db_statement *def = job->stmt;
    struct sqlite_cached_stmt **bucket = &st->cache[rt_hash_fnv1a_str(def->name) % RT_SQLITE_CACHE_BUCKETS];
    struct sqlite_cached_stmt *c;
    sqlite3_stmt *stmt = NULL;
    const char *tail = NULL;
    char *sql = NULL;
    char msg[256];
    int rc;

    for (c = *bucket; c != NULL; c = c->next) {
        if (strcmp(c->name, def->name) == 0) {
            if (c->sql != def->sql && strcmp(c->sql, def->sql) != 0) {
                snprintf(msg, sizeof(msg), "statement \"%s\" was declared twice with different SQL",
                         def->name);
                rt_db_sqlite_job_fail_copy(job, RT_DB_ERROR, msg);
                return NULL;
            }
            return c->stmt;
        }
    }
    if (controls_transactions(def->sql)) {
        snprintf(msg, sizeof(msg), "statement \"%s\" must not control transactions", def->name);
        rt_db_sqlite_job_fail_copy(job, RT_DB_ERROR, msg);
        return NULL;
    }
    sql = rt_db_sqlite_rewrite_placeholders(def->sql);
    rc = sqlite3_prepare_v3(st->conn, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, &tail);
    if (rc != SQLITE_OK) {
        snprintf(msg, sizeof(msg), "statement \"%s\": %s", def->name, sqlite3_errmsg(st->conn));
        rt_db_sqlite_job_fail_copy(job, RT_DB_ERROR, msg);
        goto fail;
    }
    while (tail != NULL && (*tail == ' ' || *tail == '\t' || *tail == '\n' || *tail == '\r' || *tail == ';'))
        tail++;
    if (stmt == NULL || (tail != NULL && *tail != '\0')) {
        snprintf(msg, sizeof(msg), "statement \"%s\" must be exactly one SQL statement", def->name);
        rt_db_sqlite_job_fail_copy(job, RT_DB_ERROR, msg);
        goto fail;
    }
    if (sqlite3_bind_parameter_count(stmt) > def->n_params) {
        snprintf(msg, sizeof(msg), "statement \"%s\" uses %d parameters but declares %d", def->name,
                 sqlite3_bind_parameter_count(stmt), def->n_params);
        rt_db_sqlite_job_fail_copy(job, RT_DB_ERROR, msg);
        goto fail;
    }
    c = rt_xcalloc(1, sizeof(*c));
    c->name = rt_xstrdup(def->name);
    c->sql = rt_xstrdup(def->sql);
    c->stmt = stmt;
    c->next = *bucket;
    *bucket = c;
    free(sql);
    return stmt;

fail:
    sqlite3_finalize(stmt);
    free(sql);
    return NULL;
}

/* @return the rt_db status for SQLite's (extended) result code @rc, not SQLITE_OK/ROW/DONE. */
enum rt_db_status rt_db_sqlite_map_error(int rc)
{
    if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY)
        return RT_DB_UNIQUE_VIOLATION;
    switch (rc & 0xff) {
    case SQLITE_BUSY:     /* another process held the lock past the busy timeout */
    case SQLITE_LOCKED:   /* likewise, within this process (shared cache) */
    case SQLITE_FULL:     /* the disk is full */
    case SQLITE_IOERR:    /* the disk went away */
    case SQLITE_CANTOPEN: /* e.g. the WAL or journal file cannot be created */
    case SQLITE_NOMEM:
        return RT_DB_UNAVAILABLE;
    default:
        return RT_DB_ERROR;
    }
}

/* Make room for @need bytes (bounded by the caller) in the scratch buffer *@buf of capacity *@cap. */
static void grow(void **buf, size_t *cap, size_t need)
{
    size_t n = *cap > 0 ? *cap : 256;

    if (need <= *cap)
        return;
    while (n < need)
        n *= 2;
    *buf = rt_xrealloc(*buf, n);
    *cap = n;
}

/* Bind @job's parameters to its statement, as text (NULL for SQL NULL).  @return SQLite's result code. */
static int bind_params(sqlite3_stmt *stmt, const struct sqlite_job *job)
{
    int n = sqlite3_bind_parameter_count(stmt), rc = SQLITE_OK, i;

    for (i = 0; i < n && rc == SQLITE_OK; i++) {
        if (job->params[i] == NULL)
            rc = sqlite3_bind_null(stmt, i + 1);
        else
            rc = sqlite3_bind_text(stmt, i + 1, job->params[i], -1, SQLITE_STATIC);
    }
    return rc;
}

/* Copy the text of column @c of @stmt's row to the scratch text at *@n_text, for @v.  SQLite's code. */
static int collect_text(struct sqlite_state *st, sqlite3_stmt *stmt, int c, struct sqlite_value *v,
                        size_t *n_text)
{
    const unsigned char *value = sqlite3_column_text(stmt, c);
    size_t len = (size_t)sqlite3_column_bytes(stmt, c);

    if (value == NULL && len > 0)
        return SQLITE_NOMEM;
    if (*n_text + len + 1 > RT_SQLITE_RESULT_MAX_BYTES)
        return SQLITE_TOOBIG;
    grow((void **)&st->text, &st->text_cap, *n_text + len + 1);
    if (len > 0)
        memcpy(st->text + *n_text, value, len);
    st->text[*n_text + len] = '\0';
    v->text = *n_text;
    *n_text += len + 1;
    return SQLITE_OK;
}

/*
 * Append the row @stmt is on to the scratch buffers (st->values from
 * *@n_values on, st->text from *@n_text on).  @return SQLITE_OK,
 * SQLITE_TOOBIG past RT_SQLITE_RESULT_MAX_BYTES, or SQLite's error code.
 */
static int collect_row(struct sqlite_state *st, sqlite3_stmt *stmt, int cols, size_t *n_values,
                       size_t *n_text)
{
    size_t need = (*n_values + (size_t)cols) * sizeof(struct sqlite_value);
    int c;

    if (need > RT_SQLITE_RESULT_MAX_BYTES)
        return SQLITE_TOOBIG;
    grow((void **)&st->values, &st->values_cap, need);
    for (c = 0; c < cols; c++) {
        struct sqlite_value *v = &st->values[(*n_values)++];

        memset(v, 0, sizeof(*v));
        v->type = sqlite3_column_type(stmt, c);
        if (v->type == SQLITE_INTEGER) {
            v->num.i = sqlite3_column_int64(stmt, c);
        } else if (v->type == SQLITE_FLOAT) {
            v->num.f = sqlite3_column_double(stmt, c);
        } else if (v->type == SQLITE_TEXT) {
            int rc = collect_text(st, stmt, c, v, n_text);

            if (rc != SQLITE_OK)
                return rc;
        } /* a BLOB is not copied: no accessor reads bytes */
    }
    return SQLITE_OK;
}

/* Give @job the @n_rows rows of @cols collected in the scratch buffers, in one block. */
static void keep_rows(struct sqlite_state *st, struct sqlite_job *job, int n_rows, int cols, size_t n_values,
                      size_t n_text)
{
    size_t values_size = n_values * sizeof(struct sqlite_value);
    struct sqlite_rows *rows = rt_xmalloc(sizeof(*rows) + values_size + n_text);

    rows->rows = n_rows;
    rows->cols = cols;
    if (values_size > 0)
        memcpy(rows->values, st->values, values_size);
    if (n_text > 0)
        memcpy((char *)(rows->values + n_values), st->text, n_text);
    job->rows = rows;
    job->status = RT_DB_OK;
}

/* Release scratch buffers that a large result grew past RT_SQLITE_SCRATCH_KEEP_BYTES. */
static void trim_scratch(struct sqlite_state *st)
{
    if (st->text_cap > RT_SQLITE_SCRATCH_KEEP_BYTES) {
        free(st->text);
        st->text = NULL;
        st->text_cap = 0;
    }
    if (st->values_cap > RT_SQLITE_SCRATCH_KEEP_BYTES) {
        free(st->values);
        st->values = NULL;
        st->values_cap = 0;
    }
}

/*
 * Bind @job's parameters to its prepared statement, step it to the end and
 * copy the rows into one block.  Sets the job's outcome; leaves the
 * statement reset.  @return 0 if it succeeded, else the SQLite result code.
 */
int rt_db_sqlite_run_stmt(struct sqlite_state *st, struct sqlite_job *job)
{
    sqlite3_stmt *stmt = job->prepared;
    int cols = sqlite3_column_count(stmt);
    size_t n_values = 0, n_text = 0;
    int n_rows = 0, rc;

    rt_db_sqlite_job_reset(job);
    rc = bind_params(stmt, job);
    while (rc == SQLITE_OK && (rc = sqlite3_step(stmt)) == SQLITE_ROW) {
        rc = collect_row(st, stmt, cols, &n_values, &n_text);
        n_rows++;
    }
    if (rc == SQLITE_DONE && n_values * sizeof(struct sqlite_value) + n_text > RT_SQLITE_RESULT_MAX_BYTES)
        rc = SQLITE_TOOBIG;
    if (rc == SQLITE_DONE) {
        rc = SQLITE_OK;
        keep_rows(st, job, n_rows, cols, n_values, n_text);
    } else if (rc == SQLITE_TOOBIG) {
        rt_db_sqlite_job_fail(job, RT_DB_ERROR, "result too large");
    } else {
        rt_db_sqlite_job_fail_copy(job, rt_db_sqlite_map_error(rc), sqlite3_errmsg(st->conn));
    }
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    trim_scratch(st);
    return rc;
}

/* Free every cached statement (the SQLite thread has stopped). */
void rt_db_sqlite_clear_cache(struct sqlite_state *st)
{
    size_t b;
    int i;

    for (b = 0; b < RT_SQLITE_CACHE_BUCKETS; b++) {
        while (st->cache[b] != NULL) {
            struct sqlite_cached_stmt *c = st->cache[b];

            st->cache[b] = c->next;
            sqlite3_finalize(c->stmt);
            free(c->name);
            free(c->sql);
            free(c);
        }
    }
    for (i = 0; i < FX_COUNT; i++) {
        sqlite3_finalize(st->fixed[i]);
        st->fixed[i] = NULL;
    }
}

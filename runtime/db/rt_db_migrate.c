/*
 * rt_db_migrate — bringing the modules' tables up to date at start-up, the
 * same way on both backends (each backend's open() hands over a blocking
 * connection, struct rt_db_migrate_conn).
 *
 * The record is one row per applied migration:
 *
 *   schema_migrations(module text, version integer, description text,
 *                     applied_at text, PRIMARY KEY (module, version))
 *
 * so each module numbers its own migrations 1, 2, 3, ... and a module can
 * gain a migration without renumbering anyone else's.  Before this table,
 * versions were numbered across the application and recorded in
 * schema_version(version, description, applied_at).  Such a database is
 * taken over migration by migration: one whose legacy_version is in
 * schema_version is recorded in schema_migrations (with the applied_at it
 * had) and not run again.  schema_version is only read, never changed or
 * dropped, so an older build can still start on the database.
 */
#include "rt_db_internal.h"
#include "rt_err.h"
#include "rt_log.h"
#include "rt_time.h"

#include <stdio.h>
#include <string.h>

#define CREATE_TABLE                                                                                         \
    "CREATE TABLE IF NOT EXISTS schema_migrations (module text NOT NULL, version integer NOT NULL, "         \
    "description text NOT NULL, applied_at text NOT NULL, PRIMARY KEY (module, version))"
#define SELECT_APPLIED "SELECT applied_at FROM schema_migrations WHERE module = $1 AND version = $2"
#define SELECT_LEGACY "SELECT applied_at FROM schema_version WHERE version = $1"
#define INSERT_APPLIED                                                                                       \
    "INSERT INTO schema_migrations (module, version, description, applied_at) VALUES ($1, $2, $3, $4)"

/* One migration of one module, being brought up to date. */
struct step {
    const struct rt_db_migrate_conn *c;
    const char *module;
    const struct rt_db_migration *m;
    char what[160]; /* "users migration 1 (users)", for messages */
};

/* Whether migration @j of schema @i claims an old global version an earlier migration claims too. */
static bool legacy_claimed(const struct rt_db_settings *s, size_t i, size_t j)
{
    int v = s->schemas[i].migrations[j].legacy_version;
    size_t a, b;

    for (a = 0; v > 0 && a <= i; a++) {
        for (b = 0; b < (a == i ? j : s->schemas[a].n_migrations); b++) {
            if (s->schemas[a].migrations[b].legacy_version == v)
                return true;
        }
    }
    return false;
}

/*
 * Check what the migrations promise before touching the database: modules
 * named and unique, versions 1, 2, 3, ... within each, SQL for this
 * backend, and no old global version claimed twice (two modules taking
 * over the same schema_version row would leave one's tables uncreated).
 * 0, or -1 with a message.
 */
static int check_schemas(const struct rt_db_migrate_conn *c, const struct rt_db_settings *s, char *err,
                         size_t errlen)
{
    size_t i, j;

    for (i = 0; i < s->n_schemas; i++) {
        const struct rt_db_schema *sc = &s->schemas[i];
        int prev = 0;

        if (sc->module == NULL || sc->module[0] == '\0') {
            rt_err_set(err, errlen, "schema %zu: no module name", i);
            return -1;
        }
        for (j = 0; j < i; j++) {
            if (strcmp(s->schemas[j].module, sc->module) == 0) {
                rt_err_set(err, errlen, "module %s: its migrations are listed twice", sc->module);
                return -1;
            }
        }
        for (j = 0; j < sc->n_migrations; j++) {
            const struct rt_db_migration *m = &sc->migrations[j];

            if (m->version != prev + 1 || c->sql_of(m) == NULL) {
                rt_err_set(err, errlen,
                           "%s migration %d: versions must be 1, 2, 3, ... within a module, and %s SQL "
                           "must be given",
                           sc->module, m->version, c->name);
                return -1;
            }
            if (m->legacy_version < 0 || legacy_claimed(s, i, j)) {
                rt_err_set(err, errlen, "%s migration %d: legacy_version %d is negative or claimed twice",
                           sc->module, m->version, m->legacy_version);
                return -1;
            }
            prev = m->version;
        }
    }
    return 0;
}

/* @return whether any migration of @s has a legacy_version (so schema_version is worth a look). */
static bool has_legacy_versions(const struct rt_db_settings *s)
{
    size_t i, j;

    for (i = 0; i < s->n_schemas; i++) {
        for (j = 0; j < s->schemas[i].n_migrations; j++) {
            if (s->schemas[i].migrations[j].legacy_version > 0)
                return true;
        }
    }
    return false;
}

/* Run @sql for @st; on failure, "<what>: <message>" in err.  0 or -1. */
static int step_exec(const struct step *st, const char *sql, char *err, size_t errlen)
{
    char msg[512];

    if (st->c->exec(st->c->conn, sql, msg, sizeof(msg)) == 0)
        return 0;
    rt_err_set(err, errlen, "%s: %s", st->what, msg);
    return -1;
}

/* Run the query @sql with @n parameters for @st (see rt_db_migrate_conn.query).  Rows, or -1 (err). */
static int step_query(const struct step *st, const char *sql, int n, const char *const *params, char *out,
                      size_t outsize, char *err, size_t errlen)
{
    char msg[512];
    int rows = st->c->query(st->c->conn, sql, n, params, out, outsize, msg, sizeof(msg));

    if (rows < 0)
        rt_err_set(err, errlen, "%s: %s", st->what, msg);
    return rows;
}

/* Record @st's migration in schema_migrations as applied at @applied_at.  0 or -1 (err). */
static int step_record(const struct step *st, const char *applied_at, char *err, size_t errlen)
{
    char version[16];
    const char *params[4] = {st->module, version, st->m->description ? st->m->description : "", applied_at};

    snprintf(version, sizeof(version), "%d", st->m->version);
    return step_query(st, INSERT_APPLIED, 4, params, NULL, 0, err, errlen) < 0 ? -1 : 0;
}

/*
 * Inside the step's transaction: if its legacy_version is recorded in
 * schema_version, record it in schema_migrations with that applied_at.
 * @return 1 if it was taken over, 0 if it is not there, -1 on error.
 */
static int step_take_over(const struct step *st, char *err, size_t errlen)
{
    char legacy[16], applied_at[64] = "";
    const char *params[1] = {legacy};
    int rows;

    snprintf(legacy, sizeof(legacy), "%d", st->m->legacy_version);
    rows = step_query(st, SELECT_LEGACY, 1, params, applied_at, sizeof(applied_at), err, errlen);
    if (rows <= 0)
        return rows;
    if (step_record(st, applied_at, err, errlen) < 0)
        return -1;
    rt_log_info("database: %s was applied as version %d when versions were numbered across modules; "
                "recorded as %s %d",
                st->what, st->m->legacy_version, st->module, st->m->version);
    return 1;
}

/*
 * Bring one migration up to date in its own transaction: nothing if it is
 * recorded, taken over from schema_version if it is there (@legacy: that
 * table exists), else applied and recorded.  @return 1 if it was applied,
 * 0 if it was there already, -1 on error (rolled back).
 */
static int step_run(struct step *st, bool legacy, char *err, size_t errlen)
{
    char version[16], now[40];
    const char *params[2] = {st->module, version};
    int rc = -1, rows;

    snprintf(version, sizeof(version), "%d", st->m->version);
    if (step_exec(st, st->c->begin_sql, err, errlen) < 0)
        return -1;
    rows = step_query(st, SELECT_APPLIED, 2, params, NULL, 0, err, errlen);
    if (rows < 0)
        goto done;
    if (rows == 0 && legacy && st->m->legacy_version > 0)
        rows = step_take_over(st, err, errlen);
    if (rows < 0)
        goto done;
    if (rows == 0 && (step_exec(st, st->c->sql_of(st->m), err, errlen) < 0 ||
                      step_record(st, rt_time_format_rfc3339(now, sizeof(now)), err, errlen) < 0))
        goto done;
    if (step_exec(st, "COMMIT", err, errlen) < 0)
        goto done;
    if (rows == 0)
        rt_log_info("database: applied %s", st->what);
    rc = rows == 0;
done:
    if (rc < 0) /* best effort: a broken connection rolls back anyway */
        st->c->exec(st->c->conn, "ROLLBACK", NULL, 0);
    return rc;
}

int rt_db_migrate(const struct rt_db_migrate_conn *c, const struct rt_db_settings *settings, char *err,
                  size_t errlen)
{
    struct step st = {.c = c};
    bool legacy = false;
    size_t i, j;
    int applied = 0, rc;

    if (check_schemas(c, settings, err, errlen) < 0)
        return -1;
    snprintf(st.what, sizeof(st.what), "creating schema_migrations");
    if (step_exec(&st, CREATE_TABLE, err, errlen) < 0)
        return -1;
    if (has_legacy_versions(settings)) {
        snprintf(st.what, sizeof(st.what), "looking for schema_version");
        rc = step_query(&st, c->legacy_table_sql, 0, NULL, NULL, 0, err, errlen);
        if (rc < 0)
            return -1;
        legacy = rc > 0;
    }
    for (i = 0; i < settings->n_schemas; i++) {
        for (j = 0; j < settings->schemas[i].n_migrations; j++) {
            st.module = settings->schemas[i].module;
            st.m = &settings->schemas[i].migrations[j];
            snprintf(st.what, sizeof(st.what), "%s migration %d (%s)", st.module, st.m->version,
                     st.m->description ? st.m->description : "");
            rc = step_run(&st, legacy, err, errlen);
            if (rc < 0)
                return -1;
            applied += rc;
        }
    }
    if (applied == 0)
        rt_log_debug("database: schema up to date (%zu module(s))", settings->n_schemas);
    return 0;
}

/*
 * rt_db — the front end: which backend a DATABASE_URL names, the URL as it
 * may be shown, and the calls every backend shares.
 */
#include "rt_db_internal.h"
#include "rt_err.h"
#include "rt_mem.h"
#include "rt_trace.h"

#include <libpq-fe.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local struct rt_db_loop *current_loop;

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/*
 * SQLAlchemy's convention: sqlite:///relative.db and sqlite:////absolute.db
 * (three slashes, then the path); sqlite::memory: for an in-memory database.
 * Returns the path (malloc'd), or NULL if @url is not of that form.
 */
static char *sqlite_target(const char *url)
{
    if (strcmp(url, "sqlite::memory:") == 0 || strcmp(url, "sqlite:///:memory:") == 0)
        return rt_xstrdup(":memory:");
    if (!starts_with(url, "sqlite:///") || url[10] == '\0' || strchr(url + 10, '?') != NULL)
        return NULL;
    return rt_xstrdup(url + 10);
}

/* postgresql://user:secret@host/db -> postgresql://user:***@host/db (and ?password=... likewise). */
static char *redact_uri(const char *url)
{
    const char *scheme_end = strstr(url, "://"), *auth, *at, *colon, *p;
    size_t len = strlen(url);
    char *out = rt_xmalloc(2 * len + 16), *o; /* "***" may be longer than what it replaces */

    auth = scheme_end + 3;
    at = strchr(auth, '@');
    colon = at != NULL ? memchr(auth, ':', (size_t)(at - auth)) : NULL;
    if (colon != NULL) {
        memcpy(out, url, (size_t)(colon + 1 - url));
        o = out + (colon + 1 - url);
        o += sprintf(o, "***");
        p = at;
    } else {
        o = out;
        p = url;
    }
    /* Copy the rest, masking the value of a password= query parameter. */
    while (*p != '\0') {
        if (p > url && (p[-1] == '?' || p[-1] == '&') && starts_with(p, "password=")) {
            o += sprintf(o, "password=***");
            p += 9;
            while (*p != '\0' && *p != '&')
                p++;
            continue;
        }
        *o++ = *p++;
    }
    *o = '\0';
    return out;
}

/* host=h password='x y' dbname=d -> host=h password=*** dbname=d */
static char *redact_keyvalue(const char *conninfo)
{
    char *out = rt_xmalloc(2 * strlen(conninfo) + 16), *o = out;
    const char *p = conninfo;

    while (*p != '\0') {
        if ((p == conninfo || p[-1] == ' ' || p[-1] == '\t') && starts_with(p, "password")) {
            const char *v = p + 8;

            while (*v == ' ')
                v++;
            if (*v == '=') {
                v++;
                while (*v == ' ')
                    v++;
                o += sprintf(o, "password=***");
                if (*v == '\'') { /* quoted value, with \' and \\ escapes */
                    for (v++; *v != '\0' && *v != '\''; v++) {
                        if (*v == '\\' && v[1] != '\0')
                            v++;
                    }
                    if (*v == '\'')
                        v++;
                } else {
                    while (*v != '\0' && *v != ' ' && *v != '\t')
                        v++;
                }
                p = v;
                continue;
            }
        }
        *o++ = *p++;
    }
    *o = '\0';
    return out;
}

/* Pick the backend for @url and fill db->backend, db->target and db->display_url. */
static int parse_url(struct rt_db *db, const char *url, char *err, size_t errlen)
{
    if (starts_with(url, "sqlite:")) {
        db->backend = &rt_db_sqlite_backend;
        db->target = sqlite_target(url);
        db->display_url = rt_xstrdup(url);
        if (db->target == NULL) {
            rt_err_set(
                err, errlen,
                "invalid DATABASE_URL '%s': expected sqlite:///relative/path.db, sqlite:////absolute/path.db "
                "or sqlite::memory:",
                url);
            return -1;
        }
    } else if (starts_with(url, "postgresql://") || starts_with(url, "postgres://")) {
        db->backend = &rt_db_pg_backend;
        db->target = rt_xstrdup(url);
        db->display_url = redact_uri(url);
    } else if (strchr(url, '=') != NULL && strstr(url, "://") == NULL) {
        db->backend = &rt_db_pg_backend;
        db->target = rt_xstrdup(url);
        db->display_url = redact_keyvalue(url);
    } else {
        rt_err_set(err, errlen,
                   "invalid DATABASE_URL: expected sqlite:///path.db, sqlite::memory:, "
                   "postgresql://user:password@host:port/dbname or libpq's key=value form");
        return -1;
    }
    return 0;
}

struct rt_db *rt_db_open(const struct rt_db_settings *settings, char *err, size_t errlen)
{
    struct rt_db *db = rt_xcalloc(1, sizeof(*db));

    db->settings = *settings;
    db->url = rt_xstrdup(settings->url != NULL ? settings->url : "");
    if (parse_url(db, db->url, err, errlen) != 0)
        goto err;
    db->settings.url = db->url;
    if (db->backend->open(db, err, errlen) != 0)
        goto err;
    db->settings.schemas = NULL; /* the caller's, needed by open() only */
    db->settings.n_schemas = 0;
    return db;
err:
    db->backend = NULL; /* nothing was opened */
    rt_db_close(db);
    return NULL;
}

void rt_db_close(struct rt_db *db)
{
    if (db == NULL)
        return;
    if (db->backend != NULL)
        db->backend->close(db);
    free(db->url);
    free(db->display_url);
    free(db->target);
    free(db);
}

const char *rt_db_backend_name(const struct rt_db *db)
{
    return db->backend->name;
}

const char *rt_db_display_url(const struct rt_db *db)
{
    return db->display_url;
}

int rt_db_check_url(const char *url, char *err, size_t errlen)
{
    struct rt_db db = {0};
    PQconninfoOption *opts = NULL;
    char *pq_err = NULL;
    int rc = parse_url(&db, url, err, errlen);

    /* libpq's own parser: what PQconnectdb would refuse (bad URI syntax, unknown keys). */
    if (rc == 0 && db.backend == &rt_db_pg_backend) {
        opts = PQconninfoParse(db.target, &pq_err);
        if (opts == NULL) {
            const char *msg = pq_err != NULL ? pq_err : "out of memory";

            rt_err_set(err, errlen, "invalid DATABASE_URL %s: %.*s", db.display_url, (int)strcspn(msg, "\n"),
                       msg);
            rc = -1;
        }
    }
    if (opts != NULL)
        PQconninfoFree(opts);
    PQfreemem(pq_err);
    free(db.display_url);
    free(db.target);
    return rc;
}

char *rt_db_redact_url(const char *url)
{
    struct rt_db db = {0};

    if (parse_url(&db, url, NULL, 0) != 0) {
        free(db.display_url);
        free(db.target);
        return NULL;
    }
    free(db.target);
    return db.display_url;
}

struct rt_db_loop *rt_db_loop_new(struct rt_db *db, struct event_base *base)
{
    struct rt_db_loop *loop = rt_xcalloc(1, sizeof(*loop));

    loop->db = db;
    loop->state = db->backend->loop_new(db, base);
    if (loop->state == NULL) {
        free(loop);
        return NULL;
    }
    return loop;
}

void rt_db_loop_free(struct rt_db_loop *loop)
{
    if (loop == NULL)
        return;
    if (current_loop == loop)
        current_loop = NULL;
    loop->db->backend->loop_free(loop->state);
    free(loop);
}

/*
 * A statement submitted under a request's trace context (rt_trace.h) gives
 * its callback the same context, so an outbound call started from the
 * callback still carries the request's trace.  A copy: the request may
 * have ended by then (the callback runs at the latest when the loop is
 * freed), and with it the memory its tracestate lives in.
 */
struct traced_call {
    rt_db_callback cb;
    void *arg;
    struct rt_trace trace;
    char state[]; /* trace.state points here */
};

static void traced_done(const struct rt_db_result *result, void *arg)
{
    struct traced_call *t = arg;
    const struct rt_trace *prev = rt_trace_set_current(&t->trace);

    t->cb(result, t->arg);
    rt_trace_set_current(prev);
    free(t);
}

int rt_db_query(struct rt_db_loop *loop, const struct rt_db_statement *stmt, const char *const *params,
                rt_db_callback cb, void *arg)
{
    const struct rt_trace *current = rt_trace_current();
    struct traced_call *t;

    if (current == NULL || current->trace_id[0] == '\0')
        return loop->db->backend->query(loop->state, stmt, params, cb, arg);
    t = rt_xmalloc(sizeof(*t) + current->state_len + 1);
    t->cb = cb;
    t->arg = arg;
    t->trace = *current;
    if (current->state_len > 0)
        memcpy(t->state, current->state, current->state_len);
    t->state[current->state_len] = '\0';
    t->trace.state = current->state_len > 0 ? t->state : NULL;
    if (loop->db->backend->query(loop->state, stmt, params, traced_done, t) != 0) {
        free(t);
        return -1;
    }
    return 0;
}

struct rt_db_loop *rt_db_loop_current(void)
{
    return current_loop;
}

void rt_db_loop_set_current(struct rt_db_loop *loop)
{
    current_loop = loop;
}

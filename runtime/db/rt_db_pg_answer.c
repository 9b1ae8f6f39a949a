/*
 * rt_db_pg_answer — a statement's outcome, from what PostgreSQL said to
 * what its callback gets: the result's cells read from their text form by
 * column type, and an error's status (a unique violation, a transient
 * refusal that may be retried, a lost connection, or a plain error).
 */
#include "rt_db_pg_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- results --- */

/*
 * Type OIDs of the built-in types we read (PostgreSQL's
 * src/include/catalog/pg_type.dat; fixed since the types were created).
 */
enum pg_type_oid {
    PG_BOOLOID = 16,
    PG_BYTEAOID = 17,
    PG_CHAROID = 18,
    PG_NAMEOID = 19,
    PG_INT8OID = 20,
    PG_INT2OID = 21,
    PG_INT4OID = 23,
    PG_TEXTOID = 25,
    PG_OIDOID = 26,
    PG_FLOAT4OID = 700,
    PG_FLOAT8OID = 701,
    PG_UNKNOWNOID = 705,
    PG_BPCHAROID = 1042,
    PG_VARCHAROID = 1043,
    PG_TIMESTAMPOID = 1114,
    PG_TIMESTAMPTZOID = 1184,
    PG_NUMERICOID = 1700
};

/* What the text-format value @text of a column of type @type is (rt_db_result.c reads it). */
static void describe(Oid type, const char *text, struct rt_db_cell *out)
{
    char *end = NULL;

    out->text = text;
    switch (type) {
    case PG_INT2OID:
    case PG_INT4OID:
    case PG_INT8OID:
    case PG_OIDOID:
        out->kind = rt_db_parse_int64(text, &out->i) == 0 ? RT_DB_KIND_INT : RT_DB_KIND_OTHER;
        break;
    case PG_FLOAT4OID:
    case PG_FLOAT8OID:
        out->f = strtod(text, &end); /* also "NaN", "Infinity", "-Infinity" */
        out->kind = end != text && *end == '\0' ? RT_DB_KIND_FLOAT : RT_DB_KIND_OTHER;
        break;
    case PG_NUMERICOID:
        out->kind = RT_DB_KIND_NUMERIC;
        break;
    case PG_BOOLOID:
        out->kind = RT_DB_KIND_BOOL;
        out->i = text[0] == 't';
        break;
    case PG_TIMESTAMPOID:
    case PG_TIMESTAMPTZOID:
        out->kind = RT_DB_KIND_TIMESTAMP;
        break;
    case PG_TEXTOID:
    case PG_VARCHAROID:
    case PG_BPCHAROID:
    case PG_CHAROID:
    case PG_NAMEOID:
    case PG_UNKNOWNOID:
        out->kind = RT_DB_KIND_TEXT;
        break;
    case PG_BYTEAOID:
        out->kind = RT_DB_KIND_BLOB;
        break;
    default:
        out->kind = RT_DB_KIND_OTHER; /* uuid, json, interval, ...: their text form */
        break;
    }
}

/* The result's cell(): every value comes in text format (we never ask for binary). */
static void result_cell(const struct rt_db_result *result, int row, int col, struct rt_db_cell *out)
{
    const PGresult *res = result->impl;

    if (PQgetisnull(res, row, col))
        out->kind = RT_DB_KIND_NULL;
    else
        describe(PQftype(res, col), PQgetvalue(res, row, col), out);
}

/* Call @q's callback with @status (and @res's rows if RT_DB_OK), then free @q. */
void rt_db_pg_query_answer(struct pg_query *q, enum rt_db_status status, const char *error,
                           const PGresult *res)
{
    struct rt_db_result r = {
        .status = status,
        .error = error != NULL ? error : "",
        .cell = result_cell,
        .impl = res,
    };

    if (status == RT_DB_OK && res != NULL) {
        r.rows = PQntuples(res);
        r.cols = PQnfields(res);
    } else {
        r.impl = NULL;
    }
    q->cb(&r, q->arg);
    free(q);
}

/*
 * A statement the database could not serve now, though nothing is wrong
 * with it: cancelled by statement_timeout or a cancel request (57014), a
 * lock not obtained in time (55P03), a serialization failure or deadlock
 * (40001, 40P01), out of resources (class 53: too many connections, disk
 * or memory full).  Its transaction was rolled back, so the request may be
 * retried: 503 with Retry-After, not a 500 as for a bug.
 */
static int is_transient(const char *state)
{
    return strcmp(state, "57014") == 0 || strcmp(state, "55P03") == 0 || strcmp(state, "40001") == 0 ||
           strcmp(state, "40P01") == 0 || strncmp(state, "53", 2) == 0;
}

/*
 * Classify a failed statement's result: its primary message into @msg, and
 * the status.  A connection that was terminated under the statement
 * (class 08, or the server shutting down: 57P01..57P03) is RT_DB_UNAVAILABLE
 * like any other lost connection, and so is a transient refusal (above); so is a libpq-made error (no
 * SQLSTATE) on a connection that has gone bad.
 */
enum rt_db_status rt_db_pg_classify_error(const PGresult *res, PGconn *pg, char *msg, size_t size)
{
    const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
    const char *primary = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

    rt_db_pg_one_line(primary != NULL ? primary : PQresultErrorMessage(res), msg, size);
    if (msg[0] == '\0')
        snprintf(msg, size, "%s", PQresStatus(PQresultStatus(res)));
    if (state == NULL)
        return PQstatus(pg) == CONNECTION_BAD ? RT_DB_UNAVAILABLE : RT_DB_ERROR;
    if (strcmp(state, "23505") == 0)
        return RT_DB_UNIQUE_VIOLATION;
    if (strncmp(state, "08", 2) == 0 || strcmp(state, "57P01") == 0 || strcmp(state, "57P02") == 0 ||
        strcmp(state, "57P03") == 0)
        return RT_DB_UNAVAILABLE;
    if (is_transient(state))
        return RT_DB_UNAVAILABLE;
    return RT_DB_ERROR;
}

/* Answer the EXECUTE of @q, sent on @c, with its result @res (NULL if none came). */
void rt_db_pg_execute_answer(struct pg_conn *c, struct pg_query *q, const PGresult *res)
{
    char msg[512];
    enum rt_db_status status;

    switch (PQresultStatus(res)) {
    case PGRES_TUPLES_OK:
    case PGRES_COMMAND_OK:
        rt_db_pg_query_answer(q, RT_DB_OK, "", res);
        return;
    case PGRES_PIPELINE_ABORTED:
        /*
         * Answered only for a statement alone (a failed batch is sent
         * again), so only a failed PREPARE of its own can have aborted it:
         * it shares the PREPARE's status, so a PREPARE cancelled while
         * waiting on a lock is a 503, not a 500.
         */
        if (c->prepare_error[0] != '\0') {
            rt_db_pg_query_answer(q, c->prepare_status, c->prepare_error, NULL);
            return;
        }
        rt_db_pg_query_answer(q, RT_DB_ERROR, "statement skipped after an earlier error", NULL);
        return;
    default:
        status = rt_db_pg_classify_error(res, c->pg, msg, sizeof(msg));
        rt_db_pg_query_answer(q, status, msg, NULL);
        return;
    }
}

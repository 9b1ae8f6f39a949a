/*
 * rt_db_req — where a database result meets the request that asked for it:
 * values copied into the request's memory (so they outlive the callback),
 * and the answer to a statement that did not succeed.
 *
 * Why this is in the runtime rather than in each handler: every handler
 * that uses the database must answer a failure the same way, and the way
 * follows from what the runtime does.  RT_DB_UNAVAILABLE means the runtime
 * is already reconnecting (rt_db_pg_conn.c) or the queue is momentarily
 * full, so the client may retry: 503 with Retry-After.  RT_DB_ERROR is a
 * bug or bad SQL: 500, with the database's message logged against the
 * request id and never sent (it may show the schema).  What the runtime
 * cannot know is each operation's 503 body, which the generated code
 * writes: the caller passes its generated reply function.  rt_db proper
 * and its backends know nothing of HTTP; only this file knows both.
 */
#ifndef RT_DB_REQ_H
#define RT_DB_REQ_H

#include "rt_db.h"

#include <stdint.h>

struct rt_req;

/**
 * An operation's generated 503 reply with a detail and the optional
 * Retry-After its spec declares on that response (api_<op>__reply_503_detail):
 * an API that answers database outages through rt_db_req documents them as
 * `headers: {Retry-After: {schema: {type: integer}}}` on its 503s, and the
 * runtime fills the header in.
 */
typedef void (*rt_db_req_reply_503)(struct rt_req *req, const char *detail, const int64_t *retry_after);

/**
 * Submit @p stmt with @p params on the calling worker's loop; @p cb(@p arg)
 * is called later, as with rt_db_query().  When it cannot even be queued
 * (no database on this thread, or the loop is being freed), answer @p req
 * as rt_db_req_reply_unavailable() does instead.
 * @return 0 once submitted; -1 if @p req was answered (@p cb is never called).
 */
int rt_db_req_submit(struct rt_req *req, const struct rt_db_statement *stmt, const char *const *params,
                     rt_db_callback cb, void *arg, rt_db_req_reply_503 reply_503);

/**
 * Copy the text at @p row, @p col of @p result (see rt_db_result_text())
 * into @p req's memory.
 * @return RT_DB_VALUE_OK with *@p out the copy (freed with the request), or
 *         a negative enum rt_db_value_rc (RT_DB_VALUE_NULL for SQL NULL)
 *         with *@p out NULL.  A column that may be NULL reads fine when
 *         the code is >= RT_DB_VALUE_NULL.
 */
int rt_db_req_text(struct rt_req *req, const struct rt_db_result *result, int row, int col, const char **out);

/**
 * The timestamp at @p row, @p col of @p result as RFC 3339 UTC with
 * milliseconds (see rt_db_result_timestamp()), copied into @p req's memory.
 * @return as rt_db_req_text().
 */
int rt_db_req_timestamp(struct rt_req *req, const struct rt_db_result *result, int row, int col,
                        const char **out);

/** Answer @p req with @p reply_503 and Retry-After 1 (the runtime is already reconnecting). */
void rt_db_req_reply_unavailable(struct rt_req *req, rt_db_req_reply_503 reply_503);

/** Log a database error for @p req: @p what (a statement's name), then @p detail; never sent. */
void rt_db_req_log_error(const struct rt_req *req, const char *what, const char *detail);

/** Answer @p req 500 "Internal database error" (after rt_db_req_log_error() said why). */
void rt_db_req_reply_internal(struct rt_req *req);

/**
 * Answer @p req for a statement that did not succeed:
 * rt_db_req_reply_unavailable() for RT_DB_UNAVAILABLE; for RT_DB_ERROR the
 * database's message logged with the request id, and 500.
 * @return 1 if it answered, 0 for RT_DB_OK and RT_DB_UNIQUE_VIOLATION (the
 *         caller decides; nothing was sent).
 */
int rt_db_req_reply_failure(struct rt_req *req, const struct rt_db_result *result,
                            rt_db_req_reply_503 reply_503);

/**
 * Answer @p req 500 for a statement that succeeded with values the handler
 * cannot read (a NULL, or a value of another type, where the schema
 * promises otherwise), logging @p what (static text naming the statement).
 */
void rt_db_req_reply_bad_row(struct rt_req *req, const char *what);

#endif /* RT_DB_REQ_H */

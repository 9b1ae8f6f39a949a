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

struct rt_db_result;
struct rt_req;

/**
 * Copy the text at @p row, @p col of @p result (see rt_db_result_text())
 * into @p req's memory.
 * @return 0 with *@p out the copy, or NULL for SQL NULL (freed with the
 *         request); -1 if the value is not text or there is no such value
 *         (then *@p out is NULL).
 */
int rt_db_req_text(struct rt_req *req, const struct rt_db_result *result, int row, int col, const char **out);

/**
 * Write the timestamp at @p row, @p col of @p result as RFC 3339 UTC with
 * milliseconds (see rt_db_result_timestamp()) into @p req's memory.
 * @return 0 with *@p out the text, or NULL for SQL NULL (freed with the
 *         request); -1 if the value is not a timestamp or there is no such
 *         value (then *@p out is NULL).
 */
int rt_db_req_timestamp(struct rt_req *req, const struct rt_db_result *result, int row, int col,
                        const char **out);

/**
 * Answer @p req for a statement that did not succeed: @p reply_503 (the
 * operation's generated 503 reply) with Retry-After: 1 for
 * RT_DB_UNAVAILABLE; 500 "Internal database error" for RT_DB_ERROR, the
 * database's message logged with the request id.
 * @return 1 if it answered, 0 for RT_DB_OK and RT_DB_UNIQUE_VIOLATION (the
 *         caller decides; nothing was sent).
 */
int rt_db_req_reply_failure(struct rt_req *req, const struct rt_db_result *result,
                            void (*reply_503)(struct rt_req *req, const char *detail));

/**
 * Answer @p req 500 "Internal database error" for a statement that
 * succeeded with values the handler cannot read (a NULL, or a value of
 * another type, where the schema promises otherwise), logging @p what
 * (static text naming the statement or row) with the request id.
 */
void rt_db_req_reply_bad_row(struct rt_req *req, const char *what);

#endif /* RT_DB_REQ_H */

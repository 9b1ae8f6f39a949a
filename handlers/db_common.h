/*
 * What handlers that use the database share: values presented the same way
 * on both backends, and the answer to a failed statement.
 */
#ifndef HANDLERS_DB_COMMON_H
#define HANDLERS_DB_COMMON_H

struct rt_db_result;
struct rt_req;

/**
 * A timestamp as RFC 3339, whichever backend stored it: SQLite keeps our
 * own text ("2026-11-23T22:36:00.123Z"); PostgreSQL answers in its ISO
 * style ("2026-11-23 22:36:00.123+00", or "+05:30" outside UTC).
 * @return a copy in @p req's memory, or NULL if @p value is NULL (SQL NULL).
 */
char *db_timestamp(struct rt_req *req, const char *value);

/** @return a copy of @p value in @p req's memory, or NULL if @p value is NULL (SQL NULL). */
char *db_text(struct rt_req *req, const char *value);

/**
 * Answer @p req for a statement that did not succeed: @p reply_503 (the
 * operation's generated 503 reply, with Retry-After) when the database is
 * unreachable, so the client may retry; 500 for any other error, logged
 * with the request id.
 * @return 1 if it answered, 0 if @p res is RT_DB_OK or RT_DB_UNIQUE_VIOLATION
 *         (the caller decides).
 */
int db_reply_failure(struct rt_req *req, const struct rt_db_result *res,
                     void (*reply_503)(struct rt_req *req, const char *detail));

#endif /* HANDLERS_DB_COMMON_H */

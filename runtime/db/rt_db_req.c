/*
 * rt_db_req — database results for requests: submitting for a request,
 * values copied into the request's memory, and the answers to statements
 * that did not succeed (see rt_db_req.h for why they live here).
 */
#include "rt_db_req.h"

#include "rt_log.h"
#include "rt_req.h"

#include <string.h>

#define UNAVAILABLE_DETAIL "Database unavailable, try again later"

int rt_db_req_submit(struct rt_req *req, const struct rt_db_statement *stmt, const char *const *params,
                     rt_db_callback cb, void *arg, rt_db_req_reply_503 reply_503)
{
    struct rt_db_loop *db = rt_db_loop_current();

    if (db != NULL && rt_db_query(db, stmt, params, cb, arg) == 0)
        return 0;
    rt_db_req_reply_unavailable(req, reply_503);
    return -1;
}

int rt_db_req_text(struct rt_req *req, const struct rt_db_result *result, int row, int col, const char **out)
{
    const char *text = NULL;
    int rc = rt_db_result_text(result, row, col, &text);

    *out = rc == RT_DB_VALUE_OK ? rt_req_strndup(req, text, strlen(text)) : NULL;
    return rc;
}

int rt_db_req_timestamp(struct rt_req *req, const struct rt_db_result *result, int row, int col,
                        const char **out)
{
    char text[RT_DB_TIMESTAMP_SIZE];
    int rc = rt_db_result_timestamp(result, row, col, text);

    *out = rc == RT_DB_VALUE_OK ? rt_req_strndup(req, text, strlen(text)) : NULL;
    return rc;
}

void rt_db_req_reply_unavailable(struct rt_req *req, rt_db_req_reply_503 reply_503)
{
    const int64_t retry_after = 1; /* reconnecting is already under way */

    reply_503(req, UNAVAILABLE_DETAIL, &retry_after);
}

void rt_db_req_log_error(const struct rt_req *req, const char *what, const char *detail)
{
    rt_log_error("database error (request %s): %s: %s", rt_req_id(req), what, detail);
}

void rt_db_req_reply_internal(struct rt_req *req)
{
    rt_req_reply_detail(req, 500, "Internal database error");
}

int rt_db_req_reply_failure(struct rt_req *req, const struct rt_db_result *result,
                            rt_db_req_reply_503 reply_503)
{
    switch (rt_db_result_status(result)) {
    case RT_DB_OK:
    case RT_DB_UNIQUE_VIOLATION:
        return 0;
    case RT_DB_UNAVAILABLE:
        rt_db_req_reply_unavailable(req, reply_503);
        return 1;
    case RT_DB_ERROR:
        break;
    }
    rt_db_req_log_error(req, "statement failed", rt_db_result_error(result));
    rt_db_req_reply_internal(req);
    return 1;
}

void rt_db_req_reply_bad_row(struct rt_req *req, const char *what)
{
    rt_db_req_log_error(req, what, "a value is NULL or not of the expected type");
    rt_db_req_reply_internal(req);
}

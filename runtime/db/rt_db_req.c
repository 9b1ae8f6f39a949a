/*
 * rt_db_req — database results for requests: values copied into the
 * request's memory, and the answers to statements that did not succeed
 * (see rt_db_req.h for why they live here).
 */
#include "rt_db_req.h"

#include "rt_db.h"
#include "rt_log.h"
#include "rt_req.h"

#include <string.h>

int rt_db_req_text(struct rt_req *req, const struct rt_db_result *result, int row, int col, const char **out)
{
    const char *text = NULL;
    int rc = rt_db_result_text(result, row, col, &text);

    *out = NULL;
    if (rc == RT_DB_VALUE_OK)
        *out = rt_req_strndup(req, text, strlen(text));
    return rc == RT_DB_VALUE_OK || rc == RT_DB_VALUE_NULL ? 0 : -1;
}

int rt_db_req_timestamp(struct rt_req *req, const struct rt_db_result *result, int row, int col,
                        const char **out)
{
    char *text = rt_req_alloc(req, RT_DB_TIMESTAMP_SIZE);
    int rc = rt_db_result_timestamp(result, row, col, text);

    *out = rc == RT_DB_VALUE_OK ? text : NULL;
    return rc == RT_DB_VALUE_OK || rc == RT_DB_VALUE_NULL ? 0 : -1;
}

int rt_db_req_reply_failure(struct rt_req *req, const struct rt_db_result *result,
                            void (*reply_503)(struct rt_req *req, const char *detail))
{
    switch (rt_db_result_status(result)) {
    case RT_DB_OK:
    case RT_DB_UNIQUE_VIOLATION:
        return 0;
    case RT_DB_UNAVAILABLE:
        rt_req_add_header(req, "Retry-After", "1"); /* reconnecting is already under way */
        reply_503(req, "Database unavailable, try again later");
        return 1;
    case RT_DB_ERROR:
        break;
    }
    rt_log_error("database error (request %s): %s", rt_req_id(req), rt_db_result_error(result));
    rt_req_reply_detail(req, 500, "Internal database error");
    return 1;
}

void rt_db_req_reply_bad_row(struct rt_req *req, const char *what)
{
    rt_log_error("database error (request %s): %s: a value is NULL or not of the expected type",
                 rt_req_id(req), what);
    rt_req_reply_detail(req, 500, "Internal database error");
}

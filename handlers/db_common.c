/*
 * What handlers that use the database share.
 */
#include "db_common.h"

#include "rt_db.h"
#include "rt_log.h"
#include "rt_req.h"

#include <string.h>

char *db_timestamp(struct rt_req *req, const char *value)
{
    size_t len;
    char *out, *tz;

    if (value == NULL)
        return NULL;
    len = strlen(value);
    out = rt_req_alloc(req, len + 4); /* room for ":00" */
    memcpy(out, value, len + 1);
    if (len > 10 && out[10] == ' ')
        out[10] = 'T';
    tz = len > 19 ? strpbrk(out + 19, "+-") : NULL;
    if (tz != NULL && strcmp(tz, "+00") == 0)
        strcpy(tz, "Z");
    else if (tz != NULL && strlen(tz) == 3) /* "+05" -> "+05:00" */
        strcat(tz, ":00");
    return out;
}

char *db_text(struct rt_req *req, const char *value)
{
    return value != NULL ? rt_req_strndup(req, value, strlen(value)) : NULL;
}

int db_reply_failure(struct rt_req *req, const struct rt_db_result *res,
                     void (*reply_503)(struct rt_req *req, const char *detail))
{
    switch (rt_db_result_status(res)) {
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
    rt_log_error("database error (request %s): %s", rt_req_id(req), rt_db_result_error(res));
    rt_req_reply_detail(req, 500, "Internal database error");
    return 1;
}

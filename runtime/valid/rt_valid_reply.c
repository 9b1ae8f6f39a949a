/*
 * rt_valid_reply: see rt_valid_reply.h.
 */
#include "rt_valid_reply.h"

#include "rt_log.h"
#include "rt_req.h"
#include "rt_valid_json.h"
#include "rt_valid_model.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>

/* A handler bug: the client must not get the wrong answer, and the log must say which helper. */
static void reply_bug(struct rt_req *req, const char *helper, const char *what)
{
    rt_log_error("request %s: %s: %s; answered 500", rt_req_id(req), helper, what);
    rt_req_reply_detail(req, 500, "Internal Server Error");
}

bool rt_valid_reply_status(struct rt_req *req, const char *helper, int status,
                           const struct rt_valid_status_range *range)
{
    char what[96];
    bool ok =
        status >= range->lo && status <= range->hi && !(range->excluded_classes & (1u << (status / 100)));

    for (size_t i = 0; ok && i < range->n_excluded; i++)
        ok = status != range->excluded[i];
    if (ok)
        return true;
    snprintf(what, sizeof(what), "status %d is not one this response covers", status);
    reply_bug(req, helper, what);
    return false;
}

bool rt_valid_reply_text(struct rt_req *req, const char *helper, const char *name, const char *value,
                         bool required)
{
    char what[160];
    const char *p = value;

    while (p != NULL && *p != '\0' && ((unsigned char)*p >= 0x20 || *p == '\t') && *p != 0x7f)
        p++;
    if (value != NULL ? *p == '\0' : !required)
        return true;
    snprintf(what, sizeof(what),
             value == NULL ? "the required header %s is NULL"
                           : "the header %s has a control character (CR, LF...)",
             name);
    reply_bug(req, helper, what);
    return false;
}

bool rt_valid_reply_model(struct rt_req *req, const char *helper, const struct rt_valid_model *model,
                          const void *v, struct rt_json_buf *text)
{
    struct rt_valid_null_bug bug;
    char what[192];

    if (rt_valid_model_write_json_checked(model, v, text, &bug))
        return true;
    snprintf(what, sizeof(what), bug.item ? "an item of %s.%s is NULL" : "the required field %s.%s is NULL",
             bug.model, bug.field);
    reply_bug(req, helper, what);
    return false;
}

void rt_valid_reply_header_int(struct rt_req *req, const char *name, const int64_t *value)
{
    char text[24];

    if (value == NULL)
        return;
    snprintf(text, sizeof(text), "%" PRId64, *value);
    rt_req_add_header(req, name, text);
}

void rt_valid_reply_header_number(struct rt_req *req, const char *name, const double *value)
{
    struct json_object *j;

    if (value == NULL)
        return;
    j = rt_valid_json_double(*value); /* the shortest text that reads back, as in bodies */
    rt_req_add_header(req, name, json_object_to_json_string(j));
    json_object_put(j);
}

void rt_valid_reply_header_bool(struct rt_req *req, const char *name, const bool *value)
{
    if (value != NULL)
        rt_req_add_header(req, name, *value ? "true" : "false");
}

void rt_valid_reply_header_string(struct rt_req *req, const char *name, const char *value)
{
    if (value != NULL)
        rt_req_add_header(req, name, value);
}

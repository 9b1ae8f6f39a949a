/*
 * rt_valid_param_json — a parameter's JSON text into a validated JSON value
 * that the request owns.
 */
#include "rt_valid_param_json.h"
#include "rt_req.h"
#include "rt_valid_json.h"
#include "rt_valid_schema.h"

#include <json-c/json.h>
#include <string.h>

static void put_json(void *j)
{
    json_object_put(j);
}

static void set_flag(void *out, size_t offset)
{
    if (offset != RT_VALID_NO_OFFSET)
        *(bool *)((char *)out + offset) = true;
}

void rt_valid_param_json_read(struct rt_req *req, const struct rt_valid_param *p, const char *text,
                              bool empty, void *out, struct rt_valid_errors *errs,
                              const struct rt_valid_loc *at)
{
    struct json_object *j = NULL;

    if (text != NULL && empty && p->allow_empty) {
        set_flag(out, p->empty_offset); /* allowEmptyValue: "?x=" is the parameter given without a value */
        return;
    }
    if (text == NULL) {
        if (p->required)
            rt_valid_error_add(errs, at, "missing", "Field required", NULL, NULL);
        return;
    }
    if (rt_valid_json_parse_at(text, strlen(text), &j, errs, at) < 0)
        return;
    if (p->rule->schema != NULL && !rt_valid_schema_check_request(p->rule->schema, j, errs, at)) {
        json_object_put(j);
        return;
    }
    if (j != NULL)
        rt_req_defer(req, put_json, j); /* the handler reads it until the request ends */
    *(struct json_object **)((char *)out + p->offset) = j;
    set_flag(out, p->has_offset);
}

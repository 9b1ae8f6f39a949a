/*
 * rt_valid_errors — the error list as a json-c array, each error an object
 * in the key order FastAPI writes: type, loc, msg, input, ctx.
 */
#include "rt_valid_errors.h"

#include <json-c/json.h>

void rt_valid_errors_init(struct rt_valid_errors *errs)
{
    errs->list = NULL;
}

void rt_valid_errors_cleanup(struct rt_valid_errors *errs)
{
    if (errs == NULL)
        return;
    json_object_put(errs->list);
    errs->list = NULL;
}

size_t rt_valid_errors_count(const struct rt_valid_errors *errs)
{
    return errs->list != NULL ? json_object_array_length(errs->list) : 0;
}

struct json_object *rt_valid_errors_to_json(const struct rt_valid_errors *errs)
{
    struct json_object *body = json_object_new_object();

    json_object_object_add(body, "detail",
                           errs->list != NULL ? json_object_get(errs->list) : json_object_new_array());
    return body;
}

static struct json_object *loc_to_json(const struct rt_valid_loc *loc)
{
    struct json_object *arr = json_object_new_array();
    const struct rt_valid_loc *l;
    size_t n = 0, i;

    for (l = loc; l != NULL; l = l->parent)
        n++;
    for (i = 0; i < n; i++) /* pre-size, then fill from the innermost element backwards */
        json_object_array_add(arr, NULL);
    for (l = loc, i = n; l != NULL; l = l->parent) {
        struct json_object *e =
            l->key != NULL ? json_object_new_string(l->key) : json_object_new_int64(l->index);

        json_object_array_put_idx(arr, --i, e);
    }
    return arr;
}

void rt_valid_error_add(struct rt_valid_errors *errs, const struct rt_valid_loc *loc, const char *type,
                        const char *msg, struct json_object *input, struct json_object *ctx)
{
    struct json_object *e = json_object_new_object();

    json_object_object_add(e, "type", json_object_new_string(type));
    json_object_object_add(e, "loc", loc_to_json(loc));
    json_object_object_add(e, "msg", json_object_new_string(msg));
    json_object_object_add(e, "input", input);
    if (ctx != NULL)
        json_object_object_add(e, "ctx", ctx);
    if (errs->list == NULL)
        errs->list = json_object_new_array();
    json_object_array_add(errs->list, e);
}

void rt_valid_error_ref(struct rt_valid_errors *errs, const struct rt_valid_loc *loc, const char *type,
                        const char *msg, struct json_object *input)
{
    rt_valid_error_add(errs, loc, type, msg, json_object_get(input), NULL);
}

void rt_valid_error_ctx(struct rt_valid_errors *errs, const struct rt_valid_loc *loc, const char *type,
                        const char *msg, struct json_object *input, const char *key, const char *value)
{
    struct json_object *ctx = json_object_new_object();

    json_object_object_add(ctx, key, json_object_new_string(value));
    rt_valid_error_add(errs, loc, type, msg, input, ctx);
}

/*
 * rt_valid_model_text — a model written as JSON text straight into a
 * buffer (rt_valid_model_write_json*()), the bytes rt_valid_model_to_json()
 * and json-c would print.
 */
#include "rt_json.h"
#include "rt_valid_model.h"
#include "rt_valid_model_internal.h"
#include "rt_valid_union.h"

#include <json-c/json.h>

/* --- to JSON text --- */

/*
 * The same serialization as rt_valid_model_to_json(), written as text
 * straight into @p out: what answers use, without building a json-c tree.
 * unit.rt_valid_model checks that both give the same bytes.
 */
static void value_write_json(const struct rt_valid_rule *r, const void *p, bool by_value, bool request,
                             struct rt_json_buf *out);
static void write_model(const struct rt_valid_model *model, const void *v, bool request,
                        struct rt_json_buf *out);

static void array_write_json(const struct rt_valid_rule *r, const void *items, size_t n, bool request,
                             struct rt_json_buf *out)
{
    size_t i, size = rt_valid_model_item_size(r->items);

    rt_json_put_raw(out, "[", 1);
    for (i = 0; i < n; i++) {
        if (i > 0)
            rt_json_put_raw(out, ",", 1);
        value_write_json(r->items, (const char *)items + i * size, true, request, out);
    }
    rt_json_put_raw(out, "]", 1);
}

static void map_write_json(const struct rt_valid_rule *r, const void *pairs, size_t n, bool request,
                           struct rt_json_buf *out)
{
    size_t i;

    rt_json_put_raw(out, "{", 1);
    for (i = 0; i < n; i++) {
        const char *pair = (const char *)pairs + i * r->entry_size;

        if (i > 0)
            rt_json_put_raw(out, ",", 1);
        rt_json_put_string(out, *(const char *const *)pair);
        rt_json_put_raw(out, ":", 1);
        value_write_json(r->items, pair + r->value_offset, true, request, out);
    }
    rt_json_put_raw(out, "}", 1);
}

/* Whether value_to_json() would give NULL (a string or object left NULL). */
static bool value_is_null(const struct rt_valid_rule *r, const void *p, bool by_value)
{
    const struct rt_valid_model *model;

    if (r->kind == RT_VALID_ANY || r->kind == RT_VALID_STRING)
        return *(const void *const *)p == NULL;
    if (r->kind == RT_VALID_UNION)
        return rt_valid_union_value(r, p, &model) == NULL;
    return r->kind == RT_VALID_OBJECT && !by_value && *(const void *const *)p == NULL;
}

static void value_write_json(const struct rt_valid_rule *r, const void *p, bool by_value, bool request,
                             struct rt_json_buf *out)
{
    if (value_is_null(r, p, by_value)) {
        rt_json_put_null(out);
        return;
    }
    switch (r->kind) {
    case RT_VALID_ANY:
        if (request) {
            rt_json_put_value(out, *(struct json_object *const *)p);
        } else {
            struct json_object *sent =
                rt_valid_model_without_write_only(r, json_object_get(*(struct json_object *const *)p));

            rt_json_put_value(out, sent);
            json_object_put(sent);
        }
        return;
    case RT_VALID_STRING:
        rt_json_put_string(out, *(const char *const *)p);
        return;
    case RT_VALID_INTEGER:
        rt_json_put_int(out, *(const int64_t *)p);
        return;
    case RT_VALID_NUMBER:
        rt_json_put_double(out, *(const double *)p);
        return;
    case RT_VALID_BOOLEAN:
        rt_json_put_bool(out, *(const bool *)p);
        return;
    case RT_VALID_OBJECT:
        write_model(r->model, by_value ? p : *(const void *const *)p, request, out);
        return;
    case RT_VALID_UNION: {
        const struct rt_valid_model *model = NULL;
        const void *v = rt_valid_union_value(r, p, &model);

        write_model(model, v, request, out); /* not NULL: value_is_null() said so */
        return;
    }
    case RT_VALID_ARRAY:
    case RT_VALID_MAP:
        break; /* handled by the caller, which knows where the length is */
    case RT_VALID_FILE:
        rt_json_put_null(out); /* a file part of a multipart request: no JSON of its own */
        return;
    }
    abort();
}

/* @p request: a request body (the client's: readOnly fields left out), else a response (writeOnly left out).
 */
static void write_model(const struct rt_valid_model *model, const void *v, bool request,
                        struct rt_json_buf *out)
{
    bool first = true;
    size_t i;

    rt_json_put_raw(out, "{", 1);
    for (i = 0; i < model->n_fields; i++) {
        const struct rt_valid_field *f = &model->fields[i];
        const void *p = AT_CONST(v, f->offset, void);
        bool absent = !rt_valid_model_has_length(f->rule) && f->aux_offset != RT_VALID_NO_OFFSET &&
                      !*AT_CONST(v, f->aux_offset, bool);

        if (request ? f->read_only : f->write_only)
            continue;
        if (absent && !f->rule->nullable)
            continue; /* optional and absent */
        if (!absent && value_is_null(f->rule, p, false) && !f->rule->nullable && !f->required)
            continue; /* an optional string, object or JSON value left NULL */
        if (!first)
            rt_json_put_raw(out, ",", 1);
        first = false;
        rt_json_put_string(out, f->name);
        rt_json_put_raw(out, ":", 1);
        if (absent)
            rt_json_put_null(out);
        else if (f->rule->kind == RT_VALID_ARRAY)
            array_write_json(f->rule, *(const void *const *)p, *AT_CONST(v, f->aux_offset, size_t), request,
                             out);
        else if (f->rule->kind == RT_VALID_MAP)
            map_write_json(f->rule, *(const void *const *)p, *AT_CONST(v, f->aux_offset, size_t), request,
                           out);
        else
            value_write_json(f->rule, p, false, request, out);
    }
    rt_json_put_raw(out, "}", 1);
}

void rt_valid_model_write_json(const struct rt_valid_model *model, const void *v, struct rt_json_buf *out)
{
    write_model(model, v, false, out);
}

void rt_valid_model_write_json_request(const struct rt_valid_model *model, const void *v,
                                       struct rt_json_buf *out)
{
    write_model(model, v, true, out);
}

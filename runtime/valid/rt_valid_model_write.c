/*
 * rt_valid_model_write — a model's struct written as JSON (rt_valid_model.h):
 * as a json-c tree (rt_valid_model_to_json()) or straight as text (what
 * answers and the client's bodies use), with the same bytes; which fields
 * go out (absent, null or a value) is presence()'s to say.
 */
#include "rt_json.h"
#include "rt_valid_json.h"
#include "rt_valid_model.h"
#include "rt_valid_schema.h"
#include "rt_valid_union.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#define AT_CONST(base, off, type) ((const type *)((const char *)(base) + (off)))

static bool has_length(const struct rt_valid_rule *r)
{
    return r->kind == RT_VALID_ARRAY || r->kind == RT_VALID_MAP;
}

/* --- to a JSON tree --- */

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

/* What one field of a struct about to be written is. */
enum presence {
    OMIT,  /* left out: optional and absent */
    NUL,   /* null: sent as null (<field>_null), or a required field left unset */
    VALUE, /* its value */
};

static enum presence presence(const struct rt_valid_field *f, const void *v)
{
    const void *p = AT_CONST(v, f->offset, void);
    bool unset;

    if (f->null_flag && *AT_CONST(v, f->null_offset, bool))
        return NUL; /* asked for: null, whatever the value */
    if (has_length(f->rule))
        return VALUE; /* an array or map is written, empty or not */
    unset = f->aux_offset != RT_VALID_NO_OFFSET ? !*AT_CONST(v, f->aux_offset, bool)
                                                : value_is_null(f->rule, p, false);
    if (!unset)
        return VALUE;
    /* Optional: absent stays absent (a nullable one too, with its _null flag: a PATCH leaves it alone). */
    if (!f->required && (f->null_flag || !f->rule->nullable))
        return OMIT;
    return NUL; /* required (null when nullable, else a handler's bug), or a table without _null flags */
}

static struct json_object *value_to_json(const struct rt_valid_rule *r, const void *p, bool by_value);

static struct json_object *array_to_json(const struct rt_valid_rule *r, const void *items, size_t n)
{
    struct json_object *arr = json_object_new_array_ext((int)n);
    size_t i, size = rt_valid_model_item_size(r->items);

    for (i = 0; i < n; i++)
        json_object_array_add(arr, value_to_json(r->items, (const char *)items + i * size, true));
    return arr;
}

static struct json_object *map_to_json(const struct rt_valid_rule *r, const void *pairs, size_t n)
{
    struct json_object *obj = json_object_new_object();
    size_t i;

    for (i = 0; i < n; i++) {
        const char *pair = (const char *)pairs + i * r->entry_size;

        json_object_object_add(obj, *(const char *const *)pair,
                               value_to_json(r->items, pair + r->value_offset, true));
    }
    return obj;
}

/*
 * A JSON value of a response (takes @p j) without the members its schema
 * declares writeOnly, as write_model() leaves out a model's writeOnly
 * fields; a schema that has none costs one test.
 */
static struct json_object *write_only_left_out(const struct rt_valid_rule *r, struct json_object *j)
{
    return r->schema != NULL ? rt_valid_schema_without_write_only(r->schema, j) : j;
}

/* @p p points at the stored value (for an object field: at the pointer to it). */
static struct json_object *value_to_json(const struct rt_valid_rule *r, const void *p, bool by_value)
{
    switch (r->kind) {
    case RT_VALID_ANY:
        return write_only_left_out(r, json_object_get(*(struct json_object *const *)p));
    case RT_VALID_STRING: {
        const char *s = *(const char *const *)p;

        return s != NULL ? json_object_new_string(s) : NULL;
    }
    case RT_VALID_INTEGER:
        return json_object_new_int64(*(const int64_t *)p);
    case RT_VALID_NUMBER:
        return rt_valid_json_double(*(const double *)p);
    case RT_VALID_BOOLEAN:
        return json_object_new_boolean(*(const bool *)p);
    case RT_VALID_OBJECT: {
        const void *obj = by_value ? p : *(const void *const *)p;

        return obj != NULL ? rt_valid_model_to_json(r->model, obj) : NULL;
    }
    case RT_VALID_UNION: {
        const struct rt_valid_model *model = NULL;
        const void *v = rt_valid_union_value(r, p, &model);

        return v != NULL ? rt_valid_model_to_json(model, v) : NULL;
    }
    case RT_VALID_ARRAY:
    case RT_VALID_MAP:
        break; /* handled by the caller, which knows where the length is */
    case RT_VALID_FILE:
        return NULL; /* a file part of a multipart request: no JSON of its own (null) */
    }
    abort();
}

struct json_object *rt_valid_model_to_json(const struct rt_valid_model *model, const void *v)
{
    struct json_object *obj = json_object_new_object();
    size_t i;

    for (i = 0; i < model->n_fields; i++) {
        const struct rt_valid_field *f = &model->fields[i];
        const void *p = AT_CONST(v, f->offset, void);
        enum presence state = presence(f, v);
        struct json_object *value = NULL;

        if (f->write_only || state == OMIT)
            continue; /* never in a response; optional and absent */
        if (state == NUL)
            ;
        else if (f->rule->kind == RT_VALID_ARRAY)
            value = array_to_json(f->rule, *(const void *const *)p, *AT_CONST(v, f->aux_offset, size_t));
        else if (f->rule->kind == RT_VALID_MAP)
            value = map_to_json(f->rule, *(const void *const *)p, *AT_CONST(v, f->aux_offset, size_t));
        else
            value = value_to_json(f->rule, p, false);
        json_object_object_add(obj, f->name, value);
    }
    return obj;
}

/* --- to JSON text --- */

/* One text write: its direction, and the first handler's bug it met. */
struct wstate {
    bool request; /* a request body (the client's: readOnly fields left out), else a response */
    struct rt_valid_null_bug *bug; /* the first NULL where a value must be (field NULL: none yet) */
};

static void note_bug(struct wstate *w, const struct rt_valid_model *model, const struct rt_valid_field *f,
                     bool item)
{
    if (w->bug->field == NULL) {
        w->bug->model = model->name;
        w->bug->field = f->name;
        w->bug->item = item;
    }
}

/*
 * The same serialization as rt_valid_model_to_json(), written as text
 * straight into @p out: what answers use, without building a json-c tree.
 * unit.rt_valid_model checks that both give the same bytes.
 */
static void value_write_json(const struct rt_valid_rule *r, const void *p, bool by_value, struct wstate *w,
                             struct rt_json_buf *out);
static void write_model(const struct rt_valid_model *model, const void *v, struct wstate *w,
                        struct rt_json_buf *out);

/* Whether an item stored at @p p is NULL where its rule wants a value (a string item that is not nullable).
 */
static bool item_is_bug(const struct rt_valid_rule *r, const void *p)
{
    return r->kind != RT_VALID_ANY && !r->nullable && value_is_null(r, p, true);
}

/* The array or map of field @p f of @p model (for a NULL item's report). */
static void array_write_json(const struct rt_valid_model *model, const struct rt_valid_field *f,
                             const void *items, size_t n, struct wstate *w, struct rt_json_buf *out)
{
    const struct rt_valid_rule *r = f->rule;
    size_t i, size = rt_valid_model_item_size(r->items);

    rt_json_put_raw(out, "[", 1);
    for (i = 0; i < n; i++) {
        const char *item = (const char *)items + i * size;

        if (i > 0)
            rt_json_put_raw(out, ",", 1);
        if (item_is_bug(r->items, item))
            note_bug(w, model, f, true);
        value_write_json(r->items, item, true, w, out);
    }
    rt_json_put_raw(out, "]", 1);
}

static void map_write_json(const struct rt_valid_model *model, const struct rt_valid_field *f,
                           const void *pairs, size_t n, struct wstate *w, struct rt_json_buf *out)
{
    const struct rt_valid_rule *r = f->rule;
    size_t i;

    rt_json_put_raw(out, "{", 1);
    for (i = 0; i < n; i++) {
        const char *pair = (const char *)pairs + i * r->entry_size;

        if (i > 0)
            rt_json_put_raw(out, ",", 1);
        rt_json_put_string(out, *(const char *const *)pair);
        rt_json_put_raw(out, ":", 1);
        if (item_is_bug(r->items, pair + r->value_offset))
            note_bug(w, model, f, true);
        value_write_json(r->items, pair + r->value_offset, true, w, out);
    }
    rt_json_put_raw(out, "}", 1);
}

static void value_write_json(const struct rt_valid_rule *r, const void *p, bool by_value, struct wstate *w,
                             struct rt_json_buf *out)
{
    if (value_is_null(r, p, by_value)) {
        rt_json_put_null(out);
        return;
    }
    switch (r->kind) {
    case RT_VALID_ANY:
        if (w->request) {
            rt_json_put_value(out, *(struct json_object *const *)p);
        } else {
            struct json_object *sent =
                write_only_left_out(r, json_object_get(*(struct json_object *const *)p));

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
        write_model(r->model, by_value ? p : *(const void *const *)p, w, out);
        return;
    case RT_VALID_UNION: {
        const struct rt_valid_model *model = NULL;
        const void *v = rt_valid_union_value(r, p, &model);

        write_model(model, v, w, out); /* not NULL: value_is_null() said so */
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

static void write_model(const struct rt_valid_model *model, const void *v, struct wstate *w,
                        struct rt_json_buf *out)
{
    bool first = true;
    size_t i;

    rt_json_put_raw(out, "{", 1);
    for (i = 0; i < model->n_fields; i++) {
        const struct rt_valid_field *f = &model->fields[i];
        const void *p = AT_CONST(v, f->offset, void);
        enum presence state = presence(f, v);

        if ((w->request ? f->read_only : f->write_only) || state == OMIT)
            continue;
        if (state == NUL && f->required && !f->rule->nullable && f->rule->kind != RT_VALID_ANY)
            note_bug(w, model, f, false); /* a required string, object or union left NULL */
        if (!first)
            rt_json_put_raw(out, ",", 1);
        first = false;
        rt_json_put_string(out, f->name);
        rt_json_put_raw(out, ":", 1);
        if (state == NUL)
            rt_json_put_null(out);
        else if (f->rule->kind == RT_VALID_ARRAY)
            array_write_json(model, f, *(const void *const *)p, *AT_CONST(v, f->aux_offset, size_t), w, out);
        else if (f->rule->kind == RT_VALID_MAP)
            map_write_json(model, f, *(const void *const *)p, *AT_CONST(v, f->aux_offset, size_t), w, out);
        else
            value_write_json(f->rule, p, false, w, out);
    }
    rt_json_put_raw(out, "}", 1);
}

bool rt_valid_model_write_json_checked(const struct rt_valid_model *model, const void *v,
                                       struct rt_json_buf *out, struct rt_valid_null_bug *bug)
{
    struct rt_valid_null_bug none;
    struct wstate w = {false, bug != NULL ? bug : &none};

    memset(w.bug, 0, sizeof(*w.bug));
    write_model(model, v, &w, out);
    return w.bug->field == NULL;
}

void rt_valid_model_write_json(const struct rt_valid_model *model, const void *v, struct rt_json_buf *out)
{
    (void)rt_valid_model_write_json_checked(model, v, out, NULL);
}

void rt_valid_model_write_json_request(const struct rt_valid_model *model, const void *v,
                                       struct rt_json_buf *out)
{
    struct rt_valid_null_bug bug = {0};
    struct wstate w = {true, &bug}; /* the server answers 422 for what the client should not have sent */

    write_model(model, v, &w, out);
}

/*
 * rt_valid_model — the table walk behind every generated model: fields by
 * offset, values by kind (rt_valid.h), scalars to rt_valid_scalar.  Read
 * and cleanup here; written as JSON in rt_valid_model_write.c.
 */
#include "rt_valid_model.h"
#include "rt_json.h"
#include "rt_valid_json.h"
#include "rt_valid_scalar.h"
#include "rt_valid_schema.h"
#include "rt_valid_union.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

#define AT(base, off, type) ((type *)((char *)(base) + (off)))

#define NOT_AN_OBJECT "Input should be a valid dictionary or object to extract fields from"

size_t rt_valid_model_item_size(const struct rt_valid_rule *r)
{
    switch (r->kind) {
    case RT_VALID_STRING:
        return sizeof(const char *);
    case RT_VALID_INTEGER:
        return sizeof(int64_t);
    case RT_VALID_NUMBER:
        return sizeof(double);
    case RT_VALID_BOOLEAN:
        return sizeof(bool);
    case RT_VALID_OBJECT:
        return r->model->size;
    case RT_VALID_ANY:
        return sizeof(struct json_object *);
    case RT_VALID_FILE:
        return sizeof(struct rt_valid_file);
    case RT_VALID_ARRAY:
    case RT_VALID_MAP:
    case RT_VALID_UNION:
        break;
    }
    abort(); /* arrays, maps and unions as items are JSON values: the generator never makes these */
}

/* --- from JSON --- */

/* Where one conversion stores what it makes, and its errors. */
struct conv {
    const struct rt_valid_arena *arena; /* NULL: malloc, and JSON values hold a reference of their own */
    struct rt_valid_errors *errs;
    bool request; /* a request body (readOnly fields refused), else a response (writeOnly fields skipped) */
};

static int from_json(const struct conv *c, const struct rt_valid_model *model, struct json_object *j,
                     void *out, const struct rt_valid_loc *loc);

static int convert(const struct conv *c, const struct rt_valid_rule *r, struct json_object *j, void *dst,
                   size_t *len_dst, bool by_value, const struct rt_valid_loc *loc);

/* An object field (a pointer to a new struct) or array item (the struct itself, when @p by_value). */
static int convert_object(const struct conv *c, const struct rt_valid_rule *r, struct json_object *j,
                          void *dst, bool by_value, const struct rt_valid_loc *loc)
{
    void *obj = dst;

    if (json_object_get_type(j) != json_type_object) {
        rt_valid_error_ref(c->errs, loc, "model_attributes_type", NOT_AN_OBJECT, j);
        return -1;
    }
    if (!by_value) {
        obj = rt_valid_alloc(c->arena, 1, r->model->size);
        *(void **)dst = obj; /* stored even when invalid, so that cleanup frees it */
    }
    return from_json(c, r->model, j, obj, loc);
}

/* An array: its items at *@p dst, their number at *@p len_dst. */
static int convert_array(const struct conv *c, const struct rt_valid_rule *r, struct json_object *j,
                         void *dst, size_t *len_dst, const struct rt_valid_loc *loc)
{
    size_t n, i, size = rt_valid_model_item_size(r->items);
    char *items;
    int rc = 0;

    if (len_dst == NULL)
        abort(); /* arrays are fields, stored with their length, never items (rt_valid_model_item_size()) */
    if (json_object_get_type(j) != json_type_array) {
        rt_valid_error_ref(c->errs, loc, "list_type", "Input should be a valid list", j);
        return -1;
    }
    n = json_object_array_length(j);
    items = rt_valid_alloc(c->arena, n, size);
    *(void **)dst = items;
    *len_dst = n;
    for (i = 0; i < n; i++) {
        struct rt_valid_loc at = {loc, NULL, (int64_t)i};

        if (convert(c, r->items, json_object_array_get_idx(j, i), items + i * size, NULL, true, &at) < 0)
            rc = -1;
    }
    return rc;
}

/* A map: its key/value pairs at *@p dst (keys copied), their number at *@p len_dst. */
static int convert_map(const struct conv *c, const struct rt_valid_rule *r, struct json_object *j, void *dst,
                       size_t *len_dst, const struct rt_valid_loc *loc)
{
    char *pairs, *pair;
    size_t n;
    int rc = 0;

    if (len_dst == NULL)
        abort(); /* maps are fields, stored with their length, never items (rt_valid_model_item_size()) */
    if (json_object_get_type(j) != json_type_object) {
        rt_valid_error_ref(c->errs, loc, "dict_type", "Input should be a valid dictionary", j);
        return -1;
    }
    n = (size_t)json_object_object_length(j);
    pairs = rt_valid_alloc(c->arena, n, r->entry_size);
    *(void **)dst = pairs;
    *len_dst = n;
    pair = pairs;
    json_object_object_foreach(j, key, v)
    {
        struct rt_valid_loc at = {loc, key, 0};
        size_t len = strlen(key);
        char *copy = rt_valid_alloc(c->arena, len + 1, 1);

        memcpy(copy, key, len);
        *(char **)pair = copy;
        if (convert(c, r->items, v, pair + r->value_offset, NULL, true, &at) < 0)
            rc = -1;
        pair += r->entry_size;
    }
    return rc;
}

/*
 * Validate @p j (NULL for JSON null) against @p r and store it at @p dst
 * (an array stores its items there and its length at @p len_dst; an object
 * item of an array is stored by value when @p by_value).
 * @return 0 if stored, 1 if null was accepted (nothing stored), -1 if an
 * error was added.
 */
static int convert(const struct conv *c, const struct rt_valid_rule *r, struct json_object *j, void *dst,
                   size_t *len_dst, bool by_value, const struct rt_valid_loc *loc)
{
    if (json_object_get_type(j) == json_type_null && r->nullable)
        return 1;
    switch (r->kind) {
    case RT_VALID_ANY:
        if (r->schema != NULL && !(c->request ? rt_valid_schema_check_request(r->schema, j, c->errs, loc)
                                              : rt_valid_schema_check(r->schema, j, c->errs, loc)))
            return -1;
        if (r->schema != NULL && c->request)
            rt_valid_schema_fill_defaults(r->schema, j); /* absent properties take their defaults */
        if (c->arena == NULL)
            j = json_object_get(j); /* the model holds its own reference */
        else if (c->arena->keep != NULL)
            c->arena->keep(c->arena->ctx, json_object_get(j));
        *(struct json_object **)dst = j;
        return 0;
    case RT_VALID_OBJECT:
        return convert_object(c, r, j, dst, by_value, loc);
    case RT_VALID_ARRAY:
        return convert_array(c, r, j, dst, len_dst, loc);
    case RT_VALID_MAP:
        return convert_map(c, r, j, dst, len_dst, loc);
    case RT_VALID_UNION:
        return rt_valid_union_from_json(r, j, dst, c->arena, c->errs, loc);
    case RT_VALID_FILE: /* a file part comes in a multipart body (rt_valid_multipart), never in JSON */
        rt_valid_error_ref(c->errs, loc, "file_type",
                           "Input should be a file part of a multipart/form-data body", j);
        return -1;
    default:
        return rt_valid_scalar_from_json(r, j, dst, c->arena, c->errs, loc);
    }
}

int rt_valid_model_field_default(const struct rt_valid_field *f, void *out,
                                 const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                                 const struct rt_valid_loc *loc)
{
    struct json_object *d = rt_valid_json_value(f->default_json);
    int rc;

    if (f->rule->kind == RT_VALID_ANY) {
        /* A JSON-value field (a Literal's const, say): the value itself, owned as a sent one would be. */
        if (arena != NULL && arena->keep != NULL)
            arena->keep(arena->ctx, json_object_get(d));
        else if (arena == NULL)
            json_object_get(d); /* the model holds its own reference, which cleanup drops */
        *AT(out, f->offset, struct json_object *) = d;
        json_object_put(d);
        return 0;
    }
    rc = rt_valid_scalar_from_json(f->rule, d, AT(out, f->offset, void), arena, errs,
                                   loc); /* a scalar: nothing in out points into it */

    if (rc == 0 && f->aux_offset != RT_VALID_NO_OFFSET)
        *AT(out, f->aux_offset, bool) = true;
    json_object_put(d);
    return rc < 0 ? -1 : 0;
}

const struct rt_valid_field *rt_valid_model_field(const struct rt_valid_model *model, const char *name)
{
    for (size_t i = 0; i < model->n_fields; i++) {
        if (strcmp(model->fields[i].name, name) == 0)
            return &model->fields[i];
    }
    return NULL;
}

/* additionalProperties: false: every member of @p j no field names is an error (pydantic's extra="forbid").
 */
static void forbid_extras(const struct conv *c, const struct rt_valid_model *model, struct json_object *j,
                          const struct rt_valid_loc *loc)
{
    json_object_object_foreach(j, key, v)
    {
        if (rt_valid_model_field(model, key) == NULL) {
            struct rt_valid_loc at = {loc, key, 0};

            rt_valid_error_ref(c->errs, &at, "extra_forbidden", "Extra inputs are not permitted", v);
        }
    }
}

static int from_json(const struct conv *c, const struct rt_valid_model *model, struct json_object *j,
                     void *out, const struct rt_valid_loc *loc)
{
    size_t i, before = rt_valid_errors_count(c->errs);

    memset(out, 0, model->size);
    if (json_object_get_type(j) != json_type_object) {
        rt_valid_error_ref(c->errs, loc, "model_attributes_type", NOT_AN_OBJECT, j);
        return -1;
    }
    for (i = 0; i < model->n_fields; i++) {
        const struct rt_valid_field *f = &model->fields[i];
        struct rt_valid_loc at = {loc, f->name, 0};
        struct json_object *v = NULL;
        bool is_array = f->rule->kind == RT_VALID_ARRAY || f->rule->kind == RT_VALID_MAP;
        bool present = json_object_object_get_ex(j, f->name, &v);
        int rc;

        if (c->request ? f->read_only : f->write_only) {
            /* Mass assignment: a client must not set what only the server writes (readOnly). */
            if (c->request && present)
                rt_valid_error_ref(c->errs, &at, "read_only", RT_VALID_READ_ONLY_MSG, v);
            continue;
        }
        if (!present && c->request && f->default_json != NULL) {
            (void)rt_valid_model_field_default(f, out, c->arena, c->errs, &at);
            continue;
        }
        if (!present) {
            if (f->required)
                rt_valid_error_ref(c->errs, &at, "missing", "Field required", j);
            continue;
        }
        rc = convert(c, f->rule, v, AT(out, f->offset, void),
                     is_array ? AT(out, f->aux_offset, size_t) : NULL, false, &at);
        if (rc == 0 && !is_array && f->aux_offset != RT_VALID_NO_OFFSET)
            *AT(out, f->aux_offset, bool) = true;
        if (rc >= 0 && f->null_flag && json_object_get_type(v) == json_type_null)
            *AT(out, f->null_offset, bool) = true; /* null, not absence: a PATCH's "clear it" */
    }
    if (model->closed)
        forbid_extras(c, model, j, loc);
    return rt_valid_errors_count(c->errs) > before ? -1 : 0;
}

int rt_valid_model_from_json(const struct rt_valid_model *model, struct json_object *j, void *out,
                             struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    const struct conv c = {NULL, errs, false};

    return from_json(&c, model, j, out, loc);
}

int rt_valid_model_from_json_arena(const struct rt_valid_model *model, struct json_object *j, void *out,
                                   const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                                   const struct rt_valid_loc *loc)
{
    const struct conv c = {arena, errs, true};

    if (arena == NULL)
        abort(); /* a caller's bug: it would leak what rt_valid_model_cleanup() is not called for */
    return from_json(&c, model, j, out, loc);
}

/* --- cleanup --- */

/* Free what one stored value owns; @p p as in convert(). */
static void value_cleanup(const struct rt_valid_rule *r, void *p, size_t *len, bool by_value)
{
    switch (r->kind) {
    case RT_VALID_ANY:
        json_object_put(*(struct json_object **)p);
        *(struct json_object **)p = NULL;
        break;
    case RT_VALID_STRING:
        /* A const char * field, read as char * to free it: from_json malloc'd it, the model owns it. */
        free(*(char **)p);
        *(char **)p = NULL;
        break;
    case RT_VALID_OBJECT:
        if (by_value) {
            rt_valid_model_cleanup(r->model, p);
        } else {
            rt_valid_model_cleanup(r->model, *(void **)p);
            free(*(void **)p);
            *(void **)p = NULL;
        }
        break;
    case RT_VALID_ARRAY: {
        char *items = *(char **)p;
        size_t i, size = rt_valid_model_item_size(r->items);

        if (len == NULL)
            abort(); /* a field, with its length: as in convert_array() */
        for (i = 0; items != NULL && i < *len; i++)
            value_cleanup(r->items, items + i * size, NULL, true);
        free(items);
        *(char **)p = NULL;
        *len = 0;
        break;
    }
    case RT_VALID_MAP: {
        char *pairs = *(char **)p;
        size_t i;

        if (len == NULL)
            abort(); /* a field, with its length: as in convert_map() */
        for (i = 0; pairs != NULL && i < *len; i++) {
            free(*(char **)(pairs + i * r->entry_size));
            value_cleanup(r->items, pairs + i * r->entry_size + r->value_offset, NULL, true);
        }
        free(pairs);
        *(char **)p = NULL;
        *len = 0;
        break;
    }
    case RT_VALID_UNION:
        rt_valid_union_cleanup(r, p);
        break;
    default:
        break;
    }
}

static bool has_length(const struct rt_valid_rule *r)
{
    return r->kind == RT_VALID_ARRAY || r->kind == RT_VALID_MAP;
}

void rt_valid_model_cleanup(const struct rt_valid_model *model, void *v)
{
    size_t i;

    if (v == NULL)
        return;
    for (i = 0; i < model->n_fields; i++) {
        const struct rt_valid_field *f = &model->fields[i];

        value_cleanup(f->rule, AT(v, f->offset, void),
                      has_length(f->rule) ? AT(v, f->aux_offset, size_t) : NULL, false);
    }
    memset(v, 0, model->size);
}

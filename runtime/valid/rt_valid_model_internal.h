/*
 * rt_valid_model_internal — what the model walk's files share
 * (rt_valid_model.c: from JSON, cleanup, to a tree; rt_valid_model_text.c:
 * to JSON text).
 */
#ifndef RT_VALID_MODEL_INTERNAL_H
#define RT_VALID_MODEL_INTERNAL_H

#include "rt_valid.h"
#include "rt_valid_schema.h"

#include <stdlib.h>

#define AT(base, off, type) ((type *)((char *)(base) + (off)))
#define AT_CONST(base, off, type) ((const type *)((const char *)(base) + (off)))

/* The bytes one array item takes (objects are stored by value in arrays). */
static inline size_t rt_valid_model_item_size(const struct rt_valid_rule *r)
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

/* Whether a field of rule @p r stores its length (an array, a map). */
static inline bool rt_valid_model_has_length(const struct rt_valid_rule *r)
{
    return r->kind == RT_VALID_ARRAY || r->kind == RT_VALID_MAP;
}

/*
 * A JSON value of a response (takes @p j) without the members its schema
 * declares writeOnly, as write_model() leaves out a model's writeOnly
 * fields; a schema that has none costs one test.
 */
static inline struct json_object *rt_valid_model_without_write_only(const struct rt_valid_rule *r,
                                                                    struct json_object *j)
{
    return r->schema != NULL ? rt_valid_schema_without_write_only(r->schema, j) : j;
}

#endif /* RT_VALID_MODEL_INTERNAL_H */

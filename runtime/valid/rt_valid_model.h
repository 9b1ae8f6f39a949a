/*
 * rt_valid_model — model tables (struct rt_valid_model) walked to fill a
 * C struct from JSON, validating every field, and to write one as JSON.
 *
 * The C layout of each kind is in rt_valid.h (enum rt_valid_kind); the
 * generated api_<schema>__from_json/__to_json/__cleanup wrap these.
 */
#ifndef RT_VALID_MODEL_H
#define RT_VALID_MODEL_H

#include "rt_valid.h"
#include "rt_valid_errors.h"

struct json_object;
struct rt_json_buf;

/**
 * Fill @p out (a struct of @p model->size bytes, zeroed first) from the
 * JSON object @p j, validating every field and adding one error to
 * @p errs for each field that fails (a non-object @p j is one
 * model_attributes_type error at @p loc).  Unknown keys are ignored, or
 * each an extra_forbidden error when @p model is closed.
 * Strings and nested values are malloc'd and JSON values ({} fields) hold
 * a reference of their own; release them with rt_valid_model_cleanup(),
 * also after a failure.  @p j is read as a response (what the generated
 * client gets): writeOnly fields are skipped (neither read nor required).
 * @return 0 if all fields were valid, else -1.
 */
int rt_valid_model_from_json(const struct rt_valid_model *model, struct json_object *j, void *out,
                             struct rt_valid_errors *errs, const struct rt_valid_loc *loc);

/**
 * The same as rt_valid_model_from_json(), with nothing to release: strings,
 * nested objects and array items are taken from @p arena, and JSON values
 * ({} fields) point into @p j, which must outlive @p out.  Do not call
 * rt_valid_model_cleanup() on @p out.  @p j is read as a request body: a
 * readOnly field is not required, and one that is sent is a "read_only"
 * error (422: a client must not set what only the server writes).
 * @return 0 if all fields were valid, else -1.
 */
int rt_valid_model_from_json_arena(const struct rt_valid_model *model, struct json_object *j, void *out,
                                   const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                                   const struct rt_valid_loc *loc);

/**
 * A request body left out @p f, which has a default (f->default_json, a
 * scalar, or any JSON value for a JSON-value field): store it in @p out at
 * f's offset as if it had been sent (its has_ flag set, as for a query
 * parameter's default), strings from @p arena, a JSON value kept by
 * arena->keep (or a reference of the model's own without an arena).  For
 * the JSON, form and multipart readers alike.
 * @return 0, or -1 with an error added at @p loc (a default its rule
 *         refuses, which the generator does not let through).
 */
int rt_valid_model_field_default(const struct rt_valid_field *f, void *out,
                                 const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                                 const struct rt_valid_loc *loc);

/** @return the bytes one array item of rule @p r takes (objects are stored by value in arrays). */
size_t rt_valid_model_item_size(const struct rt_valid_rule *r);

/** @return the field of @p model whose JSON name is @p name, or NULL. */
const struct rt_valid_field *rt_valid_model_field(const struct rt_valid_model *model, const char *name);

/** Free what rt_valid_model_from_json() allocated in @p v and zero it; NULL is fine; idempotent. */
void rt_valid_model_cleanup(const struct rt_valid_model *model, void *v);

/**
 * @return @p v serialized as a new JSON object (fields in spec order); the
 * caller owns it.  An optional field is left out when unset (has_<field>
 * false, or NULL), also when nullable: it is null only when its
 * <field>_null flag is set (the table's null_flag), so that a PATCH's
 * untouched members stay absent.  A required nullable field left unset is
 * null; a required string, object or union left NULL is written as null
 * too (a handler bug: rt_valid_model_write_json_checked() reports it).  A
 * response: writeOnly fields are left out.
 */
struct json_object *rt_valid_model_to_json(const struct rt_valid_model *model, const void *v);

/**
 * Append @p v to @p out as JSON text, byte for byte what
 * rt_valid_model_to_json() and json-c would print, without building the tree.
 * A response: writeOnly fields are left out.
 */
void rt_valid_model_write_json(const struct rt_valid_model *model, const void *v, struct rt_json_buf *out);

/** Where a handler left NULL what must be a value (rt_valid_model_write_json_checked()). */
struct rt_valid_null_bug {
    const char *model; /* the schema's name ("Echo"); NULL: no bug */
    const char *field; /* the JSON name of its field ("word"); NULL: no bug */
    bool item;         /* an item of that array or map (a NULL string item), not the field itself */
};

/**
 * rt_valid_model_write_json(), which also says whether @p v breaks its
 * schema where C can tell: a required, non-nullable string, object or
 * union left NULL, or a NULL item of an array or map of non-nullable
 * strings (written as null all the same).
 * @return true, or false with the first such place in @p bug (if not NULL).
 */
bool rt_valid_model_write_json_checked(const struct rt_valid_model *model, const void *v,
                                       struct rt_json_buf *out, struct rt_valid_null_bug *bug);

/** The same, as a request body (the generated client's): readOnly fields are left out, writeOnly ones sent.
 */
void rt_valid_model_write_json_request(const struct rt_valid_model *model, const void *v,
                                       struct rt_json_buf *out);

#endif /* RT_VALID_MODEL_H */

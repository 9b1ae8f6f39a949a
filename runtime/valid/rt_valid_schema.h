/*
 * rt_valid_schema — a JSON Schema 2020-12 validator over generated tables:
 * one struct rt_valid_schema per schema (subschemas point to theirs, $ref
 * to its target's), walked against a parsed JSON value.  The model walker
 * (rt_valid_model) calls it for a value a C struct cannot represent or a
 * schema using keywords beyond what it checks itself (rule->schema); the
 * value is then kept as a struct json_object *, validated in full.
 * Its modules, one concern each:
 *   rt_valid_schema        entry, boolean schemas, $ref, type, numbers, strings, composition
 *   rt_valid_schema_value  const, enum and JSON equality (also for uniqueItems)
 *   rt_valid_schema_arr    prefixItems, items, contains, min/maxItems, uniqueItems
 *   rt_valid_schema_obj    properties, patternProperties, additionalProperties,
 *                          propertyNames, required, dependent*, min/maxProperties
 *   rt_valid_schema_strip  a response's value without its writeOnly members
 * unevaluatedProperties and unevaluatedItems see what the other keywords
 * evaluated at the same value, through the in-place applicators ($ref,
 * allOf, the valid branches of anyOf/oneOf, if/then/else,
 * dependentSchemas): a struct rt_valid_schema_seen is passed down the walk
 * of a value only when a schema there has one of them, so other schemas pay
 * nothing for it.
 * Errors: one FastAPI-shaped entry per failing keyword (pydantic's type
 * where it has one: too_short, multiple_of, literal_error, extra_forbidden,
 * ...); subschemas of anyOf, oneOf, not, if and contains are evaluated
 * without errors (@p errs NULL) and their keyword reports the failure.
 */
#ifndef RT_VALID_SCHEMA_H
#define RT_VALID_SCHEMA_H

#include "rt_valid.h"
#include "rt_valid_errors.h"

#include <stdbool.h>
#include <stddef.h>

struct json_object;

/** JSON types, as bits of struct rt_valid_schema.types (0: any type). */
enum {
    RT_VALID_T_NULL = 1,
    RT_VALID_T_BOOLEAN = 2,
    RT_VALID_T_OBJECT = 4,
    RT_VALID_T_ARRAY = 8,
    RT_VALID_T_NUMBER = 16,  /* also every integer */
    RT_VALID_T_INTEGER = 32, /* numbers without a fractional part (1.0 is one) */
    RT_VALID_T_STRING = 64
};

/** A JSON value from the spec (const, enum), parsed once on first use. */
struct rt_valid_schema_json {
    const char *text;          /* the value as JSON text */
    struct json_object *value; /* private: parsed text, once ready */
    volatile int ready;        /* private */
};

/** An optional count (minItems, maxLength, ...). */
struct rt_valid_count {
    bool set;
    size_t n;
};

struct rt_valid_schema;

/** properties / dependentRequired / dependentSchemas: one name and what it brings. */
struct rt_valid_schema_prop {
    const char *name;
    const struct rt_valid_schema *schema; /* properties, dependentSchemas */
    const char *const *required;          /* dependentRequired: NULL-terminated names */
    /* properties: the default (JSON text) a request's value takes when it leaves the member out
     * (rt_valid_schema_fill_defaults), or NULL */
    const char *default_json;
};

/** patternProperties: one pattern and the schema of the properties it matches. */
struct rt_valid_schema_pat {
    struct rt_valid_pattern *pattern;
    const struct rt_valid_schema *schema;
};

/** A list of subschemas (allOf, anyOf, oneOf, prefixItems). */
struct rt_valid_schema_list {
    const struct rt_valid_schema *const *items;
    size_t n;
};

/**
 * OpenAPI's discriminator beside a oneOf/anyOf: the value of @c property
 * picks the one branch checked (tags[i].branch indexes the oneOf/anyOf).
 */
struct rt_valid_schema_disc {
    const char *property;
    const struct rt_valid_tag *tags;
    size_t n_tags;
};

enum rt_valid_schema_kind {
    RT_VALID_SCHEMA_KEYWORDS = 0, /* a schema object: its keywords below */
    RT_VALID_SCHEMA_TRUE,         /* true: anything */
    RT_VALID_SCHEMA_FALSE         /* false: nothing */
};

/** One schema; generated as static tables (unset members: no such keyword). */
struct rt_valid_schema {
    enum rt_valid_schema_kind kind;
    const char *where;                  /* its JSON pointer in the spec */
    unsigned types;                     /* RT_VALID_T_* bits; 0 = no type keyword */
    const struct rt_valid_schema *ref;  /* $ref (checked besides the siblings) */
    struct rt_valid_schema_json *konst; /* const */
    struct rt_valid_schema_json *enums; /* enum: n_enums values */
    size_t n_enums;
    /* numbers */
    struct rt_valid_bound minimum, maximum; /* the tighter of minimum/exclusiveMinimum */
    const char *multiple_of_text;           /* NULL = no multipleOf */
    double multiple_of;
    /* strings */
    struct rt_valid_count min_length, max_length;
    struct rt_valid_pattern *pattern;
    enum rt_valid_format format;
    /* arrays */
    struct rt_valid_count min_items, max_items;
    bool unique_items;
    struct rt_valid_schema_list prefix_items;
    const struct rt_valid_schema *items;
    const struct rt_valid_schema *contains;
    struct rt_valid_count min_contains, max_contains;
    /* objects */
    struct rt_valid_count min_properties, max_properties;
    const char *const *required; /* NULL-terminated */
    const struct rt_valid_schema_prop *properties;
    size_t n_properties;
    const struct rt_valid_schema_pat *pattern_properties;
    size_t n_pattern_properties;
    const struct rt_valid_schema *additional_properties;
    const struct rt_valid_schema *property_names;
    const struct rt_valid_schema_prop *dependent_required;
    size_t n_dependent_required;
    const struct rt_valid_schema_prop *dependent_schemas;
    size_t n_dependent_schemas;
    /* composition */
    struct rt_valid_schema_list all_of, any_of, one_of;
    const struct rt_valid_schema_disc *discriminator; /* NULL: the oneOf/anyOf counts its matches */
    const struct rt_valid_schema *not_schema, *if_schema, *then_schema, *else_schema;
    /* unevaluated: checked last, on what no other keyword evaluated */
    const struct rt_valid_schema *unevaluated_items;
    const struct rt_valid_schema *unevaluated_properties;
    /* OpenAPI: readOnly on a property's schema (the server sends it): in a request's value it is refused
     * when present (read_only) and not required, as on a model's field; a response's takes it as any other */
    bool read_only;
    /* names of required that another subschema of the same value declares readOnly (a base model's id, made
     * required by an allOf branch or beside a $ref): a request's value need not send them either */
    const char *const *request_optional; /* NULL-terminated, or NULL */
    /* OpenAPI: writeOnly on a property's schema (the client sends it): left out of a response's value
     * (rt_valid_schema_without_write_only) and not required there; a request's takes it as any other */
    bool write_only;
    const char *const *response_optional; /* as request_optional, for writeOnly: NULL-terminated, or NULL */
    /* whether this schema or one it reaches has write_only: the responses it describes are walked to leave
     * those members out (set by the generator; false: nothing to leave out, nothing walked) */
    bool has_write_only;
    /* whether this schema or one it reaches has a property's default_json: a request's value is walked to
     * fill them in (set by the generator; false: nothing to fill, nothing walked) */
    bool has_default;
};

/**
 * Validate @p j (NULL is JSON null) against @p s, adding an error to
 * @p errs at @p loc for each failing keyword (@p errs NULL: only the verdict).
 * @return true if @p j is valid.
 */
bool rt_valid_schema_check(const struct rt_valid_schema *s, struct json_object *j,
                           struct rt_valid_errors *errs, const struct rt_valid_loc *loc);

/**
 * rt_valid_schema_check() for a value a request carries (a body, a JSON
 * parameter, a JSON-value field of a request model): readOnly properties
 * are refused there and not required (rt_valid_schema_check() judges a
 * response's value, where they are the server's to send).
 */
bool rt_valid_schema_check_request(const struct rt_valid_schema *s, struct json_object *j,
                                   struct rt_valid_errors *errs, const struct rt_valid_loc *loc);

/**
 * A response's JSON value as it may be sent: without the members that a
 * writeOnly property of @p s (or of a subschema that applies to them)
 * names, at any depth.  Takes @p j (NULL: JSON null) and returns a value the
 * caller owns: @p j itself when it has no such member, else a copy without
 * them, so a value the handler still holds is left as it built it.  The
 * subschemas of anyOf and oneOf apply when @p j is valid against them, as
 * JSON Schema's annotations; when none is (a handler bug), all apply, so a
 * writeOnly member is left out rather than sent.
 */
struct json_object *rt_valid_schema_without_write_only(const struct rt_valid_schema *s,
                                                       struct json_object *j);

/**
 * Fill in, in @p j (a request's value, valid against @p s), the default of
 * each absent property of @p s (default_json) or of a subschema that
 * applies (properties, items, $ref, allOf, the anyOf/oneOf branches @p j is
 * valid against...), at any depth, as FastAPI fills a model's fields in.
 * A member that was sent is never replaced; a default is not validated.
 */
void rt_valid_schema_fill_defaults(const struct rt_valid_schema *s, struct json_object *j);

/* --- for the rt_valid_schema modules --- */

/** Whether the check under way on this thread is rt_valid_schema_check_request()'s. */
bool rt_valid_schema_in_request(void);

/** Whether @p s, or a schema its $ref chain names, has readOnly. */
bool rt_valid_schema_read_only(const struct rt_valid_schema *s);

/** Whether @p s, or a schema its $ref chain names, has writeOnly. */
bool rt_valid_schema_write_only(const struct rt_valid_schema *s);

/**
 * The members (in json-c's order) or items of one object or array that the
 * keywords applied to it have evaluated so far (JSON Schema's annotations
 * that unevaluatedProperties and unevaluatedItems read).  Owned by the walk
 * that made it; flags has n entries.
 */
struct rt_valid_schema_seen {
    bool *flags;
    size_t n;
};

/** Mark member or item @p i evaluated (@p seen NULL: nobody asks). */
static inline void rt_valid_schema_mark(struct rt_valid_schema_seen *seen, size_t i)
{
    if (seen != NULL)
        seen->flags[i] = true;
}

/**
 * rt_valid_schema_check(), also marking in @p seen (NULL: nobody asks) what
 * @p s evaluated of the object or array @p j when it is valid.
 */
bool rt_valid_schema_walk(const struct rt_valid_schema *s, struct json_object *j,
                          struct rt_valid_errors *errs, const struct rt_valid_loc *loc,
                          struct rt_valid_schema_seen *seen);

/** Add an error without ctx (input: a reference of its own to @p j) unless @p errs is NULL. */
void rt_valid_schema_fail(struct rt_valid_errors *errs, const struct rt_valid_loc *loc, const char *type,
                          const char *msg, struct json_object *j);

/** Add an error whose ctx is {@p key: @p n} unless @p errs is NULL. */
void rt_valid_schema_fail_n(struct rt_valid_errors *errs, const struct rt_valid_loc *loc, const char *type,
                            const char *msg, struct json_object *j, const char *key, size_t n);

/** const and enum of @p s. @return true if @p j satisfies both. */
bool rt_valid_schema_values(const struct rt_valid_schema *s, struct json_object *j,
                            struct rt_valid_errors *errs, const struct rt_valid_loc *loc);

/** JSON equality: numbers by value (1 == 1.0), objects whatever their key order. */
bool rt_valid_schema_equal(struct json_object *a, struct json_object *b);

/** The array keywords of @p s on the array @p j, marking the items they evaluate. @return true if all hold.
 */
bool rt_valid_schema_array(const struct rt_valid_schema *s, struct json_object *j,
                           struct rt_valid_errors *errs, const struct rt_valid_loc *loc,
                           struct rt_valid_schema_seen *seen);

/** unevaluatedItems of @p s on the items of @p j that @p seen does not mark. @return true if they hold. */
bool rt_valid_schema_unevaluated_items(const struct rt_valid_schema *s, struct json_object *j,
                                       struct rt_valid_errors *errs, const struct rt_valid_loc *loc,
                                       const struct rt_valid_schema_seen *seen);

/** The object keywords of @p s on the object @p j, marking the members they evaluate. @return true if all
 * hold. */
bool rt_valid_schema_object(const struct rt_valid_schema *s, struct json_object *j,
                            struct rt_valid_errors *errs, const struct rt_valid_loc *loc,
                            struct rt_valid_schema_seen *seen);

/** unevaluatedProperties of @p s on the members of @p j that @p seen does not mark. @return true if they
 * hold. */
bool rt_valid_schema_unevaluated_properties(const struct rt_valid_schema *s, struct json_object *j,
                                            struct rt_valid_errors *errs, const struct rt_valid_loc *loc,
                                            const struct rt_valid_schema_seen *seen);

#endif /* RT_VALID_SCHEMA_H */

/*
 * rt_valid_schema_fill — a request's JSON value with the defaults of its
 * absent properties filled in (rt_valid_schema_fill_defaults() in
 * rt_valid_schema.h), as an object model's reader fills a field's.
 *
 * JSON Schema calls default an annotation; FastAPI (pydantic) fills a
 * field's default in when the member is absent, at any depth, and so does
 * this walk for a value kept as JSON (an array of models, a union, a
 * composition, an object keeping its extra members).  The value was valid
 * before: a default is added as written, not validated (pydantic's
 * validate_default=False), and never replaces a member that was sent.
 *
 * The walk follows the keywords that apply a subschema to a member or an
 * item (properties, patternProperties, additionalProperties, prefixItems,
 * items) and those that apply one to the same value ($ref, allOf,
 * dependentSchemas of a present member, then/else as the if holds, and the
 * anyOf/oneOf branches the value is valid against, in order).  A default
 * met only through not, if, contains, propertyNames or unevaluated* is
 * refused by the generator (check_json_defaults), which marks the schemas
 * that reach a default (has_default): no other is entered.
 */
#include "rt_valid_json.h"
#include "rt_valid_schema.h"

#include <json-c/json.h>
#include <string.h>

/* As deep as the strip walk goes; a request's document is at most json-c's depth (32). */
#define FILL_MAX_DEPTH 512

static void fill_walk(const struct rt_valid_schema *s, struct json_object *j, unsigned depth);

/* The branches of an anyOf/oneOf that @p j is valid against. */
static void fill_branches(const struct rt_valid_schema_list *list, struct json_object *j, unsigned depth)
{
    for (size_t i = 0; i < list->n; i++) {
        if (rt_valid_schema_check_request(list->items[i], j, NULL, NULL))
            fill_walk(list->items[i], j, depth + 1);
    }
}

/* The member @p key (@p v) into the schemas that apply to it, as the validator applies them. */
static void fill_member(const struct rt_valid_schema *s, const char *key, struct json_object *v,
                        unsigned depth)
{
    bool matched = false;
    size_t i;

    for (i = 0; i < s->n_properties; i++) {
        if (strcmp(s->properties[i].name, key) == 0) {
            matched = true;
            fill_walk(s->properties[i].schema, v, depth + 1);
        }
    }
    for (i = 0; i < s->n_pattern_properties; i++) {
        if (rt_valid_pattern_search(s->pattern_properties[i].pattern, key, strlen(key)) == 1) {
            matched = true;
            fill_walk(s->pattern_properties[i].schema, v, depth + 1);
        }
    }
    if (!matched)
        fill_walk(s->additional_properties, v, depth + 1);
}

static void fill_object(const struct rt_valid_schema *s, struct json_object *j, unsigned depth)
{
    size_t i;

    for (i = 0; i < s->n_dependent_schemas; i++)
        if (json_object_object_get_ex(j, s->dependent_schemas[i].name, NULL))
            fill_walk(s->dependent_schemas[i].schema, j, depth + 1);
    json_object_object_foreach(j, key, v)
    {
        fill_member(s, key, v, depth);
    }
    /* then the absent ones: added after the walk above, so a default is never walked into */
    for (i = 0; i < s->n_properties; i++) {
        const struct rt_valid_schema_prop *p = &s->properties[i];

        if (p->default_json != NULL && !json_object_object_get_ex(j, p->name, NULL))
            json_object_object_add(j, p->name, rt_valid_json_value(p->default_json));
    }
}

static void fill_array(const struct rt_valid_schema *s, struct json_object *j, unsigned depth)
{
    size_t n = json_object_array_length(j), i;

    for (i = 0; i < n; i++) {
        struct json_object *item = json_object_array_get_idx(j, i);

        fill_walk(i < s->prefix_items.n ? s->prefix_items.items[i] : s->items, item, depth + 1);
    }
}

static void fill_walk(const struct rt_valid_schema *s, struct json_object *j, unsigned depth)
{
    size_t i;

    if (s == NULL || !s->has_default || j == NULL || depth > FILL_MAX_DEPTH)
        return;
    fill_walk(s->ref, j, depth + 1);
    for (i = 0; i < s->all_of.n; i++)
        fill_walk(s->all_of.items[i], j, depth + 1);
    fill_branches(&s->any_of, j, depth);
    fill_branches(&s->one_of, j, depth);
    if (s->if_schema != NULL)
        fill_walk(rt_valid_schema_check_request(s->if_schema, j, NULL, NULL) ? s->then_schema
                                                                             : s->else_schema,
                  j, depth + 1);
    if (json_object_is_type(j, json_type_object))
        fill_object(s, j, depth);
    else if (json_object_is_type(j, json_type_array))
        fill_array(s, j, depth);
}

void rt_valid_schema_fill_defaults(const struct rt_valid_schema *s, struct json_object *j)
{
    fill_walk(s, j, 0);
}

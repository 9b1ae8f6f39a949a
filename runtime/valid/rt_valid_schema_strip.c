/*
 * rt_valid_schema_strip — a response's JSON value without its writeOnly
 * members (rt_valid_schema_without_write_only() in rt_valid_schema.h).
 *
 * OpenAPI's writeOnly on a property says the client sends it and the server
 * never does (a password, say).  A response built as an object model leaves
 * such a field out in rt_valid_model; a value kept as JSON (an array of
 * models, a union, a composition) is the handler's own json-c tree, so the
 * reply walks it here against its schema before sending it.
 *
 * The walk follows the keywords that apply a subschema to a member or an
 * item (properties, patternProperties, additionalProperties, prefixItems,
 * items, contains, unevaluated*) and those that apply one to the same value
 * ($ref, allOf, dependentSchemas, if/then/else, and the anyOf/oneOf
 * branches the value is valid against).  A schema the generator marked as
 * reaching no writeOnly (has_write_only false) is not entered, so a
 * response whose schema has none costs one test.  The value is walked once
 * to find a member to leave out, and only then copied and walked again to
 * remove them: the handler may hold the value it gave.
 */
#include "rt_valid_schema.h"

#include "rt_mem.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

/* Deeper than json-c parses (JSON_TOKENER_DEFAULT_DEPTH, 32) by far; a handler's tree this deep is a bug. */
#define STRIP_MAX_DEPTH 512

struct strip {
    bool edit;  /* remove what is found (else only find it) */
    bool found; /* a writeOnly member was met */
};

static void strip_walk(const struct rt_valid_schema *s, struct json_object *j, struct strip *st,
                       unsigned depth);

/* The branches of an anyOf/oneOf that apply: those @p j is valid against, or all when it is valid against
 * none. */
static void strip_branches(const struct rt_valid_schema_list *list, struct json_object *j, struct strip *st,
                           unsigned depth)
{
    bool any = false;
    size_t i;

    for (i = 0; i < list->n; i++) {
        if (rt_valid_schema_check(list->items[i], j, NULL, NULL)) {
            strip_walk(list->items[i], j, st, depth + 1);
            any = true;
        }
    }
    for (i = 0; !any && i < list->n; i++)
        strip_walk(list->items[i], j, st, depth + 1);
}

/* Whether a property of @p s named @p key is writeOnly; walks the member @p v into the schemas that apply. */
static bool strip_member(const struct rt_valid_schema *s, const char *key, struct json_object *v,
                         struct strip *st, unsigned depth)
{
    bool matched = false, write_only = false;
    size_t i;

    for (i = 0; i < s->n_properties; i++) {
        if (strcmp(s->properties[i].name, key) != 0)
            continue;
        matched = true;
        if (rt_valid_schema_write_only(s->properties[i].schema))
            write_only = true;
        else
            strip_walk(s->properties[i].schema, v, st, depth + 1);
    }
    for (i = 0; i < s->n_pattern_properties; i++) {
        if (rt_valid_pattern_search(s->pattern_properties[i].pattern, key, strlen(key)) == 1) {
            matched = true;
            strip_walk(s->pattern_properties[i].schema, v, st, depth + 1);
        }
    }
    if (!matched)
        strip_walk(s->additional_properties, v, st, depth + 1);
    strip_walk(s->unevaluated_properties, v, st, depth + 1); /* may apply to any member: walked into */
    return write_only;
}

static void strip_object(const struct rt_valid_schema *s, struct json_object *j, struct strip *st,
                         unsigned depth)
{
    size_t n = 0, i;
    const char **gone = NULL;

    for (i = 0; i < s->n_dependent_schemas; i++)
        if (json_object_object_get_ex(j, s->dependent_schemas[i].name, NULL))
            strip_walk(s->dependent_schemas[i].schema, j, st, depth + 1);
    if (st->edit)
        gone = rt_xcalloc((size_t)json_object_object_length(j), sizeof(*gone));
    json_object_object_foreach(j, key, v)
    {
        if (strip_member(s, key, v, st, depth)) {
            st->found = true;
            if (gone != NULL)
                gone[n++] = key;
        }
    }
    for (i = 0; i < n; i++)
        json_object_object_del(j, gone[i]); /* each key is freed by its own deletion, after its lookup */
    free(gone);
}

static void strip_array(const struct rt_valid_schema *s, struct json_object *j, struct strip *st,
                        unsigned depth)
{
    size_t n = json_object_array_length(j), i;

    for (i = 0; i < n; i++) {
        struct json_object *item = json_object_array_get_idx(j, i);

        if (i < s->prefix_items.n)
            strip_walk(s->prefix_items.items[i], item, st, depth + 1);
        else
            strip_walk(s->items, item, st, depth + 1);
        if (s->contains != NULL && rt_valid_schema_check(s->contains, item, NULL, NULL))
            strip_walk(s->contains, item, st, depth + 1);
        strip_walk(s->unevaluated_items, item, st, depth + 1);
    }
}

static void strip_walk(const struct rt_valid_schema *s, struct json_object *j, struct strip *st,
                       unsigned depth)
{
    size_t i;

    if (s == NULL || !s->has_write_only || j == NULL || depth > STRIP_MAX_DEPTH || (st->found && !st->edit))
        return;
    strip_walk(s->ref, j, st, depth + 1);
    for (i = 0; i < s->all_of.n; i++)
        strip_walk(s->all_of.items[i], j, st, depth + 1);
    strip_branches(&s->any_of, j, st, depth);
    strip_branches(&s->one_of, j, st, depth);
    if (s->if_schema != NULL) {
        bool holds = rt_valid_schema_check(s->if_schema, j, NULL, NULL);

        strip_walk(s->if_schema, j, st, depth + 1);
        strip_walk(holds ? s->then_schema : s->else_schema, j, st, depth + 1);
    }
    if (json_object_is_type(j, json_type_object))
        strip_object(s, j, st, depth);
    else if (json_object_is_type(j, json_type_array))
        strip_array(s, j, st, depth);
}

struct json_object *rt_valid_schema_without_write_only(const struct rt_valid_schema *s, struct json_object *j)
{
    struct strip st = {false, false};
    struct json_object *copy = NULL;

    strip_walk(s, j, &st, 0);
    if (!st.found)
        return j;
    /* Copied when json-c can: the handler may still hold the value (a cache, say).  A tree json-c cannot
     * copy (a custom serializer) is edited in place: better than sending the member. */
    if (json_object_deep_copy(j, &copy, NULL) == 0) {
        json_object_put(j);
        j = copy;
    }
    st.edit = true;
    strip_walk(s, j, &st, 0);
    return j;
}

/*
 * rt_valid_schema_obj — the object keywords: properties, patternProperties
 * and additionalProperties (each member against the schemas that apply to
 * its key), propertyNames, required, dependentRequired, dependentSchemas,
 * minProperties and maxProperties; and unevaluatedProperties on the
 * members none of them evaluated.
 */
#include "rt_valid_schema.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

static bool has_key(struct json_object *j, const char *key)
{
    return json_object_object_get_ex(j, key, NULL);
}

/* extra_forbidden for additionalProperties: false and unevaluatedProperties: false, else the schema's errors.
 */
static bool check_extra(const struct rt_valid_schema *extra, struct json_object *v,
                        struct rt_valid_errors *errs, const struct rt_valid_loc *at)
{
    if (extra->kind == RT_VALID_SCHEMA_FALSE) {
        rt_valid_schema_fail(errs, at, "extra_forbidden", "Extra inputs are not permitted", v);
        return false;
    }
    return rt_valid_schema_check(extra, v, errs, at);
}

/*
 * The schemas that apply to one member (properties, patternProperties, else
 * additionalProperties); @p evaluated tells whether one did.
 */
static bool check_member(const struct rt_valid_schema *s, const char *key, struct json_object *v,
                         struct rt_valid_errors *errs, const struct rt_valid_loc *loc, bool *evaluated)
{
    struct rt_valid_loc at = {loc, key, 0};
    bool ok = true, matched = false;
    size_t i;

    for (i = 0; i < s->n_properties; i++) {
        if (strcmp(s->properties[i].name, key) != 0)
            continue;
        matched = true;
        if (rt_valid_schema_in_request() && rt_valid_schema_read_only(s->properties[i].schema)) {
            /* Mass assignment, as for a model's field: a client must not set what only the server writes. */
            rt_valid_schema_fail(errs, &at, "read_only", RT_VALID_READ_ONLY_MSG, v);
            ok = false;
        } else {
            ok = rt_valid_schema_check(s->properties[i].schema, v, errs, &at) && ok;
        }
    }
    for (i = 0; i < s->n_pattern_properties; i++) {
        struct rt_valid_pattern *p = s->pattern_properties[i].pattern;

        if (rt_valid_pattern_search(p, key, strlen(key)) == 1) {
            matched = true;
            ok = rt_valid_schema_check(s->pattern_properties[i].schema, v, errs, &at) && ok;
        }
    }
    *evaluated = matched || s->additional_properties != NULL;
    if (!matched && s->additional_properties != NULL)
        ok = check_extra(s->additional_properties, v, errs, &at) && ok;
    return ok;
}

static bool check_name(const struct rt_valid_schema *s, const char *key, struct rt_valid_errors *errs,
                       const struct rt_valid_loc *loc)
{
    struct json_object *name;
    bool ok;

    if (s->property_names == NULL)
        return true;
    name = json_object_new_string(key);
    ok = rt_valid_schema_check(s->property_names, name, NULL, NULL);
    if (!ok) {
        struct rt_valid_loc at = {loc, key, 0};

        rt_valid_schema_fail(errs, &at, "property_name", "Property name does not match 'propertyNames'",
                             name);
    }
    json_object_put(name);
    return ok;
}

/*
 * Whether the required property @p name of @p s may be absent here: in a request's value when it is
 * readOnly, in a response's when it is writeOnly (its own flag, or another subschema's of the value:
 * request_optional, response_optional).  OpenAPI: such a property is required in the other direction only.
 */
static bool direction_skips(const struct rt_valid_schema *s, const char *name)
{
    bool request = rt_valid_schema_in_request();
    size_t i;

    for (i = 0; i < s->n_properties; i++)
        if (strcmp(s->properties[i].name, name) == 0 &&
            (request ? rt_valid_schema_read_only(s->properties[i].schema)
                     : rt_valid_schema_write_only(s->properties[i].schema)))
            return true;
    for (const char *const *n = request ? s->request_optional : s->response_optional; n != NULL && *n != NULL;
         n++)
        if (strcmp(*n, name) == 0)
            return true;
    return false;
}

/* @p names (required, or dependentRequired's) of the object @p j, whose properties @p s declares. */
static bool check_required(const struct rt_valid_schema *s, const char *const *names, struct json_object *j,
                           struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    bool ok = true;

    for (; names != NULL && *names != NULL; names++) {
        if (!has_key(j, *names) && !direction_skips(s, *names)) {
            struct rt_valid_loc at = {loc, *names, 0};

            rt_valid_schema_fail(errs, &at, "missing", "Field required", j);
            ok = false;
        }
    }
    return ok;
}

static bool check_dependent(const struct rt_valid_schema *s, struct json_object *j,
                            struct rt_valid_errors *errs, const struct rt_valid_loc *loc,
                            struct rt_valid_schema_seen *seen)
{
    bool ok = true;
    size_t i;

    for (i = 0; i < s->n_dependent_required; i++)
        if (has_key(j, s->dependent_required[i].name))
            ok = check_required(s, s->dependent_required[i].required, j, errs, loc) && ok;
    for (i = 0; i < s->n_dependent_schemas; i++)
        if (has_key(j, s->dependent_schemas[i].name))
            ok = rt_valid_schema_walk(s->dependent_schemas[i].schema, j, errs, loc, seen) && ok;
    return ok;
}

static bool check_count(const struct rt_valid_schema *s, struct json_object *j, struct rt_valid_errors *errs,
                        const struct rt_valid_loc *loc)
{
    size_t n = (size_t)json_object_object_length(j);
    char msg[128];

    if (s->min_properties.set && n < s->min_properties.n) {
        snprintf(msg, sizeof(msg), "Object should have at least %zu propert%s", s->min_properties.n,
                 s->min_properties.n == 1 ? "y" : "ies");
        rt_valid_schema_fail_n(errs, loc, "too_few_properties", msg, j, "min_properties",
                               s->min_properties.n);
        return false;
    }
    if (s->max_properties.set && n > s->max_properties.n) {
        snprintf(msg, sizeof(msg), "Object should have at most %zu propert%s", s->max_properties.n,
                 s->max_properties.n == 1 ? "y" : "ies");
        rt_valid_schema_fail_n(errs, loc, "too_many_properties", msg, j, "max_properties",
                               s->max_properties.n);
        return false;
    }
    return true;
}

bool rt_valid_schema_object(const struct rt_valid_schema *s, struct json_object *j,
                            struct rt_valid_errors *errs, const struct rt_valid_loc *loc,
                            struct rt_valid_schema_seen *seen)
{
    bool ok = check_required(s, s->required, j, errs, loc), evaluated;
    size_t i = 0;

    ok = check_count(s, j, errs, loc) && ok;
    json_object_object_foreach(j, key, v)
    {
        ok = check_name(s, key, errs, loc) && ok;
        ok = check_member(s, key, v, errs, loc, &evaluated) && ok;
        if (evaluated)
            rt_valid_schema_mark(seen, i);
        i++;
    }
    return check_dependent(s, j, errs, loc, seen) && ok;
}

bool rt_valid_schema_unevaluated_properties(const struct rt_valid_schema *s, struct json_object *j,
                                            struct rt_valid_errors *errs, const struct rt_valid_loc *loc,
                                            const struct rt_valid_schema_seen *seen)
{
    bool ok = true;
    size_t i = 0;

    json_object_object_foreach(j, key, v)
    {
        struct rt_valid_loc at = {loc, key, 0};

        if (i < seen->n && !seen->flags[i])
            ok = check_extra(s->unevaluated_properties, v, errs, &at) && ok;
        i++;
    }
    return ok;
}

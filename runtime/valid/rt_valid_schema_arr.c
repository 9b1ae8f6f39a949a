/*
 * rt_valid_schema_arr — the array keywords: prefixItems and items (each
 * item at its index), contains with minContains/maxContains, minItems,
 * maxItems and uniqueItems; and unevaluatedItems on the items none of them
 * evaluated.
 */
#include "rt_valid_schema.h"

#include <json-c/json.h>
#include <stdio.h>

static bool check_items(const struct rt_valid_schema *s, struct json_object *j, size_t n,
                        struct rt_valid_errors *errs, const struct rt_valid_loc *loc,
                        struct rt_valid_schema_seen *seen)
{
    bool ok = true;
    size_t i;

    for (i = 0; i < n; i++) {
        struct rt_valid_loc at = {loc, NULL, (int64_t)i};
        const struct rt_valid_schema *item = i < s->prefix_items.n ? s->prefix_items.items[i] : s->items;

        if (item != NULL) {
            ok = rt_valid_schema_check(item, json_object_array_get_idx(j, i), errs, &at) && ok;
            rt_valid_schema_mark(seen, i);
        }
    }
    return ok;
}

static bool check_contains(const struct rt_valid_schema *s, struct json_object *j, size_t n,
                           struct rt_valid_errors *errs, const struct rt_valid_loc *loc,
                           struct rt_valid_schema_seen *seen)
{
    size_t i, found = 0, least = s->min_contains.set ? s->min_contains.n : 1;
    char msg[128];

    if (s->contains == NULL)
        return true;
    for (i = 0; i < n; i++) {
        if (rt_valid_schema_check(s->contains, json_object_array_get_idx(j, i), NULL, NULL)) {
            found++;
            rt_valid_schema_mark(seen, i); /* contains evaluates the items it matches */
        }
    }
    if (found < least) {
        snprintf(msg, sizeof(msg), "List should contain at least %zu item%s matching 'contains', not %zu",
                 least, least == 1 ? "" : "s", found);
        rt_valid_schema_fail_n(errs, loc, "contains_too_few", msg, j, "min_contains", least);
        return false;
    }
    if (s->max_contains.set && found > s->max_contains.n) {
        snprintf(msg, sizeof(msg), "List should contain at most %zu item%s matching 'contains', not %zu",
                 s->max_contains.n, s->max_contains.n == 1 ? "" : "s", found);
        rt_valid_schema_fail_n(errs, loc, "contains_too_many", msg, j, "max_contains", s->max_contains.n);
        return false;
    }
    return true;
}

/* pydantic's too_short/too_long of a list: ctx {field_type, min_length|max_length, actual_length}. */
static void length_error(struct rt_valid_errors *errs, const struct rt_valid_loc *loc, bool short_,
                         size_t limit, size_t n, struct json_object *j)
{
    struct json_object *ctx;
    char msg[160];

    if (errs == NULL)
        return;
    snprintf(msg, sizeof(msg), "List should have at %s %zu item%s after validation, not %zu",
             short_ ? "least" : "most", limit, limit == 1 ? "" : "s", n);
    ctx = json_object_new_object();
    json_object_object_add(ctx, "field_type", json_object_new_string("List"));
    json_object_object_add(ctx, short_ ? "min_length" : "max_length", json_object_new_int64((int64_t)limit));
    json_object_object_add(ctx, "actual_length", json_object_new_int64((int64_t)n));
    rt_valid_error_add(errs, loc, short_ ? "too_short" : "too_long", msg, json_object_get(j), ctx);
}

static bool check_unique(struct json_object *j, size_t n, struct rt_valid_errors *errs,
                         const struct rt_valid_loc *loc)
{
    size_t a, b;

    for (a = 0; a < n; a++) {
        for (b = a + 1; b < n; b++) {
            if (rt_valid_schema_equal(json_object_array_get_idx(j, a), json_object_array_get_idx(j, b))) {
                rt_valid_schema_fail(errs, loc, "unique_items", "List should have unique items", j);
                return false;
            }
        }
    }
    return true;
}

bool rt_valid_schema_array(const struct rt_valid_schema *s, struct json_object *j,
                           struct rt_valid_errors *errs, const struct rt_valid_loc *loc,
                           struct rt_valid_schema_seen *seen)
{
    size_t n = json_object_array_length(j);
    bool ok = true;

    if (s->min_items.set && n < s->min_items.n) {
        length_error(errs, loc, true, s->min_items.n, n, j);
        ok = false;
    }
    if (s->max_items.set && n > s->max_items.n) {
        length_error(errs, loc, false, s->max_items.n, n, j);
        ok = false;
    }
    if (s->unique_items && !check_unique(j, n, errs, loc))
        ok = false;
    ok = check_items(s, j, n, errs, loc, seen) && ok;
    return check_contains(s, j, n, errs, loc, seen) && ok;
}

bool rt_valid_schema_unevaluated_items(const struct rt_valid_schema *s, struct json_object *j,
                                       struct rt_valid_errors *errs, const struct rt_valid_loc *loc,
                                       const struct rt_valid_schema_seen *seen)
{
    bool ok = true;
    size_t i;

    for (i = 0; i < seen->n; i++) {
        struct rt_valid_loc at = {loc, NULL, (int64_t)i};

        if (!seen->flags[i])
            ok =
                rt_valid_schema_check(s->unevaluated_items, json_object_array_get_idx(j, i), errs, &at) && ok;
    }
    return ok;
}

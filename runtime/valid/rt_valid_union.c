/*
 * rt_valid_union — the tagged unions of rt_valid_union.h: the branch chosen
 * by the discriminator, or by trying each branch's model.
 */
#include "rt_valid_union.h"
#include "rt_valid_model.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KIND(p) ((int *)(p))
#define VALUE(r, p) ((void **)((char *)(p) + (r)->value_offset))

/* One branch into a new struct; @return it (NULL with errors added, the struct freed) */
static void *branch_from_json(const struct rt_valid_rule *b, struct json_object *j,
                              const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                              const struct rt_valid_loc *loc)
{
    void *obj = rt_valid_alloc(arena, 1, b->model->size);
    int rc = arena != NULL ? rt_valid_model_from_json_arena(b->model, j, obj, arena, errs, loc)
                           : rt_valid_model_from_json(b->model, j, obj, errs, loc);

    if (rc == 0)
        return obj;
    if (arena == NULL) {
        rt_valid_model_cleanup(b->model, obj);
        free(obj);
    }
    return NULL;
}

/* pydantic's union_tag_invalid: ctx {discriminator, tag, expected_tags}. */
static void tag_invalid(const char *discriminator, const struct rt_valid_tag *tags, size_t n_tags,
                        const char *tag, struct json_object *j, struct rt_valid_errors *errs,
                        const struct rt_valid_loc *loc)
{
    char expected[512] = "", disc[160], msg[1024];
    struct json_object *ctx = json_object_new_object();
    size_t i, len;

    for (i = 0; i < n_tags; i++) {
        len = strlen(expected);
        snprintf(expected + len, sizeof(expected) - len, "%s'%s'", i > 0 ? ", " : "", tags[i].value);
    }
    snprintf(disc, sizeof(disc), "'%s'", discriminator);
    snprintf(msg, sizeof(msg), "Input tag '%s' found using %s does not match any of the expected tags: %s",
             tag, disc, expected);
    json_object_object_add(ctx, "discriminator", json_object_new_string(disc));
    json_object_object_add(ctx, "tag", json_object_new_string(tag));
    json_object_object_add(ctx, "expected_tags", json_object_new_string(expected));
    rt_valid_error_add(errs, loc, "union_tag_invalid", msg, json_object_get(j), ctx);
}

long rt_valid_union_pick(const char *discriminator, const struct rt_valid_tag *tags, size_t n_tags,
                         struct json_object *j, struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    struct json_object *t;
    const char *tag;
    char msg[200], disc[160];
    size_t i;

    if (!json_object_object_get_ex(j, discriminator, &t) || json_object_get_type(t) != json_type_string) {
        if (errs == NULL)
            return -1;
        snprintf(msg, sizeof(msg), "Unable to extract tag using discriminator '%s'", discriminator);
        snprintf(disc, sizeof(disc), "'%s'", discriminator);
        rt_valid_error_ctx(errs, loc, "union_tag_not_found", msg, json_object_get(j), "discriminator", disc);
        return -1;
    }
    tag = json_object_get_string(t);
    for (i = 0; i < n_tags; i++) {
        if (strcmp(tags[i].value, tag) == 0)
            return (long)tags[i].branch;
    }
    if (errs != NULL)
        tag_invalid(discriminator, tags, n_tags, tag, j, errs, loc);
    return -1;
}

static int by_tag(const struct rt_valid_rule *r, struct json_object *j, void *dst,
                  const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                  const struct rt_valid_loc *loc)
{
    long b = rt_valid_union_pick(r->discriminator, r->tags, r->n_tags, j, errs, loc);

    if (b < 0)
        return -1;
    *VALUE(r, dst) = branch_from_json(r->branches[b], j, arena, errs, loc);
    if (*VALUE(r, dst) == NULL)
        return -1;
    *KIND(dst) = (int)b + 1;
    return 0;
}

/* Every branch, quietly: the one (oneOf) or first (anyOf) that matches. */
static int by_trial(const struct rt_valid_rule *r, struct json_object *j, void *dst,
                    const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                    const struct rt_valid_loc *loc)
{
    size_t i, found = 0;

    for (i = 0; i < r->n_branches && (found == 0 || r->one_of); i++) {
        struct rt_valid_errors quiet;
        void *obj;

        rt_valid_errors_init(&quiet);
        obj = branch_from_json(r->branches[i], j, arena, &quiet, loc);
        rt_valid_errors_cleanup(&quiet);
        if (obj == NULL)
            continue;
        if (found++ == 0) {
            *VALUE(r, dst) = obj;
            *KIND(dst) = (int)i + 1;
        } else if (arena == NULL) {
            rt_valid_model_cleanup(r->branches[i]->model, obj);
            free(obj);
        }
    }
    if (found == 1 || (found > 1 && !r->one_of))
        return 0;
    if (found > 1)
        rt_valid_error_ref(errs, loc, "union_multiple_matches",
                           "Input should match exactly one schema of oneOf, it matches several", j);
    else
        rt_valid_error_ref(errs, loc, "union_no_match",
                           r->one_of ? "Input should match exactly one schema of oneOf, it matches none"
                                     : "Input should match at least one schema of anyOf",
                           j);
    return -1;
}

int rt_valid_union_from_json(const struct rt_valid_rule *r, struct json_object *j, void *dst,
                             const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                             const struct rt_valid_loc *loc)
{
    int rc;

    *KIND(dst) = 0;
    *VALUE(r, dst) = NULL;
    if (json_object_get_type(j) != json_type_object) {
        rt_valid_error_ref(errs, loc, "model_attributes_type",
                           "Input should be a valid dictionary or object to extract fields from", j);
        return -1;
    }
    rc = r->discriminator != NULL ? by_tag(r, j, dst, arena, errs, loc)
                                  : by_trial(r, j, dst, arena, errs, loc);
    if (rc < 0 && arena == NULL)
        rt_valid_union_cleanup(r, dst); /* the first of several oneOf matches */
    return rc;
}

const void *rt_valid_union_value(const struct rt_valid_rule *r, const void *p,
                                 const struct rt_valid_model **model)
{
    int kind = *(const int *)p;

    if (kind <= 0 || (size_t)kind > r->n_branches)
        return NULL;
    *model = r->branches[kind - 1]->model;
    return *(void *const *)((const char *)p + r->value_offset);
}

void rt_valid_union_cleanup(const struct rt_valid_rule *r, void *p)
{
    int kind = *KIND(p);
    void *v = *VALUE(r, p);

    if (v != NULL && kind > 0 && (size_t)kind <= r->n_branches) {
        rt_valid_model_cleanup(r->branches[kind - 1]->model, v);
        free(v);
    }
    *KIND(p) = 0;
    *VALUE(r, p) = NULL;
}

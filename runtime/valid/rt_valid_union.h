/*
 * rt_valid_union — tagged unions: a oneOf/anyOf whose branches are object
 * models (rule kind RT_VALID_UNION), stored as the branch's kind (an enum,
 * 0 = none, else the branch's index + 1) and a pointer to the branch's
 * struct.  With a discriminator the tag names the branch (pydantic's
 * union_tag_not_found / union_tag_invalid); without, every branch is tried:
 * oneOf needs exactly one to match, anyOf takes the first that does.
 */
#ifndef RT_VALID_UNION_H
#define RT_VALID_UNION_H

#include "rt_valid.h"
#include "rt_valid_errors.h"

struct json_object;

/**
 * Validate the JSON object @p j against the union @p r and store it at
 * @p dst (the union's struct).  The branch's struct is taken from @p arena,
 * or malloc'd when @p arena is NULL (rt_valid_union_cleanup() frees it).
 * @return 0 if stored, or -1 if an error was added to @p errs at @p loc.
 */
int rt_valid_union_from_json(const struct rt_valid_rule *r, struct json_object *j, void *dst,
                             const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                             const struct rt_valid_loc *loc);

/**
 * The branch OpenAPI's discriminator picks for the JSON object @p j: the
 * index (tags[i].branch) of the tag its property @p discriminator holds, or
 * -1 with pydantic's union_tag_not_found (no such string property) or
 * union_tag_invalid (a value none of the @p n_tags names) added to @p errs
 * (unless NULL) at @p loc.  Shared by the unions of models and by
 * rt_valid_schema's discriminated oneOf/anyOf.
 */
long rt_valid_union_pick(const char *discriminator, const struct rt_valid_tag *tags, size_t n_tags,
                         struct json_object *j, struct rt_valid_errors *errs, const struct rt_valid_loc *loc);

/**
 * @return the struct stored in the union at @p p and its model in *@p model,
 * or NULL when no branch is stored (kind 0).
 */
const void *rt_valid_union_value(const struct rt_valid_rule *r, const void *p,
                                 const struct rt_valid_model **model);

/** Free what rt_valid_union_from_json() malloc'd in the union at @p p and zero it. */
void rt_valid_union_cleanup(const struct rt_valid_rule *r, void *p);

#endif /* RT_VALID_UNION_H */

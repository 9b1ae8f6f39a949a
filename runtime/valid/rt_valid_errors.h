/*
 * rt_valid_errors — the validation errors of one request, in FastAPI's shape.
 *
 * Errors are collected, not returned one at a time: a struct
 * rt_valid_errors gathers every failing field, and rt_valid_errors_to_json()
 * makes FastAPI's 422 body of them,
 *   {"detail": [{"type": ..., "loc": [...], "msg": ..., "input": ..., "ctx": {...}}]}
 * (rt_valid_req_reply_errors() answers a request with it).
 */
#ifndef RT_VALID_ERRORS_H
#define RT_VALID_ERRORS_H

#include <stddef.h>
#include <stdint.h>

struct json_object;

/** The validation errors of one request, in the order found. */
struct rt_valid_errors {
    struct json_object *list; /* JSON array of error objects; NULL until the first error */
};

/**
 * A location ("loc") as a chain from the innermost element outwards:
 * ["body", "user", "email"] is {"email"} -> {"user"} -> {"body"}.  Chains
 * live on the stack of the code walking the input.
 */
struct rt_valid_loc {
    const struct rt_valid_loc *parent; /* enclosing location, or NULL at the root */
    const char *key;                   /* object key or "body"/"path"/...; NULL for an array index */
    int64_t index;                     /* array index or byte offset, when key is NULL */
};

/** Prepare @p errs (no errors). */
void rt_valid_errors_init(struct rt_valid_errors *errs);

/** Free the errors in @p errs and reset it; NULL is fine; idempotent. */
void rt_valid_errors_cleanup(struct rt_valid_errors *errs);

/** @return how many errors @p errs holds. */
size_t rt_valid_errors_count(const struct rt_valid_errors *errs);

/**
 * @return {"detail": [errors...]} as a new JSON object (the caller owns it);
 * @p errs keeps its own errors.
 */
struct json_object *rt_valid_errors_to_json(const struct rt_valid_errors *errs);

/** The msg of a read_only error: a property the server writes (readOnly) sent in a request. */
#define RT_VALID_READ_ONLY_MSG "Field is read-only and cannot be sent"

/**
 * Append one error at @p loc (NULL: the root, "loc": []).  @p input (the
 * offending value; NULL is JSON null) and @p ctx (an object, or NULL for
 * none) are taken over: the caller gives up its reference.  Strings are
 * copied.
 */
void rt_valid_error_add(struct rt_valid_errors *errs, const struct rt_valid_loc *loc, const char *type,
                        const char *msg, struct json_object *input, struct json_object *ctx);

/**
 * Append an error without ctx whose input is @p input, which stays the
 * caller's (the error takes a reference of its own).
 */
void rt_valid_error_ref(struct rt_valid_errors *errs, const struct rt_valid_loc *loc, const char *type,
                        const char *msg, struct json_object *input);

/**
 * Append an error whose ctx is {@p key: @p value} (a string).  @p input is
 * taken over, as by rt_valid_error_add().
 */
void rt_valid_error_ctx(struct rt_valid_errors *errs, const struct rt_valid_loc *loc, const char *type,
                        const char *msg, struct json_object *input, const char *key, const char *value);

#endif /* RT_VALID_ERRORS_H */

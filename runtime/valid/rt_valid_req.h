/*
 * rt_valid_req — validation glue to a request: what generated run_<op>()
 * and reply helpers call.  With rt_valid_param (the parameters), the only
 * rt_valid module that knows struct rt_req: it reads the request's body,
 * gives the other modules the request's memory as their arena, and answers.
 */
#ifndef RT_VALID_REQ_H
#define RT_VALID_REQ_H

#include "rt_valid.h"
#include "rt_valid_errors.h"

#include <stdbool.h>
#include <stddef.h>

struct rt_req;

/**
 * Parse and validate the JSON request body into @p out (a struct of
 * @p model) the way FastAPI does for a body model (rt_valid_json_body(),
 * then rt_valid_model_from_json_arena()).  What it stores lives in request
 * memory, and the parsed JSON until the request ends: nothing to free.
 * @return 1 if a body was present and valid, 0 if absent (and allowed to
 * be) or invalid (errors added).
 */
int rt_valid_req_body(struct rt_req *req, const struct rt_valid_model *model, bool required, void *out,
                      struct rt_valid_errors *errs);

struct json_object;
struct rt_valid_schema;
struct rt_json_buf;

/**
 * Parse the JSON request body (rt_valid_json_body()) and validate it in
 * full against @p schema (rt_valid_schema_check(), errors at ["body", ...]):
 * a body that is not an object model (an array, a scalar, a union...).
 * *@p out is the parsed value, released when the request ends, or NULL.
 * @return 1 if a body was present and valid, 0 if absent (and allowed to
 * be) or invalid (errors added).
 */
int rt_valid_req_body_value(struct rt_req *req, const struct rt_valid_schema *schema, bool required,
                            struct json_object **out, struct rt_valid_errors *errs);

/**
 * Parse the JSON request body and validate it against @p rule, a tagged
 * union (rt_valid_union_from_json(), errors at ["body", ...]) into @p out,
 * its struct; what it stores lives in request memory.
 * @return 1 if a body was present and valid, 0 if absent (and allowed to
 * be) or invalid (errors added).
 */
int rt_valid_req_body_union(struct rt_req *req, const struct rt_valid_rule *rule, bool required, void *out,
                            struct rt_valid_errors *errs);

/**
 * If @p errs holds errors, answer @p req with 422 and FastAPI's body
 * (rt_valid_errors_to_json()), reset @p errs and return 1 (the request has
 * ended).  Otherwise return 0 and leave @p req alone.
 */
int rt_valid_req_reply_errors(struct rt_req *req, struct rt_valid_errors *errs);

/**
 * @return this thread's buffer for the JSON text of an answer, emptied:
 * the fast path of every generated reply helper of a model
 * (rt_valid_reply_model() writes into it, rt_req_reply() copies it out).
 * Valid until the thread's next call; never freed by the caller.
 */
struct rt_json_buf *rt_valid_req_reply_text(void);

/**
 * Answer @p req with @p status and @p v serialized as JSON into
 * rt_valid_req_reply_text(): the reply helper (named @p helper) of a
 * response without headers.  A required field of @p v left NULL is the
 * helper's bug: rt_valid_reply_model() answers 500 instead.
 */
void rt_valid_req_reply_model(struct rt_req *req, const char *helper, int status,
                              const struct rt_valid_model *model, const void *v);

#endif /* RT_VALID_REQ_H */

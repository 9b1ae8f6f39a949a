/*
 * rt_valid_req — validation glue to a request: what generated run_<op>()
 * and reply helpers call.  The only rt_valid module that knows struct
 * rt_req: it reads the request's parameters, headers and body, gives the
 * other modules the request's memory as their arena, and answers.
 */
#ifndef RT_VALID_REQ_H
#define RT_VALID_REQ_H

#include "rt_valid.h"
#include "rt_valid_errors.h"

#include <stdbool.h>
#include <stddef.h>

struct rt_req;

/**
 * Read and validate the parameters of an operation into @p out (request
 * memory, zeroed), adding an error to @p errs for each failing one
 * (rt_valid_scalar_param()).  @p path_values are the decoded path
 * parameters from rt_url_route().  String values point into request memory.
 * @return 0, or -1 if the request has already been answered (400: a query
 * value with a bad %-escape, %00 or invalid UTF-8).
 */
int rt_valid_req_params(struct rt_req *req, const struct rt_valid_param *params, size_t n_params,
                        const char *const *path_values, void *out, struct rt_valid_errors *errs);

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
 * Answer @p req with @p status and @p v serialized as JSON
 * (rt_valid_model_write_json()); the fast path of every generated reply helper.
 */
void rt_valid_req_reply_model(struct rt_req *req, int status, const struct rt_valid_model *model,
                              const void *v);

#endif /* RT_VALID_REQ_H */

/*
 * rt_valid_form — application/x-www-form-urlencoded request bodies into a
 * model (FastAPI's Form model): "name=Ada&tags=a&tags=b".
 *
 * The body is split like a query string (rt_url_query_pairs(), '+' a
 * space); a scalar field takes the last value of its name, an array field
 * every value of its name, in order (form style, exploded: the Encoding
 * Object's default).  Keys that are no field are ignored.  The generator
 * allows only models whose fields are scalars or arrays of scalars here.
 */
#ifndef RT_VALID_FORM_H
#define RT_VALID_FORM_H

#include "rt_valid.h"
#include "rt_valid_errors.h"

#include <stdbool.h>

struct rt_req;

/**
 * Validate the form body of @p req into @p out (a struct of @p model, in
 * request memory, zeroed), adding an error per failing field at
 * [body, field] (or [body, field, index] for an array item): "missing" for
 * an absent required field, string_unicode for a value that cannot be
 * percent-decoded into UTF-8.  A body of another Content-Type is one error
 * at [body] (model_attributes_type, as for a JSON body that is no object).
 * An absent or empty body is "missing" at [body] when @p required.
 * @return 1 if a body was present and valid, 0 if absent (and allowed to
 * be) or invalid (errors added).
 */
int rt_valid_form_body(struct rt_req *req, const struct rt_valid_model *model, bool required, void *out,
                       struct rt_valid_errors *errs);

#endif /* RT_VALID_FORM_H */

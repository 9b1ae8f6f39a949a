/*
 * rt_valid_param_json — parameters with content (OpenAPI's Parameter
 * Object `content`: a value serialized as JSON): their text, once
 * rt_valid_param has found and decoded it for its place, parsed as strict
 * JSON and validated in full against the parameter's JSON Schema.  The
 * generator marks such a parameter by its rule's kind, RT_VALID_ANY
 * (codegen/openapi_c/params_json.py).
 */
#ifndef RT_VALID_PARAM_JSON_H
#define RT_VALID_PARAM_JSON_H

#include "rt_valid.h"
#include "rt_valid_errors.h"

#include <stdbool.h>

struct rt_req;

/**
 * Read JSON parameter @p p of @p req from @p text (decoded, NUL-terminated;
 * NULL: the parameter is absent) into @p out, its params struct:
 *  - absent: "missing" at @p at if required (JSON null sent is a value);
 *  - @p empty ("x=") with allow_empty: the <name>_empty flag, no value;
 *  - text that is not strict JSON: json_invalid at @p at
 *    (rt_valid_json_parse_at());
 *  - a value the schema refuses: its errors at @p at and below.
 * A valid value is stored as a struct json_object * (NULL: JSON null), owned
 * by @p req and released when the request ends, and has_<name> is set.
 */
void rt_valid_param_json_read(struct rt_req *req, const struct rt_valid_param *p, const char *text,
                              bool empty, void *out, struct rt_valid_errors *errs,
                              const struct rt_valid_loc *at);

#endif /* RT_VALID_PARAM_JSON_H */

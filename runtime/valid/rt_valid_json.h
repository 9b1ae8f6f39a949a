/*
 * rt_valid_json — request bodies from text to JSON, as strictly as
 * FastAPI's JSON decoder takes them, and doubles as Python prints them.
 */
#ifndef RT_VALID_JSON_H
#define RT_VALID_JSON_H

#include "rt_valid_errors.h"

#include <stdbool.h>
#include <stddef.h>

struct json_object;

/** Most nesting json_tokener accepts in a request body (arrays and objects). */
#define RT_VALID_JSON_MAX_DEPTH 32

/**
 * @return a new JSON number for @p value that prints in the shortest form
 * that reads back as the same double (3.001, 0.1, 2.0), like Python's repr.
 */
struct json_object *rt_valid_json_double(double value);

/**
 * Parse JSON text the generator wrote (a const, an enum value, a bound, a
 * default) as rt_valid_json_parse() reads a request: an integer beyond
 * json-c's range keeps its value, so the spec's values compare with the
 * request's.  @return the value (owned by the caller), NULL for null (or
 * for text that is not JSON, which the generator never writes).
 */
struct json_object *rt_valid_json_value(const char *text);

/**
 * Parse @p len bytes of JSON text: strict JSON, valid UTF-8, nested at most
 * RT_VALID_JSON_MAX_DEPTH deep, nothing but whitespace after the value.
 * On failure adds FastAPI's json_invalid error (loc ["body", <offset>],
 * msg "JSON decode error", ctx {"error": <json-c's reason>}) to @p errs.
 * @return 0 and *@p out (owned by the caller; NULL for the JSON null), or -1.
 */
int rt_valid_json_parse(const char *text, size_t len, struct json_object **out, struct rt_valid_errors *errs);

/**
 * Parse @p len bytes at @p text as rt_valid_json_parse() does, for a JSON
 * value that is not the body (a parameter with content): on failure add
 * pydantic's Json error at @p loc (type json_invalid, msg "Invalid JSON:
 * <reason>", input the text when it is UTF-8, ctx {"error": <reason>}).
 * @return 0 and *@p out (owned by the caller; NULL for the JSON null), or -1.
 */
int rt_valid_json_parse_at(const char *text, size_t len, struct json_object **out,
                           struct rt_valid_errors *errs, const struct rt_valid_loc *loc);

/**
 * @return whether the Content-Type @p ct names a JSON media type:
 * application/json or application/<x>+json, parameters ignored, any case.
 */
bool rt_valid_json_media_type(const char *ct);

/**
 * Take a request body the way FastAPI does for a body model, given its
 * Content-Type header (NULL: none) and its @p len bytes at @p text (NULL:
 * none):
 *  - no body, an empty one or the JSON null: "missing" at ["body"] if
 *    @p required, else nothing;
 *  - no Content-Type, application/json or application/<x>+json: parsed
 *    with rt_valid_json_parse() (json_invalid on syntax errors);
 *  - any other Content-Type: not parsed, and reported as
 *    model_attributes_type at ["body"] with the raw text as input, which is
 *    what FastAPI answers when it hands the raw bytes to the model.
 * @return 1 and *@p out (a JSON value other than null, owned by the
 * caller) when there is a body to validate against the model, else 0
 * (*@p out NULL; errors added as above).
 */
int rt_valid_json_body(const char *content_type, const char *text, size_t len, bool required,
                       struct json_object **out, struct rt_valid_errors *errs);

#endif /* RT_VALID_JSON_H */

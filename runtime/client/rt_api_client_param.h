/*
 * rt_api_client_param — writing a parameter's value into a request the way
 * its style says (OpenAPI 3.1 "Style Values"; RFC 6570 for the path).
 *
 * A value reaches this module as text.  A scalar is its text; an array or
 * an object (deepObject) is a "list text": its items (an object: key,
 * value, key, value...) joined with ',', each item with '%' and ','
 * percent-encoded ("a%2Cb,c" is the two items "a,b" and "c").  That is
 * also what a person types on the command line (async-demo-client --ids
 * 3,4,5).  The typed wrappers of a generated client make list texts with
 * rt_api_client_list_text() and rt_api_client_object_text().
 */
#ifndef RT_API_CLIENT_PARAM_H
#define RT_API_CLIENT_PARAM_H

#include "rt_json.h"
#include "rt_valid.h"

#include <stdbool.h>
#include <stddef.h>

struct rt_api_client_param;

/** Append path parameter @p p with value @p text to @p url (simple, matrix or label; items percent-encoded).
 */
void rt_api_client_param_path(struct rt_json_buf *url, const struct rt_api_client_param *p, const char *text);

/**
 * Append query parameter @p p with value @p text to @p url, after *@p sep
 * ('?' first, then '&', which this sets): form (exploded or not),
 * spaceDelimited, pipeDelimited or deepObject, percent-encoded.
 */
void rt_api_client_param_query(struct rt_json_buf *url, const struct rt_api_client_param *p, const char *text,
                               char *sep);

/**
 * @return the value of header parameter @p p for @p text (an array's items
 * joined with ','), newly allocated (rt_mem; the caller frees it).
 */
char *rt_api_client_param_header(const struct rt_api_client_param *p, const char *text);

/** Append cookie parameter @p p with value @p text to the Cookie header value @p cookie ("a=1; b=2"). */
void rt_api_client_param_cookie(struct rt_json_buf *cookie, const struct rt_api_client_param *p,
                                const char *text);

/**
 * @return the list text of the @p n items at @p items (C values of @p kind:
 * const char *, int64_t, double or bool), newly allocated (rt_mem; the
 * caller frees it).
 */
char *rt_api_client_list_text(enum rt_valid_kind kind, const void *items, size_t n);

/**
 * @return the list text "key,value,..." of the set fields of @p obj, a
 * struct of model @p m whose fields are scalars (a string set when not
 * NULL, another field when required or its has_ flag is set), newly
 * allocated (rt_mem; the caller frees it).
 */
char *rt_api_client_object_text(const struct rt_valid_model *m, const void *obj);

/**
 * @return the text of the C value @p v of the scalar kind @p kind as a form
 * field carries it: a string itself, a number as rt_api_client_text_int()
 * or _number() write it into @p buf (@p size bytes), true or false.
 */
const char *rt_api_client_item_text(enum rt_valid_kind kind, const void *v, char *buf, size_t size);

struct json_object;

/**
 * The text a JSON scalar @p v is sent as in a form or a multipart text
 * part: a string as it is, a number or boolean as JSON writes it (owned by
 * @p v); NULL for anything else (left out).
 */
const char *rt_api_client_json_text(struct json_object *v);

/* --- form bodies (application/x-www-form-urlencoded) --- */

struct json_object;

/**
 * @return the form "name=Ada&tags=a&tags=b" of @p obj, a struct of model
 * @p m whose fields are scalars or arrays of scalars (a field is written
 * when set, as for rt_api_client_object_text(); an array's items each as
 * one pair), newly allocated (rt_mem; the caller frees it).
 */
char *rt_api_client_form_text(const struct rt_valid_model *m, const void *obj);

/**
 * @return the form of the members of the JSON object @p obj (strings as
 * they are, numbers and booleans as JSON writes them, an array's items each
 * as one pair; null and nested objects left out), newly allocated (rt_mem).
 */
char *rt_api_client_form_from_json(struct json_object *obj);

#endif /* RT_API_CLIENT_PARAM_H */

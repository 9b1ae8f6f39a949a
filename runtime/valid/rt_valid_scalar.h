/*
 * rt_valid_scalar — one string, integer, number or boolean against its
 * rule, with pydantic v2's lax conversions and its errors.
 *
 * In JSON bodies an integer field also takes 2.0, true or "42", a number
 * field takes "2.5", a boolean takes 0/1 and "yes"/"off"; path, query and
 * header values are strings parsed as pydantic parses strings
 * (rt_valid_parse).  Deliberate differences from pydantic: NaN and
 * infinities are refused (finite_number) as if allow_inf_nan were false;
 * integers are int64_t, so a value outside that range is refused (with the
 * bound's error when the field has a bound on that side, else
 * int_parsing_size).  A string's constraints are checked in pydantic's
 * order: length, pattern, format, enum; one error per value.
 */
#ifndef RT_VALID_SCALAR_H
#define RT_VALID_SCALAR_H

#include "rt_valid.h"
#include "rt_valid_errors.h"

struct json_object;

/**
 * Validate @p j (NULL is JSON null) against @p r, a rule of kind
 * RT_VALID_STRING, _INTEGER, _NUMBER or _BOOLEAN, and store the value at
 * @p dst (a const char *, int64_t, double or bool).  A string is copied
 * into @p arena, or malloc'd when @p arena is NULL (the caller frees it);
 * an email's domain is stored lower-cased.  Null is an error here: a
 * nullable rule is the caller's to handle.
 * @return 0 if stored, or -1 if an error was added to @p errs at @p loc.
 */
int rt_valid_scalar_from_json(const struct rt_valid_rule *r, struct json_object *j, void *dst,
                              const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                              const struct rt_valid_loc *loc);

/**
 * Validate @p text, a value that arrived as text (a parameter, a form
 * field), against the scalar rule @p r into @p dst, as
 * rt_valid_scalar_from_json() does for a JSON string but always with
 * pydantic's parsing of strings ("3" is the integer 3): the strict typing
 * of JSON bodies (a rule without lax) has no meaning for text.
 * @return 0 if stored, or -1 if an error was added to @p errs at @p loc.
 */
int rt_valid_scalar_from_text(const struct rt_valid_rule *r, const char *text, void *dst,
                              const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                              const struct rt_valid_loc *loc);

/**
 * Validate the parameter @p p from its text @p text (NULL: not given, then
 * its default if it has one, else "missing" if it is required) into the
 * params struct @p out: the value at p->offset, and true at p->has_offset
 * when there is one.  Strings are copied into @p arena.
 * @return 0, or -1 if an error was added to @p errs (at [p->in, p->name]).
 */
int rt_valid_scalar_param(const struct rt_valid_param *p, const char *text, void *out,
                          const struct rt_valid_arena *arena, struct rt_valid_errors *errs);

/**
 * @return the bytes a value of the scalar kind @p kind (string, integer,
 * number, boolean) takes in C: an array item of a form or multipart field.
 */
size_t rt_valid_scalar_size(enum rt_valid_kind kind);

#endif /* RT_VALID_SCALAR_H */

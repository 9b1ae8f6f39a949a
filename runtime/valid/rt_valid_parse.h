/*
 * rt_valid_parse — strings into numbers and booleans, by pydantic's lax rules.
 *
 * Path, query and header values are strings, and pydantic parses them
 * leniently ("3", "2.5", "1e1", " 7 ", "1_000"); so do JSON strings given
 * for a number or boolean field.  These functions only parse: the rules
 * and their errors are rt_valid_scalar's.
 */
#ifndef RT_VALID_PARSE_H
#define RT_VALID_PARSE_H

#include <stdbool.h>
#include <stdint.h>

/**
 * Parse @p s as pydantic parses a string into an int: surrounding
 * whitespace, an optional sign, decimal digits with single '_' between
 * them, and a fraction of zeros only ("2.0").
 * @return 0 and *@p out; -1 if @p s is no integer; 1 if it is one but does
 * not fit in int64_t (*@p out is then INT64_MAX or INT64_MIN).
 */
int rt_valid_parse_int(const char *s, int64_t *out);

/**
 * Parse @p s as pydantic parses a string into a float: whitespace, sign,
 * digits, '.', exponent, '_' between digits, "inf"/"infinity"/"nan".
 * @return 0 and *@p out (possibly not finite), or -1.
 */
int rt_valid_parse_number(const char *s, double *out);

/**
 * Parse @p s as pydantic parses a string into a bool ("1", "true", "yes",
 * "on", "t", "y" and their opposites, case-insensitive).
 * @return 0 and *@p out, or -1.
 */
int rt_valid_parse_bool(const char *s, bool *out);

#endif /* RT_VALID_PARSE_H */

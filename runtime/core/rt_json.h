/*
 * rt_json — JSON text written straight into a growable buffer.
 *
 * Answers are serialized with these rather than built as a json-c tree
 * and printed: no allocation per value, and no second copy.  The text is
 * byte for byte what json-c prints with JSON_C_TO_STRING_PLAIN |
 * JSON_C_TO_STRING_NOSLASHESCAPE (the flags rt_req_reply_json() uses), so
 * both paths give the same answers; unit.rt_json checks that.
 *
 * The caller appends the punctuation ({ } [ ] , :) with rt_json_put_raw().
 */
#ifndef RT_JSON_H
#define RT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

/* Growable text; zero-initialized it is empty and owns nothing. */
struct rt_json_buf {
    char *data;
    size_t len, cap;
};

/** Free what @p b owns and leave it empty. */
void rt_json_buf_free(struct rt_json_buf *b);

/** Append @p n bytes as they are (aborts when memory runs out, as rt_mem does). */
void rt_json_put_raw(struct rt_json_buf *b, const char *s, size_t n);

/** Append @p s (UTF-8, NUL-terminated) as a quoted, escaped JSON string. */
void rt_json_put_string(struct rt_json_buf *b, const char *s);

void rt_json_put_int(struct rt_json_buf *b, int64_t v);

/** Append @p v as Python writes a float (2.0, 0.1; NaN and Infinity as json-c does). */
void rt_json_put_double(struct rt_json_buf *b, double v);

void rt_json_put_bool(struct rt_json_buf *b, bool v);

void rt_json_put_null(struct rt_json_buf *b);

/** Append FastAPI's error body for a message: {"detail":"<detail>"}. */
void rt_json_put_detail(struct rt_json_buf *b, const char *detail);

/** Append a json-c value (NULL: null), printed by json-c. */
void rt_json_put_value(struct rt_json_buf *b, struct json_object *v);

/**
 * Format @p v as Python's repr() of a float: the shortest of 15 to 17
 * significant digits that reads back as @p v, with ".0" when it would
 * otherwise look like an integer.  @p v must be finite.
 * @return the length written to @p buf (40 bytes are always enough).
 */
size_t rt_json_format_double(double v, char buf[40]);

#endif /* RT_JSON_H */

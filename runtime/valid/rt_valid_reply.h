/*
 * rt_valid_reply — what generated reply helpers check and add before they
 * answer: the status a `default` or range (2XX, 4XX...) helper was given,
 * and the response headers the spec declares, written as their schema says.
 *
 * A helper given a status outside what its response covers, NULL for a
 * required header, or a body model with a required field left NULL, is a
 * handler bug: the client gets 500 (never the wrong answer), and the log
 * names the helper and the bad value.
 */
#ifndef RT_VALID_REPLY_H
#define RT_VALID_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rt_req;
struct rt_json_buf;
struct rt_valid_model;

/** The statuses a `default` or range response covers. */
struct rt_valid_status_range {
    int lo, hi;          /* inclusive: 100..599 for default, 400..499 for 4XX */
    const int *excluded; /* statuses the operation declares on their own (or in another range) */
    size_t n_excluded;
    unsigned excluded_classes; /* bit n: the range nXX is declared on its own (for default) */
};

/**
 * Whether @p status is in @p range and not excluded.  If not, answer @p req
 * 500 and log an error naming @p helper (the generated function); the
 * caller must then return without using @p req.
 */
bool rt_valid_reply_status(struct rt_req *req, const char *helper, int status,
                           const struct rt_valid_status_range *range);

/**
 * Whether the text @p value of header @p name can be sent: given when
 * @p required (not NULL), and without control characters (a CR or LF
 * would end the header and start another: a handler passing on what a
 * client sent must not be able to inject one).  If not, answer 500 and
 * log as rt_valid_reply_status() does.
 */
bool rt_valid_reply_text(struct rt_req *req, const char *helper, const char *name, const char *value,
                         bool required);

/**
 * Write the model @p v into @p text as its JSON body
 * (rt_valid_model_write_json_checked()).  A required, non-nullable string,
 * object or union field left NULL (or a NULL string item) would go out as
 * null, which its schema refuses: answer 500 and log as
 * rt_valid_reply_status() does, naming the schema and field, and return
 * false (the caller must then return without using @p req; @p text is
 * still its to free).
 */
bool rt_valid_reply_model(struct rt_req *req, const char *helper, const struct rt_valid_model *model,
                          const void *v, struct rt_json_buf *text);

/** Add header @p name with @p value in decimal (an integer schema); nothing if @p value is NULL. */
void rt_valid_reply_header_int(struct rt_req *req, const char *name, const int64_t *value);

/** Add header @p name with @p value as JSON writes it (a number schema); nothing if @p value is NULL. */
void rt_valid_reply_header_number(struct rt_req *req, const char *name, const double *value);

/** Add header @p name as "true"/"false" (a boolean schema); nothing if @p value is NULL. */
void rt_valid_reply_header_bool(struct rt_req *req, const char *name, const bool *value);

/** Add header @p name with the text @p value (a string schema); nothing if @p value is NULL. */
void rt_valid_reply_header_string(struct rt_req *req, const char *name, const char *value);

#endif /* RT_VALID_REPLY_H */

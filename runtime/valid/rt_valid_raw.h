/*
 * rt_valid_raw — request bodies that are neither JSON nor forms, and the
 * exact match of a request's Content-Type with the media type an operation
 * declares.
 *
 * Two kinds of raw body (the generator, codegen/openapi_c/rawbody.py,
 * decides which from the spec):
 *   text   a text/<x> media type: UTF-8 text (a charset parameter other
 *          than utf-8 or us-ascii is not supported), checked against a
 *          string rule (lengths in characters, pattern, format, enum) by
 *          rt_valid_scalar, the same code that checks string parameters;
 *   bytes  any other concrete media type (application/octet-stream,
 *          image/png, ...): opaque bytes, with at most a length in bytes.
 * A body sent under another media type than the declared one is answered
 * 415 Unsupported Media Type ({"detail": "..."}): the operation declares no
 * JSON, so FastAPI's 422 for a JSON body (model_attributes_type) has no
 * meaning there.  A body without a Content-Type is taken as the declared
 * type (RFC 9110 §8.3 lets a recipient assume one).
 *
 * JSON bodies are read by rt_valid_req; for an operation that declares a
 * vendor JSON type (application/vnd.x+json), rt_valid_raw_req_json_media()
 * refuses any other JSON type first (application/json accepts every JSON
 * type, as FastAPI does).
 */
#ifndef RT_VALID_RAW_H
#define RT_VALID_RAW_H

#include "rt_valid.h"
#include "rt_valid_errors.h"

#include <stdbool.h>
#include <stddef.h>

struct rt_req;

/** The raw body an operation declares; generated as a static const table. */
struct rt_valid_raw_body {
    const char *media;                /* the declared type/subtype, lower case: "text/plain" */
    bool text;                        /* text (UTF-8, checked against rule), else bytes */
    const struct rt_valid_rule *rule; /* text: a string rule (never NULL for text) */
    size_t min_bytes;                 /* bytes: minLength */
    size_t max_bytes;                 /* bytes: maxLength; 0 = no limit */
    bool required;                    /* requestBody.required */
};

/** What rt_valid_raw_check() found. */
enum rt_valid_raw_result {
    RT_VALID_RAW_UNSUPPORTED = -1, /* another media type, or a charset other than UTF-8 (nothing added) */
    RT_VALID_RAW_NONE = 0,         /* no body (missing added if required), or an invalid one (errors added) */
    RT_VALID_RAW_VALID = 1         /* a valid body, in *out and *out_len */
};

/**
 * @return whether the Content-Type @p content_type names the media type
 * @p media (type/subtype, lower case): equal ignoring case, spaces and
 * parameters.
 */
bool rt_valid_raw_media_is(const char *content_type, const char *media);

/**
 * @return whether @p content_type has no charset parameter, or one naming
 * utf-8 or us-ascii (any case, quoted or not).
 */
bool rt_valid_raw_charset_ok(const char *content_type);

/**
 * Check a raw body of @p len bytes at @p data (followed by a NUL, as
 * rt_req_body() gives it; NULL: none) sent with @p content_type (NULL:
 * none) against @p b.  Empty is absent.  Text must be valid UTF-8 without
 * NUL characters (string_unicode, value_error at ["body"]) and pass
 * b->rule (its errors at ["body"]); the text stored is copied into
 * @p arena.  Bytes are not copied; their length is checked against
 * min_bytes/max_bytes (bytes_too_short, bytes_too_long; input null: the
 * bytes are not echoed).
 * @return an enum rt_valid_raw_result; on RT_VALID_RAW_VALID, *@p out (a
 * NUL-terminated copy for text, @p data for bytes) and *@p out_len.
 */
int rt_valid_raw_check(const struct rt_valid_raw_body *b, const char *content_type, const char *data,
                       size_t len, const char **out, size_t *out_len, const struct rt_valid_arena *arena,
                       struct rt_valid_errors *errs);

/**
 * rt_valid_raw_check() on @p req's body and Content-Type, into request
 * memory.  An unsupported media type is answered 415 at once (the errors
 * in @p errs stay for the caller to clean up).
 * @return RT_VALID_RAW_UNSUPPORTED (answered), RT_VALID_RAW_NONE or
 * RT_VALID_RAW_VALID (*@p out, *@p out_len: until the request ends).
 */
int rt_valid_raw_req_body(struct rt_req *req, const struct rt_valid_raw_body *b, const char **out,
                          size_t *out_len, struct rt_valid_errors *errs);

/**
 * For an operation whose JSON body is declared as @p media (a vendor type,
 * "application/vnd.x+json"): a non-empty body with a Content-Type other
 * than @p media is refused as rt_valid_json_body() refuses a non-JSON one
 * (model_attributes_type at ["body"], FastAPI's entry).
 * @return true if the body may be read as JSON (or is absent), false if
 * the error was added.
 */
bool rt_valid_raw_req_json_media(struct rt_req *req, const char *media, struct rt_valid_errors *errs);

#endif /* RT_VALID_RAW_H */

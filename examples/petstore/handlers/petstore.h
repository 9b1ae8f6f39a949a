/*
 * What the pet store's handlers share (handlers/petstore.c): JSON documents
 * in and out of request memory, the URLs of what they create, and the rate
 * limit some operations declare (X-Rate-Limit-* headers, 429).
 */
#ifndef PETSTORE_PETSTORE_H
#define PETSTORE_PETSTORE_H

#include "rt_app.h"

#include <stdbool.h>
#include <stdint.h>

struct json_object;
struct rt_req;

/** Its setting: PETSTORE_RATE_LIMIT, the requests per minute the rate-limited operations take. */
extern const struct rt_module petstore_module;

/** @p j as JSON text in @p req's memory; takes @p j (puts it). */
const char *ps_text(struct rt_req *req, struct json_object *j);

/** @p doc (JSON text) parsed; it lives until @p req ends.  NULL if it is not JSON. */
struct json_object *ps_parse(struct rt_req *req, const char *doc);

/** The string member @p key of @p obj, or NULL. */
const char *ps_string(struct json_object *obj, const char *key);

/** The integer member @p key of @p obj into @p out. @return whether there was one. */
bool ps_int(struct json_object *obj, const char *key, int64_t *out);

/**
 * An absolute path under the API's mount (the base path the request came
 * under), "<mount><suffix>", in @p req's memory: a Location that follows
 * BASE_PATH.
 */
const char *ps_location(struct rt_req *req, const char *suffix);

/**
 * Take one request from this minute's allowance (PETSTORE_RATE_LIMIT, for
 * the whole process).  @p remaining: what is left after this one.
 * @return whether the request may go on (else answer 429).
 */
bool ps_rate_take(int64_t *limit, int64_t *remaining);

/** A random version 4 UUID (RFC 9562) into @p out (37 bytes). */
void ps_uuid(char *out);

/** The RFC 3339 UTC time @p seconds from now into @p out (32 bytes). */
void ps_time_from_now(int64_t seconds, char *out);

#endif /* PETSTORE_PETSTORE_H */

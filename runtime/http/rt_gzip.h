/*
 * rt_gzip — gzip for answers: which answers may be compressed, whether a
 * request accepts gzip (Accept-Encoding, RFC 9110 12.5.3), and one deflate
 * state that compresses one whole body at a time.
 *
 * The connection layer (rt_http_write.c) compresses dynamic answers with it,
 * one struct rt_gzip per worker thread (made on the first answer that needs
 * it, reset between answers: deflate's 256 KiB of state is never per
 * connection); rt_docs uses rt_gzip_accepted() to choose between the
 * precompressed and the identity copy of its assets.
 *
 * The settings (COMPRESSION, COMPRESS_MIN_SIZE, COMPRESS_MAX_SIZE) are
 * declared here, in rt_gzip_option_group; rt_main() loads them with the
 * runtime's other groups (rt_settings.c lists it).
 */
#ifndef RT_GZIP_H
#define RT_GZIP_H

#include "rt_config.h"

#include <stdbool.h>
#include <stddef.h>

struct evbuffer;
struct rt_gzip;

/** What to compress; all zero: nothing. */
struct rt_gzip_settings {
    int enabled;     /* 1 to compress answers (COMPRESSION) */
    size_t min_size; /* smaller bodies go as they are (COMPRESS_MIN_SIZE) */
    size_t max_size; /* larger bodies go as they are (COMPRESS_MAX_SIZE) */
};

/** The option group; it sets the variables rt_gzip_options_settings() reads. */
extern const struct rt_option_group rt_gzip_option_group;

/** Fill @p s from the loaded settings. */
void rt_gzip_options_settings(struct rt_gzip_settings *s);

/**
 * Whether the Accept-Encoding field value @p header accepts gzip: "gzip"
 * (or its alias "x-gzip") listed with a q-value above 0, or else "*" with
 * one (RFC 9110 12.5.3; a q-value that is not one is taken as 0, so that
 * a malformed field never gets an encoding the client may not decode).
 * NULL (no field) is false: gzip only to clients that ask for it.
 */
bool rt_gzip_accepted(const char *header);

/**
 * Whether a body of type @p content_type is worth compressing: JSON
 * (application/json, and any application/...+json) and text/..., with or
 * without parameters.  NULL is false.
 */
bool rt_gzip_type_compressible(const char *content_type);

/** A deflate state for gzip at level 1 (fast: answers are compressed on the event loop). */
struct rt_gzip *rt_gzip_new(void);

/** Free @p gz; NULL is fine. */
void rt_gzip_free(struct rt_gzip *gz);

/**
 * Append the gzip member of the @p len bytes at @p data to @p out (one
 * deflate call into space reserved for deflateBound(), then a reset of
 * the state for the next body).
 * @return the number of bytes appended, or 0 on failure (nothing appended).
 */
size_t rt_gzip_compress(struct rt_gzip *gz, const void *data, size_t len, struct evbuffer *out);

#endif /* RT_GZIP_H */

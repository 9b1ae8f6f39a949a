/*
 * rt_gzip — gzip for answers (see rt_gzip.h).
 */
#include "rt_gzip.h"
#include "rt_http_chars.h"
#include "rt_mem.h"

#include <event2/buffer.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <zlib.h>

/* --- settings --- */

static int enabled;
static size_t min_size;
static size_t max_size;

static const struct rt_option options[] = {
    {"compression", "COMPRESSION", RT_OPTION_BOOL, &enabled, 0, "on", NULL,
     "gzip JSON and text answers for clients that accept it", NULL},
    {"compress-min-size", "COMPRESS_MIN_SIZE", RT_OPTION_SIZE, &min_size, 0, "1KiB", NULL,
     "smallest answer body compressed; smaller ones go as they are", NULL},
    {"compress-max-size", "COMPRESS_MAX_SIZE", RT_OPTION_SIZE, &max_size, 0, "256KiB", NULL,
     "largest answer body compressed (on the event loop); larger ones go as they are", NULL},
};

static int check(char *err, size_t errlen)
{
    if (min_size <= max_size)
        return 0;
    rt_config_add_err(err, errlen,
                      "COMPRESS_MIN_SIZE (%zu) is above COMPRESS_MAX_SIZE (%zu): nothing would "
                      "ever be compressed; turn it off with COMPRESSION=off instead",
                      min_size, max_size);
    return -1;
}

const struct rt_option_group rt_gzip_option_group = {"compression", options,
                                                     sizeof(options) / sizeof(options[0]), check};

void rt_gzip_options_settings(struct rt_gzip_settings *s)
{
    s->enabled = enabled;
    s->min_size = min_size;
    s->max_size = max_size;
}

/* --- Accept-Encoding --- */

static const char *skip_ows(const char *p)
{
    while (is_ws((unsigned char)*p))
        p++;
    return p;
}

/* The end of the token at @p (RFC 9110 5.6.2). */
static const char *skip_token(const char *p)
{
    while (is_tchar((unsigned char)*p))
        p++;
    return p;
}

/* The end of the parameter value at @p: a token or a quoted string (with its escapes). */
static const char *skip_value(const char *p)
{
    if (*p != '"')
        return skip_token(p);
    for (p++; *p != '\0' && *p != '"'; p++)
        if (*p == '\\' && p[1] != '\0')
            p++;
    return *p == '"' ? p + 1 : p;
}

/* Read the parameters after a coding, from @p p; *positive: its weight is above 0.  Returns the end. */
static const char *read_params(const char *p, bool *positive)
{
    *positive = true;
    for (;;) {
        const char *name, *value;
        size_t name_len;

        p = skip_ows(p);
        if (*p != ';')
            return p;
        p = skip_ows(p + 1);
        name = p;
        p = skip_token(p);
        name_len = (size_t)(p - name);
        if (*p != '=')
            continue;
        value = p + 1;
        p = skip_value(value);
        if (name_len == 1 && (*name == 'q' || *name == 'Q'))
            *positive = qvalue(value, (size_t)(p - value)) > 0; /* malformed: 0 */
    }
}

bool rt_gzip_accepted(const char *header)
{
    const char *p = header;
    int star = -1; /* "*": -1 not listed, 0 refused, 1 accepted */

    if (header == NULL)
        return false;
    while (*p != '\0') {
        const char *coding;
        size_t len;
        bool positive;

        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        coding = p;
        p = skip_token(p);
        len = (size_t)(p - coding);
        p = read_params(p, &positive);
        if (*p != '\0' && *p != ',')
            positive = false; /* a malformed element is no permission */
        while (*p != '\0' && *p != ',')
            p++;
        if ((len == 4 && strncasecmp(coding, "gzip", 4) == 0) ||
            (len == 6 && strncasecmp(coding, "x-gzip", 6) == 0))
            return positive; /* named: "*" does not apply to it */
        if (len == 1 && *coding == '*' && star < 0)
            star = positive;
    }
    return star == 1;
}

/* --- content types --- */

bool rt_gzip_type_compressible(const char *content_type)
{
    const char *p, *sub;
    size_t len;

    if (content_type == NULL)
        return false;
    p = skip_token(content_type); /* the type */
    if (*p != '/')
        return false;
    sub = p + 1;
    p = skip_token(sub);
    len = (size_t)(p - sub);
    if (sub - content_type == 5 && strncasecmp(content_type, "text", 4) == 0)
        return len > 0;
    if (sub - content_type != 12 || strncasecmp(content_type, "application", 11) != 0)
        return false;
    return (len == 4 && strncasecmp(sub, "json", 4) == 0) ||
           (len > 5 && strncasecmp(sub + len - 5, "+json", 5) == 0);
}

/* --- compressing --- */

struct rt_gzip {
    z_stream zs;
};

/* zlib's allocations go through rt_mem, like ours: running out of memory aborts. */
static voidpf gzip_alloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return rt_xcalloc(items, size);
}

static void gzip_release(voidpf opaque, voidpf address)
{
    (void)opaque;
    free(address);
}

struct rt_gzip *rt_gzip_new(void)
{
    struct rt_gzip *gz = rt_xcalloc(1, sizeof(*gz));

    gz->zs.zalloc = gzip_alloc;
    gz->zs.zfree = gzip_release;
    /* Level 1: most of the bytes saved at a fraction of the time; windowBits 15 + 16: a gzip wrapper. */
    if (deflateInit2(&gz->zs, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
        free(gz);
        return NULL;
    }
    return gz;
}

void rt_gzip_free(struct rt_gzip *gz)
{
    if (gz == NULL)
        return;
    deflateEnd(&gz->zs);
    free(gz);
}

size_t rt_gzip_compress(struct rt_gzip *gz, const void *data, size_t len, struct evbuffer *out)
{
    struct evbuffer_iovec v;
    uLong bound;
    size_t n;
    int rc;

    if (len > UINT_MAX / 2)
        return 0;
    bound = deflateBound(&gz->zs, (uLong)len); /* enough for one deflate(Z_FINISH) after a reset */
    if (evbuffer_reserve_space(out, (ev_ssize_t)bound, &v, 1) != 1)
        return 0;
    gz->zs.next_in = (Bytef *)(uintptr_t)data; /* zlib 1.2's next_in is not const; it only reads */
    gz->zs.avail_in = (uInt)len;
    gz->zs.next_out = v.iov_base;
    gz->zs.avail_out = (uInt)bound;
    rc = deflate(&gz->zs, Z_FINISH);
    n = (size_t)((char *)gz->zs.next_out - (char *)v.iov_base);
    deflateReset(&gz->zs);
    if (rc != Z_STREAM_END)
        return 0; /* the reservation is dropped, uncommitted */
    v.iov_len = n;
    evbuffer_commit_space(out, &v, 1);
    return n;
}

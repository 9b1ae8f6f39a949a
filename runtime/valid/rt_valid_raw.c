/*
 * rt_valid_raw — text and byte request bodies, and media types matched as
 * declared.
 */
#include "rt_valid_raw.h"
#include "rt_req.h"
#include "rt_url.h"
#include "rt_valid_scalar.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool is_space(char c)
{
    return c == ' ' || c == '\t';
}

/* The type/subtype of @p ct: its start (spaces skipped) and length (parameters and spaces left out). */
static const char *media_part(const char *ct, size_t *len)
{
    while (is_space(*ct))
        ct++;
    *len = strcspn(ct, ";");
    while (*len > 0 && is_space(ct[*len - 1]))
        (*len)--;
    return ct;
}

bool rt_valid_raw_media_is(const char *content_type, const char *media)
{
    size_t len;
    const char *mt = media_part(content_type, &len);

    return len == strlen(media) && strncasecmp(mt, media, len) == 0;
}

/* Whether the parameter value at @p v (@p len bytes, quotes included if any) names @p name, any case. */
static bool value_is(const char *v, size_t len, const char *name)
{
    if (len >= 2 && v[0] == '"' && v[len - 1] == '"') {
        v++;
        len -= 2;
    }
    return len == strlen(name) && strncasecmp(v, name, len) == 0;
}

bool rt_valid_raw_charset_ok(const char *content_type)
{
    const char *p = strchr(content_type, ';');

    while (p != NULL) {
        const char *name = p + 1, *next = strchr(name, ';');
        size_t len = next != NULL ? (size_t)(next - name) : strlen(name);

        while (len > 0 && is_space(*name))
            name++, len--;
        while (len > 0 && is_space(name[len - 1]))
            len--;
        if (len >= 7 && strncasecmp(name, "charset", 7) == 0) {
            const char *v = name + 7;
            size_t vlen = len - 7;

            while (vlen > 0 && is_space(*v))
                v++, vlen--;
            if (vlen > 0 && *v == '=') {
                v++, vlen--;
                while (vlen > 0 && is_space(*v))
                    v++, vlen--;
                return value_is(v, vlen, "utf-8") || value_is(v, vlen, "us-ascii");
            }
        }
        p = next;
    }
    return true;
}

/* An error whose ctx is {@p key: @p n}, input null. */
static void add_count_error(struct rt_valid_errors *errs, const struct rt_valid_loc *at, const char *type,
                            const char *msg, const char *key, size_t n)
{
    struct json_object *ctx = json_object_new_object();

    json_object_object_add(ctx, key, json_object_new_int64((int64_t)n));
    rt_valid_error_add(errs, at, type, msg, NULL, ctx);
}

static int check_bytes(const struct rt_valid_raw_body *b, size_t len, struct rt_valid_errors *errs,
                       const struct rt_valid_loc *at)
{
    char msg[96];

    if (len < b->min_bytes) {
        snprintf(msg, sizeof(msg), "Data should have at least %zu byte%s", b->min_bytes,
                 b->min_bytes == 1 ? "" : "s");
        add_count_error(errs, at, "bytes_too_short", msg, "min_length", b->min_bytes);
        return RT_VALID_RAW_NONE;
    }
    if (b->max_bytes > 0 && len > b->max_bytes) {
        snprintf(msg, sizeof(msg), "Data should have at most %zu byte%s", b->max_bytes,
                 b->max_bytes == 1 ? "" : "s");
        add_count_error(errs, at, "bytes_too_long", msg, "max_length", b->max_bytes);
        return RT_VALID_RAW_NONE;
    }
    return RT_VALID_RAW_VALID;
}

static int check_text(const struct rt_valid_raw_body *b, const char *data, size_t len, const char **out,
                      const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                      const struct rt_valid_loc *at)
{
    if (rt_url_utf8_length(data, len) < 0) {
        rt_valid_error_add(errs, at, "string_unicode",
                           "Input should be a valid string, unable to parse raw data as a unicode string",
                           NULL, NULL);
        return RT_VALID_RAW_NONE;
    }
    if (memchr(data, '\0', len) != NULL) {
        /* the handler reads a C string; the rule machinery too */
        rt_valid_error_add(errs, at, "value_error", "Value error, a text body may not contain NUL characters",
                           NULL, NULL);
        return RT_VALID_RAW_NONE;
    }
    return rt_valid_scalar_from_text(b->rule, data, out, arena, errs, at) == 0 ? RT_VALID_RAW_VALID
                                                                               : RT_VALID_RAW_NONE;
}

int rt_valid_raw_check(const struct rt_valid_raw_body *b, const char *content_type, const char *data,
                       size_t len, const char **out, size_t *out_len, const struct rt_valid_arena *arena,
                       struct rt_valid_errors *errs)
{
    const struct rt_valid_loc at = {NULL, "body", 0};
    int rc;

    *out = NULL;
    *out_len = 0;
    if (data == NULL || len == 0) {
        if (b->required)
            rt_valid_error_add(errs, &at, "missing", "Field required", NULL, NULL);
        return RT_VALID_RAW_NONE;
    }
    if (content_type != NULL && (!rt_valid_raw_media_is(content_type, b->media) ||
                                 (b->text && !rt_valid_raw_charset_ok(content_type))))
        return RT_VALID_RAW_UNSUPPORTED;
    if (!b->text) {
        rc = check_bytes(b, len, errs, &at);
        if (rc == RT_VALID_RAW_VALID)
            *out = data, *out_len = len;
        return rc;
    }
    rc = check_text(b, data, len, out, arena, errs, &at);
    if (rc == RT_VALID_RAW_VALID)
        *out_len = strlen(*out);
    return rc;
}

static void *req_alloc(void *req, size_t size)
{
    return rt_req_alloc(req, size);
}

int rt_valid_raw_req_body(struct rt_req *req, const struct rt_valid_raw_body *b, const char **out,
                          size_t *out_len, struct rt_valid_errors *errs)
{
    const struct rt_valid_arena arena = {req_alloc, req, NULL}; /* a text holds no JSON */
    const char *ct = rt_req_header(req, "Content-Type");
    size_t len = 0;
    const char *data = rt_req_body(req, &len);
    char detail[160];
    int rc = rt_valid_raw_check(b, ct, data, len, out, out_len, &arena, errs);

    if (rc != RT_VALID_RAW_UNSUPPORTED)
        return rc;
    snprintf(detail, sizeof(detail), "Unsupported Media Type: this operation takes a %s body%s", b->media,
             b->text ? " in UTF-8" : "");
    rt_req_add_header(req, "Accept", b->media); /* RFC 9110 15.5.16: what the request could have had */
    rt_req_reply_detail(req, 415, detail);
    return rc;
}

bool rt_valid_raw_req_json_media(struct rt_req *req, const char *media, struct rt_valid_errors *errs)
{
    const struct rt_valid_loc at = {NULL, "body", 0};
    const char *ct = rt_req_header(req, "Content-Type");
    size_t len = 0;
    const char *text = rt_req_body(req, &len);
    struct json_object *input;

    if (text == NULL || len == 0 || ct == NULL || rt_valid_raw_media_is(ct, media))
        return true;
    /* rt_valid_json_body()'s answer to a body that is not JSON: the raw text as input when it is text */
    input = rt_url_utf8_length(text, len) >= 0 && memchr(text, '\0', len) == NULL
                ? json_object_new_string_len(text, (int)len)
                : NULL;
    rt_valid_error_add(errs, &at, "model_attributes_type",
                       "Input should be a valid dictionary or object to extract fields from", input, NULL);
    return false;
}

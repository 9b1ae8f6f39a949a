/*
 * rt_valid_multipart — multipart bodies: rt_multipart splits the body,
 * then each field takes the parts of its name.
 */
#include "rt_valid_multipart.h"
#include "rt_multipart.h"
#include "rt_req.h"
#include "rt_url.h"
#include "rt_valid_model.h"
#include "rt_valid_scalar.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static void *req_alloc(void *req, size_t size)
{
    return rt_req_alloc(req, size);
}

/* @p len bytes at @p s as a JSON string (an error's input) if they are UTF-8 without a NUL, else NULL (null).
 */
static struct json_object *text_input(const char *s, size_t len)
{
    if (s == NULL || memchr(s, '\0', len) != NULL || rt_url_utf8_length(s, len) < 0)
        return NULL;
    return json_object_new_string_len(s, (int)len);
}

/* The body (or its Content-Type) is malformed: one error, at [body, @p offset] when @p offset is not -1. */
static void decode_error(struct rt_valid_errors *errs, const char *why, int64_t offset)
{
    struct rt_valid_loc body = {NULL, "body", 0}, at = {&body, NULL, offset};

    rt_valid_error_ctx(errs, offset >= 0 ? &at : &body, "multipart_invalid", "Multipart decode error",
                       json_object_new_object(), "error", why);
}

/* --- media types --- */

/* Whether [@p a, @p a + @p len) is the media range @p range (a type, "type/" + '*', or '*' + "/" + '*'), any
 * case. */
static bool type_matches(const char *a, size_t len, const char *range)
{
    size_t rlen = strlen(range);

    if (rlen == 3 && strcmp(range, "*/*") == 0)
        return true;
    if (rlen >= 2 && strcmp(range + rlen - 2, "/*") == 0)
        return len > rlen - 1 && strncasecmp(a, range, rlen - 1) == 0; /* "image/" then a subtype */
    return len == rlen && strncasecmp(a, range, len) == 0;
}

/* Whether the Content-Type @p ct (NULL: text/plain, RFC 7578 §4.4) is one of @p accepted (parameters
 * ignored). */
static bool type_accepted(const char *ct, const char *const *accepted)
{
    size_t len;

    if (ct == NULL)
        ct = "text/plain";
    len = strcspn(ct, "; \t");
    for (size_t i = 0; accepted[i] != NULL; i++) {
        if (type_matches(ct, len, accepted[i]))
            return true;
    }
    return false;
}

/* "a, b or c" of @p accepted, in request memory. */
static const char *accepted_list(struct rt_req *req, const char *const *accepted)
{
    size_t len = 1, n = 0;
    char *out, *at;

    for (; accepted[n] != NULL; n++)
        len += strlen(accepted[n]) + 4;
    out = at = rt_req_alloc(req, len);
    for (size_t i = 0; i < n; i++) {
        const char *sep = i == 0 ? "" : i + 1 == n ? " or " : ", ";
        size_t sep_len = strlen(sep), item_len = strlen(accepted[i]);

        memcpy(at, sep, sep_len);
        memcpy(at + sep_len, accepted[i], item_len);
        at += sep_len + item_len;
    }
    *at = '\0';
    return out;
}

/* --- fields --- */

/* A part for the file field @p r into @p dst. @return 0, or -1 (error added at @p loc). */
static int read_file(struct rt_req *req, const struct rt_multipart_part *part, const struct rt_valid_rule *r,
                     struct rt_valid_file *dst, struct rt_valid_errors *errs, const struct rt_valid_loc *loc)
{
    if (part->filename == NULL) {
        struct json_object *ctx = json_object_new_object();

        json_object_object_add(ctx, "error", json_object_new_object());
        rt_valid_error_add(errs, loc, "value_error",
                           "Value error, Expected UploadFile, received: <class 'str'>",
                           text_input(part->data, part->size), ctx);
        return -1;
    }
    if (r->enum_values != NULL && !type_accepted(part->content_type, r->enum_values)) {
        const char *list = accepted_list(req, r->enum_values);
        char *msg = rt_req_alloc(req, strlen(list) + 64);

        snprintf(msg, strlen(list) + 64, "The file's Content-Type should be %s", list);
        rt_valid_error_ctx(
            errs, loc, "content_type", msg,
            text_input(part->content_type, part->content_type != NULL ? strlen(part->content_type) : 0),
            "expected", list);
        return -1;
    }
    dst->name = part->name;
    dst->filename = part->filename;
    dst->content_type = part->content_type;
    dst->data = (const unsigned char *)part->data;
    dst->size = part->size;
    return 0;
}

/* A part for the text field @p r (a scalar rule) into @p dst. @return 0, or -1 (error added at @p loc). */
static int read_text(struct rt_req *req, const struct rt_multipart_part *part, const struct rt_valid_rule *r,
                     void *dst, const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                     const struct rt_valid_loc *loc)
{
    char *text;

    if (part->filename != NULL) {
        static const char *const types[][2] = {{"string_type", "Input should be a valid string"},
                                               {"int_type", "Input should be a valid integer"},
                                               {"float_type", "Input should be a valid number"},
                                               {"bool_type", "Input should be a valid boolean"}};
        size_t k = r->kind == RT_VALID_INTEGER   ? 1
                   : r->kind == RT_VALID_NUMBER  ? 2
                   : r->kind == RT_VALID_BOOLEAN ? 3
                                                 : 0;

        rt_valid_error_add(errs, loc, types[k][0], types[k][1],
                           text_input(part->filename, strlen(part->filename)), NULL);
        return -1;
    }
    if (memchr(part->data, '\0', part->size) != NULL || rt_url_utf8_length(part->data, part->size) < 0) {
        rt_valid_error_add(errs, loc, "string_unicode",
                           "Input should be a valid string, unable to parse raw data as a unicode string",
                           NULL, NULL);
        return -1;
    }
    text = rt_req_alloc(req, part->size + 1); /* the part's bytes end in the body at a CRLF: NUL-terminate */
    memcpy(text, part->data, part->size);
    return rt_valid_scalar_from_text(r, text, dst, arena, errs, loc);
}

/* One part for a value of rule @p r (a file or a scalar) into @p dst. */
static int read_value(struct rt_req *req, const struct rt_multipart_part *part, const struct rt_valid_rule *r,
                      void *dst, const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                      const struct rt_valid_loc *loc)
{
    if (r->kind == RT_VALID_FILE)
        return read_file(req, part, r, dst, errs, loc);
    return read_text(req, part, r, dst, arena, errs, loc);
}

struct parts {
    const struct rt_multipart_part *list;
    size_t n;
};

static size_t count_named(const struct parts *parts, const char *name)
{
    size_t n = 0;

    for (size_t i = 0; i < parts->n; i++)
        n += strcmp(parts->list[i].name, name) == 0;
    return n;
}

/* Every part of @p f's name, as the items of an array field (@p n of them, n > 0). */
static void read_array(struct rt_req *req, const struct parts *parts, size_t n,
                       const struct rt_valid_field *f, char *out, const struct rt_valid_arena *arena,
                       struct rt_valid_errors *errs, const struct rt_valid_loc *at)
{
    const struct rt_valid_rule *r = f->rule->items;
    size_t k = 0,
           size = r->kind == RT_VALID_FILE ? sizeof(struct rt_valid_file) : rt_valid_scalar_size(r->kind);
    char *items = rt_valid_alloc(arena, n, size);

    for (size_t i = 0; i < parts->n; i++) {
        struct rt_valid_loc item_at = {at, NULL, (int64_t)k};

        if (strcmp(parts->list[i].name, f->name) != 0)
            continue;
        read_value(req, &parts->list[i], r, items + k * size, arena, errs, &item_at);
        k++;
    }
    *(void **)(out + f->offset) = items;
    *(size_t *)(out + f->aux_offset) = n;
}

static void read_field(struct rt_req *req, const struct parts *parts, const struct rt_valid_field *f,
                       char *out, const struct rt_valid_arena *arena, struct rt_valid_errors *errs)
{
    struct rt_valid_loc root = {NULL, "body", 0}, at = {&root, f->name, 0};
    size_t n = count_named(parts, f->name), i = 0;

    if (f->read_only) { /* the server's to write: never required, refused when sent, as from JSON */
        if (n > 0)
            rt_valid_error_add(errs, &at, "read_only", RT_VALID_READ_ONLY_MSG, NULL, NULL);
        return;
    }
    if (n == 0) {
        if (f->default_json != NULL)
            (void)rt_valid_model_field_default(f, out, arena, errs, &at);
        else if (f->required)
            rt_valid_error_add(errs, &at, "missing", "Field required", NULL, NULL);
        return;
    }
    if (f->rule->kind == RT_VALID_ARRAY) {
        read_array(req, parts, n, f, out, arena, errs, &at);
        return;
    }
    if (n > 1) {
        struct json_object *ctx = json_object_new_object();

        json_object_object_add(ctx, "error", json_object_new_object());
        rt_valid_error_add(errs, &at, "value_error",
                           "Value error, the field takes one value but was sent more than once",
                           json_object_new_int64((int64_t)n), ctx);
        return;
    }
    while (strcmp(parts->list[i].name, f->name) != 0)
        i++;
    if (read_value(req, &parts->list[i], f->rule, out + f->offset, arena, errs, &at) == 0 &&
        f->aux_offset != RT_VALID_NO_OFFSET)
        *(bool *)(out + f->aux_offset) = true;
}

/* The body's parts into *@p parts. @return 0, or -1 (one error added: not multipart, or malformed). */
static int split(struct rt_req *req, const char *text, size_t len, struct parts *parts,
                 struct rt_valid_errors *errs)
{
    char boundary[RT_MULTIPART_BOUNDARY_MAX + 1];
    struct rt_multipart_error err = {NULL, 0};
    struct rt_multipart_part *list;
    struct rt_valid_loc at = {NULL, "body", 0};

    switch (rt_multipart_boundary(rt_req_header(req, "Content-Type"), boundary, &err)) {
    case RT_MULTIPART_OTHER_TYPE:
        rt_valid_error_add(errs, &at, "model_attributes_type",
                           "Input should be a valid dictionary or object to extract fields from",
                           text_input(text, len), NULL);
        return -1;
    case RT_MULTIPART_BAD_BOUNDARY:
        decode_error(errs, err.why, -1);
        return -1;
    case RT_MULTIPART_FORM_DATA:
        break;
    }
    if (rt_multipart_parse(text, len, boundary, req_alloc, req, &list, &parts->n, &err) < 0) {
        decode_error(errs, err.why, (int64_t)err.offset);
        return -1;
    }
    parts->list = list;
    return 0;
}

/* A closed model (additionalProperties: false): a part no property names is extra_forbidden, as in JSON; its
 * input is the part's text (none for a file part, whose bytes are not text to quote). */
static void forbid_extras(const struct parts *parts, const struct rt_valid_model *model,
                          struct rt_valid_errors *errs)
{
    struct rt_valid_loc root = {NULL, "body", 0};

    for (size_t i = 0; i < parts->n; i++) {
        const struct rt_multipart_part *p = &parts->list[i];
        struct rt_valid_loc at = {&root, p->name, 0};

        if (rt_valid_model_field(model, p->name) == NULL)
            rt_valid_error_add(errs, &at, "extra_forbidden", "Extra inputs are not permitted",
                               p->filename == NULL ? text_input(p->data, p->size) : NULL, NULL);
    }
}

int rt_valid_multipart_body(struct rt_req *req, const struct rt_valid_model *model, bool required, void *out,
                            struct rt_valid_errors *errs)
{
    const struct rt_valid_arena arena = {req_alloc, req, NULL}; /* text fields hold no JSON */
    struct rt_valid_loc at = {NULL, "body", 0};
    struct parts parts = {NULL, 0};
    size_t len = 0, before = rt_valid_errors_count(errs);
    const char *text = rt_req_body(req, &len);

    if (text == NULL || len == 0) {
        if (required)
            rt_valid_error_add(errs, &at, "missing", "Field required", NULL, NULL);
        return 0;
    }
    if (split(req, text, len, &parts, errs) < 0)
        return 0;
    for (size_t i = 0; i < model->n_fields; i++)
        read_field(req, &parts, &model->fields[i], out, &arena, errs);
    if (model->closed)
        forbid_extras(&parts, model, errs);
    return rt_valid_errors_count(errs) == before;
}

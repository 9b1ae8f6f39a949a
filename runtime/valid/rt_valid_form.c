/*
 * rt_valid_form — form bodies: the query parser on the body, then each
 * field by its rule.
 */
#include "rt_valid_form.h"
#include "rt_req.h"
#include "rt_url.h"
#include "rt_valid_model.h"
#include "rt_valid_scalar.h"

#include <json-c/json.h>
#include <string.h>
#include <strings.h>

static void *req_alloc(void *req, size_t size)
{
    return rt_req_alloc(req, size);
}

static bool is_form_media_type(const char *ct)
{
    static const char form[] = "application/x-www-form-urlencoded";
    size_t len;

    while (*ct == ' ' || *ct == '\t')
        ct++;
    len = strcspn(ct, ";");
    while (len > 0 && (ct[len - 1] == ' ' || ct[len - 1] == '\t'))
        len--;
    return len == sizeof(form) - 1 && strncasecmp(ct, form, len) == 0;
}

/*
 * Decode @p pair's value and validate it against @p rule into @p dst.
 * @return 0, or -1 (error added at @p loc).
 */
static int convert(struct rt_req *req, const struct rt_url_query_pair *pair, const struct rt_valid_rule *rule,
                   void *dst, const struct rt_valid_arena *arena, struct rt_valid_errors *errs,
                   const struct rt_valid_loc *loc)
{
    char *text = rt_req_alloc(req, pair->value_len + 1);

    if (rt_url_decode(text, pair->value, pair->value_len, true, NULL) != RT_URL_OK) {
        rt_valid_error_add(errs, loc, "string_unicode",
                           "Input should be a valid string, unable to parse raw data as a unicode string",
                           NULL, NULL);
        return -1;
    }
    return rt_valid_scalar_from_text(rule, text, dst, arena, errs, loc); /* text, whatever --lax says */
}

/* Every value of @p f's name, as the items of an array field. */
static void read_array(struct rt_req *req, const struct rt_url_query_pair *pairs, size_t n_pairs,
                       const struct rt_valid_field *f, char *out, const struct rt_valid_arena *arena,
                       struct rt_valid_errors *errs, const struct rt_valid_loc *at)
{
    size_t n = 0, k = 0, size = rt_valid_scalar_size(f->rule->items->kind);
    char *items;

    for (size_t i = 0; i < n_pairs; i++)
        n += strcmp(pairs[i].key, f->name) == 0;
    if (n == 0) {
        if (f->required)
            rt_valid_error_add(errs, at, "missing", "Field required", NULL, NULL);
        return;
    }
    items = rt_valid_alloc(arena, n, size);
    for (size_t i = 0; i < n_pairs; i++) {
        struct rt_valid_loc item_at = {at, NULL, (int64_t)k};

        if (strcmp(pairs[i].key, f->name) != 0)
            continue;
        convert(req, &pairs[i], f->rule->items, items + k * size, arena, errs, &item_at);
        k++;
    }
    *(void **)(out + f->offset) = items;
    *(size_t *)(out + f->aux_offset) = n;
}

static void read_field(struct rt_req *req, const struct rt_url_query_pair *pairs, size_t n_pairs,
                       const struct rt_valid_field *f, char *out, const struct rt_valid_arena *arena,
                       struct rt_valid_errors *errs)
{
    struct rt_valid_loc root = {NULL, "body", 0}, at = {&root, f->name, 0};
    const struct rt_url_query_pair *last = NULL;

    if (f->read_only) { /* the server's to write: never required, refused when sent, as from JSON */
        for (size_t i = 0; i < n_pairs; i++) {
            if (strcmp(pairs[i].key, f->name) == 0) {
                rt_valid_error_add(errs, &at, "read_only", RT_VALID_READ_ONLY_MSG, NULL, NULL);
                break;
            }
        }
        return;
    }
    if (f->rule->kind == RT_VALID_ARRAY) {
        read_array(req, pairs, n_pairs, f, out, arena, errs, &at);
        return;
    }
    for (size_t i = 0; i < n_pairs; i++) {
        if (strcmp(pairs[i].key, f->name) == 0)
            last = &pairs[i];
    }
    if (last == NULL) {
        if (f->default_json != NULL)
            (void)rt_valid_model_field_default(f, out, arena, errs, &at);
        else if (f->required)
            rt_valid_error_add(errs, &at, "missing", "Field required", NULL, NULL);
        return;
    }
    if (convert(req, last, f->rule, out + f->offset, arena, errs, &at) == 0 &&
        f->aux_offset != RT_VALID_NO_OFFSET)
        *(bool *)(out + f->aux_offset) = true;
}

/* A closed model (additionalProperties: false): a field no property names is extra_forbidden, as in JSON. */
static void forbid_extras(struct rt_req *req, const struct rt_url_query_pair *pairs, size_t n_pairs,
                          const struct rt_valid_model *model, struct rt_valid_errors *errs)
{
    struct rt_valid_loc root = {NULL, "body", 0};

    for (size_t i = 0; i < n_pairs; i++) {
        struct rt_valid_loc at = {&root, pairs[i].key, 0};
        char *text;

        if (rt_valid_model_field(model, pairs[i].key) != NULL)
            continue;
        text = rt_req_alloc(req, pairs[i].value_len + 1);
        rt_valid_error_add(errs, &at, "extra_forbidden", "Extra inputs are not permitted",
                           rt_url_decode(text, pairs[i].value, pairs[i].value_len, true, NULL) == RT_URL_OK
                               ? json_object_new_string(text)
                               : NULL,
                           NULL);
    }
}

int rt_valid_form_body(struct rt_req *req, const struct rt_valid_model *model, bool required, void *out,
                       struct rt_valid_errors *errs)
{
    const struct rt_valid_arena arena = {req_alloc, req, NULL}; /* form values hold no JSON */
    struct rt_valid_loc at = {NULL, "body", 0};
    const char *ct = rt_req_header(req, "Content-Type");
    struct rt_url_query_pair *pairs;
    size_t len = 0, n_pairs, before = rt_valid_errors_count(errs);
    const char *text = rt_req_body(req, &len);

    if (text == NULL || len == 0) {
        if (required)
            rt_valid_error_add(errs, &at, "missing", "Field required", NULL, NULL);
        return 0;
    }
    if (ct == NULL || !is_form_media_type(ct) || memchr(text, '\0', len) != NULL) {
        struct json_object *input = rt_url_utf8_length(text, len) >= 0 && memchr(text, '\0', len) == NULL
                                        ? json_object_new_string_len(text, (int)len)
                                        : NULL;

        rt_valid_error_add(errs, &at, "model_attributes_type",
                           "Input should be a valid dictionary or object to extract fields from", input,
                           NULL);
        return 0;
    }
    n_pairs = rt_url_query_pairs(req, text, &pairs); /* the body is NUL-terminated (rt_req_body) */
    for (size_t i = 0; i < model->n_fields; i++)
        read_field(req, pairs, n_pairs, &model->fields[i], out, &arena, errs);
    if (model->closed)
        forbid_extras(req, pairs, n_pairs, model, errs);
    return rt_valid_errors_count(errs) == before;
}

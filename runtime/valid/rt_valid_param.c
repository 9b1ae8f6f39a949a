/*
 * rt_valid_param — parameters: their text per place and style, then their
 * values per rule.
 */
#include "rt_valid_param.h"
#include "rt_valid_param_json.h"
#include "rt_cookie.h"
#include "rt_req.h"
#include "rt_url.h"
#include "rt_valid_scalar.h"

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The texts one parameter was given as: one for a scalar, one per item for an array. */
struct texts {
    const char **items; /* decoded, NUL-terminated, in request memory */
    size_t n, cap;
    bool given; /* the parameter is present (possibly with no items) */
    bool empty; /* a query parameter given as "x=" */
};

/* What reading the parameters of one request needs. */
struct reader {
    struct rt_req *req;
    const char *const *path_values;
    struct rt_url_query_pair *pairs; /* the query string, split once */
    size_t n_pairs;
    struct rt_valid_arena arena;
    struct rt_valid_errors *errs;
};

static void *req_alloc(void *req, size_t size)
{
    return rt_req_alloc(req, size);
}

static void push(struct reader *r, struct texts *t, const char *s)
{
    if (t->n == t->cap) {
        size_t cap = t->cap ? 2 * t->cap : 4;
        const char **items = rt_valid_alloc(&r->arena, cap, sizeof(*items));

        if (t->n > 0)
            memcpy(items, t->items, t->n * sizeof(*items));
        t->items = items, t->cap = cap;
    }
    t->items[t->n++] = s;
    t->given = true;
}

static char *copy_text(struct reader *r, const char *s, size_t len)
{
    char *copy = rt_valid_alloc(&r->arena, 1, len + 1);

    memcpy(copy, s, len);
    return copy;
}

/* Decode @p len bytes at @p s ('+' a space with @p form) into request memory. @return RT_URL_OK or an error.
 */
static int decode_text(struct reader *r, const char *s, size_t len, bool form, const char **out)
{
    char *dst = rt_valid_alloc(&r->arena, 1, len + 1);
    int rc = rt_url_decode(dst, s, len, form, NULL);

    *out = dst;
    return rc;
}

/* The kinds of splitting a list's text needs. */
enum split_how {
    SPLIT_VERBATIM,    /* items are taken as they are (path: already decoded) */
    SPLIT_DECODE,      /* each item is percent-decoded after splitting ('+' a space: query strings) */
    SPLIT_DECODE_PLUS, /* the same, '+' kept (cookies) */
    SPLIT_TRIM         /* blanks around items are dropped (header lists, RFC 9110 §5.6.1) */
};

/*
 * Push the items of the list @p s (@p len bytes, separated by @p sep); ""
 * is the empty list.  @return RT_URL_OK, or the error decoding an item.
 */
static int split_list(struct reader *r, struct texts *t, const char *s, size_t len, char sep,
                      enum split_how how)
{
    const char *end = s + len;

    t->given = true;
    if (len == 0)
        return RT_URL_OK;
    for (;;) {
        const char *cut = memchr(s, sep, (size_t)(end - s));
        const char *item_end = cut != NULL ? cut : end, *item;
        int rc = RT_URL_OK;

        if (how == SPLIT_TRIM) {
            while (s < item_end && (*s == ' ' || *s == '\t'))
                s++;
            while (item_end > s && (item_end[-1] == ' ' || item_end[-1] == '\t'))
                item_end--;
        }
        if (how == SPLIT_DECODE || how == SPLIT_DECODE_PLUS)
            rc = decode_text(r, s, (size_t)(item_end - s), how == SPLIT_DECODE, &item);
        else
            item = copy_text(r, s, (size_t)(item_end - s));
        if (rc != RT_URL_OK)
            return rc;
        push(r, t, item);
        if (cut == NULL)
            return RT_URL_OK;
        s = cut + 1;
    }
}

/* --- where each parameter's text is --- */

static const char *in_name(enum rt_valid_in in)
{
    static const char *const names[] = {"path", "query", "header", "cookie"};

    return names[in];
}

/* Answer 400 for a value of @p p that cannot be decoded. @return -1. */
static int bad_value(struct reader *r, const struct rt_valid_param *p, int rc)
{
    char detail[160];

    snprintf(detail, sizeof(detail), "Invalid %s parameter '%.100s': %s", in_name(p->in), p->name,
             rt_url_strerror(rc));
    rt_req_reply_detail(r->req, 400, detail);
    return -1;
}

/* The last "name=value" pair of the query, or NULL. */
static const struct rt_url_query_pair *last_pair(const struct reader *r, const char *name)
{
    const struct rt_url_query_pair *found = NULL;

    for (size_t i = 0; i < r->n_pairs; i++) {
        if (strcmp(r->pairs[i].key, name) == 0)
            found = &r->pairs[i];
    }
    return found;
}

static int query_texts(struct reader *r, const struct rt_valid_param *p, struct texts *t)
{
    const struct rt_url_query_pair *pair;
    const char *text;
    int rc = RT_URL_OK;

    if (p->rule->kind == RT_VALID_ARRAY && p->style == RT_VALID_STYLE_FORM && p->explode) {
        for (size_t i = 0; i < r->n_pairs && rc == RT_URL_OK; i++) {
            if (strcmp(r->pairs[i].key, p->name) == 0 &&
                (rc = decode_text(r, r->pairs[i].value, r->pairs[i].value_len, true, &text)) == RT_URL_OK)
                push(r, t, text);
        }
        return rc;
    }
    pair = last_pair(r, p->name);
    if (pair == NULL)
        return RT_URL_OK;
    t->empty = pair->value_len == 0;
    if (p->rule->kind != RT_VALID_ARRAY) {
        rc = decode_text(r, pair->value, pair->value_len, true, &text);
        if (rc == RT_URL_OK)
            push(r, t, text);
        return rc;
    }
    if (p->style == RT_VALID_STYLE_FORM)
        return split_list(r, t, pair->value, pair->value_len, ',', SPLIT_DECODE);
    /* spaceDelimited, pipeDelimited: the separator is written encoded, so split the decoded text */
    rc = decode_text(r, pair->value, pair->value_len, true, &text);
    if (rc == RT_URL_OK)
        rc = split_list(r, t, text, strlen(text), p->style == RT_VALID_STYLE_PIPE_DELIMITED ? '|' : ' ',
                        SPLIT_VERBATIM);
    return rc;
}

static int cookie_texts(struct reader *r, const struct rt_valid_param *p, struct texts *t)
{
    const char *value, *text;
    size_t len;
    int rc;

    if (!rt_cookie_get(rt_req_header(r->req, "Cookie"), p->name, &value, &len))
        return RT_URL_OK;
    if (p->rule->kind == RT_VALID_ARRAY)
        return split_list(r, t, value, len, ',', SPLIT_DECODE_PLUS);
    rc = decode_text(r, value, len, false, &text); /* '+' is a '+': cookies are not forms */
    if (rc == RT_URL_OK)
        push(r, t, text);
    return rc;
}

static int header_texts(struct reader *r, const struct rt_valid_param *p, struct texts *t)
{
    const char *value = rt_req_header(r->req, p->name);

    if (value == NULL)
        return RT_URL_OK;
    if (rt_url_utf8_length(value, strlen(value)) < 0)
        return RT_URL_BAD_UTF8; /* obs-text that is not UTF-8: no string of ours can hold it */
    if (p->rule->kind == RT_VALID_ARRAY)
        split_list(r, t, value, strlen(value), ',', SPLIT_TRIM);
    else
        push(r, t, value);
    return RT_URL_OK;
}

/* A path value that does not have the shape its style writes. */
static void style_error(struct reader *r, const struct rt_valid_param *p, const char *value,
                        const char *shape)
{
    struct rt_valid_loc root = {NULL, "path", 0}, at = {&root, p->name, 0};
    char msg[200];

    snprintf(msg, sizeof(msg), "Input should be written %s (style %s)", shape,
             p->style == RT_VALID_STYLE_MATRIX ? "matrix" : "label");
    rt_valid_error_add(r->errs, &at, "parameter_style", msg, json_object_new_string(value), NULL);
}

/* ";name=v" (or ";name", empty), exploded arrays ";name=a;name=b": push the values. @return 0 or -1 (error
 * added). */
static int matrix_texts(struct reader *r, const struct rt_valid_param *p, const char *s, struct texts *t)
{
    size_t name_len = strlen(p->name);
    bool exploded = p->rule->kind == RT_VALID_ARRAY && p->explode;
    const char *v = s;

    do {
        size_t len;

        if (*v != ';' || strncmp(v + 1, p->name, name_len) != 0 ||
            (v[1 + name_len] != '=' && v[1 + name_len] != ';' && v[1 + name_len] != '\0')) {
            style_error(r, p, s, exploded ? "';name=a;name=b'" : "';name=value'");
            return -1;
        }
        v += 1 + name_len;
        v += *v == '=';
        len = exploded ? strcspn(v, ";") : strlen(v);
        if (p->rule->kind == RT_VALID_ARRAY && !exploded)
            split_list(r, t, v, len, ',', SPLIT_VERBATIM);
        else
            push(r, t, copy_text(r, v, len));
        v += len;
    } while (*v != '\0');
    return 0;
}

static int path_texts(struct reader *r, const struct rt_valid_param *p, struct texts *t)
{
    const char *s = r->path_values[p->path_index];

    if (s == NULL)
        return 0;
    switch (p->style) {
    case RT_VALID_STYLE_MATRIX:
        return matrix_texts(r, p, s, t);
    case RT_VALID_STYLE_LABEL:
        if (*s != '.') {
            style_error(r, p, s, "'.value'");
            return -1;
        }
        s++;
        break;
    default:
        break;
    }
    if (p->rule->kind != RT_VALID_ARRAY)
        push(r, t, s);
    else
        split_list(r, t, s, strlen(s), p->style == RT_VALID_STYLE_LABEL && p->explode ? '.' : ',',
                   SPLIT_VERBATIM);
    return 0;
}

/* --- values --- */

static void *at_offset(void *out, size_t offset)
{
    return (char *)out + offset;
}

static void set_flag(void *out, size_t offset)
{
    if (offset != RT_VALID_NO_OFFSET)
        *(bool *)at_offset(out, offset) = true;
}

/* Validate @p text against the scalar rule @p rule into @p dst. @return 0, or -1 (error added at @p loc). */
static int convert(struct reader *r, const struct rt_valid_rule *rule, const char *text, void *dst,
                   const struct rt_valid_loc *loc)
{
    return rt_valid_scalar_from_text(rule, text, dst, &r->arena, r->errs, loc);
}

static size_t item_size(enum rt_valid_kind kind)
{
    switch (kind) {
    case RT_VALID_STRING:
        return sizeof(const char *);
    case RT_VALID_INTEGER:
        return sizeof(int64_t);
    case RT_VALID_NUMBER:
        return sizeof(double);
    case RT_VALID_BOOLEAN:
        return sizeof(bool);
    default:
        abort(); /* the generator allows arrays of scalars only */
    }
}

static bool same_item(enum rt_valid_kind kind, const void *a, const void *b)
{
    switch (kind) {
    case RT_VALID_STRING:
        return strcmp(*(const char *const *)a, *(const char *const *)b) == 0;
    case RT_VALID_INTEGER:
        return *(const int64_t *)a == *(const int64_t *)b;
    case RT_VALID_NUMBER:
        return *(const double *)a == *(const double *)b;
    default:
        return *(const bool *)a == *(const bool *)b;
    }
}

static struct json_object *texts_json(const struct texts *t)
{
    struct json_object *a = json_object_new_array();

    for (size_t i = 0; i < t->n; i++)
        json_object_array_add(a, json_object_new_string(t->items[i]));
    return a;
}

/*
 * minItems, maxItems (pydantic's too_short / too_long) over all the items,
 * and uniqueItems over those that are valid (@p valid).
 */
static void check_items(struct reader *r, const struct rt_valid_param *p, const struct texts *t,
                        const char *items, const bool *valid, const struct rt_valid_loc *at)
{
    size_t size = item_size(p->rule->items->kind);
    char msg[160];

    if (t->n < p->min_items || (p->max_items > 0 && t->n > p->max_items)) {
        bool short_ = t->n < p->min_items;
        struct json_object *ctx = json_object_new_object();

        snprintf(msg, sizeof(msg), "List should have at %s %zu item%s after validation, not %zu",
                 short_ ? "least" : "most", short_ ? p->min_items : p->max_items,
                 (short_ ? p->min_items : p->max_items) == 1 ? "" : "s", t->n);
        json_object_object_add(ctx, "field_type", json_object_new_string("List"));
        json_object_object_add(ctx, short_ ? "min_length" : "max_length",
                               json_object_new_int64((int64_t)(short_ ? p->min_items : p->max_items)));
        json_object_object_add(ctx, "actual_length", json_object_new_int64((int64_t)t->n));
        rt_valid_error_add(r->errs, at, short_ ? "too_short" : "too_long", msg, texts_json(t), ctx);
        return;
    }
    if (!p->unique_items)
        return;
    for (size_t i = 1; i < t->n; i++) {
        for (size_t k = 0; k < i; k++) {
            if (valid[i] && valid[k] && same_item(p->rule->items->kind, items + i * size, items + k * size)) {
                struct rt_valid_loc item_at = {at, NULL, (int64_t)i};

                rt_valid_error_add(r->errs, &item_at, "unique_items", "List items should be unique",
                                   json_object_new_string(t->items[i]), NULL);
                return;
            }
        }
    }
}

static void read_array(struct reader *r, const struct rt_valid_param *p, struct texts *t, void *out,
                       const struct rt_valid_loc *at)
{
    size_t size = item_size(p->rule->items->kind);
    char *items;
    bool *valid, ok = true;

    if (!t->given && p->default_items != NULL) {
        for (const char *const *d = p->default_items; *d != NULL; d++)
            push(r, t, *d);
        t->given = true;
    }
    if (!t->given) {
        if (p->required)
            rt_valid_error_add(r->errs, at, "missing", "Field required", NULL, NULL);
        return;
    }
    items = t->n > 0 ? rt_valid_alloc(&r->arena, t->n, size) : NULL;
    valid = rt_valid_alloc(&r->arena, t->n + 1, sizeof(*valid));
    for (size_t i = 0; i < t->n; i++) {
        struct rt_valid_loc item_at = {at, NULL, (int64_t)i};

        valid[i] = convert(r, p->rule->items, t->items[i], items + i * size, &item_at) == 0;
        ok = ok && valid[i];
    }
    check_items(r, p, t, items, valid, at);
    if (!ok)
        return;
    *(void **)at_offset(out, p->offset) = items;
    *(size_t *)at_offset(out, p->len_offset) = t->n;
}

static void read_scalar(struct reader *r, const struct rt_valid_param *p, const struct texts *t, void *out,
                        const struct rt_valid_loc *at)
{
    const char *text = t->n > 0 ? t->items[t->n - 1] : NULL;

    if (t->empty && p->allow_empty) {
        /* allowEmptyValue: "?x=" is the parameter given without a value */
        set_flag(out, p->empty_offset);
        if (p->rule->kind == RT_VALID_STRING)
            *(const char **)at_offset(out, p->offset) = "";
        return;
    }
    if (text == NULL)
        text = p->default_text;
    if (text == NULL) {
        if (p->required)
            rt_valid_error_add(r->errs, at, "missing", "Field required", NULL, NULL);
        return;
    }
    if (convert(r, p->rule, text, at_offset(out, p->offset), at) == 0)
        set_flag(out, p->has_offset);
}

/* --- deepObject --- */

/* The property named by the query key "name[prop]", or NULL if @p key is not one of @p name's. */
static const char *deep_property(struct reader *r, const char *key, const char *name)
{
    size_t name_len = strlen(name), key_len = strlen(key);
    const char *prop = key + name_len + 1;
    size_t prop_len = key_len - name_len - 2;

    if (key_len < name_len + 2 || strncmp(key, name, name_len) != 0 || key[name_len] != '[' ||
        key[key_len - 1] != ']')
        return NULL;
    if (memchr(prop, '[', prop_len) != NULL || memchr(prop, ']', prop_len) != NULL)
        return NULL; /* nested ("x[a][b]"): not a property of a struct of scalars */
    return copy_text(r, prop, prop_len);
}

static const struct rt_valid_field *find_field(const struct rt_valid_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_fields; i++) {
        if (strcmp(m->fields[i].name, name) == 0)
            return &m->fields[i];
    }
    return NULL;
}

/*
 * Collect the "name[prop]" pairs of the query into @p values (one per field
 * of the model, the last one winning), adding an error for an unknown
 * property of a closed object.  @return 1 if any was given, 0 if none, or
 * -1 if a value could not be decoded (@p *rc set).
 */
static int deep_values(struct reader *r, const struct rt_valid_param *p, const char **values,
                       const struct rt_valid_loc *at, int *rc)
{
    const struct rt_valid_model *m = p->rule->model;
    int given = 0;

    for (size_t i = 0; i < r->n_pairs; i++) {
        const char *prop = deep_property(r, r->pairs[i].key, p->name), *text;
        const struct rt_valid_field *f;

        if (prop == NULL)
            continue;
        given = 1;
        if ((*rc = decode_text(r, r->pairs[i].value, r->pairs[i].value_len, true, &text)) != RT_URL_OK)
            return -1;
        f = find_field(m, prop);
        if (f != NULL) {
            values[f - m->fields] = text;
        } else if (p->closed) {
            struct rt_valid_loc prop_at = {at, prop, 0};

            rt_valid_error_add(r->errs, &prop_at, "extra_forbidden", "Extra inputs are not permitted",
                               json_object_new_string(text), NULL);
        }
    }
    return given;
}

static int read_deep_object(struct reader *r, const struct rt_valid_param *p, void *out,
                            const struct rt_valid_loc *at)
{
    const struct rt_valid_model *m = p->rule->model;
    const char **values = rt_valid_alloc(&r->arena, m->n_fields + 1, sizeof(*values));
    int rc = RT_URL_OK, given = deep_values(r, p, values, at, &rc);
    char *obj;

    if (given < 0)
        return bad_value(r, p, rc);
    if (!given) {
        if (p->required)
            rt_valid_error_add(r->errs, at, "missing", "Field required", NULL, NULL);
        return 0;
    }
    obj = rt_valid_alloc(&r->arena, 1, m->size);
    for (size_t i = 0; i < m->n_fields; i++) {
        const struct rt_valid_field *f = &m->fields[i];
        struct rt_valid_loc prop_at = {at, f->name, 0};

        if (values[i] == NULL) {
            if (f->required)
                rt_valid_error_add(r->errs, &prop_at, "missing", "Field required", NULL, NULL);
        } else if (convert(r, f->rule, values[i], obj + f->offset, &prop_at) == 0) {
            set_flag(obj, f->aux_offset);
        }
    }
    *(void **)at_offset(out, p->offset) = obj;
    return 0;
}

/* --- the entry point --- */

static int read_param(struct reader *r, const struct rt_valid_param *p, void *out)
{
    struct rt_valid_loc root = {NULL, in_name(p->in), 0}, at = {&root, p->name, 0};
    struct texts t = {NULL, 0, 0, false, false};
    int rc = RT_URL_OK;

    switch (p->in) {
    case RT_VALID_IN_PATH:
        if (path_texts(r, p, &t) < 0)
            return 0; /* error added */
        break;
    case RT_VALID_IN_QUERY:
        if (p->style == RT_VALID_STYLE_DEEP_OBJECT)
            return read_deep_object(r, p, out, &at);
        rc = query_texts(r, p, &t);
        break;
    case RT_VALID_IN_HEADER:
        rc = header_texts(r, p, &t);
        break;
    case RT_VALID_IN_COOKIE:
        rc = cookie_texts(r, p, &t);
        break;
    }
    if (rc != RT_URL_OK)
        return bad_value(r, p, rc);
    if (p->rule->kind == RT_VALID_ANY) /* content: a JSON value */
        rt_valid_param_json_read(r->req, p, t.n > 0 ? t.items[t.n - 1] : NULL, t.empty, out, r->errs, &at);
    else if (p->rule->kind == RT_VALID_ARRAY)
        read_array(r, p, &t, out, &at);
    else
        read_scalar(r, p, &t, out, &at);
    return 0;
}

int rt_valid_param_read(struct rt_req *req, const struct rt_valid_param *params, size_t n_params,
                        const char *const *path_values, void *out, struct rt_valid_errors *errs)
{
    struct reader r = {req, path_values, NULL, 0, {req_alloc, req, NULL}, errs}; /* parameters hold no JSON */

    r.n_pairs = rt_url_query_pairs(req, rt_req_query(req), &r.pairs);
    for (size_t i = 0; i < n_params; i++) {
        if (read_param(&r, &params[i], out) < 0)
            return -1;
    }
    return 0;
}

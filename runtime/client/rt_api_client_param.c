/*
 * rt_api_client_param — a parameter's text, written per its style.
 */
#include "rt_api_client_param.h"
#include "rt_api_client.h"
#include "rt_mem.h"
#include "rt_url.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Append @p len bytes of @p s, percent-encoding all but RFC 3986's unreserved characters and @p keep. */
static void put_pct(struct rt_json_buf *b, const char *s, size_t len, const char *keep)
{
    static const char hex[] = "0123456789ABCDEF";

    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];

        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
            strchr("-._~", ch) != NULL || (ch != '\0' && strchr(keep, ch) != NULL)) {
            rt_json_put_raw(b, s + i, 1);
        } else {
            char esc[3] = {'%', hex[ch >> 4], hex[ch & 15]};

            rt_json_put_raw(b, esc, 3);
        }
    }
}

static void put_str(struct rt_json_buf *b, const char *s)
{
    rt_json_put_raw(b, s, strlen(s));
}

/* The items of a list text (each percent-decoded; an undecodable one is kept as written). */
struct items {
    char **v;
    size_t n;
};

static void items_split(const char *text, struct items *it)
{
    size_t n = 1;

    for (const char *p = text; *p != '\0'; p++)
        n += *p == ',';
    it->v = rt_xcalloc(n, sizeof(*it->v));
    it->n = 0;
    for (const char *p = text;;) {
        size_t len = strcspn(p, ",");
        char *item = rt_xcalloc(1, len + 1);

        if (rt_url_decode(item, p, len, false, NULL) != RT_URL_OK)
            memcpy(item, p, len);
        it->v[it->n++] = item;
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
}

static void items_free(struct items *it)
{
    for (size_t i = 0; i < it->n; i++)
        free(it->v[i]);
    free(it->v);
}

/* Append the items joined by @p sep, each percent-encoded (but for @p keep). */
static void put_joined(struct rt_json_buf *b, const struct items *it, const char *sep, const char *keep)
{
    for (size_t i = 0; i < it->n; i++) {
        if (i > 0)
            put_str(b, sep);
        put_pct(b, it->v[i], strlen(it->v[i]), keep);
    }
}

/* The value's items: a scalar is one item, taken as is. */
static void value_items(const struct rt_api_client_param *p, const char *text, struct items *it)
{
    if (p->kind == RT_VALID_ARRAY || p->kind == RT_VALID_OBJECT) {
        items_split(text, it);
        return;
    }
    it->v = rt_xcalloc(1, sizeof(*it->v));
    it->v[0] = rt_xstrdup(text);
    it->n = 1;
}

void rt_api_client_param_path(struct rt_json_buf *url, const struct rt_api_client_param *p, const char *text)
{
    struct items it;
    value_items(p, text, &it);
    switch (p->style) {
    case RT_VALID_STYLE_MATRIX:
        if (p->kind == RT_VALID_ARRAY && p->explode) {
            for (size_t i = 0; i < it.n; i++) {
                put_str(url, ";");
                put_pct(url, p->name, strlen(p->name), "");
                put_str(url, "=");
                put_pct(url, it.v[i], strlen(it.v[i]), "");
            }
            break;
        }
        put_str(url, ";");
        put_pct(url, p->name, strlen(p->name), "");
        if (it.n > 1 || it.v[0][0] != '\0')
            put_str(url, "=");
        put_joined(url, &it, ",", "");
        break;
    case RT_VALID_STYLE_LABEL:
        put_str(url, ".");
        put_joined(url, &it, p->kind == RT_VALID_ARRAY && p->explode ? "." : ",", "");
        break;
    default:
        put_joined(url, &it, ",", "");
        break;
    }
    items_free(&it);
}

static void put_pair(struct rt_json_buf *url, char *sep, const char *key, const char *key2)
{
    rt_json_put_raw(url, sep, 1);
    *sep = '&';
    put_pct(url, key, strlen(key), "");
    if (key2 != NULL) {
        put_str(url, "%5B");
        put_pct(url, key2, strlen(key2), "");
        put_str(url, "%5D");
    }
    put_str(url, "=");
}

void rt_api_client_param_query(struct rt_json_buf *url, const struct rt_api_client_param *p, const char *text,
                               char *sep)
{
    struct items it;

    value_items(p, text, &it);
    if (p->style == RT_VALID_STYLE_DEEP_OBJECT) {
        for (size_t i = 0; i + 1 < it.n; i += 2) {
            put_pair(url, sep, p->name, it.v[i]);
            put_pct(url, it.v[i + 1], strlen(it.v[i + 1]), "");
        }
    } else if (p->kind == RT_VALID_ARRAY && p->explode) {
        for (size_t i = 0; i < it.n; i++) {
            put_pair(url, sep, p->name, NULL);
            put_pct(url, it.v[i], strlen(it.v[i]), "");
        }
    } else {
        put_pair(url, sep, p->name, NULL);
        put_joined(url, &it,
                   p->style == RT_VALID_STYLE_SPACE_DELIMITED  ? "%20"
                   : p->style == RT_VALID_STYLE_PIPE_DELIMITED ? "|"
                                                               : ",",
                   "");
    }
    items_free(&it);
}

char *rt_api_client_param_header(const struct rt_api_client_param *p, const char *text)
{
    struct rt_json_buf b = {0};
    struct items it;

    value_items(p, text, &it);
    for (size_t i = 0; i < it.n; i++) {
        if (i > 0)
            put_str(&b, ",");
        put_str(&b, it.v[i]);
    }
    rt_json_put_raw(&b, "", 1);
    items_free(&it);
    return b.data;
}

void rt_api_client_param_cookie(struct rt_json_buf *cookie, const struct rt_api_client_param *p,
                                const char *text)
{
    struct items it;

    value_items(p, text, &it);
    if (cookie->len > 0)
        put_str(cookie, "; ");
    put_str(cookie, p->name);
    put_str(cookie, "=");
    put_joined(cookie, &it, ",", "!#$&'()*+/:<=>?@[]^`{|}");
    items_free(&it);
}

/* --- list texts --- */

const char *rt_api_client_item_text(enum rt_valid_kind kind, const void *v, char *buf, size_t size)
{
    switch (kind) {
    case RT_VALID_STRING:
        return *(const char *const *)v;
    case RT_VALID_INTEGER:
        return rt_api_client_text_int(buf, size, *(const int64_t *)v);
    case RT_VALID_NUMBER:
        return rt_api_client_text_number(buf, size, *(const double *)v);
    default:
        return *(const bool *)v ? "true" : "false";
    }
}

/* Append the C value @p v of @p kind as a list text item ('%' and ',' encoded, and more). */
static void put_item(struct rt_json_buf *b, enum rt_valid_kind kind, const void *v)
{
    char buf[32];
    const char *text = rt_api_client_item_text(kind, v, buf, sizeof(buf));

    put_pct(b, text, strlen(text), kind == RT_VALID_STRING ? "!$&'()*+/:;=?@[]" : "");
}

static size_t kind_size(enum rt_valid_kind kind)
{
    return kind == RT_VALID_STRING    ? sizeof(const char *)
           : kind == RT_VALID_INTEGER ? sizeof(int64_t)
           : kind == RT_VALID_NUMBER  ? sizeof(double)
                                      : sizeof(bool);
}

char *rt_api_client_list_text(enum rt_valid_kind kind, const void *items, size_t n)
{
    struct rt_json_buf b = {0};

    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            put_str(&b, ",");
        put_item(&b, kind, (const char *)items + i * kind_size(kind));
    }
    rt_json_put_raw(&b, "", 1);
    return b.data;
}

char *rt_api_client_object_text(const struct rt_valid_model *m, const void *obj)
{
    struct rt_json_buf b = {0};

    for (size_t i = 0; i < m->n_fields; i++) {
        const struct rt_valid_field *f = &m->fields[i];
        const char *v = (const char *)obj + f->offset;
        bool set = f->rule->kind == RT_VALID_STRING      ? *(const char *const *)v != NULL
                   : f->aux_offset != RT_VALID_NO_OFFSET ? *(const bool *)((const char *)obj + f->aux_offset)
                                                         : true;

        if (!set)
            continue;
        if (b.len > 0)
            put_str(&b, ",");
        put_pct(&b, f->name, strlen(f->name), "");
        put_str(&b, ",");
        put_item(&b, f->rule->kind, v);
    }
    rt_json_put_raw(&b, "", 1);
    return b.data;
}

/* --- form bodies --- */

static void put_form_pair(struct rt_json_buf *b, const char *name, const char *value)
{
    if (b->len > 0)
        put_str(b, "&");
    put_pct(b, name, strlen(name), "");
    put_str(b, "=");
    put_pct(b, value, strlen(value), "");
}

char *rt_api_client_form_text(const struct rt_valid_model *m, const void *obj)
{
    struct rt_json_buf b = {0};
    char buf[32];

    for (size_t i = 0; i < m->n_fields; i++) {
        const struct rt_valid_field *f = &m->fields[i];
        const char *v = (const char *)obj + f->offset;

        if (f->rule->kind == RT_VALID_ARRAY) {
            enum rt_valid_kind kind = f->rule->items->kind;
            size_t n = *(const size_t *)((const char *)obj + f->aux_offset);
            const char *items = *(const char *const *)v;

            for (size_t k = 0; k < n; k++)
                put_form_pair(&b, f->name,
                              rt_api_client_item_text(kind, items + k * kind_size(kind), buf, sizeof(buf)));
        } else if (f->rule->kind == RT_VALID_STRING
                       ? *(const char *const *)v != NULL
                       : f->aux_offset == RT_VALID_NO_OFFSET ||
                             *(const bool *)((const char *)obj + f->aux_offset)) {
            put_form_pair(&b, f->name, rt_api_client_item_text(f->rule->kind, v, buf, sizeof(buf)));
        }
    }
    rt_json_put_raw(&b, "", 1);
    return b.data;
}

const char *rt_api_client_json_text(struct json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_string:
        return json_object_get_string(v);
    case json_type_int:
    case json_type_double:
    case json_type_boolean:
        return json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN);
    default:
        return NULL;
    }
}

char *rt_api_client_form_from_json(struct json_object *obj)
{
    struct rt_json_buf b = {0};

    json_object_object_foreach(obj, key, value)
    {
        if (json_object_is_type(value, json_type_array)) {
            for (size_t k = 0; k < json_object_array_length(value); k++) {
                const char *text = rt_api_client_json_text(json_object_array_get_idx(value, k));

                if (text != NULL)
                    put_form_pair(&b, key, text);
            }
        } else if (rt_api_client_json_text(value) != NULL) {
            put_form_pair(&b, key, rt_api_client_json_text(value));
        }
    }
    rt_json_put_raw(&b, "", 1);
    return b.data;
}

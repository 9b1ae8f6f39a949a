/*
 * rt_api_client_multipart — writing multipart/form-data bodies: parts
 * gathered from a model's struct or a JSON object, then the body.
 */
#include "rt_api_client_multipart.h"
#include "rt_api_client_param.h"
#include "rt_json.h"
#include "rt_mem.h"
#include "rt_valid_scalar.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

/* --- the body --- */

/* A fresh boundary: "rt-form-" and 24 random hex digits (a counter and the clock if getrandom fails). */
static void make_boundary(char *out)
{
    static unsigned counter;
    unsigned char r[12];

    if (getrandom(r, sizeof(r), 0) != (ssize_t)sizeof(r)) {
        unsigned x = (unsigned)time(NULL) ^ (++counter * 2654435761u);

        for (size_t i = 0; i < sizeof(r); i++, x = x * 1103515245u + 12345u)
            r[i] = (unsigned char)(x >> 16);
    }
    memcpy(out, "rt-form-", 8);
    for (size_t i = 0; i < sizeof(r); i++)
        snprintf(out + 8 + 2 * i, 3, "%02x", r[i]);
}

/* Whether @p boundary occurs in the bytes of one of the parts (it must not: RFC 2046 §5.1.1). */
static bool in_parts(const struct rt_api_client_part *parts, size_t n, const char *boundary)
{
    size_t blen = strlen(boundary);

    for (size_t i = 0; i < n; i++) {
        if (parts[i].size >= blen && memmem(parts[i].data, parts[i].size, boundary, blen) != NULL)
            return true;
    }
    return false;
}

/*
 * Whether a header can carry @p s: no control character but tab, and CR
 * and LF too when @p cr_lf_escaped (a name or filename, where they go as
 * %0D and %0A).  NULL is fine: not sent.
 */
static bool header_safe(const char *s, bool cr_lf_escaped)
{
    for (; s != NULL && *s != '\0'; s++) {
        if (cr_lf_escaped && (*s == '\r' || *s == '\n'))
            continue;
        if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
            return false;
    }
    return true;
}

static void put(struct rt_json_buf *b, const char *s)
{
    rt_json_put_raw(b, s, strlen(s));
}

/*
 * @p s as a quoted-string: '"' and '\' escaped with '\', and so is a '%'
 * that begins a browser's escape (rt_multipart_form_escape()), so that a
 * name holding "%22" is not read back as one holding '"'; CR and LF, which
 * no header line can hold, as %0D and %0A, as browsers send them.
 */
static void put_quoted(struct rt_json_buf *b, const char *s)
{
    put(b, "\"");
    for (; *s != '\0'; s++) {
        if (*s == '\r' || *s == '\n') {
            put(b, *s == '\r' ? "%0D" : "%0A");
            continue;
        }
        if (*s == '"' || *s == '\\' || rt_multipart_form_escape(s) != 0)
            put(b, "\\");
        rt_json_put_raw(b, s, 1);
    }
    put(b, "\"");
}

char *rt_api_client_multipart_text(const struct rt_api_client_part *parts, size_t n, char *boundary,
                                   size_t *len)
{
    struct rt_json_buf b = {0};

    for (size_t i = 0; i < n; i++) {
        if (!header_safe(parts[i].name, true) || !header_safe(parts[i].filename, true) ||
            !header_safe(parts[i].content_type, false))
            return NULL;
    }
    do
        make_boundary(boundary);
    while (in_parts(parts, n, boundary)); /* 96 random bits: a second round is already unheard of */
    for (size_t i = 0; i < n; i++) {
        put(&b, "--");
        put(&b, boundary);
        put(&b, "\r\nContent-Disposition: form-data; name=");
        put_quoted(&b, parts[i].name);
        if (parts[i].filename != NULL) {
            put(&b, "; filename=");
            put_quoted(&b, parts[i].filename);
        }
        if (parts[i].content_type != NULL) {
            put(&b, "\r\nContent-Type: ");
            put(&b, parts[i].content_type);
        }
        put(&b, "\r\n\r\n");
        if (parts[i].size > 0)
            rt_json_put_raw(&b, (const char *)parts[i].data, parts[i].size);
        put(&b, "\r\n");
    }
    put(&b, "--");
    put(&b, boundary);
    put(&b, "--\r\n");
    *len = b.len;
    rt_json_put_raw(&b, "", 1);
    return b.data;
}

/* --- parts from a model's struct or a JSON object --- */

/* Parts being gathered, and the texts and file contents they point to (freed with them). */
struct parts {
    struct rt_api_client_part *list;
    size_t n, cap;
    char **owned;
    size_t n_owned;
};

static void add(struct parts *p, struct rt_api_client_part part)
{
    if (p->n == p->cap) {
        p->cap = p->cap ? 2 * p->cap : 8;
        p->list = rt_xrealloc(p->list, p->cap * sizeof(*p->list));
    }
    p->list[p->n++] = part;
}

/* Keep @p s (rt_mem) until the body is written. @return @p s. */
static char *own(struct parts *p, char *s)
{
    p->owned = rt_xrealloc(p->owned, (p->n_owned + 1) * sizeof(*p->owned));
    return p->owned[p->n_owned++] = s;
}

static void add_text(struct parts *p, const char *name, const char *text)
{
    add(p, (struct rt_api_client_part){name, NULL, NULL, (const unsigned char *)text, strlen(text)});
}

static char *finish(struct parts *p, bool ok, char *boundary, size_t *len)
{
    char *body = ok ? rt_api_client_multipart_text(p->list, p->n, boundary, len) : NULL;

    for (size_t i = 0; i < p->n_owned; i++)
        free(p->owned[i]);
    free(p->owned);
    free(p->list);
    return body;
}

static void add_file(struct parts *p, const char *name, const struct rt_valid_file *f)
{
    if (f->name == NULL && f->data == NULL)
        return; /* an optional file left out */
    add(p, (struct rt_api_client_part){name, f->filename != NULL ? f->filename : "", f->content_type, f->data,
                                       f->size});
}

/* The value(s) of field @p f at @p v (@p obj: the struct, for has_ flags and lengths). */
static void add_field(struct parts *p, const struct rt_valid_field *f, const char *obj)
{
    const char *v = obj + f->offset;
    char buf[32];

    if (f->rule->kind == RT_VALID_ARRAY) {
        const struct rt_valid_rule *r = f->rule->items;
        size_t n = *(const size_t *)(obj + f->aux_offset);
        size_t size = r->kind == RT_VALID_FILE ? sizeof(struct rt_valid_file) : rt_valid_scalar_size(r->kind);
        const char *items = *(const char *const *)v;

        for (size_t k = 0; k < n; k++) {
            if (r->kind == RT_VALID_FILE)
                add_file(p, f->name, (const struct rt_valid_file *)(items + k * size));
            else
                add_text(
                    p, f->name,
                    own(p, rt_xstrdup(rt_api_client_item_text(r->kind, items + k * size, buf, sizeof(buf)))));
        }
    } else if (f->rule->kind == RT_VALID_FILE) {
        add_file(p, f->name, (const struct rt_valid_file *)v);
    } else if (f->rule->kind == RT_VALID_STRING
                   ? *(const char *const *)v != NULL
                   : f->aux_offset == RT_VALID_NO_OFFSET || *(const bool *)(obj + f->aux_offset)) {
        add_text(p, f->name, own(p, rt_xstrdup(rt_api_client_item_text(f->rule->kind, v, buf, sizeof(buf)))));
    }
}

char *rt_api_client_multipart_model(const struct rt_valid_model *m, const void *obj, char *boundary,
                                    size_t *len)
{
    struct parts p = {0};

    for (size_t i = 0; i < m->n_fields; i++)
        add_field(&p, &m->fields[i], obj);
    return finish(&p, true, boundary, len);
}

/* The whole file at @p path (rt_mem, NUL-terminated) and its *@p size; NULL (errno set) if unreadable. */
static char *read_whole(const char *path, size_t *size)
{
    struct rt_json_buf b = {0};
    char chunk[8192];
    size_t n;
    FILE *f = fopen(path, "rb");
    int bad;

    if (f == NULL)
        return NULL;
    while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
        rt_json_put_raw(&b, chunk, n);
    bad = ferror(f);
    fclose(f);
    if (bad) {
        rt_json_buf_free(&b);
        errno = EIO;
        return NULL;
    }
    *size = b.len;
    rt_json_put_raw(&b, "", 1);
    return b.data;
}

/* One value of a file field: "@PATH" the file at PATH, else the text itself. @return false if unreadable. */
static bool add_json_file(struct parts *p, const char *name, const char *text)
{
    const char *path = text + 1, *slash = strrchr(path, '/');
    size_t size = 0;
    char *data;

    if (text[0] != '@') {
        add(p, (struct rt_api_client_part){name, name, NULL, (const unsigned char *)text, strlen(text)});
        return true;
    }
    data = read_whole(path, &size);
    if (data == NULL)
        return false;
    add(p, (struct rt_api_client_part){name, slash != NULL ? slash + 1 : path, "application/octet-stream",
                                       (const unsigned char *)own(p, data), size});
    return true;
}

static bool is_file_field(const struct rt_valid_model *m, const char *name)
{
    for (size_t i = 0; i < m->n_fields; i++) {
        const struct rt_valid_rule *r = m->fields[i].rule;

        if (strcmp(m->fields[i].name, name) == 0)
            return r->kind == RT_VALID_FILE || (r->kind == RT_VALID_ARRAY && r->items->kind == RT_VALID_FILE);
    }
    return false;
}

char *rt_api_client_multipart_from_json(const struct rt_valid_model *m, struct json_object *obj,
                                        char *boundary, size_t *len)
{
    struct parts p = {0};
    bool ok = true;

    json_object_object_foreach(obj, key, value)
    {
        bool many = json_object_is_type(value, json_type_array);
        size_t n = many ? json_object_array_length(value) : 1;

        for (size_t k = 0; k < n && ok; k++) {
            const char *text = rt_api_client_json_text(many ? json_object_array_get_idx(value, k) : value);

            if (text != NULL && is_file_field(m, key))
                ok = add_json_file(&p, key, text);
            else if (text != NULL)
                add_text(&p, key, text);
        }
    }
    return finish(&p, ok, boundary, len);
}

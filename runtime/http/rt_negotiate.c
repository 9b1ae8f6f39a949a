/*
 * rt_negotiate — see rt_negotiate.h.  The Accept value is parsed in place,
 * once to check it is well formed and once per declared type to weigh it:
 * a handful of types and ranges, so no table is built.
 */
#include "rt_negotiate.h"

#include "rt_http_chars.h"
#include "rt_req.h"
#include "rt_req_internal.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* One media range (or declared type): slices of the text it was read from. */
struct range {
    const char *type, *sub; /* the type and subtype tokens */
    size_t type_len, sub_len;
    const char *params; /* the parameters before q (";a=b;c=d"), for match_params() */
    size_t params_len;
    int n_params; /* their number: the range's precedence after its type and subtype */
    int q;        /* the weight, 0..1000 (1000 when absent) */
};

static const char *skip_ws(const char *p, const char *end)
{
    while (p < end && is_ws((unsigned char)*p))
        p++;
    return p;
}

static const char *token_end(const char *p, const char *end)
{
    while (p < end && is_tchar((unsigned char)*p))
        p++;
    return p;
}

/* The end of the quoted-string at @p p (on its '"'), after the closing quote; NULL if it is not closed. */
static const char *quoted_end(const char *p, const char *end)
{
    for (p++; p < end; p++) {
        if (*p == '\\' && p + 1 < end)
            p++;
        else if (*p == '"')
            return p + 1;
    }
    return NULL;
}

/* One parameter at @p p (on its ';'): name and value slices, the value unquoted.  @return its end, or NULL.
 */
static const char *param_at(const char *p, const char *end, const char **n, size_t *nlen, const char **v,
                            size_t *vlen)
{
    const char *q;

    p = skip_ws(p + 1, end);
    *n = p;
    p = token_end(p, end);
    *nlen = (size_t)(p - *n);
    if (*nlen == 0 || p == end || *p != '=')
        return NULL;
    q = ++p;
    if (p < end && *p == '"') {
        if ((p = quoted_end(p, end)) == NULL)
            return NULL;
        *v = q + 1;
        *vlen = (size_t)(p - q - 2);
        return p;
    }
    p = token_end(p, end);
    *v = q;
    *vlen = (size_t)(p - q);
    return *vlen > 0 ? p : NULL;
}

/*
 * Read the parameters of a range from @p p (after its subtype) to the end
 * of its list element; a q ends them (what follows is accept-ext).
 * @return the element's end (at ',' or @p end), or NULL if malformed.
 */
static const char *read_params(const char *p, const char *end, struct range *r)
{
    bool after_q = false;

    r->params = p;
    for (;;) {
        const char *n, *v, *semi = skip_ws(p, end);
        size_t nlen, vlen;

        if (semi == end || *semi == ',') {
            p = semi;
            break;
        }
        if (*semi != ';' || (p = param_at(semi, end, &n, &nlen, &v, &vlen)) == NULL)
            return NULL;
        if (after_q)
            continue;
        if (nlen == 1 && (*n | 0x20) == 'q') {
            if ((r->q = qvalue(v, vlen)) < 0)
                return NULL;
            r->params_len = (size_t)(semi - r->params);
            after_q = true;
        } else {
            r->n_params++;
        }
    }
    if (!after_q)
        r->params_len = (size_t)(p - r->params);
    return p;
}

/*
 * Read the list element at *@p p: a media range, or nothing (an empty
 * element, which a list may have).  *@p p moves past it and its ','.
 * @return 1 with @p r filled, 0 for an empty element, -1 if malformed.
 */
static int next_range(const char **p, const char *end, struct range *r)
{
    const char *s = skip_ws(*p, end);

    memset(r, 0, sizeof(*r));
    r->q = 1000;
    if (s == end || *s == ',') {
        *p = s < end ? s + 1 : end;
        return 0;
    }
    r->type = s;
    s = token_end(s, end);
    r->type_len = (size_t)(s - r->type);
    if (r->type_len == 0 || s == end || *s != '/')
        return -1;
    r->sub = ++s;
    s = token_end(s, end);
    r->sub_len = (size_t)(s - r->sub);
    if (r->sub_len == 0 || (r->type_len == 1 && r->type[0] == '*' && !(r->sub_len == 1 && r->sub[0] == '*')))
        return -1;
    if ((s = read_params(s, end, r)) == NULL)
        return -1;
    *p = s < end ? s + 1 : end;
    return 1;
}

static bool same(const char *a, size_t alen, const char *b, size_t blen)
{
    return alen == blen && strncasecmp(a, b, alen) == 0;
}

/* Whether the parameter @p name = @p value (slices) is among @p t's. */
static bool has_param(const struct range *t, const char *name, size_t nlen, const char *value, size_t vlen)
{
    const char *p = t->params, *end = t->params + t->params_len, *n, *v;
    size_t tn, tv;

    while ((p = skip_ws(p, end)) < end && (p = param_at(p, end, &n, &tn, &v, &tv)) != NULL) {
        if (same(n, tn, name, nlen) &&
            (same(name, nlen, "charset", 7) ? same(v, tv, value, vlen)
                                            : tv == vlen && memcmp(v, value, vlen) == 0))
            return true;
    }
    return false;
}

/* Whether the declared type @p t has a parameter @p name (a slice). */
static bool names_param(const struct range *t, const char *name, size_t nlen)
{
    const char *p = t->params, *end = t->params + t->params_len, *n, *v;
    size_t tn, tv;

    while ((p = skip_ws(p, end)) < end && (p = param_at(p, end, &n, &tn, &v, &tv)) != NULL) {
        if (same(n, tn, name, nlen))
            return true;
    }
    return false;
}

/*
 * Whether each parameter of the range @p r is one of the declared type @p t's.
 * A charset of UTF-8 on a range matches a declared type that names no
 * charset: what is sent is UTF-8 (JSON always, text as the handler writes
 * it), and clients ask for "application/json; charset=utf-8" often.
 */
static bool match_params(const struct range *r, const struct range *t)
{
    const char *p = r->params, *end = r->params + r->params_len, *n, *v;
    size_t nlen, vlen;

    while ((p = skip_ws(p, end)) < end) {
        if ((p = param_at(p, end, &n, &nlen, &v, &vlen)) == NULL)
            return false;
        if (same(n, nlen, "charset", 7) && !names_param(t, n, nlen) &&
            (same(v, vlen, "utf-8", 5) || same(v, vlen, "\"utf-8\"", 7)))
            continue;
        if (!has_param(t, n, nlen, v, vlen))
            return false;
    }
    return true;
}

/* The precedence of @p r if it matches the declared type @p t (0: all types, 1: all of t's type's subtypes,
 * 2+: t's type/subtype, plus the number of the range's parameters), or -1. */
static int precedence(const struct range *r, const struct range *t)
{
    if (r->type_len == 1 && r->type[0] == '*')
        return 0;
    if (!same(r->type, r->type_len, t->type, t->type_len))
        return -1;
    if (r->sub_len == 1 && r->sub[0] == '*')
        return 1;
    if (!same(r->sub, r->sub_len, t->sub, t->sub_len) || !match_params(r, t))
        return -1;
    return 2 + r->n_params;
}

/* The weight Accept @p accept gives the declared type @p type: its most specific matching range's q, or 0. */
static int weigh(const char *accept, const char *end, const char *type)
{
    struct range t, r;
    const char *p = type;
    int best = -1, q = 0;

    if (next_range(&p, type + strlen(type), &t) != 1)
        return 0; /* a declared type that is not type/subtype: never chosen */
    for (p = accept; p < end;) {
        int got = next_range(&p, end, &r);
        int prec = got == 1 ? precedence(&r, &t) : -1;

        if (prec > best) {
            best = prec;
            q = r.q;
        }
    }
    return q;
}

/* Whether @p accept is a well-formed list of media ranges with at least one range. */
static bool well_formed(const char *accept, const char *end)
{
    struct range r;
    const char *p = accept;
    int ranges = 0, got;

    while (p < end) {
        if ((got = next_range(&p, end, &r)) < 0)
            return false;
        ranges += got;
    }
    return ranges > 0;
}

int rt_negotiate(const char *accept, const char *const types[], size_t n, size_t preferred)
{
    const char *end = accept != NULL ? accept + strlen(accept) : NULL;
    int best = -1, best_q = 0;

    if (n == 0)
        return -1;
    if (preferred >= n)
        preferred = 0;
    if (accept == NULL || !well_formed(accept, end))
        return (int)preferred;
    for (size_t i = 0; i < n; i++) {
        int q = weigh(accept, end, types[i]);

        if (q > best_q || (q == best_q && q > 0 && i == preferred)) {
            best = (int)i;
            best_q = q;
        }
    }
    return best;
}

int rt_req_negotiate(struct rt_req *req, const char *const types[], size_t n, size_t preferred)
{
    const char *accept = NULL;
    size_t lines = 0, total = 0;

    for (size_t i = 0; i < req->n_headers; i++) {
        if (strcasecmp(req->headers[i].name, "Accept") == 0) {
            accept = lines++ == 0 ? req->headers[i].value : accept;
            total += strlen(req->headers[i].value) + 2;
        }
    }
    if (lines > 1) { /* several lines: one list, "a, b" (RFC 9110 §5.3), joined in one allocation */
        char *joined = rt_req_alloc(req, total + 1), *w = joined;

        for (size_t i = 0; i < req->n_headers; i++) {
            if (strcasecmp(req->headers[i].name, "Accept") == 0) {
                size_t len = strlen(req->headers[i].value);

                if (w != joined) {
                    memcpy(w, ", ", 2);
                    w += 2;
                }
                memcpy(w, req->headers[i].value, len);
                w += len;
            }
        }
        *w = '\0';
        accept = joined;
    }
    rt_req_add_header(req, "Vary",
                      "Accept"); /* the answer depends on it: caches must key on it (RFC 9110 §12.5.5) */
    return rt_negotiate(accept, types, n, preferred);
}

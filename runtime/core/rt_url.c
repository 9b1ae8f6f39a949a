/*
 * rt_url — percent-decoding, query lookup and route matching.
 */
#include "rt_url.h"
#include "rt_req.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

static int hex_value(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

long rt_url_utf8_length(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + len;
    long n = 0;

    while (p < end) {
        unsigned c = *p;
        size_t need;
        uint32_t cp, min;

        if (c < 0x80) {
            p++;
            n++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1, cp = c & 0x1f, min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2, cp = c & 0x0f, min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return -1; /* continuation byte, overlong 0xc0/0xc1, or > U+10FFFF */
        }
        if ((size_t)(end - p) <= need)
            return -1;
        for (size_t i = 1; i <= need; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return -1;
            cp = cp << 6 | (p[i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return -1;
        p += need + 1;
        n++;
    }
    return n;
}

int rt_url_decode(char *dst, const char *src, size_t len, bool form, size_t *out_len)
{
    size_t i, o = 0;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)src[i];

        if (c == '%') {
            int hi, lo;

            if (len - i < 3 || (hi = hex_value((unsigned char)src[i + 1])) < 0 ||
                (lo = hex_value((unsigned char)src[i + 2])) < 0)
                return RT_URL_BAD_ESCAPE;
            c = (unsigned char)(hi << 4 | lo);
            if (c == 0)
                return RT_URL_NUL;
            i += 2;
        } else if (c == '+' && form) {
            c = ' ';
        } else if (c == '\0') {
            return RT_URL_NUL;
        }
        dst[o++] = (char)c;
    }
    dst[o] = '\0';
    if (rt_url_utf8_length(dst, o) < 0)
        return RT_URL_BAD_UTF8;
    if (out_len != NULL)
        *out_len = o;
    return RT_URL_OK;
}

const char *rt_url_strerror(int err)
{
    switch (err) {
    case RT_URL_OK:
        return "no error";
    case RT_URL_BAD_ESCAPE:
        return "invalid percent-escape";
    case RT_URL_NUL:
        return "NUL character";
    case RT_URL_BAD_UTF8:
        return "invalid UTF-8";
    default:
        return "unknown error";
    }
}

/* Decode @p len bytes of @p src into request memory; NULL and *err on failure. */
static char *decode_req(struct rt_req *req, const char *src, size_t len, bool form, int *err)
{
    char *dst = rt_req_alloc(req, len + 1);

    *err = rt_url_decode(dst, src, len, form, NULL);
    return *err == RT_URL_OK ? dst : NULL;
}

int rt_url_query_get(struct rt_req *req, const char *query, const char *name, const char **value)
{
    const char *p = query;
    int result = RT_URL_OK;

    *value = NULL;
    if (query == NULL)
        return RT_URL_OK;
    while (*p != '\0') {
        size_t pair_len = strcspn(p, "&");
        const char *eq = memchr(p, '=', pair_len);
        size_t key_len = eq != NULL ? (size_t)(eq - p) : pair_len;
        char *key;
        int err;

        if (pair_len > 0 && (key = decode_req(req, p, key_len, true, &err)) != NULL &&
            strcmp(key, name) == 0) {
            if (eq == NULL) {
                *value = "";
                result = RT_URL_OK;
            } else {
                *value = decode_req(req, eq + 1, pair_len - key_len - 1, true, &result);
            }
        }
        p += pair_len;
        if (*p == '&')
            p++;
    }
    if (result != RT_URL_OK)
        *value = NULL;
    return result;
}

/* --- routing --- */

/* A request path split at '/' and decoded segment by segment. */
struct split_path {
    const char **segs;
    size_t n;
};

/* @return 0, or a negative rt_url_error for the first segment that cannot be decoded. */
static int split_decode(struct rt_req *req, const char *path, struct split_path *out)
{
    const char *p;
    size_t n = 1, i = 0;
    int err = RT_URL_OK;

    assert(path[0] == '/');
    for (p = path + 1; *p != '\0'; p++)
        n += *p == '/';
    /* One spare slot so the trailing-slash variant can be built in place. */
    out->segs = rt_req_alloc(req, (n + 1) * sizeof(*out->segs));
    out->n = n;
    for (p = path + 1;; i++) {
        size_t len = strcspn(p, "/");

        out->segs[i] = decode_req(req, p, len, false, &err);
        if (out->segs[i] == NULL)
            return err;
        if (p[len] == '\0')
            break;
        p += len + 1;
    }
    return RT_URL_OK;
}

static bool path_matches(const struct rt_url_route *route, const struct split_path *sp)
{
    size_t i;

    if (route->n_segments != sp->n)
        return false;
    for (i = 0; i < sp->n; i++) {
        const char *lit = route->segments[i];

        if (lit != NULL ? strcmp(lit, sp->segs[i]) != 0 : sp->segs[i][0] == '\0')
            return false;
    }
    return true;
}

static bool any_path_matches(const struct rt_url_route *routes, size_t n_routes, const struct split_path *sp)
{
    size_t i;

    for (i = 0; i < n_routes; i++) {
        if (path_matches(&routes[i], sp))
            return true;
    }
    return false;
}

/*
 * Starlette's redirect_slashes: when nothing matches, try the path with its
 * trailing slash removed (or added); if some route matches that, answer 307
 * to it, whatever the method.  @return true if it answered.
 */
static bool try_redirect_slash(struct rt_req *req, const struct rt_url_route *routes, size_t n_routes,
                               struct split_path *sp)
{
    /* The Location is the whole path (the API's base path included): only its end changes. */
    const char *path = rt_req_full_path(req), *query = rt_req_query(req);
    size_t len = strlen(path), qlen = query != NULL ? strlen(query) : 0;
    struct split_path alt = *sp;
    char *location;
    size_t loc_len;

    if (strcmp(rt_req_path(req), "/") == 0)
        return false;
    if (sp->segs[sp->n - 1][0] == '\0') {
        alt.n--; /* "/users/" -> "/users" */
        loc_len = len - 1;
    } else {
        alt.segs[alt.n++] = ""; /* the spare slot from split_decode */
        loc_len = len + 1;
    }
    if (!any_path_matches(routes, n_routes, &alt))
        return false;
    location = rt_req_alloc(req, loc_len + 1 + qlen + 1);
    memcpy(location, path, len < loc_len ? len : loc_len);
    if (loc_len > len)
        location[len] = '/';
    if (qlen > 0) {
        location[loc_len] = '?';
        memcpy(location + loc_len + 1, query, qlen);
    }
    rt_req_add_header(req, "Location", location);
    rt_req_reply(req, 307, NULL, NULL, 0);
    return true;
}

const struct rt_url_route *rt_url_route(struct rt_req *req, const struct rt_url_route *routes,
                                        size_t n_routes, const char **params)
{
    struct split_path sp;
    unsigned method = (unsigned)rt_req_method(req), allow = 0;
    size_t i;
    int err;

    err = split_decode(req, rt_req_path(req), &sp);
    if (err != RT_URL_OK) {
        const char *why = err == RT_URL_BAD_UTF8 ? "Invalid UTF-8 in URL path"
                          : err == RT_URL_NUL    ? "Invalid character (%00) in URL path"
                                                 : "Invalid percent-encoding in URL path";

        rt_req_reply_detail(req, 400, why);
        return NULL;
    }
    for (i = 0; i < n_routes; i++) {
        const struct rt_url_route *r = &routes[i];
        size_t s, np = 0;

        if (!path_matches(r, &sp))
            continue;
        if (!(r->methods & method)) {
            allow |= r->methods;
            continue;
        }
        for (s = 0; s < sp.n; s++) {
            if (r->segments[s] == NULL) {
                assert(np < RT_URL_MAX_PARAMS);
                params[np++] = sp.segs[s];
            }
        }
        return r;
    }
    if (allow != 0) {
        char buf[128];

        rt_req_add_header(req, "Allow", rt_method_mask_format(allow, buf, sizeof(buf)));
        rt_req_reply_detail(req, 405, "Method Not Allowed");
        return NULL;
    }
    if (!try_redirect_slash(req, routes, n_routes, &sp))
        rt_req_reply_detail(req, 404, "Not Found");
    return NULL;
}

unsigned rt_url_path_methods(struct rt_req *req, const struct rt_url_route *routes, size_t n_routes)
{
    struct split_path sp;
    unsigned methods = 0;
    size_t i;

    if (split_decode(req, rt_req_path(req), &sp) != RT_URL_OK)
        return 0;
    for (i = 0; i < n_routes; i++) {
        if (path_matches(&routes[i], &sp))
            methods |= routes[i].methods;
    }
    return methods;
}

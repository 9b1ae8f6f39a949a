/*
 * rt_cors — CORS before routing: the settings, their checks, preflights
 * and the headers of actual requests.
 */
#include "rt_cors.h"
#include "rt_base_path.h"
#include "rt_log.h"
#include "rt_req.h"

#include <stdio.h>
#include <string.h>

#define MAX_ORIGINS 32
#define LIST_SIZE 2048

/* The configuration in use, written by rt_cors_configure() before the workers start. */
static struct {
    bool on;
    bool any_origin; /* `*` */
    bool credentials;
    char origin_buf[LIST_SIZE]; /* the origins, NUL-separated; origins[] point into it */
    const char *origins[MAX_ORIGINS];
    size_t n_origins;
    unsigned methods; /* CORS_ALLOW_METHODS as a mask; 0: the path's methods */
    char allow_headers[LIST_SIZE];
    char expose_headers[LIST_SIZE];
    char max_age[16]; /* seconds */
} cors;

/* --- settings --- */

static char opt_origins[LIST_SIZE];
static char opt_methods[256];
static char opt_headers[LIST_SIZE];
static char opt_expose[LIST_SIZE];
static int opt_credentials;
static int opt_max_age_ms;

static int check_options(char *err, size_t errlen)
{
    const struct rt_cors_settings s = {
        .allow_origins = opt_origins,
        .allow_methods = opt_methods,
        .allow_headers = opt_headers,
        .expose_headers = opt_expose,
        .allow_credentials = opt_credentials != 0,
        .max_age_ms = opt_max_age_ms,
    };

    return rt_cors_configure(&s, err, errlen);
}

#define STR(var) RT_OPTION_STRING, var, sizeof(var)

static const struct rt_option options[] = {
    {"cors-allow-origins", "CORS_ALLOW_ORIGINS", STR(opt_origins), NULL, "none (CORS off)",
     "origins a browser page may call from: exact scheme://host[:port], comma-separated, or *", NULL},
    {"cors-allow-methods", "CORS_ALLOW_METHODS", STR(opt_methods), NULL, "the path's methods in the spec",
     "methods a preflight may allow (comma-separated); never more than the path has", NULL},
    {"cors-allow-headers", "CORS_ALLOW_HEADERS", STR(opt_headers),
     "Content-Type,Authorization,X-API-Key,X-Request-ID", NULL,
     "request headers a cross-origin page may send (Access-Control-Allow-Headers)", NULL},
    {"cors-expose-headers", "CORS_EXPOSE_HEADERS", STR(opt_expose), "Location,Retry-After,X-Request-ID", NULL,
     "answer headers its scripts may read (Access-Control-Expose-Headers)", NULL},
    {"cors-allow-credentials", "CORS_ALLOW_CREDENTIALS", RT_OPTION_BOOL, &opt_credentials, 0, "off", NULL,
     "let pages send cookies/Authorization (Access-Control-Allow-Credentials); never with *", NULL},
    {"cors-max-age", "CORS_MAX_AGE", RT_OPTION_DURATION, &opt_max_age_ms, 0, "600s", NULL,
     "how long a browser may cache a preflight's answer (Access-Control-Max-Age)", NULL},
};

const struct rt_option_group rt_cors_option_group = {"CORS", options, sizeof(options) / sizeof(options[0]),
                                                     check_options};

/* --- checking the configuration --- */

static bool is_tchar(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c != '\0' && strchr("!#$%&'*+-.^_`|~", c) != NULL);
}

/* Trim spaces and tabs around [*s, *s + *len). */
static void trim(const char **s, size_t *len)
{
    while (*len > 0 && (**s == ' ' || **s == '\t')) {
        (*s)++;
        (*len)--;
    }
    while (*len > 0 && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '\t'))
        (*len)--;
}

/*
 * An origin as a browser serializes it: scheme "://" host [":" port], no
 * path, no trailing '/', no userinfo.  @return NULL, or why not.
 */
static const char *origin_problem(const char *o, size_t len)
{
    const char *sep = memchr(o, ':', len);
    size_t i;

    if (sep == NULL || sep == o || (size_t)(o + len - sep) < 4 || memcmp(sep, "://", 3) != 0)
        return "not scheme://host[:port]";
    for (i = 0; o + i < sep; i++) {
        if (!((o[i] >= 'a' && o[i] <= 'z') || (i > 0 && strchr("0123456789+-.", o[i]) != NULL)))
            return "the scheme must be lower case letters (http, https)";
    }
    for (i = (size_t)(sep + 3 - o); i < len; i++) {
        if (o[i] == '/')
            return "an origin has no path, not even a trailing '/'";
        if (o[i] == '@' || o[i] == ' ' || o[i] == ',' || (unsigned char)o[i] < 0x21 ||
            (unsigned char)o[i] > 0x7e)
            return "not scheme://host[:port]";
    }
    return NULL;
}

/* Split CORS_ALLOW_ORIGINS into cors.origins[].  0, or -1 with err. */
static int parse_origins(const char *list, char *err, size_t errlen)
{
    const char *p = list;
    char *out = cors.origin_buf;
    int rc = 0;

    for (;;) {
        size_t span = strcspn(p, ","), len = span;
        const char *o = p, *why;

        trim(&o, &len);
        if (len == 1 && o[0] == '*') {
            cors.any_origin = true;
        } else if ((why = len == 0 ? "an empty entry" : origin_problem(o, len)) != NULL) {
            rt_config_add_err(err, errlen, "CORS_ALLOW_ORIGINS: '%.*s': %s", (int)len, o, why);
            rc = -1;
        } else if (cors.n_origins == MAX_ORIGINS) {
            rt_config_add_err(err, errlen, "CORS_ALLOW_ORIGINS: more than %d origins", MAX_ORIGINS);
            return -1;
        } else {
            memcpy(out, o, len); /* fits: the copy is never longer than the option's buffer */
            out[len] = '\0';
            cors.origins[cors.n_origins++] = out;
            out += len + 1;
        }
        if (p[span] == '\0')
            break;
        p += span + 1;
    }
    if (cors.any_origin && cors.n_origins > 0) {
        rt_config_add_err(err, errlen, "CORS_ALLOW_ORIGINS: '*' allows every origin and stands alone");
        rc = -1;
    }
    return rc;
}

/* A method name as enum rt_method bit, or 0. */
static unsigned method_bit(const char *name, size_t len)
{
    unsigned bit;

    for (bit = RT_METHOD_GET; bit < RT_METHOD_OTHER; bit <<= 1) {
        const char *n = rt_method_name((enum rt_method)bit);

        if (strlen(n) == len && memcmp(n, name, len) == 0)
            return bit;
    }
    return 0;
}

static int parse_methods(const char *list, char *err, size_t errlen)
{
    const char *p = list;

    for (;;) {
        size_t span = strcspn(p, ","), len = span;
        const char *m = p;
        unsigned bit;

        trim(&m, &len);
        bit = method_bit(m, len);
        if (bit == 0) {
            rt_config_add_err(err, errlen,
                              "CORS_ALLOW_METHODS: '%.*s' is not one of GET, HEAD, POST, PUT, "
                              "DELETE, PATCH, OPTIONS",
                              (int)len, m);
            return -1;
        }
        cors.methods |= bit;
        if (p[span] == '\0')
            return 0;
        p += span + 1;
    }
}

/* Copy a comma-separated list of header names into @dst as "A, B".  0, or -1 with err. */
static int parse_headers(const char *what, const char *list, char *dst, size_t size, char *err, size_t errlen)
{
    const char *p = list;
    size_t used = 0;

    dst[0] = '\0';
    if (*list == '\0')
        return 0;
    for (;;) {
        size_t span = strcspn(p, ","), len = span, i;
        const char *h = p;

        trim(&h, &len);
        for (i = 0; i < len && is_tchar(h[i]); i++)
            ;
        if (len == 0 || i < len) {
            rt_config_add_err(err, errlen, "%s: '%.*s' is not a header name", what, (int)len, h);
            return -1;
        }
        used += (size_t)snprintf(dst + used, size - used, "%s%.*s", used > 0 ? ", " : "", (int)len, h);
        if (used >= size) {
            rt_config_add_err(err, errlen, "%s: too long", what);
            return -1;
        }
        if (p[span] == '\0')
            break;
        p += span + 1;
    }
    return 0;
}

/* The settings that only mean something with CORS on: refused without it rather than ignored. */
static int check_off(const struct rt_cors_settings *s, char *err, size_t errlen)
{
    int rc = 0;

    if (s->allow_methods[0] != '\0') {
        rt_config_add_err(err, errlen,
                          "CORS_ALLOW_METHODS is set but CORS_ALLOW_ORIGINS is not (CORS is off)");
        rc = -1;
    }
    if (s->allow_credentials) {
        rt_config_add_err(err, errlen,
                          "CORS_ALLOW_CREDENTIALS is on but CORS_ALLOW_ORIGINS is not (CORS is off)");
        rc = -1;
    }
    return rc;
}

int rt_cors_configure(const struct rt_cors_settings *s, char *err, size_t errlen)
{
    int rc = 0;

    memset(&cors, 0, sizeof(cors));
    if (strlen(s->allow_origins) >= sizeof(cors.origin_buf)) {
        rt_config_add_err(err, errlen, "CORS_ALLOW_ORIGINS: too long");
        return -1;
    }
    if (s->allow_origins[0] == '\0')
        rc |= check_off(s, err, errlen);
    else
        rc |= parse_origins(s->allow_origins, err, errlen);
    if (s->allow_methods[0] != '\0')
        rc |= parse_methods(s->allow_methods, err, errlen);
    rc |= parse_headers("CORS_ALLOW_HEADERS", s->allow_headers, cors.allow_headers,
                        sizeof(cors.allow_headers), err, errlen);
    rc |= parse_headers("CORS_EXPOSE_HEADERS", s->expose_headers, cors.expose_headers,
                        sizeof(cors.expose_headers), err, errlen);
    if (cors.any_origin && s->allow_credentials) {
        rt_config_add_err(err, errlen,
                          "CORS_ALLOW_CREDENTIALS is on and CORS_ALLOW_ORIGINS is '*': credentials are never "
                          "allowed from every origin; list the origins");
        rc = -1;
    }
    if (rc != 0 || s->allow_origins[0] == '\0') {
        memset(&cors, 0, sizeof(cors)); /* off */
        return rc;
    }
    cors.credentials = s->allow_credentials;
    snprintf(cors.max_age, sizeof(cors.max_age), "%d", s->max_age_ms / 1000);
    cors.on = true;
    return 0;
}

void rt_cors_log(void)
{
    char who[32];

    if (!cors.on)
        return; /* the default: nothing to say */
    snprintf(who, sizeof(who), "%zu origin%s", cors.n_origins, cors.n_origins == 1 ? "" : "s");
    rt_log_info("CORS: on for %s; preflights allow %s, cached %ss; credentials %s",
                cors.any_origin ? "every origin (*)" : who,
                cors.methods != 0 ? "each path's methods within CORS_ALLOW_METHODS" : "each path's methods",
                cors.max_age, cors.credentials ? "on" : "off");
}

/* --- requests --- */

bool rt_cors_enabled(void)
{
    return cors.on;
}

bool rt_cors_origin_allowed(const char *origin)
{
    size_t i;

    if (!cors.on || origin == NULL)
        return false;
    if (cors.any_origin)
        return true;
    for (i = 0; i < cors.n_origins; i++) {
        if (strcmp(cors.origins[i], origin) == 0)
            return true;
    }
    return false;
}

/* Access-Control-Allow-Origin (and -Credentials): `*` only when every origin is allowed without them. */
static void allow_origin(struct rt_req *req, const char *origin)
{
    rt_req_add_header(req, "Access-Control-Allow-Origin", cors.any_origin ? "*" : origin);
    if (cors.credentials)
        rt_req_add_header(req, "Access-Control-Allow-Credentials", "true");
}

/* A preflight from an allowed origin: 204 when the path has the method asked for.  @return true if answered.
 */
static bool preflight(struct rt_req *req, const char *origin, const char *asked,
                      unsigned (*path_methods)(struct rt_req *req), const char *base)
{
    unsigned methods = path_methods != NULL && rt_base_path_mount(req, base) ? path_methods(req) : 0;
    char buf[128];

    if (cors.methods != 0)
        methods &= cors.methods;
    if ((methods & method_bit(asked, strlen(asked))) == 0)
        return false; /* routing answers it (404, 405) without CORS headers: the browser blocks the request */
    allow_origin(req, origin);
    rt_req_add_header(req, "Access-Control-Allow-Methods", rt_method_mask_format(methods, buf, sizeof(buf)));
    if (cors.allow_headers[0] != '\0')
        rt_req_add_header(req, "Access-Control-Allow-Headers", cors.allow_headers);
    rt_req_add_header(req, "Access-Control-Max-Age", cors.max_age);
    rt_req_reply(req, 204, NULL, NULL, 0);
    return true;
}

void rt_cors_add_headers(struct rt_req *req)
{
    const char *origin;

    if (!cors.on)
        return;
    /* Every answer depends on the Origin sent (allowed or not): caches must keep them apart. */
    rt_req_add_header(req, "Vary", "Origin");
    origin = rt_req_header(req, "Origin");
    if (!rt_cors_origin_allowed(origin))
        return;
    allow_origin(req, origin);
    if (cors.expose_headers[0] != '\0')
        rt_req_add_header(req, "Access-Control-Expose-Headers", cors.expose_headers);
}

bool rt_cors_handle(struct rt_req *req, unsigned (*path_methods)(struct rt_req *req), const char *base)
{
    const char *origin = rt_req_header(req, "Origin"), *asked;

    asked = rt_req_header(req, "Access-Control-Request-Method");
    if (rt_cors_origin_allowed(origin) && rt_req_method(req) == RT_METHOD_OPTIONS && asked != NULL) {
        rt_req_add_header(req, "Vary", "Origin");
        return preflight(req, origin, asked, path_methods, base);
    }
    rt_cors_add_headers(req);
    return false;
}

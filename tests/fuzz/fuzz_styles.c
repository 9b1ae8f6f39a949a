/*
 * libFuzzer target: the parameter styles (rt_valid_param), form bodies
 * (rt_valid_form), the Cookie parser (rt_cookie), path segments with literal parts (rt_url_route) and
 * the generated client's style writer (rt_api_client_param).
 *
 * Input: one byte choosing where the rest goes:
 *   0 a query string (form arrays exploded or not, pipeDelimited,
 *     deepObject, allowEmptyValue), 1 a Cookie header, 2 an X-Ids header
 *     (a simple list), 3 four path values split at '/' (matrix scalar and
 *     exploded array, label scalar and array), 4 the path after "/files/"
 *     (route "{}.{}"), 5 a list text the client writes as a query and the
 *     server reads back, 6 an application/x-www-form-urlencoded body
 *     (rt_valid_form) into a model of a string, an int array and a boolean.
 * The parameter table is written by hand, as the generator would; what a
 * handler would get is checked against its rules (bounds, item counts,
 * unique items, lengths, UTF-8), and every answer against FastAPI's shapes.
 */
#include "fuzz_common.h"
#include "rt_api_client.h"
#include "rt_api_client_param.h"
#include "rt_cookie.h"
#include "rt_req.h"
#include "rt_url.h"
#include "rt_valid_form.h"
#include "rt_valid_param.h"
#include "rt_valid_req.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct filter {
    const char *name;
    int64_t age;
    bool has_age;
};

struct list {
    size_t len;
    int64_t *items;
};

struct strs {
    size_t len;
    const char **items;
};

struct params {
    struct list tag, ids, hids, mids;
    struct strs pipe, lids, prefs;
    const struct filter *filter;
    const char *session;
    int64_t mid, lid, q;
    bool has_q, q_empty;
};

static const struct rt_valid_rule r_str = {.kind = RT_VALID_STRING, .min_length = 1, .max_length = 8};
static const struct rt_valid_rule r_int = {.kind = RT_VALID_INTEGER};
static const struct rt_valid_rule r_small = {.kind = RT_VALID_INTEGER,
                                             .maximum = {.text = "9", .value = 9, .is_int = true}};
static const struct rt_valid_rule r_ints = {.kind = RT_VALID_ARRAY, .items = &r_small};
static const struct rt_valid_rule r_strs = {.kind = RT_VALID_ARRAY, .items = &r_str};
static const struct rt_valid_field filter_fields[] = {
    {.name = "name",
     .rule = &r_str,
     .required = true,
     .offset = offsetof(struct filter, name),
     .aux_offset = RT_VALID_NO_OFFSET},
    {.name = "age",
     .rule = &r_int,
     .offset = offsetof(struct filter, age),
     .aux_offset = offsetof(struct filter, has_age)},
};
static const struct rt_valid_model filter_model = {"Filter", sizeof(struct filter), filter_fields, 2, false};
static const struct rt_valid_rule r_filter = {.kind = RT_VALID_OBJECT, .model = &filter_model};

#define ARRAY(f) .offset = offsetof(struct params, f.items), .len_offset = offsetof(struct params, f.len)
#define SCALAR(f) .offset = offsetof(struct params, f), .len_offset = RT_VALID_NO_OFFSET
#define NONE .has_offset = RT_VALID_NO_OFFSET, .empty_offset = RT_VALID_NO_OFFSET
static const struct rt_valid_param table[] = {
    {.name = "tag",
     .in = RT_VALID_IN_QUERY,
     .style = RT_VALID_STYLE_FORM,
     .explode = true,
     .rule = &r_ints,
     ARRAY(tag),
     NONE,
     .max_items = 3},
    {.name = "ids",
     .in = RT_VALID_IN_QUERY,
     .style = RT_VALID_STYLE_FORM,
     .rule = &r_ints,
     ARRAY(ids),
     NONE,
     .unique_items = true},
    {.name = "pipe",
     .in = RT_VALID_IN_QUERY,
     .style = RT_VALID_STYLE_PIPE_DELIMITED,
     .rule = &r_strs,
     ARRAY(pipe),
     NONE},
    {.name = "filter",
     .in = RT_VALID_IN_QUERY,
     .style = RT_VALID_STYLE_DEEP_OBJECT,
     .explode = true,
     .rule = &r_filter,
     SCALAR(filter),
     NONE,
     .closed = true},
    {.name = "session",
     .in = RT_VALID_IN_COOKIE,
     .style = RT_VALID_STYLE_FORM,
     .rule = &r_str,
     SCALAR(session),
     NONE},
    {.name = "prefs",
     .in = RT_VALID_IN_COOKIE,
     .style = RT_VALID_STYLE_FORM,
     .rule = &r_strs,
     ARRAY(prefs),
     NONE},
    {.name = "X-Ids", .in = RT_VALID_IN_HEADER, .rule = &r_ints, ARRAY(hids), NONE, .min_items = 2},
    {.name = "mid",
     .in = RT_VALID_IN_PATH,
     .path_index = 0,
     .style = RT_VALID_STYLE_MATRIX,
     .required = true,
     .rule = &r_int,
     SCALAR(mid),
     NONE},
    {.name = "mids",
     .in = RT_VALID_IN_PATH,
     .path_index = 1,
     .style = RT_VALID_STYLE_MATRIX,
     .explode = true,
     .required = true,
     .rule = &r_ints,
     ARRAY(mids),
     NONE},
    {.name = "lid",
     .in = RT_VALID_IN_PATH,
     .path_index = 2,
     .style = RT_VALID_STYLE_LABEL,
     .required = true,
     .rule = &r_int,
     SCALAR(lid),
     NONE},
    {.name = "lids",
     .in = RT_VALID_IN_PATH,
     .path_index = 3,
     .style = RT_VALID_STYLE_LABEL,
     .required = true,
     .rule = &r_strs,
     ARRAY(lids),
     NONE},
    {.name = "q",
     .in = RT_VALID_IN_QUERY,
     .style = RT_VALID_STYLE_FORM,
     .allow_empty = true,
     .rule = &r_int,
     SCALAR(q),
     .has_offset = offsetof(struct params, has_q),
     .empty_offset = offsetof(struct params, q_empty)},
};

static void check_str(const char *s, const char *what)
{
    long n;

    FUZZ_CHECK(s != NULL, "%s: NULL", what);
    n = rt_url_utf8_length(s, strlen(s));
    FUZZ_CHECK(n >= 1 && n <= 8, "%s: %ld characters reached the handler", what, n);
}

static void check_ints(const struct list *l, size_t min, size_t max, bool small, bool unique,
                       const char *what)
{
    FUZZ_CHECK(l->len >= min && (max == 0 || l->len <= max), "%s: %zu items", what, l->len);
    for (size_t i = 0; i < l->len; i++) {
        FUZZ_CHECK(!small || l->items[i] <= 9, "%s[%zu] = %lld", what, i, (long long)l->items[i]);
        for (size_t k = 0; unique && k < i; k++)
            FUZZ_CHECK(l->items[i] != l->items[k], "%s: a duplicate reached the handler", what);
    }
}

/* What a handler would get: everything within its rules. */
static void check_params(const struct params *p)
{
    check_ints(&p->tag, 0, 3, true, false, "tag");
    check_ints(&p->ids, 0, 0, true, true, "ids");
    check_ints(&p->hids, p->hids.len ? 2 : 0, 0, true, false, "X-Ids");
    check_ints(&p->mids, 0, 0, true, false, "mids");
    for (size_t i = 0; i < p->pipe.len; i++)
        check_str(p->pipe.items[i], "pipe");
    for (size_t i = 0; i < p->lids.len; i++)
        check_str(p->lids.items[i], "lids");
    for (size_t i = 0; i < p->prefs.len; i++)
        check_str(p->prefs.items[i], "prefs");
    if (p->filter != NULL)
        check_str(p->filter->name, "filter.name");
    if (p->session != NULL)
        check_str(p->session, "session");
    FUZZ_CHECK(!(p->has_q && p->q_empty), "q both given and empty");
}

/* Read the table from a request for @p target with @p headers and path values; check and answer. */
static void read_params(const char *target, const char *const *headers, const char *const *path)
{
    struct rt_req_capture cap = {0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_GET, target, headers, NULL, 0, &cap);
    struct params *p;
    struct rt_valid_errors errs;

    FUZZ_CHECK(req != NULL, "rt_req_new_detached refused %s", target);
    p = rt_req_alloc(req, sizeof(*p));
    rt_valid_errors_init(&errs);
    if (rt_valid_param_read(req, table, sizeof(table) / sizeof(table[0]), path, p, &errs) == 0 &&
        !rt_valid_req_reply_errors(req, &errs)) {
        check_params(p);
        rt_req_reply(req, 204, NULL, NULL, 0);
    }
    rt_valid_errors_cleanup(&errs);
    fuzz_check_capture(&cap);
    rt_req_capture_cleanup(&cap);
}

/* @return 1 if @p s can be a header value as a client sends it (no control characters). */
static int header_text(const char *s)
{
    for (; *s != '\0'; s++) {
        if (((unsigned char)*s < 0x20 && *s != '\t') || *s == 0x7f)
            return 0;
    }
    return 1;
}

/* The route "/files/{name}.{ext}": a match splits the decoded segment at the first '.' after the name. */
static void route_files(const char *rest)
{
    static const char *const segments[] = {"files", NULL}, *const templates[] = {NULL, "{}.{}"};
    static const struct rt_url_route routes[] = {
        {.path = "/files/{name}.{ext}",
         .segments = segments,
         .templates = templates,
         .n_segments = 2,
         .methods = RT_METHOD_GET,
         .op = 0},
    };
    struct rt_req_capture cap = {0};
    char *target = malloc(strlen(rest) + 8);
    const char *values[RT_URL_MAX_PARAMS] = {NULL};
    struct rt_req *req;
    const struct rt_url_route *r;

    if (target == NULL)
        abort();
    strcpy(target, "/files/");
    strcat(target, rest);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, target, NULL, NULL, 0, &cap);
    FUZZ_CHECK(req != NULL, "rt_req_new_detached refused %s", target);
    r = rt_url_route(req, routes, 1, values);
    if (r != NULL) {
        FUZZ_CHECK(values[0] != NULL && values[1] != NULL && values[0][0] != '\0' && values[1][0] != '\0',
                   "an empty part of %s", target);
        FUZZ_CHECK(strchr(values[0] + 1, '.') == NULL, "name %s runs past the first '.'", values[0]);
        rt_req_reply(req, 204, NULL, NULL, 0);
    }
    fuzz_check_capture(&cap);
    rt_req_capture_cleanup(&cap);
    free(target);
}

/* The client writes @p text (a list text) as a form query; the server reads the same items back. */
static void client_round_trip(const char *text)
{
    static const struct rt_valid_rule r_any = {.kind = RT_VALID_STRING};
    static const struct rt_valid_rule r_list = {.kind = RT_VALID_ARRAY, .items = &r_any};
    static const struct rt_valid_param sp = {.name = "k",
                                             .in = RT_VALID_IN_QUERY,
                                             .style = RT_VALID_STYLE_FORM,
                                             .rule = &r_list,
                                             ARRAY(pipe),
                                             NONE};
    const struct rt_api_client_param cp = {.name = "k", .kind = RT_VALID_ARRAY, .style = RT_VALID_STYLE_FORM};
    struct rt_json_buf url = {0};
    struct rt_req_capture cap = {0};
    struct rt_valid_errors errs;
    struct rt_req *req;
    struct params *p;
    char sep = '?';
    size_t n = 1, len = strlen(text);
    char *item = malloc(len + 1);
    bool decodable = true;

    if (item == NULL)
        abort();
    for (const char *s = text;; n++) { /* every item decodes: then the server must read them all back */
        size_t item_len = strcspn(s, ",");

        decodable = decodable && rt_url_decode(item, s, item_len, false, NULL) == RT_URL_OK;
        if (s[item_len] == '\0')
            break;
        s += item_len + 1;
    }
    if (len == 0)
        n = 0; /* "k=": the empty list (RFC 6570), so one empty item cannot be sent this way */
    rt_json_put_raw(&url, "/x", 2);
    rt_api_client_param_query(&url, &cp, text, &sep);
    rt_json_put_raw(&url, "", 1);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, url.data, NULL, NULL, 0, &cap);
    FUZZ_CHECK(req != NULL, "the client wrote a target the server refuses: %s", url.data);
    p = rt_req_alloc(req, sizeof(*p));
    rt_valid_errors_init(&errs);
    FUZZ_CHECK(rt_valid_param_read(req, &sp, 1, NULL, p, &errs) == 0 || !decodable, "%s: not read back (%s)",
               text, url.data);
    FUZZ_CHECK(!decodable || (rt_valid_errors_count(&errs) == 0 && p->pipe.len == n),
               "%s: %zu items, not %zu", text, p->pipe.len, n);
    if (!cap.replied)
        rt_req_reply(req, 204, NULL, NULL, 0);
    rt_valid_errors_cleanup(&errs);
    rt_req_capture_cleanup(&cap);
    rt_json_buf_free(&url);
    free(item);
}

/* A form body into {name: string 1..8, ids: [int <= 9] required, ok: boolean}. */
static void form_body(const char *text)
{
    static const struct rt_valid_rule r_bool = {.kind = RT_VALID_BOOLEAN};
    static const struct rt_valid_field fields[] = {
        {.name = "name",
         .rule = &r_str,
         .offset = offsetof(struct params, session),
         .aux_offset = RT_VALID_NO_OFFSET},
        {.name = "ids",
         .rule = &r_ints,
         .required = true,
         .offset = offsetof(struct params, ids.items),
         .aux_offset = offsetof(struct params, ids.len)},
        {.name = "ok",
         .rule = &r_bool,
         .offset = offsetof(struct params, q_empty),
         .aux_offset = offsetof(struct params, has_q)},
    };
    static const struct rt_valid_model model = {"Form", sizeof(struct params), fields, 3, false};
    const char *headers[] = {"Content-Type", "application/x-www-form-urlencoded", NULL};
    struct rt_req_capture cap = {0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_POST, "/f", headers, text, strlen(text), &cap);
    struct params *p = rt_req_alloc(req, sizeof(*p));
    struct rt_valid_errors errs;

    rt_valid_errors_init(&errs);
    if (rt_valid_form_body(req, &model, true, p, &errs) == 1 && !rt_valid_req_reply_errors(req, &errs)) {
        if (p->session != NULL)
            check_str(p->session, "name");
        check_ints(&p->ids, 1, 0, true, false, "ids");
        rt_req_reply(req, 204, NULL, NULL, 0);
    } else {
        FUZZ_CHECK(rt_valid_req_reply_errors(req, &errs), "a form refused without an error");
    }
    rt_valid_errors_cleanup(&errs);
    fuzz_check_capture(&cap);
    rt_req_capture_cleanup(&cap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *path_ok[] = {";mid=1", ";mids=1", ".1", ".a"};
    char *text, *target;
    size_t len;

    if (size < 1)
        return 0;
    text = fuzz_strndup(data + 1, size - 1);
    len = strlen(text);
    target = malloc(len + 4);
    if (target == NULL)
        abort();
    switch (data[0] % 7) {
    case 0:
        snprintf(target, len + 4, "/x?%s", text);
        if (fuzz_is_target_text(text))
            read_params(target, NULL, path_ok);
        break;
    case 1:
    case 2:
        if (header_text(text)) {
            const char *headers[] = {data[0] % 7 == 1 ? "Cookie" : "X-Ids", text, NULL};
            const char *v;
            size_t v_len;

            if (rt_cookie_get(text, "session", &v, &v_len))
                FUZZ_CHECK(v >= text && v + v_len <= text + len, "a cookie value outside its header");
            read_params("/x", headers, path_ok);
        }
        break;
    case 3: {
        const char *path[4] = {NULL};
        char *s = text;

        for (int i = 0; i < 4 && s != NULL; i++) {
            path[i] = s;
            s = strchr(s, '/');
            if (s != NULL)
                *s++ = '\0';
        }
        if (rt_url_utf8_length(text, len) >= 0) /* path values arrive decoded, as valid UTF-8 */
            read_params("/x", NULL, path);
        break;
    }
    case 4:
        if (fuzz_is_target_text(text))
            route_files(text);
        break;
    case 5:
        client_round_trip(text);
        break;
    default:
        form_body(text);
        break;
    }
    free(target);
    free(text);
    return 0;
}

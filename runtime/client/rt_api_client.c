/*
 * rt_api_client — calls described by an operation table (struct
 * rt_api_client_op), sent through rt_client, answers parsed into the
 * documented models.  See rt_api_client.h.
 */
#include "rt_api_client.h"
#include "rt_api_client_auth.h"
#include "rt_api_client_multipart.h"
#include "rt_api_client_param.h"
#include "rt_json.h"
#include "rt_mem.h"
#include "rt_valid_errors.h"
#include "rt_valid_json.h"
#include "rt_valid_model.h"
#include "rt_valid_schema.h"

#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* One call in flight: which operation, and how to hand the result to the caller's callback. */
struct call {
    const struct rt_api_client_op *op;
    rt_api_client_deliver deliver;
    void (*cb)(void); /* the caller's callback, of the type deliver expects */
    void *arg;
};

/* --- text --- */

void rt_api_client_put_encoded(struct rt_json_buf *t, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    char esc[3] = {'%', 0, 0};
    unsigned char ch;

    for (; *s != '\0'; s++) {
        ch = (unsigned char)*s;
        if ((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-' ||
            ch == '.' || ch == '_' || ch == '~') {
            rt_json_put_raw(t, s, 1);
        } else {
            esc[1] = hex[ch >> 4];
            esc[2] = hex[ch & 15];
            rt_json_put_raw(t, esc, 3);
        }
    }
}

const char *rt_api_client_text_int(char *buf, size_t size, int64_t v)
{
    snprintf(buf, size, "%" PRId64, v);
    return buf;
}

const char *rt_api_client_text_number(char *buf, size_t size, double v)
{
    int prec;

    for (prec = 1; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return buf;
}

/* --- the operation table --- */

const struct rt_api_client_op *rt_api_client_find_op(const struct rt_api_client_op *ops, size_t n_ops,
                                                     const char *name)
{
    size_t i, j;

    if (name == NULL)
        return NULL;
    for (i = 0; i < n_ops; i++) {
        const char *id = ops[i].id;

        for (j = 0; id[j] != '\0' && (name[j] == id[j] || (name[j] == '-' && id[j] == '_')); j++)
            ;
        if (id[j] == '\0' && name[j] == '\0')
            return &ops[i];
    }
    return NULL;
}

/* --- answers --- */

/* "loc: msg" of the first error in @p errs, into @p buf. */
static const char *describe_errors(const struct rt_valid_errors *errs, char *buf, size_t size)
{
    struct json_object *e = errs->list != NULL ? json_object_array_get_idx(errs->list, 0) : NULL;
    struct json_object *loc = NULL, *msg = NULL;
    size_t i, used = 0;

    if (e == NULL) {
        snprintf(buf, size, "the body does not match the model");
        return buf;
    }
    json_object_object_get_ex(e, "loc", &loc);
    json_object_object_get_ex(e, "msg", &msg);
    for (i = 0; loc != NULL && i < json_object_array_length(loc) && used < size; i++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i > 0 ? "." : "",
                                 json_object_get_string(json_object_array_get_idx(loc, i)));
    if (used < size)
        snprintf(buf + used, size - used, "%s%s", used > 0 ? ": " : "",
                 msg != NULL ? json_object_get_string(msg) : "invalid");
    return buf;
}

const char *rt_api_client_header(const struct rt_api_client_response *res, const char *name)
{
    return rt_client_header(res->headers, name);
}

/* The documented response @p status is: its own entry, else the first range (or default) it falls in. */
static const struct rt_api_client_status *match_status(const struct rt_api_client_op *op, int status)
{
    for (size_t i = 0; i < op->n_responses; i++) {
        if (op->responses[i].status_hi == 0 && op->responses[i].status == status)
            return &op->responses[i];
    }
    for (size_t i = 0; i < op->n_responses; i++) {
        if (op->responses[i].status_hi != 0 && op->responses[i].status <= status &&
            status <= op->responses[i].status_hi)
            return &op->responses[i];
    }
    return NULL;
}

/* Whether the Content-Type @p ct names a JSON media type: application/json or a +json one. */
static bool is_json_type(const char *ct, size_t len)
{
    return (len == 16 && strncasecmp(ct, "application/json", 16) == 0) ||
           (len > 17 && strncasecmp(ct, "application/", 12) == 0 &&
            strncasecmp(ct + len - 5, "+json", 5) == 0);
}

/*
 * Check the Content-Type of a body against the media types @p matched
 * declares (NULL: no content declared, nothing to check).
 * @return true when the body is to be read as JSON (the model or schema
 * judge it); false for a declared text or bytes type, or when @p res is
 * flagged invalid for an undeclared Content-Type.
 */
static bool check_media(struct rt_api_client_response *res, const struct rt_api_client_status *matched)
{
    const char *ct = res->content_type != NULL ? res->content_type : "";
    size_t len = strcspn(ct, "; \t");

    if (matched == NULL || matched->media == NULL || res->text_len == 0)
        return true;
    for (const char *const *m = matched->media; *m != NULL; m++) {
        if (strlen(*m) == len && strncasecmp(*m, ct, len) == 0)
            return is_json_type(ct, len);
    }
    res->invalid = "the Content-Type is not one the spec declares for this status";
    return false;
}

/* rt_client's callback: parse the body into the documented model, hand over, free. */
static void on_response(const struct rt_client_response *resp, void *arg)
{
    struct call *call = arg;
    struct rt_api_client_response res;
    struct rt_valid_errors errs, json_errs;
    void *body = NULL;
    char why[256];
    const struct rt_valid_schema *schema = NULL;

    memset(&res, 0, sizeof(res));
    rt_valid_errors_init(&errs);
    rt_valid_errors_init(&json_errs);
    res.status = resp->status;
    res.error = resp->error;
    res.text = resp->body;
    res.text_len = resp->body_len;
    res.content_type = resp->content_type;
    res.headers = resp->headers;
    res.elapsed_ms = resp->elapsed_ms;
    if (resp->error == NULL) {
        res.matched = match_status(call->op, resp->status);
        res.documented = res.matched != NULL;
        res.model = res.matched != NULL ? res.matched->model : NULL;
        schema = res.matched != NULL ? res.matched->schema : NULL;
        /* no content (RFC 9110: a 204 or 304, even where a range such as 2XX documents a body), or text or
         * bytes (or an undeclared type): the caller's as text, text_len */
        if (resp->status == 204 || resp->status == 304 || !check_media(&res, res.matched)) {
            res.model = NULL;
            schema = NULL;
        } else if (resp->body != NULL && resp->body_len > 0 &&
                   rt_valid_json_parse(resp->body, resp->body_len, &res.json, &json_errs) != 0)
            res.json = NULL;
        if (res.json == NULL && (res.model != NULL || (schema != NULL && resp->body_len > 0))) {
            res.invalid = "the body is not JSON"; /* a model needs a body; a schema judges one if sent */
        } else if (res.model != NULL) {
            body = rt_xcalloc(1, res.model->size);
            if (rt_valid_model_from_json(res.model, res.json, body, &errs, NULL) == 0)
                res.body = body;
            else
                res.invalid = describe_errors(&errs, why, sizeof(why));
        } else if (schema != NULL && res.json != NULL &&
                   !rt_valid_schema_check(schema, res.json, &errs, NULL)) {
            res.invalid = describe_errors(&errs, why, sizeof(why)); /* the same checks as a request's */
        }
    }
    call->deliver(&res, call->cb, call->arg);
    if (body != NULL) {
        rt_valid_model_cleanup(res.model, body);
        free(body);
    }
    json_object_put(res.json);
    rt_valid_errors_cleanup(&errs);
    rt_valid_errors_cleanup(&json_errs);
    free(call);
}

/* --- requests --- */

/*
 * Append the path of @p op to @p url, each {name} of its template replaced
 * by the value of that path parameter, percent-encoded.
 * @return 0, or -1 if the template names no path parameter of @p op (or a
 * '{' is not closed).  Precondition: every path value is set.
 */
static int add_path(struct rt_json_buf *url, const struct rt_api_client_op *op, const char *const *values)
{
    const char *t, *end;
    size_t i, n;

    for (t = op->path; *t != '\0'; t = end) {
        if (*t != '{') {
            end = t + strcspn(t, "{");
            rt_json_put_raw(url, t, (size_t)(end - t));
            continue;
        }
        end = strchr(t, '}');
        if (end == NULL)
            return -1;
        n = (size_t)(end - t - 1);
        for (i = 0; i < op->n_params; i++)
            if (op->params[i].in == RT_API_CLIENT_IN_PATH && strlen(op->params[i].name) == n &&
                strncmp(op->params[i].name, t + 1, n) == 0)
                break;
        if (i == op->n_params)
            return -1;
        rt_api_client_param_path(url, &op->params[i], values[i]);
        end++;
    }
    return 0;
}

/*
 * Append the query parameters of @p op that have a value to @p url
 * ("?a=1&b=2", percent-encoded), and put its header parameters that have
 * one, into @p headers as name, value pairs (room for 2 * op->n_params
 * pointers and the NULL after them, which must already be there); how many
 * header pointers and the next query separator go to the out-parameters.
 * Header values are allocated: each is also put into @p owned (room for
 * op->n_params + 1), for the caller to free.  Cookie parameters go to
 * @p cookie ("a=1; b=2"), for send_call() to join with the credentials'.
 */
static void add_query_and_headers(struct rt_json_buf *url, const char **headers, size_t *n_headers_out,
                                  char *sep_out, char **owned, struct rt_json_buf *cookie,
                                  const struct rt_api_client_op *op, const char *const *values)
{
    size_t i, n_headers = 0;
    char sep = '?';

    for (i = 0; values != NULL && i < op->n_params; i++) {
        if (values[i] == NULL)
            continue;
        if (op->params[i].in == RT_API_CLIENT_IN_QUERY) {
            rt_api_client_param_query(url, &op->params[i], values[i], &sep);
        } else if (op->params[i].in == RT_API_CLIENT_IN_HEADER) {
            headers[n_headers++] = op->params[i].name;
            headers[n_headers++] = *owned++ = rt_api_client_param_header(&op->params[i], values[i]);
        } else if (op->params[i].in == RT_API_CLIENT_IN_COOKIE) {
            rt_api_client_param_cookie(cookie, &op->params[i], values[i]);
        }
    }
    *n_headers_out = n_headers;
    *sep_out = sep;
}

/*
 * One Cookie header (RFC 6265 §5.4: a user agent sends one): the cookie
 * parameters of @p cookie, then the credentials' cookies, which
 * rt_api_client_auth_add() may already have put into @p headers.
 */
static void add_cookie(const char **headers, size_t *n_headers, struct rt_json_buf *cookie,
                       const struct rt_api_client_auth *auth)
{
    size_t k;

    if (cookie->len == 0)
        return;
    for (k = 0; auth->cookie != NULL && k < *n_headers; k += 2) {
        if (headers[k + 1] == auth->cookie)
            break;
    }
    if (auth->cookie != NULL && k < *n_headers) {
        rt_json_put_raw(cookie, "; ", 2);
        rt_json_put_raw(cookie, auth->cookie, strlen(auth->cookie));
    } else {
        k = (*n_headers += 2) - 2;
        headers[k] = "Cookie";
    }
    rt_json_put_raw(cookie, "", 1);
    headers[k + 1] = cookie->data;
}

static void free_owned(char **owned)
{
    for (size_t i = 0; owned != NULL && owned[i] != NULL; i++)
        free(owned[i]);
    free(owned);
}

/* A request body as sent: copied by rt_client_request(). */
struct out_body {
    const char *text; /* NULL: no body */
    size_t len;
    const char *content_type;
};

/*
 * Build the request of @p op from text values and send it; on_response()
 * hands the answer to @p deliver.  See rt_api_client_call().
 * @return 0 once started; -1 (and @p deliver is never called) otherwise.
 */
static int send_call(struct rt_api_client *c, const struct rt_api_client_op *op, const char *const *values,
                     const struct out_body *body, rt_api_client_deliver deliver, void (*cb)(void), void *arg)
{
    struct rt_json_buf url = {0};
    struct rt_client_request r;
    struct call *call = NULL;
    const char **headers = NULL;
    struct rt_api_client_auth auth = {0};
    struct rt_json_buf cookie = {0};
    char **owned = NULL;
    size_t i, n_headers = 0;
    char sep = '?';
    int rc = -1;

    if (c == NULL || c->base_url == NULL || op == NULL || cb == NULL)
        return -1;
    for (i = 0; i < op->n_params; i++)
        if ((values == NULL || values[i] == NULL) && (op->params[i].in == RT_API_CLIENT_IN_PATH))
            return -1;
    rt_json_put_raw(&url, c->base_url, strlen(c->base_url));
    if (add_path(&url, op, values) != 0)
        goto done;
    headers = rt_xcalloc(2 * op->n_params + 2 * op->n_schemes + 7, sizeof(*headers));
    owned = rt_xcalloc(op->n_params + 1, sizeof(*owned));
    add_query_and_headers(&url, headers, &n_headers, &sep, owned, &cookie, op, values);
    rt_api_client_auth_add(&c->auth, op, &url, &sep, headers, &n_headers, &auth);
    add_cookie(headers, &n_headers, &cookie, &auth);
    if (c->accept != NULL || op->accept != NULL) { /* else rt_client's application/json */
        headers[n_headers++] = "Accept";
        headers[n_headers++] = c->accept != NULL ? c->accept : op->accept;
    }
    call = rt_xcalloc(1, sizeof(*call));
    call->op = op;
    call->deliver = deliver;
    call->cb = cb;
    call->arg = arg;
    memset(&r, 0, sizeof(r));
    r.method = op->method;
    rt_json_put_raw(&url, "", 1); /* the URL as a C string */
    r.url = url.data;
    r.body = body->text;
    r.body_len = body->len;
    r.content_type = body->text != NULL ? body->content_type : NULL;
    r.headers = headers;
    if (rt_client_request(c->http, &r, on_response, call) != 0)
        goto done;
    call = NULL; /* on_response frees it */
    rc = 0;
done:
    free(call);
    free(headers);
    free_owned(owned);
    rt_api_client_auth_cleanup(&auth);
    rt_json_buf_free(&cookie);
    rt_json_buf_free(&url);
    return rc;
}

static void deliver_any(const struct rt_api_client_response *res, void (*cb)(void), void *arg)
{
    ((rt_api_client_cb)cb)(res, arg);
}

static const char form_type[] = "application/x-www-form-urlencoded";

/*
 * The multipart/form-data body of @p j (the command line's JSON) or of
 * @p obj (a struct of op->body) into @p out, its Content-Type in @p ct.
 * @return the body (rt_mem, the caller frees it), or NULL (a file that
 * cannot be read, a name a header cannot carry).
 */
static char *multipart_body(const struct rt_api_client_op *op, struct json_object *j, const void *obj,
                            struct out_body *out, char *ct, size_t ct_size)
{
    char boundary[RT_MULTIPART_BOUNDARY_MAX + 1];
    size_t len = 0;
    char *text = j != NULL ? rt_api_client_multipart_from_json(op->body, j, boundary, &len)
                           : rt_api_client_multipart_model(op->body, obj, boundary, &len);

    if (text != NULL) {
        snprintf(ct, ct_size, "multipart/form-data; boundary=%s", boundary);
        *out = (struct out_body){text, len, ct};
    }
    return text;
}

int rt_api_client_body_media(const struct rt_api_client_op *op, const char *media_type,
                             enum rt_valid_media_kind *kind, const char **content_type)
{
    const char *declared;
    size_t i;

    if (op == NULL || (op->body == NULL && !op->body_json && !op->body_raw))
        return -1;
    *kind = op->body_multipart ? RT_VALID_MEDIA_MULTIPART
            : op->body_form    ? RT_VALID_MEDIA_FORM
                               : RT_VALID_MEDIA_JSON;
    *content_type = op->body_media != NULL ? op->body_media : "application/json";
    /* the type a form or multipart body is declared as: its Content-Type is written when sending */
    declared = *kind == RT_VALID_MEDIA_MULTIPART ? "multipart/form-data"
               : *kind == RT_VALID_MEDIA_FORM    ? form_type
                                                 : *content_type;
    if (media_type == NULL)
        return 0;
    for (i = 0; i < op->n_media; i++) {
        if (strcasecmp(op->media[i].media, media_type) == 0) {
            *kind = op->media[i].kind;
            *content_type = op->media[i].media;
            return 0;
        }
    }
    /* a body of one media type: that one alone */
    return op->n_media == 0 && strcasecmp(declared, media_type) == 0 ? 0 : -1;
}

int rt_api_client_call(struct rt_api_client *c, const struct rt_api_client_op *op, const char *const *values,
                       const char *json_body, rt_api_client_cb cb, void *arg)
{
    return rt_api_client_call_as(c, op, values, json_body, NULL, cb, arg);
}

int rt_api_client_call_as(struct rt_api_client *c, const struct rt_api_client_op *op,
                          const char *const *values, const char *json_body, const char *media_type,
                          rt_api_client_cb cb, void *arg)
{
    struct out_body body = {json_body, json_body != NULL ? strlen(json_body) : 0, "application/json"};
    enum rt_valid_media_kind kind = RT_VALID_MEDIA_JSON;
    struct json_object *j = NULL;
    char *form = NULL, ct[RT_MULTIPART_BOUNDARY_MAX + 32];
    int rc;

    if (op == NULL)
        return -1;
    /* no body declared: whatever was given goes as JSON, for the server to refuse */
    if (rt_api_client_body_media(op, media_type, &kind, &body.content_type) != 0 && media_type != NULL)
        return -1;
    if (kind != RT_VALID_MEDIA_JSON && json_body != NULL && (j = json_tokener_parse(json_body)) != NULL &&
        json_object_is_type(j, json_type_object)) {
        /* else sent as is: the server says what is wrong */
        if (kind == RT_VALID_MEDIA_MULTIPART &&
            (form = multipart_body(op, j, NULL, &body, ct, sizeof(ct))) == NULL) {
            json_object_put(j);
            return -1;
        }
        if (kind == RT_VALID_MEDIA_FORM) {
            form = rt_api_client_form_from_json(j);
            body = (struct out_body){form, strlen(form), form_type};
        }
    }
    rc = send_call(c, op, values, &body, deliver_any, (void (*)(void))cb, arg);
    json_object_put(j);
    free(form);
    return rc;
}

int rt_api_client_start(struct rt_api_client *c, const struct rt_api_client_op *op, const char *const *values,
                        const void *body, rt_api_client_deliver deliver, void (*cb)(void), void *arg)
{
    return rt_api_client_start_as(c, op, values, body, NULL, deliver, cb, arg);
}

int rt_api_client_start_as(struct rt_api_client *c, const struct rt_api_client_op *op,
                           const char *const *values, const void *body, const char *media_type,
                           rt_api_client_deliver deliver, void (*cb)(void), void *arg)
{
    struct rt_json_buf json = {0};
    struct out_body out = {NULL, 0, "application/json"};
    enum rt_valid_media_kind kind = RT_VALID_MEDIA_JSON;
    char *form = NULL, ct[RT_MULTIPART_BOUNDARY_MAX + 32];
    int rc;

    if (op == NULL || op->body_raw || (body == NULL && op->body_required) ||
        (body != NULL && op->body == NULL && !op->body_json))
        return -1;
    if (rt_api_client_body_media(op, media_type, &kind, &out.content_type) != 0 && media_type != NULL)
        return -1;
    if (body != NULL && op->body_json) {
        struct json_object *j;

        /* the caller's json-c value, copied as a pointer: json-c takes it non-const */
        memcpy(&j, &body, sizeof(j)); /* NOLINT(bugprone-sizeof-expression) */
        out.text = json_object_to_json_string_ext(j, JSON_C_TO_STRING_PLAIN);
        out.len = strlen(out.text);
    } else if (body != NULL && kind == RT_VALID_MEDIA_MULTIPART) {
        if ((form = multipart_body(op, NULL, body, &out, ct, sizeof(ct))) == NULL)
            return -1;
    } else if (body != NULL && kind == RT_VALID_MEDIA_FORM) {
        form = rt_api_client_form_text(op->body, body);
        out = (struct out_body){form, strlen(form), form_type};
    } else if (body != NULL) {
        rt_valid_model_write_json_request(op->body, body, &json);
        out.text = json.data, out.len = json.len;
    }
    rc = send_call(c, op, values, &out, deliver, cb, arg);
    rt_json_buf_free(&json);
    free(form);
    return rc;
}

int rt_api_client_start_raw(struct rt_api_client *c, const struct rt_api_client_op *op,
                            const char *const *values, const char *body, size_t len,
                            rt_api_client_deliver deliver, void (*cb)(void), void *arg)
{
    struct out_body out = {body, body != NULL ? len : 0, NULL};

    if (op == NULL || !op->body_raw || op->body_media == NULL || (body == NULL && op->body_required))
        return -1;
    out.content_type = op->body_media;
    return send_call(c, op, values, &out, deliver, cb, arg);
}

/* --- the client --- */

int rt_api_client_init(struct rt_api_client *c, struct rt_client *http, const char *base_url)
{
    size_t len;

    if (c == NULL || http == NULL || base_url == NULL ||
        (strncmp(base_url, "http://", 7) != 0 && strncmp(base_url, "https://", 8) != 0))
        return -1;
    c->http = http;
    c->base_url = rt_xstrdup(base_url);
    memset(&c->auth, 0, sizeof(c->auth));
    c->accept = NULL;
    len = strlen(c->base_url);
    while (len > 0 && c->base_url[len - 1] == '/')
        c->base_url[--len] = '\0';
    return 0;
}

int rt_api_client_init_server(struct rt_api_client *c, struct rt_client *http, const char *server_url,
                              const char *base_path)
{
    const char *host = server_url != NULL ? strstr(server_url, "://") : NULL;
    size_t url_len, path_len;
    char *joined;
    int rc;

    if (host == NULL || strchr(host + 3, '/') != NULL || base_path == NULL)
        return rt_api_client_init(c, http, server_url);
    url_len = strlen(server_url);
    path_len = strlen(base_path);
    joined = rt_xmalloc(url_len + path_len + 1);
    memcpy(joined, server_url, url_len);
    memcpy(joined + url_len, base_path, path_len + 1);
    rc = rt_api_client_init(c, http, joined);
    free(joined);
    return rc;
}

void rt_api_client_cleanup(struct rt_api_client *c)
{
    if (c == NULL)
        return;
    free(c->base_url);
    c->base_url = NULL;
    c->http = NULL;
}

/*
 * rt_api_client — the half of a generated API client that is the same for
 * every spec.
 *
 * A generated client (generated/api_client.{h,c}, from
 * codegen/templates/api_client.*.j2) is a table of operations (struct
 * rt_api_client_op: method, path template, parameters, documented statuses
 * and their models) and one typed wrapper per operation, which turns its C
 * arguments into text and calls rt_api_client_start().  This module does
 * the rest, from the table alone: it fills the path template and appends
 * the query (values percent-encoded), adds header parameters, serializes
 * the body with its model, sends the request through rt_client, and parses
 * the answer into the model the operation documents for its status.
 *
 * The callback runs exactly once, later, on the rt_client's event loop,
 * never from inside the call that started the request.  A status the spec
 * does not document, or a body that is not the documented model, is
 * flagged and comes with the raw body (text, and JSON when it parses).
 * Everything in a response is valid only during the callback.
 *
 * Threading: as rt_client: a struct rt_api_client is used on the thread
 * of its rt_client's loop.
 */
#ifndef RT_API_CLIENT_H
#define RT_API_CLIENT_H

#include "rt_client.h"
#include "rt_valid.h"
#include "rt_valid_auth.h"
#include "rt_valid_media.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

/**
 * The credentials a client sends, one per kind of scheme: each call sends
 * those its operation's security schemes take (an API key in the header,
 * query parameter or cookie the scheme names; a bearer token or Basic
 * user-id and password in Authorization, the first of the operation's
 * schemes that has one).  NULL: none.  Strings are not owned and must
 * outlive the calls.
 */
struct rt_api_client_credentials {
    const char *api_key;      /* for every apiKey scheme */
    const char *bearer_token; /* http bearer */
    const char *basic_user;   /* http basic, with basic_password */
    const char *basic_password;
};

/** A client of one API at one base URL. */
struct rt_api_client {
    struct rt_client *http; /* the HTTP client calls go through; not owned, must outlive the calls */
    char *base_url;         /* "http://host:port[/prefix]" without a trailing '/'; owned */
    struct rt_api_client_credentials auth; /* set by the caller after rt_api_client_init(): all NULL there */
    const char *accept; /* the Accept every call sends instead of its operation's (op->accept), e.g.
                           "application/xml" to ask for that type; NULL (after init): the operation's */
};

/**
 * Prepare @p c to call the API at @p base_url (an absolute http:// or
 * https:// URL, copied) through @p http.
 * @return 0, or -1 if @p base_url is not such a URL.
 */
int rt_api_client_init(struct rt_api_client *c, struct rt_client *http, const char *base_url);

/**
 * rt_api_client_init() for a server at @p server_url serving the API under
 * @p base_path (the path of the spec's first server URL, "" or "/a/b":
 * API_CLIENT_BASE_PATH): a URL without a path ("http://host:port") gets
 * @p base_path appended; one with a path, even "/", is taken as the whole
 * base URL (for a server whose BASE_PATH moved the API elsewhere).
 * @return as rt_api_client_init().
 */
int rt_api_client_init_server(struct rt_api_client *c, struct rt_client *http, const char *server_url,
                              const char *base_path);

/** Free what rt_api_client_init() allocated; NULL is fine; idempotent.  Does not free c->http. */
void rt_api_client_cleanup(struct rt_api_client *c);

struct rt_valid_schema;

/** The outcome of a call, whatever the operation; valid only during the callback. */
struct rt_api_client_response {
    int status;        /* the HTTP status; 0 when no response arrived */
    const char *error; /* NULL once a response arrived, else why not (connect, timeout...) */
    bool documented;   /* the spec documents this status for the operation */
    const struct rt_api_client_status *matched; /* the documented response it is (exact status first, then
                                                   ranges, then default), or NULL */
    const struct rt_valid_model *model; /* the model documented for this status, or NULL (none, or {}) */
    const void *body;                   /* struct api_<model> parsed from the body, or NULL */
    const char *invalid;                /* why the body is not the documented model or schema, or NULL */
    struct json_object *json;           /* the body parsed as JSON, or NULL (empty, or not JSON) */
    const char *text;                   /* the raw body (NUL-terminated), or NULL */
    size_t text_len;                    /* bytes in text */
    const char *content_type;           /* the response's Content-Type, or NULL; for a documented status
                                           with a body, one of matched->media (else invalid says so) */
    const char *const *headers;         /* every header received: name, value, ..., NULL; or NULL */
    double elapsed_ms;                  /* from the call to the callback */
};

/**
 * @return the value of the response header @p name (any case) of @p res
 * (the spec's response headers among them, as text: "1", "/tasks/..."),
 * or NULL if it was not received.  Valid only during the callback.
 */
const char *rt_api_client_header(const struct rt_api_client_response *res, const char *name);

/** The callback of rt_api_client_call(). */
typedef void (*rt_api_client_cb)(const struct rt_api_client_response *res, void *arg);

/* --- the operation table a generated client describes its API with --- */

/** Where a parameter goes. */
enum rt_api_client_in {
    RT_API_CLIENT_IN_PATH,
    RT_API_CLIENT_IN_QUERY,
    RT_API_CLIENT_IN_HEADER,
    RT_API_CLIENT_IN_COOKIE
};

/** One parameter of an operation. */
struct rt_api_client_param {
    const char *name;         /* as in the spec */
    enum rt_api_client_in in; /* path, query, header or cookie */
    enum rt_valid_kind
        kind; /* RT_VALID_STRING, _INTEGER, _NUMBER, _BOOLEAN, _ARRAY or _OBJECT (deepObject) */
    enum rt_valid_style style; /* how the value is written (rt_api_client_param.h) */
    bool explode;
    bool required;       /* path parameters always are */
    const char *summary; /* for help texts: "query, optional, default 20, 1 <= x <= 100" */
};

/** A documented response: a status, a range (4XX) or default, its model and its headers. */
struct rt_api_client_status {
    int status;    /* e.g. 200; the first status of a range (400), or 100 for default */
    int status_hi; /* 0: exactly status; else the last of the range (499; 599: default) */
    const struct rt_valid_model *model;   /* NULL: no body, or JSON (then schema) */
    const struct rt_valid_schema *schema; /* a JSON body's schema (not an object model), or NULL: any JSON */
    const char *const *headers; /* the headers the spec declares (names, NULL-terminated), or NULL */
    const char *const *media;   /* the media types its content declares (type/subtype, lower case,
                                   NULL-terminated), or NULL (no content): a body under another
                                   Content-Type is invalid; one under a type that is not JSON is
                                   the caller's as text/text_len (bytes: text_len counts them) */
};

/** A security scheme an operation names: where its credential goes. */
struct rt_api_client_scheme {
    const char *name;       /* as in the spec */
    enum rt_auth_kind kind; /* apiKey in header/query/cookie, http bearer or basic */
    const char *param;      /* apiKey: the header, query parameter or cookie name; else NULL */
};

/** One operation of the spec. */
struct rt_api_client_op {
    const char *id;                           /* the operationId, snake_case */
    const char *method;                       /* "GET", "POST", ... */
    const char *path;                         /* the path template, "/users/{user_email}" */
    const char *summary;                      /* the spec's summary, or "" */
    const struct rt_api_client_param *params; /* path parameters (in template order) first */
    size_t n_params;                          /* entries in params */
    const struct rt_valid_model *body;        /* the request body's model, or NULL for none */
    bool body_json;                           /* the body is a struct json_object * sent as is */
    bool body_required;                       /* the spec requires a body */
    bool body_form; /* body (a model) goes as application/x-www-form-urlencoded (rt_api_client_param.h) */
    bool body_multipart;    /* body (a model) goes as multipart/form-data (rt_api_client_multipart.h) */
    const char *body_media; /* the Content-Type of the body when it is not application/json or a form: a
                               vendor JSON type, or a body_raw's type; NULL otherwise */
    bool body_raw;          /* the body is text or bytes sent as is (rt_api_client_start_raw()) */
    const struct rt_valid_media *media; /* a body of several media types (JSON, a form, multipart with one
                                           model): each, in spec order, for a caller to pick from (the
                                           flags above say how the primary goes); NULL otherwise */
    size_t n_media;                     /* entries in media (0, or at least 2) */
    const struct rt_api_client_status
        *responses;     /* exact statuses in spec order, then ranges, default last */
    size_t n_responses; /* entries in responses */
    const char *accept; /* the Accept it sends: its responses' media types when not all JSON, else NULL
                           (application/json) */
    const struct rt_api_client_scheme *schemes; /* every scheme its security names, or NULL (open) */
    size_t n_schemes;                           /* entries in schemes */
};

/**
 * @return the operation of @p ops (@p n_ops entries) whose id is @p name,
 * where a '-' in @p name also matches a '_' ("get-user" finds get_user);
 * NULL if there is none or @p name is NULL.
 */
const struct rt_api_client_op *rt_api_client_find_op(const struct rt_api_client_op *ops, size_t n_ops,
                                                     const char *name);

/* --- calls --- */

/**
 * Call @p op with parameter values as text: @p values has op->n_params
 * entries, in op->params order, NULL for a parameter not to send (a
 * missing path value makes the call fail); an array's or an object's value
 * is a list text ("3,4,5"; rt_api_client_param.h), written in the
 * parameter's style; @p json_body is sent as is
 * with Content-Type application/json, or op->body_media when it has one
 * (for an op->body_raw operation, the text is the body; for an
 * op->body_form operation, a
 * JSON object is sent as the form of its members, anything else as is; for an op->body_multipart one,
 * as multipart/form-data: rt_api_client_multipart_from_json(), a file field's "@PATH" the file at PATH)
 * (NULL: no body, even if one is required, so that the server can say so).  @p cb(@p res, @p arg) runs
 * exactly once, later, on the loop.
 * @return 0 once started; -1 (and @p cb is never called) if a path value
 * is missing, a file to upload cannot be read, or the URL or a header is unusable (rt_client_request()
 * refuses it).  Memory is rt_mem's: running out aborts.
 */
int rt_api_client_call(struct rt_api_client *c, const struct rt_api_client_op *op, const char *const *values,
                       const char *json_body, rt_api_client_cb cb, void *arg);

/**
 * The media type @p op's body goes as when its caller asks for
 * @p media_type: NULL for the primary one (the type the op's flags
 * describe), else a type/subtype @p op declares for its body (any case, no
 * parameters: "application/x-www-form-urlencoded", "multipart/form-data";
 * one of op->media for a body of several types, else its one type).
 * @return 0 with its reader's kind in @p kind (a raw body's is
 * RT_VALID_MEDIA_JSON: sent as is) and its Content-Type in @p content_type
 * (a static or table string; multipart's boundary is added when sending);
 * -1 if @p op has no body or does not declare @p media_type.
 */
int rt_api_client_body_media(const struct rt_api_client_op *op, const char *media_type,
                             enum rt_valid_media_kind *kind, const char **content_type);

/**
 * rt_api_client_call() with the body sent as @p media_type
 * (rt_api_client_body_media(); NULL: the primary type): for a form or
 * multipart type, a JSON object @p json_body is sent as that form.
 * @return as rt_api_client_call(); -1 too (@p cb never called) when
 * @p media_type is given and @p op does not declare it: never sent as
 * another type instead.
 */
int rt_api_client_call_as(struct rt_api_client *c, const struct rt_api_client_op *op,
                          const char *const *values, const char *json_body, const char *media_type,
                          rt_api_client_cb cb, void *arg);

/**
 * How a typed wrapper hands a response to its caller's callback: @p cb is
 * the caller's callback, cast back to its own type by the deliverer.
 */
typedef void (*rt_api_client_deliver)(const struct rt_api_client_response *res, void (*cb)(void), void *arg);

/**
 * What a generated api_client_<op>() calls: rt_api_client_call() with a
 * typed body and a typed callback.  @p body is a struct of op->body's
 * model, serialized with it, or with op->body_json a struct json_object *
 * (NULL: no body; refused when op->body_required).
 * @p deliver(@p res, @p cb, @p arg) runs exactly once, later, on the loop.
 * @return 0 once started; -1 (and @p deliver is never called) as
 * rt_api_client_call(), or if a required body is missing.
 */
int rt_api_client_start(struct rt_api_client *c, const struct rt_api_client_op *op, const char *const *values,
                        const void *body, rt_api_client_deliver deliver, void (*cb)(void), void *arg);

/**
 * rt_api_client_start() with the body (a struct of op->body's model) sent
 * as @p media_type (rt_api_client_body_media(); NULL: the primary type).
 * What a generated api_client_<op>() of a body of several media types
 * calls.
 * @return as rt_api_client_start(); -1 too (@p deliver never called) when
 * @p media_type is given and @p op does not declare it.
 */
int rt_api_client_start_as(struct rt_api_client *c, const struct rt_api_client_op *op,
                           const char *const *values, const void *body, const char *media_type,
                           rt_api_client_deliver deliver, void (*cb)(void), void *arg);

/**
 * rt_api_client_start() for an op->body_raw operation: the @p len bytes at
 * @p body are sent as is with Content-Type op->body_media (NULL: no body;
 * refused when op->body_required).
 * @return 0 once started; -1 (and @p deliver is never called) as
 * rt_api_client_call(), or if @p op has no raw body or a required body is
 * missing.
 */
int rt_api_client_start_raw(struct rt_api_client *c, const struct rt_api_client_op *op,
                            const char *const *values, const char *body, size_t len,
                            rt_api_client_deliver deliver, void (*cb)(void), void *arg);

/** @return @p buf holding @p v in decimal, for a parameter's value (@p size: 21 bytes are enough). */
const char *rt_api_client_text_int(char *buf, size_t size, int64_t v);

/**
 * @return @p buf holding the shortest text that reads back as @p v (0.5,
 * not 0.50000000000000000), for a parameter's value (@p size: 32 bytes are
 * enough).
 */
const char *rt_api_client_text_number(char *buf, size_t size, double v);

#endif /* RT_API_CLIENT_H */

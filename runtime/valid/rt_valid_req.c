/*
 * rt_valid_req — the request side of validation: the body, the request's
 * memory as the arena, and the answers (parameters: rt_valid_param).
 */
#include "rt_valid_req.h"
#include "rt_json.h"
#include "rt_mem.h"
#include "rt_req.h"
#include "rt_valid_json.h"
#include "rt_valid_model.h"
#include "rt_valid_reply.h"
#include "rt_valid_schema.h"
#include "rt_valid_union.h"

#include <json-c/json.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

static void *req_alloc(void *req, size_t size)
{
    return rt_req_alloc(req, size);
}

/* --- body --- */

static void put_json(void *j)
{
    json_object_put(j);
}

/* A {} field's value outlives the parsed body: until the request ends. */
static void req_keep(void *req, struct json_object *j)
{
    rt_req_defer(req, put_json, j);
}

/* The request's body as JSON (rt_valid_json_body(): its Content-Type, syntax and presence). */
static bool parse_body(struct rt_req *req, bool required, struct json_object **j,
                       struct rt_valid_errors *errs)
{
    size_t len = 0;
    const char *text = rt_req_body(req, &len);

    return rt_valid_json_body(rt_req_header(req, "Content-Type"), text, len, required, j, errs) != 0;
}

int rt_valid_req_body(struct rt_req *req, const struct rt_valid_model *model, bool required, void *out,
                      struct rt_valid_errors *errs)
{
    const struct rt_valid_arena arena = {req_alloc, req, req_keep};
    struct rt_valid_loc at = {NULL, "body", 0};
    struct json_object *j;
    int rc;

    if (!parse_body(req, required, &j, errs))
        return 0;
    /* Strings are copied into the request's memory and {} values kept on their own: the tree goes now. */
    rc = rt_valid_model_from_json_arena(model, j, out, &arena, errs, &at);
    json_object_put(j);
    return rc == 0;
}

int rt_valid_req_body_value(struct rt_req *req, const struct rt_valid_schema *schema, bool required,
                            struct json_object **out, struct rt_valid_errors *errs)
{
    struct rt_valid_loc at = {NULL, "body", 0};
    struct json_object *j;

    *out = NULL;
    if (!parse_body(req, required, &j, errs))
        return 0;
    if (!rt_valid_schema_check_request(schema, j, errs, &at)) {
        json_object_put(j);
        return 0;
    }
    rt_valid_schema_fill_defaults(schema, j); /* absent properties take their defaults, as in a model */
    req_keep(req, j);                         /* the handler reads it until the request ends */
    *out = j;
    return 1;
}

int rt_valid_req_body_union(struct rt_req *req, const struct rt_valid_rule *rule, bool required, void *out,
                            struct rt_valid_errors *errs)
{
    const struct rt_valid_arena arena = {req_alloc, req, req_keep};
    struct rt_valid_loc at = {NULL, "body", 0};
    struct json_object *j;
    int rc;

    if (!parse_body(req, required, &j, errs))
        return 0;
    rc = rt_valid_union_from_json(rule, j, out, &arena, errs, &at); /* strings copied, {} values kept */
    json_object_put(j);
    return rc == 0;
}

/* --- answers --- */

int rt_valid_req_reply_errors(struct rt_req *req, struct rt_valid_errors *errs)
{
    if (rt_valid_errors_count(errs) == 0)
        return 0;
    rt_req_reply_json(req, 422, rt_valid_errors_to_json(errs));
    rt_valid_errors_cleanup(errs);
    return 1;
}

/*
 * One text buffer per thread, kept across answers (an answer is copied out
 * of it at once) and freed when the thread exits.
 */
static pthread_key_t reply_text_key;
static pthread_once_t reply_text_once = PTHREAD_ONCE_INIT;

static void reply_text_free(void *p)
{
    rt_json_buf_free(p);
    free(p);
}

static void reply_text_key_create(void)
{
    if (pthread_key_create(&reply_text_key, reply_text_free) != 0)
        abort();
}

struct rt_json_buf *rt_valid_req_reply_text(void)
{
    struct rt_json_buf *text;

    pthread_once(&reply_text_once, reply_text_key_create);
    text = pthread_getspecific(reply_text_key);
    if (text == NULL) {
        text = rt_xcalloc(1, sizeof(*text));
        pthread_setspecific(reply_text_key, text);
    }
    text->len = 0;
    return text;
}

void rt_valid_req_reply_model(struct rt_req *req, const char *helper, int status,
                              const struct rt_valid_model *model, const void *v)
{
    struct rt_json_buf *text = rt_valid_req_reply_text();

    if (rt_valid_reply_model(req, helper, model, v, text))
        rt_req_reply(req, status, "application/json", text->data, text->len);
}

/*
 * rt_valid_req: validation glue on detached requests: parameters from the
 * path, query and headers (400 for undecodable query values, 422 with
 * every failing one), bodies into request memory, and the answers.
 */
#include "test.h"
#include "valid_test.h"

#include "rt_json.h"
#include "rt_req.h"
#include "rt_valid.h"
#include "rt_valid_errors.h"
#include "rt_valid_req.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static int starts_with(const char *got, const char *prefix)
{
    if (strncmp(got, prefix, strlen(prefix)) == 0)
        return 1;
    printf("# expected %s...\n#      got %s\n", prefix, got);
    return 0;
}

static const struct rt_valid_rule r_flag = {.kind = RT_VALID_BOOLEAN};

/* --- parameters --- */

struct qparams {
    int64_t limit;
    bool verbose;
    bool has_verbose;
    const char *name;
    const char *trace;
    double at;
};

static const struct rt_valid_rule r_limit = {.kind = RT_VALID_INTEGER,
                                             .minimum = {.text = "1", .value = 1, .is_int = true}};
static const struct rt_valid_rule r_str = {.kind = RT_VALID_STRING, .min_length = 1};
static const struct rt_valid_rule r_num = {.kind = RT_VALID_NUMBER};
static const struct rt_valid_param qparams[] = {
    {.name = "limit",
     .in = RT_VALID_IN_QUERY,
     .default_text = "10",
     .rule = &r_limit,
     .offset = offsetof(struct qparams, limit),
     .has_offset = RT_VALID_NO_OFFSET},
    {.name = "verbose",
     .in = RT_VALID_IN_QUERY,
     .rule = &r_flag,
     .offset = offsetof(struct qparams, verbose),
     .has_offset = offsetof(struct qparams, has_verbose)},
    {.name = "name",
     .in = RT_VALID_IN_QUERY,
     .required = true,
     .rule = &r_str,
     .offset = offsetof(struct qparams, name),
     .has_offset = RT_VALID_NO_OFFSET},
    {.name = "X-Trace",
     .in = RT_VALID_IN_HEADER,
     .required = true,
     .rule = &r_str,
     .offset = offsetof(struct qparams, trace),
     .has_offset = RT_VALID_NO_OFFSET},
    {.name = "at",
     .in = RT_VALID_IN_PATH,
     .path_index = 1,
     .required = true,
     .rule = &r_num,
     .offset = offsetof(struct qparams, at),
     .has_offset = RT_VALID_NO_OFFSET},
};

/* Run rt_valid_req_params on a detached request; @return its 422/400 body, or "ok" with *out filled. */
static const char *params(const char *target, const char *trace, const char *at, struct qparams *out)
{
    static char body[2048];
    struct rt_req_capture cap = {0};
    const char *headers[] = {"x-trace", trace, NULL};
    const char *path[] = {"unused", at};
    struct rt_req *req =
        rt_req_new_detached(NULL, RT_METHOD_GET, target, trace ? headers : NULL, NULL, 0, &cap);
    struct rt_valid_errors errs;
    struct qparams *p = rt_req_alloc(req, sizeof(*p));

    rt_valid_errors_init(&errs);
    if (rt_valid_req_params(req, qparams, sizeof(qparams) / sizeof(qparams[0]), path, p, &errs) == 0 &&
        !rt_valid_req_reply_errors(req, &errs)) {
        *out = *p;
        out->name = out->trace = NULL; /* request memory, gone after the reply */
        rt_req_reply(req, 204, NULL, NULL, 0);
    }
    snprintf(body, sizeof(body), "%d %s", cap.status, cap.body != NULL ? cap.body : "");
    rt_req_capture_cleanup(&cap);
    return body;
}

static void test_params(void)
{
    struct qparams p;

    CHECK(same(params("/x?name=a", "t", "1.5", &p), "204 "));
    CHECK(p.limit == 10 && !p.has_verbose && p.at == 1.5);
    CHECK(same(params("/x?name=a&verbose=on&limit=3&limit=4", "t", "2", &p), "204 "));
    CHECK(p.limit == 4 && p.has_verbose && p.verbose); /* the last value wins */
    CHECK(same(params("/x?na%6De=a+b", "t", "2", &p), "204 "));

    /* every failing parameter, in declaration order */
    CHECK(same(
        params("/x?limit=0&verbose=maybe", NULL, "x", &p),
        "422 {\"detail\":[{\"type\":\"greater_than_equal\",\"loc\":[\"query\",\"limit\"],\"msg\":\"Input "
        "should "
        "be greater than or equal to "
        "1\",\"input\":\"0\",\"ctx\":{\"ge\":1}},{\"type\":\"bool_parsing\",\"loc\":["
        "\"query\",\"verbose\"],\"msg\":\"Input should be a valid boolean, unable to interpret "
        "input\",\"input\":"
        "\"maybe\"},{\"type\":\"missing\",\"loc\":[\"query\",\"name\"],\"msg\":\"Field "
        "required\",\"input\":null},"
        "{\"type\":\"missing\",\"loc\":[\"header\",\"X-Trace\"],\"msg\":\"Field "
        "required\",\"input\":null},{\"type\":"
        "\"float_parsing\",\"loc\":[\"path\",\"at\"],\"msg\":\"Input should be a valid number, unable to "
        "parse "
        "string as a number\",\"input\":\"x\"}]}"));
    CHECK(
        same(params("/x?name=", "t", "1", &p),
             "422 {\"detail\":[{\"type\":\"string_too_short\",\"loc\":[\"query\",\"name\"],\"msg\":\"String "
             "should "
             "have at least 1 character\",\"input\":\"\",\"ctx\":{\"min_length\":1}}]}"));
    CHECK(same(params("/x?name=%zz", "t", "1", &p),
               "400 {\"detail\":\"Invalid query parameter 'name': invalid percent-escape\"}"));
    CHECK(same(params("/x?name=a%00", "t", "1", &p),
               "400 {\"detail\":\"Invalid query parameter 'name': NUL character\"}"));
    CHECK(same(params("/x?other=%zz&name=a", "t", "1", &p),
               "204 ")); /* only the parameters we read are decoded */
}

/* --- bodies --- */

struct note {
    const char *text;
    struct json_object *meta;
    struct {
        size_t len;
        const char **items;
    } tags;
};

static const struct rt_valid_rule r_text = {.kind = RT_VALID_STRING, .min_length = 1};
static const struct rt_valid_rule r_meta = {.kind = RT_VALID_ANY};
static const struct rt_valid_rule r_tags = {.kind = RT_VALID_ARRAY, .items = &r_text};
static const struct rt_valid_field note_fields[] = {
    {.name = "text",
     .rule = &r_text,
     .required = true,
     .offset = offsetof(struct note, text),
     .aux_offset = RT_VALID_NO_OFFSET},
    {.name = "meta",
     .rule = &r_meta,
     .required = false,
     .offset = offsetof(struct note, meta),
     .aux_offset = RT_VALID_NO_OFFSET},
    {.name = "tags",
     .rule = &r_tags,
     .required = false,
     .offset = offsetof(struct note, tags.items),
     .aux_offset = offsetof(struct note, tags.len)},
};
static const struct rt_valid_model note_model = {"Note", sizeof(struct note), note_fields, 3};

/*
 * POST @p json (with @p content_type) through rt_valid_req_body(), then
 * answer 422 with the errors or 200 with the note written back (which
 * reads everything the body stored: it must still be there).
 * @return "<status> <body>" (static buffer).
 */
static const char *post(const char *content_type, const char *json, bool required)
{
    static char out[2048];
    struct rt_req_capture cap = {0};
    const char *headers[] = {"Content-Type", content_type, NULL};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_POST, "/notes", content_type ? headers : NULL,
                                             json, json != NULL ? strlen(json) : 0, &cap);
    struct note *n = rt_req_alloc(req, sizeof(*n));
    struct rt_valid_errors errs;
    int present;

    rt_valid_errors_init(&errs);
    present = rt_valid_req_body(req, &note_model, required, n, &errs);
    if (!rt_valid_req_reply_errors(req, &errs)) {
        CHECK(n->tags.len == 0 || n->tags.items != NULL);
        if (present)
            rt_valid_req_reply_model(req, 200, &note_model, n);
        else
            rt_req_reply(req, 204, NULL, NULL, 0);
    }
    snprintf(out, sizeof(out), "%d %s", cap.status, cap.body != NULL ? cap.body : "");
    rt_req_capture_cleanup(&cap);
    return out;
}

static void test_body(void)
{
    CHECK(same(post("application/json",
                    "{\"text\":\"hi\",\"meta\":{\"a\":[1,{\"b\":null}]},\"tags\":[\"x\",\"y\"]}", true),
               "200 {\"text\":\"hi\",\"meta\":{\"a\":[1,{\"b\":null}]},\"tags\":[\"x\",\"y\"]}"));
    CHECK(same(post(NULL, "{\"text\":\"hi\",\"ignored\":1}", true), "200 {\"text\":\"hi\",\"tags\":[]}"));
    CHECK(same(post("application/json", NULL, false), "204 "));
    CHECK(same(post("application/json", NULL, true),
               "422 {\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field "
               "required\",\"input\":null}]}"));
    CHECK(same(
        post("application/json", "{\"text\":\"\",\"tags\":[\"ok\",7]}", true),
        "422 {\"detail\":[{\"type\":\"string_too_short\",\"loc\":[\"body\",\"text\"],\"msg\":\"String "
        "should have at least 1 character\",\"input\":\"\",\"ctx\":{\"min_length\":1}},{\"type\":\"string_"
        "type\",\"loc\":[\"body\",\"tags\",1],\"msg\":\"Input should be a valid string\",\"input\":7}]}"));
    CHECK(starts_with(post("text/plain", "{\"text\":\"hi\"}", true),
                      "422 {\"detail\":[{\"type\":\"model_attributes_type\""));
    CHECK(starts_with(post("application/json", "{\"text\":", true),
                      "422 {\"detail\":[{\"type\":\"json_invalid\""));
}

int main(void)
{
    test_params();
    test_body();
    return test_done();
}

/*
 * rt_valid_req: validation glue on detached requests: bodies into request
 * memory, and the answers (parameters: test_rt_valid_param.c).
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
static const struct rt_valid_model note_model = {"Note", sizeof(struct note), note_fields, 3, false};

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
            rt_valid_req_reply_model(req, "post", 200, &note_model, n);
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
    test_body();
    return test_done();
}

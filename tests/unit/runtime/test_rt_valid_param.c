/*
 * rt_valid_param: parameters on detached requests: scalars from the path,
 * query and headers (400 for undecodable query values, 422 with every
 * failing one), then each style: query arrays (form exploded or not,
 * pipeDelimited), deepObject, cookies, header arrays, matrix and label
 * path values, allowEmptyValue.
 */
#include "test.h"
#include "valid_test.h"

#include "rt_req.h"
#include "rt_valid.h"
#include "rt_valid_errors.h"
#include "rt_valid_param.h"
#include "rt_valid_req.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

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

/* Run rt_valid_param_read on a detached request; @return its 422/400 body, or "ok" with *out filled. */
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
    if (rt_valid_param_read(req, qparams, sizeof(qparams) / sizeof(qparams[0]), path, p, &errs) == 0 &&
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

/* --- styles --- */

struct filter {
    const char *name;
    int64_t age;
    bool has_age;
};

static const struct rt_valid_rule r_int = {.kind = RT_VALID_INTEGER};
static const struct rt_valid_rule r_small = {.kind = RT_VALID_INTEGER,
                                             .maximum = {.text = "9", .value = 9, .is_int = true}};
static const struct rt_valid_rule r_ints = {.kind = RT_VALID_ARRAY, .items = &r_small};
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

struct sparams {
    struct {
        size_t len;
        int64_t *items;
    } tag, ids, pipe, hids, mids, lids, sids;
    const struct filter *filter;
    const char *session;
    int64_t mid, lid, q;
    bool has_q, q_empty;
};

#define ARRAY(field)                                                                                         \
    .offset = offsetof(struct sparams, field.items), .len_offset = offsetof(struct sparams, field.len)
#define NONE .has_offset = RT_VALID_NO_OFFSET, .empty_offset = RT_VALID_NO_OFFSET
static const char *const ids_default[] = {"7", NULL};
static const struct rt_valid_param sparams[] = {
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
     .default_items = ids_default,
     .unique_items = true},
    {.name = "pipe",
     .in = RT_VALID_IN_QUERY,
     .style = RT_VALID_STYLE_PIPE_DELIMITED,
     .rule = &r_ints,
     ARRAY(pipe),
     NONE},
    {.name = "filter",
     .in = RT_VALID_IN_QUERY,
     .style = RT_VALID_STYLE_DEEP_OBJECT,
     .explode = true,
     .rule = &r_filter,
     .offset = offsetof(struct sparams, filter),
     NONE,
     .len_offset = RT_VALID_NO_OFFSET},
    {.name = "session",
     .in = RT_VALID_IN_COOKIE,
     .style = RT_VALID_STYLE_FORM,
     .rule = &r_str,
     .offset = offsetof(struct sparams, session),
     NONE,
     .len_offset = RT_VALID_NO_OFFSET},
    {.name = "X-Ids", .in = RT_VALID_IN_HEADER, .rule = &r_ints, ARRAY(hids), NONE, .min_items = 2},
    {.name = "mid",
     .in = RT_VALID_IN_PATH,
     .path_index = 0,
     .style = RT_VALID_STYLE_MATRIX,
     .required = true,
     .rule = &r_int,
     .offset = offsetof(struct sparams, mid),
     NONE,
     .len_offset = RT_VALID_NO_OFFSET},
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
     .offset = offsetof(struct sparams, lid),
     NONE,
     .len_offset = RT_VALID_NO_OFFSET},
    {.name = "lids",
     .in = RT_VALID_IN_PATH,
     .path_index = 3,
     .style = RT_VALID_STYLE_LABEL,
     .required = true,
     .rule = &r_ints,
     ARRAY(lids),
     NONE},
    {.name = "sids",
     .in = RT_VALID_IN_PATH,
     .path_index = 4,
     .required = true,
     .rule = &r_ints,
     ARRAY(sids),
     NONE},
    {.name = "q",
     .in = RT_VALID_IN_QUERY,
     .style = RT_VALID_STYLE_FORM,
     .allow_empty = true,
     .rule = &r_int,
     .offset = offsetof(struct sparams, q),
     .has_offset = offsetof(struct sparams, has_q),
     .empty_offset = offsetof(struct sparams, q_empty),
     .len_offset = RT_VALID_NO_OFFSET},
};

static struct sparams got;
static char got_session[32], got_name[32];
static int64_t got_tag_last, got_ids_first;

/* Run the style table on a detached request; @return its 422/400 body, or "ok" with `got` filled. */
static const char *styles(const char *target, const char *cookie, const char *ids, const char *const *path)
{
    static char body[4096];
    struct rt_req_capture cap = {0};
    const char *headers[5] = {NULL}, **h = headers;
    struct rt_req *req;
    struct rt_valid_errors errs;
    struct sparams *p;

    if (cookie != NULL)
        *h++ = "Cookie", *h++ = cookie;
    if (ids != NULL)
        *h++ = "x-ids", *h++ = ids;
    req = rt_req_new_detached(NULL, RT_METHOD_GET, target, headers, NULL, 0, &cap);
    p = rt_req_alloc(req, sizeof(*p));
    rt_valid_errors_init(&errs);
    memset(&got, 0, sizeof(got));
    got_session[0] = got_name[0] = '\0';
    if (rt_valid_param_read(req, sparams, sizeof(sparams) / sizeof(sparams[0]), path, p, &errs) == 0 &&
        !rt_valid_req_reply_errors(req, &errs)) {
        got = *p; /* the arrays are request memory: only their lengths and first items are read below */
        snprintf(got_session, sizeof(got_session), "%s", p->session ? p->session : "-");
        snprintf(got_name, sizeof(got_name), "%s", p->filter ? p->filter->name : "-");
        got_tag_last = got.tag.len ? p->tag.items[got.tag.len - 1] : -1;
        got_ids_first = got.ids.len ? p->ids.items[0] : -1;
        got.tag.items = got.ids.items = NULL;
        got.filter = NULL;
        rt_req_reply(req, 204, NULL, NULL, 0);
    }
    snprintf(body, sizeof(body), "%d %s", cap.status, cap.body != NULL ? cap.body : "");
    rt_req_capture_cleanup(&cap);
    return body;
}

static const char *const good_path[] = {";mid=5", ";mids=3;mids=4", ".6", ".1,2,3", "7,8"};

static void test_styles_valid(void)
{
    CHECK(same(styles("/x?tag=1&tag=2&ids=3,4&pipe=1|2|3&filter[name]=a%20b&filter[age]=30&filter[x]=1",
                      "a=1; "
                      "session=\"s%41\"",
                      "1, 2 ,3", good_path),
               "204 "));
    CHECK(got.tag.len == 2 && got_tag_last == 2 && got.ids.len == 2 && got_ids_first == 3);
    CHECK(got.pipe.len == 3 && got.hids.len == 3 && got.mid == 5 && got.mids.len == 2 && got.lid == 6 &&
          got.lids.len == 3 && got.sids.len == 2);
    CHECK(same(got_session, "sA") && same(got_name, "a b"));
    CHECK(!got.has_q && !got.q_empty);
    /* defaults and absence; allowEmptyValue */
    CHECK(same(styles("/x?q=&ids=", NULL, "1,2", good_path), "204 "));
    CHECK(got.tag.len == 0 && got.ids.len == 0 && got.q_empty && !got.has_q && same(got_session, "-") &&
          same(got_name, "-"));
    CHECK(same(styles("/x?q=4", NULL, "1,2", good_path), "204 "));
    CHECK(got.ids.len == 1 && got_ids_first == 7 && got.has_q && got.q == 4 && !got.q_empty);
}

static void test_styles_invalid(void)
{
    const char *const bad_path[] = {"5", ";mids=3,x", "6", ".1,2,a", "1,2"};

    CHECK(same(
        styles("/x?tag=1&tag=x&tag=12&ids=1,1&filter[age]=z&q=y", NULL, "1", good_path),
        "422 {\"detail\":[{\"type\":\"int_parsing\",\"loc\":[\"query\",\"tag\",1],\"msg\":\"Input should be "
        "a valid integer, unable to parse string as an integer\",\"input\":\"x\"},{\"type\":\"less_than_"
        "equal\",\"loc\":[\"query\",\"tag\",2],\"msg\":\"Input should be less than or equal to 9\",\"input\":"
        "\"12\",\"ctx\":{\"le\":9}},{\"type\":\"unique_items\",\"loc\":[\"query\",\"ids\",1],\"msg\":\"List "
        "items should be "
        "unique\",\"input\":\"1\"},{\"type\":\"missing\",\"loc\":[\"query\",\"filter\",\"name\""
        "],\"msg\":\"Field "
        "required\",\"input\":null},{\"type\":\"int_parsing\",\"loc\":[\"query\",\"filter\","
        "\"age\"],\"msg\":\"Input should be a valid integer, unable to parse string as an "
        "integer\",\"input\":"
        "\"z\"},{\"type\":\"too_short\",\"loc\":[\"header\",\"X-Ids\"],\"msg\":\"List should have at least 2 "
        "items after validation, not 1\",\"input\":[\"1\"],\"ctx\":{\"field_type\":\"List\",\"min_length\":2,"
        "\"actual_length\":1}},{\"type\":\"int_parsing\",\"loc\":[\"query\",\"q\"],\"msg\":\"Input should be "
        "a valid integer, unable to parse string as an integer\",\"input\":\"y\"}]}"));
    CHECK(same(
        styles("/x?tag=1&tag=2&tag=3&tag=4", NULL, "1,2", bad_path),
        "422 {\"detail\":[{\"type\":\"too_long\",\"loc\":[\"query\",\"tag\"],\"msg\":\"List should have at "
        "most 3 items after validation, not 4\",\"input\":[\"1\",\"2\",\"3\",\"4\"],\"ctx\":{\"field_type\":"
        "\"List\",\"max_length\":3,\"actual_length\":4}},{\"type\":\"parameter_style\",\"loc\":[\"path\","
        "\"mid\"],\"msg\":\"Input should be written ';name=value' (style "
        "matrix)\",\"input\":\"5\"},{\"type\":"
        "\"int_parsing\",\"loc\":[\"path\",\"mids\",0],\"msg\":\"Input should be a valid integer, unable "
        "to parse string as an "
        "integer\",\"input\":\"3,x\"},{\"type\":\"parameter_style\",\"loc\":[\"path\",\"lid\"],"
        "\"msg\":\"Input should be written '.value' (style "
        "label)\",\"input\":\"6\"},{\"type\":\"int_parsing\","
        "\"loc\":[\"path\",\"lids\",2],\"msg\":\"Input should be a valid integer, unable to parse string as "
        "an integer\",\"input\":\"a\"}]}"));
    CHECK(same(styles("/x?filter[name]=%zz", NULL, "1,2", good_path),
               "400 {\"detail\":\"Invalid query parameter 'filter': invalid percent-escape\"}"));
    CHECK(same(styles("/x", NULL, "1,\xff", good_path),
               "400 {\"detail\":\"Invalid header parameter 'X-Ids': invalid UTF-8\"}"));
    CHECK(same(styles("/x", "session=%FF", "1,2", good_path),
               "400 {\"detail\":\"Invalid cookie parameter 'session': invalid UTF-8\"}"));
}

int main(void)
{
    test_params();
    test_styles_valid();
    test_styles_invalid();
    return test_done();
}

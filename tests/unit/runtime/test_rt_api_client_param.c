/*
 * rt_api_client_param: each style written from a value's text (OpenAPI's
 * "Style Values" examples), the list texts typed wrappers make, and a
 * round trip: what the client writes, rt_valid_param reads back as the same
 * items.
 */
#include "rt_api_client.h"
#include "rt_api_client_param.h"
#include "rt_req.h"
#include "rt_valid_param.h"
#include "test.h"
#include "valid_test.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static const char *path(enum rt_valid_style style, enum rt_valid_kind kind, bool explode, const char *text)
{
    static char out[256];
    const struct rt_api_client_param p = {.name = "id", .kind = kind, .style = style, .explode = explode};
    struct rt_json_buf b = {0};

    rt_api_client_param_path(&b, &p, text);
    snprintf(out, sizeof(out), "%.*s", (int)b.len, b.data != NULL ? b.data : "");
    rt_json_buf_free(&b);
    return out;
}

static const char *query(enum rt_valid_style style, enum rt_valid_kind kind, bool explode, const char *text)
{
    static char out[256];
    const struct rt_api_client_param p = {.name = "id", .kind = kind, .style = style, .explode = explode};
    struct rt_json_buf b = {0};
    char sep = '?';

    rt_api_client_param_query(&b, &p, text, &sep);
    rt_api_client_param_query(&b, &p, text, &sep);
    snprintf(out, sizeof(out), "%.*s", (int)b.len, b.data);
    rt_json_buf_free(&b);
    return out;
}

static void test_path(void)
{
    CHECK(same(path(RT_VALID_STYLE_SIMPLE, RT_VALID_STRING, false, "a b/c"), "a%20b%2Fc"));
    CHECK(same(path(RT_VALID_STYLE_SIMPLE, RT_VALID_ARRAY, false, "3,4%2C5"), "3,4%2C5"));
    CHECK(same(path(RT_VALID_STYLE_MATRIX, RT_VALID_INTEGER, false, "5"), ";id=5"));
    CHECK(same(path(RT_VALID_STYLE_MATRIX, RT_VALID_STRING, false, ""), ";id"));
    CHECK(same(path(RT_VALID_STYLE_MATRIX, RT_VALID_ARRAY, false, "3,4,5"), ";id=3,4,5"));
    CHECK(same(path(RT_VALID_STYLE_MATRIX, RT_VALID_ARRAY, true, "3,4,5"), ";id=3;id=4;id=5"));
    CHECK(same(path(RT_VALID_STYLE_LABEL, RT_VALID_INTEGER, false, "5"), ".5"));
    CHECK(same(path(RT_VALID_STYLE_LABEL, RT_VALID_ARRAY, false, "3,4,5"), ".3,4,5"));
    CHECK(same(path(RT_VALID_STYLE_LABEL, RT_VALID_ARRAY, true, "3,4,5"), ".3.4.5"));
}

static void test_query(void)
{
    CHECK(same(query(RT_VALID_STYLE_FORM, RT_VALID_STRING, true, "a&b c"), "?id=a%26b%20c&id=a%26b%20c"));
    CHECK(same(query(RT_VALID_STYLE_FORM, RT_VALID_ARRAY, true, "a,b%2Cc"), "?id=a&id=b%2Cc&id=a&id=b%2Cc"));
    CHECK(same(query(RT_VALID_STYLE_FORM, RT_VALID_ARRAY, false, "a,b%2Cc"), "?id=a,b%2Cc&id=a,b%2Cc"));
    CHECK(same(query(RT_VALID_STYLE_SPACE_DELIMITED, RT_VALID_ARRAY, false, "a,b"), "?id=a%20b&id=a%20b"));
    CHECK(same(query(RT_VALID_STYLE_PIPE_DELIMITED, RT_VALID_ARRAY, false, "a,b"), "?id=a|b&id=a|b"));
    CHECK(same(query(RT_VALID_STYLE_DEEP_OBJECT, RT_VALID_OBJECT, true, "name,x y,age,3"),
               "?id%5Bname%5D=x%20y&id%5Bage%5D=3&id%5Bname%5D=x%20y&id%5Bage%5D=3"));
}

static void test_header_and_cookie(void)
{
    const struct rt_api_client_param h = {.name = "X-Ids", .kind = RT_VALID_ARRAY};
    const struct rt_api_client_param c1 = {
        .name = "s", .kind = RT_VALID_STRING, .style = RT_VALID_STYLE_FORM};
    const struct rt_api_client_param c2 = {.name = "l", .kind = RT_VALID_ARRAY, .style = RT_VALID_STYLE_FORM};
    struct rt_json_buf cookie = {0};
    char *v = rt_api_client_param_header(&h, "1,2%2C3");

    CHECK(same(v, "1,2,3"));
    free(v);
    rt_api_client_param_cookie(&cookie, &c1, "a b;c");
    rt_api_client_param_cookie(&cookie, &c2, "x,y%2Cz");
    rt_json_put_raw(&cookie, "", 1);
    CHECK(same(cookie.data, "s=a%20b%3Bc; l=x,y%2Cz"));
    rt_json_buf_free(&cookie);
}

struct obj {
    const char *name;
    int64_t age;
    bool has_age;
};

static void test_list_texts(void)
{
    const char *strs[] = {"a,b", "c%"};
    const int64_t ints[] = {1, -2};
    const double nums[] = {0.5, 3};
    const bool flags[] = {true, false};
    static const struct rt_valid_rule r_s = {.kind = RT_VALID_STRING}, r_i = {.kind = RT_VALID_INTEGER};
    static const struct rt_valid_field fields[] = {
        {.name = "name",
         .rule = &r_s,
         .offset = offsetof(struct obj, name),
         .aux_offset = RT_VALID_NO_OFFSET},
        {.name = "age",
         .rule = &r_i,
         .offset = offsetof(struct obj, age),
         .aux_offset = offsetof(struct obj, has_age)},
    };
    static const struct rt_valid_model m = {"Obj", sizeof(struct obj), fields, 2, false};
    struct obj o = {.name = "n,1", .age = 4, .has_age = false};
    char *t;

    CHECK(same(t = rt_api_client_list_text(RT_VALID_STRING, strs, 2), "a%2Cb,c%25"));
    free(t);
    CHECK(same(t = rt_api_client_list_text(RT_VALID_INTEGER, ints, 2), "1,-2"));
    free(t);
    CHECK(same(t = rt_api_client_list_text(RT_VALID_NUMBER, nums, 2), "0.5,3"));
    free(t);
    CHECK(same(t = rt_api_client_list_text(RT_VALID_BOOLEAN, flags, 2), "true,false"));
    free(t);
    CHECK(same(t = rt_api_client_object_text(&m, &o), "name,n%2C1"));
    free(t);
    o.has_age = true;
    CHECK(same(t = rt_api_client_object_text(&m, &o), "name,n%2C1,age,4"));
    free(t);
}

/* What the client writes for an array of strings, read back by the server's rt_valid_param. */
static int round_trip(enum rt_valid_style style, bool explode, const char *const *items, size_t n)
{
    static const struct rt_valid_rule r_s = {.kind = RT_VALID_STRING},
                                      r_a = {.kind = RT_VALID_ARRAY, .items = &r_s};
    struct list {
        size_t len;
        const char **items;
    };
    const struct rt_api_client_param cp = {
        .name = "k", .kind = RT_VALID_ARRAY, .style = style, .explode = explode};
    const struct rt_valid_param sp = {.name = "k",
                                      .in = RT_VALID_IN_QUERY,
                                      .style = style,
                                      .explode = explode,
                                      .rule = &r_a,
                                      .offset = offsetof(struct list, items),
                                      .has_offset = RT_VALID_NO_OFFSET,
                                      .len_offset = offsetof(struct list, len),
                                      .empty_offset = RT_VALID_NO_OFFSET};
    char *text = rt_api_client_list_text(RT_VALID_STRING, items, n);
    struct rt_json_buf url = {0};
    struct rt_req_capture cap = {0};
    struct rt_valid_errors errs;
    struct rt_req *req;
    struct list *out;
    char sep = '?';
    int ok;

    rt_json_put_raw(&url, "/x", 2);
    rt_api_client_param_query(&url, &cp, text, &sep);
    rt_json_put_raw(&url, "", 1);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, url.data, NULL, NULL, 0, &cap);
    out = rt_req_alloc(req, sizeof(*out));
    rt_valid_errors_init(&errs);
    ok = rt_valid_param_read(req, &sp, 1, NULL, out, &errs) == 0 && rt_valid_errors_count(&errs) == 0 &&
         out->len == n;
    for (size_t i = 0; ok && i < n; i++)
        ok = strcmp(out->items[i], items[i]) == 0;
    rt_valid_errors_cleanup(&errs);
    rt_req_reply(req, 204, NULL, NULL, 0);
    rt_req_capture_cleanup(&cap);
    rt_json_buf_free(&url);
    free(text);
    return ok;
}

static void test_round_trip(void)
{
    const char *items[] = {"a,b", "c d", "e&f=g", "100%", "h+i"};

    CHECK(round_trip(RT_VALID_STYLE_FORM, true, items, 5));
    CHECK(round_trip(RT_VALID_STYLE_FORM, false, items, 5));
    CHECK(round_trip(RT_VALID_STYLE_FORM, false, items + 1, 1));
}

struct form {
    const char *name;
    struct {
        size_t len;
        const int64_t *items;
    } ids;
    bool ok;
    bool has_ok;
};

static void test_form(void)
{
    static const struct rt_valid_rule r_s = {.kind = RT_VALID_STRING}, r_i = {.kind = RT_VALID_INTEGER};
    static const struct rt_valid_rule r_ids = {.kind = RT_VALID_ARRAY, .items = &r_i},
                                      r_b = {.kind = RT_VALID_BOOLEAN};
    static const struct rt_valid_field fields[] = {
        {.name = "name",
         .rule = &r_s,
         .offset = offsetof(struct form, name),
         .aux_offset = RT_VALID_NO_OFFSET},
        {.name = "ids",
         .rule = &r_ids,
         .offset = offsetof(struct form, ids.items),
         .aux_offset = offsetof(struct form, ids.len)},
        {.name = "ok",
         .rule = &r_b,
         .offset = offsetof(struct form, ok),
         .aux_offset = offsetof(struct form, has_ok)},
    };
    static const struct rt_valid_model m = {"Form", sizeof(struct form), fields, 3, false};
    const int64_t ids[] = {3, 4};
    struct form f = {.name = "a b&c", .ids = {2, ids}};
    struct json_object *j = json_tokener_parse("{\"name\":\"x=y\",\"n\":1.5,\"t\":[1,true],\"z\":null}");
    char *t;

    CHECK(same(t = rt_api_client_form_text(&m, &f), "name=a%20b%26c&ids=3&ids=4"));
    free(t);
    f.has_ok = true;
    f.name = NULL;
    CHECK(same(t = rt_api_client_form_text(&m, &f), "ids=3&ids=4&ok=false"));
    free(t);
    CHECK(same(t = rt_api_client_form_from_json(j), "name=x%3Dy&n=1.5&t=1&t=true"));
    free(t);
    json_object_put(j);
}

int main(void)
{
    test_path();
    test_query();
    test_header_and_cookie();
    test_list_texts();
    test_round_trip();
    test_form();
    return test_done();
}

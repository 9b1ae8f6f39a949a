/*
 * rt_req, replies (req_harness.h): plain, JSON and {"detail"} replies,
 * with the headers a handler added, in order, and gone for the next
 * request; each answer counted in rt_metrics under its operation.
 */
#include "req_harness.h"

#include <json-c/json.h>
#include <string.h>

/* --- replies --- */

static void test_reply_plain(void)
{
    struct rt_req_capture cap = {0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_GET, "/r", NULL, NULL, 0, &cap);
    char body[] = "hello";

    rt_req_reply(req, 201, "text/plain", body, 5);
    body[0] = 'j'; /* the body was copied */
    CHECK(strcmp(body, "jello") == 0);
    CHECK(cap.replied == 1 && cap.status == 201);
    CHECK(strcmp(cap.content_type, "text/plain") == 0);
    CHECK(cap.body_len == 5 && strcmp(cap.body, "hello") == 0);
    CHECK(cap.headers == NULL);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/r", NULL, NULL, 0, &cap);
    rt_req_reply(req, 304, NULL, NULL, 0); /* the capture is reset for the next answer */
    CHECK(cap.status == 304 && cap.content_type == NULL && cap.body == NULL && cap.body_len == 0);
    rt_req_capture_cleanup(&cap);
    CHECK(cap.replied == 0 && cap.body == NULL);
    rt_req_capture_cleanup(NULL);
}

static void test_reply_json(void)
{
    struct rt_req_capture cap = {0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_GET, "/j", NULL, NULL, 0, &cap);
    struct json_object *o = json_object_new_object();

    json_object_object_add(o, "path", json_object_new_string("/a/b"));
    json_object_object_add(o, "n", json_object_new_int(3));
    rt_req_reply_json(req, 200, o); /* takes o */
    CHECK(cap.status == 200 && strcmp(cap.content_type, "application/json") == 0);
    CHECK(strcmp(cap.body, "{\"path\":\"/a/b\",\"n\":3}") == 0); /* plain, slashes not escaped */
    rt_req_capture_cleanup(&cap);
}

static void test_reply_detail(void)
{
    struct rt_req_capture cap = {0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_GET, "/d", NULL, NULL, 0, &cap);

    rt_req_reply_detail(req, 404, "No \"user\"\nhere\\");
    CHECK(cap.status == 404 && strcmp(cap.content_type, "application/json") == 0);
    CHECK(strcmp(cap.body, "{\"detail\":\"No \\\"user\\\"\\nhere\\\\\"}") == 0);
    rt_req_capture_cleanup(&cap);
}

static void test_out_headers(void)
{
    struct rt_req_capture cap = {0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_GET, "/o", NULL, NULL, 0, &cap);
    char name[] = "Location", value[] = "/users/1";

    rt_req_add_header(req, name, value);
    name[0] = 'X'; /* both strings were copied */
    value[0] = 'X';
    CHECK(strcmp(name, "Xocation") == 0 && strcmp(value, "Xusers/1") == 0);
    rt_req_add_header(req, "Allow", "GET, HEAD");
    rt_req_add_header(req, "X-Empty", "");
    /* response splitting: none of these is sent */
    rt_req_add_header(req, "X-Split", "a\r\nSet-Cookie: evil=1");
    rt_req_add_header(req, "X-Lf", "a\nb");
    rt_req_add_header(req, "X-Bad: name", "v");
    rt_req_add_header(req, "", "v");
    CHECK(strcmp(rt_req_out_header(req, "location"), "/users/1") == 0);
    CHECK(strcmp(rt_req_out_header(req, "ALLOW"), "GET, HEAD") == 0);
    CHECK(rt_req_out_header(req, "Xocation") == NULL);
    rt_req_reply(req, 201, NULL, NULL, 0);
    CHECK(cap.headers != NULL &&
          strcmp(cap.headers, "Location: /users/1\r\nAllow: GET, HEAD\r\nX-Empty: \r\n") == 0); /* in order */
    rt_req_capture_cleanup(&cap);
}

static void test_out_headers_reset(void)
{
    struct answer a;
    struct rt_req req;

    req_setup(&req, &a, "out-headers");
    rt_req_add_header(&req, "Retry-After", "1");
    rt_req_reply(&req, 503, NULL, NULL, 0);
    CHECK(strcmp(a.first_out_header, "Retry-After: 1") == 0); /* there when the answer left */
    CHECK(req.out_headers == NULL && rt_req_out_header(&req, "Retry-After") == NULL); /* not for the next */
    rt_req_cleanup(&req);
}

static void test_reply_counted(void)
{
    const char *mine = "http_requests_total{operation=\"op_zero\",status=\"201\"}";
    const char *unmatched = "http_requests_total{operation=\"unmatched\",status=\"409\"}";
    double m0 = metric(mine), u0 = metric(unmatched);
    struct rt_req_capture cap = {0};
    struct rt_req *req;

    req = rt_req_new_detached(NULL, RT_METHOD_POST, "/m", NULL, NULL, 0, &cap);
    rt_req_set_operation(req, 0);
    rt_req_reply(req, 201, NULL, NULL, 0);
    req = rt_req_new_detached(NULL, RT_METHOD_POST, "/m", NULL, NULL, 0, &cap);
    rt_req_reply(req, 409, NULL, NULL, 0); /* never given an operation */
    CHECK(metric(mine) == (m0 < 0 ? 0 : m0) + 1);
    CHECK(metric(unmatched) == (u0 < 0 ? 0 : u0) + 1);
    rt_req_capture_cleanup(&cap);
}

static const struct test_case cases[] = {
    {"reply.plain", test_reply_plain},
    {"reply.json", test_reply_json},
    {"reply.detail", test_reply_detail},
    {"reply.out_headers", test_out_headers},
    {"reply.out_headers_reset", test_out_headers_reset},
    {"reply.counted_in_metrics", test_reply_counted},
};

int main(int argc, char **argv)
{
    return req_test_main(cases, TEST_N(cases), argc, argv);
}

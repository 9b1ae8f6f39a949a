/*
 * rt_req, a request's parts (req_harness.h): method names, parsing and
 * masks; the target split into path and query; headers looked up
 * case-insensitively; the body and the other accessors.  Detached
 * requests (rt_req_new_detached) show the public side.
 */
#include "req_harness.h"

#include <string.h>

/* --- methods --- */

static void test_method_names(void)
{
    CHECK(strcmp(rt_method_name(RT_METHOD_GET), "GET") == 0);
    CHECK(strcmp(rt_method_name(RT_METHOD_OPTIONS), "OPTIONS") == 0);
    CHECK(strcmp(rt_method_name(RT_METHOD_OTHER), "OTHER") == 0);
    CHECK(strcmp(rt_method_name(RT_METHOD_GET | RT_METHOD_POST), "OTHER") == 0); /* not a single method */
    CHECK(rt_method_parse("GET", 3) == RT_METHOD_GET);
    CHECK(rt_method_parse("PATCH", 5) == RT_METHOD_PATCH);
    CHECK(rt_method_parse("get", 3) == RT_METHOD_OTHER); /* case-sensitive */
    CHECK(rt_method_parse("GETX", 3) == RT_METHOD_GET);  /* only @len bytes count */
    CHECK(rt_method_parse("OTHER", 5) == RT_METHOD_OTHER);
    CHECK(rt_method_parse("BREW", 4) == RT_METHOD_OTHER);
}

static void test_method_mask(void)
{
    char buf[64], small[10];

    CHECK(strcmp(rt_method_mask_format(RT_METHOD_POST | RT_METHOD_GET | RT_METHOD_DELETE, buf, sizeof(buf)),
                 "GET, POST, DELETE") == 0);
    CHECK(strcmp(rt_method_mask_format(0, buf, sizeof(buf)), "") == 0);
    CHECK(strcmp(rt_method_mask_format(RT_METHOD_OTHER, buf, sizeof(buf)), "") == 0); /* not a method name */
    /* Truncated when it does not fit, always terminated. */
    CHECK(strcmp(rt_method_mask_format(RT_METHOD_GET | RT_METHOD_HEAD | RT_METHOD_POST, small, sizeof(small)),
                 "GET, HEAD") == 0);
    buf[0] = 'x';
    CHECK(rt_method_mask_format(RT_METHOD_GET, buf, 0) == buf && buf[0] == 'x');
}

/* --- the request's parts --- */

static void test_target(void)
{
    struct rt_req_capture cap = {0};
    struct rt_req *req;

    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/a/b%20c?x=1&y", NULL, NULL, 0, &cap);
    CHECK(strcmp(rt_req_path(req), "/a/b%20c") == 0); /* raw */
    CHECK(strcmp(rt_req_query(req), "x=1&y") == 0);
    rt_req_reply(req, 204, NULL, NULL, 0);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/plain", NULL, NULL, 0, &cap);
    CHECK(strcmp(rt_req_path(req), "/plain") == 0 && rt_req_query(req) == NULL);
    rt_req_reply(req, 204, NULL, NULL, 0);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/api/v1/users?x", NULL, NULL, 0, &cap);
    rt_req_set_mount(req, 7); /* under the base path /api/v1 */
    CHECK(strcmp(rt_req_path(req), "/users") == 0 && strcmp(rt_req_full_path(req), "/api/v1/users") == 0);
    rt_req_reply(req, 204, NULL, NULL, 0);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/api/v1", NULL, NULL, 0, &cap);
    rt_req_set_mount(req, 7);
    CHECK(strcmp(rt_req_path(req), "/") == 0); /* the base path alone is its root */
    rt_req_reply(req, 204, NULL, NULL, 0);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/empty?", NULL, NULL, 0, &cap);
    CHECK(rt_req_query(req) != NULL && rt_req_query(req)[0] == '\0');
    rt_req_reply(req, 204, NULL, NULL, 0);
    CHECK(rt_req_new_detached(NULL, RT_METHOD_GET, "no-slash", NULL, NULL, 0, &cap) == NULL);
    CHECK(rt_req_new_detached(NULL, RT_METHOD_GET, NULL, NULL, NULL, 0, &cap) == NULL);
    rt_req_capture_cleanup(&cap);
}

static void test_headers(void)
{
    const char *const headers[] = {"Content-Type", "text/plain", "X-Dup",    "first",
                                   "x-dup",        "second",     "Dangling", NULL};
    struct rt_req_capture cap = {0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_POST, "/h", headers, NULL, 0, &cap);

    CHECK(strcmp(rt_req_header(req, "content-type"), "text/plain") == 0);
    CHECK(strcmp(rt_req_header(req, "CONTENT-TYPE"), "text/plain") == 0);
    CHECK(strcmp(rt_req_header(req, "X-DUP"), "first") == 0); /* the first of a repeated name */
    CHECK(rt_req_header(req, "Dangling") == NULL);            /* a name without a value is ignored */
    CHECK(rt_req_header(req, "Missing") == NULL);
    CHECK(rt_req_header(req, "Content-Typ") == NULL);
    rt_req_reply(req, 204, NULL, NULL, 0);
    rt_req_capture_cleanup(&cap);
}

static void test_body_and_accessors(void)
{
    struct rt_req_capture cap = {0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_PUT, "/b", NULL, "abc\0def", 7, &cap);
    size_t len = 0;
    const char *body = rt_req_body(req, &len);

    CHECK(len == 7 && memcmp(body, "abc\0def", 7) == 0 && body[7] == '\0');
    CHECK(rt_req_body(req, NULL) == body);
    CHECK(rt_req_method(req) == RT_METHOD_PUT);
    CHECK(rt_req_base(req) == NULL);
    CHECK(strncmp(rt_req_id(req), "detached-", 9) == 0);
    CHECK(rt_req_peer_gone(req) == 0);
    rt_req_reply(req, 204, NULL, NULL, 0);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/nobody", NULL, NULL, 0, &cap);
    len = 99;
    CHECK(rt_req_body(req, &len) == NULL && len == 0);
    rt_req_reply(req, 204, NULL, NULL, 0);
    rt_req_capture_cleanup(&cap);
}

static const struct test_case cases[] = {
    {"method.names", test_method_names},
    {"method.mask", test_method_mask},
    {"parts.target", test_target},
    {"parts.headers", test_headers},
    {"parts.body_and_accessors", test_body_and_accessors},
};

int main(int argc, char **argv)
{
    return req_test_main(cases, TEST_N(cases), argc, argv);
}

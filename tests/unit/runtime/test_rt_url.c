/*
 * rt_url: percent-decoding, UTF-8 checking and query lookup.  The router
 * (rt_url_route) is exercised through the generated api_dispatch() in
 * tests/unit/generated/test_api_dispatch.c and tests/codegen/test_fixture.c.
 */
#include "test.h"

#include "rt_req.h"
#include "rt_url.h"

#include <string.h>

static int decodes(const char *in, int form, const char *expected)
{
    char out[128];
    size_t len = 0;

    return rt_url_decode(out, in, strlen(in), form, &len) == RT_URL_OK && len == strlen(expected) &&
           memcmp(out, expected, len) == 0;
}

static int fails(const char *in, int expected)
{
    char out[128];

    return rt_url_decode(out, in, strlen(in), false, NULL) == expected;
}

static void test_decode(void)
{
    CHECK(decodes("abc", false, "abc"));
    CHECK(decodes("a%20b", false, "a b"));
    CHECK(decodes("a%2Fb%2fc", false, "a/b/c"));
    CHECK(decodes("a+b", false, "a+b"));
    CHECK(decodes("a+b", true, "a b"));
    CHECK(decodes("%C3%B6", false, "\xc3\xb6"));
    CHECK(decodes("", false, ""));
    CHECK(fails("%", RT_URL_BAD_ESCAPE));
    CHECK(fails("%4", RT_URL_BAD_ESCAPE));
    CHECK(fails("%zz", RT_URL_BAD_ESCAPE));
    CHECK(fails("%4g", RT_URL_BAD_ESCAPE));
    CHECK(fails("a%00b", RT_URL_NUL));
    CHECK(fails("%FF", RT_URL_BAD_UTF8));
    CHECK(fails("%C3", RT_URL_BAD_UTF8));
    CHECK(fails("%C0%AF", RT_URL_BAD_UTF8));       /* overlong '/' */
    CHECK(fails("%ED%A0%80", RT_URL_BAD_UTF8));    /* a surrogate */
    CHECK(fails("%F4%90%80%80", RT_URL_BAD_UTF8)); /* above U+10FFFF */
    CHECK(strcmp(rt_url_strerror(RT_URL_NUL), "NUL character") == 0);
}

static void test_utf8(void)
{
    CHECK(rt_url_utf8_length("abc", 3) == 3);
    CHECK(rt_url_utf8_length("\xc3\xb6\xe2\x82\xac\xf0\x9f\x98\x80", 9) == 3);
    CHECK(rt_url_utf8_length("\xe2\x82", 2) == -1);
    CHECK(rt_url_utf8_length("\x80", 1) == -1);
    CHECK(rt_url_utf8_length("", 0) == 0);
}

static void test_query(void)
{
    struct rt_req_capture cap = {0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_GET, "/", NULL, NULL, 0, &cap);
    const char *v = NULL;

    CHECK(rt_url_query_get(req, NULL, "a", &v) == RT_URL_OK && v == NULL);
    CHECK(rt_url_query_get(req, "a=1&b=2", "b", &v) == RT_URL_OK && strcmp(v, "2") == 0);
    CHECK(rt_url_query_get(req, "a=1&a=2", "a", &v) == RT_URL_OK && strcmp(v, "2") == 0);
    CHECK(rt_url_query_get(req, "a", "a", &v) == RT_URL_OK && strcmp(v, "") == 0);
    CHECK(rt_url_query_get(req, "a=", "a", &v) == RT_URL_OK && strcmp(v, "") == 0);
    CHECK(rt_url_query_get(req, "&&a=x+y%21&", "a", &v) == RT_URL_OK && strcmp(v, "x y!") == 0);
    CHECK(rt_url_query_get(req, "%61=1", "a", &v) == RT_URL_OK && strcmp(v, "1") == 0);
    CHECK(rt_url_query_get(req, "ab=1", "a", &v) == RT_URL_OK && v == NULL);
    CHECK(rt_url_query_get(req, "a=1=2", "a", &v) == RT_URL_OK && strcmp(v, "1=2") == 0);
    CHECK(rt_url_query_get(req, "a=%zz", "a", &v) == RT_URL_BAD_ESCAPE && v == NULL);
    CHECK(rt_url_query_get(req, "a=%zz&a=1", "a", &v) == RT_URL_OK && strcmp(v, "1") == 0);
    CHECK(rt_url_query_get(req, "%zz=1&a=2", "a", &v) == RT_URL_OK && strcmp(v, "2") == 0);
    rt_req_reply(req, 204, NULL, NULL, 0);
    CHECK(cap.replied && cap.status == 204);
    rt_req_capture_cleanup(&cap);
}

int main(void)
{
    test_decode();
    test_utf8();
    test_query();
    return test_done();
}

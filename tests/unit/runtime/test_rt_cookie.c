/*
 * rt_cookie: finding a cookie in a Cookie header (RFC 6265 §4.2): pairs
 * with and without blanks, quoted values, repeated names, malformed pairs.
 */
#include "test.h"

#include "rt_cookie.h"

#include <string.h>

static void test_cookie(void)
{
    const char *v;
    size_t len;

    CHECK(rt_cookie_get("a=1; b=2", "b", &v, &len) && len == 1 && v[0] == '2');
    CHECK(rt_cookie_get("a=1;b=2", "a", &v, &len) && len == 1 && v[0] == '1');
    CHECK(rt_cookie_get(" a = x y ; a=2", "a", &v, &len) && len == 3 && strncmp(v, "x y", 3) == 0);
    CHECK(rt_cookie_get("a=\"q\"", "a", &v, &len) && len == 1 && v[0] == 'q');
    CHECK(rt_cookie_get("a=", "a", &v, &len) && len == 0);
    CHECK(rt_cookie_get("a=\"", "a", &v, &len) && len == 1); /* a lone quote is kept */
    CHECK(!rt_cookie_get("ab=1; A=2; a", "a", &v, &len));
    CHECK(!rt_cookie_get(NULL, "a", &v, &len));
    CHECK(!rt_cookie_get("=1", "", &v, &len));
    CHECK(!rt_cookie_get(";;", "a", &v, &len));
}

int main(void)
{
    test_cookie();
    return test_done();
}

/*
 * rt_negotiate: choosing a declared media type by Accept (RFC 9110
 * §12.5.1): the RFC's own precedence and q-value examples, q=0, ties,
 * parameters, case, malformed and absent headers, several Accept lines.
 */
#include "test.h"

#include "rt_negotiate.h"
#include "rt_req.h"

#include <stddef.h>

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * RFC 9110 §12.5.1's precedence example: the ranges "text/plain;format=flowed", "text/plain", "text/" with a
 * star and the star of all types, most specific first; each declared type gets its most specific range's q.
 */
static void test_precedence(void)
{
    static const char accept[] = "text/*;q=0.1, text/plain;q=0.2, text/plain;format=flowed;q=0.3, */*;q=0.4";
    static const char *const flowed[] = {"text/plain;format=flowed", "text/plain;format=fixed"};
    static const char *const plain[] = {"text/plain", "image/png"};
    static const char *const html[] = {"text/html", "image/png"};
    static const char *const any[] = {"text/html", "image/png"};

    CHECK(rt_negotiate(accept, flowed, N(flowed), 1) == 0); /* 0.3 (its own range) over 0.2 (text/plain's) */
    CHECK(rt_negotiate(accept, plain, N(plain), 0) == 1);   /* text/plain 0.2, not the 0.4 of all types */
    CHECK(rt_negotiate(accept, html, N(html), 0) == 1); /* text/html 0.1 (its type's range), image/png 0.4 */
    CHECK(rt_negotiate("text/*, text/plain, text/plain;format=flowed, */*", any, N(any), 1) == 1); /* a tie */
}

/*
 * RFC 9110 §12.5.1's q-value example gives text/plain;format=flowed 1, text/plain 0.7, image/jpeg 0.5,
 * text/plain;format=fixed 0.4, text/html 0.3, text/html;level=3 0.3 (the RFC's table says 0.7 there, an
 * erratum: no text/html range is in this Accept); each pair below is checked both ways round.
 */
static void test_rfc_weights(void)
{
    static const char accept[] = "text/*;q=0.3, text/plain;q=0.7, text/plain;format=flowed, "
                                 "text/plain;format=fixed;q=0.4, */*;q=0.5";
    static const char *const order[] = {"text/plain;format=flowed", "text/plain", "image/jpeg",
                                        "text/plain;format=fixed", "text/html"};
    static const char *const equal[] = {"text/html;level=3", "text/html"};

    for (size_t i = 0; i + 1 < N(order); i++) {
        const char *const pair[] = {order[i], order[i + 1]};
        const char *const swapped[] = {order[i + 1], order[i]};

        CHECK(rt_negotiate(accept, pair, 2, 1) == 0);
        CHECK(rt_negotiate(accept, swapped, 2, 0) == 1);
    }
    CHECK(rt_negotiate(accept, equal, 2, 0) == 0);
    CHECK(rt_negotiate(accept, equal, 2, 1) == 1);
}

static void test_exclusion_and_ties(void)
{
    static const char *const jx[] = {"application/json", "application/xml"};

    CHECK(rt_negotiate("application/xml", jx, 2, 0) == 1);
    CHECK(rt_negotiate("application/json;q=0, */*", jx, 2, 0) == 1); /* q=0 excludes */
    CHECK(rt_negotiate("application/json;q=0, application/xml;q=0.000", jx, 2, 0) == -1);
    CHECK(rt_negotiate("image/png", jx, 2, 0) == -1);                        /* nothing matches */
    CHECK(rt_negotiate("application/xml, application/json", jx, 2, 0) == 0); /* a tie: the preferred */
    CHECK(rt_negotiate("application/xml, application/json", jx, 2, 1) == 1);
    CHECK(rt_negotiate("*/*", jx, 2, 1) == 1);
    CHECK(rt_negotiate("application/*;q=0.5, application/xml;q=0.6", jx, 2, 0) == 1);
    CHECK(rt_negotiate("application/xml;q=0.5, application/*;q=0.6", jx, 2, 0) ==
          0); /* json: its type's 0.6 */
    CHECK(rt_negotiate("*/*;q=0.1, application/xml;q=1.000", jx, 2, 0) == 1);
    CHECK(rt_negotiate("application/xml, application/xml;q=0", jx, 2, 0) ==
          1);                                               /* equally specific: the first */
    CHECK(rt_negotiate("application/xml", jx, 0, 0) == -1); /* nothing declared */
}

static void test_case_params_and_ext(void)
{
    static const char *const jx[] = {"application/json", "application/xml"};
    static const char *const utf8[] = {"text/html", "text/plain;charset=utf-8"};

    CHECK(rt_negotiate("APPLICATION/XML", jx, 2, 0) == 1);
    CHECK(rt_negotiate("Application/*;Q=0.5, application/JSON;q=0.4", jx, 2, 0) == 1);
    CHECK(rt_negotiate("text/plain;charset=UTF-8, text/html;q=0.5", utf8, 2, 0) == 1); /* charset: any case */
    CHECK(rt_negotiate("text/plain;charset=\"utf-8\", text/html;q=0.5", utf8, 2, 0) == 1); /* quoted */
    CHECK(rt_negotiate("text/plain;charset=latin1, text/html;q=0.5", utf8, 2, 1) == 0); /* another charset */
    CHECK(rt_negotiate("text/plain;level=1, text/html;q=0.5", utf8, 2, 1) == 0); /* a parameter it lacks */
    /* charset=utf-8 on a range whose declared type names no charset: what is sent is UTF-8 (a JSON client's)
     */
    CHECK(rt_negotiate("application/json;charset=utf-8, application/xml;q=0.5", jx, 2, 1) == 0);
    CHECK(rt_negotiate("application/json; charset=UTF-8", jx, 2, 1) == 0);
    CHECK(rt_negotiate("application/json;charset=latin1, application/xml;q=0.5", jx, 2, 0) == 1);
    CHECK(rt_negotiate("application/xml;q=0.5;ext=1, application/json;q=0.4", jx, 2, 0) ==
          1);                                                     /* accept-ext */
    CHECK(rt_negotiate(" , application/xml ,, ", jx, 2, 0) == 1); /* empty list elements */
    CHECK(rt_negotiate("application/xml\t;\tq=0.9 , application/json ; q=0.8", jx, 2, 0) == 1);
}

/* A malformed or absent Accept is no Accept: the preferred type. */
static void test_malformed(void)
{
    static const char *const jx[] = {"application/json", "application/xml"};
    static const char *const bad[] = {"application",
                                      "application/xml;q=2",
                                      "application/xml;q=0.1234",
                                      "application/xml;q=1.001",
                                      "application/xml;q=",
                                      "application/xml;q",
                                      "*/xml",
                                      "application/xml, /json",
                                      "application/xml;a=\"open",
                                      "application/xml garbage",
                                      "",
                                      " , "};

    for (size_t i = 0; i < N(bad); i++)
        CHECK(rt_negotiate(bad[i], jx, 2, 1) == 1);
    CHECK(rt_negotiate(NULL, jx, 2, 1) == 1);
    CHECK(rt_negotiate(NULL, jx, 2, 7) == 0); /* a preferred index out of range: the first */
}

/* rt_req_negotiate(): the request's Accept, several lines as one list. */
static void test_request(void)
{
    static const char *const jx[] = {"application/json", "application/xml"};
    static const char *const none[] = {NULL};
    static const char *const one[] = {"Accept", "application/xml", NULL};
    static const char *const two[] = {"accept", "application/json;q=0.5", "ACCEPT", "application/xml", NULL};
    static const char *const three[] = {
        "Accept", "application/json;q=0.5", "X-Other", "1", "Accept", "text/html",
        "Accept", "application/xml;q=0.7",  NULL};
    struct rt_req_capture cap = {0};
    struct rt_req *req;

    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/", none, NULL, 0, &cap);
    CHECK(rt_req_negotiate(req, jx, 2, 0) == 0);
    rt_req_reply(req, 204, NULL, NULL, 0);
    rt_req_capture_cleanup(&cap);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/", one, NULL, 0, &cap);
    CHECK(rt_req_negotiate(req, jx, 2, 0) == 1);
    rt_req_reply(req, 204, NULL, NULL, 0);
    rt_req_capture_cleanup(&cap);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/", two, NULL, 0, &cap);
    CHECK(rt_req_negotiate(req, jx, 2, 0) == 1);
    rt_req_reply(req, 204, NULL, NULL, 0);
    rt_req_capture_cleanup(&cap);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/", three, NULL, 0, &cap); /* three lines, one list */
    CHECK(rt_req_negotiate(req, jx, 2, 0) == 1);
    rt_req_reply(req, 204, NULL, NULL, 0);
    rt_req_capture_cleanup(&cap);
}

int main(void)
{
    test_precedence();
    test_rfc_weights();
    test_exclusion_and_ties();
    test_case_params_and_ext();
    test_malformed();
    test_request();
    return test_done();
}

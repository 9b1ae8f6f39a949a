/*
 * rt_cors: the settings it refuses, origin matching, and what a preflight
 * or an actual request gets, on detached requests.  The paths' methods come
 * from rt_url_path_methods() over a small route table, as the generated
 * api_path_methods() gives them.
 */
#include "test.h"

#include "rt_cors.h"
#include "rt_req.h"
#include "rt_url.h"

#include <stdbool.h>
#include <string.h>

static const char *const seg_users[] = {"users", ""};
static const char *const seg_user[] = {"users", NULL};

static const struct rt_url_route routes[] = {
    {.path = "/users/",
     .segments = seg_users,
     .n_segments = 2,
     .methods = RT_METHOD_GET | RT_METHOD_HEAD,
     .op = 0},
    {.path = "/users/", .segments = seg_users, .n_segments = 2, .methods = RT_METHOD_POST, .op = 1},
    {.path = "/users/{e}", .segments = seg_user, .n_segments = 2, .methods = RT_METHOD_DELETE, .op = 2},
};

static unsigned path_methods(struct rt_req *req)
{
    return rt_url_path_methods(req, routes, sizeof(routes) / sizeof(routes[0]));
}

#define HEADERS "Content-Type, Authorization, X-API-Key, X-Request-ID"
#define EXPOSE "Location, Retry-After, X-Request-ID"

static int configure(const char *origins, const char *methods, bool credentials, char *err, size_t errlen)
{
    const struct rt_cors_settings s = {origins, methods, HEADERS, EXPOSE, credentials, 600000};

    if (err != NULL)
        err[0] = '\0';
    return rt_cors_configure(&s, err, errlen);
}

static int refused(const char *origins, const char *methods, bool credentials, const char *why)
{
    char err[512];

    return configure(origins, methods, credentials, err, sizeof(err)) == -1 && strstr(err, why) != NULL &&
           !rt_cors_enabled();
}

/* The captured answer has the header line "Name: value". */
static bool has(const struct rt_req_capture *cap, const char *line)
{
    char want[512];

    snprintf(want, sizeof(want), "%s\r\n", line);
    return cap->headers != NULL && strstr(cap->headers, want) != NULL;
}

static bool has_name(const struct rt_req_capture *cap, const char *name)
{
    return cap->headers != NULL && strstr(cap->headers, name) != NULL;
}

/*
 * Send @method @target with Origin @origin (NULL: none) and, when @asked is
 * set, Access-Control-Request-Method; what rt_cors_handle() did is in @cap:
 * answered by it (returns true), or answered 299 by "routing" after it.
 */
static const char *base = ""; /* the base path the tests mount under */

static bool run(enum rt_method method, const char *target, const char *origin, const char *asked,
                struct rt_req_capture *cap)
{
    const char *headers[] = {"Origin", origin, "Access-Control-Request-Method", asked, NULL};
    struct rt_req *req;
    bool answered;

    memset(cap, 0, sizeof(*cap));
    if (origin == NULL)
        headers[0] = NULL;
    else if (asked == NULL)
        headers[2] = NULL;
    req = rt_req_new_detached(NULL, method, target, headers, NULL, 0, cap);
    answered = rt_cors_handle(req, path_methods, base);
    if (!answered)
        rt_req_reply(req, 299, NULL, NULL, 0);
    return answered;
}

static void test_settings(void)
{
    char err[512];

    CHECK(configure("", "", false, err, sizeof(err)) == 0 && !rt_cors_enabled());
    CHECK(configure("http://localhost:5173, https://app.example.com", "", true, err, sizeof(err)) == 0);
    CHECK(rt_cors_enabled());
    CHECK(configure("*", "GET, POST", false, err, sizeof(err)) == 0 && rt_cors_enabled());
    CHECK(refused("*", "", true, "never allowed from every origin"));
    CHECK(refused("*, https://a.example", "", false, "stands alone"));
    CHECK(refused("https://a.example/", "", false, "no path"));
    CHECK(refused("https://a.example/app", "", false, "no path"));
    CHECK(refused("a.example", "", false, "not scheme://host"));
    CHECK(refused("HTTPS://a.example", "", false, "lower case"));
    CHECK(refused("https://a.example,,https://b.example", "", false, "an empty entry"));
    CHECK(refused("null", "", false, "not scheme://host"));
    CHECK(refused("https://a.example", "GET, FETCH", false, "'FETCH' is not one of"));
    CHECK(refused("https://a.example", "get", false, "'get' is not one of"));
    CHECK(refused("", "GET", false, "CORS_ALLOW_METHODS is set but CORS_ALLOW_ORIGINS is not"));
    CHECK(refused("", "", true, "CORS_ALLOW_CREDENTIALS is on but CORS_ALLOW_ORIGINS is not"));
    {
        const struct rt_cors_settings s = {
            "https://a.example", "", "Content-Type, X Bad", EXPOSE, false, 1000};

        err[0] = '\0';
        CHECK(rt_cors_configure(&s, err, sizeof(err)) == -1 && strstr(err, "'X Bad' is not a header name"));
    }
}

static void test_origins(void)
{
    CHECK(configure("http://localhost:5173, https://app.example.com", "", false, NULL, 0) == 0);
    CHECK(rt_cors_origin_allowed("http://localhost:5173"));
    CHECK(rt_cors_origin_allowed("https://app.example.com"));
    CHECK(!rt_cors_origin_allowed("http://localhost:5174"));
    CHECK(!rt_cors_origin_allowed("http://localhost"));
    CHECK(!rt_cors_origin_allowed("https://app.example.com.evil.example"));
    CHECK(!rt_cors_origin_allowed("https://APP.example.com"));
    CHECK(!rt_cors_origin_allowed("http://app.example.com"));
    CHECK(!rt_cors_origin_allowed("null"));
    CHECK(!rt_cors_origin_allowed(""));
    CHECK(!rt_cors_origin_allowed(NULL));
    CHECK(configure("*", "", false, NULL, 0) == 0);
    CHECK(rt_cors_origin_allowed("https://anything.example") && rt_cors_origin_allowed("null"));
    CHECK(configure("", "", false, NULL, 0) == 0);
    CHECK(!rt_cors_origin_allowed("https://anything.example"));
}

static void test_actual_requests(void)
{
    struct rt_req_capture cap;

    CHECK(configure("", "", false, NULL, 0) == 0); /* off: nothing added, OPTIONS goes on to routing */
    CHECK(!run(RT_METHOD_OPTIONS, "/users/", "https://a.example", "POST", &cap) && cap.status == 299);
    CHECK(cap.headers == NULL);
    rt_req_capture_cleanup(&cap);

    CHECK(configure("https://a.example", "", false, NULL, 0) == 0);
    CHECK(!run(RT_METHOD_GET, "/users/", "https://a.example", NULL, &cap) && cap.status == 299);
    CHECK(has(&cap, "Access-Control-Allow-Origin: https://a.example") && has(&cap, "Vary: Origin"));
    CHECK(has(&cap, "Access-Control-Expose-Headers: " EXPOSE));
    CHECK(!has_name(&cap, "Access-Control-Allow-Credentials"));
    rt_req_capture_cleanup(&cap);
    /* an unknown path too: the 404 routing gives still carries them */
    CHECK(!run(RT_METHOD_GET, "/nowhere", "https://a.example", NULL, &cap));
    CHECK(has(&cap, "Access-Control-Allow-Origin: https://a.example"));
    rt_req_capture_cleanup(&cap);
    /* a disallowed origin: Vary only, the origin never echoed */
    CHECK(!run(RT_METHOD_GET, "/users/", "https://evil.example", NULL, &cap) && cap.status == 299);
    CHECK(has(&cap, "Vary: Origin") && !has_name(&cap, "Access-Control-") && !strstr(cap.headers, "evil"));
    rt_req_capture_cleanup(&cap);
    /* no Origin (not a cross-origin request): Vary only */
    CHECK(!run(RT_METHOD_GET, "/users/", NULL, NULL, &cap) && has(&cap, "Vary: Origin"));
    CHECK(!has_name(&cap, "Access-Control-"));
    rt_req_capture_cleanup(&cap);
    /* OPTIONS without Access-Control-Request-Method is not a preflight */
    CHECK(!run(RT_METHOD_OPTIONS, "/users/", "https://a.example", NULL, &cap) && cap.status == 299);
    CHECK(has(&cap, "Access-Control-Allow-Origin: https://a.example"));
    rt_req_capture_cleanup(&cap);

    CHECK(configure("https://a.example", "", true, NULL, 0) == 0);
    CHECK(!run(RT_METHOD_POST, "/users/", "https://a.example", NULL, &cap));
    CHECK(has(&cap, "Access-Control-Allow-Origin: https://a.example"));
    CHECK(has(&cap, "Access-Control-Allow-Credentials: true"));
    rt_req_capture_cleanup(&cap);

    CHECK(configure("*", "", false, NULL, 0) == 0);
    CHECK(!run(RT_METHOD_GET, "/users/", "https://b.example", NULL, &cap));
    CHECK(has(&cap, "Access-Control-Allow-Origin: *") && !strstr(cap.headers, "b.example"));
    CHECK(!has_name(&cap, "Access-Control-Allow-Credentials"));
    rt_req_capture_cleanup(&cap);
}

/*
 * rt_cors_add_headers(), what rt_server gives the errors rt_http answers
 * before routing: an actual request's headers, also on what looks like a
 * preflight (it is being refused: never answered 204 here), and nothing
 * when CORS is off.
 */
static void test_add_headers(void)
{
    const char *preflight[] = {"Origin", "https://a.example", "Access-Control-Request-Method", "POST", NULL};
    const char *evil[] = {"Origin", "https://evil.example", NULL};
    struct rt_req_capture cap = {0};
    struct rt_req *req;

    CHECK(configure("https://a.example", "", true, NULL, 0) == 0);
    req = rt_req_new_detached(NULL, RT_METHOD_OPTIONS, "/users/", preflight, NULL, 0, &cap);
    rt_cors_add_headers(req);
    CHECK(!cap.replied);
    rt_req_reply(req, 413, NULL, NULL, 0);
    CHECK(cap.status == 413 && has(&cap, "Vary: Origin"));
    CHECK(has(&cap, "Access-Control-Allow-Origin: https://a.example"));
    CHECK(has(&cap, "Access-Control-Allow-Credentials: true") &&
          has(&cap, "Access-Control-Expose-Headers: " EXPOSE));
    CHECK(!has_name(&cap, "Access-Control-Allow-Methods"));
    rt_req_capture_cleanup(&cap);
    req = rt_req_new_detached(NULL, RT_METHOD_POST, "/users/", evil, NULL, 0, &cap);
    rt_cors_add_headers(req);
    rt_req_reply(req, 413, NULL, NULL, 0);
    CHECK(has(&cap, "Vary: Origin") && !has_name(&cap, "Access-Control-") && !strstr(cap.headers, "evil"));
    rt_req_capture_cleanup(&cap);
    CHECK(configure("", "", false, NULL, 0) == 0);
    req = rt_req_new_detached(NULL, RT_METHOD_POST, "/users/", preflight, NULL, 0, &cap);
    rt_cors_add_headers(req);
    rt_req_reply(req, 413, NULL, NULL, 0);
    CHECK(cap.headers == NULL);
    rt_req_capture_cleanup(&cap);
}

static void test_preflights(void)
{
    struct rt_req_capture cap;

    CHECK(configure("https://a.example", "", false, NULL, 0) == 0);
    CHECK(run(RT_METHOD_OPTIONS, "/users/", "https://a.example", "POST", &cap) && cap.status == 204);
    CHECK(has(&cap, "Access-Control-Allow-Origin: https://a.example") && has(&cap, "Vary: Origin"));
    CHECK(has(&cap, "Access-Control-Allow-Methods: GET, HEAD, POST"));
    CHECK(has(&cap, "Access-Control-Allow-Headers: " HEADERS));
    CHECK(has(&cap, "Access-Control-Max-Age: 600"));
    CHECK(cap.body == NULL);
    rt_req_capture_cleanup(&cap);
    CHECK(run(RT_METHOD_OPTIONS, "/users/x%40y.example", "https://a.example", "DELETE", &cap));
    CHECK(cap.status == 204 && has(&cap, "Access-Control-Allow-Methods: DELETE"));
    rt_req_capture_cleanup(&cap);
    /* a method the path does not have, a path that does not exist, a bad path: routing, no CORS header */
    CHECK(!run(RT_METHOD_OPTIONS, "/users/", "https://a.example", "DELETE", &cap) && cap.status == 299);
    CHECK(!has_name(&cap, "Access-Control-") && has(&cap, "Vary: Origin"));
    rt_req_capture_cleanup(&cap);
    CHECK(!run(RT_METHOD_OPTIONS, "/nowhere/", "https://a.example", "GET", &cap) && cap.status == 299);
    CHECK(!has_name(&cap, "Access-Control-"));
    rt_req_capture_cleanup(&cap);
    CHECK(!run(RT_METHOD_OPTIONS, "/users/%zz", "https://a.example", "DELETE", &cap));
    CHECK(!has_name(&cap, "Access-Control-"));
    rt_req_capture_cleanup(&cap);
    CHECK(!run(RT_METHOD_OPTIONS, "/users/", "https://a.example", "post",
               &cap)); /* methods are case-sensitive */
    rt_req_capture_cleanup(&cap);
    /* a disallowed origin's preflight: routing, nothing echoed */
    CHECK(!run(RT_METHOD_OPTIONS, "/users/", "https://evil.example", "POST", &cap) && cap.status == 299);
    CHECK(!has_name(&cap, "Access-Control-") && !strstr(cap.headers, "evil"));
    rt_req_capture_cleanup(&cap);
    /* CORS_ALLOW_METHODS narrows the path's methods, never widens them */
    CHECK(configure("https://a.example", "GET, DELETE", false, NULL, 0) == 0);
    CHECK(!run(RT_METHOD_OPTIONS, "/users/", "https://a.example", "POST", &cap));
    CHECK(!has_name(&cap, "Access-Control-"));
    rt_req_capture_cleanup(&cap);
    CHECK(run(RT_METHOD_OPTIONS, "/users/", "https://a.example", "GET", &cap));
    CHECK(has(&cap, "Access-Control-Allow-Methods: GET"));
    rt_req_capture_cleanup(&cap);
    /* `*`: Allow-Origin `*`, no credentials; with credentials the origin itself */
    CHECK(configure("*", "", false, NULL, 0) == 0);
    CHECK(run(RT_METHOD_OPTIONS, "/users/", "https://b.example", "POST", &cap));
    CHECK(has(&cap, "Access-Control-Allow-Origin: *") && !has_name(&cap, "Access-Control-Allow-Credentials"));
    rt_req_capture_cleanup(&cap);
    CHECK(configure("https://a.example", "", true, NULL, 0) == 0);
    CHECK(run(RT_METHOD_OPTIONS, "/users/", "https://a.example", "POST", &cap));
    CHECK(has(&cap, "Access-Control-Allow-Origin: https://a.example"));
    CHECK(has(&cap, "Access-Control-Allow-Credentials: true"));
    rt_req_capture_cleanup(&cap);
    /* no path_methods (an application without the generated function): no preflight is answered */
    {
        const char *headers[] = {"Origin", "https://a.example", "Access-Control-Request-Method", "GET", NULL};
        struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_OPTIONS, "/users/", headers, NULL, 0, &cap);

        memset(&cap, 0, sizeof(cap));
        CHECK(!rt_cors_handle(req, NULL, ""));
        rt_req_reply(req, 299, NULL, NULL, 0);
        CHECK(!has_name(&cap, "Access-Control-"));
        rt_req_capture_cleanup(&cap);
    }
}

/* Under a base path, a preflight's path is looked up below it; outside it, it has no methods. */
static void test_base_path(void)
{
    struct rt_req_capture cap;

    CHECK(configure("https://a.example", "", false, NULL, 0) == 0);
    base = "/v1";
    CHECK(run(RT_METHOD_OPTIONS, "/v1/users/", "https://a.example", "POST", &cap) && cap.status == 204);
    CHECK(has(&cap, "Access-Control-Allow-Methods: GET, HEAD, POST"));
    rt_req_capture_cleanup(&cap);
    CHECK(!run(RT_METHOD_OPTIONS, "/users/", "https://a.example", "POST", &cap));
    CHECK(!has_name(&cap, "Access-Control-"));
    rt_req_capture_cleanup(&cap);
    CHECK(!run(RT_METHOD_OPTIONS, "/v1x/users/", "https://a.example", "POST", &cap));
    CHECK(!has_name(&cap, "Access-Control-"));
    rt_req_capture_cleanup(&cap);
    CHECK(!run(RT_METHOD_GET, "/elsewhere", "https://a.example", NULL, &cap)); /* routing's 404 gets them */
    CHECK(has(&cap, "Access-Control-Allow-Origin: https://a.example"));
    rt_req_capture_cleanup(&cap);
    base = "";
}

static void test_path_methods(void)
{
    struct rt_req_capture cap = {0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_OPTIONS, "/users/", NULL, NULL, 0, &cap);

    CHECK(path_methods(req) == (RT_METHOD_GET | RT_METHOD_HEAD | RT_METHOD_POST));
    rt_req_reply(req, 204, NULL, NULL, 0);
    CHECK(cap.replied && cap.status == 204); /* it answered nothing itself */
    rt_req_capture_cleanup(&cap);
    req = rt_req_new_detached(NULL, RT_METHOD_GET, "/users", NULL, NULL, 0, &cap);
    CHECK(path_methods(req) == 0); /* the other trailing-slash form is not the path */
    rt_req_reply(req, 204, NULL, NULL, 0);
    rt_req_capture_cleanup(&cap);
}

int main(void)
{
    test_settings();
    test_origins();
    test_actual_requests();
    test_add_headers();
    test_preflights();
    test_base_path();
    test_path_methods();
    return test_done();
}

/*
 * rt_api_client with a hand-written operation table (what generated
 * api_client.c emits) against an evhttp server on the same loop: the URL
 * from the path template and the query (percent-encoded), header
 * parameters, the body serialized with its model, answers parsed into the
 * documented model (or flagged), credentials where the operation's
 * security schemes take them, calls refused before sending, the
 * operation lookup, the parameter texts and the base URL; parameters in
 * each style (matrix, label, query arrays, deepObject, cookies, header
 * lists) and form bodies as the server receives them.
 */
#include "api_client_harness.h"
#include "rt_api_client.h"
#include "rt_valid_schema.h"
#include "test.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

/* --- an operation table, as the generator would write it (the model: api_client_harness.h) --- */

static const struct rt_api_client_param params_get_thing[] = {
    {.name = "id", .in = RT_API_CLIENT_IN_PATH, .kind = RT_VALID_INTEGER, .required = true, .summary = ""},
    {.name = "label", .in = RT_API_CLIENT_IN_PATH, .kind = RT_VALID_STRING, .required = true, .summary = ""},
    {.name = "q", .in = RT_API_CLIENT_IN_QUERY, .kind = RT_VALID_STRING, .required = false, .summary = ""},
    {.name = "X-Trace",
     .in = RT_API_CLIENT_IN_HEADER,
     .kind = RT_VALID_STRING,
     .required = false,
     .summary = ""},
    {.name = "page",
     .in = RT_API_CLIENT_IN_QUERY,
     .kind = RT_VALID_INTEGER,
     .required = false,
     .summary = ""},
};
/* Every style (rt_api_client_param), and a form body. */
static const struct rt_api_client_param params_styles[] = {
    {.name = "m",
     .in = RT_API_CLIENT_IN_PATH,
     .kind = RT_VALID_ARRAY,
     .style = RT_VALID_STYLE_MATRIX,
     .explode = true},
    {.name = "l", .in = RT_API_CLIENT_IN_PATH, .kind = RT_VALID_INTEGER, .style = RT_VALID_STYLE_LABEL},
    {.name = "tag",
     .in = RT_API_CLIENT_IN_QUERY,
     .kind = RT_VALID_ARRAY,
     .style = RT_VALID_STYLE_FORM,
     .explode = true},
    {.name = "ids", .in = RT_API_CLIENT_IN_QUERY, .kind = RT_VALID_ARRAY, .style = RT_VALID_STYLE_FORM},
    {.name = "f",
     .in = RT_API_CLIENT_IN_QUERY,
     .kind = RT_VALID_OBJECT,
     .style = RT_VALID_STYLE_DEEP_OBJECT,
     .explode = true},
    {.name = "s", .in = RT_API_CLIENT_IN_COOKIE, .kind = RT_VALID_STRING, .style = RT_VALID_STYLE_FORM},
    {.name = "p", .in = RT_API_CLIENT_IN_COOKIE, .kind = RT_VALID_ARRAY, .style = RT_VALID_STYLE_FORM},
    {.name = "X-Trace",
     .in = RT_API_CLIENT_IN_HEADER,
     .kind = RT_VALID_ARRAY,
     .style = RT_VALID_STYLE_SIMPLE},
};
/* 202: a JSON body that is not an object model, validated against its schema (a non-negative integer) */
static const struct rt_valid_schema count_schema = {.types = RT_VALID_T_INTEGER,
                                                    .minimum = {.text = "0", .value = 0, .is_int = true}};
static const struct rt_api_client_status responses_get_thing[] = {{.status = 200, .model = &thing_model},
                                                                  {.status = 404, .model = NULL},
                                                                  {.status = 202, .schema = &count_schema}};
static const char *const headers_4xx[] = {"Retry-After", NULL};
static const struct rt_api_client_status responses_create_thing[] = {
    {.status = 201, .model = &thing_model},
    {.status = 400, .status_hi = 499, .model = &thing_model, .headers = headers_4xx}};

static const struct rt_api_client_scheme schemes_secret[] = {
    {.name = "h", .kind = RT_AUTH_API_KEY_HEADER, .param = "X-Key"},
    {.name = "q", .kind = RT_AUTH_API_KEY_QUERY, .param = "key"},
    {.name = "c1", .kind = RT_AUTH_API_KEY_COOKIE, .param = "sid"},
    {.name = "c2", .kind = RT_AUTH_API_KEY_COOKIE, .param = "other"},
    {.name = "b", .kind = RT_AUTH_HTTP_BEARER, .param = NULL},
    {.name = "u", .kind = RT_AUTH_HTTP_BASIC, .param = NULL},
};

static const struct rt_api_client_op ops[] = {
    {.id = "get_thing",
     .method = "GET",
     .path = "/things/{id}/{label}",
     .summary = "",
     .params = params_get_thing,
     .n_params = 5,
     .body = NULL,
     .body_required = false,
     .responses = responses_get_thing,
     .n_responses = 3},
    {.id = "create_thing",
     .method = "POST",
     .path = "/things",
     .summary = "",
     .params = NULL,
     .n_params = 0,
     .body = &thing_model,
     .body_required = true,
     .responses = responses_create_thing,
     .n_responses = 2},
    {.id = "secret",
     .method = "GET",
     .path = "/secret",
     .summary = "",
     .responses = responses_get_thing,
     .n_responses = 2,
     .schemes = schemes_secret,
     .n_schemes = 6},
    {.id = "basic_only",
     .method = "GET",
     .path = "/basic",
     .summary = "",
     .responses = responses_get_thing,
     .n_responses = 2,
     .schemes = schemes_secret + 5,
     .n_schemes = 1},
    {.id = "styles",
     .method = "GET",
     .path = "/s/{m}/{l}",
     .summary = "",
     .params = params_styles,
     .n_params = 8,
     .responses = responses_create_thing,
     .n_responses = 1,
     .schemes = schemes_secret + 2, /* an API key in the cookie "sid" */
     .n_schemes = 1},
    {.id = "form",
     .method = "POST",
     .path = "/form",
     .summary = "",
     .body = &thing_model,
     .body_required = true,
     .body_form = true,
     .responses = responses_create_thing,
     .n_responses = 1},
};

/* --- the server (api_client_harness.h records what it got): answers what it is told --- */

static struct api_harness h;
static struct rt_api_client *const client = &h.client;

static struct {
    int status;         /* to answer */
    const char *answer; /* body to answer */
    const char *ctype;  /* its Content-Type */
    const char *retry;  /* a Retry-After to answer, or NULL */
} srv;

static void on_request(struct evhttp_request *req, void *arg)
{
    (void)arg;
    if (srv.retry != NULL)
        evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", srv.retry);
    api_harness_send(req, srv.status, srv.ctype, srv.answer, strlen(srv.answer));
}

/* The first header @p name of the request the server got last; "" if it had none. */
static const char *got_header(const char *name)
{
    return api_harness_header(&h, name);
}

static void answer(int status, const char *body, const char *ctype)
{
    memset(&srv, 0, sizeof(srv));
    srv.status = status;
    srv.answer = body;
    srv.ctype = ctype;
}

/* --- what a callback saw --- */

struct seen {
    int calls;
    int status;
    bool documented, has_model, has_json;
    char error[128];
    char invalid[128];
    char name[64];
    int64_t n;
    bool parsed;
    const struct rt_api_client_status *matched;
    char retry[16]; /* the Retry-After received, or "" */
};

static void on_any(const struct rt_api_client_response *res, void *arg)
{
    struct seen *s = arg;
    const struct thing *t = res->body;

    s->calls++;
    s->status = res->status;
    s->documented = res->documented;
    s->has_model = res->model != NULL;
    s->has_json = res->json != NULL;
    s->matched = res->matched;
    snprintf(s->retry, sizeof(s->retry), "%s",
             rt_api_client_header(res, "retry-after") != NULL ? rt_api_client_header(res, "retry-after")
                                                              : "");
    snprintf(s->error, sizeof(s->error), "%s", res->error != NULL ? res->error : "");
    snprintf(s->invalid, sizeof(s->invalid), "%s", res->invalid != NULL ? res->invalid : "");
    if (t != NULL) {
        s->parsed = true;
        snprintf(s->name, sizeof(s->name), "%s", t->name);
        s->n = t->has_n ? t->n : -1;
    }
    api_harness_answered(&h);
}

/* Run the loop until the call was answered, 10 s at most (the checks then see what is missing). */
static void run(void)
{
    api_harness_run(&h);
}

/* --- tests --- */

static void test_url_headers_and_parsed_body(void)
{
    const char *values[5] = {"7", "a b/c?", "x&y=z", "t-1", NULL};
    struct seen s = {0};

    answer(200, "{\"name\":\"box\",\"n\":3}", "application/json");
    CHECK(rt_api_client_call(client, &ops[0], values, NULL, on_any, &s) == 0);
    CHECK(s.calls == 0); /* never from inside the call */
    run();
    CHECK(h.got.method == EVHTTP_REQ_GET);
    CHECK(strcmp(h.got.uri, "/api/things/7/a%20b%2Fc%3F?q=x%26y%3Dz") == 0);
    CHECK(strcmp(got_header("X-Trace"), "t-1") == 0);
    CHECK(h.got.body[0] == '\0' && got_header("Content-Type")[0] == '\0');
    CHECK(s.calls == 1 && s.status == 200 && s.documented && s.has_model && s.has_json);
    CHECK(s.parsed && strcmp(s.name, "box") == 0 && s.n == 3 && s.invalid[0] == '\0');
}

static void test_only_given_values_are_sent(void)
{
    const char *values[5] = {"1", "é", NULL, NULL, "2"};
    struct seen s = {0};

    answer(404, "", "application/json");
    CHECK(rt_api_client_call(client, &ops[0], values, NULL, on_any, &s) == 0);
    run();
    CHECK(strcmp(h.got.uri, "/api/things/1/%C3%A9?page=2") == 0);
    CHECK(got_header("X-Trace")[0] == '\0');
    CHECK(s.status == 404 && s.documented && !s.has_model && !s.has_json && !s.parsed);
}

static void test_styles_and_forms(void)
{
    const char *values[8] = {"a,b", "5", "1,2", "3,4", "name,x y", "v 1", "x,y", "t1,t2"};
    struct thing t = {.name = "a&b", .n = 2, .has_n = true};
    struct seen s = {0};

    answer(201, "{\"name\":\"box\"}", "application/json");
    CHECK(rt_api_client_call(client, &ops[4], values, NULL, on_any, &s) == 0);
    run();
    CHECK(strcmp(h.got.uri, "/api/s/;m=a;m=b/.5?tag=1&tag=2&ids=3,4&f%5Bname%5D=x%20y") == 0);
    CHECK(strcmp(got_header("Cookie"), "s=v%201; p=x,y") == 0 && strcmp(got_header("X-Trace"), "t1,t2") == 0);
    client->auth.api_key = "k1"; /* one Cookie header: the parameters', then the credentials' */
    CHECK(rt_api_client_call(client, &ops[4], values, NULL, on_any, &s) == 0);
    run();
    CHECK(strcmp(got_header("Cookie"), "s=v%201; p=x,y; sid=k1") == 0);
    client->auth.api_key = NULL;
    CHECK(s.status == 201);
    CHECK(rt_api_client_start(client, &ops[5], NULL, &t, api_harness_deliver, (void (*)(void))on_any, &s) ==
          0);
    run();
    CHECK(strcmp(h.got.body, "name=a%26b&n=2") == 0 &&
          strcmp(got_header("Content-Type"), "application/x-www-form-urlencoded") == 0);
    CHECK(rt_api_client_call(client, &ops[5], NULL, "{\"name\":\"c d\",\"n\":[1,2]}", on_any, &s) == 0);
    run();
    CHECK(strcmp(h.got.body, "name=c%20d&n=1&n=2") == 0);
}

static void test_body_not_the_model(void)
{
    const char *values[5] = {"1", "x", NULL, NULL, NULL};
    struct seen s = {0}, t = {0};

    answer(200, "{\"n\":\"three\"}", "application/json");
    CHECK(rt_api_client_call(client, &ops[0], values, NULL, on_any, &s) == 0);
    run();
    CHECK(s.documented && s.has_model && s.has_json && !s.parsed);
    CHECK(strncmp(s.invalid, "name: ", 6) == 0);
    answer(200, "not json", "text/plain");
    CHECK(rt_api_client_call(client, &ops[0], values, NULL, on_any, &t) == 0);
    run();
    CHECK(t.documented && !t.has_json && !t.parsed && strcmp(t.invalid, "the body is not JSON") == 0);
}

static void test_body_not_the_schema(void)
{
    const char *values[5] = {"1", "x", NULL, NULL, NULL};
    struct seen s = {0}, t = {0};

    answer(202, "5", "application/json");
    CHECK(rt_api_client_call(client, &ops[0], values, NULL, on_any, &s) == 0);
    run();
    CHECK(s.status == 202 && s.documented && s.has_json && s.invalid[0] == '\0');
    answer(202, "-1", "application/json");
    CHECK(rt_api_client_call(client, &ops[0], values, NULL, on_any, &t) == 0);
    run();
    CHECK(t.status == 202 && t.has_json && strstr(t.invalid, "greater than or equal to 0") != NULL);
}

static void test_undocumented_status(void)
{
    const char *values[5] = {"1", "x", NULL, NULL, NULL};
    struct seen s = {0};

    answer(500, "{\"detail\":\"boom\"}", "application/json");
    CHECK(rt_api_client_call(client, &ops[0], values, NULL, on_any, &s) == 0);
    run();
    CHECK(s.status == 500 && !s.documented && !s.has_model && s.has_json && s.error[0] == '\0');
}

/* A range response (4XX) documents the statuses without their own, with its model; headers reach the
 * callback. */
static void test_range_and_headers(void)
{
    struct seen s = {0}, t = {0};

    answer(429, "{\"name\":\"slow down\"}", "application/json");
    srv.retry = "9";
    CHECK(rt_api_client_call(client, &ops[1], NULL, "{}", on_any, &s) == 0);
    run();
    CHECK(s.status == 429 && s.documented && s.matched == &responses_create_thing[1] && s.parsed);
    CHECK(strcmp(s.name, "slow down") == 0 && strcmp(s.retry, "9") == 0);
    answer(201, "{\"name\":\"made\"}", "application/json");
    CHECK(rt_api_client_call(client, &ops[1], NULL, "{}", on_any, &t) == 0);
    run();
    CHECK(t.matched == &responses_create_thing[0] && t.parsed && t.retry[0] == '\0');
    answer(503, "{}", "application/json");
    CHECK(rt_api_client_call(client, &ops[1], NULL, "{}", on_any, &t) == 0);
    run();
    CHECK(t.status == 503 && !t.documented && t.matched == NULL);
}

static void test_typed_body(void)
{
    struct thing body = {.name = "new \"one\"/", .n = 5, .has_n = true};
    struct seen s = {0};

    answer(201, "{\"name\":\"new\"}", "application/json");
    CHECK(rt_api_client_start(client, &ops[1], NULL, &body, api_harness_deliver, (void (*)(void))on_any,
                              &s) == 0);
    run();
    CHECK(h.got.method == EVHTTP_REQ_POST && strcmp(h.got.uri, "/api/things") == 0);
    CHECK(strcmp(got_header("Content-Type"), "application/json") == 0);
    CHECK(strcmp(h.got.body, "{\"name\":\"new \\\"one\\\"/\",\"n\":5}") == 0);
    CHECK(s.status == 201 && s.parsed && strcmp(s.name, "new") == 0 && s.n == -1);
}

static void test_text_body(void)
{
    struct seen s = {0};

    answer(201, "{\"name\":\"raw\"}", "application/json");
    CHECK(rt_api_client_call(client, &ops[1], NULL, "{not json", on_any, &s) == 0);
    run();
    CHECK(strcmp(h.got.body, "{not json") == 0 &&
          strcmp(got_header("Content-Type"), "application/json") == 0);
    CHECK(s.status == 201 && s.parsed && strcmp(s.name, "raw") == 0);
}

static void test_credentials(void)
{
    struct seen s = {0};

    answer(200, "{\"name\":\"s\"}", "application/json");
    CHECK(rt_api_client_call(client, &ops[2], NULL, NULL, on_any, &s) == 0); /* none set: none sent */
    run();
    CHECK(strcmp(h.got.uri, "/api/secret") == 0 && got_header("X-Key")[0] == '\0' &&
          got_header("Cookie")[0] == '\0' && got_header("Authorization")[0] == '\0');
    client->auth.api_key = "k y&1";
    client->auth.bearer_token = "tok.123";
    client->auth.basic_user = "ann";
    client->auth.basic_password = "p:w";
    CHECK(rt_api_client_call(client, &ops[2], NULL, NULL, on_any, &s) == 0);
    run();
    CHECK(strcmp(h.got.uri, "/api/secret?key=k%20y%261") == 0);
    CHECK(strcmp(got_header("X-Key"), "k y&1") == 0);
    CHECK(strcmp(got_header("Cookie"), "sid=k y&1; other=k y&1") == 0);
    CHECK(strcmp(got_header("Authorization"), "Bearer tok.123") ==
          0); /* the first http scheme with a credential */
    CHECK(rt_api_client_call(client, &ops[3], NULL, NULL, on_any, &s) == 0);
    run();
    CHECK(strcmp(got_header("Authorization"), "Basic YW5uOnA6dw==") == 0); /* base64("ann:p:w") */
    CHECK(s.calls == 3 && s.status == 200);
    memset(&client->auth, 0, sizeof(client->auth));
}

static void test_refused_before_sending(void)
{
    const char *values[5] = {"1", NULL, NULL, NULL, NULL};
    struct seen s = {0};
    struct rt_api_client none = {0};
    static const struct rt_api_client_op bad_template = {
        .id = "bad", .method = "GET", .path = "/x/{nope}", .summary = ""};

    CHECK(rt_api_client_call(client, &ops[0], values, NULL, on_any, &s) == -1); /* a path value is missing */
    CHECK(rt_api_client_call(client, &ops[0], NULL, NULL, on_any, &s) == -1);
    CHECK(rt_api_client_call(client, &bad_template, NULL, NULL, on_any, &s) == -1);
    CHECK(rt_api_client_call(client, NULL, NULL, NULL, on_any, &s) == -1);
    CHECK(rt_api_client_call(client, &ops[1], NULL, NULL, NULL, &s) == -1);
    CHECK(rt_api_client_call(&none, &ops[1], NULL, NULL, on_any, &s) == -1);
    CHECK(rt_api_client_start(client, &ops[1], NULL, NULL, api_harness_deliver, (void (*)(void))on_any, &s) ==
          -1);
    CHECK(rt_api_client_start(client, &ops[0], NULL, &s, api_harness_deliver, (void (*)(void))on_any, &s) ==
          -1);
    CHECK(s.calls == 0);
}

static void test_find_op(void)
{
    CHECK(rt_api_client_find_op(ops, 2, "get_thing") == &ops[0]);
    CHECK(rt_api_client_find_op(ops, 2, "create-thing") == &ops[1]);
    CHECK(rt_api_client_find_op(ops, 2, "get") == NULL);
    CHECK(rt_api_client_find_op(ops, 2, "get_things") == NULL);
    CHECK(rt_api_client_find_op(ops, 2, "get-thing-") == NULL);
    CHECK(rt_api_client_find_op(ops, 2, NULL) == NULL);
    CHECK(rt_api_client_find_op(ops, 0, "get_thing") == NULL);
}

static void test_texts(void)
{
    char buf[32];

    CHECK(strcmp(rt_api_client_text_int(buf, sizeof(buf), -42), "-42") == 0);
    CHECK(strcmp(rt_api_client_text_int(buf, sizeof(buf), INT64_MIN), "-9223372036854775808") == 0);
    CHECK(strcmp(rt_api_client_text_number(buf, sizeof(buf), 0.5), "0.5") == 0);
    CHECK(strcmp(rt_api_client_text_number(buf, sizeof(buf), 0.1), "0.1") == 0);
    CHECK(strcmp(rt_api_client_text_number(buf, sizeof(buf), 2.0), "2") == 0);
    CHECK(strcmp(rt_api_client_text_number(buf, sizeof(buf), 0.30000000000000004), "0.30000000000000004") ==
          0);
    CHECK(strtod(rt_api_client_text_number(buf, sizeof(buf), 1e300), NULL) == 1e300);
}

static void test_init(void)
{
    struct rt_api_client c = {0};

    CHECK(rt_api_client_init(&c, h.http, "ftp://example.com") == -1);
    CHECK(rt_api_client_init(&c, h.http, "example.com") == -1);
    CHECK(rt_api_client_init(&c, NULL, "http://example.com") == -1);
    CHECK(rt_api_client_init(&c, h.http, "https://example.com/v1///") == 0);
    CHECK(c.base_url != NULL && strcmp(c.base_url, "https://example.com/v1") == 0 && c.http == h.http);
    rt_api_client_cleanup(&c);
    CHECK(c.base_url == NULL && c.http == NULL);
    /* The spec's server path: appended to a URL without a path, not to one with a path. */
    CHECK(rt_api_client_init_server(&c, h.http, "http://h:8000", "/api/v1") == 0);
    CHECK(strcmp(c.base_url, "http://h:8000/api/v1") == 0);
    rt_api_client_cleanup(&c);
    CHECK(rt_api_client_init_server(&c, h.http, "http://h:8000/", "/api/v1") == 0);
    CHECK(strcmp(c.base_url, "http://h:8000") == 0);
    rt_api_client_cleanup(&c);
    CHECK(rt_api_client_init_server(&c, h.http, "http://h/other", "/api/v1") == 0);
    CHECK(strcmp(c.base_url, "http://h/other") == 0);
    rt_api_client_cleanup(&c);
    CHECK(rt_api_client_init_server(&c, h.http, "h:8000", "/api/v1") == -1);
    rt_api_client_cleanup(&c); /* idempotent */
    rt_api_client_cleanup(NULL);
}

int main(void)
{
    int started = api_harness_start(&h, "/api/", on_request, NULL);

    CHECK(started == 0);
    if (started == 0) {
        test_url_headers_and_parsed_body();
        test_only_given_values_are_sent();
        test_styles_and_forms();
        test_body_not_the_model();
        test_body_not_the_schema();
        test_undocumented_status();
        test_range_and_headers();
        test_typed_body();
        test_text_body();
        test_credentials();
        test_refused_before_sending();
        test_find_op();
        test_texts();
        test_init();
    }
    api_harness_stop(&h);
    return test_done();
}

/*
 * rt_api_client with a hand-written operation table (what generated
 * api_client.c emits) against an evhttp server on the same loop: the URL
 * from the path template and the query (percent-encoded), header
 * parameters, the body serialized with its model, answers parsed into the
 * documented model (or flagged), credentials where the operation's
 * security schemes take them, calls refused before sending, the
 * operation lookup, the parameter texts and the base URL.
 */
#include "rt_api_client.h"
#include "rt_valid_schema.h"
#include "rt_client.h"
#include "test.h"
#include "test_loop.h"

#include <arpa/inet.h>
#include <json-c/json.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

/* --- a model and an operation table, as the generator would write them --- */

struct thing {
    const char *name;
    int64_t n;
    bool has_n;
};

static const struct rt_valid_rule rule_name = {.kind = RT_VALID_STRING};
static const struct rt_valid_rule rule_n = {.kind = RT_VALID_INTEGER};
static const struct rt_valid_field fields_thing[] = {
    {.name = "name",
     .rule = &rule_name,
     .required = true,
     .offset = offsetof(struct thing, name),
     .aux_offset = RT_VALID_NO_OFFSET},
    {.name = "n",
     .rule = &rule_n,
     .required = false,
     .offset = offsetof(struct thing, n),
     .aux_offset = offsetof(struct thing, has_n)},
};
static const struct rt_valid_model thing_model = {
    .name = "Thing", .size = sizeof(struct thing), .fields = fields_thing, .n_fields = 2};

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
};

/* --- the server: records what it got, answers what it is told --- */

static struct event_base *base;
static struct rt_client *http;
static struct rt_api_client client;
static int pending;

static struct {
    char method[16];
    char uri[512];
    char trace[64];
    char key[64];
    char cookie[128];
    char authorization[128];
    char content_type[64];
    char body[512];
    int status;         /* to answer */
    const char *answer; /* body to answer */
    const char *ctype;  /* its Content-Type */
    const char *retry;  /* a Retry-After to answer, or NULL */
} srv;

static void on_request(struct evhttp_request *req, void *arg)
{
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    struct evbuffer *body = evhttp_request_get_input_buffer(req);
    struct evbuffer *out = evbuffer_new();
    const char *h;
    size_t n = evbuffer_get_length(body);

    (void)arg;
    snprintf(srv.method, sizeof(srv.method), "%s",
             evhttp_request_get_command(req) == EVHTTP_REQ_POST ? "POST" : "GET");
    snprintf(srv.uri, sizeof(srv.uri), "%s", evhttp_request_get_uri(req));
    h = evhttp_find_header(in, "X-Trace");
    snprintf(srv.trace, sizeof(srv.trace), "%s", h != NULL ? h : "");
    h = evhttp_find_header(in, "X-Key");
    snprintf(srv.key, sizeof(srv.key), "%s", h != NULL ? h : "");
    h = evhttp_find_header(in, "Cookie");
    snprintf(srv.cookie, sizeof(srv.cookie), "%s", h != NULL ? h : "");
    h = evhttp_find_header(in, "Authorization");
    snprintf(srv.authorization, sizeof(srv.authorization), "%s", h != NULL ? h : "");
    h = evhttp_find_header(in, "Content-Type");
    snprintf(srv.content_type, sizeof(srv.content_type), "%s", h != NULL ? h : "");
    if (n >= sizeof(srv.body))
        n = sizeof(srv.body) - 1;
    evbuffer_copyout(body, srv.body, n);
    srv.body[n] = '\0';
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", srv.ctype);
    if (srv.retry != NULL)
        evhttp_add_header(evhttp_request_get_output_headers(req), "Retry-After", srv.retry);
    evbuffer_add(out, srv.answer, strlen(srv.answer));
    evhttp_send_reply(req, srv.status, "X", out);
    evbuffer_free(out);
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
    if (--pending == 0)
        event_base_loopexit(base, NULL);
}

/* A typed wrapper's deliverer, as generated: casts the callback back. */
static void deliver_thing(const struct rt_api_client_response *res, void (*cb)(void), void *arg)
{
    ((rt_api_client_cb)cb)(res, arg);
}

static bool all_answered(void *arg)
{
    (void)arg;
    return pending == 0;
}

/* Run the loop until the call was answered, 10 s at most (the checks then see what is missing). */
static void run(void)
{
    pending = 1;
    run_until(base, all_answered, NULL, 10000);
}

/* --- tests --- */

static void test_url_headers_and_parsed_body(void)
{
    const char *values[5] = {"7", "a b/c?", "x&y=z", "t-1", NULL};
    struct seen s = {0};

    answer(200, "{\"name\":\"box\",\"n\":3}", "application/json");
    CHECK(rt_api_client_call(&client, &ops[0], values, NULL, on_any, &s) == 0);
    CHECK(s.calls == 0); /* never from inside the call */
    run();
    CHECK(strcmp(srv.method, "GET") == 0);
    CHECK(strcmp(srv.uri, "/api/things/7/a%20b%2Fc%3F?q=x%26y%3Dz") == 0);
    CHECK(strcmp(srv.trace, "t-1") == 0);
    CHECK(srv.body[0] == '\0' && srv.content_type[0] == '\0');
    CHECK(s.calls == 1 && s.status == 200 && s.documented && s.has_model && s.has_json);
    CHECK(s.parsed && strcmp(s.name, "box") == 0 && s.n == 3 && s.invalid[0] == '\0');
}

static void test_only_given_values_are_sent(void)
{
    const char *values[5] = {"1", "é", NULL, NULL, "2"};
    struct seen s = {0};

    answer(404, "", "application/json");
    CHECK(rt_api_client_call(&client, &ops[0], values, NULL, on_any, &s) == 0);
    run();
    CHECK(strcmp(srv.uri, "/api/things/1/%C3%A9?page=2") == 0);
    CHECK(srv.trace[0] == '\0');
    CHECK(s.status == 404 && s.documented && !s.has_model && !s.has_json && !s.parsed);
}

static void test_body_not_the_model(void)
{
    const char *values[5] = {"1", "x", NULL, NULL, NULL};
    struct seen s = {0}, t = {0};

    answer(200, "{\"n\":\"three\"}", "application/json");
    CHECK(rt_api_client_call(&client, &ops[0], values, NULL, on_any, &s) == 0);
    run();
    CHECK(s.documented && s.has_model && s.has_json && !s.parsed);
    CHECK(strncmp(s.invalid, "name: ", 6) == 0);
    answer(200, "not json", "text/plain");
    CHECK(rt_api_client_call(&client, &ops[0], values, NULL, on_any, &t) == 0);
    run();
    CHECK(t.documented && !t.has_json && !t.parsed && strcmp(t.invalid, "the body is not JSON") == 0);
}

static void test_body_not_the_schema(void)
{
    const char *values[5] = {"1", "x", NULL, NULL, NULL};
    struct seen s = {0}, t = {0};

    answer(202, "5", "application/json");
    CHECK(rt_api_client_call(&client, &ops[0], values, NULL, on_any, &s) == 0);
    run();
    CHECK(s.status == 202 && s.documented && s.has_json && s.invalid[0] == '\0');
    answer(202, "-1", "application/json");
    CHECK(rt_api_client_call(&client, &ops[0], values, NULL, on_any, &t) == 0);
    run();
    CHECK(t.status == 202 && t.has_json && strstr(t.invalid, "greater than or equal to 0") != NULL);
}

static void test_undocumented_status(void)
{
    const char *values[5] = {"1", "x", NULL, NULL, NULL};
    struct seen s = {0};

    answer(500, "{\"detail\":\"boom\"}", "application/json");
    CHECK(rt_api_client_call(&client, &ops[0], values, NULL, on_any, &s) == 0);
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
    CHECK(rt_api_client_call(&client, &ops[1], NULL, "{}", on_any, &s) == 0);
    run();
    CHECK(s.status == 429 && s.documented && s.matched == &responses_create_thing[1] && s.parsed);
    CHECK(strcmp(s.name, "slow down") == 0 && strcmp(s.retry, "9") == 0);
    answer(201, "{\"name\":\"made\"}", "application/json");
    CHECK(rt_api_client_call(&client, &ops[1], NULL, "{}", on_any, &t) == 0);
    run();
    CHECK(t.matched == &responses_create_thing[0] && t.parsed && t.retry[0] == '\0');
    answer(503, "{}", "application/json");
    CHECK(rt_api_client_call(&client, &ops[1], NULL, "{}", on_any, &t) == 0);
    run();
    CHECK(t.status == 503 && !t.documented && t.matched == NULL);
}

static void test_typed_body(void)
{
    struct thing body = {.name = "new \"one\"/", .n = 5, .has_n = true};
    struct seen s = {0};

    answer(201, "{\"name\":\"new\"}", "application/json");
    CHECK(rt_api_client_start(&client, &ops[1], NULL, &body, deliver_thing, (void (*)(void))on_any, &s) == 0);
    run();
    CHECK(strcmp(srv.method, "POST") == 0 && strcmp(srv.uri, "/api/things") == 0);
    CHECK(strcmp(srv.content_type, "application/json") == 0);
    CHECK(strcmp(srv.body, "{\"name\":\"new \\\"one\\\"/\",\"n\":5}") == 0);
    CHECK(s.status == 201 && s.parsed && strcmp(s.name, "new") == 0 && s.n == -1);
}

static void test_text_body(void)
{
    struct seen s = {0};

    answer(201, "{\"name\":\"raw\"}", "application/json");
    CHECK(rt_api_client_call(&client, &ops[1], NULL, "{not json", on_any, &s) == 0);
    run();
    CHECK(strcmp(srv.body, "{not json") == 0 && strcmp(srv.content_type, "application/json") == 0);
    CHECK(s.status == 201 && s.parsed && strcmp(s.name, "raw") == 0);
}

static void test_credentials(void)
{
    struct seen s = {0};

    answer(200, "{\"name\":\"s\"}", "application/json");
    CHECK(rt_api_client_call(&client, &ops[2], NULL, NULL, on_any, &s) == 0); /* none set: none sent */
    run();
    CHECK(strcmp(srv.uri, "/api/secret") == 0 && srv.key[0] == '\0' && srv.cookie[0] == '\0' &&
          srv.authorization[0] == '\0');
    client.auth.api_key = "k y&1";
    client.auth.bearer_token = "tok.123";
    client.auth.basic_user = "ann";
    client.auth.basic_password = "p:w";
    CHECK(rt_api_client_call(&client, &ops[2], NULL, NULL, on_any, &s) == 0);
    run();
    CHECK(strcmp(srv.uri, "/api/secret?key=k%20y%261") == 0);
    CHECK(strcmp(srv.key, "k y&1") == 0);
    CHECK(strcmp(srv.cookie, "sid=k y&1; other=k y&1") == 0);
    CHECK(strcmp(srv.authorization, "Bearer tok.123") == 0); /* the first http scheme with a credential */
    CHECK(rt_api_client_call(&client, &ops[3], NULL, NULL, on_any, &s) == 0);
    run();
    CHECK(strcmp(srv.authorization, "Basic YW5uOnA6dw==") == 0); /* base64("ann:p:w") */
    CHECK(s.calls == 3 && s.status == 200);
    memset(&client.auth, 0, sizeof(client.auth));
}

static void test_refused_before_sending(void)
{
    const char *values[5] = {"1", NULL, NULL, NULL, NULL};
    struct seen s = {0};
    struct rt_api_client none = {0};
    static const struct rt_api_client_op bad_template = {
        .id = "bad", .method = "GET", .path = "/x/{nope}", .summary = ""};

    CHECK(rt_api_client_call(&client, &ops[0], values, NULL, on_any, &s) == -1); /* a path value is missing */
    CHECK(rt_api_client_call(&client, &ops[0], NULL, NULL, on_any, &s) == -1);
    CHECK(rt_api_client_call(&client, &bad_template, NULL, NULL, on_any, &s) == -1);
    CHECK(rt_api_client_call(&client, NULL, NULL, NULL, on_any, &s) == -1);
    CHECK(rt_api_client_call(&client, &ops[1], NULL, NULL, NULL, &s) == -1);
    CHECK(rt_api_client_call(&none, &ops[1], NULL, NULL, on_any, &s) == -1);
    CHECK(rt_api_client_start(&client, &ops[1], NULL, NULL, deliver_thing, (void (*)(void))on_any, &s) == -1);
    CHECK(rt_api_client_start(&client, &ops[0], NULL, &s, deliver_thing, (void (*)(void))on_any, &s) == -1);
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

    CHECK(rt_api_client_init(&c, http, "ftp://example.com") == -1);
    CHECK(rt_api_client_init(&c, http, "example.com") == -1);
    CHECK(rt_api_client_init(&c, NULL, "http://example.com") == -1);
    CHECK(rt_api_client_init(&c, http, "https://example.com/v1///") == 0);
    CHECK(c.base_url != NULL && strcmp(c.base_url, "https://example.com/v1") == 0 && c.http == http);
    rt_api_client_cleanup(&c);
    CHECK(c.base_url == NULL && c.http == NULL);
    /* The spec's server path: appended to a URL without a path, not to one with a path. */
    CHECK(rt_api_client_init_server(&c, http, "http://h:8000", "/api/v1") == 0);
    CHECK(strcmp(c.base_url, "http://h:8000/api/v1") == 0);
    rt_api_client_cleanup(&c);
    CHECK(rt_api_client_init_server(&c, http, "http://h:8000/", "/api/v1") == 0);
    CHECK(strcmp(c.base_url, "http://h:8000") == 0);
    rt_api_client_cleanup(&c);
    CHECK(rt_api_client_init_server(&c, http, "http://h/other", "/api/v1") == 0);
    CHECK(strcmp(c.base_url, "http://h/other") == 0);
    rt_api_client_cleanup(&c);
    CHECK(rt_api_client_init_server(&c, http, "h:8000", "/api/v1") == -1);
    rt_api_client_cleanup(&c); /* idempotent */
    rt_api_client_cleanup(NULL);
}

int main(void)
{
    struct evhttp *server;
    struct evhttp_bound_socket *bound;
    struct sockaddr_in addr;
    socklen_t len = sizeof(addr);
    char url[64], err[256];

    base = event_base_new();
    server = evhttp_new(base);
    bound = evhttp_bind_socket_with_handle(server, "127.0.0.1", 0);
    CHECK(bound != NULL);
    if (bound == NULL)
        return test_done();
    evhttp_set_gencb(server, on_request, NULL);
    getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&addr, &len);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/api/", ntohs(addr.sin_port));
    http = rt_client_new(base, NULL, err, sizeof(err));
    CHECK(http != NULL);
    if (http == NULL)
        return test_done();
    CHECK(rt_api_client_init(&client, http, url) == 0);

    test_url_headers_and_parsed_body();
    test_only_given_values_are_sent();
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

    rt_api_client_cleanup(&client);
    rt_client_free(http);
    evhttp_free(server);
    event_base_free(base);
    return test_done();
}

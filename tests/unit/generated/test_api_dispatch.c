/*
 * api_dispatch() from generated/ (openapi.yaml) driven through detached
 * requests: routing, percent-decoding, 400/404/405/307, 422 bodies exactly
 * as FastAPI writes them, request bodies, and the 501 default handlers.
 *
 * The handlers of create_user and async_delay are defined here and echo
 * what they were given; every other operation keeps its weak 501 default.
 */
#include "../runtime/test.h"

#include "api.h"
#include "rt_req.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

static struct rt_req_capture cap;

/* Send one request and keep its answer in cap. */
static void send_req(enum rt_method method, const char *target, const char *content_type, const char *body)
{
    const char *headers[] = {"Content-Type", content_type, NULL};
    struct rt_req *req;

    rt_req_capture_cleanup(&cap);
    req = rt_req_new_detached(NULL, method, target, content_type != NULL ? headers : NULL, body,
                              body != NULL ? strlen(body) : 0, &cap);
    api_dispatch(req);
}

static void get(const char *target)
{
    send_req(RT_METHOD_GET, target, NULL, NULL);
}

static void post_json(const char *target, const char *body)
{
    send_req(RT_METHOD_POST, target, "application/json", body);
}

static int body_is(const char *expected)
{
    if (cap.body != NULL && strcmp(cap.body, expected) == 0)
        return 1;
    printf("# expected %s\n#      got %s\n", expected, cap.body != NULL ? cap.body : "(none)");
    return 0;
}

static int has_header(const char *line)
{
    return cap.headers != NULL && strstr(cap.headers, line) != NULL;
}

/* --- handlers under test --- */

void handle_async_delay(struct rt_req *req, const struct api_async_delay_params *params)
{
    struct api_delay_result r = {.message = "echo", .requested_seconds = params->seconds};

    api_async_delay__reply_200(req, &r);
}

void handle_get_user(struct rt_req *req, const struct api_get_user_params *params)
{
    api_get_user__reply_404_detail(req, params->user_email);
}

void handle_process_data(struct rt_req *req, const struct api_process_data_params *params)
{
    rt_req_reply_detail(req, 200, params->message);
}

void handle_create_user(struct rt_req *req, const struct api_create_user_params *params)
{
    struct api_user u = {
        .id = 1, .email = params->body.email, .full_name = params->body.full_name, .created_at = "x"};

    api_create_user__reply_201(req, &u);
}

/* --- routing --- */

static void test_routing(void)
{
    get("/");
    CHECK(cap.status == 501);
    CHECK(body_is("{\"detail\":\"Operation 'read_root' (GET /) is not implemented yet\"}"));

    get("/health");
    CHECK(cap.status == 501);
    CHECK(body_is("{\"detail\":\"Operation 'health' (GET /health) is not implemented yet\"}"));

    get("/nope");
    CHECK(cap.status == 404);
    CHECK(body_is("{\"detail\":\"Not Found\"}"));

    get("/async-delay/");
    CHECK(cap.status == 404); /* a parameter never matches an empty segment */

    get("/async-delay/1/2");
    CHECK(cap.status == 404);

    send_req(RT_METHOD_DELETE, "/health", NULL, NULL);
    CHECK(cap.status == 405);
    CHECK(body_is("{\"detail\":\"Method Not Allowed\"}"));
    CHECK(has_header("Allow: GET, HEAD\r\n"));

    send_req(RT_METHOD_DELETE, "/users/", NULL, NULL);
    CHECK(cap.status == 405);
    CHECK(has_header("Allow: GET, HEAD, POST\r\n"));

    send_req(RT_METHOD_HEAD, "/async-delay/1", NULL, NULL);
    CHECK(cap.status == 200); /* HEAD runs the GET operation */

    /* redirect_slashes */
    post_json("/users", "{}");
    CHECK(cap.status == 307);
    CHECK(has_header("Location: /users/\r\n"));
    CHECK(cap.body == NULL);
    get("/health/?a=1&b");
    CHECK(cap.status == 307);
    CHECK(has_header("Location: /health?a=1&b\r\n"));
    get("/async-delay/1/");
    CHECK(cap.status == 307);
    CHECK(has_header("Location: /async-delay/1\r\n"));
    get("/nope/");
    CHECK(cap.status == 404);
}

static void test_percent_decoding(void)
{
    get("/users/a%2Fb%40example.com");
    CHECK(cap.status == 404); /* %2F stays inside the segment; the handler saw the decoded value */
    CHECK(body_is("{\"detail\":\"a/b@example.com\"}"));

    send_req(RT_METHOD_POST, "/process-data/hello%20w%C3%B6rld+x", NULL, NULL);
    CHECK(cap.status == 200);
    CHECK(body_is("{\"detail\":\"hello w\xc3\xb6rld+x\"}")); /* '+' is literal in paths */

    get("/%68ealth"); /* literal segments compare decoded */
    CHECK(cap.status == 501);

    get("/process-data/bad%zzescape");
    CHECK(cap.status == 400);
    CHECK(body_is("{\"detail\":\"Invalid percent-encoding in URL path\"}"));
    get("/process-data/trunc%4");
    CHECK(cap.status == 400);
    get("/process-data/nul%00x");
    CHECK(cap.status == 400);
    CHECK(body_is("{\"detail\":\"Invalid character (%00) in URL path\"}"));
    get("/process-data/%FF%FE");
    CHECK(cap.status == 400);
    CHECK(body_is("{\"detail\":\"Invalid UTF-8 in URL path\"}"));
}

/* --- parameters --- */

static void test_path_numbers(void)
{
    static const struct {
        const char *target;
        const char *seconds; /* echoed back, or NULL if it must fail */
    } ok[] = {
        {"/async-delay/3", "3.0"},       {"/async-delay/2.5", "2.5"},  {"/async-delay/1e1", "10.0"},
        {"/async-delay/%203%20", "3.0"}, {"/async-delay/0", "0.0"},    {"/async-delay/60", "60.0"},
        {"/async-delay/3.001", "3.001"}, {"/async-delay/1_0", "10.0"}, {"/async-delay/.5", "0.5"},
    };
    size_t i;

    for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
        char expected[128];

        get(ok[i].target);
        snprintf(expected, sizeof(expected), "\"requested_seconds\":%s,", ok[i].seconds);
        CHECK(cap.status == 200 && strstr(cap.body, expected) != NULL);
    }

    get("/async-delay/abc");
    CHECK(cap.status == 422);
    CHECK(body_is(
        "{\"detail\":[{\"type\":\"float_parsing\",\"loc\":[\"path\",\"seconds\"],\"msg\":\"Input should be "
        "a valid number, unable to parse string as a number\",\"input\":\"abc\"}]}"));

    get("/async-delay/61");
    CHECK(body_is(
        "{\"detail\":[{\"type\":\"less_than_equal\",\"loc\":[\"path\",\"seconds\"],\"msg\":\"Input should "
        "be less than or equal to 60\",\"input\":\"61\",\"ctx\":{\"le\":60}}]}"));

    get("/sync-delay/-0.5");
    CHECK(body_is(
        "{\"detail\":[{\"type\":\"greater_than_equal\",\"loc\":[\"path\",\"seconds\"],\"msg\":\"Input "
        "should be greater than or equal to 0\",\"input\":\"-0.5\",\"ctx\":{\"ge\":0}}]}"));

    get("/async-delay/nan");
    CHECK(body_is(
        "{\"detail\":[{\"type\":\"finite_number\",\"loc\":[\"path\",\"seconds\"],\"msg\":\"Input should "
        "be a finite number\",\"input\":\"nan\"}]}"));
    get("/async-delay/inf");
    CHECK(cap.status == 422 && strstr(cap.body, "finite_number") != NULL);
    get("/async-delay/1e999");
    CHECK(cap.status == 422 && strstr(cap.body, "finite_number") != NULL);
    get("/async-delay/3abc");
    CHECK(cap.status == 422 && strstr(cap.body, "float_parsing") != NULL);
    get("/async-delay/0x10");
    CHECK(cap.status == 422 && strstr(cap.body, "float_parsing") != NULL);
    get("/async-delay/1__0");
    CHECK(cap.status == 422 && strstr(cap.body, "float_parsing") != NULL);
}

static void test_path_strings(void)
{
    char target[1024];

    get("/users/Alice@Example.COM");
    CHECK(body_is("{\"detail\":\"Alice@example.com\"}")); /* pydantic normalizes the domain */

    get("/users/not-an-email");
    CHECK(body_is(
        "{\"detail\":[{\"type\":\"value_error\",\"loc\":[\"path\",\"user_email\"],\"msg\":\"value is not a "
        "valid email address: An email address must have an @-sign.\",\"input\":\"not-an-email\","
        "\"ctx\":{\"reason\":\"An email address must have an @-sign.\"}}]}"));

    get("/users/a%20b@example.com");
    CHECK(cap.status == 422 && strstr(cap.body, "invalid characters before the @-sign: SPACE") != NULL);
    get("/users/ab@localhost");
    CHECK(cap.status == 422 && strstr(cap.body, "It should have a period.") != NULL);
    get("/users/@example.com");
    CHECK(cap.status == 422 && strstr(cap.body, "There must be something before the @-sign.") != NULL);

    memset(target, 0, sizeof(target));
    strcpy(target, "/users/");
    memset(target + 7, 'a', 250);
    strcat(target, "@example.com"); /* 262 characters: maxLength is checked before the format */
    get(target);
    CHECK(body_is(
        "{\"detail\":[{\"type\":\"string_too_long\",\"loc\":[\"path\",\"user_email\"],\"msg\":\"String "
        "should "
        "have at most 254 "
        "characters\",\"input\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        "aaaaa"
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@example.com\","
        "\"ctx\":{\"max_length\":254}}]}"));

    /* 256 characters are fine, 257 are not; length counts characters, not bytes */
    strcpy(target, "/process-data/");
    for (int i = 0; i < 256; i++)
        strcat(target, i < 128 ? "%C3%B6" : "x");
    send_req(RT_METHOD_POST, target, NULL, NULL);
    CHECK(cap.status == 200);
    strcat(target, "x");
    send_req(RT_METHOD_POST, target, NULL, NULL);
    CHECK(cap.status == 422 && strstr(cap.body, "\"String should have at most 256 characters\"") != NULL);
}

/* --- bodies --- */

static void test_bodies(void)
{
    post_json("/users/", "{\"email\":\"bob@example.com\",\"full_name\":\"Bob\"}");
    CHECK(cap.status == 201);
    CHECK(body_is("{\"id\":1,\"email\":\"bob@example.com\",\"full_name\":\"Bob\",\"created_at\":\"x\"}"));

    /* every failing field is listed, in spec order */
    post_json("/users/", "{\"email\":\"nope\",\"full_name\":\"\"}");
    CHECK(cap.status == 422);
    CHECK(body_is(
        "{\"detail\":[{\"type\":\"value_error\",\"loc\":[\"body\",\"email\"],\"msg\":\"value is not a valid "
        "email address: An email address must have an @-sign.\",\"input\":\"nope\",\"ctx\":{\"reason\":\"An "
        "email address must have an "
        "@-sign.\"}},{\"type\":\"string_too_short\",\"loc\":[\"body\",\"full_name\"],"
        "\"msg\":\"String should have at least 1 character\",\"input\":\"\",\"ctx\":{\"min_length\":1}}]}"));

    post_json("/users/", "{}");
    CHECK(body_is(
        "{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\",\"email\"],\"msg\":\"Field "
        "required\",\"input\":{}},"
        "{\"type\":\"missing\",\"loc\":[\"body\",\"full_name\"],\"msg\":\"Field required\",\"input\":{}}]}"));

    post_json("/users/", "{\"email\":5,\"full_name\":[\"x\"]}");
    CHECK(body_is("{\"detail\":[{\"type\":\"string_type\",\"loc\":[\"body\",\"email\"],\"msg\":\"Input "
                  "should be a valid "
                  "string\",\"input\":5},{\"type\":\"string_type\",\"loc\":[\"body\",\"full_name\"],\"msg\":"
                  "\"Input should "
                  "be a valid string\",\"input\":[\"x\"]}]}"));

    post_json("/users/", NULL);
    CHECK(body_is("{\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field "
                  "required\",\"input\":null}]}"));
    post_json("/users/", "null");
    CHECK(cap.status == 422 && strstr(cap.body, "\"loc\":[\"body\"]") != NULL);

    post_json("/users/", "[1,2]");
    CHECK(body_is("{\"detail\":[{\"type\":\"model_attributes_type\",\"loc\":[\"body\"],\"msg\":\"Input "
                  "should be a valid "
                  "dictionary or object to extract fields from\",\"input\":[1,2]}]}"));
}

/* Bodies that are not JSON, or JSON that JSON's grammar refuses: 422 json_invalid, at the right offset. */
static void test_bodies_not_json(void)
{
    post_json("/users/", "{\"email\": ");
    CHECK(
        body_is("{\"detail\":[{\"type\":\"json_invalid\",\"loc\":[\"body\",10],\"msg\":\"JSON decode error\","
                "\"input\":{},\"ctx\":{\"error\":\"unexpected end of data\"}}]}"));
    post_json("/users/", "{\"email\" 1}");
    CHECK(cap.status == 422 && strstr(cap.body, "\"type\":\"json_invalid\",\"loc\":[\"body\",9]") != NULL);
    post_json("/users/", "{} x");
    CHECK(cap.status == 422 && strstr(cap.body, "json_invalid") != NULL);
    post_json("/users/", "{\"email\":\"a\xff@example.com\",\"full_name\":\"x\"}");
    CHECK(cap.status == 422 && strstr(cap.body, "json_invalid") != NULL);
    post_json(
        "/users/",
        "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"
        "]]]]]]]]]]]]]]]]]]]]]]]]]]");
    CHECK(cap.status == 422 && strstr(cap.body, "nesting too deep") != NULL);

    /* json-c's strict mode takes these; JSON does not, and echoing them would make the 422 invalid JSON */
    post_json("/users/", "{\"email\":\"a@example.com\",\"full_name\":NaN}");
    CHECK(
        body_is("{\"detail\":[{\"type\":\"json_invalid\",\"loc\":[\"body\",37],\"msg\":\"JSON decode error\","
                "\"input\":{},\"ctx\":{\"error\":\"invalid number\"}}]}"));
    post_json("/users/", "[-Infinity]");
    CHECK(cap.status == 422 && strstr(cap.body, "\"loc\":[\"body\",1]") != NULL);
    post_json("/users/", "{\"a\":\"NaN -1. \\\" 01\",\"b\":[1.],\"c\":0}");
    CHECK(cap.status == 422 && strstr(cap.body, "\"loc\":[\"body\",26]") != NULL); /* not inside strings */
    post_json("/users/", "[1.e5]");
    CHECK(cap.status == 422 && strstr(cap.body, "invalid number") != NULL);
    post_json("/users/", "[-.5]");
    CHECK(cap.status == 422 && strstr(cap.body, "invalid number") != NULL);
    post_json("/users/", "[-01]");
    CHECK(cap.status == 422 && strstr(cap.body, "invalid number") != NULL);
    post_json("/users/", "[0, -0, 1.5e+3, -2E-2, 10]");
    CHECK(cap.status == 422 &&
          strstr(cap.body, "model_attributes_type") != NULL); /* valid JSON, wrong type */
}

/* What the Content-Type of a body changes. */
static void test_bodies_content_type(void)
{
    /* no Content-Type: parsed as JSON anyway (FastAPI does the same) */
    send_req(RT_METHOD_POST, "/users/", NULL, "{\"email\":\"c@example.com\",\"full_name\":\"C\"}");
    CHECK(cap.status == 201);
    send_req(RT_METHOD_POST, "/users/", "application/merge-patch+json; charset=utf-8",
             "{\"email\":\"c@example.com\",\"full_name\":\"C\"}");
    CHECK(cap.status == 201);
    send_req(RT_METHOD_POST, "/users/", "text/plain", "{\"email\":\"c@example.com\",\"full_name\":\"C\"}");
    CHECK(body_is(
        "{\"detail\":[{\"type\":\"model_attributes_type\",\"loc\":[\"body\"],\"msg\":\"Input should be a "
        "valid "
        "dictionary or object to extract fields from\",\"input\":\"{\\\"email\\\":\\\"c@example.com\\\","
        "\\\"full_name\\\":\\\"C\\\"}\"}]}"));
}

static void test_spec(void)
{
    struct json_object *spec = json_tokener_parse(api_spec_json);

    CHECK(spec != NULL);
    CHECK(strlen(api_spec_json) == api_spec_json_len);
    CHECK(strncmp(api_spec_json, "{\"openapi\":\"3.1.0\",\"info\":{", 27) == 0); /* YAML order, compact */
    CHECK(json_object_object_get_ex(spec, "paths", NULL));
    json_object_put(spec);
    CHECK(strlen(API_TITLE) > 0 && strlen(API_VERSION) > 0);
}

int main(void)
{
    api_init();
    api_init(); /* idempotent */
    test_routing();
    test_percent_decoding();
    test_path_numbers();
    test_path_strings();
    test_bodies();
    test_bodies_not_json();
    test_bodies_content_type();
    test_spec();
    rt_req_capture_cleanup(&cap);
    return test_done();
}

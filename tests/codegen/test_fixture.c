/*
 * The code generated from tests/codegen/fixture.yaml, compiled and linked
 * with the runtime and driven through api_dispatch(): every kind of
 * parameter and schema the generator supports, route precedence, the weak
 * default handlers and the reply helpers (parameter styles and form bodies:
 * test_fixture_styles.c; security schemes: test_fixture_security.c, each an
 * executable of its own).
 */
#include "../unit/runtime/test.h"
#include "fixture_harness.h"

#include "api.h"
#include "rt_json.h"
#include "rt_req.h"
#include "rt_valid_model.h"

#include <json-c/json.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* --- handlers --- */

void handle_get_item(struct rt_req *req, const struct api_get_item_params *p)
{
    char buf[256];

    snprintf(buf, sizeof(buf), "id=%lld q=%s limit=%lld ratio=%d:%g verbose=%d flag=%d:%d trace=%s",
             (long long)p->item_id, p->q != NULL ? p->q : "(null)", (long long)p->limit, p->has_ratio,
             p->ratio, p->verbose, p->has_flag, p->flag, p->x_trace != NULL ? p->x_trace : "(null)");
    rt_req_reply_detail(req, 200, buf);
}

/* --- tests --- */

static void test_routes(void)
{
    send_req(RT_METHOD_GET, "/items/special", NULL, NULL); /* a literal segment beats {item_id} */
    CHECK(cap.status == 200 && body_is("\"special\""));

    send_req(RT_METHOD_GET, "/items/5", NULL, NULL);
    CHECK(cap.status == 200);
    CHECK(body_is("{\"detail\":\"id=5 q=(null) limit=10 ratio=0:0 verbose=0 flag=0:0 trace=(null)\"}"));

    send_req(RT_METHOD_DELETE, "/items/5", NULL, NULL);
    CHECK(cap.status == 501);
    CHECK(
        body_is("{\"detail\":\"Operation 'delete_item' (DELETE /items/{item_id}) is not implemented yet\"}"));
    send_req(RT_METHOD_DELETE, "/items/x", NULL, NULL);
    CHECK(cap.status == 422); /* validated even without a handler */

    send_req(RT_METHOD_PATCH, "/items/5", NULL, NULL);
    CHECK(cap.status == 405 && strstr(cap.headers, "Allow: GET, HEAD, DELETE\r\n") != NULL);

    send_req(RT_METHOD_GET, "/items?x=1", NULL, NULL);
    CHECK(cap.status == 307 && strstr(cap.headers, "Location: /items/?x=1\r\n") != NULL);

    send_req(RT_METHOD_GET, "/", NULL, NULL);
    CHECK(cap.status == 501 && body_is("{\"detail\":\"Operation 'root' (GET /) is not implemented yet\"}"));
}

static void test_params(void)
{
    const char *trace_ok[] = {"X-Trace", "ab12", NULL}, *trace_bad[] = {"x-trace", "xyz", NULL};

    send_req(RT_METHOD_GET, "/items/1000?q=abc&limit=99&ratio=2.5&verbose=yes&flag=false", trace_ok, NULL);
    CHECK(body_is("{\"detail\":\"id=1000 q=abc limit=99 ratio=1:2.5 verbose=1 flag=1:0 trace=ab12\"}"));

    send_req(RT_METHOD_GET, "/items/0?q=a&limit=100&ratio=0.25&verbose=2", trace_bad, NULL);
    CHECK(cap.status == 422);
    CHECK(body_is(
        "{\"detail\":[{\"type\":\"greater_than_equal\",\"loc\":[\"path\",\"item_id\"],\"msg\":\"Input "
        "should "
        "be greater "
        "than or equal to "
        "1\",\"input\":\"0\",\"ctx\":{\"ge\":1}},{\"type\":\"string_too_short\",\"loc\":[\"query\",\"q\"]"
        ","
        "\"msg\":\"String should have at least 2 "
        "characters\",\"input\":\"a\",\"ctx\":{\"min_length\":2}},{\"type\":"
        "\"less_than\",\"loc\":[\"query\",\"limit\"],\"msg\":\"Input should be less than "
        "100\",\"input\":\"100\",\"ctx\":{"
        "\"lt\":100}},{\"type\":\"greater_than_equal\",\"loc\":[\"query\",\"ratio\"],\"msg\":\"Input "
        "should "
        "be greater "
        "than or equal to "
        "0.5\",\"input\":\"0.25\",\"ctx\":{\"ge\":0.5}},{\"type\":\"bool_parsing\",\"loc\":[\"query\","
        "\"verbose\"],\"msg\":\"Input should be a valid boolean, unable to interpret "
        "input\",\"input\":\"2\"},{\"type\":"
        "\"string_pattern_mismatch\",\"loc\":[\"header\",\"x-trace\"],\"msg\":\"String should match "
        "pattern "
        "'^[a-f\\\\d]{4}$'\",\"input\":\"xyz\",\"ctx\":{\"pattern\":\"^[a-f\\\\d]{4}$\"}}]}"));

    send_req(RT_METHOD_GET, "/items/99999999999999999999", NULL, NULL);
    CHECK(cap.status == 422 && strstr(cap.body, "\"less_than_equal\"") != NULL);
    send_req(RT_METHOD_GET, "/items/2.5", NULL, NULL);
    CHECK(cap.status == 422 && strstr(cap.body, "\"int_parsing\"") != NULL);
    send_req(RT_METHOD_GET, "/items/2.0", NULL, NULL);
    CHECK(cap.status == 200);

    send_req(RT_METHOD_PUT, "/echo/pink/x", NULL, NULL);
    CHECK(body_is(
        "{\"detail\":[{\"type\":\"enum\",\"loc\":[\"path\",\"word\"],\"msg\":\"Input should be 'red', "
        "'green' "
        "or 'blue'\",\"input\":\"pink\",\"ctx\":{\"expected\":\"'red', 'green' or 'blue'\"}},{\"type\":"
        "\"float_parsing\",\"loc\":[\"path\",\"n\"],\"msg\":\"Input should be a valid number, unable to "
        "parse "
        "string as a "
        "number\",\"input\":\"x\"},{\"type\":\"missing\",\"loc\":[\"query\",\"id\"],\"msg\":\"Field "
        "required\",\"input\":null}]}"));
    send_req(RT_METHOD_PUT, "/echo/red/1.5?id=nope", NULL, NULL);
    CHECK(cap.status == 422 && strstr(cap.body, "\"uuid_parsing\"") != NULL);
}

static void test_bodies(void)
{
    const char *vnd[] = {"Content-Type", "application/vnd.demo+json", NULL};
    const char *json[] = {"Content-Type", "application/json", NULL};

    send_req(RT_METHOD_PUT, "/echo/red/1.5?id=6f1c2e4e-0b7a-4c1e-9a8e-3f7c1d2b5a60", NULL, NULL);
    CHECK(body_is("{\"word\":\"red\"}")); /* optional body absent: has_body false */
    send_req(RT_METHOD_PUT, "/echo/red/1.5?id=6f1c2e4e-0b7a-4c1e-9a8e-3f7c1d2b5a60", vnd,
             "{\"note\":\"hi\"}");
    CHECK(body_is("{\"word\":\"red\",\"n\":1.5}"));
    /* the declared vendor type only: application/json is another media type (FastAPI's 422 entry) */
    send_req(RT_METHOD_PUT, "/echo/red/1.5?id=6f1c2e4e-0b7a-4c1e-9a8e-3f7c1d2b5a60", json,
             "{\"note\":\"hi\"}");
    CHECK(cap.status == 422 && strstr(cap.body, "\"model_attributes_type\"") != NULL);

    send_req(RT_METHOD_POST, "/items/", json,
             "{\"name\":\"n\",\"email\":\"a@B.example\",\"price\":3,\"in_stock\":true,\"kind\":\"toy\","
             "\"tags\":[{"
             "\"name\":"
             "\"ab\"},{\"name\":\"cd\",\"weight\":0.5}],\"scores\":[1],\"dims\":{\"w\":1.5,\"h\":2},"
             "\"rating\":5,"
             "\"comment\":null,\"extra\":[true]}");
    CHECK(cap.status == 201);
    CHECK(body_is(
        "{\"id\":7,\"name\":\"n\",\"created_at\":\"2024-01-01T00:00:00Z\",\"status\":null,\"error\":null,"
        "\"default\":true,\"tags\":[\"toy\",\"a@b.example\"]}"));

    send_req(RT_METHOD_POST, "/items/", json,
             "{\"name\":\"\",\"email\":\"x\",\"price\":-1,\"in_stock\":\"maybe\",\"kind\":\"car\",\"tags\":[{"
             "\"name\":\"A\"},"
             "{\"weight\":0}],\"scores\":[-1],\"dims\":{},\"rating\":6,\"quantity\":1.5}");
    CHECK(cap.status == 422);
    {
        static const char *const locs[] = {
            "[\"body\",\"name\"]",
            "[\"body\",\"email\"]",
            "[\"body\",\"price\"]",
            "[\"body\",\"quantity\"]",
            "[\"body\",\"in_stock\"]",
            "[\"body\",\"kind\"]",
            "[\"body\",\"tags\",0,\"name\"]",
            "[\"body\",\"tags\",1,\"name\"]",
            "[\"body\",\"tags\",1,\"weight\"]",
            "[\"body\",\"scores\",0]",
            "[\"body\",\"rating\"]",
            "[\"body\",\"dims\",\"w\"]",
            "[\"body\",\"dims\",\"h\"]",
        };
        struct json_object *root = json_tokener_parse(cap.body),
                           *detail = json_object_object_get(root, "detail");
        size_t i;

        CHECK(json_object_array_length(detail) == sizeof(locs) / sizeof(locs[0]));
        for (i = 0; i < sizeof(locs) / sizeof(locs[0]); i++) {
            char needle[96];

            snprintf(needle, sizeof(needle), "\"loc\":%s", locs[i]);
            CHECK(strstr(cap.body, needle) != NULL);
        }
        json_object_put(root);
    }
}

/* Patterns as ECMA-262 reads them (lookaheads too), and the tighter of minimum and exclusiveMinimum. */
static void test_review(void)
{
    const char *json[] = {"Content-Type", "application/json", NULL};
    static const char *const locs[] = {"code", "line", "level", "tie"};
    static const struct {
        const char *fields, *needle;
        int status;
    } more[] = {
        {"\"line\":\"a\\u2028b\"", "\"loc\":[\"body\",\"line\"]", 422},
        {"\"amount\":\"-12.50\"", NULL, 201},
        {"\"amount\":2.5", NULL, 201},
        {"\"amount\":\"-.\"", "\"loc\":[\"body\",\"amount\"]", 422},
        {"\"amount\":\"1e3\"", "\"loc\":[\"body\",\"amount\"]", 422},
        {"\"subnet\":\"10.0.0.0/255.0.0.0\"", NULL, 201},
        {"\"subnet\":\"10.0.0.1/8\"",
         "{\"type\":\"ip_v4_network\",\"loc\":[\"body\",\"subnet\"],\"msg\":\"Input is not a valid IPv4 "
         "network\","
         "\"input\":\"10.0.0.1/8\"}",
         422},
        {"\"ref\":\"/a/b~1c/\"", NULL, 201},
        {"\"ref\":\"a/b\"",
         "{\"type\":\"value_error\",\"loc\":[\"body\",\"ref\"],\"msg\":\"value is not a valid JSON pointer: "
         "a JSON "
         "pointer is empty or starts with '/'\",\"input\":\"a/b\",\"ctx\":{\"error\":\"a JSON pointer is "
         "empty or "
         "starts with '/'\"}}",
         422},
        {"\"ref\":\"/a~2\"", "\"msg\":\"value is not a valid JSON pointer: a '~' is escaped as ~0", 422},
        {"\"rule\":\"^(?<y>\\\\d{4})-\\\\k<y>$\"", NULL, 201},
        {"\"rule\":\"^(abc]\"",
         "{\"type\":\"value_error\",\"loc\":[\"body\",\"rule\"],\"msg\":\"value is not a valid regular "
         "expression (ECMA-262, u flag): a lone '}' or ']'",
         422},
        {"\"rule\":\"a\\\\-b\"", "(only syntax characters and / are escaped) (at offset 1)", 422},
    };
    size_t i;

#define BASE                                                                                                 \
    "{\"name\":\"n\",\"email\":\"a@b.example\",\"price\":3,\"in_stock\":true,\"kind\":\"toy\",\"tags\":[],"
    send_req(RT_METHOD_POST, "/items/", json,
             BASE "\"code\":\"a\\\\b\",\"line\":\"a\\nb\",\"level\":4,\"tie\":3}");
    CHECK(cap.status == 422);
    for (i = 0; i < sizeof(locs) / sizeof(locs[0]); i++) {
        char needle[64];

        snprintf(needle, sizeof(needle), "\"loc\":[\"body\",\"%s\"]", locs[i]);
        CHECK(strstr(cap.body, needle) != NULL);
    }
    send_req(RT_METHOD_POST, "/items/", json, BASE "\"line\":\"a\\rb\",\"level\":11}");
    CHECK(cap.status == 422 && strstr(cap.body, "\"less_than_equal\"") != NULL &&
          strstr(cap.body, "\"string_pattern_mismatch\"") != NULL);
    send_req(RT_METHOD_POST, "/items/", json,
             BASE "\"code\":\"a.b\",\"line\":\"a.b\",\"level\":5,\"tie\":4}");
    CHECK(cap.status == 201);
    send_req(RT_METHOD_POST, "/items/", json, BASE "\"line\":\"axb\",\"level\":10}");
    CHECK(cap.status == 201);
    /* ECMA-262's dot stops at U+2028 too; a pydantic Decimal is a number or a string its lookahead allows;
     * pydantic's IPv4Network takes a netmask and refuses host bits; JSON Schema's json-pointer: a
     * value_error; format regex (pydantic's Pattern): ECMA-262 with the u flag, so Annex B's \- is refused
     * too */
    for (i = 0; i < sizeof(more) / sizeof(more[0]); i++) {
        char body[512];

        snprintf(body, sizeof(body), BASE "%s}", more[i].fields);
        send_req(RT_METHOD_POST, "/items/", json, body);
        CHECK(cap.status == more[i].status &&
              (more[i].needle == NULL || strstr(cap.body, more[i].needle) != NULL));
    }
#undef BASE
}

static int header_is(const char *line)
{
    if (cap.headers != NULL && strstr(cap.headers, line) != NULL)
        return 1;
    printf("# expected header %s\n#      got %s\n", line, cap.headers != NULL ? cap.headers : "(none)");
    return 0;
}

/* Send GET @p path with standard error caught; @return whether what it logged holds @p needle. */
static int logs(const char *path, const char *needle)
{
    char text[4096];
    FILE *f = tmpfile();
    int saved = dup(STDERR_FILENO);
    size_t n;

    if (f == NULL || saved < 0)
        return 0;
    dup2(fileno(f), STDERR_FILENO);
    send_req(RT_METHOD_GET, path, NULL, NULL);
    dup2(saved, STDERR_FILENO);
    close(saved);
    rewind(f);
    n = fread(text, 1, sizeof(text) - 1, f);
    text[n] = '\0';
    fclose(f);
    if (strstr(text, needle) != NULL)
        return 1;
    printf("# expected in the log: %s\n#                   got: %s\n", needle, text);
    return 0;
}

/* Response headers as helper arguments, written per their schema; ranges and default take the status. */
static void test_replies(void)
{
    static const char *const bugs[] = {"/replies/3",  "/replies/5",  "/replies/6",
                                       "/replies/9",  "/replies/10", "/replies/11",
                                       "/replies/12", "/replies/13", "/replies/14"};

    send_req(RT_METHOD_GET, "/replies/1", NULL, NULL);
    CHECK(cap.status == 201 && body_is("{\"message\":\"made\"}"));
    CHECK(header_is("Location: /items/1\r\n") && header_is("X-Count: 7\r\n") &&
          header_is("X-Ratio: 0.1\r\n") && header_is("X-Flag: true\r\n"));
    /* a JSON header (content): compact JSON, "/" not escaped, non-ASCII as UTF-8 */
    CHECK(header_is("X-Page: {\"next\":2,\"path\":\"/items/?a=\xc3\xa9\"}\r\n"));
    send_req(RT_METHOD_GET, "/replies/2", NULL, NULL);
    CHECK(cap.status == 201 && header_is("Location: /items/2\r\n") && header_is("X-Flag: false\r\n") &&
          header_is("X-Page: {}\r\n"));
    CHECK(strstr(cap.headers, "X-Count") == NULL && strstr(cap.headers, "X-Ratio") == NULL);
    send_req(RT_METHOD_GET, "/replies/4", NULL, NULL);
    CHECK(cap.status == 418 && body_is("{\"detail\":\"teapot\"}") && header_is("Retry-After: 30\r\n"));
    send_req(RT_METHOD_GET, "/replies/7", NULL, NULL);
    CHECK(cap.status == 502 && body_is("{\"detail\":\"bad gateway\"}"));
    send_req(RT_METHOD_GET, "/replies/8", NULL, NULL);
    CHECK(cap.status == 302 && cap.body == NULL);
    for (size_t i = 0; i < sizeof(bugs) / sizeof(bugs[0]); i++) {
        send_req(RT_METHOD_GET, bugs[i], NULL, NULL);
        CHECK(cap.status == 500 && body_is("{\"detail\":\"Internal Server Error\"}"));
        CHECK(cap.headers == NULL || /* nothing of the bad reply */
              (strstr(cap.headers, "Location") == NULL && strstr(cap.headers, "X-Evil") == NULL));
    }
    /* a required field of the body left NULL: logged as a required header is, naming the helper and field */
    CHECK(logs("/replies/14",
               "api_reply_mode__reply_201: the required field Message.message is NULL; answered 500"));
    CHECK(cap.status == 500);
}

static int buf_is(const struct rt_json_buf *b, const char *expected)
{
    if (b->data != NULL && b->len == strlen(expected) && memcmp(b->data, expected, b->len) == 0)
        return 1;
    printf("# expected %s\n#      got %.*s\n", expected, (int)b->len, b->data != NULL ? b->data : "");
    return 0;
}

/* readOnly: refused in requests, not required there; writeOnly: never in responses; body defaults applied. */
static void test_access_and_defaults(void)
{
    const char *json[] = {"Content-Type", "application/json", NULL};
    struct api_tag tag = {.name = "t"};
    struct api_gadget g = {.id = 1, .name = "n", .password = "pw", .owner = &tag};
    struct rt_json_buf buf = {0};

    send_req(RT_METHOD_POST, "/gadgets/", json, "{\"name\":\"g\",\"password\":\"pw\"}");
    CHECK(cap.status == 201);
    CHECK(body_is(
        "{\"id\":9,\"name\":\"g/pw/111\",\"color\":\"red\",\"size\":3,\"ratio\":0.5,\"enabled\":true}"));
    send_req(RT_METHOD_POST, "/gadgets/", json,
             "{\"name\":\"g\",\"password\":\"pw\",\"color\":\"blue\",\"size\":5,\"ratio\":null,\"enabled\":"
             "false}");
    CHECK(cap.status == 201);
    CHECK(body_is(
        "{\"id\":9,\"name\":\"g/pw/101\",\"color\":\"blue\",\"size\":5,\"ratio\":null,\"enabled\":false}"));
    send_req(RT_METHOD_POST, "/gadgets/", json,
             "{\"id\":1,\"name\":\"g\",\"password\":\"pw\",\"owner\":{\"name\":\"x\"},\"size\":0}");
    CHECK(cap.status == 422);
    CHECK(strstr(cap.body,
                 "{\"type\":\"read_only\",\"loc\":[\"body\",\"id\"],\"msg\":\"Field is read-only and "
                 "cannot be sent\",\"input\":1}") != NULL);
    CHECK(strstr(cap.body, "\"loc\":[\"body\",\"owner\"]") != NULL &&
          strstr(cap.body, "\"loc\":[\"body\",\"size\"]"));
    /* color is {$ref: Color, default: red}: the default is applied (above), the enum it names holds */
    send_req(RT_METHOD_POST, "/gadgets/", json, "{\"name\":\"g\",\"password\":\"pw\",\"color\":\"green\"}");
    CHECK(cap.status == 422 && strstr(cap.body, "\"type\":\"enum\",\"loc\":[\"body\",\"color\"]") != NULL);
    send_req(RT_METHOD_POST, "/gadgets/", json, "{\"name\":\"g\"}");
    CHECK(cap.status == 422 &&
          strstr(cap.body, "\"loc\":[\"body\",\"password\"]") != NULL); /* writeOnly: sent */
    /* The generated client writes a request body: readOnly left out, writeOnly sent (ratio, unset, absent).
     */
    rt_valid_model_write_json_request(&api_gadget__model, &g, &buf);
    CHECK(buf_is(&buf, "{\"name\":\"n\",\"password\":\"pw\"}"));
    rt_json_buf_free(&buf);
    rt_valid_model_write_json(&api_gadget__model, &g, &buf); /* a response: the other way round */
    CHECK(buf_is(&buf, "{\"id\":1,\"name\":\"n\",\"owner\":{\"name\":\"t\"}}"));
    rt_json_buf_free(&buf);
}

/* A nullable optional field is tri-state (absent, null, a value) in requests, responses and the client. */
static void test_nulls(void)
{
    const char *json[] = {"Content-Type", "application/json", NULL};
    const char *head =
        "{\"name\":\"n\",\"email\":\"a@b.example\",\"price\":3,\"in_stock\":true,\"kind\":\"toy\","
        "\"tags\":[],\"scores\":[]";
    struct api_item_create patch = {
        .name = "n", .email = "a@b.example", .price = 1.5, .in_stock = true, .kind = "toy", .comment = "c"};
    struct rt_json_buf buf = {0};
    char body[256];

    /* the handler echoes comment as error: left out when absent, null when null, else the value */
    snprintf(body, sizeof(body), "%s}", head);
    send_req(RT_METHOD_POST, "/items/", json, body);
    CHECK(cap.status == 201 && strstr(cap.body, "\"status\":null,\"default\":true,") != NULL);
    snprintf(body, sizeof(body), "%s,\"comment\":null}", head);
    send_req(RT_METHOD_POST, "/items/", json, body);
    CHECK(cap.status == 201 && strstr(cap.body, "\"status\":null,\"error\":null,\"default\":true,") != NULL);
    snprintf(body, sizeof(body), "%s,\"comment\":\"hi\"}", head);
    send_req(RT_METHOD_POST, "/items/", json, body);
    CHECK(cap.status == 201 &&
          strstr(cap.body, "\"status\":null,\"error\":\"hi\",\"default\":true,") != NULL);
    /* the client (a PATCH's body) sends what was set: unset nullable fields stay absent */
    rt_valid_model_write_json_request(&api_item_create__model, &patch, &buf);
    CHECK(buf_is(&buf,
                 "{\"name\":\"n\",\"email\":\"a@b.example\",\"price\":1.5,\"in_stock\":true,\"kind\":\"toy\","
                 "\"tags\":[],\"scores\":[],\"comment\":\"c\"}"));
    rt_json_buf_free(&buf);
    patch.comment_null = patch.rating_null = patch.extra_null = true; /* "clear them" */
    rt_valid_model_write_json_request(&api_item_create__model, &patch, &buf);
    CHECK(buf_is(&buf,
                 "{\"name\":\"n\",\"email\":\"a@b.example\",\"price\":1.5,\"in_stock\":true,\"kind\":\"toy\","
                 "\"tags\":[],\"scores\":[],\"extra\":null,\"rating\":null,\"comment\":null}"));
    rt_json_buf_free(&buf);
}

static void test_json_value_body(void)
{
    send_req(RT_METHOD_POST, "/batch", NULL, "[2, \"x\", 4]");
    CHECK(cap.status == 200 && body_is("3"));
    send_req(RT_METHOD_POST, "/batch", NULL, "[]");
    CHECK(cap.status == 422 &&
          body_is("{\"detail\":[{\"type\":\"too_short\",\"loc\":[\"body\"],\"msg\":\"List "
                  "should have at least 1 item after validation, not 0\",\"input\":[],\"ctx\":{"
                  "\"field_type\":\"List\",\"min_length\":1,\"actual_length\":0}}]}"));
    send_req(RT_METHOD_POST, "/batch", NULL, "[3, \"4\"]");
    CHECK(cap.status == 422 &&
          body_is("{\"detail\":[{\"type\":\"union_no_match\",\"loc\":[\"body\",0],\"msg\":"
                  "\"Input should match exactly one schema of oneOf, it matches none\",\"input\":3},"
                  "{\"type\":\"union_no_match\",\"loc\":[\"body\",1],\"msg\":\"Input should "
                  "match exactly one schema of oneOf, it matches none\",\"input\":\"4\"}]}"));
    send_req(RT_METHOD_POST, "/batch", NULL, "{\"a\": 1}");
    CHECK(cap.status == 422 && strstr(cap.body, "\"list_type\"") != NULL);
    send_req(RT_METHOD_POST, "/batch", NULL, NULL);
    CHECK(cap.status == 422 && strstr(cap.body, "\"missing\"") != NULL);
}

/* A discriminated oneOf validated as a JSON value (array items): the tag picks the one branch checked. */
static void test_discriminated_json_values(void)
{
    send_req(RT_METHOD_POST, "/pets-batch", NULL,
             "[{\"kind\": \"Cat\", \"lives\": 3}, {\"kind\": \"Dog\", \"barks\": true}]");
    CHECK(cap.status == 200 && body_is("{\"kind\":\"Cat\",\"lives\":3}"));
    send_req(RT_METHOD_POST, "/pets-batch", NULL,
             "[{\"kind\": \"Cat\", \"lives\": 10}, {\"kind\": \"Cow\"}, {\"lives\": 1}, 5]");
    CHECK(
        cap.status == 422 &&
        body_is("{\"detail\":[{\"type\":\"less_than_equal\",\"loc\":[\"body\",0,\"lives\"],\"msg\":"
                "\"Input should be less than or equal to 9\",\"input\":10,\"ctx\":{\"le\":9}},"
                "{\"type\":\"union_tag_invalid\",\"loc\":[\"body\",1],\"msg\":\"Input tag 'Cow' found using "
                "'kind' does not match any of the expected tags: 'Cat', 'Dog'\",\"input\":{\"kind\":\"Cow\"},"
                "\"ctx\":{\"discriminator\":\"'kind'\",\"tag\":\"Cow\",\"expected_tags\":\"'Cat', "
                "'Dog'\"}},{\"type\":\"union_tag_not_found\",\"loc\":[\"body\",2],\"msg\":\"Unable to "
                "extract tag using discriminator 'kind'\",\"input\":{\"lives\":1},\"ctx\":{\"discriminator\":"
                "\"'kind'\"}},{\"type\":\"model_attributes_type\",\"loc\":[\"body\",3],\"msg\":\"Input "
                "should be a valid dictionary or object to extract fields from\",\"input\":5}]}"));
    /* Parameters whose schema goes beyond their rule: an integer enum, multipleOf, a string const. */
    static const char *const fast[] = {"X-Mode", "fast", NULL}, *const slow[] = {"X-Mode", "slow", NULL};

    send_req(RT_METHOD_POST, "/pets-batch?level=2&step=1.5", fast, "[{\"kind\": \"Dog\", \"barks\": true}]");
    CHECK(cap.status == 200);
    send_req(RT_METHOD_POST, "/pets-batch?level=4&step=1.2", slow, "[{\"kind\": \"Dog\", \"barks\": true}]");
    CHECK(cap.status == 422 && strstr(cap.body, "\"loc\":[\"query\",\"level\"]") != NULL &&
          strstr(cap.body, "\"loc\":[\"query\",\"step\"]") != NULL &&
          strstr(cap.body, "\"type\":\"multiple_of\"") != NULL &&
          strstr(cap.body, "\"loc\":[\"header\",\"X-Mode\"]") != NULL);
    send_req(RT_METHOD_POST, "/pets-batch?level=x&step=11", NULL, "[{\"kind\": \"Dog\", \"barks\": true}]");
    CHECK(cap.status == 422 && strstr(cap.body, "\"int_parsing\"") != NULL &&
          strstr(cap.body, "\"less_than_equal\"") != NULL && strstr(cap.body, "multiple_of") == NULL);
    /* A Collar: a Tag's properties (through allOf) and its own, unevaluatedProperties false. */
    send_req(RT_METHOD_POST, "/pets-batch", NULL,
             "[{\"kind\": \"Dog\", \"barks\": true, \"collar\": {\"name\": \"red\", \"size\": 2}}]");
    CHECK(cap.status == 200);
    send_req(RT_METHOD_POST, "/pets-batch", NULL,
             "[{\"kind\": \"Dog\", \"barks\": true, \"collar\": {\"name\": \"red\", \"bells\": 2}}]");
    CHECK(cap.status == 422 &&
          body_is("{\"detail\":[{\"type\":\"extra_forbidden\",\"loc\":[\"body\",0,\"collar\",\"bells\"],"
                  "\"msg\":\"Extra inputs are not permitted\",\"input\":2}]}"));
    /* A Dog's fields under the tag Cat: checked as a Cat (lives missing), not matched to Dog. */
    send_req(RT_METHOD_POST, "/pets-batch", NULL, "[{\"kind\": \"Cat\", \"barks\": true}]");
    CHECK(cap.status == 422 && strstr(cap.body, "\"missing\",\"loc\":[\"body\",0,\"lives\"]") != NULL);
}

static void test_maps(void)
{
    send_req(RT_METHOD_PUT, "/stock", NULL,
             "{\"counts\":{\"a\":1,\"b\":2},\"tags\":{\"x\":{\"name\":\"abc\"}}}");
    CHECK(cap.status == 200 && body_is("{\"counts\":{\"a\":1,\"b\":2},\"tags\":{\"x\":{\"name\":\"abc\"}}}"));
    send_req(RT_METHOD_PUT, "/stock", NULL, "{\"counts\":{\"a\":-1,\"b\":\"2\"},\"tags\":[]}");
    CHECK(cap.status == 422 &&
          body_is(
              "{\"detail\":[{\"type\":\"greater_than_equal\",\"loc\":[\"body\",\"counts\",\"a\"],\"msg\":"
              "\"Input should be greater than or equal to 0\",\"input\":-1,\"ctx\":{\"ge\":0}},{\"type\":"
              "\"int_type\",\"loc\":[\"body\",\"counts\",\"b\"],\"msg\":\"Input should be a valid integer\","
              "\"input\":\"2\"},{\"type\":\"dict_type\",\"loc\":[\"body\",\"tags\"],\"msg\":\"Input should "
              "be a valid dictionary\",\"input\":[]}]}"));
    /* tags' values are {$ref: "#tag"}, Tag's $anchor: Tag's rules hold; the spec served has the pointer */
    send_req(RT_METHOD_PUT, "/stock", NULL, "{\"counts\":{},\"tags\":{\"x\":{\"name\":\"ABC\"},\"y\":{}}}");
    CHECK(cap.status == 422 &&
          strstr(cap.body,
                 "\"type\":\"string_pattern_mismatch\",\"loc\":[\"body\",\"tags\",\"x\",\"name\"]") != NULL &&
          strstr(cap.body, "\"type\":\"missing\",\"loc\":[\"body\",\"tags\",\"y\",\"name\"]") != NULL);
    CHECK(strstr(api_spec_json, "\"additionalProperties\":{\"$ref\":\"#/components/schemas/Tag\"}") != NULL &&
          strstr(api_spec_json, "\"#tag\"") == NULL);
}

static void test_unions(void)
{
    send_req(RT_METHOD_POST, "/owners", NULL, "{\"pet\":{\"kind\":\"kitty\",\"lives\":7}}");
    CHECK(cap.status == 200 && body_is("{\"pet\":{\"kind\":\"kitty\",\"lives\":7}}"));
    send_req(RT_METHOD_POST, "/owners", NULL,
             "{\"pet\":{\"kind\":\"Dog\",\"barks\":true},\"other\":{\"kind\":\"x\",\"barks\":false}}");
    CHECK(cap.status == 200 &&
          body_is("{\"pet\":{\"kind\":\"Dog\",\"barks\":true},\"other\":{\"kind\":\"x\",\"barks\":false}}"));
    send_req(RT_METHOD_POST, "/owners", NULL, "{\"pet\":{\"kind\":\"Cat\",\"lives\":7}}");
    CHECK(cap.status == 422 &&
          body_is(
              "{\"detail\":[{\"type\":\"union_tag_invalid\",\"loc\":[\"body\",\"pet\"],\"msg\":\"Input tag "
              "'Cat' found using 'kind' does not match any of the expected tags: 'kitty', 'Dog'\",\"input\":{"
              "\"kind\":\"Cat\",\"lives\":7},\"ctx\":{\"discriminator\":\"'kind'\",\"tag\":\"Cat\","
              "\"expected_tags\":\"'kitty', 'Dog'\"}}]}"));
    send_req(RT_METHOD_POST, "/owners", NULL, "{\"pet\":{\"lives\":7}}");
    CHECK(cap.status == 422 && strstr(cap.body, "\"union_tag_not_found\"") != NULL);
    send_req(RT_METHOD_POST, "/owners", NULL, "{\"pet\":{\"kind\":\"kitty\",\"lives\":10}}");
    CHECK(cap.status == 422 && strstr(cap.body, "\"loc\":[\"body\",\"pet\",\"lives\"]") != NULL);
    /* oneOf without a discriminator: a value matching both branches is refused, one matching none too */
    send_req(
        RT_METHOD_POST, "/owners", NULL,
        "{\"pet\":{\"kind\":\"Dog\",\"barks\":true},\"other\":{\"kind\":\"x\",\"barks\":true,\"lives\":1}}");
    CHECK(cap.status == 422 && strstr(cap.body, "\"union_multiple_matches\"") != NULL);
    send_req(RT_METHOD_POST, "/owners", NULL, "{\"pet\":{\"kind\":\"Dog\",\"barks\":true},\"other\":{}}");
    CHECK(cap.status == 422 && strstr(cap.body, "\"union_no_match\"") != NULL);
}

static void test_union_body(void)
{
    send_req(RT_METHOD_POST, "/pets", NULL, "{\"kind\":\"Cat\",\"lives\":3}");
    CHECK(cap.status == 200 && body_is("{\"detail\":\"cat 3\"}"));
    send_req(RT_METHOD_POST, "/pets", NULL, "{\"kind\":\"Dog\",\"barks\":true}");
    CHECK(cap.status == 200 && body_is("{\"detail\":\"dog 1\"}"));
    send_req(RT_METHOD_POST, "/pets", NULL, "{\"kind\":\"Cow\"}");
    CHECK(cap.status == 422 && strstr(cap.body, "\"union_tag_invalid\",\"loc\":[\"body\"]") != NULL);
    send_req(RT_METHOD_POST, "/pets", NULL, "{\"kind\":\"Cat\",\"lives\":\"3\"}");
    CHECK(cap.status == 422 && strstr(cap.body, "\"int_type\",\"loc\":[\"body\",\"lives\"]") != NULL);
    send_req(RT_METHOD_POST, "/pets", NULL, "[]");
    CHECK(cap.status == 422 && strstr(cap.body, "\"model_attributes_type\"") != NULL);
}

int main(void)
{
    api_init();
    test_union_body();
    test_unions();
    test_maps();
    test_json_value_body();
    test_discriminated_json_values();
    test_routes();
    test_params();
    test_bodies();
    test_review();
    test_replies();
    test_access_and_defaults();
    test_nulls();
    CHECK(strcmp(API_TITLE, "Codegen fixture") == 0);
    CHECK(strstr(api_spec_json, "caf\xc3\xa9 ?? */") != NULL);
    rt_req_capture_cleanup(&cap);
    return test_done();
}

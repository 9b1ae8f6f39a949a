/*
 * rt_valid_raw: text and byte request bodies, and media types matched as
 * declared (the media type and charset checks alone, then bodies through
 * detached requests: 415, 422 entries, what the handler would get).
 */
#include "test.h"
#include "valid_test.h"

#include "rt_req.h"
#include "rt_valid.h"
#include "rt_valid_errors.h"
#include "rt_valid_raw.h"
#include "rt_valid_req.h"

#include <string.h>

static void test_media_is(void)
{
    CHECK(rt_valid_raw_media_is("text/plain", "text/plain"));
    CHECK(rt_valid_raw_media_is("  Text/PLAIN ; charset=utf-8", "text/plain"));
    CHECK(rt_valid_raw_media_is("application/vnd.notes+json;v=2", "application/vnd.notes+json"));
    CHECK(!rt_valid_raw_media_is("text/plains", "text/plain"));
    CHECK(!rt_valid_raw_media_is("text/plai", "text/plain"));
    CHECK(!rt_valid_raw_media_is("application/json", "application/vnd.notes+json"));
    CHECK(!rt_valid_raw_media_is("text/*", "text/plain"));
    CHECK(!rt_valid_raw_media_is("", "text/plain"));
}

static void test_charset(void)
{
    CHECK(rt_valid_raw_charset_ok("text/plain"));
    CHECK(rt_valid_raw_charset_ok("text/plain; charset=utf-8"));
    CHECK(rt_valid_raw_charset_ok("text/plain;CHARSET=\"UTF-8\""));
    CHECK(rt_valid_raw_charset_ok("text/plain; format=flowed; charset = us-ascii"));
    CHECK(rt_valid_raw_charset_ok("text/plain; charsets=latin-1")); /* another parameter */
    CHECK(!rt_valid_raw_charset_ok("text/plain; charset=latin-1"));
    CHECK(!rt_valid_raw_charset_ok("text/plain; charset=utf-16"));
    CHECK(!rt_valid_raw_charset_ok("text/plain; charset=\"utf-8"));
    CHECK(!rt_valid_raw_charset_ok("text/plain; charset="));
}

static struct rt_valid_pattern no_angles = {.source = "^[^<>]*$", .regex = "^[^<>]*$"};
static const struct rt_valid_rule r_text = {
    .kind = RT_VALID_STRING, .min_length = 2, .max_length = 5, .pattern = &no_angles};
static const struct rt_valid_raw_body text_body = {
    .media = "text/plain", .text = true, .rule = &r_text, .required = true};
static const struct rt_valid_raw_body blob_body = {
    .media = "application/octet-stream", .text = false, .min_bytes = 2, .max_bytes = 4, .required = false};

/*
 * Send @p len bytes of @p body (with @p content_type, NULL: none) through
 * rt_valid_raw_req_body() against @p b, and answer as run_<op>() does:
 * 415 (answered by it), 422, or 200 with what the handler would get.
 * @return "<status> <body>" (static buffer).
 */
static const char *put(const struct rt_valid_raw_body *b, const char *content_type, const char *body,
                       size_t len)
{
    static char out[1024];
    struct rt_req_capture cap = {0};
    const char *headers[] = {"Content-Type", content_type, NULL};
    struct rt_req *req =
        rt_req_new_detached(NULL, RT_METHOD_PUT, "/raw", content_type ? headers : NULL, body, len, &cap);
    struct rt_valid_errors errs;
    const char *got = NULL;
    size_t got_len = 0;
    char text[128];
    int rc;

    rt_valid_errors_init(&errs);
    rc = rt_valid_raw_req_body(req, b, &got, &got_len, &errs);
    if (rc == RT_VALID_RAW_UNSUPPORTED) {
        rt_valid_errors_cleanup(&errs);
    } else if (!rt_valid_req_reply_errors(req, &errs)) {
        snprintf(text, sizeof(text), "%s:%zu:%s", rc == RT_VALID_RAW_VALID ? "body" : "none", got_len,
                 got != NULL && got[got_len] == '\0' ? "nul" : "-");
        rt_req_reply(req, 200, "text/plain", text, strlen(text));
    }
    snprintf(out, sizeof(out), "%d %s", cap.status, cap.body != NULL ? cap.body : "");
    rt_req_capture_cleanup(&cap);
    return out;
}

#define PUT(b, ct, s) put(b, ct, s, sizeof(s) - 1)

static void test_text(void)
{
    CHECK(same(PUT(&text_body, "text/plain; charset=utf-8", "h\xc3\xa9llo"), "200 body:6:nul"));
    CHECK(same(PUT(&text_body, NULL, "ab"), "200 body:2:nul")); /* no Content-Type: the declared one */
    CHECK(same(PUT(&text_body, "text/plain", ""),
               "422 {\"detail\":[{\"type\":\"missing\",\"loc\":[\"body\"],\"msg\":\"Field "
               "required\",\"input\":null}]}"));
    CHECK(same(PUT(&text_body, "text/plain", "a"),
               "422 {\"detail\":[{\"type\":\"string_too_short\",\"loc\":[\"body\"],\"msg\":\"String should "
               "have at least 2 characters\",\"input\":\"a\",\"ctx\":{\"min_length\":2}}]}"));
    CHECK(same(PUT(&text_body, "text/plain", "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"),
               "200 body:10:nul")); /* 5 characters, 10 bytes: lengths count characters */
    CHECK(strstr(PUT(&text_body, "text/plain", "<b>"), "\"string_pattern_mismatch\"") != NULL);
    CHECK(same(PUT(&text_body, "text/plain", "a\xff"),
               "422 {\"detail\":[{\"type\":\"string_unicode\",\"loc\":[\"body\"],\"msg\":\"Input should be a "
               "valid string, unable to parse raw data as a unicode string\",\"input\":null}]}"));
    CHECK(strstr(PUT(&text_body, "text/plain", "a\0b"), "422 {\"detail\":[{\"type\":\"value_error\"") !=
          NULL);
    CHECK(
        same(PUT(&text_body, "text/html", "ab"),
             "415 {\"detail\":\"Unsupported Media Type: this operation takes a text/plain body in UTF-8\"}"));
    CHECK(strncmp(PUT(&text_body, "text/plain; charset=iso-8859-1", "ab"), "415 ", 4) == 0);
    CHECK(strncmp(PUT(&text_body, "application/json", "\"ab\""), "415 ", 4) == 0);
}

static void test_bytes(void)
{
    CHECK(same(PUT(&blob_body, "application/octet-stream", "\0\xff\0"), "200 body:3:nul"));
    CHECK(same(PUT(&blob_body, NULL, "ab"), "200 body:2:nul"));
    CHECK(same(PUT(&blob_body, "application/octet-stream", ""), "200 none:0:-")); /* optional */
    CHECK(
        same(PUT(&blob_body, "application/octet-stream", "abcde"),
             "422 {\"detail\":[{\"type\":\"bytes_too_long\",\"loc\":[\"body\"],\"msg\":\"Data should have at "
             "most 4 bytes\",\"input\":null,\"ctx\":{\"max_length\":4}}]}"));
    CHECK(same(
        PUT(&blob_body, "application/octet-stream", "a"),
        "422 {\"detail\":[{\"type\":\"bytes_too_short\",\"loc\":[\"body\"],\"msg\":\"Data should have at "
        "least 2 bytes\",\"input\":null,\"ctx\":{\"min_length\":2}}]}"));
    CHECK(same(PUT(&blob_body, "image/png", "ab"),
               "415 {\"detail\":\"Unsupported Media Type: this operation takes a application/octet-stream "
               "body\"}"));
    CHECK(same(PUT(&blob_body, "application/octet-stream; charset=latin-1", "ab"), "200 body:2:nul"));
}

/* rt_valid_raw_req_json_media() on a body sent with @p content_type: "ok" or the errors. */
static const char *json_media(const char *content_type, const char *body)
{
    static char out[2048];
    struct rt_req_capture cap = {0};
    const char *headers[] = {"Content-Type", content_type, NULL};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_POST, "/vnd", content_type ? headers : NULL,
                                             body, strlen(body), &cap);
    struct rt_valid_errors errs;

    rt_valid_errors_init(&errs);
    if (rt_valid_raw_req_json_media(req, "application/vnd.notes+json", &errs))
        snprintf(out, sizeof(out), "ok");
    else
        snprintf(out, sizeof(out), "%s", errors_text(&errs));
    rt_valid_errors_cleanup(&errs);
    rt_req_reply(req, 204, NULL, NULL, 0);
    rt_req_capture_cleanup(&cap);
    return out;
}

static void test_json_media(void)
{
    CHECK(same(json_media("application/vnd.notes+json; charset=utf-8", "{}"), "ok"));
    CHECK(same(json_media(NULL, "{}"), "ok"));
    CHECK(same(json_media("application/json", ""), "ok")); /* absent: the JSON reader says missing */
    CHECK(same(json_media("application/json", "{}"),
               "[{\"type\":\"model_attributes_type\",\"loc\":[\"body\"],\"msg\":\"Input should be a valid "
               "dictionary or object to extract fields from\",\"input\":\"{}\"}]"));
    CHECK(strstr(json_media("application/vnd.other+json", "{}"), "model_attributes_type") != NULL);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        {"media.is", test_media_is}, {"media.charset", test_charset},      {"body.text", test_text},
        {"body.bytes", test_bytes},  {"body.json_media", test_json_media},
    };

    return test_run(cases, TEST_N(cases), argc, argv);
}

/*
 * rt_valid_media: one request body under several media types (the
 * Content-Type picks the reader: which one rt_valid_media_select() picks,
 * and the 415 for none).  That each reader fills the one model is
 * codegen.fixture_styles' (/forms/any) and examples.notes' (POST /notes/).
 */
#include "test.h"

#include "rt_req.h"
#include "rt_valid_errors.h"
#include "rt_valid_form.h"
#include "rt_valid_media.h"
#include "rt_valid_req.h"

#include <string.h>

static const struct rt_valid_media three[] = {
    {"application/x-www-form-urlencoded", RT_VALID_MEDIA_FORM},
    {"application/json", RT_VALID_MEDIA_JSON},
    {"multipart/form-data", RT_VALID_MEDIA_MULTIPART},
};
static const struct rt_valid_media vendor[] = {
    {"multipart/form-data", RT_VALID_MEDIA_MULTIPART},
    {"application/vnd.notes+json", RT_VALID_MEDIA_JSON},
};
/* No model: these tests never reach a reader. */
static const struct rt_valid_media_body json_form_multi = {three, 3, 1, NULL, true};
static const struct rt_valid_media_body multi_vendor = {vendor, 2, 0, NULL, false};

/* The media type picked for a body of @p len bytes sent with @p ct, or "415". */
static const char *pick(const struct rt_valid_media_body *b, const char *ct, size_t len)
{
    const struct rt_valid_media *m = rt_valid_media_select(b, ct, len);

    return m != NULL ? m->media : "415";
}

static int is(const char *got, const char *want)
{
    if (strcmp(got, want) == 0)
        return 1;
    printf("# expected %s\n#      got %s\n", want, got);
    return 0;
}

static void test_select(void)
{
    CHECK(is(pick(&json_form_multi, "application/json", 2), "application/json"));
    CHECK(is(pick(&json_form_multi, " Application/X-WWW-Form-URLEncoded ; charset=utf-8", 3),
             "application/x-www-form-urlencoded"));
    CHECK(is(pick(&json_form_multi, "multipart/form-data; boundary=x", 9), "multipart/form-data"));
    /* application/json takes every +json type; the exact match comes first */
    CHECK(is(pick(&json_form_multi, "application/merge-patch+json", 2), "application/json"));
    /* no Content-Type, or no body: the primary media type's reader answers */
    CHECK(is(pick(&json_form_multi, NULL, 2), "application/json"));
    CHECK(is(pick(&json_form_multi, "text/plain", 0), "application/json"));
    CHECK(is(pick(&multi_vendor, NULL, 2), "multipart/form-data"));
    /* anything else: none */
    CHECK(is(pick(&json_form_multi, "text/plain", 2), "415"));
    CHECK(is(pick(&json_form_multi, "application/jsonx", 2), "415"));
    CHECK(is(pick(&json_form_multi, "multipart/mixed; boundary=x", 2), "415"));
    CHECK(is(pick(&json_form_multi, "", 2), "415"));
    /* a vendor JSON type is matched exactly, as for an operation of that type alone */
    CHECK(is(pick(&multi_vendor, "application/vnd.notes+json; v=2", 2), "application/vnd.notes+json"));
    CHECK(is(pick(&multi_vendor, "application/json", 2), "415"));
    CHECK(is(pick(&multi_vendor, "application/x-www-form-urlencoded", 2), "415"));
}

/* rt_valid_media_req_body() answers 415 at once, in rt_valid_raw's shape, and adds no error. */
static void test_unsupported(void)
{
    struct rt_req_capture cap = {0};
    const char *headers[] = {"Content-Type", "text/plain", NULL};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_POST, "/notes/", headers, "a=b", 3, &cap);
    struct rt_valid_errors errs;
    char out[64];

    rt_valid_errors_init(&errs);
    CHECK(rt_valid_media_req_body(req, &json_form_multi, out, &errs) == RT_VALID_MEDIA_UNSUPPORTED);
    CHECK(rt_valid_errors_count(&errs) == 0);
    CHECK(cap.status == 415 && cap.body != NULL &&
          is(cap.body, "{\"detail\":\"Unsupported Media Type: this operation takes a body of type "
                       "application/x-www-form-urlencoded, application/json or multipart/form-data\"}"));
    rt_valid_errors_cleanup(&errs);
    rt_req_capture_cleanup(&cap);
}

/* A form body into a closed model (additionalProperties: false): a field no property names is
 * extra_forbidden with its decoded text, after the fields' own errors; an open model ignores it. */
static void test_form_closed(void)
{
    static const struct rt_valid_rule text = {.kind = RT_VALID_STRING, .max_length = 2};
    static const struct rt_valid_field fields[] = {
        {"a", &text, true, 0, RT_VALID_NO_OFFSET, false, false, NULL, false, 0},
    };
    static const struct rt_valid_model closed = {"F", sizeof(const char *), fields, 1, true};
    static const struct rt_valid_model open = {"F", sizeof(const char *), fields, 1, false};
    const char *headers[] = {"Content-Type", "application/x-www-form-urlencoded", NULL};
    struct rt_req_capture cap = {0};
    struct rt_req *req =
        rt_req_new_detached(NULL, RT_METHOD_POST, "/f", headers, "a=xyz&b=%C3%A9+1", 16, &cap);
    struct rt_valid_errors errs;
    const char *out = NULL;

    rt_valid_errors_init(&errs);
    CHECK(rt_valid_form_body(req, &closed, true, &out, &errs) == 0);
    CHECK(rt_valid_req_reply_errors(req, &errs));
    CHECK(cap.status == 422 && cap.body != NULL &&
          is(cap.body,
             "{\"detail\":[{\"type\":\"string_too_long\",\"loc\":[\"body\",\"a\"],\"msg\":\"String "
             "should have at most 2 characters\",\"input\":\"xyz\",\"ctx\":{\"max_length\":2}},{\"type\":"
             "\"extra_forbidden\",\"loc\":[\"body\",\"b\"],\"msg\":\"Extra inputs are not permitted\","
             "\"input\":\"\u00e9 1\"}]}"));
    rt_valid_errors_cleanup(&errs);
    rt_req_capture_cleanup(&cap);
    req = rt_req_new_detached(NULL, RT_METHOD_POST, "/f", headers, "a=xy&b=1", 8, &cap);
    rt_valid_errors_init(&errs);
    CHECK(rt_valid_form_body(req, &open, true, &out, &errs) == 1 && out != NULL && strcmp(out, "xy") == 0);
    rt_req_reply(req, 204, NULL, NULL, 0);
    rt_valid_errors_cleanup(&errs);
    rt_req_capture_cleanup(&cap);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        {"select", test_select}, {"unsupported", test_unsupported}, {"form.closed", test_form_closed}};

    return test_run(cases, TEST_N(cases), argc, argv);
}

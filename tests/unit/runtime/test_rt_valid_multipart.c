/*
 * rt_valid_multipart: a multipart/form-data body into a model as the
 * generator would describe it (a required file, an array of image files,
 * an optional integer with its has_ flag, an array of strings, an optional
 * file): the values stored (file bytes pointing into the body), one 422
 * entry per failing field with FastAPI's loc and type, and the body-level
 * errors; then the generated client's writer of the same model read back.
 */
#include "test.h"

#include "rt_api_client_multipart.h"
#include "rt_req.h"
#include "rt_valid_multipart.h"
#include "rt_valid_req.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>

struct upload {
    struct rt_valid_file file;
    struct {
        size_t len;
        struct rt_valid_file *items;
    } scans;
    int64_t n;
    bool has_n;
    struct {
        size_t len;
        const char **items;
    } tags;
    struct rt_valid_file extra;
};

static const char *const images[] = {"image/*", "application/pdf", NULL};
static const struct rt_valid_rule r_file = {.kind = RT_VALID_FILE};
static const struct rt_valid_rule r_image = {.kind = RT_VALID_FILE, .enum_values = images};
static const struct rt_valid_rule r_scans = {.kind = RT_VALID_ARRAY, .items = &r_image};
static const struct rt_valid_rule r_n = {.kind = RT_VALID_INTEGER,
                                         .maximum = {.text = "9", .value = 9, .is_int = true}};
static const struct rt_valid_rule r_tag = {.kind = RT_VALID_STRING, .max_length = 3};
static const struct rt_valid_rule r_tags = {.kind = RT_VALID_ARRAY, .items = &r_tag};
static const struct rt_valid_field fields[] = {
    {"file", &r_file, true, offsetof(struct upload, file), RT_VALID_NO_OFFSET, false, false, NULL, false, 0},
    {"scans", &r_scans, false, offsetof(struct upload, scans.items), offsetof(struct upload, scans.len),
     false, false, NULL, false, 0},
    {"n", &r_n, false, offsetof(struct upload, n), offsetof(struct upload, has_n), false, false, NULL, false,
     0},
    {"tags", &r_tags, false, offsetof(struct upload, tags.items), offsetof(struct upload, tags.len), false,
     false, NULL, false, 0},
    {"extra", &r_file, false, offsetof(struct upload, extra), RT_VALID_NO_OFFSET, false, false, NULL, false,
     0},
};
static const struct rt_valid_model model = {"Upload", sizeof(struct upload), fields, 5, false};
/* additionalProperties: false: a part no property names is extra_forbidden */
static const struct rt_valid_model closed_model = {"Upload", sizeof(struct upload), fields, 5, true};
static const struct rt_valid_model *reading = &model;

static struct rt_req_capture cap;
static struct upload got;

/*
 * Read @p len bytes of @p body sent with @p content_type; a valid body is
 * copied into got (its pointers valid until the request is answered).
 * @return what rt_valid_multipart_body() returned; cap holds the 422 if any.
 */
static int read_body(const char *content_type, const char *body, size_t len,
                     bool (*check)(const struct rt_req *))
{
    const char *headers[] = {"Content-Type", content_type, NULL};
    struct rt_req *req;
    struct upload *u;
    struct rt_valid_errors errs;
    int rc;

    rt_req_capture_cleanup(&cap);
    req = rt_req_new_detached(NULL, RT_METHOD_POST, "/u", headers, body, len, &cap);
    u = rt_req_alloc(req, sizeof(*u));
    rt_valid_errors_init(&errs);
    rc = rt_valid_multipart_body(req, reading, true, u, &errs);
    got = *u; /* its pointers: valid until the request is answered, below */
    if (!rt_valid_req_reply_errors(req, &errs)) {
        CHECK(check == NULL || check(req));
        rt_req_reply(req, 204, NULL, NULL, 0);
    }
    rt_valid_errors_cleanup(&errs);
    return rc;
}

#define BODY(lit) lit, sizeof(lit) - 1
#define CT "multipart/form-data; boundary=XyZ"

/* The 422 entries as "loc/type" lines: "body.file:missing\n...". */
static const char *errors_text(void)
{
    static char out[1024];
    struct json_object *j = json_tokener_parse(cap.body ? cap.body : "{}"), *detail;
    size_t n;

    out[0] = '\0';
    if (cap.status != 422 || !json_object_object_get_ex(j, "detail", &detail)) {
        json_object_put(j);
        return "(not a 422)";
    }
    n = json_object_array_length(detail);
    for (size_t i = 0; i < n; i++) {
        struct json_object *e = json_object_array_get_idx(detail, i), *loc, *type;

        json_object_object_get_ex(e, "loc", &loc);
        json_object_object_get_ex(e, "type", &type);
        for (size_t k = 0; k < json_object_array_length(loc); k++) {
            strcat(out, k ? "." : "");
            strcat(out, json_object_get_string(json_object_array_get_idx(loc, k)));
        }
        strcat(out, ":");
        strcat(out, json_object_get_string(type));
        strcat(out, "\n");
    }
    json_object_put(j);
    return out;
}

static bool values_ok(const struct rt_req *req)
{
    size_t len;
    const char *body = rt_req_body(req, &len);

    return strcmp(got.file.name, "file") == 0 && strcmp(got.file.filename, "a.bin") == 0 &&
           got.file.content_type == NULL && got.file.size == 3 && memcmp(got.file.data, "\0\r\n", 3) == 0 &&
           (const char *)got.file.data > body && (const char *)got.file.data < body + len &&
           got.scans.len == 2 && strcmp(got.scans.items[0].filename, "s1.png") == 0 &&
           got.scans.items[1].size == 4 &&
           strcmp(got.scans.items[1].content_type, "Application/PDF; x=1") == 0 && got.has_n && got.n == 7 &&
           got.tags.len == 2 && strcmp(got.tags.items[0], "ab") == 0 && strcmp(got.tags.items[1], "") == 0 &&
           got.extra.name == NULL;
}

static void test_valid(void)
{
    CHECK(read_body(
              CT,
              BODY("--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.bin\"\r\n\r\n"
                   "\0\r\n\r\n--XyZ\r\nContent-Disposition: form-data; name=scans; filename=s1.png\r\n"
                   "Content-Type: image/png\r\n\r\nPNG\r\n--XyZ\r\nContent-Disposition: form-data; "
                   "name=tags\r\n\r\nab\r\n--XyZ\r\nContent-Disposition: form-data; name=n\r\n\r\n7\r\n"
                   "--XyZ\r\nContent-Disposition: form-data; name=scans; filename=s2.pdf\r\nContent-Type: "
                   "Application/PDF; x=1\r\n\r\n%PDF\r\n--XyZ\r\nContent-Disposition: form-data; "
                   "name=tags\r\n\r\n\r\n--XyZ\r\nContent-Disposition: form-data; name=other\r\n\r\n?\r\n"
                   "--XyZ--\r\n"),
              values_ok) == 1);
    CHECK(cap.status == 204);
}

static void test_field_errors(void)
{
    CHECK(
        read_body(CT,
                  BODY("--XyZ\r\nContent-Disposition: form-data; name=\"scans\"; filename=\"x.txt\"\r\n"
                       "Content-Type: text/plain\r\n\r\nx\r\n--XyZ\r\nContent-Disposition: form-data; "
                       "name=scans; filename=y\r\n\r\ny\r\n--XyZ\r\nContent-Disposition: form-data; name=n; "
                       "filename=n.txt\r\n\r\n1\r\n--XyZ\r\nContent-Disposition: form-data; name=tags\r\n\r\n"
                       "abcd\r\n--XyZ\r\nContent-Disposition: form-data; name=tags\r\n\r\n\xff\r\n"
                       "--XyZ\r\nContent-Disposition: form-data; name=extra\r\n\r\ntext\r\n--XyZ--"),
                  NULL) == 0);
    CHECK(strcmp(errors_text(), "body.file:missing\nbody.scans.0:content_type\nbody.scans.1:content_type\n"
                                "body.n:int_type\nbody.tags.0:string_too_long\nbody.tags.1:string_unicode\n"
                                "body.extra:value_error\n") == 0);
    CHECK(
        read_body(CT,
                  BODY("--XyZ\r\nContent-Disposition: form-data; name=file; filename=a\r\n\r\n1\r\n--XyZ\r\n"
                       "Content-Disposition: form-data; name=n\r\n\r\n10\r\n--XyZ\r\nContent-Disposition: "
                       "form-data; name=n\r\n\r\n1\r\n--XyZ\r\nContent-Disposition: form-data; name=file; "
                       "filename=b\r\n\r\n2\r\n--XyZ--"),
                  NULL) == 0);
    CHECK(strcmp(errors_text(), "body.file:value_error\nbody.n:value_error\n") == 0);
}

static void test_body_errors(void)
{
    CHECK(read_body(CT, "", 0, NULL) == 0 && strcmp(errors_text(), "body:missing\n") == 0);
    CHECK(read_body("application/json", BODY("{}"), NULL) == 0 &&
          strcmp(errors_text(), "body:model_attributes_type\n") == 0);
    CHECK(read_body("multipart/form-data; boundary=\"\"", BODY("--\r\n"), NULL) == 0 &&
          strcmp(errors_text(), "body:multipart_invalid\n") == 0);
    CHECK(read_body(CT, BODY("--XyZ\r\nContent-Disposition: form-data; name=file; filename=a\r\n\r\n1"),
                    NULL) == 0 &&
          strcmp(errors_text(), "body.65:multipart_invalid\n") == 0);
    CHECK(cap.body != NULL && strstr(cap.body, "\"ctx\":{\"error\":\"the closing delimiter") != NULL);
}

/* A closed model: each undeclared part (a text field, a file) is extra_forbidden, after the fields' errors.
 */
static void test_closed(void)
{
    reading = &closed_model;
    CHECK(read_body(CT,
                    BODY("--XyZ\r\nContent-Disposition: form-data; name=zz\r\n\r\nhey\r\n--XyZ\r\n"
                         "Content-Disposition: form-data; name=file; filename=a\r\n\r\n1\r\n--XyZ\r\n"
                         "Content-Disposition: form-data; name=n\r\n\r\n10\r\n--XyZ\r\n"
                         "Content-Disposition: form-data; name=up; filename=u\r\n\r\n2\r\n--XyZ--"),
                    NULL) == 0);
    CHECK(strcmp(errors_text(),
                 "body.n:less_than_equal\nbody.zz:extra_forbidden\nbody.up:extra_forbidden\n") == 0);
    CHECK(cap.body != NULL &&
          strstr(cap.body, "\"msg\":\"Extra inputs are not permitted\",\"input\":\"hey\"") != NULL);
    CHECK(read_body(
              CT, BODY("--XyZ\r\nContent-Disposition: form-data; name=file; filename=a\r\n\r\n1\r\n--XyZ--"),
              NULL) == 1);
    reading = &model;
}

static bool client_values_ok(const struct rt_req *req)
{
    (void)req;
    return got.file.size == 1 && strcmp(got.file.filename, "") == 0 && got.scans.len == 2 &&
           got.scans.items[0].size == 4 && memcmp(got.scans.items[0].data, "P\0\r\n", 4) == 0 &&
           strcmp(got.scans.items[1].content_type, "application/pdf") == 0 && got.has_n && got.n == 3 &&
           got.tags.len == 2 && strcmp(got.tags.items[1], "xy") == 0 && got.extra.name == NULL;
}

/* The client's writer for the same model: what it sends is what the server reads. */
static void test_client_model(void)
{
    static const unsigned char bytes[] = {'P', 0, '\r', '\n'};
    struct rt_valid_file scans[2] = {{"scans", "s.png", "image/png", bytes, 4},
                                     {NULL, "t.pdf", "application/pdf", bytes, 1}};
    const char *tags[] = {"a", "b\"cd"};
    struct upload u = {.file = {NULL, NULL, NULL, (const unsigned char *)"F", 1}, .n = 3, .has_n = false};
    char boundary[RT_MULTIPART_BOUNDARY_MAX + 1], ct[128];
    size_t len = 0;
    char *body;

    u.scans.len = 2, u.scans.items = scans;
    u.tags.len = 2, u.tags.items = tags;
    body = rt_api_client_multipart_model(&model, &u, boundary, &len);
    snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%s", boundary);
    CHECK(body != NULL && read_body(ct, body, len, NULL) == 0); /* tags "b\"cd" is too long: 422, read */
    CHECK(strcmp(errors_text(), "body.tags.1:string_too_long\n") == 0);
    free(body);
    tags[1] = "xy", u.has_n = true;
    body = rt_api_client_multipart_model(&model, &u, boundary, &len);
    snprintf(ct, sizeof(ct), "multipart/form-data; boundary=%s", boundary);
    CHECK(body != NULL && read_body(ct, body, len, client_values_ok) == 1);
    free(body);
}

int main(int argc, char **argv)
{
    static const struct test_case cases[] = {
        {"model.valid", test_valid},
        {"model.field_errors", test_field_errors},
        {"model.body_errors", test_body_errors},
        {"model.closed", test_closed},
        {"client.model", test_client_model},
    };
    int rc = test_run(cases, TEST_N(cases), argc, argv);

    rt_req_capture_cleanup(&cap);
    return rc;
}

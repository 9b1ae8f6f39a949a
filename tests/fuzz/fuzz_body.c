/*
 * libFuzzer target: request bodies.  Input: the body of POST /users/
 * (Content-Type: application/json), through api_dispatch(): JSON parsing
 * (rt_valid_json_parse: strict, UTF-8, depth-limited) and validation into
 * the UserCreate model.  The create_user handler below checks that only a
 * valid UserCreate reaches it and echoes it as a User (201).
 *
 * The same bytes then go to rt_valid_json_parse() in a buffer of exactly
 * their size, and a parsed document is converted into every model of the
 * spec (nested objects, arrays, nullable and optional fields, enums,
 * formats): a model that converts must convert to JSON and back again.
 * And as a raw body (rt_valid_raw): up to the first newline the
 * Content-Type, the rest a text/plain body against a string rule and an
 * octet-stream body within byte bounds.
 */
#include "api.h"
#include "fuzz_common.h"
#include "rt_valid_format.h"
#include "rt_valid_json.h"
#include "rt_valid_raw.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

void handle_create_user(struct rt_req *req, const struct api_create_user_params *params)
{
    const struct api_user_create *in = &params->body;
    struct api_user out = {
        .id = 1, .email = in->email, .full_name = in->full_name, .created_at = "2026-01-01T00:00:00Z"};
    long n;

    FUZZ_CHECK(in->email != NULL && in->full_name != NULL, "create_user with a NULL field");
    n = rt_url_utf8_length(in->email, strlen(in->email));
    FUZZ_CHECK(n >= 1 && n <= 254, "email of %ld characters", n);
    FUZZ_CHECK(rt_valid_format_email_reason(in->email, strlen(in->email)) == NULL, "invalid email %s",
               in->email);
    n = rt_url_utf8_length(in->full_name, strlen(in->full_name));
    FUZZ_CHECK(n >= 1 && n <= 100, "full_name of %ld characters", n);
    api_create_user__reply_201(req, &out);
}

static const struct rt_valid_model *const models[] = {
    &api_welcome__model,
    &api_delay_result__model,
    &api_user_create__model,
    &api_user__model,
    &api_external_source_result__model,
    &api_external_data__model,
    &api_user_with_external_data__model,
    &api_task_accepted__model,
    &api_task__model,
    &api_performance_result__model,
    &api_health__model,
    &api_database_health__model,
    &api_user_page__model,
    &api_http_error__model,
    &api_http_validation_error__model,
    &api_validation_error__model,
};

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    api_init();
    return 0;
}

/* Convert @j into @model, and a valid result back to JSON and into the model again. */
static void fuzz_model(const struct rt_valid_model *model, struct json_object *j)
{
    struct rt_valid_loc body = {NULL, "body", 0};
    struct rt_valid_errors errs;
    void *v = malloc(model->size), *v2 = malloc(model->size);
    int rc;

    if (v == NULL || v2 == NULL)
        abort();
    rt_valid_errors_init(&errs);
    rc = rt_valid_model_from_json(model, j, v, &errs, &body);
    FUZZ_CHECK((rc == 0) == (rt_valid_errors_count(&errs) == 0), "%s: rc %d with %zu errors", model->name, rc,
               rt_valid_errors_count(&errs));
    if (rc == 0) {
        struct json_object *out = rt_valid_model_to_json(model, v);

        rc = rt_valid_model_from_json(model, out, v2, &errs, &body);
        if (rc != 0) {
            struct json_object *e = rt_valid_errors_to_json(&errs);

            fuzz_fail("%s: its own JSON %s does not validate: %s", model->name,
                      json_object_to_json_string(out), json_object_to_json_string(e));
        }
        json_object_put(out);
        rt_valid_model_cleanup(model, v2);
    } else {
        json_object_put(rt_valid_errors_to_json(&errs));
    }
    rt_valid_model_cleanup(model, v);
    rt_valid_model_cleanup(model, v); /* idempotent */
    rt_valid_errors_cleanup(&errs);
    free(v2);
    free(v);
}

static struct rt_valid_pattern raw_pattern = {.source = "^[a-z ]*$", .regex = "^[a-z ]*$"};
static const struct rt_valid_rule raw_rule = {
    .kind = RT_VALID_STRING, .min_length = 1, .max_length = 8, .pattern = &raw_pattern};
static const struct rt_valid_raw_body raw_text = {.media = "text/plain", .text = true, .rule = &raw_rule};
static const struct rt_valid_raw_body raw_bytes = {
    .media = "application/octet-stream", .min_bytes = 2, .max_bytes = 8, .required = true};

static void *raw_alloc(void *ctx, size_t size)
{
    return rt_req_alloc(ctx, size);
}

/* @p body (@p len bytes and a NUL) sent as @p ct against @p b: what it accepts is what @p b declares. */
static void fuzz_raw(const struct rt_valid_raw_body *b, const char *ct, const char *body, size_t len)
{
    struct rt_req_capture cap = {0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_POST, "/raw", NULL, NULL, 0, &cap);
    const struct rt_valid_arena arena = {raw_alloc, req, NULL};
    struct rt_valid_errors errs;
    const char *out;
    size_t out_len;
    int rc;

    rt_valid_errors_init(&errs);
    rc = rt_valid_raw_check(b, ct, body, len, &out, &out_len, &arena, &errs);
    FUZZ_CHECK((rc == RT_VALID_RAW_VALID) == (out != NULL) &&
                   (rc == RT_VALID_RAW_NONE) ==
                       (rt_valid_errors_count(&errs) > 0 || (len == 0 && !b->required)),
               "raw: rc %d with %zu errors", rc, rt_valid_errors_count(&errs));
    FUZZ_CHECK(rc != RT_VALID_RAW_UNSUPPORTED || (ct != NULL && !rt_valid_raw_media_is(ct, b->media)) ||
                   (ct != NULL && b->text && !rt_valid_raw_charset_ok(ct)),
               "raw: %s refused for %s", ct != NULL ? ct : "(none)", b->media);
    if (rc == RT_VALID_RAW_VALID && b->text) {
        long n = rt_url_utf8_length(out, out_len);

        FUZZ_CHECK(n >= 1 && n <= 8 && strlen(out) == out_len &&
                       strspn(out, "abcdefghijklmnopqrstuvwxyz ") == out_len,
                   "raw: text %s accepted", out);
    }
    if (rc == RT_VALID_RAW_VALID && !b->text)
        FUZZ_CHECK(out == body && out_len == len && len >= 2 && len <= 8, "raw: %zu bytes accepted", len);
    rt_valid_errors_cleanup(&errs);
    rt_req_reply(req, 204, NULL, NULL, 0);
    rt_req_capture_cleanup(&cap);
}

static void fuzz_raw_bodies(const uint8_t *data, size_t size)
{
    const uint8_t *nl = memchr(data, '\n', size);
    size_t ct_len = nl != NULL ? (size_t)(nl - data) : 0, len = nl != NULL ? size - ct_len - 1 : size;
    char *ct = nl != NULL ? malloc(ct_len + 1) : NULL, *body = malloc(len + 1);

    if (body == NULL || (nl != NULL && ct == NULL))
        abort();
    if (ct != NULL) {
        memcpy(ct, data, ct_len);
        ct[ct_len] = '\0'; /* a NUL inside ends it: what a header can hold */
    }
    memcpy(body, nl != NULL ? nl + 1 : data, len);
    body[len] = '\0'; /* rt_req_body()'s */
    fuzz_raw(&raw_text, ct, body, len);
    fuzz_raw(&raw_bytes, ct, body, len);
    free(body);
    free(ct);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const headers[] = {"Content-Type", "application/json", NULL};
    struct rt_req_capture cap = {0};
    struct rt_valid_errors errs;
    struct json_object *j = NULL;
    struct rt_req *req;
    char *exact;

    req = rt_req_new_detached(NULL, RT_METHOD_POST, "/users/", headers, (const char *)data, size, &cap);
    api_dispatch(req);
    fuzz_check_capture(&cap);
    FUZZ_CHECK(cap.status == 201 || cap.status == 422, "POST /users/ answered %d", cap.status);
    rt_req_capture_cleanup(&cap);

    exact = malloc(size ? size : 1);
    if (exact == NULL)
        abort();
    memcpy(exact, data, size);
    rt_valid_errors_init(&errs);
    if (rt_valid_json_parse(exact, size, &j, &errs) == 0) {
        FUZZ_CHECK(rt_valid_errors_count(&errs) == 0, "parsed, yet an error");
        for (size_t i = 0; i < sizeof(models) / sizeof(models[0]); i++)
            fuzz_model(models[i], j);
        json_object_put(j);
    } else {
        FUZZ_CHECK(rt_valid_errors_count(&errs) == 1, "a parse failure is one json_invalid error");
    }
    rt_valid_errors_cleanup(&errs);
    free(exact);
    fuzz_raw_bodies(data, size);
    return 0;
}

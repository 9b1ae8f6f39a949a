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
 */
#include "api.h"
#include "fuzz_common.h"
#include "rt_valid_format.h"
#include "rt_valid_json.h"

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
    return 0;
}

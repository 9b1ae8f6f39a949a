/*
 * libFuzzer target: the parameter validators.
 *
 * Input: one byte choosing a request template, then the text put into it
 * (a path segment or a query string).  The request goes through
 * api_dispatch(); the handlers below stand in for handlers/ and check the
 * promise of generated/api_ops.h, that a handler only ever sees valid
 * parameters (numbers within their bounds and finite, e-mail addresses
 * that pass the e-mail check, UUIDs of the right shape, strings of
 * allowed length in valid UTF-8), then echo them.
 *
 * The same text also goes straight to the parsers of rt_valid_parse.h, the
 * format checks of rt_valid_format.h and the decoders of rt_url.h, in
 * buffers of exactly its size (no NUL) where the function takes a length,
 * with round-trip checks: a parsed number printed and parsed again is the
 * same number.
 */
#include "api.h"
#include "fuzz_common.h"
#include "rt_valid_format.h"
#include "rt_valid_json.h"
#include "rt_valid_parse.h"

#include <ctype.h>
#include <inttypes.h>
#include <math.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* --- handlers: check, then answer 200 --- */

/* Answer 200 {"seconds": <value>}. */
static void reply_seconds(struct rt_req *req, double seconds)
{
    struct json_object *obj = json_object_new_object();

    json_object_object_add(obj, "seconds", rt_valid_json_double(seconds));
    rt_req_reply_json(req, 200, obj);
}

static void check_string(const char *s, size_t min_chars, size_t max_chars, const char *what)
{
    long n;

    FUZZ_CHECK(s != NULL, "%s: NULL", what);
    n = rt_url_utf8_length(s, strlen(s));
    FUZZ_CHECK(n >= 0, "%s: invalid UTF-8 reached the handler", what);
    FUZZ_CHECK((size_t)n >= min_chars && (max_chars == 0 || (size_t)n <= max_chars),
               "%s: %ld characters reached the handler", what, n);
}

void handle_async_delay(struct rt_req *req, const struct api_async_delay_params *params)
{
    FUZZ_CHECK(isfinite(params->seconds) && params->seconds >= 0 && params->seconds <= 60, "async_delay %g",
               params->seconds);
    reply_seconds(req, params->seconds);
}

void handle_sync_delay(struct rt_req *req, const struct api_sync_delay_params *params)
{
    FUZZ_CHECK(isfinite(params->seconds) && params->seconds >= 0 && params->seconds <= 10, "sync_delay %g",
               params->seconds);
    reply_seconds(req, params->seconds);
}

void handle_list_users(struct rt_req *req, const struct api_list_users_params *params)
{
    FUZZ_CHECK(params->limit >= 1 && params->limit <= 100, "limit %" PRId64, params->limit);
    FUZZ_CHECK(params->offset >= 0 && params->offset <= 1000000000, "offset %" PRId64, params->offset);
    rt_req_reply_detail(req, 200, "ok");
}

static void check_email(const char *email)
{
    check_string(email, 1, 254, "email");
    FUZZ_CHECK(rt_valid_format_email_reason(email, strlen(email)) == NULL, "email %s reached the handler",
               email);
}

void handle_get_user(struct rt_req *req, const struct api_get_user_params *params)
{
    check_email(params->user_email);
    rt_req_reply_detail(req, 200, params->user_email);
}

void handle_get_user_with_external_data(struct rt_req *req,
                                        const struct api_get_user_with_external_data_params *params)
{
    check_email(params->user_email);
    rt_req_reply_detail(req, 200, params->user_email);
}

void handle_process_data(struct rt_req *req, const struct api_process_data_params *params)
{
    check_string(params->message, 1, 256, "message");
    rt_req_reply_detail(req, 200, params->message);
}

void handle_get_task(struct rt_req *req, const struct api_get_task_params *params)
{
    const char *id = params->task_id;
    size_t i, len = strlen(id);

    FUZZ_CHECK(len == 32 || len == 36, "task_id %s", id);
    for (i = 0; i < len; i++) {
        int dash = len == 36 && (i == 8 || i == 13 || i == 18 || i == 23);

        FUZZ_CHECK(dash ? id[i] == '-' : isxdigit((unsigned char)id[i]) != 0, "task_id %s", id);
    }
    rt_req_reply_detail(req, 200, id);
}

/* --- the target --- */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    api_init();
    return 0;
}

/* The scalar parsers and decoders on their own. */
static void fuzz_scalars(const uint8_t *data, size_t size, const char *s)
{
    int64_t i = 0, i2 = 0;
    double d = 0, d2 = 0;
    bool b;
    char *exact, *dst;
    size_t out_len = 0;
    int rc;
    long n;

    rc = rt_valid_parse_int(s, &i);
    if (rc == 0) {
        char buf[64];

        snprintf(buf, sizeof(buf), "%" PRId64, i);
        FUZZ_CHECK(rt_valid_parse_int(buf, &i2) == 0 && i2 == i, "int %s -> %s does not read back", s, buf);
    } else if (rc == 1) {
        FUZZ_CHECK(i == INT64_MAX || i == INT64_MIN, "int overflow of %s gave %" PRId64, s, i);
    } else {
        FUZZ_CHECK(rc == -1, "rt_valid_parse_int returned %d", rc);
    }
    rc = rt_valid_parse_number(s, &d);
    FUZZ_CHECK(rc == 0 || rc == -1, "rt_valid_parse_number returned %d", rc);
    if (rc == 0 && isfinite(d)) {
        struct json_object *j = rt_valid_json_double(d);
        const char *text = json_object_to_json_string(j);

        /* The shortest JSON form must read back as the same double. */
        FUZZ_CHECK(strtod(text, NULL) == d && signbit(strtod(text, NULL)) == signbit(d),
                   "number %s printed as %s", s, text);
        FUZZ_CHECK(rt_valid_parse_number(text, &d2) == 0 && d2 == d, "number %s -> %s does not read back", s,
                   text);
        json_object_put(j);
    }
    (void)rt_valid_parse_bool(s, &b);
    if (rc == 0 && rt_valid_parse_int(s, &i) == 0)
        FUZZ_CHECK((double)i == d || fabs((double)i - d) <= fabs(d) * 1e-15,
                   "%s: int %" PRId64 " vs number %g", s, i, d);

    /* Functions that take a length get exactly that many bytes, with nothing after them. */
    exact = malloc(size ? size : 1);
    dst = malloc(size + 1);
    if (exact == NULL || dst == NULL)
        abort();
    memcpy(exact, data, size);
    (void)rt_valid_format_email_reason(exact, size);
    (void)rt_valid_format_date_time_reason(exact, size);
    (void)rt_valid_format_uuid_reason(exact, size);
    n = rt_url_utf8_length(exact, size);
    FUZZ_CHECK(n >= -1 && n <= (long)size, "utf8_length %ld of %zu bytes", n, size);
    for (int form = 0; form < 2; form++) {
        rc = rt_url_decode(dst, exact, size, form, &out_len);
        if (rc == RT_URL_OK) {
            FUZZ_CHECK(out_len <= size && dst[out_len] == '\0', "decoded %zu of %zu bytes", out_len, size);
            FUZZ_CHECK(strlen(dst) == out_len, "a NUL inside a decoded value");
            FUZZ_CHECK(rt_url_utf8_length(dst, out_len) >= 0, "decoded value is not UTF-8");
        } else {
            FUZZ_CHECK(rc == RT_URL_BAD_ESCAPE || rc == RT_URL_NUL || rc == RT_URL_BAD_UTF8,
                       "rt_url_decode %d", rc);
            FUZZ_CHECK(rt_url_strerror(rc) != NULL, "no message for %d", rc);
        }
    }
    free(dst);
    free(exact);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const struct {
        enum rt_method method;
        const char *prefix;
    } templates[] = {
        {RT_METHOD_GET, "/async-delay/"},
        {RT_METHOD_GET, "/sync-delay/"},
        {RT_METHOD_GET, "/users/?"},
        {RT_METHOD_GET, "/users/?limit="},
        {RT_METHOD_GET, "/users/?offset="},
        {RT_METHOD_GET, "/users/"},
        {RT_METHOD_HEAD, "/user-with-external-data/"},
        {RT_METHOD_POST, "/process-data/"},
        {RT_METHOD_GET, "/tasks/"},
    };
    const size_t n_templates = sizeof(templates) / sizeof(templates[0]);
    struct rt_req_capture cap = {0};
    struct rt_req *req;
    char *value, *target;
    size_t pick;

    if (size < 1)
        return 0;
    pick = data[0] % n_templates;
    value = fuzz_strndup(data + 1, size - 1);
    fuzz_scalars(data + 1, size - 1, value);
    if (!fuzz_is_target_text(value)) {
        free(value);
        return 0; /* the parsers saw it; a client cannot send it in a URL */
    }
    target = malloc(strlen(templates[pick].prefix) + strlen(value) + 1);
    if (target == NULL)
        abort();
    strcpy(target, templates[pick].prefix);
    strcat(target, value);
    req = rt_req_new_detached(NULL, templates[pick].method, target, NULL, NULL, 0, &cap);
    FUZZ_CHECK(req != NULL, "rt_req_new_detached refused %s", target);
    api_dispatch(req);
    fuzz_check_capture(&cap);
    rt_req_capture_cleanup(&cap);
    free(target);
    free(value);
    return 0;
}

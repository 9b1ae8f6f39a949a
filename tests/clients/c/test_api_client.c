/*
 * The generated client (generated/api_client.h) against the real server,
 * whose URL is in ASYNC_DEMO_URL (tests/client/with_server.py starts it):
 * typed bodies in and out, documented error statuses parsed into their
 * models, query parameters, concurrent calls on one loop, an undocumented
 * status, calls refused before sending, and the operation table.
 */
#include "api_client.h"
#include "rt_client.h"
#include "test.h"

#include <json-c/json.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <event2/event.h>

static struct event_base *base;
static struct rt_api_client client;
static int pending; /* calls whose callback has not run */

/* What a callback saw, copied out of the response. */
struct seen {
    int status;
    bool documented;
    bool parsed; /* the typed body for the status was set */
    bool has_json;
    char error[256];
    char text[512];
    int64_t id;
    char email[128];
    char detail[256];
    size_t n; /* items / detail entries */
    int64_t limit;
    double actual_seconds;
};

static void seen_common(struct seen *s, const struct rt_api_client_response *r)
{
    s->status = r->status;
    s->documented = r->documented;
    s->has_json = r->json != NULL;
    snprintf(s->error, sizeof(s->error), "%s", r->error != NULL ? r->error : "");
    snprintf(s->text, sizeof(s->text), "%.*s", (int)(r->text != NULL ? r->text_len : 0),
             r->text != NULL ? r->text : "");
    if (--pending == 0)
        event_base_loopexit(base, NULL);
}

static void run_loop(void)
{
    if (pending > 0)
        event_base_dispatch(base);
}

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* --- callbacks --- */

static void on_create_user(const struct api_client_create_user_response *res, void *arg)
{
    struct seen *s = arg;

    if (res->body_201 != NULL) {
        s->parsed = true;
        s->id = res->body_201->id;
        snprintf(s->email, sizeof(s->email), "%s", res->body_201->email);
    } else if (res->body_409 != NULL) {
        s->parsed = true;
        snprintf(s->detail, sizeof(s->detail), "%s", res->body_409->detail);
    } else if (res->body_422 != NULL) {
        s->parsed = true;
        s->n = res->body_422->detail.len;
        if (s->n > 0)
            snprintf(s->detail, sizeof(s->detail), "%s", res->body_422->detail.items[0].type);
    }
    seen_common(s, &res->r);
}

static void on_get_user(const struct api_client_get_user_response *res, void *arg)
{
    struct seen *s = arg;

    if (res->body_200 != NULL) {
        s->parsed = true;
        s->id = res->body_200->id;
        snprintf(s->email, sizeof(s->email), "%s", res->body_200->email);
    } else if (res->body_404 != NULL) {
        s->parsed = true;
        snprintf(s->detail, sizeof(s->detail), "%s", res->body_404->detail);
    }
    seen_common(s, &res->r);
}

static void on_list_users(const struct api_client_list_users_response *res, void *arg)
{
    struct seen *s = arg;

    if (res->body_200 != NULL) {
        s->parsed = true;
        s->n = res->body_200->items.len;
        s->limit = res->body_200->limit;
    }
    seen_common(s, &res->r);
}

static void on_async_delay(const struct api_client_async_delay_response *res, void *arg)
{
    struct seen *s = arg;

    if (res->body_200 != NULL) {
        s->parsed = true;
        s->actual_seconds = res->body_200->actual_seconds;
    }
    seen_common(s, &res->r);
}

static void on_read_root(const struct api_client_read_root_response *res, void *arg)
{
    struct seen *s = arg;

    s->parsed = res->body_200 != NULL;
    seen_common(s, &res->r);
}

static void on_any(const struct rt_api_client_response *res, void *arg)
{
    seen_common(arg, res);
}

/* --- tests --- */

static void test_create_and_get(void)
{
    struct api_user_create body = {.email = "c-client@example.com", .full_name = "C Client"};
    struct seen created = {0}, got = {0}, missing = {0}, again = {0};

    CHECK(api_client_create_user(&client, &body, on_create_user, &created) == 0);
    pending = 1;
    run_loop();
    CHECK(created.status == 201 && created.documented && created.parsed);
    CHECK(created.id > 0 && strcmp(created.email, "c-client@example.com") == 0);

    CHECK(api_client_get_user(&client, "c-client@example.com", on_get_user, &got) == 0);
    CHECK(api_client_get_user(&client, "nobody@example.com", on_get_user, &missing) == 0);
    CHECK(api_client_create_user(&client, &body, on_create_user, &again) == 0);
    pending = 3;
    run_loop();
    CHECK(got.status == 200 && got.parsed && got.id == created.id);
    CHECK(missing.status == 404 && missing.documented && missing.parsed);
    CHECK(strcmp(missing.detail, "User not found") == 0);
    CHECK(again.status == 409 && again.parsed && strcmp(again.detail, "Email already registered") == 0);
}

static void test_validation_error_is_parsed(void)
{
    struct api_user_create body = {.email = "nope", .full_name = ""};
    struct seen s = {0};

    CHECK(api_client_create_user(&client, &body, on_create_user, &s) == 0);
    pending = 1;
    run_loop();
    CHECK(s.status == 422 && s.documented && s.parsed);
    CHECK(s.n == 2 && strcmp(s.detail, "value_error") == 0);
}

static void test_query_parameters(void)
{
    struct api_user_create body = {.email = "c-client2@example.com", .full_name = "Second"};
    struct api_client_list_users_params one = {.limit = 1, .has_limit = true};
    struct seen created = {0}, page1 = {0}, all = {0}, bad = {0};
    struct api_client_list_users_params zero = {.limit = 0, .has_limit = true};

    CHECK(api_client_create_user(&client, &body, on_create_user, &created) == 0);
    pending = 1;
    run_loop();
    CHECK(api_client_list_users(&client, &one, on_list_users, &page1) == 0);
    CHECK(api_client_list_users(&client, NULL, on_list_users, &all) == 0);
    CHECK(api_client_list_users(&client, &zero, on_list_users, &bad) == 0);
    pending = 3;
    run_loop();
    CHECK(page1.status == 200 && page1.parsed && page1.n == 1 && page1.limit == 1);
    CHECK(all.status == 200 && all.parsed && all.n >= 2 && all.limit == 20); /* the server's default */
    CHECK(bad.status == 422 && bad.documented && !bad.parsed && bad.has_json);
}

static void test_concurrent_calls(void)
{
    struct seen s[10];
    double t0 = now_s(), wall;
    int i, ok = 0;

    memset(s, 0, sizeof(s));
    for (i = 0; i < 10; i++)
        CHECK(api_client_async_delay(&client, 0.3, on_async_delay, &s[i]) == 0);
    pending = 10;
    run_loop();
    wall = now_s() - t0;
    for (i = 0; i < 10; i++)
        ok += s[i].status == 200 && s[i].parsed && s[i].actual_seconds >= 0.29;
    CHECK(ok == 10);
    printf("# 10 concurrent 0.3 s waits took %.3f s\n", wall);
    CHECK(wall < 1.5); /* one after another would be 3 s */
}

static void test_undocumented_status(void)
{
    struct rt_api_client other = {0};
    char url[300];
    struct seen s = {0};

    snprintf(url, sizeof(url), "%s/prefix/", client.base_url);
    CHECK(rt_api_client_init(&other, client.http, url) == 0);
    CHECK(strstr(other.base_url, "/prefix") != NULL && other.base_url[strlen(other.base_url) - 1] != '/');
    CHECK(api_client_read_root(&other, on_read_root, &s) == 0);
    pending = 1;
    run_loop();
    CHECK(s.status == 404 && !s.documented && !s.parsed && s.has_json);
    CHECK(strcmp(s.text, "{\"detail\":\"Not Found\"}") == 0);
    rt_api_client_cleanup(&other);
    rt_api_client_cleanup(&other); /* idempotent */
}

static void test_refused_before_sending(void)
{
    struct seen s = {0};
    const struct rt_api_client_op *op = api_client_find_op("get-user");
    const char *values[1] = {NULL};
    struct rt_api_client bad = {0};

    CHECK(api_client_create_user(&client, NULL, on_create_user, &s) == -1); /* the body is required */
    CHECK(api_client_get_user(&client, NULL, on_get_user, &s) == -1);       /* a path value is missing */
    CHECK(op != NULL && rt_api_client_call(&client, op, values, NULL, on_any, &s) == -1);
    CHECK(rt_api_client_init(&bad, client.http, "ftp://example.com") == -1);
    CHECK(s.status == 0);
}

static void test_operation_table(void)
{
    const struct rt_api_client_op *op = api_client_find_op("get-user");
    const char *values[2] = {"7", NULL};
    struct seen s = {0};

    CHECK(op != NULL && op == api_client_find_op("get_user") && strcmp(op->id, "get_user") == 0);
    CHECK(op != NULL && strcmp(op->method, "GET") == 0 && strcmp(op->path, "/users/{user_email}") == 0);
    CHECK(op != NULL && op->n_params == 1 && op->params[0].in == RT_API_CLIENT_IN_PATH);
    CHECK(api_client_find_op("get-users") == NULL && api_client_find_op("get") == NULL);
    op = api_client_find_op("list-users");
    CHECK(op != NULL && op->n_params == 2 && strcmp(op->params[0].name, "limit") == 0);
    CHECK(op != NULL && op->params[0].kind == RT_VALID_INTEGER && !op->params[0].required);
    op = api_client_find_op("create-user");
    CHECK(op != NULL && op->body == &api_user_create__model && op->body_required);
    CHECK(op != NULL && op->n_responses == 4 && op->responses[0].status == 201);
    /* generic call by text: the typed body is still parsed */
    op = api_client_find_op("async-delay");
    values[0] = "0.01";
    CHECK(rt_api_client_call(&client, op, values, NULL, on_any, &s) == 0);
    pending = 1;
    run_loop();
    CHECK(s.status == 200 && s.documented && s.has_json);
}

int main(void)
{
    const char *url = getenv("ASYNC_DEMO_URL");
    struct rt_client *http;
    char err[256];

    if (url == NULL) {
        printf("Bail out! ASYNC_DEMO_URL is not set (run through with_server.py)\n");
        return 1;
    }
    base = event_base_new();
    http = rt_client_new(base, NULL, err, sizeof(err));
    CHECK(http != NULL);
    if (http == NULL)
        return test_done();
    CHECK(rt_api_client_init(&client, http, url) == 0);
    test_create_and_get();
    test_validation_error_is_parsed();
    test_query_parameters();
    test_concurrent_calls();
    test_undocumented_status();
    test_refused_before_sending();
    test_operation_table();
    rt_api_client_cleanup(&client);
    rt_client_free(http);
    event_base_free(base);
    return test_done();
}

/*
 * rt_api_client's request bodies other than JSON models and forms, as an
 * evhttp server on the same loop receives them: text and bytes sent as is
 * with the operation's media type (rt_api_client_start_raw(), and
 * rt_api_client_call() for the command line), a vendor JSON body with its
 * type, a body of several media types sent as the caller picks
 * (rt_api_client_start_as(), rt_api_client_call_as()), and the calls
 * refused before sending.
 */
#include "rt_api_client.h"
#include "rt_client.h"
#include "test.h"
#include "test_loop.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>

struct thing {
    const char *name;
};

static const struct rt_valid_rule rule_name = {.kind = RT_VALID_STRING};
static const struct rt_valid_field fields_thing[] = {
    {.name = "name",
     .rule = &rule_name,
     .required = true,
     .offset = offsetof(struct thing, name),
     .aux_offset = RT_VALID_NO_OFFSET},
};
static const struct rt_valid_model thing_model = {"Thing", sizeof(struct thing), fields_thing, 1, false};
static const struct rt_api_client_status responses[] = {{.status = 204}};
static const struct rt_valid_media media_any[] = {
    {"application/json", RT_VALID_MEDIA_JSON},
    {"application/x-www-form-urlencoded", RT_VALID_MEDIA_FORM},
    {"multipart/form-data", RT_VALID_MEDIA_MULTIPART},
};

static const struct rt_api_client_op ops[] = {
    {.id = "blob",
     .method = "POST",
     .path = "/blob",
     .summary = "",
     .body_required = true,
     .body_media = "application/octet-stream",
     .body_raw = true,
     .responses = responses,
     .n_responses = 1},
    {.id = "note_text",
     .method = "POST",
     .path = "/text",
     .summary = "",
     .body_required = false,
     .body_media = "text/plain",
     .body_raw = true,
     .responses = responses,
     .n_responses = 1},
    {.id = "vendor",
     .method = "POST",
     .path = "/vnd",
     .summary = "",
     .body = &thing_model,
     .body_required = true,
     .body_media = "application/vnd.thing+json",
     .responses = responses,
     .n_responses = 1},
    {.id = "any",
     .method = "POST",
     .path = "/any",
     .summary = "",
     .body = &thing_model,
     .body_required = true,
     .media = media_any,
     .n_media = 3,
     .responses = responses,
     .n_responses = 1},
    {.id = "none", .method = "GET", .path = "/none", .summary = "", .responses = responses, .n_responses = 1},
};

/* --- the server: records what it got --- */

static struct event_base *base;
static int pending;
static struct {
    int requests;
    char content_type[64];
    char body[512];
    size_t len;
} srv;

static void on_request(struct evhttp_request *req, void *arg)
{
    const char *h = evhttp_find_header(evhttp_request_get_input_headers(req), "Content-Type");
    struct evbuffer *body = evhttp_request_get_input_buffer(req);

    (void)arg;
    srv.requests++;
    snprintf(srv.content_type, sizeof(srv.content_type), "%s", h != NULL ? h : "");
    srv.len = evbuffer_get_length(body);
    if (srv.len > sizeof(srv.body))
        srv.len = sizeof(srv.body);
    evbuffer_copyout(body, srv.body, srv.len);
    evhttp_send_reply(req, 204, "No Content", NULL);
}

static void deliver(const struct rt_api_client_response *res, void (*cb)(void), void *arg)
{
    ((rt_api_client_cb)cb)(res, arg);
}

static void on_answer(const struct rt_api_client_response *res, void *arg)
{
    *(int *)arg = res->status;
    if (--pending == 0)
        event_base_loopexit(base, NULL);
}

static bool answered(void *arg)
{
    (void)arg;
    return pending == 0;
}

/* Run the loop until the call started was answered (10 s at most); @return the status it got. */
static int wait_status(int started, int *status)
{
    if (started != 0)
        return -1;
    pending = 1;
    run_until(base, answered, NULL, 10000);
    return *status;
}

static void test_raw_bodies(struct rt_api_client *c)
{
    int status = 0;

    memset(&srv, 0, sizeof(srv));
    CHECK(wait_status(rt_api_client_start_raw(c, &ops[0], NULL, "a\0b", 3, deliver, (void (*)(void))on_answer,
                                              &status),
                      &status) == 204);
    CHECK(strcmp(srv.content_type, "application/octet-stream") == 0);
    CHECK(srv.len == 3 && memcmp(srv.body, "a\0b", 3) == 0);
    CHECK(wait_status(rt_api_client_start_raw(c, &ops[1], NULL, "caf\xc3\xa9", 5, deliver,
                                              (void (*)(void))on_answer, &status),
                      &status) == 204);
    CHECK(strcmp(srv.content_type, "text/plain") == 0 && srv.len == 5 &&
          memcmp(srv.body, "caf\xc3\xa9", 5) == 0);
    /* an optional body left out: nothing sent, no Content-Type */
    CHECK(wait_status(
              rt_api_client_start_raw(c, &ops[1], NULL, NULL, 0, deliver, (void (*)(void))on_answer, &status),
              &status) == 204);
    CHECK(srv.len == 0 && srv.content_type[0] == '\0');
    /* the command line's text, sent as is with the operation's type */
    CHECK(wait_status(rt_api_client_call(c, &ops[1], NULL, "plain words", on_answer, &status), &status) ==
          204);
    CHECK(strcmp(srv.content_type, "text/plain") == 0 && srv.len == 11);
}

static void test_vendor_json(struct rt_api_client *c)
{
    struct thing t = {.name = "x"};
    int status = 0;

    CHECK(wait_status(rt_api_client_start(c, &ops[2], NULL, &t, deliver, (void (*)(void))on_answer, &status),
                      &status) == 204);
    CHECK(strcmp(srv.content_type, "application/vnd.thing+json") == 0);
    CHECK(srv.len == 12 && memcmp(srv.body, "{\"name\":\"x\"}", 12) == 0);
}

/* Start ops[3] with @p t as @p media_type; @return the status (204), or -1 if the call was refused. */
static int send_any(struct rt_api_client *c, const struct thing *t, const char *media_type)
{
    int status = 0;

    return wait_status(
        rt_api_client_start_as(c, &ops[3], NULL, t, media_type, deliver, (void (*)(void))on_answer, &status),
        &status);
}

static void test_several_media_types(struct rt_api_client *c)
{
    struct thing t = {.name = "x"};
    enum rt_valid_media_kind kind;
    const char *ct;
    int status = 0, before;

    /* NULL: the primary (JSON); else each declared type, any case, as its own encoding */
    CHECK(send_any(c, &t, NULL) == 204 && strcmp(srv.content_type, "application/json") == 0);
    CHECK(srv.len == 12 && memcmp(srv.body, "{\"name\":\"x\"}", 12) == 0);
    CHECK(send_any(c, &t, "application/x-www-form-urlencoded") == 204);
    CHECK(strcmp(srv.content_type, "application/x-www-form-urlencoded") == 0);
    CHECK(srv.len == 6 && memcmp(srv.body, "name=x", 6) == 0);
    CHECK(send_any(c, &t, "Multipart/Form-Data") == 204);
    CHECK(strncmp(srv.content_type, "multipart/form-data; boundary=", 30) == 0);
    CHECK(srv.len > 40 && memcmp(srv.body, "--", 2) == 0 &&
          memmem(srv.body, srv.len, "name=\"name\"\r\n\r\nx\r\n", 16) != NULL);
    CHECK(send_any(c, &t, "application/json") == 204 && strcmp(srv.content_type, "application/json") == 0);
    /* the command line's JSON text, as the form it picks */
    CHECK(wait_status(rt_api_client_call_as(c, &ops[3], NULL, "{\"name\":\"y z\"}",
                                            "application/x-www-form-urlencoded", on_answer, &status),
                      &status) == 204);
    CHECK(strcmp(srv.content_type, "application/x-www-form-urlencoded") == 0 && srv.len == 10 &&
          memcmp(srv.body, "name=y%20z", 10) == 0);
    /* a body of one media type takes that one alone, by name too */
    CHECK(wait_status(rt_api_client_start_as(c, &ops[2], NULL, &t, "application/vnd.thing+json", deliver,
                                             (void (*)(void))on_answer, &status),
                      &status) == 204);
    CHECK(strcmp(srv.content_type, "application/vnd.thing+json") == 0);
    CHECK(wait_status(
              rt_api_client_call_as(c, &ops[0], NULL, "ab", "application/octet-stream", on_answer, &status),
              &status) == 204);
    CHECK(strcmp(srv.content_type, "application/octet-stream") == 0 && srv.len == 2);
    /* an undeclared type is refused at the call, never sent as another */
    before = srv.requests;
    CHECK(send_any(c, &t, "text/plain") == -1);
    CHECK(send_any(c, &t, "application/json; charset=utf-8") == -1);
    CHECK(send_any(c, &t, "application/vnd.thing+json") == -1);
    CHECK(rt_api_client_call_as(c, &ops[3], NULL, "{}", "text/plain", on_answer, NULL) == -1);
    CHECK(rt_api_client_start_as(c, &ops[2], NULL, &t, "application/json", deliver, (void (*)(void))on_answer,
                                 NULL) == -1);
    CHECK(rt_api_client_call_as(c, &ops[0], NULL, "ab", "text/plain", on_answer, NULL) == -1);
    CHECK(rt_api_client_call_as(c, &ops[4], NULL, NULL, "application/json", on_answer, NULL) == -1);
    CHECK(srv.requests == before);
    /* what a caller asks before calling */
    CHECK(rt_api_client_body_media(&ops[3], "MULTIPART/FORM-DATA", &kind, &ct) == 0 &&
          kind == RT_VALID_MEDIA_MULTIPART && strcmp(ct, "multipart/form-data") == 0);
    CHECK(rt_api_client_body_media(&ops[3], NULL, &kind, &ct) == 0 && kind == RT_VALID_MEDIA_JSON &&
          strcmp(ct, "application/json") == 0);
    CHECK(rt_api_client_body_media(&ops[1], "text/plain", &kind, &ct) == 0 && kind == RT_VALID_MEDIA_JSON &&
          strcmp(ct, "text/plain") == 0);
    CHECK(rt_api_client_body_media(&ops[4], NULL, &kind, &ct) == -1);
}

static void test_refused_before_sending(struct rt_api_client *c)
{
    struct thing t = {.name = "x"};
    int before = srv.requests;

    CHECK(rt_api_client_start_raw(c, &ops[0], NULL, NULL, 0, deliver, (void (*)(void))on_answer, NULL) == -1);
    CHECK(rt_api_client_start_raw(c, &ops[2], NULL, "{}", 2, deliver, (void (*)(void))on_answer, NULL) == -1);
    CHECK(rt_api_client_start(c, &ops[0], NULL, &t, deliver, (void (*)(void))on_answer, NULL) == -1);
    CHECK(srv.requests == before);
}

int main(void)
{
    struct evhttp *server;
    struct evhttp_bound_socket *bound;
    struct sockaddr_in addr;
    socklen_t len = sizeof(addr);
    char url[64], err[256];
    struct rt_client *http;
    struct rt_api_client client;

    base = event_base_new();
    server = evhttp_new(base);
    bound = evhttp_bind_socket_with_handle(server, "127.0.0.1", 0);
    CHECK(bound != NULL);
    if (bound == NULL)
        return test_done();
    evhttp_set_gencb(server, on_request, NULL);
    getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&addr, &len);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d/", ntohs(addr.sin_port));
    http = rt_client_new(base, NULL, err, sizeof(err));
    CHECK(http != NULL);
    if (http == NULL)
        return test_done();
    CHECK(rt_api_client_init(&client, http, url) == 0);

    test_raw_bodies(&client);
    test_vendor_json(&client);
    test_several_media_types(&client);
    test_refused_before_sending(&client);

    rt_api_client_cleanup(&client);
    rt_client_free(http);
    evhttp_free(server);
    event_base_free(base);
    return test_done();
}

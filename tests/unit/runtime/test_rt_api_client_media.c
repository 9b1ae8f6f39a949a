/*
 * rt_api_client's responses of media types other than JSON, from an evhttp
 * server on the same loop: the Accept a call sends (the operation's
 * declared types, the caller's choice, else application/json alone), a
 * JSON answer parsed into its model, an XML or PNG answer handed over as
 * its bytes with its Content-Type, and a Content-Type the status does not
 * declare flagged invalid.
 */
#include "rt_api_client.h"
#include "rt_client.h"
#include "test.h"
#include "test_loop.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h> /* TAILQ_FOREACH over evhttp's headers */
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/keyvalq_struct.h>

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
static const char *const media_pet[] = {"application/json", "application/xml", NULL};
static const char *const media_png[] = {"image/png", NULL};
static const char *const media_json[] = {"application/json", NULL};
static const struct rt_api_client_status resp_pet[] = {
    {.status = 200, .model = &thing_model, .media = media_pet}};
static const struct rt_api_client_status resp_png[] = {{.status = 200, .media = media_png}};
static const struct rt_api_client_status resp_json[] = {
    {.status = 200, .model = &thing_model, .media = media_json}};

static const struct rt_api_client_status resp_2xx[] = {
    {.status = 200, .status_hi = 299, .model = &thing_model, .media = media_json}};

static const struct rt_api_client_op ops[] = {
    {.id = "pet",
     .method = "GET",
     .path = "/pet",
     .summary = "",
     .responses = resp_pet,
     .n_responses = 1,
     .accept = "application/json, application/xml"},
    {.id = "png",
     .method = "GET",
     .path = "/png",
     .summary = "",
     .responses = resp_png,
     .n_responses = 1,
     .accept = "image/png"},
    {.id = "wrong",
     .method = "GET",
     .path = "/wrong",
     .summary = "",
     .responses = resp_pet,
     .n_responses = 1,
     .accept = "application/json, application/xml"},
    {.id = "plain",
     .method = "GET",
     .path = "/json",
     .summary = "",
     .responses = resp_json,
     .n_responses = 1},
    {.id = "gone",
     .method = "DELETE",
     .path = "/gone",
     .summary = "",
     .responses = resp_2xx,
     .n_responses = 1},
};

static const char png[] = "\x89PNG\r\n\x1a\n\0\0\0\0IEND"; /* bytes with NULs, not UTF-8 */

/* --- the server: answers by path and Accept, records the Accept lines it got --- */

static struct event_base *base;
static int pending;
static struct {
    char accept[128];
    int accept_lines;
} srv;

static void send_answer(struct evhttp_request *req, const char *type, const void *body, size_t len)
{
    struct evbuffer *out = evbuffer_new();

    evbuffer_add(out, body, len);
    evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", type);
    evhttp_send_reply(req, 200, "OK", out);
    evbuffer_free(out);
}

static void on_request(struct evhttp_request *req, void *arg)
{
    const char *uri = evhttp_request_get_uri(req);
    struct evkeyvalq *in = evhttp_request_get_input_headers(req);
    struct evkeyval *h;

    (void)arg;
    srv.accept[0] = '\0';
    srv.accept_lines = 0;
    TAILQ_FOREACH(h, in, next)
    {
        if (strcasecmp(h->key, "Accept") == 0) {
            snprintf(srv.accept, sizeof(srv.accept), "%s", h->value);
            srv.accept_lines++;
        }
    }
    if (strcmp(uri, "/gone") == 0) {
        evhttp_send_reply(req, 204, "No Content", NULL);
        return;
    }
    if (strcmp(uri, "/png") == 0)
        send_answer(req, "image/png", png, sizeof(png) - 1);
    else if (strcmp(uri, "/wrong") == 0)
        send_answer(req, "text/html; charset=utf-8", "<p>", 3);
    else if (strcmp(srv.accept, "application/xml") == 0)
        send_answer(req, "application/xml", "<pet/>", 6);
    else
        send_answer(req, "application/json; charset=utf-8", "{\"name\":\"x\"}", 12);
}

/* What a call got, copied during its callback. */
static struct {
    int status;
    char content_type[64];
    char text[64];
    size_t text_len;
    bool has_body, invalid, has_model;
} got;

static void on_answer(const struct rt_api_client_response *res, void *arg)
{
    (void)arg;
    memset(&got, 0, sizeof(got));
    got.status = res->status;
    snprintf(got.content_type, sizeof(got.content_type), "%s", res->content_type ? res->content_type : "");
    got.text_len = res->text_len < sizeof(got.text) ? res->text_len : sizeof(got.text);
    if (res->text != NULL)
        memcpy(got.text, res->text, got.text_len);
    got.has_body = res->body != NULL;
    got.invalid = res->invalid != NULL;
    got.has_model = res->model != NULL;
    if (--pending == 0)
        event_base_loopexit(base, NULL);
}

static bool answered(void *arg)
{
    (void)arg;
    return pending == 0;
}

/* Call @p op and run the loop until it is answered (10 s at most); @return its status. */
static int call(struct rt_api_client *c, const struct rt_api_client_op *op)
{
    if (rt_api_client_call(c, op, NULL, NULL, on_answer, NULL) != 0)
        return -1;
    pending = 1;
    run_until(base, answered, NULL, 10000);
    return got.status;
}

static void test_accept_and_media(struct rt_api_client *c)
{
    /* the declared types as Accept; the JSON answer (a charset beside it) parsed into its model */
    CHECK(call(c, &ops[0]) == 200);
    CHECK(strcmp(srv.accept, "application/json, application/xml") == 0 && srv.accept_lines == 1);
    CHECK(got.has_body && !got.invalid && strncmp(got.content_type, "application/json", 16) == 0);
    /* the caller asks for XML: its text, no model */
    c->accept = "application/xml";
    CHECK(call(c, &ops[0]) == 200);
    CHECK(strcmp(srv.accept, "application/xml") == 0 && srv.accept_lines == 1);
    CHECK(!got.has_body && !got.invalid && !got.has_model &&
          strcmp(got.content_type, "application/xml") == 0);
    CHECK(got.text_len == 6 && memcmp(got.text, "<pet/>", 6) == 0);
    c->accept = NULL;
    /* bytes: every one, NULs too, with their type */
    CHECK(call(c, &ops[1]) == 200);
    CHECK(strcmp(srv.accept, "image/png") == 0);
    CHECK(!got.invalid && strcmp(got.content_type, "image/png") == 0);
    CHECK(got.text_len == sizeof(png) - 1 && memcmp(got.text, png, sizeof(png) - 1) == 0);
    /* a Content-Type the status does not declare: flagged, the text still there */
    CHECK(call(c, &ops[2]) == 200);
    CHECK(got.invalid && !got.has_body && got.text_len == 3);
    /* an operation of JSON alone: rt_client's one Accept, application/json */
    CHECK(call(c, &ops[3]) == 200);
    CHECK(strcmp(srv.accept, "application/json") == 0 && srv.accept_lines == 1 && got.has_body &&
          !got.invalid);
    /* a 204 in a 2XX range that documents a body: no content (RFC 9110), not an invalid answer */
    CHECK(call(c, &ops[4]) == 204);
    CHECK(!got.invalid && !got.has_body && !got.has_model && got.text_len == 0);
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

    test_accept_and_media(&client);

    rt_api_client_cleanup(&client);
    rt_client_free(http);
    evhttp_free(server);
    event_base_free(base);
    return test_done();
}

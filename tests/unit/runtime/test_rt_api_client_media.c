/*
 * rt_api_client's responses of media types other than JSON, from an evhttp
 * server on the same loop: the Accept a call sends (the operation's
 * declared types, the caller's choice, else application/json alone), a
 * JSON answer parsed into its model, an XML or PNG answer handed over as
 * its bytes with its Content-Type, and a Content-Type the status does not
 * declare flagged invalid.
 */
#include "api_client_harness.h"
#include "rt_api_client.h"
#include "test.h"

#include <string.h>

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

/* --- the server (api_client_harness.h records the Accept lines it got): answers by path and Accept --- */

static struct api_harness h;

/* The Accept the server got last (the first line, if several: see got_accept_lines()). */
static const char *got_accept(void)
{
    return api_harness_header(&h, "Accept");
}

static int got_accept_lines(void)
{
    return api_harness_header_count(&h, "Accept");
}

static void on_request(struct evhttp_request *req, void *arg)
{
    const char *uri = evhttp_request_get_uri(req);

    (void)arg;
    if (strcmp(uri, "/gone") == 0)
        api_harness_send(req, 204, NULL, NULL, 0);
    else if (strcmp(uri, "/png") == 0)
        api_harness_send(req, 200, "image/png", png, sizeof(png) - 1);
    else if (strcmp(uri, "/wrong") == 0)
        api_harness_send(req, 200, "text/html; charset=utf-8", "<p>", 3);
    else if (strcmp(got_accept(), "application/xml") == 0)
        api_harness_send(req, 200, "application/xml", "<pet/>", 6);
    else
        api_harness_send(req, 200, "application/json; charset=utf-8", "{\"name\":\"x\"}", 12);
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
    api_harness_answered(&h);
}

/* Call @p op and run the loop until it is answered (10 s at most); @return its status. */
static int call(struct rt_api_client *c, const struct rt_api_client_op *op)
{
    return api_harness_status(&h, rt_api_client_call(c, op, NULL, NULL, on_answer, NULL), &got.status);
}

static void test_accept_and_media(struct rt_api_client *c)
{
    /* the declared types as Accept; the JSON answer (a charset beside it) parsed into its model */
    CHECK(call(c, &ops[0]) == 200);
    CHECK(strcmp(got_accept(), "application/json, application/xml") == 0 && got_accept_lines() == 1);
    CHECK(got.has_body && !got.invalid && strncmp(got.content_type, "application/json", 16) == 0);
    /* the caller asks for XML: its text, no model */
    c->accept = "application/xml";
    CHECK(call(c, &ops[0]) == 200);
    CHECK(strcmp(got_accept(), "application/xml") == 0 && got_accept_lines() == 1);
    CHECK(!got.has_body && !got.invalid && !got.has_model &&
          strcmp(got.content_type, "application/xml") == 0);
    CHECK(got.text_len == 6 && memcmp(got.text, "<pet/>", 6) == 0);
    c->accept = NULL;
    /* bytes: every one, NULs too, with their type */
    CHECK(call(c, &ops[1]) == 200);
    CHECK(strcmp(got_accept(), "image/png") == 0 && got_accept_lines() == 1);
    CHECK(!got.invalid && strcmp(got.content_type, "image/png") == 0);
    CHECK(got.text_len == sizeof(png) - 1 && memcmp(got.text, png, sizeof(png) - 1) == 0);
    /* a Content-Type the status does not declare: flagged, the text still there */
    CHECK(call(c, &ops[2]) == 200);
    CHECK(got.invalid && !got.has_body && got.text_len == 3);
    /* an operation of JSON alone: rt_client's one Accept, application/json */
    CHECK(call(c, &ops[3]) == 200);
    CHECK(strcmp(got_accept(), "application/json") == 0 && got_accept_lines() == 1 && got.has_body &&
          !got.invalid);
    /* a 204 in a 2XX range that documents a body: no content (RFC 9110), not an invalid answer */
    CHECK(call(c, &ops[4]) == 204);
    CHECK(!got.invalid && !got.has_body && !got.has_model && got.text_len == 0);
}

int main(void)
{
    int started = api_harness_start(&h, "/", on_request, NULL);

    CHECK(started == 0);
    if (started == 0)
        test_accept_and_media(&h.client);
    api_harness_stop(&h);
    return test_done();
}

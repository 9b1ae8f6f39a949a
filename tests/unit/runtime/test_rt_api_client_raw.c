/*
 * rt_api_client's request bodies other than JSON models and forms, as an
 * evhttp server on the same loop receives them: text and bytes sent as is
 * with the operation's media type (rt_api_client_start_raw(), and
 * rt_api_client_call() for the command line), a vendor JSON body with its
 * type, a body of several media types sent as the caller picks
 * (rt_api_client_start_as(), rt_api_client_call_as()), and the calls
 * refused before sending.
 */
#include "api_client_harness.h"
#include "rt_api_client.h"
#include "test.h"

#include <string.h>

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

/* --- the server (api_client_harness.h records what it got): answers 204 --- */

static struct api_harness h;

static void on_request(struct evhttp_request *req, void *arg)
{
    (void)arg;
    api_harness_send(req, 204, NULL, NULL, 0);
}

static void on_answer(const struct rt_api_client_response *res, void *arg)
{
    *(int *)arg = res->status;
    api_harness_answered(&h);
}

/* The Content-Type of the request the server got last; "" if it had none. */
static const char *got_content_type(void)
{
    return api_harness_header(&h, "Content-Type");
}

/* Run the loop until the call started was answered (10 s at most); @return the status it got, or -1. */
static int wait_status(int started, const int *status)
{
    return api_harness_status(&h, started, status);
}

static void test_raw_bodies(struct rt_api_client *c)
{
    int status = 0;

    CHECK(wait_status(rt_api_client_start_raw(c, &ops[0], NULL, "a\0b", 3, api_harness_deliver,
                                              (void (*)(void))on_answer, &status),
                      &status) == 204);
    CHECK(strcmp(got_content_type(), "application/octet-stream") == 0);
    CHECK(h.got.body_len == 3 && memcmp(h.got.body, "a\0b", 3) == 0);
    CHECK(wait_status(rt_api_client_start_raw(c, &ops[1], NULL, "caf\xc3\xa9", 5, api_harness_deliver,
                                              (void (*)(void))on_answer, &status),
                      &status) == 204);
    CHECK(strcmp(got_content_type(), "text/plain") == 0 && h.got.body_len == 5 &&
          memcmp(h.got.body, "caf\xc3\xa9", 5) == 0);
    /* an optional body left out: nothing sent, no Content-Type */
    CHECK(wait_status(rt_api_client_start_raw(c, &ops[1], NULL, NULL, 0, api_harness_deliver,
                                              (void (*)(void))on_answer, &status),
                      &status) == 204);
    CHECK(h.got.body_len == 0 && got_content_type()[0] == '\0');
    /* the command line's text, sent as is with the operation's type */
    CHECK(wait_status(rt_api_client_call(c, &ops[1], NULL, "plain words", on_answer, &status), &status) ==
          204);
    CHECK(strcmp(got_content_type(), "text/plain") == 0 && h.got.body_len == 11);
}

static void test_vendor_json(struct rt_api_client *c)
{
    struct thing t = {.name = "x"};
    int status = 0;

    CHECK(wait_status(rt_api_client_start(c, &ops[2], NULL, &t, api_harness_deliver,
                                          (void (*)(void))on_answer, &status),
                      &status) == 204);
    CHECK(strcmp(got_content_type(), "application/vnd.thing+json") == 0);
    CHECK(h.got.body_len == 12 && memcmp(h.got.body, "{\"name\":\"x\"}", 12) == 0);
}

/* Start ops[3] with @p t as @p media_type; @return the status (204), or -1 if the call was refused. */
static int send_any(struct rt_api_client *c, const struct thing *t, const char *media_type)
{
    int status = 0;

    return wait_status(rt_api_client_start_as(c, &ops[3], NULL, t, media_type, api_harness_deliver,
                                              (void (*)(void))on_answer, &status),
                       &status);
}

static void test_several_media_types(struct rt_api_client *c)
{
    struct thing t = {.name = "x"};
    enum rt_valid_media_kind kind;
    const char *ct;
    int status = 0, before;

    /* NULL: the primary (JSON); else each declared type, any case, as its own encoding */
    CHECK(send_any(c, &t, NULL) == 204 && strcmp(got_content_type(), "application/json") == 0);
    CHECK(h.got.body_len == 12 && memcmp(h.got.body, "{\"name\":\"x\"}", 12) == 0);
    CHECK(send_any(c, &t, "application/x-www-form-urlencoded") == 204);
    CHECK(strcmp(got_content_type(), "application/x-www-form-urlencoded") == 0);
    CHECK(h.got.body_len == 6 && memcmp(h.got.body, "name=x", 6) == 0);
    CHECK(send_any(c, &t, "Multipart/Form-Data") == 204);
    CHECK(strncmp(got_content_type(), "multipart/form-data; boundary=", 30) == 0);
    CHECK(h.got.body_len > 40 && memcmp(h.got.body, "--", 2) == 0 &&
          memmem(h.got.body, h.got.body_len, "name=\"name\"\r\n\r\nx\r\n", 16) != NULL);
    CHECK(send_any(c, &t, "application/json") == 204 && strcmp(got_content_type(), "application/json") == 0);
    /* the command line's JSON text, as the form it picks */
    CHECK(wait_status(rt_api_client_call_as(c, &ops[3], NULL, "{\"name\":\"y z\"}",
                                            "application/x-www-form-urlencoded", on_answer, &status),
                      &status) == 204);
    CHECK(strcmp(got_content_type(), "application/x-www-form-urlencoded") == 0 && h.got.body_len == 10 &&
          memcmp(h.got.body, "name=y%20z", 10) == 0);
    /* a body of one media type takes that one alone, by name too */
    CHECK(wait_status(rt_api_client_start_as(c, &ops[2], NULL, &t, "application/vnd.thing+json",
                                             api_harness_deliver, (void (*)(void))on_answer, &status),
                      &status) == 204);
    CHECK(strcmp(got_content_type(), "application/vnd.thing+json") == 0);
    CHECK(wait_status(
              rt_api_client_call_as(c, &ops[0], NULL, "ab", "application/octet-stream", on_answer, &status),
              &status) == 204);
    CHECK(strcmp(got_content_type(), "application/octet-stream") == 0 && h.got.body_len == 2);
    /* an undeclared type is refused at the call, never sent as another */
    before = h.requests;
    CHECK(send_any(c, &t, "text/plain") == -1);
    CHECK(send_any(c, &t, "application/json; charset=utf-8") == -1);
    CHECK(send_any(c, &t, "application/vnd.thing+json") == -1);
    CHECK(rt_api_client_call_as(c, &ops[3], NULL, "{}", "text/plain", on_answer, NULL) == -1);
    CHECK(rt_api_client_start_as(c, &ops[2], NULL, &t, "application/json", api_harness_deliver,
                                 (void (*)(void))on_answer, NULL) == -1);
    CHECK(rt_api_client_call_as(c, &ops[0], NULL, "ab", "text/plain", on_answer, NULL) == -1);
    CHECK(rt_api_client_call_as(c, &ops[4], NULL, NULL, "application/json", on_answer, NULL) == -1);
    CHECK(h.requests == before);
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
    int before = h.requests;

    CHECK(rt_api_client_start_raw(c, &ops[0], NULL, NULL, 0, api_harness_deliver, (void (*)(void))on_answer,
                                  NULL) == -1);
    CHECK(rt_api_client_start_raw(c, &ops[2], NULL, "{}", 2, api_harness_deliver, (void (*)(void))on_answer,
                                  NULL) == -1);
    CHECK(rt_api_client_start(c, &ops[0], NULL, &t, api_harness_deliver, (void (*)(void))on_answer, NULL) ==
          -1);
    CHECK(h.requests == before);
}

int main(void)
{
    int started = api_harness_start(&h, "/", on_request, NULL);

    CHECK(started == 0);
    if (started == 0) {
        test_raw_bodies(&h.client);
        test_vendor_json(&h.client);
        test_several_media_types(&h.client);
        test_refused_before_sending(&h.client);
    }
    api_harness_stop(&h);
    return test_done();
}

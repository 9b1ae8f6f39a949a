/*
 * The fixture's responses of several media types (GET /media/{kind}),
 * through the generated router: one reply helper per declared type, each
 * sending its type as the spec writes it (a vendor JSON type as itself),
 * the response's headers with each, the Accept negotiation wrapper, and
 * the status check of a default response's helpers.
 */
#include "../unit/runtime/test.h"
#include "fixture_harness.h"

#include "api.h"
#include "rt_req.h"

#include <string.h>

static const char png[] = "\x89PNG\r\n\x1a\n\0\x01"; /* bytes, a NUL among them */

void handle_media_kinds(struct rt_req *req, const struct api_media_kinds_params *params)
{
    struct api_media_kinds200 body = {.n = 3, .has_n = true};

    if (strcmp(params->kind, "status") == 0) { /* 200 is declared on its own: a handler bug */
        api_media_kinds__reply_default_text_plain(req, 200, "no", 2);
        return;
    }
    switch (api_media_kinds__accept_200(req)) {
    case API_MEDIA_KINDS__200_APPLICATION_VND_DEMO_JSON:
        api_media_kinds__reply_200(req, &body, 3);
        break;
    case API_MEDIA_KINDS__200_TEXT_CSV:
        api_media_kinds__reply_200_text_csv(req, "n\n3\n", 4, 3);
        break;
    case API_MEDIA_KINDS__200_IMAGE_PNG:
        api_media_kinds__reply_200_image_png(req, png, sizeof(png) - 1, 3);
        break;
    case API_MEDIA_KINDS__200_NONE: /* this handler answers 406 itself, as text */
        api_media_kinds__reply_default_text_plain(req, 406, "none of them", 12);
        break;
    }
}

/* GET /media/any with Accept @p accept (NULL: none). */
static void get_any(const char *accept)
{
    const char *headers[] = {"Accept", accept, NULL};

    send_req(RT_METHOD_GET, "/media/any", accept != NULL ? headers : headers + 2, NULL);
}

/* The response's header, and the Vary the negotiation adds: the answer depends on Accept. */
static int has_count(void)
{
    return cap.headers != NULL && strstr(cap.headers, "X-Count: 3\r\n") != NULL &&
           strstr(cap.headers, "Vary: Accept\r\n") != NULL;
}

static void test_media_types(void)
{
    get_any(NULL); /* the primary type: the JSON one, sent as its vendor type */
    CHECK(cap.status == 200 && strcmp(cap.content_type, "application/vnd.demo+json") == 0 &&
          body_is("{\"n\":3}"));
    CHECK(has_count());
    get_any("text/csv");
    CHECK(cap.status == 200 && strcmp(cap.content_type, "text/csv; charset=utf-8") == 0 && body_is("n\n3\n"));
    CHECK(has_count());
    get_any("image/*, text/*;q=0.5");
    CHECK(cap.status == 200 && strcmp(cap.content_type, "image/png") == 0);
    CHECK(cap.body_len == sizeof(png) - 1 && memcmp(cap.body, png, sizeof(png) - 1) == 0 && has_count());
    get_any("text/csv;q=0.2, application/vnd.demo+json;q=0.1");
    CHECK(cap.status == 200 && strcmp(cap.content_type, "text/csv; charset=utf-8") == 0);
    get_any("application/json"); /* none of the declared types (a vendor type is not application/json) */
    CHECK(cap.status == 406 && strcmp(cap.content_type, "text/plain") == 0 && body_is("none of them"));
    get_any("application/json;q=2"); /* malformed: as if absent */
    CHECK(cap.status == 200 && strcmp(cap.content_type, "application/vnd.demo+json") == 0);
    send_req(RT_METHOD_GET, "/media/status", NULL, NULL);
    CHECK(cap.status == 500); /* a default helper given a status declared on its own */
}

int main(void)
{
    api_init();
    test_media_types();
    rt_req_capture_cleanup(&cap);
    return test_done();
}

/*
 * libFuzzer target: the request-head parser (rt_http_parse_head), then the
 * router for heads that parse.
 *
 * The input is cut where the connection layer would cut it: at the first
 * "\r\n\r\n" (which ends the head), or "\r\n\r\n" is appended.  The head is
 * handed over in a buffer of exactly its size, so a read past its end is
 * caught.  A refused head must come with a status the server may send and
 * an explanation; a parsed one must be self-consistent; it is then
 * dispatched and the answer checked as in fuzz_router.
 */
#include "api.h"
#include "fuzz_common.h"
#include "rt_http_parse.h"
#include "rt_req_internal.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_HEADERS 100 /* the server's default MAX_HEADER_COUNT */

static int replied;

static void capture_send(struct rt_req *req, int status, const char *content_type, const void *body,
                         size_t len)
{
    char *headers = NULL;
    size_t used = 0, cap = 0;
    const struct rt_out_header *h;

    for (h = req->out_headers; h != NULL; h = h->next)
        cap += strlen(h->name) + strlen(h->value) + 4;
    if (cap > 0) {
        headers = malloc(cap + 1);
        if (headers == NULL)
            abort();
        for (h = req->out_headers; h != NULL; h = h->next)
            used += (size_t)sprintf(headers + used, "%s: %s\r\n", h->name, h->value);
    }
    fuzz_check_reply(status, content_type, headers, body, len);
    free(headers);
    replied++;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    api_init();
    return 0;
}

static int is_token_char(unsigned char ch)
{
    return ch > 0x20 && ch < 0x7f && strchr("\"(),/:;<=>?@[\\]{}", ch) == NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct rt_req req;
    struct rt_http_head_info info;
    const char *detail = NULL, *end;
    size_t len, i;
    char *head;
    int rc;

    end = memmem(data, size, "\r\n\r\n", 4);
    len = end != NULL ? (size_t)(end - (const char *)data) + 4 : size + 4;
    head = malloc(len);
    if (head == NULL)
        abort();
    memcpy(head, data, end != NULL ? len : size);
    if (end == NULL)
        memcpy(head + size, "\r\n\r\n", 4);

    rt_req_init(&req, NULL);
    rc = rt_http_parse_head(&req, head, len, MAX_HEADERS, &info, &detail);
    if (rc != 0) {
        FUZZ_CHECK(rc == 400 || rc == 417 || rc == 431 || rc == 501 || rc == 505, "status %d", rc);
        FUZZ_CHECK(detail != NULL && detail[0] != '\0', "%d without a detail", rc);
        goto done;
    }
    FUZZ_CHECK(req.path != NULL && req.path[0] == '/', "path %s", req.path ? req.path : "(null)");
    FUZZ_CHECK(fuzz_is_target_text(req.path) && (req.query == NULL || fuzz_is_target_text(req.query)),
               "control or non-ASCII bytes in the target");
    FUZZ_CHECK(req.method_name != NULL && req.method_name[0] != '\0', "no method");
    FUZZ_CHECK(req.http_minor == 0 || req.http_minor == 1, "HTTP/1.%d", req.http_minor);
    FUZZ_CHECK(req.n_headers <= MAX_HEADERS, "%zu headers", req.n_headers);
    FUZZ_CHECK(info.content_length >= -1, "Content-Length %lld", (long long)info.content_length);
    FUZZ_CHECK(!(info.chunked && info.content_length >= 0), "chunked and Content-Length");
    for (i = 0; i < req.n_headers; i++) {
        const char *p;

        FUZZ_CHECK(req.headers[i].name[0] != '\0', "empty header name");
        for (p = req.headers[i].name; *p != '\0'; p++)
            FUZZ_CHECK(is_token_char((unsigned char)*p), "header name %s", req.headers[i].name);
        for (p = req.headers[i].value; *p != '\0'; p++)
            FUZZ_CHECK(*p != '\r' && *p != '\n', "CR or LF in a header value");
    }

    /* Hand the request to the application, as rt_http_read.c does. */
    req.send = capture_send;
    req.active = true;
    replied = 0;
    api_dispatch(&req);
    FUZZ_CHECK(replied == 1, "answered %d times", replied);
done:
    rt_req_cleanup(&req);
    free(head);
    return 0;
}

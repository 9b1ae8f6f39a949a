#include "api_client_harness.h"
#include "test_loop.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/queue.h> /* TAILQ_FOREACH over evhttp's headers */
#include <sys/socket.h>

#include <event2/buffer.h>
#include <event2/keyvalq_struct.h>

static const struct rt_valid_rule rule_name = {.kind = RT_VALID_STRING};
static const struct rt_valid_rule rule_n = {.kind = RT_VALID_INTEGER};
static const struct rt_valid_field fields_thing[] = {
    {.name = "name",
     .rule = &rule_name,
     .required = true,
     .offset = offsetof(struct thing, name),
     .aux_offset = RT_VALID_NO_OFFSET},
    {.name = "n",
     .rule = &rule_n,
     .required = false,
     .offset = offsetof(struct thing, n),
     .aux_offset = offsetof(struct thing, has_n)},
};
const struct rt_valid_model thing_model = {
    .name = "Thing", .size = sizeof(struct thing), .fields = fields_thing, .n_fields = 2};

/* The server's only callback: copy the request into h->got, then let the test's reply() answer it. */
static void on_request(struct evhttp_request *req, void *arg)
{
    struct api_harness *h = arg;
    struct api_harness_request *got = &h->got;
    struct evbuffer *body = evhttp_request_get_input_buffer(req);
    struct evkeyval *kv;

    memset(got, 0, sizeof(*got));
    h->requests++;
    got->method = evhttp_request_get_command(req);
    snprintf(got->uri, sizeof(got->uri), "%s", evhttp_request_get_uri(req));
    TAILQ_FOREACH(kv, evhttp_request_get_input_headers(req), next)
    {
        if (got->n_headers == API_HARNESS_MAX_HEADERS) {
            got->headers_left_out = true;
            break;
        }
        snprintf(got->headers[got->n_headers].name, sizeof(got->headers[0].name), "%s", kv->key);
        snprintf(got->headers[got->n_headers].value, sizeof(got->headers[0].value), "%s", kv->value);
        got->n_headers++;
    }
    got->body_len = evbuffer_get_length(body);
    if (got->body_len >= sizeof(got->body))
        got->body_len = sizeof(got->body) - 1;
    evbuffer_copyout(body, got->body, got->body_len);
    got->body[got->body_len] = '\0';
    h->reply(req, h->reply_arg);
}

int api_harness_start(struct api_harness *h, const char *path,
                      void (*reply)(struct evhttp_request *req, void *arg), void *reply_arg)
{
    struct evhttp_bound_socket *bound;
    struct sockaddr_in addr;
    socklen_t len = sizeof(addr);
    char url[128], err[256];

    memset(h, 0, sizeof(*h));
    h->reply = reply;
    h->reply_arg = reply_arg;
    h->base = event_base_new();
    h->server = h->base != NULL ? evhttp_new(h->base) : NULL;
    if (h->server == NULL) {
        printf("# api_harness_start: no event base or evhttp\n");
        return -1;
    }
    bound = evhttp_bind_socket_with_handle(h->server, "127.0.0.1", 0);
    if (bound == NULL ||
        getsockname(evhttp_bound_socket_get_fd(bound), (struct sockaddr *)&addr, &len) != 0) {
        printf("# api_harness_start: no loopback listener\n");
        return -1;
    }
    evhttp_set_gencb(h->server, on_request, h);
    snprintf(url, sizeof(url), "http://127.0.0.1:%d%s", ntohs(addr.sin_port), path);
    h->http = rt_client_new(h->base, NULL, err, sizeof(err));
    if (h->http == NULL) {
        printf("# api_harness_start: rt_client_new: %s\n", err);
        return -1;
    }
    if (rt_api_client_init(&h->client, h->http, url) != 0) {
        printf("# api_harness_start: rt_api_client_init(%s) failed\n", url);
        return -1;
    }
    return 0;
}

void api_harness_stop(struct api_harness *h)
{
    if (h == NULL)
        return;
    rt_api_client_cleanup(&h->client);
    if (h->http != NULL)
        rt_client_free(h->http);
    h->http = NULL;
    if (h->server != NULL)
        evhttp_free(h->server);
    h->server = NULL;
    if (h->base != NULL)
        event_base_free(h->base);
    h->base = NULL;
}

void api_harness_send(struct evhttp_request *req, int status, const char *content_type, const void *body,
                      size_t len)
{
    struct evbuffer *out = NULL;

    if (content_type != NULL)
        evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type", content_type);
    if (body != NULL) {
        out = evbuffer_new();
        evbuffer_add(out, body, len);
    }
    evhttp_send_reply(req, status, "X", out);
    if (out != NULL)
        evbuffer_free(out);
}

const char *api_harness_header(const struct api_harness *h, const char *name)
{
    for (int i = 0; i < h->got.n_headers; i++)
        if (strcasecmp(h->got.headers[i].name, name) == 0)
            return h->got.headers[i].value;
    return h->got.headers_left_out ? "(left out)" : "";
}

int api_harness_header_count(const struct api_harness *h, const char *name)
{
    int n = 0;

    if (h->got.headers_left_out)
        return -1;
    for (int i = 0; i < h->got.n_headers; i++)
        n += strcasecmp(h->got.headers[i].name, name) == 0;
    return n;
}

void api_harness_answered(struct api_harness *h)
{
    if (--h->pending == 0)
        event_base_loopexit(h->base, NULL);
}

static bool none_pending(void *arg)
{
    const struct api_harness *h = arg;

    return h->pending <= 0;
}

bool api_harness_run(struct api_harness *h)
{
    h->pending = 1;
    return run_until(h->base, none_pending, h, API_HARNESS_WAIT_MS);
}

int api_harness_status(struct api_harness *h, int started, const int *status)
{
    if (started != 0 || !api_harness_run(h))
        return -1;
    return *status;
}

void api_harness_deliver(const struct rt_api_client_response *res, void (*cb)(void), void *arg)
{
    ((rt_api_client_cb)cb)(res, arg);
}

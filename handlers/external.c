/*
 * Concurrent calls to external services, the asyncio.gather() lesson:
 *
 * GET /fetch-external-data calls every configured source at once and
 * answers when the last one has finished or timed out, so the total is
 * about the slowest source, not the sum.  A failing, slow, non-JSON or
 * unreachable source is reported in its own entry; it never turns the
 * whole answer into an error.
 *
 * GET /user-with-external-data/{user_email} starts the database lookup and
 * the call to the first source at the same moment and answers when both
 * are done: about max(database, service), not their sum.
 */
#include "external.h"
#include "users.h"

#include "api.h"
#include "rt_app.h"
#include "rt_client.h"
#include "rt_db.h"
#include "rt_db_req.h"
#include "rt_log.h"
#include "rt_mem.h"
#include "rt_req.h"
#include "rt_time.h"

#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SOURCES 32

/* The setting, and the sources read from it; read-only once the workers run. */
static char api_urls[4096];
static char *sources[MAX_SOURCES];
static size_t n_sources;

static const struct rt_option options[] = {
    {"external-api-urls", "EXTERNAL_API_URLS", RT_OPTION_STRING, api_urls, sizeof(api_urls),
     "https://jsonplaceholder.typicode.com/posts/1,https://jsonplaceholder.typicode.com/posts/2,"
     "https://jsonplaceholder.typicode.com/users/1",
     "three jsonplaceholder.typicode.com resources",
     "comma-separated http(s) URLs that /fetch-external-data calls at once; the first is the one "
     "/user-with-external-data calls",
     NULL},
};

static const struct rt_option_group option_group = {"external APIs", options,
                                                    sizeof(options) / sizeof(options[0]), NULL};

static void forget_sources(void)
{
    while (n_sources > 0)
        free(sources[--n_sources]);
}

/* Read the sources from EXTERNAL_API_URLS; 0, or -1 (logged) if none is given or one is not http(s). */
static int read_sources(void)
{
    const char *p = api_urls;

    forget_sources();

    while (*p != '\0') {
        const char *end = strchr(p, ',');
        size_t len = end != NULL ? (size_t)(end - p) : strlen(p);

        while (len > 0 && (*p == ' ' || *p == '\t'))
            p++, len--;
        while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
            len--;
        if (len > 0) {
            if (n_sources == MAX_SOURCES) {
                rt_log_error("EXTERNAL_API_URLS: more than %d sources", MAX_SOURCES);
                return -1;
            }
            if (strncmp(p, "http://", 7) != 0 && strncmp(p, "https://", 8) != 0) {
                rt_log_error("EXTERNAL_API_URLS: '%.*s' is not an http:// or https:// URL", (int)len, p);
                return -1;
            }
            sources[n_sources++] = rt_xstrndup(p, len);
        }
        p += len;
        while (*p == ',' || *p == ' ' || *p == '\t')
            p++;
    }
    if (n_sources == 0) {
        rt_log_error("EXTERNAL_API_URLS names no source");
        return -1;
    }
    return 0;
}

static void stop(int grace_ms)
{
    (void)grace_ms;
    forget_sources();
}

const struct rt_module external_module = {
    .name = "external",
    .options = &option_group,
    .check = read_sources,
    .stop = stop,
};

static double round_ms(double ms)
{
    return round(ms * 1000.0) / 1000.0;
}

static void put_json(void *obj)
{
    json_object_put(obj);
}

/*
 * Fill @out from one call's outcome.  The source succeeded if it answered
 * 2xx with JSON; the parsed JSON (also of an error answer) is kept in
 * request memory's care.  @return 1 if it succeeded.
 */
static int source_result(struct rt_req *req, const char *url, const struct rt_client_response *resp,
                         struct api_external_source_result *out)
{
    char msg[160];

    out->url = url;
    out->elapsed_ms = round_ms(resp->elapsed_ms);
    out->data = NULL;
    out->error = NULL;
    out->has_status = resp->error == NULL;
    out->status = resp->status;
    if (resp->error != NULL) {
        out->error = rt_req_strndup(req, resp->error, strlen(resp->error));
        return 0;
    }
    if (resp->body_len > 0) {
        struct json_tokener *tok = json_tokener_new();

        out->data = json_tokener_parse_ex(tok, resp->body, (int)resp->body_len);
        if (json_tokener_get_error(tok) != json_tokener_success || tok->char_offset < (int)resp->body_len) {
            json_object_put(out->data);
            out->data = NULL;
        }
        json_tokener_free(tok);
        if (out->data != NULL)
            rt_req_defer(req, put_json, out->data);
    }
    if (out->data == NULL && resp->body_len > 0) {
        snprintf(msg, sizeof(msg), "response is not JSON (Content-Type: %s)",
                 resp->content_type ? resp->content_type : "none");
        out->error = rt_req_strndup(req, msg, strlen(msg));
        return 0;
    }
    if (resp->status < 200 || resp->status > 299) {
        snprintf(msg, sizeof(msg), "the service answered HTTP %d", resp->status);
        out->error = rt_req_strndup(req, msg, strlen(msg));
        return 0;
    }
    return 1;
}

/* --- GET /fetch-external-data --- */

struct fan_out {
    struct rt_req *req;
    uint64_t start_ns;
    size_t pending;
    struct api_external_data result;
};

struct fan_out_call {
    struct fan_out *fan;
    size_t index;
};

static void fan_out_done(struct fan_out *fan)
{
    fan->result.total_elapsed_ms = round_ms((double)(rt_time_mono_ns() - fan->start_ns) / 1e6);
    api_fetch_external_data__reply_200(fan->req, &fan->result);
}

static void source_answered(const struct rt_client_response *resp, void *arg)
{
    struct fan_out_call *call = arg;
    struct fan_out *fan = call->fan;

    if (source_result(fan->req, sources[call->index], resp, &fan->result.sources.items[call->index]))
        fan->result.succeeded++;
    else
        fan->result.failed++;
    if (--fan->pending == 0)
        fan_out_done(fan);
}

/* Answer for a call that could not even start, as if it had failed at once. */
static void call_not_started(rt_client_callback cb, void *arg)
{
    struct rt_client_response resp = {.error = "outbound HTTP is not available on this worker"};

    cb(&resp, arg);
}

void handle_fetch_external_data(struct rt_req *req)
{
    struct fan_out *fan = rt_req_alloc(req, sizeof(*fan));
    struct rt_client *client = rt_client_current();
    size_t i;

    fan->req = req;
    fan->start_ns = rt_time_mono_ns();
    fan->pending = n_sources;
    fan->result.sources.len = n_sources;
    fan->result.sources.items = rt_req_alloc(req, n_sources * sizeof(*fan->result.sources.items));
    /* Count one extra until every call is started, so a call failing at once cannot answer early. */
    fan->pending++;
    for (i = 0; i < n_sources; i++) {
        struct fan_out_call *call = rt_req_alloc(req, sizeof(*call));

        call->fan = fan;
        call->index = i;
        if (client == NULL || rt_client_get(client, sources[i], source_answered, call) != 0)
            call_not_started(source_answered, call);
    }
    if (--fan->pending == 0)
        fan_out_done(fan);
}

/* --- GET /user-with-external-data/{user_email} --- */

struct combined {
    struct rt_req *req;
    uint64_t start_ns;
    int pending;                 /* the lookup and the call */
    enum rt_db_status db_status; /* how the lookup ended */
    struct api_user *user;       /* found, or NULL */
    struct api_external_source_result external;
};

static void combined_done(struct combined *c)
{
    struct api_user_with_external_data result;

    switch (c->db_status) {
    case RT_DB_OK:
        break;
    case RT_DB_UNAVAILABLE:
        rt_db_req_reply_unavailable(c->req, api_get_user_with_external_data__reply_503_detail);
        return;
    default:
        rt_db_req_reply_internal(c->req); /* user_looked_up() logged why */
        return;
    }
    if (c->user == NULL) {
        api_get_user_with_external_data__reply_404_detail(c->req, "User not found");
        return;
    }
    result.user = c->user;
    result.external = &c->external;
    result.elapsed_ms = round_ms((double)(rt_time_mono_ns() - c->start_ns) / 1e6);
    api_get_user_with_external_data__reply_200(c->req, &result);
}

static void user_looked_up(const struct rt_db_result *res, void *arg)
{
    struct combined *c = arg;

    c->db_status = rt_db_result_status(res);
    if (c->db_status == RT_DB_ERROR)
        rt_db_req_log_error(c->req, users_select_by_email.name, rt_db_result_error(res));
    if (c->db_status == RT_DB_OK && rt_db_result_rows(res) > 0) {
        c->user = rt_req_alloc(c->req, sizeof(*c->user));
        if (users_from_row(c->req, res, 0, c->user) != 0) {
            rt_db_req_log_error(c->req, users_select_by_email.name,
                                "a value is NULL or not of the expected type");
            c->db_status = RT_DB_ERROR; /* answered 500, once the call is back too */
        }
    }
    if (--c->pending == 0)
        combined_done(c);
}

static void external_answered(const struct rt_client_response *resp, void *arg)
{
    struct combined *c = arg;

    source_result(c->req, sources[0], resp, &c->external);
    if (--c->pending == 0)
        combined_done(c);
}

void handle_get_user_with_external_data(struct rt_req *req,
                                        const struct api_get_user_with_external_data_params *params)
{
    struct combined *c = rt_req_alloc(req, sizeof(*c));
    struct rt_db_loop *db = rt_db_loop_current();
    struct rt_client *client = rt_client_current();
    const char *values[1] = {params->user_email};

    c->req = req;
    c->start_ns = rt_time_mono_ns();
    c->pending = 3; /* the lookup, the call, and this function until both are started */
    if (db == NULL || rt_db_query(db, &users_select_by_email, values, user_looked_up, c) != 0) {
        c->db_status = RT_DB_UNAVAILABLE;
        c->pending--;
    }
    if (client == NULL || rt_client_get(client, sources[0], external_answered, c) != 0)
        call_not_started(external_answered, c);
    if (--c->pending == 0)
        combined_done(c);
}

/*
 * The client side of the rt_client tests (see client_harness.h).
 */
#include "client_harness.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <event2/event.h>
#include <event2/thread.h>

struct event_base *client_base;

static int pending;  /* callbacks still expected */
static bool inside;  /* inside rt_client_get() or rt_client_request(): a callback now breaks the contract */
static int n_inside; /* callbacks that ran inside */

static void on_result(const struct rt_client_response *r, void *arg)
{
    struct result *res = arg;

    if (inside)
        n_inside++;
    res->calls++;
    res->status = r->status;
    res->has_error = r->error != NULL;
    snprintf(res->error, sizeof(res->error), "%s", r->error ? r->error : "");
    res->body_len = r->body_len;
    snprintf(res->body, sizeof(res->body), "%s", r->body ? r->body : "");
    snprintf(res->content_type, sizeof(res->content_type), "%s", r->content_type ? r->content_type : "");
    res->elapsed_ms = r->elapsed_ms;
    pending--;
}

struct rt_client *client_new(int timeout_ms, size_t max_size, const char *ca_file, int max_conns, int idle_ms)
{
    struct rt_client_settings s = {timeout_ms, max_size, ca_file, max_conns, idle_ms};
    char err[256] = "";
    struct rt_client *c = rt_client_new(client_base, &s, err, sizeof(err));

    if (c == NULL)
        printf("# rt_client_new: %s\n", err);
    return c;
}

int get(struct rt_client *c, const char *u, struct result *res)
{
    int rc;

    memset(res, 0, sizeof(*res));
    inside = true;
    rc = rt_client_get(c, u, on_result, res);
    inside = false;
    if (rc == 0)
        pending++;
    return rc;
}

int request(struct rt_client *c, const struct rt_client_request *rq, struct result *res)
{
    int rc;

    memset(res, 0, sizeof(*res));
    inside = true;
    rc = rt_client_request(c, rq, on_result, res);
    inside = false;
    if (rc == 0)
        pending++;
    return rc;
}

static void on_chain(const struct rt_client_response *r, void *arg)
{
    struct chain *ch = arg;

    if (r->status == 200)
        ch->ok++;
    if (--ch->left > 0 && rt_client_get(ch->c, ch->url, on_chain, ch) == 0)
        return;
    pending--;
}

int chain_start(struct chain *ch)
{
    int rc = rt_client_get(ch->c, ch->url, on_chain, ch);

    if (rc == 0)
        pending++;
    return rc;
}

static void on_guard(evutil_socket_t fd, short what, void *arg)
{
    *(bool *)arg = true;
}

bool wait_all(int ms)
{
    bool expired = false;
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    struct event *guard = evtimer_new(client_base, on_guard, &expired);

    evtimer_add(guard, &tv);
    while (pending > 0 && !expired)
        event_base_loop(client_base, EVLOOP_ONCE);
    event_free(guard);
    return pending == 0;
}

void run_for(int ms)
{
    bool expired = false;
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    struct event *guard = evtimer_new(client_base, on_guard, &expired);

    evtimer_add(guard, &tv);
    while (!expired)
        event_base_loop(client_base, EVLOOP_ONCE);
    event_free(guard);
}

int callbacks_pending(void)
{
    return pending;
}

void url(char *buf, size_t len, const char *scheme, const char *host, int port, const char *path)
{
    snprintf(buf, len, "%s://%s:%d%s", scheme, host, port, path);
}

bool has(const char *s, const char *part)
{
    bool ok = strstr(s, part) != NULL;

    if (!ok)
        printf("# '%s' does not contain '%s'\n", s, part);
    return ok;
}

int harness_start(bool tls)
{
    signal(SIGPIPE, SIG_IGN); /* as rt_server does: a peer's close must not kill the process */
    evthread_use_pthreads();
    client_base = event_base_new();
    if (client_base == NULL)
        return -1;
    return upstreams_start(tls);
}

int harness_callbacks_inside(void)
{
    return n_inside;
}

void harness_stop(void)
{
    upstreams_stop();
    event_base_free(client_base);
    libevent_global_shutdown();
}

/*
 * Unit tests for runtime/client/rt_client.c, the client's public API
 * (rt_client.h): a call and its answer, what is sent, what is copied, the
 * per-call deadline, refused arguments, settings, and rt_client_free()
 * with calls in flight.  Against loopback upstreams (client_upstreams.h).
 */
#include "client_dns.h"
#include "client_harness.h"
#include "rt_trace.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void test_get_json(void)
{
    struct rt_client *c = client_new(5000, 0, NULL, 0, 0);
    struct result r1, r2;
    char u[128], host[64];

    CHECK(c != NULL);
    url(u, sizeof(u), "http", "127.0.0.1", up_a.port, "/json");
    CHECK(get(c, u, &r1) == 0);
    url(u, sizeof(u), "http", "localhost", up_a.port, "/json?x=1");
    CHECK(get(c, u, &r2) == 0);
    CHECK(r1.calls == 0); /* later, on the loop */
    CHECK(wait_all(5000));
    CHECK(r1.calls == 1 && r1.status == 200 && !r1.has_error);
    CHECK(has(r1.body, "\"ok\": true"));
    CHECK(r1.body_len == strlen(r1.body));
    CHECK(strcmp(r1.content_type, "application/json") == 0);
    CHECK(r1.elapsed_ms >= 0 && r1.elapsed_ms < 5000);
    CHECK(r2.calls == 1 && r2.status == 200);
    snprintf(host, sizeof(host), "localhost:%d", up_a.port);
    pthread_mutex_lock(&up_a.lock);
    CHECK(strcmp(up_a.user_agent, "async-demo/0.1") == 0);
    CHECK(strcmp(up_a.accept, "application/json") == 0);
    CHECK(strcmp(up_a.host, host) == 0);
    pthread_mutex_unlock(&up_a.lock);
    rt_client_free(c);
}

/* A general request: method, body, Content-Type and extra headers arrive as given. */
static void test_request_with_body(void)
{
    struct rt_client *c = client_new(5000, 0, NULL, 0, 0);
    const char *headers[] = {"X-Test", "yes", NULL};
    struct rt_client_request rq = {"POST", NULL, "{\"a\": 1}", 8, "application/json", headers};
    struct rt_client_request bad;
    struct result r1, r2, r3;
    char u[128];

    url(u, sizeof(u), "http", "127.0.0.1", up_a.port, "/echo");
    rq.url = u;
    CHECK(request(c, &rq, &r1) == 0);
    rq.method = "PUT"; /* evhttp (the upstream) refuses PATCH by default */
    rq.body = "x";
    rq.body_len = 1;
    rq.content_type = "text/plain";
    rq.headers = NULL;
    CHECK(request(c, &rq, &r2) == 0);
    rq.method = "DELETE";
    rq.body = NULL;
    rq.content_type = NULL;
    CHECK(request(c, &rq, &r3) == 0);
    CHECK(wait_all(5000));
    CHECK(r1.status == 200 && strcmp(r1.body, "POST application/json yes {\"a\": 1}") == 0);
    CHECK(r2.status == 200 && strcmp(r2.body, "PUT text/plain - x") == 0);
    CHECK(r3.status == 200 && strcmp(r3.body, "DELETE - - ") == 0);

    bad = rq;
    bad.method = "BREW";
    CHECK(request(c, &bad, &r1) == -1);
    bad = rq;
    headers[1] = "a\r\nInjected: 1";
    bad.headers = headers;
    CHECK(request(c, &bad, &r1) == -1);
    headers[0] = "X Test";
    headers[1] = "yes";
    CHECK(request(c, &bad, &r1) == -1);
    bad = rq;
    bad.content_type = "text/plain\r\nInjected: 1";
    CHECK(request(c, &bad, &r1) == -1);
    rt_client_free(c);
}

/* Everything in the request is copied: the caller may free it as soon as rt_client_request() returns. */
static void test_request_is_copied(void)
{
    struct rt_client *c = client_new(5000, 0, NULL, 0, 0);
    struct rt_client_request rq;
    struct result r;
    char *u = malloc(128), *body = strdup("copied"), *ctype = strdup("text/plain");
    char *name = strdup("X-Test"), *value = strdup("kept");
    const char **headers = calloc(3, sizeof(*headers));

    url(u, 128, "http", "127.0.0.1", up_a.port, "/echo");
    headers[0] = name;
    headers[1] = value;
    memset(&rq, 0, sizeof(rq));
    rq.method = "POST";
    rq.url = u;
    rq.body = body;
    rq.body_len = strlen(body);
    rq.content_type = ctype;
    rq.headers = headers;
    CHECK(request(c, &rq, &r) == 0);
    memset(u, 'z', 127);
    memset(body, 'z', strlen(body));
    free(u);
    free(body);
    free(ctype);
    free(name);
    free(value);
    free(headers);
    CHECK(wait_all(5000));
    CHECK(r.status == 200 && strcmp(r.body, "POST text/plain kept copied") == 0);
    rt_client_free(c);
}

static void test_timeout(void)
{
    struct rt_client *c = client_new(300, 0, NULL, 0, 0);
    struct result hang, fast;
    char u[128];

    url(u, sizeof(u), "http", "127.0.0.1", raw_hang.port, "/");
    CHECK(get(c, u, &hang) == 0);
    url(u, sizeof(u), "http", "127.0.0.1", up_b.port, "/json");
    CHECK(get(c, u, &fast) == 0);
    CHECK(wait_all(5000));
    CHECK(fast.status == 200 && fast.elapsed_ms < 300);
    CHECK(hang.calls == 1 && hang.status == 0);
    CHECK(has(hang.error, "timed out after 300 ms"));
    CHECK(hang.elapsed_ms >= 290 && hang.elapsed_ms < 2000);
    rt_client_free(c);
}

static void test_bad_urls(void)
{
    struct rt_client *c = client_new(1000, 0, NULL, 0, 0);
    struct rt_client_request rq;
    struct result r;
    char u[400];

    CHECK(get(c, "ftp://127.0.0.1/", &r) == -1);
    CHECK(get(c, "not a url", &r) == -1);
    CHECK(get(c, "http://", &r) == -1);
    CHECK(get(c, "/relative", &r) == -1);
    CHECK(get(c, "http://127.0.0.1:0/", &r) == -1);
    CHECK(get(c, "http://127.0.0.1:70000/", &r) == -1);
    CHECK(get(c, "http://[::1/", &r) == -1);
    memset(u, 'a', sizeof(u));
    memcpy(u, "http://", 7);
    strcpy(u + 300, "/x"); /* a host of 293 bytes: too long */
    CHECK(get(c, u, &r) == -1);
    CHECK(get(c, NULL, &r) == -1);
    memset(&rq, 0, sizeof(rq));
    rq.url = "http://127.0.0.1/";
    CHECK(rt_client_request(c, &rq, NULL, NULL) == -1); /* no callback */
    CHECK(rt_client_request(NULL, &rq, NULL, NULL) == -1);
    CHECK(callbacks_pending() == 0);
    rt_client_free(c);
}

static void test_settings(void)
{
    struct rt_client_settings s = {1000, 0, "/nonexistent/ca.pem", 0, 0};
    struct rt_client *c;
    struct result r;
    char err[256] = "", u[128];

    CHECK(rt_client_new(client_base, &s, err, sizeof(err)) == NULL);
    CHECK(has(err, "CA file"));
    CHECK(rt_client_new(NULL, NULL, err, sizeof(err)) == NULL);
    CHECK(has(err, "no event base"));
    CHECK(rt_client_new(NULL, NULL, NULL, 0) == NULL);      /* no err buffer: fine */
    c = rt_client_new(client_base, NULL, err, sizeof(err)); /* all defaults */
    CHECK(c != NULL);
    url(u, sizeof(u), "http", "127.0.0.1", up_b.port, "/json");
    CHECK(get(c, u, &r) == 0);
    CHECK(wait_all(5000));
    CHECK(r.status == 200);
    CHECK(rt_client_current() == NULL);
    rt_client_set_current(c);
    CHECK(rt_client_current() == c);
    rt_client_free(c);
    CHECK(rt_client_current() == NULL);
    rt_client_free(NULL);
}

/* rt_client_free() answers every call still in flight: sent, waiting for a connection, or in a lookup. */
static void test_shutdown(void)
{
    struct rt_client *c = client_new(5000, 0, NULL, 1, 0);
    char ns[64], u[128];
    int fd = dns_silent(ns, sizeof(ns));
    struct result a, b, d;

    CHECK(fd >= 0 && rt_client_set_nameserver(c, ns) == 0);
    url(u, sizeof(u), "http", "127.0.0.1", raw_hang.port, "/");
    CHECK(get(c, u, &a) == 0);
    CHECK(get(c, u, &b) == 0); /* waits: one connection per origin */
    CHECK(get(c, "http://upstream.example/", &d) == 0);
    run_for(50); /* a is sent, b waits, d's lookup is in flight */
    rt_client_free(c);
    CHECK(callbacks_pending() == 0);
    CHECK(a.calls == 1 && strcmp(a.error, "client shut down") == 0);
    CHECK(b.calls == 1 && strcmp(b.error, "client shut down") == 0);
    CHECK(d.calls == 1 && strcmp(d.error, "client shut down") == 0);
    run_for(50); /* the cancelled lookup calls back and releases the resolver */
    close(fd);
}

/* What a callback saw of the current trace context. */
static void trace_seen(const struct rt_client_response *resp, void *arg)
{
    char *seen = arg;
    const struct rt_trace *t = rt_trace_current();

    (void)resp;
    snprintf(seen, 33, "%s", t != NULL ? t->trace_id : "none");
}

/* Copy the traceparent and tracestate the upstream last received. */
static void last_trace(char *parent, char *state, int *count)
{
    pthread_mutex_lock(&up_a.lock);
    snprintf(parent, 80, "%s", up_a.traceparent);
    snprintf(state, 80, "%s", up_a.tracestate);
    *count = up_a.traceparents;
    pthread_mutex_unlock(&up_a.lock);
}

/*
 * W3C Trace Context: a call started under a context carries traceparent
 * (its trace id, a new span id) and tracestate, and its callback runs under
 * that context; outside one, no traceparent; the caller's own is kept.
 */
static void test_trace_context(void)
{
    struct rt_client *c = client_new(5000, 0, NULL, 0, 0);
    const char *own[] = {"traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", NULL};
    struct rt_client_request rq = {"GET", NULL, NULL, 0, NULL, own};
    struct rt_trace t;
    struct result r;
    char u[128], parent[80], state[80], seen[33] = "";
    int count, i;

    url(u, sizeof(u), "http", "127.0.0.1", up_a.port, "/json");
    rt_trace_start(&t, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "rojo=1,congo=2");
    rt_trace_set_current(&t);
    CHECK(rt_client_get(c, u, trace_seen, seen) == 0);
    rt_trace_set_current(NULL);
    for (i = 0; i < 500 && seen[0] == '\0'; i++)
        run_for(10);
    CHECK(strcmp(seen, "4bf92f3577b34da6a3ce929d0e0e4736") == 0); /* the callback ran under it */
    CHECK(rt_trace_current() == NULL);
    last_trace(parent, state, &count);
    CHECK(strncmp(parent, "00-4bf92f3577b34da6a3ce929d0e0e4736-", 36) == 0 && strlen(parent) == 55);
    CHECK(strstr(parent, "00f067aa0ba902b7") == NULL && strcmp(parent + 52, "-01") == 0);
    CHECK(strcmp(state, "rojo=1,congo=2") == 0 && count == 1);
    /* The caller's own traceparent goes as it is, once. */
    rt_trace_set_current(&t);
    rq.url = u;
    CHECK(request(c, &rq, &r) == 0);
    rt_trace_set_current(NULL);
    CHECK(wait_all(5000) && r.status == 200);
    last_trace(parent, state, &count);
    CHECK(strcmp(parent, own[1]) == 0 && count == 1);
    /* Outside any context: nothing. */
    CHECK(get(c, u, &r) == 0);
    CHECK(wait_all(5000) && r.status == 200);
    last_trace(parent, state, &count);
    CHECK(parent[0] == '\0' && state[0] == '\0' && count == 0);
    rt_client_free(c);
}

int main(void)
{
    static const struct harness_case cases[] = {
        {"get_json", test_get_json},
        {"request_with_body", test_request_with_body},
        {"request_is_copied", test_request_is_copied},
        {"timeout", test_timeout},
        {"bad_urls", test_bad_urls},
        {"settings", test_settings},
        {"shutdown", test_shutdown},
        {"trace_context", test_trace_context},
    };

    return harness_main(cases, sizeof(cases) / sizeof(cases[0]), false);
}

/*
 * rt_client — an asynchronous HTTP/1.1 client on one event loop (see
 * rt_client.h for the contract).  This file is the public API: the client
 * object and the start of a call.  The rest is split by concern (the list
 * is in rt_client_priv.h):
 *
 *   client  — the event base, a resolver, one SSL_CTX, the origins, every
 *             request not yet answered, and a "reaper" event that does the
 *             pool's deferred work from the top of the loop, never from
 *             inside a libevent callback (rt_client_pool.c).
 *   origin  — scheme://host:port: its connections and a FIFO of requests
 *             waiting for one (rt_client_pool.c).
 *   conn    — one evhttp_connection carrying at most one request at a time
 *             (rt_client_conn.c); the request and response on it go
 *             through rt_client_exchange.c, after a lookup by
 *             rt_client_resolve.c.
 *   req     — one rt_client_request(): what to send, its deadline, its
 *             result until the callback has run (rt_client_req.c).
 */
#include "rt_client.h"
#include "rt_mem.h"
#include "rt_client_conn.h"
#include "rt_client_internal.h"
#include "rt_client_pool.h"
#include "rt_client_priv.h"
#include "rt_client_req.h"
#include "rt_client_resolve.h"
#include "rt_err.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <event2/event.h>
#include <event2/http.h>

static _Thread_local struct rt_client *current_client;

/* Settings fields left at zero (or negative) get their defaults. */
static void settings_defaults(struct rt_client_settings *s)
{
    if (s->timeout_ms <= 0)
        s->timeout_ms = RT_CLIENT_DEFAULT_TIMEOUT_MS;
    if (s->max_response_size == 0)
        s->max_response_size = RT_CLIENT_DEFAULT_MAX_RESPONSE_SIZE;
    if (s->max_connections_per_origin <= 0)
        s->max_connections_per_origin = RT_CLIENT_DEFAULT_MAX_CONNECTIONS;
    if (s->idle_timeout_ms <= 0)
        s->idle_timeout_ms = RT_CLIENT_DEFAULT_IDLE_TIMEOUT_MS;
}

static void on_reap(evutil_socket_t fd, short what, void *arg)
{
    rt_client_pool_reap(arg);
}

struct rt_client *rt_client_new(struct event_base *base, const struct rt_client_settings *settings, char *err,
                                size_t errlen)
{
    struct rt_client *client = NULL;

    if (base == NULL) {
        rt_err_set(err, errlen, "no event base");
        goto err;
    }
    client = rt_xcalloc(1, sizeof(*client));
    client->base = base;
    TAILQ_INIT(&client->origins);
    TAILQ_INIT(&client->requests);
    TAILQ_INIT(&client->dead);
    if (settings != NULL)
        client->settings = *settings;
    settings_defaults(&client->settings);
    client->settings.ca_file = NULL;
    if (settings != NULL && settings->ca_file != NULL) {
        client->ca_file_copy = rt_xstrdup(settings->ca_file);
        client->settings.ca_file = client->ca_file_copy;
    }
    client->reaper = event_new(base, -1, 0, on_reap, client);
    if (client->reaper == NULL) {
        rt_err_set(err, errlen, "cannot create an event");
        goto err;
    }
    /* A resolver per client: its lookups run on this loop. */
    client->resolver = rt_client_resolver_new(base, err, errlen);
    if (client->resolver == NULL)
        goto err;
    client->ssl_ctx = rt_client_conn_tls_new(client->settings.ca_file, err, errlen);
    if (client->ssl_ctx == NULL)
        goto err;
    return client;
err:
    if (client != NULL) {
        rt_client_resolver_release(client->resolver);
        if (client->reaper != NULL)
            event_free(client->reaper);
        free(client->ca_file_copy);
        free(client);
    }
    return NULL;
}

void rt_client_free(struct rt_client *client)
{
    struct rt_client_req *req;

    if (client == NULL)
        return;
    client->shutting_down = true;
    /* Close everything first: libevent requests die with their connections, silently. */
    rt_client_pool_close(client);
    for (req = TAILQ_FIRST(&client->requests); req != NULL; req = TAILQ_NEXT(req, all_link)) {
        req->evreq = NULL;
        rt_client_req_fail(req, "client shut down");
    }
    /* Answer everything, in the order the requests were made. */
    while ((req = TAILQ_FIRST(&client->requests)) != NULL)
        rt_client_req_deliver(req);
    rt_client_pool_free(client);
    if (current_client == client)
        current_client = NULL;
    event_free(client->reaper);
    rt_client_resolver_release(client->resolver);
    SSL_CTX_free(client->ssl_ctx);
    free(client->ca_file_copy);
    free(client);
}

/*
 * Where @p uri points: whether https, the host (without the brackets of an
 * IPv6 literal) into @p host, and the port (the scheme's by default).
 * @return 0, or -1 if it is not an absolute http(s) URL with a host that
 *         fits and a valid port.
 */
static int parse_origin(const struct evhttp_uri *uri, bool *https, char *host, size_t hostlen, int *port)
{
    const char *scheme = evhttp_uri_get_scheme(uri);
    const char *h = evhttp_uri_get_host(uri);
    size_t hlen;

    if (scheme == NULL || h == NULL || h[0] == '\0')
        return -1;
    if (strcasecmp(scheme, "https") == 0)
        *https = true;
    else if (strcasecmp(scheme, "http") == 0)
        *https = false;
    else
        return -1;
    hlen = strlen(h);
    if (h[0] == '[') { /* IPv6 literal */
        if (hlen < 3 || h[hlen - 1] != ']' || hlen - 2 >= hostlen)
            return -1;
        memcpy(host, h + 1, hlen - 2);
        host[hlen - 2] = '\0';
    } else {
        if (hlen >= hostlen)
            return -1;
        memcpy(host, h, hlen + 1);
    }
    *port = evhttp_uri_get_port(uri);
    if (*port < 0)
        *port = *https ? 443 : 80;
    return *port == 0 || *port > 65535 ? -1 : 0;
}

int rt_client_request(struct rt_client *client, const struct rt_client_request *request,
                      rt_client_callback cb, void *arg)
{
    struct evhttp_uri *uri = NULL;
    struct rt_client_req *req = NULL;
    struct rt_client_origin *o;
    char host[256];
    bool https;
    int port;

    if (client == NULL || request == NULL || request->url == NULL || cb == NULL || client->shutting_down)
        return -1;
    uri = evhttp_uri_parse_with_flags(request->url, 0);
    if (uri == NULL || parse_origin(uri, &https, host, sizeof(host), &port) != 0)
        goto err;
    req = rt_client_req_new(client, request, evhttp_uri_get_path(uri), evhttp_uri_get_query(uri), cb, arg);
    if (req == NULL)
        goto err;
    o = rt_client_pool_origin(client, https, host, port);
    rt_client_req_start(req, o);
    evhttp_uri_free(uri);
    return 0;
err:
    rt_client_req_free(req);
    if (uri != NULL)
        evhttp_uri_free(uri);
    return -1;
}

int rt_client_get(struct rt_client *client, const char *url, rt_client_callback cb, void *arg)
{
    struct rt_client_request r;

    memset(&r, 0, sizeof(r));
    r.method = "GET";
    r.url = url;
    return rt_client_request(client, &r, cb, arg);
}

struct rt_client *rt_client_current(void)
{
    return current_client;
}

void rt_client_set_current(struct rt_client *client)
{
    current_client = client;
}

int rt_client_set_nameserver(struct rt_client *client, const char *addr)
{
    return rt_client_resolver_set_nameserver(client->resolver, addr);
}

const char *rt_client_header(const char *const *headers, const char *name)
{
    for (; headers != NULL && headers[0] != NULL && headers[1] != NULL; headers += 2) {
        if (strcasecmp(headers[0], name) == 0)
            return headers[1];
    }
    return NULL;
}

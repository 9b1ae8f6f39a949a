/*
 * rt_client_conn — one connection: connect (after a lookup), TLS,
 * keep-alive, close (see rt_client_conn.h).
 */
#include "rt_client_conn.h"
#include "rt_mem.h"
#include "rt_client_exchange.h"
#include "rt_client_pool.h"
#include "rt_client_priv.h"
#include "rt_client_req.h"
#include "rt_client_resolve.h"
#include "rt_err.h"
#include "rt_time.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <event2/http.h>
#include <event2/util.h>

#include <openssl/err.h>
#include <openssl/x509v3.h>

/* --- events --- */

/* evhttp tells us the connection was closed (by the server, an error, or a reset). */
static void on_conn_closed(struct evhttp_connection *evcon, void *arg)
{
    rt_client_conn_kill(arg);
}

static void on_idle_timeout(evutil_socket_t fd, short what, void *arg)
{
    struct rt_client_conn *conn = arg;

    if (conn->state == RT_CLIENT_CONN_IDLE)
        rt_client_conn_kill(conn);
}

/*
 * Sits in front of evhttp's event callback on the bufferevent while the
 * connection is being made (rt_client_conn_watch_connect), notes how it
 * went, and hands the event on to evhttp.
 */
static void on_connect_event(struct bufferevent *bev, short what, void *arg)
{
    struct rt_client_conn *conn = arg;
    int saved = EVUTIL_SOCKET_ERROR();
    bufferevent_event_cb cb = conn->evhttp_eventcb;
    void *cbarg = conn->evhttp_eventarg;

    if (what & BEV_EVENT_CONNECTED) {
        conn->connected = true;
    } else {
        if (what & BEV_EVENT_TIMEOUT)
            conn->connect_timed_out = true;
        else if (saved != 0)
            conn->connect_errno = saved;
        if (conn->ssl != NULL) {
            unsigned long e;

            /* bufferevent_openssl also queues bare SSL_get_error() codes (library 0): not TLS errors. */
            while ((e = bufferevent_get_openssl_error(bev)) != 0)
                if (conn->tls_error == 0 && ERR_GET_LIB(e) != 0)
                    conn->tls_error = e;
        }
    }
    EVUTIL_SET_SOCKET_ERROR(saved);
    if (cb != NULL)
        cb(bev, what, cbarg);
}

/* --- TLS --- */

SSL_CTX *rt_client_conn_tls_new(const char *ca_file, char *err, size_t errlen)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    char buf[200];

    if (ctx == NULL) {
        rt_err_set(err, errlen, "cannot create a TLS context");
        return NULL;
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
    if (ca_file != NULL) {
        if (SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
            ERR_error_string_n(ERR_get_error(), buf, sizeof(buf));
            ERR_clear_error();
            rt_err_set(err, errlen, "cannot load CA file %s: %s", ca_file, buf);
            goto err;
        }
    } else if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
        ERR_clear_error();
        rt_err_set(err, errlen, "cannot load the system's CA certificates");
        goto err;
    }
    return ctx;
err:
    SSL_CTX_free(ctx);
    return NULL;
}

/*
 * Make conn->bev: plain, or TLS with SNI and the origin's host name (or IP
 * address) to verify the certificate against.  @return 0, or -1 (out of
 * memory; what was made stays in conn for rt_client_conn_free).
 */
static int conn_make_bufferevent(struct rt_client_conn *conn)
{
    struct rt_client_origin *o = conn->origin;
    struct rt_client *client = o->client;

    if (!o->https) {
        conn->bev = bufferevent_socket_new(client->base, -1, BEV_OPT_CLOSE_ON_FREE);
        return conn->bev != NULL ? 0 : -1;
    }
    conn->ssl = SSL_new(client->ssl_ctx);
    if (conn->ssl == NULL)
        return -1;
    if (o->host_is_ip) {
        if (X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(conn->ssl), o->host) != 1)
            return -1;
    } else {
        if (SSL_set_tlsext_host_name(conn->ssl, o->host) != 1 || SSL_set1_host(conn->ssl, o->host) != 1)
            return -1;
        SSL_set_hostflags(conn->ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    }
    conn->bev = bufferevent_openssl_socket_new(client->base, -1, conn->ssl, BUFFEREVENT_SSL_CONNECTING,
                                               BEV_OPT_CLOSE_ON_FREE | BEV_OPT_DEFER_CALLBACKS);
    if (conn->bev == NULL)
        return -1;
    bufferevent_openssl_set_allow_dirty_shutdown(conn->bev, 1);
    return 0;
}

/* --- opening --- */

/* Create the bufferevent and evhttp connection to conn->addr, then send conn->req. */
static void conn_connect(struct rt_client_conn *conn)
{
    struct rt_client_origin *o = conn->origin;
    struct rt_client *client = o->client;
    const struct rt_client_settings *s = &client->settings;
    struct timeval tv;

    if (conn_make_bufferevent(conn) != 0)
        goto err;
    conn->evcon = evhttp_connection_base_bufferevent_new(client->base, NULL, conn->bev, conn->addr,
                                                         (unsigned short)o->port);
    if (conn->evcon == NULL)
        goto err;
    evhttp_connection_set_closecb(conn->evcon, on_conn_closed, conn);
    evhttp_connection_set_max_body_size(conn->evcon, s->max_response_size < (size_t)EV_SSIZE_MAX
                                                         ? (ev_ssize_t)s->max_response_size
                                                         : EV_SSIZE_MAX);
    evhttp_connection_set_max_headers_size(conn->evcon, RT_CLIENT_MAX_HEADERS_SIZE);
    /* Our own timers decide; evhttp's (connect, read, write) only as a backstop. */
    tv = rt_time_tv_ms((int64_t)(s->timeout_ms > s->idle_timeout_ms ? s->timeout_ms : s->idle_timeout_ms) +
                       1000);
    evhttp_connection_set_timeout_tv(conn->evcon, &tv);
    rt_client_exchange_start(conn);
    return;
err:
    rt_client_conn_kill(conn);
    if (conn->req != NULL)
        rt_client_req_fail(conn->req, "cannot set up a connection to %s:%d", o->host, o->port);
}

/* The lookup for a connection being opened answered. */
static void on_resolved(const char *addr, const char *error, void *arg)
{
    struct rt_client_conn *conn = arg;

    if (conn->state == RT_CLIENT_CONN_DEAD || conn->req == NULL) {
        rt_client_conn_kill(conn);
        return;
    }
    if (addr == NULL) {
        rt_client_conn_kill(conn);
        rt_client_req_fail(conn->req, "cannot resolve host \"%s\": %s", conn->origin->host, error);
        return;
    }
    snprintf(conn->addr, sizeof(conn->addr), "%s", addr);
    conn->state = RT_CLIENT_CONN_BUSY;
    conn_connect(conn);
}

struct rt_client_conn *rt_client_conn_new(struct rt_client_origin *origin)
{
    struct rt_client_conn *conn = rt_xcalloc(1, sizeof(*conn));

    conn->origin = origin;
    conn->idle_timer = evtimer_new(origin->client->base, on_idle_timeout, conn);
    if (conn->idle_timer == NULL) {
        free(conn);
        return NULL;
    }
    return conn;
}

void rt_client_conn_start(struct rt_client_conn *conn)
{
    struct rt_client_origin *o = conn->origin;

    if (o->host_is_ip) {
        snprintf(conn->addr, sizeof(conn->addr), "%s", o->host);
        conn->state = RT_CLIENT_CONN_BUSY;
        conn_connect(conn);
        return;
    }
    conn->state = RT_CLIENT_CONN_RESOLVING;
    rt_client_lookup_start(o->client->resolver, o->host, on_resolved, conn, &conn->lookup);
}

/* --- keep-alive and closing --- */

void rt_client_conn_release(struct rt_client_conn *conn)
{
    struct timeval tv;

    conn->n_done++;
    if (conn->req != NULL) {
        conn->req->conn = NULL;
        conn->req = NULL;
    }
    if (conn->state == RT_CLIENT_CONN_DEAD)
        return;
    conn->state = RT_CLIENT_CONN_IDLE;
    tv = rt_time_tv_ms(conn->origin->client->settings.idle_timeout_ms);
    event_add(conn->idle_timer, &tv);
    rt_client_pool_idle(conn);
}

void rt_client_conn_kill(struct rt_client_conn *conn)
{
    if (conn->state == RT_CLIENT_CONN_DEAD)
        return; /* its origin may be gone */
    conn->state = RT_CLIENT_CONN_DEAD;
    if (conn->idle_timer != NULL)
        event_del(conn->idle_timer);
    rt_client_lookup_cancel(&conn->lookup);
    rt_client_pool_discard(conn);
}

void rt_client_conn_free(struct rt_client_conn *conn)
{
    if (conn == NULL)
        return;
    rt_client_lookup_cancel(&conn->lookup);
    if (conn->req != NULL) {
        /* Only during rt_client_free(): the libevent request dies with evcon. */
        conn->req->evreq = NULL;
        conn->req->conn = NULL;
        conn->req = NULL;
    }
    if (conn->evcon != NULL) {
        evhttp_connection_set_closecb(conn->evcon, NULL, NULL);
        evhttp_connection_free(conn->evcon); /* frees bev and ssl */
    } else if (conn->bev != NULL) {
        bufferevent_free(conn->bev);
    } else if (conn->ssl != NULL) {
        SSL_free(conn->ssl);
    }
    if (conn->idle_timer != NULL)
        event_free(conn->idle_timer);
    free(conn);
}

/* --- how connecting went --- */

void rt_client_conn_watch_connect(struct rt_client_conn *conn)
{
    bufferevent_data_cb rcb = NULL, wcb = NULL;

    if (conn->connected)
        return;
    bufferevent_getcb(conn->bev, &rcb, &wcb, &conn->evhttp_eventcb, &conn->evhttp_eventarg);
    if (rcb == NULL && wcb == NULL && conn->evhttp_eventcb != NULL)
        bufferevent_setcb(conn->bev, NULL, NULL, on_connect_event, conn);
}

void rt_client_conn_describe_failure(const struct rt_client_conn *conn, char *buf, size_t len)
{
    const struct rt_client_origin *o = conn->origin;
    long vr = conn->ssl != NULL ? SSL_get_verify_result(conn->ssl) : X509_V_OK;
    char tls[160];

    if (vr != X509_V_OK) {
        snprintf(buf, len, "certificate verify failed: %s (https://%s:%d)", X509_verify_cert_error_string(vr),
                 o->host, o->port);
    } else if (conn->connect_timed_out) {
        snprintf(buf, len, "connecting to %s:%d timed out", o->host, o->port);
    } else if (conn->tls_error != 0) {
        ERR_error_string_n(conn->tls_error, tls, sizeof(tls));
        snprintf(buf, len, "TLS handshake with %s:%d failed: %s", o->host, o->port, tls);
    } else if (conn->connect_errno != 0) {
        snprintf(buf, len, "cannot connect to %s:%d (%s): %s", o->host, o->port, conn->addr,
                 evutil_socket_error_to_string(conn->connect_errno));
    } else if (o->https) {
        snprintf(buf, len, "TLS handshake with %s:%d failed (connection closed)", o->host, o->port);
    } else {
        snprintf(buf, len, "cannot connect to %s:%d (%s)", o->host, o->port, conn->addr);
    }
}

/*
 * What the rt_api_client tests share: an evhttp server on a loopback
 * listener and the client under test on one event loop, each request the
 * server got recorded, and a wait for the answer to the call started last
 * (in bounded steps, test_loop.h).  Also the model the operation tables
 * use, as the generator would write it.
 *
 * A test file keeps one harness, started in main() with its own way of
 * answering; its response callbacks count themselves with
 * api_harness_answered(), which is what api_harness_run() waits for.
 */
#ifndef API_CLIENT_HARNESS_H
#define API_CLIENT_HARNESS_H

#include "rt_api_client.h"
#include "rt_client.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <event2/event.h>
#include <event2/http.h>

#define API_HARNESS_WAIT_MS 10000 /* the most one call is waited for; a failing check follows */
#define API_HARNESS_MAX_HEADERS 32

/* --- the model: Thing {name: string, required; n: integer} --- */

struct thing {
    const char *name;
    int64_t n;
    bool has_n;
};

extern const struct rt_valid_model thing_model;

/* --- the harness --- */

/* One request as the server got it, copied before it was answered. */
struct api_harness_request {
    enum evhttp_cmd_type method; /* EVHTTP_REQ_GET, ... */
    char uri[512];               /* path and query, as sent */
    struct {
        char name[32];
        char value[128];                /* cut to fit */
    } headers[API_HARNESS_MAX_HEADERS]; /* in the order sent, the first API_HARNESS_MAX_HEADERS */
    int n_headers;
    bool headers_left_out; /* it had more header lines than headers[] holds */
    char body[1024];       /* its first bytes, NUL-terminated */
    size_t body_len;       /* bytes in body (at most sizeof(body) - 1) */
};

struct api_harness {
    struct event_base *base;
    struct evhttp *server;
    struct rt_client *http;
    struct rt_api_client client;    /* base URL http://127.0.0.1:<port><path> */
    struct api_harness_request got; /* the last request the server got */
    int requests;                   /* requests the server got */
    int pending;                    /* answers api_harness_run() still waits for */
    /* answers each request, after it was recorded: must send a reply */
    void (*reply)(struct evhttp_request *req, void *arg);
    void *reply_arg;
};

/**
 * Start @p h: a loop, an evhttp server on a loopback port that records each
 * request in h->got and hands it to @p reply (with @p reply_arg), an
 * rt_client on that loop and h->client with the base URL
 * "http://127.0.0.1:<port>" followed by @p path (e.g. "/").
 * On failure a "# api_harness_start: ..." line says what failed.
 * @return 0 on success, -1 on failure (call api_harness_stop() either way).
 */
int api_harness_start(struct api_harness *h, const char *path,
                      void (*reply)(struct evhttp_request *req, void *arg), void *reply_arg);

/** Free what api_harness_start() made, in reverse.  Accepts NULL; safe to call twice. */
void api_harness_stop(struct api_harness *h);

/**
 * Answer @p req with @p status, a Content-Type of @p content_type (none if
 * NULL) and the @p len bytes of @p body (none if NULL).  For a reply
 * function.
 */
void api_harness_send(struct evhttp_request *req, int status, const char *content_type, const void *body,
                      size_t len);

/**
 * The value of the first header @p name (any case) of the last request; ""
 * if it had none; "(left out)" if it is not among those recorded and some
 * were left out (so that a check that a header was not sent cannot pass
 * for want of room).
 */
const char *api_harness_header(const struct api_harness *h, const char *name);

/** How many header lines named @p name (any case) the last request had; -1 if some were left out. */
int api_harness_header_count(const struct api_harness *h, const char *name);

/** A response callback's last step: one answer came (the loop stops once none is pending). */
void api_harness_answered(struct api_harness *h);

/**
 * Run the loop until the call started last has been answered
 * (api_harness_answered()), for API_HARNESS_WAIT_MS at most.
 * @return whether it was.
 */
bool api_harness_run(struct api_harness *h);

/**
 * Wait for the call whose start returned @p started (0: it was sent), whose
 * callback writes the status into @p *status.
 * @return *status once answered; -1 if the call was refused or not answered in time.
 */
int api_harness_status(struct api_harness *h, int started, const int *status);

/** A typed wrapper's deliverer, as generated: casts the callback back to rt_api_client_cb. */
void api_harness_deliver(const struct rt_api_client_response *res, void (*cb)(void), void *arg);

#endif /* API_CLIENT_HARNESS_H */

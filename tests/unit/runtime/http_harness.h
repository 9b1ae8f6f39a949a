/*
 * What the rt_http tests share: a real server on a loopback listener, an
 * application that records each request and answers it at once or holds
 * it, the test's own client sockets, responses parsed off them, and waits
 * that drive the server's libevent loop in bounded steps (test_loop.h).
 *
 * A test file lists its cases and hands them to http_test_main().
 */
#ifndef HTTP_HARNESS_H
#define HTTP_HARNESS_H

#include "test.h"
#include "test_loop.h"

#include "rt_http.h"
#include "rt_log.h"
#include "rt_req.h"

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#define WAIT_MS 3000 /* the most any step waits for the server; a failing case ends after it */

/* --- the application: records each request, answers now or holds it --- */

#define MAX_HELD 8

struct app {
    bool hold;                           /* keep requests in held[] instead of answering */
    bool twice;                          /* answer twice (a handler bug the runtime must catch) */
    void (*respond)(struct rt_req *req); /* answers instead of answer(), if set */
    int calls;                           /* requests that reached the handler */
    struct rt_req *held[MAX_HELD];
    int n_held; /* held requests, answered or not */
    enum rt_method method;
    char path[128], query[128], body[512], custom[64], id[80];
};

/** Answer with what the request was: "METHOD path[?query] body=<body>", with the header X-Test: yes. */
void answer(struct rt_req *req);

/* --- the server --- */

struct server {
    struct event_base *base;
    struct rt_http *http;
    struct app app;
    int port;
    int drained; /* calls of the drained callback */
};

/* What the server runs with unless a case changes it: limits well above what the cases send. */
extern const struct rt_http_settings defaults;

/** Start @p s on a new loop and a loopback listener of its own.  @return false on failure. */
bool server_start(struct server *s, const struct rt_http_settings *settings);

/** Free the server and its loop. */
void server_stop(struct server *s);

/* --- a client: a non-blocking socket the test reads into a buffer --- */

struct client {
    struct server *srv;
    int fd;
    char buf[64 * 1024];
    size_t len;
    bool eof; /* the server closed (or reset) the connection */
    int want; /* what the current wait is for */
};

/** A blocking connection to loopback port @p port.  @return its descriptor, or -1. */
int connect_to(int port);

/** Connect @p c to @p s.  @return false on failure. */
bool client_open(struct client *c, struct server *s);

void client_close(struct client *c);

/** Close with a reset instead of a FIN (SO_LINGER with a zero timeout). */
void client_reset(struct client *c);

/** Send all of @p data.  @return false on failure. */
bool client_send(struct client *c, const char *data);

/** Read what has arrived, without blocking. */
void client_pump(struct client *c);

/* --- responses --- */

struct response {
    int status;
    char head[2048]; /* status line and header lines, NUL-terminated */
    char body[2048]; /* the body's first bytes as they came (binary ones too), NUL-terminated */
    size_t body_len;
};

/** The value of header @p name in @p head, copied into @p out; NULL if absent. */
const char *header_in(const char *head, const char *name, char *out, size_t size);

/** The value of header @p name in @p r (in a static buffer, valid until the next call); NULL if absent. */
const char *header(const struct response *r, const char *name);

/**
 * Take the first complete response off the client's buffer (a HEAD request
 * is answered without the body its Content-Length counts: @p no_body).
 * @return false if there is none.
 */
bool take(struct client *c, struct response *r, bool no_body);

/* --- waiting (each for at most WAIT_MS) --- */

/** For run_until(): whether the client @p arg has a response head. */
bool has_head(void *arg);

/** Wait until @p c has @p n complete responses. */
bool wait_responses(struct client *c, int n);

/** Wait for one response and take it. */
bool receive(struct client *c, struct response *r);

/** Wait until the server has closed @p c's connection. */
bool wait_eof(struct client *c);

/** wait_eof() once the server's loop is gone: poll the socket itself. */
bool wait_eof_without_loop(struct client *c);

/** Wait until @p n requests have reached the handler. */
bool wait_calls(struct server *s, int n);

/** Wait until the server has @p n connections open. */
bool wait_connections(struct server *s, int n);

/** For run_until(): whether the client of the request held last (the server @p arg) has gone. */
bool held_peer_gone(void *arg);

/* --- shared cases --- */

/*
 * Send @p request on a new connection; expect a JSON error with status
 * @p status and @p detail_part in its detail, then the close, and the
 * handler never called.
 */
static inline void expect_error(const struct rt_http_settings *settings, const char *request, int status,
                                const char *detail_part)
{
    struct server s;
    struct client c;
    struct response r;

    CHECK(server_start(&s, settings));
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, request));
    CHECK(receive(&c, &r));
    CHECK(r.status == status);
    CHECK(header(&r, "Content-Type") && strcmp(header(&r, "Content-Type"), "application/json") == 0);
    CHECK(header(&r, "Connection") && strcmp(header(&r, "Connection"), "close") == 0);
    CHECK(header(&r, "X-Request-ID") != NULL);
    CHECK(strncmp(r.body, "{\"detail\":\"", 11) == 0 && strstr(r.body, detail_part) != NULL);
    CHECK(wait_eof(&c));
    CHECK(c.len == 0);
    CHECK(s.app.calls == 0);
    client_close(&c); /* the server lingers until the client closes too */
    CHECK(wait_connections(&s, 0));
    server_stop(&s);
}

/** Run the named @p cases (@p n of them; test_run()) as rt_server runs the server.  @return the exit status.
 */
static inline int http_test_main(const struct test_case *cases, size_t n, int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN); /* as rt_server does */
    rt_log_set_level(RT_LOG_ERROR);
    return test_run(cases, n, argc, argv);
}

#endif /* HTTP_HARNESS_H */

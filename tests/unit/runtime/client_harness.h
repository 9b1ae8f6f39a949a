/*
 * The client side of the rt_client tests, on the main thread: one event
 * loop for the clients under test, results collected by callback, helpers
 * to run the loop, and a runner for named cases.
 *
 * A test file lists its cases and hands them to harness_main(), which
 * starts the upstreams (client_upstreams.h), prints "# case <name>" before
 * each case's checks and, at the end, names the cases that failed.
 */
#ifndef CLIENT_HARNESS_H
#define CLIENT_HARNESS_H

#include "client_upstreams.h"
#include "rt_client.h"
#include "rt_client_internal.h"
#include "test.h"

#include <stdbool.h>
#include <stddef.h>

/* The loop every client under test runs on. */
extern struct event_base *client_base;

/* What a callback received, copied. */
struct result {
    int calls;
    int status;
    char error[256];
    bool has_error;
    size_t body_len;
    char body[256];
    char content_type[64];
    double elapsed_ms;
};

/* A chain of GETs to one URL, each started from the previous one's callback. */
struct chain {
    struct rt_client *c;
    char url[128];
    int left; /* GETs still to make, this one included */
    int ok;   /* answered with 200 */
};

/** rt_client_new on client_base with these settings; prints why on failure. */
struct rt_client *client_new(int timeout_ms, size_t max_size, const char *ca_file, int max_conns,
                             int idle_ms);

/** rt_client_get(@p url) into @p res (cleared first).  @return what rt_client_get returned. */
int get(struct rt_client *c, const char *url, struct result *res);

/** rt_client_request(@p rq) into @p res (cleared first).  @return what rt_client_request returned. */
int request(struct rt_client *c, const struct rt_client_request *rq, struct result *res);

/** Start @p ch (its c, url and left filled in).  @return what rt_client_get returned. */
int chain_start(struct chain *ch);

/** Run the loop until every callback has come, or @p ms passed.  @return true if all came. */
bool wait_all(int ms);

/** Run the loop for @p ms, whatever happens. */
void run_for(int ms);

/** @return the callbacks still expected. */
int callbacks_pending(void);

/** Write "scheme://host:port/path" into @p buf. */
void url(char *buf, size_t len, const char *scheme, const char *host, int port, const char *path);

/** @return true if @p s contains @p part; if not, says so on a "# " line. */
bool has(const char *s, const char *part);

/* One named test case. */
struct harness_case {
    const char *name;
    void (*fn)(void);
};

/** Set up the loop and the upstreams (TLS ones too with @p tls).  @return 0, or -1. */
int harness_start(bool tls);

/** @return callbacks that ran inside rt_client_get() or rt_client_request() (the contract says none). */
int harness_callbacks_inside(void);

/** Stop the upstreams and free the loop. */
void harness_stop(void);

/** Run @p cases (@p n of them) around harness_start(@p tls) and harness_stop().  @return the exit status. */
static inline int harness_main(const struct harness_case *cases, size_t n, bool tls)
{
    const char *failed[64];
    size_t i, n_failed = 0;

    if (harness_start(tls) != 0) {
        CHECK(!"the upstreams start");
        return test_done();
    }
    for (i = 0; i < n; i++) {
        int before = test_failed;

        printf("# case %s\n", cases[i].name);
        cases[i].fn();
        if (test_failed > before && n_failed < sizeof(failed) / sizeof(failed[0]))
            failed[n_failed++] = cases[i].name;
    }
    CHECK(harness_callbacks_inside() == 0);
    harness_stop();
    for (i = 0; i < n_failed; i++)
        printf("# FAILED case %s\n", failed[i]);
    return test_done();
}

#endif /* CLIENT_HARNESS_H */

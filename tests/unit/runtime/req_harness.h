/*
 * What the rt_req tests share: requests set up by hand with
 * rt_req_internal.h, as the connection layer does, with what they were
 * answered with recorded; cleanups that log their order; and the value of
 * a sample in the rt_metrics text.
 *
 * A test file lists its cases and hands them to req_test_main().
 */
#ifndef REQ_HARNESS_H
#define REQ_HARNESS_H

#include "test.h"

#include "rt_metrics.h"
#include "rt_req_internal.h"

#include <stddef.h>

/* What a request set up by hand was answered with. */
struct answer {
    int sends; /* calls of req->send */
    int ended; /* calls of req->ended */
    int status;
    char content_type[64];
    char body[256];
    size_t body_len;
    char first_out_header[64]; /* "Name: value" of the first added header at send time */
};

/** req->send of a request set up by req_setup(): records the answer in req->owner. */
void answer_send(struct rt_req *req, int status, const char *content_type, const void *body, size_t len);

/** req->ended of a request set up by req_setup(): counts the calls. */
void answer_ended(struct rt_req *req);

/** Set @p req up as the connection layer does, handed to the application with id @p id. */
void req_setup(struct rt_req *req, struct answer *a, const char *id);

/** The value of sample @p series in the metrics text; -1 if absent. */
double metric(const char *series);

/* Cleanups that log their order: each appends its letter. */
struct order {
    char log[16];
    int n;
};

void defer_a(void *arg);
void defer_b(void *arg);
void defer_c(void *arg);

/** Run the named @p cases (@p n of them; test_run()) with one operation, op_zero.  @return the exit status.
 */
static inline int req_test_main(const struct test_case *cases, size_t n, int argc, char **argv)
{
    static const char *const op_names[] = {"op_zero"};
    static const char *const op_methods[] = {"POST"};

    rt_metrics_set_operations(op_names, op_methods, 1);
    return test_run(cases, n, argc, argv);
}

#endif /* REQ_HARNESS_H */

/*
 * What the fixture's test programs (test_fixture.c, test_fixture_styles.c)
 * share: a request sent through the generated router (api_dispatch()) and
 * its captured answer.  Static, like test.h: each program has its own.
 */
#ifndef FIXTURE_HARNESS_H
#define FIXTURE_HARNESS_H

#include "api.h"
#include "rt_req.h"

#include <stdio.h>
#include <string.h>

/* The answer to the last send_req(); rt_req_capture_cleanup() it before exiting. */
static struct rt_req_capture cap;

/* Dispatch a detached request (@p headers: name, value, ..., NULL; @p body or NULL) and capture its answer.
 */
static void send_req(enum rt_method method, const char *target, const char *const *headers, const char *body)
{
    rt_req_capture_cleanup(&cap);
    api_dispatch(
        rt_req_new_detached(NULL, method, target, headers, body, body != NULL ? strlen(body) : 0, &cap));
}

/* Whether the captured body is @p expected (both printed as a TAP comment when not). */
static int body_is(const char *expected)
{
    if (cap.body != NULL && strcmp(cap.body, expected) == 0)
        return 1;
    printf("# expected %s\n#      got %s\n", expected, cap.body != NULL ? cap.body : "(none)");
    return 0;
}

#endif /* FIXTURE_HARNESS_H */

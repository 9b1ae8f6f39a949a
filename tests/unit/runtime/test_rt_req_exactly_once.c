/*
 * rt_req, exactly one answer per request, in release builds too
 * (req_harness.h): a second one is not sent, but logged with the request
 * id and counted in http_handler_errors_total{kind="second_answer"}.
 */
#include "req_harness.h"

#include <json-c/json.h>
#include <string.h>

/* --- exactly once --- */

#define SECOND_ANSWERS "http_handler_errors_total{kind=\"second_answer\"}"

static void test_second_answer_not_sent(void)
{
    const char *ok = "http_requests_total{operation=\"unmatched\",status=\"200\"}";
    double errors0 = metric(SECOND_ANSWERS), ok0 = metric(ok);
    struct order o = {{0}, 0};
    struct answer a;
    struct rt_req req;
    char log[1024];

    req_setup(&req, &a, "req-7f3a");
    rt_req_defer(&req, defer_a, &o);
    rt_req_reply(&req, 200, "text/plain", "first", 5);
    CHECK(a.sends == 1 && a.ended == 1 && strcmp(a.body, "first") == 0);
    test_stderr_begin();
    rt_req_reply(&req, 500, "text/plain", "second", 6);
    test_stderr_end(log, sizeof(log));
    /* Not sent, not ended again, cleanups not run again. */
    CHECK(a.sends == 1 && a.ended == 1 && a.status == 200 && strcmp(a.body, "first") == 0);
    CHECK(o.n == 1);
    /* Counted apart, and not as an answer. */
    CHECK(metric(SECOND_ANSWERS) == errors0 + 1);
    CHECK(metric(ok) == (ok0 < 0 ? 0 : ok0) + 1);
    /* Logged as an error, with the request's id. */
    CHECK(strstr(log, "ERROR") != NULL && strstr(log, "req-7f3a") != NULL && strstr(log, "500") != NULL);
    rt_req_cleanup(&req);
}

static void test_second_answer_every_kind(void)
{
    double errors0 = metric(SECOND_ANSWERS);
    struct answer a;
    struct rt_req req;
    char log[1024];

    req_setup(&req, &a, "req-kinds");
    rt_req_reply_detail(&req, 404, "Not Found");
    test_stderr_begin();
    rt_req_reply_detail(&req, 500, "again");
    rt_req_reply_json(&req, 200, json_object_new_string("again")); /* still takes (frees) the object */
    rt_req_reply(&req, 204, NULL, NULL, 0);
    test_stderr_end(log, sizeof(log));
    CHECK(a.sends == 1 && a.status == 404 && a.ended == 1);
    CHECK(metric(SECOND_ANSWERS) == errors0 + 3);
    rt_req_cleanup(&req);
}

static void test_answer_before_handed_over(void)
{
    double errors0 = metric(SECOND_ANSWERS);
    struct answer a;
    struct rt_req req;
    char log[1024];

    req_setup(&req, &a, "");
    req.active = false; /* as a connection's request while its head is still being read */
    test_stderr_begin();
    rt_req_reply(&req, 200, NULL, NULL, 0);
    test_stderr_end(log, sizeof(log));
    CHECK(a.sends == 0 && a.ended == 0);
    CHECK(metric(SECOND_ANSWERS) == errors0 + 1);
    CHECK(strstr(log, "request -:") != NULL); /* no id yet */
    rt_req_cleanup(&req);
}

static void test_header_after_end_dropped(void)
{
    struct answer a;
    struct rt_req req;

    req_setup(&req, &a, "req-header");
    rt_req_reply(&req, 204, NULL, NULL, 0);
    /* A second path adding a header before its (refused) answer: not kept for the next request. */
    rt_req_add_header(&req, "Location", "/elsewhere");
    CHECK(req.out_headers == NULL);
    rt_req_cleanup(&req);
}

static void test_id_kept_after_end(void)
{
    struct answer a;
    struct rt_req req;

    req_setup(&req, &a, "req-kept");
    rt_req_reply(&req, 204, NULL, NULL, 0);
    /* Kept for the log line of a late answer; the connection clears it when the next request starts. */
    CHECK(strcmp(rt_req_id(&req), "req-kept") == 0);
    rt_req_cleanup(&req);
}

static const struct test_case cases[] = {
    {"exactly_once.second_answer_not_sent", test_second_answer_not_sent},
    {"exactly_once.every_reply_function", test_second_answer_every_kind},
    {"exactly_once.answer_before_handed_over", test_answer_before_handed_over},
    {"exactly_once.header_after_end_dropped", test_header_after_end_dropped},
    {"exactly_once.id_kept_after_end", test_id_kept_after_end},
};

int main(int argc, char **argv)
{
    return req_test_main(cases, TEST_N(cases), argc, argv);
}

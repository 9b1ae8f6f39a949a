/*
 * rt_http in-process, exactly one answer per request (http_harness.h): a
 * second one, from the handler, from a later callback, on a zombie or a
 * closing connection, is not sent but logged and counted, and never taken
 * for the answer to the next request.
 */
#include "http_harness.h"

#include "rt_metrics.h"
#include "rt_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* --- cases: exactly one answer per request --- */

#define SECOND_ANSWERS "http_handler_errors_total{kind=\"second_answer\"}"
#define NO_ANSWERS "http_handler_errors_total{kind=\"no_answer\"}"

/* The value of sample @p series in the metrics text; 0 if absent. */
static double metric(const char *series)
{
    size_t len = 0, n = strlen(series);
    char *text = rt_metrics_render(&len);
    const char *p = text;
    double v = 0;

    while (p != NULL && *p != '\0') {
        if (strncmp(p, series, n) == 0 && p[n] == ' ') {
            v = strtod(p + n + 1, NULL);
            break;
        }
        p = strchr(p, '\n');
        if (p != NULL)
            p++;
    }
    free(text);
    return v;
}

/* How many times header @p name is in the response (the handler adds X-Test once per answer). */
static int header_count(const struct response *r, const char *name)
{
    char needle[64];
    const char *p = r->head;
    int n = 0;

    snprintf(needle, sizeof(needle), "\r\n%s:", name);
    while ((p = strstr(p, needle)) != NULL) {
        n++;
        p += strlen(needle);
    }
    return n;
}

static void test_twice_in_handler(void)
{
    double errors0 = metric(SECOND_ANSWERS);
    struct server s;
    struct client c;
    struct response r;
    char id[64] = "", log[4096];

    CHECK(server_start(&s, &defaults));
    s.app.twice = true;
    CHECK(client_open(&c, &s));
    test_stderr_begin();
    CHECK(client_send(&c, "GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_responses(&c, 2));
    run_for(s.base, 30);
    test_stderr_end(log, sizeof(log));
    /* One answer each, in order; the second of each was dropped. */
    CHECK(take(&c, &r, false) && strcmp(r.body, "GET /a body=") == 0 && header_count(&r, "X-Test") == 1);
    CHECK(header_in(r.head, "X-Request-ID", id, sizeof(id)) != NULL);
    CHECK(take(&c, &r, false) && strcmp(r.body, "GET /b body=") == 0 && header_count(&r, "X-Test") == 1);
    CHECK(c.len == 0 && !c.eof);
    CHECK(metric(SECOND_ANSWERS) == errors0 + 2);
    CHECK(id[0] != '\0' && strstr(log, id) != NULL); /* logged with the id of the request answered twice */
    /* The connection goes on. */
    s.app.twice = false;
    CHECK(client_send(&c, "GET /c HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(receive(&c, &r) && strcmp(r.body, "GET /c body=") == 0);
    client_close(&c);
    server_stop(&s);
}

static void test_twice_from_callback_pipelined(void)
{
    double errors0 = metric(SECOND_ANSWERS);
    struct server s;
    struct client c;
    struct response r;
    char log[4096];

    CHECK(server_start(&s, &defaults));
    s.app.hold = true;
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_calls(&s, 1));
    /*
     * Answered twice from outside the handler (a timer's callback, say): the
     * next request, already in the buffer, must not be taken for the second
     * answer; it is read from the loop, after the callback.
     */
    test_stderr_begin();
    answer(s.app.held[0]);
    CHECK(s.app.calls == 1);
    answer(s.app.held[0]);
    test_stderr_end(log, sizeof(log));
    CHECK(metric(SECOND_ANSWERS) == errors0 + 1);
    CHECK(wait_calls(&s, 2) && strcmp(s.app.path, "/b") == 0);
    answer(s.app.held[1]);
    CHECK(wait_responses(&c, 2));
    CHECK(take(&c, &r, false) && strcmp(r.body, "GET /a body=") == 0 && header_count(&r, "X-Test") == 1);
    CHECK(take(&c, &r, false) && strcmp(r.body, "GET /b body=") == 0 && header_count(&r, "X-Test") == 1);
    client_close(&c);
    server_stop(&s);
}

static void test_late_answer_on_idle_connection(void)
{
    double errors0 = metric(SECOND_ANSWERS);
    struct server s;
    struct client c;
    struct response r;
    char id[64] = "", log[4096];

    CHECK(server_start(&s, &defaults));
    s.app.hold = true;
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET /a HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_calls(&s, 1));
    answer(s.app.held[0]);
    CHECK(receive(&c, &r));
    CHECK(header_in(r.head, "X-Request-ID", id, sizeof(id)) != NULL);
    run_for(s.base, 10);
    test_stderr_begin();
    answer(s.app.held[0]); /* long after, on the idle connection */
    test_stderr_end(log, sizeof(log));
    CHECK(metric(SECOND_ANSWERS) == errors0 + 1);
    CHECK(strstr(log, id) != NULL);
    run_for(s.base, 30);
    client_pump(&c);
    CHECK(c.len == 0 && !c.eof); /* nothing sent */
    /* The next request gets its own answer, without the late answer's header. */
    s.app.hold = false;
    CHECK(client_send(&c, "GET /b HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(receive(&c, &r) && strcmp(r.body, "GET /b body=") == 0 && header_count(&r, "X-Test") == 1);
    CHECK(header_in(r.head, "X-Request-ID", id, sizeof(id)) != NULL &&
          strstr(log, id) == NULL); /* a new id */
    client_close(&c);
    server_stop(&s);
}

static void test_twice_after_client_reset(void)
{
    double errors0 = metric(SECOND_ANSWERS);
    struct server s;
    struct client c;
    char log[4096];

    CHECK(server_start(&s, &defaults));
    s.app.hold = true;
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET /gone HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_calls(&s, 1));
    client_reset(&c);
    CHECK(run_until(s.base, held_peer_gone, &s, WAIT_MS));
    /* The connection is a zombie; it is freed from the loop, so the second answer finds its request. */
    test_stderr_begin();
    answer(s.app.held[0]);
    answer(s.app.held[0]);
    test_stderr_end(log, sizeof(log));
    CHECK(metric(SECOND_ANSWERS) == errors0 + 1);
    CHECK(wait_connections(&s, 0));
    server_stop(&s);
}

static void test_twice_with_connection_close(void)
{
    double errors0 = metric(SECOND_ANSWERS);
    struct server s;
    struct client c;
    struct response r;
    char log[4096];

    CHECK(server_start(&s, &defaults));
    s.app.hold = true;
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET /bye HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n"));
    CHECK(wait_calls(&s, 1));
    test_stderr_begin();
    answer(s.app.held[0]);
    answer(s.app.held[0]);
    test_stderr_end(log, sizeof(log));
    CHECK(metric(SECOND_ANSWERS) == errors0 + 1);
    CHECK(receive(&c, &r) && header_count(&r, "X-Test") == 1);
    CHECK(wait_eof(&c));
    CHECK(c.len == 0);
    client_close(&c);
    CHECK(wait_connections(&s, 0));
    server_stop(&s);
}

/*
 * A handler that does not answer within handler_timeout_ms: the client gets
 * a 503 and the close in its place, logged with the request's id and
 * counted; the request stays the handler's, whose answer, when it comes at
 * last, is not sent and frees the connection; a second one is still refused.
 */
static void test_no_answer_in_time(void)
{
    double no_answer0 = metric(NO_ANSWERS), second0 = metric(SECOND_ANSWERS);
    struct rt_http_settings st = defaults;
    struct server s;
    struct client c;
    struct response r;
    char id[64] = "", log[4096];
    double sent;

    st.handler_timeout_ms = 100;
    CHECK(server_start(&s, &st));
    s.app.hold = true;
    CHECK(client_open(&c, &s));
    test_stderr_begin();
    CHECK(client_send(&c, "GET /stuck HTTP/1.1\r\nHost: t\r\n\r\nGET /next HTTP/1.1\r\nHost: t\r\n\r\n"));
    sent = rt_time_mono_seconds();
    CHECK(wait_calls(&s, 1));
    CHECK(receive(&c, &r));
    test_stderr_end(log, sizeof(log));
    CHECK(r.status == 503 && strstr(r.body, "not answered in time") != NULL);
    CHECK(rt_time_mono_seconds() - sent >= 0.09);
    CHECK(header_count(&r, "X-Test") == 0); /* none of the handler's headers */
    CHECK(header_in(r.head, "X-Request-ID", id, sizeof(id)) != NULL && strstr(log, id) != NULL &&
          strstr(log, "HANDLER_TIMEOUT") != NULL);
    CHECK(metric(NO_ANSWERS) == no_answer0 + 1);
    CHECK(wait_eof(&c) && c.len == 0); /* closed: the pipelined request is not served */
    CHECK(s.app.calls == 1 && rt_http_connection_count(s.http) == 1); /* waiting for its handler */
    rt_log_set_level(RT_LOG_WARNING); /* the late answer's line is a warning: the error was logged */
    test_stderr_begin();
    answer(s.app.held[0]); /* at last: ends the request, sends nothing */
    answer(s.app.held[0]);
    test_stderr_end(log, sizeof(log));
    rt_log_set_level(RT_LOG_ERROR);
    CHECK(strstr(log, "answered 200 after its 503") != NULL);
    CHECK(metric(SECOND_ANSWERS) == second0 + 1);
    CHECK(wait_connections(&s, 0));
    client_close(&c);
    server_stop(&s);
}

static const struct test_case cases[] = {
    {"exactly_once.twice_in_handler", test_twice_in_handler},
    {"exactly_once.twice_from_callback_pipelined", test_twice_from_callback_pipelined},
    {"exactly_once.late_answer_on_idle_connection", test_late_answer_on_idle_connection},
    {"exactly_once.twice_after_client_reset", test_twice_after_client_reset},
    {"exactly_once.twice_with_connection_close", test_twice_with_connection_close},
    {"exactly_once.no_answer_in_time", test_no_answer_in_time},
};

int main(int argc, char **argv)
{
    return http_test_main(cases, TEST_N(cases), argc, argv);
}

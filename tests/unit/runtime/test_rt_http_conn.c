/*
 * rt_http in-process, connections (http_harness.h): a client gone while
 * its request is handled (half-closed or reset: the request stays valid
 * until answered); max_connections (accepting pauses, then resumes); the
 * graceful drain (the listener closed, requests in progress and one more
 * on an idle connection answered with the close); rt_http_free with
 * connections open; a half-close after pipelined requests (every request
 * sent before the FIN answered, then the close).
 */
#include "http_harness.h"

#include <string.h>
#include <sys/socket.h>

static void on_drained(void *arg)
{
    ((struct server *)arg)->drained++;
}

/* --- cases: connections --- */

static void test_client_gone_while_handling(void)
{
    struct server s;
    struct client c, d;

    CHECK(server_start(&s, &defaults));
    s.app.hold = true;
    /* A client that half-closes, and one that resets: both requests stay valid until answered. */
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET /gone HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_calls(&s, 1));
    client_close(&c);
    CHECK(run_until(s.base, held_peer_gone, &s, WAIT_MS));
    CHECK(rt_http_connection_count(s.http) == 1);
    answer(s.app.held[0]);
    CHECK(wait_connections(&s, 0));
    CHECK(client_open(&d, &s));
    CHECK(client_send(&d, "GET /reset HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_calls(&s, 2));
    client_reset(&d);
    CHECK(run_until(s.base, held_peer_gone, &s, WAIT_MS));
    CHECK(strcmp(rt_req_path(s.app.held[1]), "/reset") == 0); /* still readable */
    answer(s.app.held[1]);
    CHECK(wait_connections(&s, 0));
    server_stop(&s);
}

static void test_max_connections(void)
{
    struct rt_http_settings st = defaults;
    struct server s;
    struct client a, b;
    struct response r;

    st.max_connections = 1;
    CHECK(server_start(&s, &st));
    CHECK(client_open(&a, &s));
    CHECK(wait_connections(&s, 1));
    CHECK(client_open(&b, &s)); /* completed by the kernel, waits in the backlog */
    CHECK(client_send(&b, "GET /b HTTP/1.1\r\nHost: t\r\n\r\n"));
    run_for(s.base, 50);
    CHECK(rt_http_connection_count(s.http) == 1 && s.app.calls == 0);
    client_close(&a); /* accepting resumes */
    CHECK(receive(&b, &r));
    CHECK(strcmp(r.body, "GET /b body=") == 0);
    client_close(&b);
    server_stop(&s);
}

static void test_drain(void)
{
    struct server s;
    struct client busy, idle;
    struct response r;

    CHECK(server_start(&s, &defaults));
    s.app.hold = true;
    CHECK(client_open(&busy, &s));
    CHECK(client_open(&idle, &s));
    CHECK(client_send(&busy, "GET /busy HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_calls(&s, 1));
    CHECK(wait_connections(&s, 2));
    rt_http_drain(s.http, on_drained, &s);
    CHECK(s.drained == 0);
    CHECK(connect_to(s.port) < 0); /* the listener is closed */
    /* The request in progress is answered, with the close. */
    answer(s.app.held[0]);
    CHECK(receive(&busy, &r));
    CHECK(header(&r, "Connection") && strcmp(header(&r, "Connection"), "close") == 0);
    CHECK(wait_eof(&busy));
    client_close(&busy);
    run_for(s.base, 30);
    /* The idle keep-alive connection is left open; one more request on it is served, with the close. */
    CHECK(rt_http_connection_count(s.http) == 1 && s.drained == 0);
    s.app.hold = false;
    CHECK(client_send(&idle, "GET /last HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(receive(&idle, &r));
    CHECK(r.status == 200 && header(&r, "Connection") && strcmp(header(&r, "Connection"), "close") == 0);
    CHECK(wait_eof(&idle));
    CHECK(s.drained == 0);
    client_close(&idle);
    CHECK(wait_connections(&s, 0));
    CHECK(s.drained == 1);
    rt_http_drain(s.http, on_drained, &s); /* nothing open: called at once */
    CHECK(s.drained == 2);
    server_stop(&s);
}

static void test_free_with_open_connections(void)
{
    struct server s;
    struct client c, d;

    CHECK(server_start(&s, &defaults));
    s.app.hold = true;
    CHECK(client_open(&c, &s));
    CHECK(client_open(&d, &s));
    CHECK(client_send(&c, "GET /abandoned HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(wait_calls(&s, 1));
    CHECK(wait_connections(&s, 2));
    server_stop(&s); /* the held request is abandoned with its connection; nothing leaks */
    CHECK(wait_eof_without_loop(&c));
    client_close(&c);
    client_close(&d);
}

#define THREE_GETS                                                                                           \
    "GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /b HTTP/1.1\r\nHost: t\r\n\r\nGET /c HTTP/1.1\r\nHost: t\r\n\r\n"

/*
 * The three answers to THREE_GETS, in order, then the close; the last says
 * "Connection: close" when the FIN was surely seen before it was written
 * (@p fin_first), and no other one does.
 */
static void expect_three_then_close(struct client *c, bool fin_first)
{
    static const char *const bodies[] = {"GET /a body=", "GET /b body=", "GET /c body="};
    struct response r;
    int i;

    CHECK(wait_responses(c, 3));
    for (i = 0; i < 3; i++) {
        const char *conn;
        bool closing;

        CHECK(take(c, &r, false) && strcmp(r.body, bodies[i]) == 0);
        conn = header(&r, "Connection");
        closing = conn != NULL && strcmp(conn, "close") == 0;
        CHECK(i < 2 ? !closing : closing || !fin_first);
    }
    CHECK(wait_eof(c));
}

/* RFC 9112 9.6: a client may half-close once it has sent its requests; each still gets its answer. */
static void test_half_close_after_pipelined(void)
{
    struct server s;
    struct client c;
    int i, before;

    CHECK(server_start(&s, &defaults));
    /* Answered at once: all three may be read before the FIN is seen, or not. */
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, THREE_GETS) && shutdown(c.fd, SHUT_WR) == 0);
    expect_three_then_close(&c, false);
    client_close(&c);
    /* Answered later (an async handler): the FIN arrives while the first is being handled. */
    s.app.hold = true;
    before = s.app.calls;
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, THREE_GETS) && shutdown(c.fd, SHUT_WR) == 0);
    for (i = 0; i < 3; i++) {
        if (!wait_calls(&s, before + i + 1) || s.app.n_held != i + 1) {
            CHECK(!"request reached the application");
            break;
        }
        if (i == 0)
            CHECK(run_until(s.base, held_peer_gone, &s, WAIT_MS));
        answer(s.app.held[i]);
    }
    expect_three_then_close(&c, true);
    client_close(&c);
    CHECK(wait_connections(&s, 0));
    server_stop(&s);
}

/* What follows the last whole request can never complete after the FIN: the connection closes. */
static void test_half_close_mid_request(void)
{
    struct server s;
    struct client c;
    struct response r;

    CHECK(server_start(&s, &defaults));
    s.app.hold = true;
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET /a HTTP/1.1\r\nHost: t\r\n\r\nPOST /b HTTP/1.1\r\nHost: t\r\n"
                          "Content-Length: 10\r\n\r\nhalf") &&
          shutdown(c.fd, SHUT_WR) == 0);
    CHECK(wait_calls(&s, 1));
    CHECK(run_until(s.base, held_peer_gone, &s, WAIT_MS));
    answer(s.app.held[0]);
    CHECK(receive(&c, &r) && strcmp(r.body, "GET /a body=") == 0);
    CHECK(wait_eof(&c));
    CHECK(s.app.calls == 1 && c.len == 0);
    client_close(&c);
    CHECK(wait_connections(&s, 0));
    server_stop(&s);
}

static const struct test_case cases[] = {
    {"conn.client_gone_while_handling", test_client_gone_while_handling},
    {"conn.max_connections", test_max_connections},
    {"conn.drain", test_drain},
    {"conn.free_with_open_connections", test_free_with_open_connections},
    {"conn.half_close_after_pipelined", test_half_close_after_pipelined},
    {"conn.half_close_mid_request", test_half_close_mid_request},
};

int main(int argc, char **argv)
{
    return http_test_main(cases, TEST_N(cases), argc, argv);
}

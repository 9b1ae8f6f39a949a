/*
 * rt_http in-process, pipelined requests (http_harness.h): the answers to
 * requests that arrive in one read go out in one write (writev, counted by
 * interposing it); an answer is not held back behind a pipelined request
 * that is handled later (an async handler): what is ready goes out when the
 * server stops to wait; answers keep their order.
 *
 * writev() is defined here: the executable's definition is the one libevent
 * calls (evbuffer_write), and it counts the calls before doing the real one.
 */
#include "http_harness.h"

#include <string.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

static int writev_calls;

ssize_t writev(int fd, const struct iovec *iov, int iovcnt)
{
    writev_calls++;
    return syscall(SYS_writev, fd, iov, iovcnt);
}

#define DEPTH 16

/* --- cases --- */

/* DEPTH requests in one send(), answered at once: DEPTH answers, in order, in one writev(). */
static void test_one_read_one_write(void)
{
    char batch[DEPTH * 64] = "";
    struct server s;
    struct client c;
    struct response r;
    int i, before;

    for (i = 0; i < DEPTH; i++) {
        char one[64];

        snprintf(one, sizeof(one), "GET /p%d HTTP/1.1\r\nHost: t\r\n\r\n", i);
        strcat(batch, one);
    }
    CHECK(server_start(&s, &defaults));
    CHECK(client_open(&c, &s));
    before = writev_calls;
    CHECK(client_send(&c, batch));
    CHECK(wait_responses(&c, DEPTH));
    for (i = 0; i < DEPTH; i++) {
        char want[64];

        snprintf(want, sizeof(want), "GET /p%d body=", i);
        CHECK(take(&c, &r, false) && r.status == 200 && strcmp(r.body, want) == 0);
    }
    printf("# %d answers in %d writev()\n", DEPTH, writev_calls - before);
    CHECK(writev_calls - before == 1);
    client_close(&c);
    server_stop(&s);
}

static struct rt_req *held;

/* Hold /hold (an async handler that answers later), answer the rest at once. */
static void hold_or_answer(struct rt_req *req)
{
    if (strcmp(rt_req_path(req), "/hold") == 0)
        held = req;
    else
        answer(req);
}

/*
 * GET /a, GET /hold, GET /b in one send(): /a's answer goes out while /hold
 * is being handled (not held back until the batch is done); /b is read only
 * after /hold is answered, and the answers arrive in order.
 */
static void test_ready_answer_not_held_back(void)
{
    struct server s;
    struct client c;
    struct response r;

    CHECK(server_start(&s, &defaults));
    s.app.respond = hold_or_answer;
    held = NULL;
    CHECK(client_open(&c, &s));
    CHECK(client_send(&c, "GET /a HTTP/1.1\r\nHost: t\r\n\r\nGET /hold HTTP/1.1\r\nHost: t\r\n\r\n"
                          "GET /b HTTP/1.1\r\nHost: t\r\n\r\n"));
    CHECK(receive(&c, &r) && strcmp(r.body, "GET /a body=") == 0);
    CHECK(held != NULL && s.app.calls == 2);
    if (held != NULL)
        answer(held);
    CHECK(receive(&c, &r) && strcmp(r.body, "GET /hold body=") == 0);
    CHECK(receive(&c, &r) && strcmp(r.body, "GET /b body=") == 0);
    CHECK(s.app.calls == 3);
    client_close(&c);
    server_stop(&s);
}

static const struct test_case cases[] = {
    {"pipelined.one_read_one_write", test_one_read_one_write},
    {"pipelined.ready_answer_not_held_back", test_ready_answer_not_held_back},
};

int main(int argc, char **argv)
{
    return http_test_main(cases, TEST_N(cases), argc, argv);
}

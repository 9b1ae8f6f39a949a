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

#define MANY 300

/* Request @p i with a header padded by a length that varies, so heads end at every offset of a chain. */
static void padded_request(char *out, size_t size, int i)
{
    char pad[64];

    memset(pad, 'x', (size_t)(i % 61));
    pad[i % 61] = '\0';
    snprintf(out, size, "GET /p%d HTTP/1.1\r\nHost: t\r\nX-Pad: %s\r\n\r\n", i, pad);
}

/*
 * MANY pipelined heads over two reads, the second larger than what the
 * input's first chain has room for: heads then lie across chains of the
 * input buffer (the evbuffer search) as well as within one (the one-pass
 * scan), and each is found whole, once: MANY answers, in order.
 */
static void test_heads_across_chains(void)
{
    static char batch[MANY * 128];
    size_t cut = 0;
    struct server s;
    struct client c;
    struct response r;
    int i, bad = 0;

    batch[0] = '\0';
    for (i = 0; i < MANY; i++) {
        char one[128];

        padded_request(one, sizeof(one), i);
        strcat(batch, one);
        if (i == 9)
            cut = strlen(batch) + 20; /* inside the 11th head */
    }
    CHECK(server_start(&s, &defaults));
    CHECK(client_open(&c, &s));
    CHECK(send(c.fd, batch, cut, MSG_NOSIGNAL) == (ssize_t)cut);
    CHECK(wait_responses(&c, 10));
    CHECK(client_send(&c, batch + cut));
    for (i = 0; i < MANY; i++) {
        char want[64];

        snprintf(want, sizeof(want), "GET /p%d body=", i);
        if (!(receive(&c, &r) && r.status == 200 && strcmp(r.body, want) == 0) && bad++ == 0)
            printf("# answer %d: status %d, body %s\n", i, r.status, r.body);
    }
    CHECK(bad == 0);
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
    {"pipelined.heads_across_chains", test_heads_across_chains},
};

int main(int argc, char **argv)
{
    return http_test_main(cases, TEST_N(cases), argc, argv);
}

/*
 * libFuzzer target: the framing of a whole connection by the real rt_http
 * server (head parser, chunked decoder and the connection's read loop).
 *
 * The first four bytes of the input seed how the rest is cut into writes;
 * the rest is what a client sends on one connection, followed by its
 * half-close.  The stream is sent twice over loopback: at once, and in the
 * seeded cutting with the server's loop run between the writes, so that
 * the server reads the pieces separately.  The invariant: a message's end
 * never depends on how the bytes were split across reads, i.e. the
 * requests the application sees (method, target, body) and the error the
 * server answered with, if any, are the same both times.  Besides: the
 * server never crashes, leaks or reads out of bounds (ASan), and always
 * ends the connection.
 */
#include "fuzz_common.h"
#include "rt_http.h"
#include "rt_req_internal.h"

#include <arpa/inet.h>
#include <errno.h>
#include <event2/event.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_LOG 16384

/* Text appended to, compared as a whole. */
struct text {
    char data[MAX_LOG];
    size_t len;
};

/* What the application saw, and the status lines the client got back. */
struct outcome {
    struct text requests, answers;
};

static struct event_base *base;
static struct rt_http *http;
static int port;
static struct outcome *current;

static const struct rt_http_settings settings = {
    .max_body_size = 4096,
    .max_header_size = 2048,
    .max_header_count = 32,
    .header_timeout_ms = 2000,
    .body_timeout_ms = 2000,
    .keepalive_timeout_ms = 2000,
    .write_timeout_ms = 2000,
    .max_connections = 8,
    .server_name = "fuzz",
};

static void append(struct text *t, const char *data, size_t len)
{
    if (len > sizeof(t->data) - t->len)
        len = sizeof(t->data) - t->len;
    memcpy(t->data + t->len, data, len);
    t->len += len;
}

static bool same_text(const struct text *a, const struct text *b)
{
    return a->len == b->len && memcmp(a->data, b->data, a->len) == 0;
}

static void record(struct rt_req *req, void *arg)
{
    size_t len = 0;
    const char *body = rt_req_body(req, &len);
    char head[64];

    (void)arg;
    append(&current->requests, req->method_name, strlen(req->method_name));
    append(&current->requests, " ", 1);
    append(&current->requests, req->path, strlen(req->path));
    if (req->query != NULL) {
        append(&current->requests, "?", 1);
        append(&current->requests, req->query, strlen(req->query));
    }
    snprintf(head, sizeof(head), " body[%zu]=", len);
    append(&current->requests, head, strlen(head));
    append(&current->requests, body != NULL ? body : "", len);
    append(&current->requests, "\n", 1);
    rt_req_reply(req, 200, "text/plain", "ok", 2);
}

static void start_server(void)
{
    struct sockaddr_in sin = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t len = sizeof(sin);
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

    base = event_base_new();
    FUZZ_CHECK(base != NULL && fd >= 0, "cannot set up the server");
    FUZZ_CHECK(bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0 && listen(fd, 16) == 0 &&
                   getsockname(fd, (struct sockaddr *)&sin, &len) == 0,
               "cannot listen on loopback: %s", strerror(errno));
    port = ntohs(sin.sin_port);
    http = rt_http_new(base, &settings, record, NULL);
    FUZZ_CHECK(rt_http_accept_on(http, fd) == 0, "rt_http_accept_on failed");
}

/* Let the server read what has arrived (loopback delivers at once). */
static void let_server_run(void)
{
    int i;

    for (i = 0; i < 4; i++)
        event_base_loop(base, EVLOOP_NONBLOCK);
}

/* Read what the server answered into @p o; true once it has closed the connection. */
static bool drain_answers(int fd, struct outcome *o)
{
    char buf[4096];
    ssize_t n;

    while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
        char *p = buf, *end = buf + n;

        /*
         * Only the final status lines: the answers' Date and request ids
         * differ from run to run, and "100 Continue" is rightly sent only
         * when the body has not arrived with the head.
         */
        while ((p = memmem(p, (size_t)(end - p), "HTTP/1.1 ", 9)) != NULL && end - p >= 12) {
            if (p[9] != '1') {
                append(&o->answers, p, 12);
                append(&o->answers, "\n", 1);
            }
            p += 12;
        }
    }
    return n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK);
}

/*
 * A blocking connect that libFuzzer's timer signal may interrupt: the
 * handshake goes on in the kernel, so wait for it rather than fail.
 */
static int connect_to(int fd, const struct sockaddr_in *sin)
{
    int tries;

    if (connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) == 0)
        return 0;
    for (tries = 0; tries < 100 && (errno == EINTR || errno == EALREADY); tries++) {
        struct pollfd pfd = {.fd = fd, .events = POLLOUT};

        poll(&pfd, 1, 10);
        if (connect(fd, (const struct sockaddr *)sin, sizeof(*sin)) == 0 || errno == EISCONN)
            return 0;
    }
    return -1;
}

static void send_stream(const uint8_t *data, size_t size, uint32_t seed, struct outcome *o)
{
    struct sockaddr_in sin = {
        .sin_family = AF_INET, .sin_port = htons((uint16_t)port), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    struct sockaddr_in src = {.sin_family = AF_INET};
    static uint32_t next_src;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    size_t from = 0;
    int rounds;

    o->requests.len = o->answers.len = 0;
    current = o;
    /*
     * Each input opens two connections, thousands a second, and the server
     * closes first: its TIME_WAITs would use up the client ports of one
     * source address within seconds.  Loopback is a /8: spread the sources.
     */
    src.sin_addr.s_addr = htonl(0x7f010000u | (1 + next_src++ % 65000));
    FUZZ_CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&src, sizeof(src)) == 0 && connect_to(fd, &sin) == 0,
               "cannot connect: %s", strerror(errno));
    let_server_run(); /* accepted */
    while (from < size) {
        size_t n = fuzz_next_cut(&seed, size - from, 63);

        if (send(fd, data + from, n, MSG_NOSIGNAL) != (ssize_t)n)
            break; /* the server closed after an error: the rest is not read anyway */
        from += n;
        let_server_run();
        drain_answers(fd, o);
    }
    shutdown(fd, SHUT_WR);
    for (rounds = 0; rounds < 2000; rounds++) {
        event_base_loop(base, EVLOOP_NONBLOCK);
        if (drain_answers(fd, o))
            break;
        if (rounds > 10)
            usleep(100);
    }
    FUZZ_CHECK(rounds < 2000, "the server did not end the connection");
    close(fd);
    let_server_run();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct outcome whole, cut;
    uint32_t seed;

    if (http == NULL)
        start_server();
    if (size < 4)
        return 0;
    memcpy(&seed, data, 4);
    send_stream(data + 4, size - 4, 0, &whole);
    send_stream(data + 4, size - 4, seed | 1, &cut);
    FUZZ_CHECK(same_text(&whole.requests, &cut.requests) && same_text(&whole.answers, &cut.answers),
               "the framing depends on how the bytes were cut:\n--- at once:\n%.*s%.*s--- cut:\n%.*s%.*s",
               (int)whole.requests.len, whole.requests.data, (int)whole.answers.len, whole.answers.data,
               (int)cut.requests.len, cut.requests.data, (int)cut.answers.len, cut.answers.data);
    return 0;
}

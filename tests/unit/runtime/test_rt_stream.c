/*
 * rt_stream on a plain socket: one end of a socketpair is the stream's,
 * the test reads and writes the other ("the peer") itself.  Reading, the
 * pause at read_max and the resume once the owner consumes input, reading
 * switched off and on, data before EOF, a flush that finishes at once and
 * one that waits for the peer (the written callback then), the write
 * timeout, a write error reported from the loop, shutting down the sending
 * side while reading goes on, and freeing the stream from its callbacks.
 * (TLS streams are exercised end to end by tests/integration/test_tls.py.)
 */
#include "test.h"
#include "test_loop.h"

#include "rt_stream.h"

#include <event2/buffer.h>
#include <event2/event.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* What the stream's callbacks saw. */
struct seen {
    struct rt_stream *stream;
    int reads;
    int written;
    int events;
    enum rt_stream_event last_event;
    size_t input_at_event; /* input bytes when the last event came */
    size_t input_max;      /* the most input held at a read callback */
    int order[8];          /* 'r', 'w' or 'e', in the order the callbacks ran */
    int n_order;
    bool free_on_event; /* free the stream from the event callback */
};

static void note(struct seen *s, int what)
{
    if (s->n_order < (int)(sizeof(s->order) / sizeof(s->order[0])))
        s->order[s->n_order++] = what;
}

static void on_read(struct rt_stream *stream, void *arg)
{
    struct seen *s = arg;
    size_t have = evbuffer_get_length(rt_stream_input(stream));

    s->reads++;
    if (have > s->input_max)
        s->input_max = have;
    note(s, 'r');
}

static void on_written(struct rt_stream *stream, void *arg)
{
    struct seen *s = arg;

    (void)stream;
    s->written++;
    note(s, 'w');
}

static void on_event(struct rt_stream *stream, enum rt_stream_event what, void *arg)
{
    struct seen *s = arg;

    s->events++;
    s->last_event = what;
    s->input_at_event = evbuffer_get_length(rt_stream_input(stream));
    note(s, 'e');
    if (s->free_on_event) {
        rt_stream_free(stream);
        s->stream = NULL;
    }
}

/* One stream on a socketpair, and the peer's end. */
struct pair {
    struct event_base *base;
    struct seen seen;
    int peer;
    int fd; /* the stream's socket */
};

static bool pair_open(struct pair *p, size_t read_max, int write_timeout_ms)
{
    int sv[2];
    struct rt_stream_callbacks cbs = {on_read, on_written, on_event, &p->seen};

    memset(p, 0, sizeof(*p));
    p->peer = -1;
    p->base = event_base_new();
    if (p->base == NULL || socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv) != 0)
        return false;
    p->fd = sv[0];
    p->peer = sv[1];
    p->seen.stream = rt_stream_new(p->base, p->fd, NULL, read_max, write_timeout_ms, &cbs);
    return p->seen.stream != NULL;
}

static void pair_close(struct pair *p)
{
    rt_stream_free(p->seen.stream);
    if (p->peer >= 0)
        close(p->peer);
    if (p->base != NULL)
        event_base_free(p->base);
}

static bool peer_send(struct pair *p, const void *data, size_t len)
{
    return send(p->peer, data, len, MSG_NOSIGNAL) == (ssize_t)len;
}

/* What the peer can read now, up to @p size bytes, into @p buf; @return the count (0 at EOF too). */
static size_t peer_recv(struct pair *p, void *buf, size_t size)
{
    ssize_t n = recv(p->peer, buf, size, MSG_DONTWAIT);

    return n > 0 ? (size_t)n : 0;
}

static bool got_read(void *arg)
{
    return ((struct pair *)arg)->seen.reads > 0;
}

static bool got_event(void *arg)
{
    return ((struct pair *)arg)->seen.events > 0;
}

static bool got_written(void *arg)
{
    return ((struct pair *)arg)->seen.written > 0;
}

/* Whether the input holds exactly the text @p want. */
static bool input_is(struct pair *p, const char *want)
{
    struct evbuffer *in = rt_stream_input(p->seen.stream);
    size_t n = strlen(want);

    return evbuffer_get_length(in) == n && memcmp(evbuffer_pullup(in, -1), want, n) == 0;
}

/* --- cases --- */

static void test_plain_basics(void)
{
    struct pair p;
    char reason[64] = "x";

    CHECK(pair_open(&p, 0, 0));
    CHECK(!rt_stream_is_tls(p.seen.stream));
    CHECK(rt_stream_is_up(p.seen.stream));
    rt_stream_error_reason(p.seen.stream, reason, sizeof(reason));
    CHECK(reason[0] == '\0');
    CHECK(rt_stream_input(p.seen.stream) != rt_stream_output(p.seen.stream));
    pair_close(&p);
    rt_stream_free(NULL);
}

static void test_read(void)
{
    struct pair p;

    CHECK(pair_open(&p, 0, 0));
    CHECK(peer_send(&p, "hello", 5));
    CHECK(p.seen.reads == 0); /* only from the loop */
    CHECK(run_until(p.base, got_read, &p, 2000));
    CHECK(input_is(&p, "hello"));
    p.seen.reads = 0;
    CHECK(peer_send(&p, " world", 6));
    CHECK(run_until(p.base, got_read, &p, 2000));
    run_for(p.base, 20);
    CHECK(input_is(&p, "hello world")); /* appended; the owner consumes */
    CHECK(p.seen.events == 0);
    pair_close(&p);
}

static bool input_at_least_1000(void *arg)
{
    struct pair *p = arg;

    return evbuffer_get_length(rt_stream_input(p->seen.stream)) >= 1000;
}

static void test_read_pause_resume(void)
{
    char data[4096], got[4096] = {0};
    size_t have = 0, i;
    int rounds = 0;
    struct pair p;

    for (i = 0; i < sizeof(data); i++)
        data[i] = (char)('a' + i % 23);
    CHECK(pair_open(&p, 1000, 0));
    CHECK(peer_send(&p, data, sizeof(data)));
    CHECK(run_until(p.base, input_at_least_1000, &p, 2000));
    run_for(p.base, 30);
    /* Paused at read_max: the rest waits in the socket. */
    CHECK(evbuffer_get_length(rt_stream_input(p.seen.stream)) == 1000);
    CHECK(p.seen.input_max == 1000);
    /* Consuming resumes reading, a bounded number of times until all is in. */
    while (have < sizeof(data) && rounds++ < 50) {
        struct evbuffer *in = rt_stream_input(p.seen.stream);
        size_t n = evbuffer_get_length(in);

        if (n > 300)
            n = 300; /* consume a part: reading resumes below read_max */
        evbuffer_remove(in, got + have, n);
        have += n;
        run_for(p.base, 5);
    }
    CHECK(have == sizeof(data));
    CHECK(memcmp(got, data, sizeof(data)) == 0);
    CHECK(p.seen.input_max <= 1000);
    CHECK(p.seen.events == 0);
    pair_close(&p);
}

static void test_reading_off_and_on(void)
{
    struct pair p;

    CHECK(pair_open(&p, 0, 0));
    rt_stream_set_reading(p.seen.stream, false);
    CHECK(peer_send(&p, "later", 5));
    run_for(p.base, 30);
    CHECK(p.seen.reads == 0);
    CHECK(evbuffer_get_length(rt_stream_input(p.seen.stream)) == 0);
    rt_stream_set_reading(p.seen.stream, true);
    CHECK(run_until(p.base, got_read, &p, 2000));
    CHECK(input_is(&p, "later"));
    pair_close(&p);
}

static void test_eof_after_data(void)
{
    struct pair p;

    CHECK(pair_open(&p, 0, 0));
    CHECK(peer_send(&p, "tail", 4));
    CHECK(shutdown(p.peer, SHUT_WR) == 0);
    CHECK(run_until(p.base, got_event, &p, 2000));
    CHECK(p.seen.last_event == RT_STREAM_EOF);
    CHECK(p.seen.input_at_event == 4); /* the data came first */
    CHECK(p.seen.n_order >= 2 && p.seen.order[0] == 'r' && p.seen.order[p.seen.n_order - 1] == 'e');
    CHECK(input_is(&p, "tail"));
    run_for(p.base, 20);
    CHECK(p.seen.events == 1); /* reported once: reading stopped */
    /* After EOF an answer may still go out. */
    evbuffer_add(rt_stream_output(p.seen.stream), "bye", 3);
    CHECK(rt_stream_flush(p.seen.stream));
    {
        char buf[8] = {0};

        CHECK(peer_recv(&p, buf, sizeof(buf)) == 3 && memcmp(buf, "bye", 3) == 0);
    }
    pair_close(&p);
}

static void test_flush_at_once(void)
{
    struct pair p;
    char buf[16] = {0};

    CHECK(pair_open(&p, 0, 0));
    evbuffer_add(rt_stream_output(p.seen.stream), "answer", 6);
    CHECK(rt_stream_flush(p.seen.stream)); /* written to the socket during the call */
    CHECK(evbuffer_get_length(rt_stream_output(p.seen.stream)) == 0);
    CHECK(peer_recv(&p, buf, sizeof(buf)) == 6 && memcmp(buf, "answer", 6) == 0);
    run_for(p.base, 20);
    CHECK(p.seen.written == 0);            /* nothing waited, so nothing to report */
    CHECK(rt_stream_flush(p.seen.stream)); /* an empty output flushes trivially */
    pair_close(&p);
}

#define BIG (4 * 1024 * 1024)

struct drain {
    struct pair *p;
    unsigned char *got;
    size_t have;
};

/* The peer reads what it can; done once the stream reported the output written. */
static bool peer_drains(void *arg)
{
    struct drain *d = arg;

    d->have += peer_recv(d->p, d->got + d->have, BIG - d->have);
    return d->p->seen.written > 0 && d->have == BIG;
}

static void test_flush_waits_for_peer(void)
{
    unsigned char *data = malloc(BIG);
    struct drain d = {NULL, malloc(BIG), 0};
    struct pair p;
    size_t i;

    CHECK(data != NULL && d.got != NULL);
    if (data == NULL || d.got == NULL) {
        free(data);
        free(d.got);
        return;
    }
    for (i = 0; i < BIG; i++)
        data[i] = (unsigned char)(i * 7 + i / 4096);
    CHECK(pair_open(&p, 0, 0));
    d.p = &p;
    evbuffer_add(rt_stream_output(p.seen.stream), data, BIG);
    CHECK(!rt_stream_flush(p.seen.stream)); /* more than the socket takes */
    CHECK(evbuffer_get_length(rt_stream_output(p.seen.stream)) > 0);
    /* A second flush while waiting adds nothing out of order. */
    CHECK(!rt_stream_flush(p.seen.stream));
    run_for(p.base, 10);
    CHECK(p.seen.written == 0);
    CHECK(run_until(p.base, peer_drains, &d, 10000));
    CHECK(d.have == BIG && memcmp(d.got, data, BIG) == 0);
    CHECK(p.seen.written == 1);
    CHECK(evbuffer_get_length(rt_stream_output(p.seen.stream)) == 0);
    CHECK(p.seen.events == 0);
    pair_close(&p);
    free(data);
    free(d.got);
}

static void test_write_timeout(void)
{
    unsigned char *data = calloc(1, BIG);
    struct pair p;
    double start;

    CHECK(pair_open(&p, 0, 50));
    evbuffer_add(rt_stream_output(p.seen.stream), data, BIG);
    start = rt_time_mono_seconds();
    CHECK(!rt_stream_flush(p.seen.stream));
    CHECK(run_until(p.base, got_event, &p, 3000)); /* the peer never reads */
    CHECK(p.seen.last_event == RT_STREAM_TIMEOUT);
    CHECK(rt_time_mono_seconds() - start >= 0.045);
    CHECK(p.seen.written == 0);
    pair_close(&p);
    free(data);
}

static void test_write_error_from_loop(void)
{
    struct pair p;

    CHECK(pair_open(&p, 0, 0));
    rt_stream_set_reading(p.seen.stream, false); /* see the write fail, not the EOF */
    close(p.peer);
    p.peer = -1;
    evbuffer_add(rt_stream_output(p.seen.stream), "lost", 4);
    CHECK(!rt_stream_flush(p.seen.stream));
    CHECK(p.seen.events == 0); /* not from inside the call */
    CHECK(run_until(p.base, got_event, &p, 2000));
    CHECK(p.seen.last_event == RT_STREAM_ERROR);
    CHECK(!rt_stream_flush(p.seen.stream)); /* stays failed */
    pair_close(&p);
}

static void test_notify_written(void)
{
    struct pair p;

    CHECK(pair_open(&p, 0, 0));
    rt_stream_notify_written(p.seen.stream);
    CHECK(p.seen.written == 0); /* from the loop, not from the call */
    CHECK(run_until(p.base, got_written, &p, 2000));
    run_for(p.base, 20);
    CHECK(p.seen.written == 1);
    pair_close(&p);
}

static void test_shutdown_write(void)
{
    struct pair p;
    char buf[16] = {0};

    CHECK(pair_open(&p, 0, 0));
    evbuffer_add(rt_stream_output(p.seen.stream), "last", 4);
    CHECK(rt_stream_flush(p.seen.stream));
    rt_stream_shutdown_write(p.seen.stream);
    rt_stream_close_notify(p.seen.stream); /* plain: nothing to send */
    CHECK(recv(p.peer, buf, sizeof(buf), MSG_DONTWAIT) == 4);
    CHECK(recv(p.peer, buf, sizeof(buf), MSG_DONTWAIT) == 0); /* the peer sees the end */
    /* Reading goes on, so what the client still sends can be drained. */
    CHECK(peer_send(&p, "straggler", 9));
    CHECK(run_until(p.base, got_read, &p, 2000));
    CHECK(input_is(&p, "straggler"));
    pair_close(&p);
}

static void test_free_from_event(void)
{
    struct pair p;

    CHECK(pair_open(&p, 0, 0));
    p.seen.free_on_event = true;
    CHECK(shutdown(p.peer, SHUT_WR) == 0);
    CHECK(run_until(p.base, got_event, &p, 2000));
    CHECK(p.seen.stream == NULL);
    run_for(p.base, 20); /* nothing of the freed stream runs again */
    CHECK(p.seen.events == 1);
    pair_close(&p);
}

static const struct test_case cases[] = {
    {"plain.basics", test_plain_basics},
    {"read.appends", test_read},
    {"read.pause_at_max_and_resume", test_read_pause_resume},
    {"read.off_and_on", test_reading_off_and_on},
    {"read.eof_after_data", test_eof_after_data},
    {"write.flush_at_once", test_flush_at_once},
    {"write.flush_waits_for_peer", test_flush_waits_for_peer},
    {"write.timeout", test_write_timeout},
    {"write.error_from_loop", test_write_error_from_loop},
    {"write.notify_written", test_notify_written},
    {"close.shutdown_write_keeps_reading", test_shutdown_write},
    {"close.free_from_event", test_free_from_event},
};

int main(int argc, char **argv)
{
    signal(SIGPIPE, SIG_IGN); /* as rt_server does: a write to a closed peer is an error, not a signal */
    return test_run(cases, TEST_N(cases), argc, argv);
}

/*
 * rt_stream — a server connection's byte stream (see rt_stream.h).
 *
 * Plain sockets: one persistent read event, and one write event that is
 * added only while output waits for the kernel.  In the common exchange
 * (one readable wake-up, one request, one answer) that makes one recv()
 * and one writev() per request, and no epoll_ctl().
 *
 * TLS: a bufferevent_openssl, with its callbacks forwarded.
 */
#include "rt_stream.h"
#include "rt_mem.h"
#include "rt_time.h"

#include <errno.h>
#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/bufferevent_ssl.h>
#include <event2/event.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/*
 * recv() reads into a buffer on the stack, and only what arrived is copied
 * into the input buffer: a request head is a few hundred bytes, which then
 * takes a small chunk that malloc recycles at once.  Reserving the room in
 * the input buffer instead cost a 16 KiB malloc and free per request; with
 * 10,000 connections (bench/: async_delay_10k) that meant 84 instead of 45 MB
 * peak RSS and a p99 about 40 ms longer.  A larger body is read on in
 * the same wake-up (up to READ_PER_WAKEUP) as long as recv() fills the
 * buffer.
 */
#define READ_ROOM (16 * 1024)
#define READ_PER_WAKEUP (256 * 1024)

struct rt_stream {
    struct rt_stream_callbacks cbs;
    struct bufferevent *bev; /* TLS only */
    bool handshake_done;     /* TLS: the handshake completed (plain: always) */
    bool tls_closed;         /* TLS: close_notify sent, or the TLS layer failed */

    /* Plain sockets only: */
    int fd;
    struct evbuffer *in, *out;
    struct event *read_ev, *write_ev;    /* in events[] below */
    struct evbuffer_cb_entry *resume_cb; /* only while reading waits for the owner to consume input */
    size_t read_max;
    struct timeval write_tv;
    bool has_write_timeout;
    bool reading;   /* the owner wants input */
    bool read_full; /* reading paused: the input holds read_max bytes */
    bool write_err; /* a write failed; reported from the write event */
    /*
     * Plain sockets: the two events, in the same allocation as the stream
     * (event_assign; libevent's struct event is opaque, its size known only
     * at run time): two mallocs fewer per connection.
     */
    _Alignas(16) unsigned char events[];
};

/* --- plain sockets --- */

/* libevent's struct event, rounded up so the next one in events[] is aligned. */
static size_t event_size(void)
{
    return (event_get_struct_event_size() + 15) & ~(size_t)15;
}

static void plain_update_read_event(struct rt_stream *s)
{
    if (s->reading && !s->read_full)
        event_add(s->read_ev, NULL);
    else
        event_del(s->read_ev);
}

/* Stop reading and tell the owner; pending output stays queued (after EOF the answer may still go out). */
static void plain_report(struct rt_stream *s, enum rt_stream_event what)
{
    s->reading = false;
    plain_update_read_event(s);
    s->cbs.event(s, what, s->cbs.arg);
}

static void plain_input_drained(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg);

/*
 * The input holds read_max bytes: stop reading until the owner consumes
 * some.  The callback that notices is added only now, and removed again
 * when it fires: a connection that never fills its input (nearly all)
 * does not carry it.  @return false when out of memory.
 */
static bool plain_pause_reading(struct rt_stream *s)
{
    if (s->resume_cb == NULL)
        s->resume_cb = evbuffer_add_cb(s->in, plain_input_drained, s);
    if (s->resume_cb == NULL)
        return false;
    s->read_full = true;
    plain_update_read_event(s);
    return true;
}

static void plain_readcb(evutil_socket_t fd, short what, void *arg)
{
    struct rt_stream *s = arg;
    size_t got = 0;

    (void)what;
    while (got < READ_PER_WAKEUP) {
        char buf[READ_ROOM];
        size_t room = sizeof(buf);
        ssize_t n;

        if (s->read_max > 0) {
            size_t have = evbuffer_get_length(s->in);

            if (have >= s->read_max) {
                if (!plain_pause_reading(s)) {
                    plain_report(s, RT_STREAM_ERROR); /* out of memory */
                    return;
                }
                break;
            }
            if (room > s->read_max - have)
                room = s->read_max - have;
        }
        n = recv(fd, buf, room, 0);
        if (n <= 0 && got > 0)
            break; /* hand over what came first; the socket stays readable, and the end shows next time */
        if (n == 0) {
            plain_report(s, RT_STREAM_EOF);
            return;
        }
        if (n < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
                break;
            plain_report(s, RT_STREAM_ERROR);
            return;
        }
        if (evbuffer_add(s->in, buf, (size_t)n) != 0) {
            plain_report(s, RT_STREAM_ERROR); /* out of memory */
            return;
        }
        got += (size_t)n;
        if ((size_t)n < room)
            break; /* the kernel had no more; don't ask it again just to hear EAGAIN */
    }
    if (got > 0)
        s->cbs.read(s, s->cbs.arg);
}

/* The owner consumed input while reading was paused for a full buffer: resume. */
static void plain_input_drained(struct evbuffer *buf, const struct evbuffer_cb_info *info, void *arg)
{
    struct rt_stream *s = arg;

    if (info->n_deleted == 0 || evbuffer_get_length(buf) >= s->read_max)
        return;
    evbuffer_remove_cb_entry(buf, s->resume_cb);
    s->resume_cb = NULL;
    s->read_full = false;
    plain_update_read_event(s);
}

/* Write what the kernel takes now: 0 when the output is empty, 1 when some is left, -1 on an error. */
static int plain_write(struct rt_stream *s)
{
    while (evbuffer_get_length(s->out) > 0) {
        if (evbuffer_write(s->out, s->fd) < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                return 1;
            if (errno != EINTR)
                return -1;
        }
    }
    return 0;
}

static void plain_writecb(evutil_socket_t fd, short what, void *arg)
{
    struct rt_stream *s = arg;
    int rc;

    (void)fd;
    if (s->write_err || (what & EV_TIMEOUT)) {
        plain_report(s, s->write_err ? RT_STREAM_ERROR : RT_STREAM_TIMEOUT);
        return;
    }
    rc = plain_write(s);
    if (rc < 0) {
        s->write_err = true;
        plain_report(s, RT_STREAM_ERROR);
    } else if (rc > 0) {
        event_add(s->write_ev,
                  s->has_write_timeout ? &s->write_tv : NULL); /* restart the timeout: progress */
    } else {
        s->cbs.written(s, s->cbs.arg);
    }
}

static bool plain_flush(struct rt_stream *s)
{
    int rc;

    if (s->write_err || event_pending(s->write_ev, EV_WRITE, NULL))
        return false; /* already waiting for the kernel; order is kept */
    rc = plain_write(s);
    if (rc == 0)
        return true;
    if (rc < 0) {
        /* Report from the loop: the owner may be in the middle of something. */
        s->write_err = true;
        event_active(s->write_ev, EV_WRITE, 1);
        return false;
    }
    event_add(s->write_ev, s->has_write_timeout ? &s->write_tv : NULL);
    return false;
}

static int plain_init(struct rt_stream *s, struct event_base *base, int fd, size_t read_max,
                      int write_timeout_ms)
{
    s->fd = fd;
    s->read_max = read_max;
    s->has_write_timeout = write_timeout_ms > 0;
    s->write_tv = rt_time_tv_ms(write_timeout_ms);
    s->in = evbuffer_new();
    s->out = evbuffer_new();
    if (s->in == NULL || s->out == NULL)
        return -1;
    s->read_ev = (struct event *)(void *)s->events;
    s->write_ev = (struct event *)(void *)(s->events + event_size());
    if (event_assign(s->read_ev, base, fd, EV_READ | EV_PERSIST, plain_readcb, s) != 0 ||
        event_assign(s->write_ev, base, fd, EV_WRITE, plain_writecb, s) != 0) {
        s->read_ev = s->write_ev = NULL;
        return -1;
    }
    s->handshake_done = true;
    s->reading = true;
    plain_update_read_event(s);
    return 0;
}

/* --- TLS --- */

static void tls_readcb(struct bufferevent *bev, void *arg)
{
    struct rt_stream *s = arg;

    (void)bev;
    s->cbs.read(s, s->cbs.arg);
}

static void tls_writecb(struct bufferevent *bev, void *arg)
{
    struct rt_stream *s = arg;

    (void)bev;
    s->cbs.written(s, s->cbs.arg);
}

static void tls_eventcb(struct bufferevent *bev, short events, void *arg)
{
    struct rt_stream *s = arg;

    (void)bev;
    if (events & BEV_EVENT_CONNECTED) {
        s->handshake_done = true;
        s->cbs.event(s, RT_STREAM_CONNECTED, s->cbs.arg);
    } else if (events & BEV_EVENT_ERROR) {
        s->tls_closed = true;
        s->cbs.event(s, RT_STREAM_ERROR, s->cbs.arg);
    } else if (events & BEV_EVENT_EOF) {
        s->cbs.event(s, RT_STREAM_EOF, s->cbs.arg);
    } else if (events & BEV_EVENT_TIMEOUT) {
        s->cbs.event(s, RT_STREAM_TIMEOUT, s->cbs.arg);
    }
}

static int tls_init(struct rt_stream *s, struct event_base *base, int fd, struct ssl_ctx_st *tls_ctx,
                    size_t read_max, int write_timeout_ms)
{
    struct timeval write_tv = rt_time_tv_ms(write_timeout_ms);
    SSL *ssl = SSL_new(tls_ctx);

    if (ssl == NULL)
        return -1;
    /* With BEV_OPT_CLOSE_ON_FREE the bufferevent owns the SSL and the fd. */
    s->bev = bufferevent_openssl_socket_new(base, fd, ssl, BUFFEREVENT_SSL_ACCEPTING, BEV_OPT_CLOSE_ON_FREE);
    if (s->bev == NULL) {
        SSL_free(ssl);
        return -1;
    }
    bufferevent_setwatermark(s->bev, EV_READ, 0, read_max);
    bufferevent_set_timeouts(s->bev, NULL, write_timeout_ms > 0 ? &write_tv : NULL);
    bufferevent_setcb(s->bev, tls_readcb, tls_writecb, tls_eventcb, s);
    bufferevent_enable(s->bev, EV_READ | EV_WRITE);
    return 0;
}

/* --- the stream --- */

struct rt_stream *rt_stream_new(struct event_base *base, int fd, struct ssl_ctx_st *tls_ctx, size_t read_max,
                                int write_timeout_ms, const struct rt_stream_callbacks *cbs)
{
    struct rt_stream *s = rt_xcalloc(1, sizeof(*s) + (tls_ctx != NULL ? 0 : 2 * event_size()));
    int rc;

    s->cbs = *cbs;
    s->fd = -1;
    rc = tls_ctx != NULL ? tls_init(s, base, fd, tls_ctx, read_max, write_timeout_ms)
                         : plain_init(s, base, fd, read_max, write_timeout_ms);
    if (rc != 0) {
        s->fd = -1; /* the caller keeps the socket */
        rt_stream_free(s);
        return NULL;
    }
    return s;
}

void rt_stream_free(struct rt_stream *s)
{
    if (s == NULL)
        return;
    if (s->bev != NULL)
        bufferevent_free(s->bev);
    if (s->read_ev != NULL)
        event_del(s->read_ev); /* assigned, not allocated: their memory is the stream's */
    if (s->write_ev != NULL)
        event_del(s->write_ev);
    if (s->in != NULL)
        evbuffer_free(s->in);
    if (s->out != NULL)
        evbuffer_free(s->out);
    if (s->fd >= 0)
        close(s->fd);
    free(s);
}

struct evbuffer *rt_stream_input(struct rt_stream *s)
{
    return s->bev != NULL ? bufferevent_get_input(s->bev) : s->in;
}

struct evbuffer *rt_stream_output(struct rt_stream *s)
{
    return s->bev != NULL ? bufferevent_get_output(s->bev) : s->out;
}

void rt_stream_set_reading(struct rt_stream *s, bool on)
{
    if (s->bev != NULL) {
        if (on)
            bufferevent_enable(s->bev, EV_READ);
        else
            bufferevent_disable(s->bev, EV_READ);
        return;
    }
    s->reading = on;
    plain_update_read_event(s);
}

bool rt_stream_flush(struct rt_stream *s)
{
    if (s->bev != NULL)
        return false; /* the bufferevent writes as the socket allows; the written callback follows */
    return plain_flush(s);
}

void rt_stream_notify_written(struct rt_stream *s)
{
    if (s->bev != NULL) {
        bufferevent_trigger(s->bev, EV_WRITE, BEV_TRIG_DEFER_CALLBACKS);
        return;
    }
    if (!event_pending(s->write_ev, EV_WRITE, NULL))
        event_active(s->write_ev, EV_WRITE, 1);
}

void rt_stream_close_notify(struct rt_stream *s)
{
    SSL *ssl;

    if (s->bev == NULL || !s->handshake_done || s->tls_closed)
        return;
    s->tls_closed = true;
    /* Straight to the socket, whose output has been flushed; if it does not
       fit, the close is simply unclean, which HTTP/1.1 with Content-Length tolerates. */
    ssl = bufferevent_openssl_get_ssl(s->bev);
    if (ssl != NULL && !(SSL_get_shutdown(ssl) & SSL_SENT_SHUTDOWN) && SSL_shutdown(ssl) < 0)
        ERR_clear_error();
}

void rt_stream_shutdown_write(struct rt_stream *s)
{
    rt_stream_close_notify(s);
    shutdown(s->bev != NULL ? bufferevent_getfd(s->bev) : s->fd, SHUT_WR);
}

bool rt_stream_is_tls(const struct rt_stream *s)
{
    return s->bev != NULL;
}

bool rt_stream_is_up(const struct rt_stream *s)
{
    return s->handshake_done;
}

void rt_stream_error_reason(struct rt_stream *s, char *buf, size_t size)
{
    unsigned long e;

    if (size > 0)
        buf[0] = '\0';
    if (s->bev == NULL)
        return;
    while ((e = bufferevent_get_openssl_error(s->bev)) != 0) {
        if (ERR_GET_LIB(e) != 0) /* bare SSL_get_error() codes are queued too: not reasons */
            ERR_error_string_n(e, buf, size);
    }
}

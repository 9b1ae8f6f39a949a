/*
 * rt_stream — the byte stream under one server connection: a plain TCP
 * socket, or TLS on one.
 *
 * A plain socket is read with recv() into the input buffer and written
 * with writev() from the output buffer, by this module's own events: the
 * generic socket bufferevent sizes every read with ioctl(FIONREAD) and
 * asks the loop for writability before every write, two extra syscalls per
 * request that a short request and answer never need.  TLS goes through
 * bufferevent_openssl, whose record layer needs the generic machinery.
 *
 * The owner sees the same events either way:
 *   read     bytes were added to the input buffer;
 *   written  the output buffer became empty after a flush that could not
 *            finish at once (or after rt_stream_notify_written());
 *   event    RT_STREAM_EOF, RT_STREAM_ERROR, RT_STREAM_TIMEOUT (the
 *            output did not drain within the write timeout) or
 *            RT_STREAM_CONNECTED (TLS handshake done).
 * Callbacks run from the event loop, never from inside a call into this
 * module, so the owner may free the stream from any of them.
 *
 * Not thread-safe: a stream belongs to the loop it was made on.
 */
#ifndef RT_STREAM_H
#define RT_STREAM_H

#include <stdbool.h>
#include <stddef.h>

struct event_base;
struct evbuffer;
struct ssl_ctx_st;
struct rt_stream;

enum rt_stream_event {
    RT_STREAM_EOF = 1,
    RT_STREAM_ERROR = 2,
    RT_STREAM_TIMEOUT = 4,
    RT_STREAM_CONNECTED = 8,
};

struct rt_stream_callbacks {
    void (*read)(struct rt_stream *s, void *arg);
    void (*written)(struct rt_stream *s, void *arg);
    void (*event)(struct rt_stream *s, enum rt_stream_event what, void *arg);
    void *arg;
};

/**
 * Take over the connected, non-blocking socket @p fd.  With @p tls_ctx a
 * server-side TLS handshake starts on it.  Reading starts at once; it
 * pauses while the input holds @p read_max bytes or more (0: no limit) and
 * resumes when the owner has consumed some.  Output that does not drain
 * within @p write_timeout_ms (0: no limit) ends in RT_STREAM_TIMEOUT.
 * @return the stream, which owns @p fd from then on; or NULL (libevent or
 *         OpenSSL could not set it up), with @p fd still the caller's.
 */
struct rt_stream *rt_stream_new(struct event_base *base, int fd, struct ssl_ctx_st *tls_ctx, size_t read_max,
                                int write_timeout_ms, const struct rt_stream_callbacks *cbs);

/** Close the socket and free everything; NULL is fine.  Sends nothing more. */
void rt_stream_free(struct rt_stream *s);

/** The buffer incoming bytes are appended to; the owner removes what it consumes. */
struct evbuffer *rt_stream_input(struct rt_stream *s);

/** The buffer the owner appends to; rt_stream_flush() sends it. */
struct evbuffer *rt_stream_output(struct rt_stream *s);

/** Start or stop reading from the socket (and so noticing EOF). */
void rt_stream_set_reading(struct rt_stream *s, bool on);

/**
 * Send what the output buffer holds.  A plain socket is written to at once;
 * what the kernel does not take waits for writability, under the write
 * timeout, and the written callback follows once it is out.  A write error
 * is reported through the event callback, from the loop.
 * @return true when the output buffer is empty now.
 */
bool rt_stream_flush(struct rt_stream *s);

/** Have the written callback run from the loop, once the output is empty. */
void rt_stream_notify_written(struct rt_stream *s);

/**
 * The answer is complete: TLS sends close_notify (if the handshake
 * succeeded and no TLS error followed), then the socket's sending side is
 * shut down.  Reading goes on, so the owner can drain what still arrives.
 */
void rt_stream_shutdown_write(struct rt_stream *s);

/** TLS only: send close_notify now, as the last thing on the connection. */
void rt_stream_close_notify(struct rt_stream *s);

/** Whether the stream is TLS. */
bool rt_stream_is_tls(const struct rt_stream *s);

/** Whether the TLS handshake has completed (always true for plain streams). */
bool rt_stream_is_up(const struct rt_stream *s);

/**
 * The reason the TLS layer failed, for logs, into @p buf (empty when it
 * gave none, and always for plain streams).  Consumes the stream's queued
 * OpenSSL errors.
 */
void rt_stream_error_reason(struct rt_stream *s, char *buf, size_t size);

#endif /* RT_STREAM_H */

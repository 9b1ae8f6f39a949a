/*
 * rt_trace — W3C Trace Context (https://www.w3.org/TR/trace-context/):
 * the traceparent and tracestate of one request, and the current one of
 * the calling thread, which outbound calls (rt_client) carry on.
 *
 * A request's context is the client's when its traceparent is well-formed
 * (version 00: exactly "00-<32 hex>-<16 hex>-<2 hex>", lower-case, neither
 * id all zeros; a later version: the same first 55 characters, then
 * nothing or '-' and more; version ff is invalid), else a new trace.  A
 * malformed traceparent is never an error to answer: the request gets a
 * new trace id, and its tracestate is dropped with it (spec 4.3).
 *
 * Each request is a span of its own (span_id, new); each outbound call a
 * child of it, with a new span id, the request's trace id and flags, and
 * its tracestate passed on unchanged.  We always send version 00 (the spec
 * asks a parser of a later version to downgrade to the one it knows).
 *
 * The current context is per thread: the connection layer makes the
 * request's current while its handler runs, and rt_client and rt_db make
 * a copy of it current again around the callback of a call or statement
 * started under it, so a call started from that callback still belongs
 * to the request's trace.  (A handler's own timers do not: a call started
 * from one goes out without a traceparent.)
 */
#ifndef RT_TRACE_H
#define RT_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RT_TRACE_STATE_MAX 512 /* bytes of tracestate kept (spec 3.3.1.5: propagate at least 512) */
#define RT_TRACEPARENT_LEN 55  /* "00-" 32 "-" 16 "-" 2 */

struct rt_trace {
    char trace_id[33];  /* 32 lower-case hex digits, or "" for no context */
    char parent_id[17]; /* the caller's span id (16 hex), or "" when we started the trace */
    char span_id[17];   /* this request's own span id (16 hex) */
    uint8_t flags;      /* trace-flags as received (bit 0: sampled); 0 for a new trace */
    const char *state;  /* tracestate to pass on (not NUL-terminated at state_len), or NULL; not owned */
    size_t state_len;   /* bytes of state to pass on: whole list members, at most RT_TRACE_STATE_MAX */
};

/**
 * Parse a traceparent header value into @p out (trace_id, parent_id,
 * flags; span_id and state untouched).
 * @return 0 when it is well-formed (see the top of this file), -1 when not
 *         (then @p out is unchanged).  NULL is malformed.
 */
int rt_trace_parse_parent(const char *value, struct rt_trace *out);

/**
 * Set up @p out for a request from its headers (either may be NULL): the
 * client's trace when @p traceparent is well-formed (and then
 * @p tracestate, cut to whole list members within RT_TRACE_STATE_MAX
 * bytes: out->state points into @p tracestate, which must outlive @p out),
 * else a new trace id; a new span id either way.
 * @return 1 when the client's context was taken, 0 when a new one was made.
 */
int rt_trace_start(struct rt_trace *out, const char *traceparent, const char *tracestate);

/**
 * Write the traceparent of a new child span of @p t into @p buf (at least
 * RT_TRACEPARENT_LEN + 1 bytes): "00-<trace id>-<new span id>-<flags>".
 * @return @p buf, or NULL when @p t has no trace id.
 */
char *rt_trace_child_parent(const struct rt_trace *t, char *buf, size_t size);

/** Fill @p hex with @p n_bytes random bytes as 2 * @p n_bytes lower-case hex digits and a NUL; never all
 * zero. */
void rt_trace_random_hex(char *hex, size_t n_bytes);

/** @return the calling thread's current context, or NULL (outside any request). */
const struct rt_trace *rt_trace_current(void);

/**
 * Make @p t (NULL: none) the calling thread's current context.  @p t must
 * stay valid until it is replaced.  @return the one it replaces, to restore.
 */
const struct rt_trace *rt_trace_set_current(const struct rt_trace *t);

#endif /* RT_TRACE_H */

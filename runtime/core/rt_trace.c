/*
 * rt_trace — W3C Trace Context parsing, ids and the thread's current context.
 */
#include "rt_trace.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

static _Thread_local const struct rt_trace *current;
static _Thread_local uint64_t rng_state; /* splitmix64; seeded from getrandom() on first use */

/* Ids need to be unique, not secret: a per-thread generator seeded once from the kernel. */
static uint64_t next_random(void)
{
    uint64_t z;

    if (rng_state == 0) {
        if (getrandom(&rng_state, sizeof(rng_state), 0) != (ssize_t)sizeof(rng_state)) {
            struct timespec ts;

            clock_gettime(CLOCK_REALTIME, &ts);
            rng_state = (uint64_t)ts.tv_nsec * 0x9E3779B97F4A7C15ULL ^ (uint64_t)ts.tv_sec ^ (uintptr_t)&ts;
        }
        rng_state |= 1;
    }
    z = (rng_state += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

void rt_trace_random_hex(char *hex, size_t n_bytes)
{
    static const char digits[] = "0123456789abcdef";
    size_t i;
    uint64_t r = 0;
    int nonzero = 0;

    for (i = 0; i < n_bytes; i++) {
        unsigned b;

        if (i % 8 == 0)
            r = next_random();
        b = (unsigned)(r & 0xff);
        r >>= 8;
        nonzero |= b != 0;
        hex[2 * i] = digits[b >> 4];
        hex[2 * i + 1] = digits[b & 15];
    }
    if (!nonzero && n_bytes > 0)
        hex[2 * n_bytes - 1] = '1'; /* an all-zero id is invalid (spec 3.2.2.3, 3.2.2.4) */
    hex[2 * n_bytes] = '\0';
}

/* @return 1 if s[0..n) are lower-case hex digits (the spec refuses upper case), and *zero whether all '0'. */
static int lower_hex(const char *s, size_t n, int *zero)
{
    size_t i;

    *zero = 1;
    for (i = 0; i < n; i++) {
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return 0;
        if (s[i] != '0')
            *zero = 0;
    }
    return 1;
}

static unsigned hex_byte(const char *s)
{
    unsigned v = 0;
    int i;

    for (i = 0; i < 2; i++)
        v = v * 16 + (unsigned)(s[i] <= '9' ? s[i] - '0' : s[i] - 'a' + 10);
    return v;
}

int rt_trace_parse_parent(const char *v, struct rt_trace *out)
{
    size_t len;
    int zero;

    if (v == NULL)
        return -1;
    len = strlen(v);
    if (len < RT_TRACEPARENT_LEN || v[2] != '-' || v[35] != '-' || v[52] != '-')
        return -1;
    if (!lower_hex(v, 2, &zero) || strncmp(v, "ff", 2) == 0)
        return -1; /* version ff is forbidden (spec 3.2.2.2) */
    /* Version 00 is exactly 55 characters; a later one may append "-..." (spec 3.2.4). */
    if (strncmp(v, "00", 2) == 0 ? len != RT_TRACEPARENT_LEN : len > RT_TRACEPARENT_LEN && v[55] != '-')
        return -1;
    if (!lower_hex(v + 3, 32, &zero) || zero)
        return -1;
    if (!lower_hex(v + 36, 16, &zero) || zero)
        return -1;
    if (!lower_hex(v + 53, 2, &zero))
        return -1;
    memcpy(out->trace_id, v + 3, 32);
    out->trace_id[32] = '\0';
    memcpy(out->parent_id, v + 36, 16);
    out->parent_id[16] = '\0';
    out->flags = (uint8_t)hex_byte(v + 53);
    return 0;
}

/* How much of @p state to pass on: the whole list members that fit (spec 3.3.1.5). */
static size_t kept_state(const char *state)
{
    size_t len = strlen(state);
    const char *comma;

    if (len > RT_TRACE_STATE_MAX) {
        len = RT_TRACE_STATE_MAX;
        comma = memrchr(state, ',', len + 1); /* a comma right after the limit keeps all before it */
        len = comma != NULL ? (size_t)(comma - state) : 0;
    }
    while (len > 0 && (state[len - 1] == ' ' || state[len - 1] == '\t' || state[len - 1] == ','))
        len--;
    return len;
}

int rt_trace_start(struct rt_trace *out, const char *traceparent, const char *tracestate)
{
    int taken = rt_trace_parse_parent(traceparent, out) == 0;

    if (taken) {
        out->state_len = tracestate != NULL ? kept_state(tracestate) : 0;
        out->state = out->state_len > 0 ? tracestate : NULL;
    } else {
        rt_trace_random_hex(out->trace_id, 16);
        out->parent_id[0] = '\0';
        out->flags = 0;
        out->state = NULL;
        out->state_len = 0;
    }
    rt_trace_random_hex(out->span_id, 8);
    return taken;
}

char *rt_trace_child_parent(const struct rt_trace *t, char *buf, size_t size)
{
    char span[17];

    if (t == NULL || t->trace_id[0] == '\0' || size < RT_TRACEPARENT_LEN + 1)
        return NULL;
    rt_trace_random_hex(span, 8);
    /* Version 00 defines only the sampled flag; the others are not passed on (spec 3.2.2.5). */
    snprintf(buf, size, "00-%s-%s-%02x", t->trace_id, span, (unsigned)(t->flags & 0x01));
    return buf;
}

const struct rt_trace *rt_trace_current(void)
{
    return current;
}

const struct rt_trace *rt_trace_set_current(const struct rt_trace *t)
{
    const struct rt_trace *old = current;

    current = t;
    return old;
}

/*
 * libFuzzer target: the chunked-body decoder (rt_http_chunked_feed).
 *
 * The first four bytes of the input seed how the rest is cut into reads;
 * the rest is the byte stream after a request head.  The stream is decoded
 * three times: at once, byte by byte, and in the seeded cutting.  The
 * split-anywhere invariant: the three outcomes (result, bytes used, body,
 * explanation) are identical.  Besides: the result is one the connection
 * layer handles, an error is explained, a body never passes its limit, and
 * a decoded body, chunked again, decodes to itself.
 */
#include "fuzz_common.h"
#include "rt_http_chunked.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_BODY 4096

struct outcome {
    int rc;
    size_t used;
    const char *detail;
    size_t body_len;
    char body[MAX_BODY];
};

static const struct rt_http_chunked_limits limits = {
    .max_body = MAX_BODY, .max_line = 64, .max_trailer = 256, .max_trailer_fields = 8};

static void collect(void *arg, const char *data, size_t len)
{
    struct outcome *o = arg;

    FUZZ_CHECK(len > 0, "empty data callback");
    FUZZ_CHECK(o->body_len + len <= MAX_BODY, "body past its limit: %zu bytes", o->body_len + len);
    memcpy(o->body + o->body_len, data, len);
    o->body_len += len;
}

/* Decode @p len bytes of @p in, cut into reads by @p seed (or byte by byte when @p bytewise). */
static void decode(const char *in, size_t len, uint32_t seed, int bytewise, struct outcome *o)
{
    struct rt_http_chunked d;
    size_t from = 0;

    memset(o, 0, offsetof(struct outcome, body));
    rt_http_chunked_init(&d, &limits, collect, o);
    do {
        size_t n = bytewise ? (len - from > 0 ? 1 : 0) : fuzz_next_cut(&seed, len - from, 15), used = 0;

        o->rc = rt_http_chunked_feed(&d, in + from, n, &used);
        FUZZ_CHECK(used <= n, "used %zu of %zu bytes", used, n);
        o->used += used;
        from += n;
        if (o->rc == RT_HTTP_CHUNKED_MORE)
            FUZZ_CHECK(used == n, "MORE after using %zu of %zu bytes", used, n);
    } while (o->rc == RT_HTTP_CHUNKED_MORE && from < len);
    o->detail = o->rc >= 400 ? d.detail : NULL;
}

static void check_same(const struct outcome *a, const struct outcome *b, const char *how)
{
    FUZZ_CHECK(a->rc == b->rc, "%s: result %d, at once %d", how, b->rc, a->rc);
    FUZZ_CHECK(a->used == b->used, "%s: used %zu bytes, at once %zu", how, b->used, a->used);
    FUZZ_CHECK(a->body_len == b->body_len && memcmp(a->body, b->body, a->body_len) == 0,
               "%s: a different body (%zu bytes, at once %zu)", how, b->body_len, a->body_len);
    FUZZ_CHECK(a->detail == b->detail, "%s: explained as '%s', at once '%s'", how,
               b->detail ? b->detail : "-", a->detail ? a->detail : "-");
}

/* A decoded body, sent again as one chunk, decodes to itself. */
static void check_round_trip(const struct outcome *o)
{
    static struct outcome again;
    static char text[MAX_BODY + 32];
    int n = snprintf(text, sizeof(text), "%zx\r\n", o->body_len);
    size_t len = (size_t)n;

    if (o->body_len > 0) {
        memcpy(text + len, o->body, o->body_len);
        len += o->body_len;
        memcpy(text + len, "\r\n", 2);
        len += 2;
    } else {
        len = 0;
    }
    memcpy(text + len, "0\r\n\r\n", 5);
    len += 5;
    decode(text, len, 0, 0, &again);
    FUZZ_CHECK(again.rc == RT_HTTP_CHUNKED_DONE && again.used == len, "re-chunked body: result %d", again.rc);
    FUZZ_CHECK(again.body_len == o->body_len && memcmp(again.body, o->body, o->body_len) == 0,
               "re-chunked body decodes differently");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static struct outcome whole, cut, bytewise;
    uint32_t seed = 0;
    const char *in;
    size_t len;

    if (size >= 4)
        memcpy(&seed, data, 4);
    in = size >= 4 ? (const char *)data + 4 : "";
    len = size >= 4 ? size - 4 : 0;

    decode(in, len, 0, 0, &whole);
    FUZZ_CHECK(whole.rc == RT_HTTP_CHUNKED_MORE || whole.rc == RT_HTTP_CHUNKED_DONE || whole.rc == 400 ||
                   whole.rc == 413 || whole.rc == 431,
               "result %d", whole.rc);
    FUZZ_CHECK(whole.rc < 400 || (whole.detail != NULL && whole.detail[0] != '\0'), "%d unexplained",
               whole.rc);
    FUZZ_CHECK(whole.rc != RT_HTTP_CHUNKED_MORE || whole.used == len, "MORE with bytes left");
    FUZZ_CHECK(whole.body_len <= whole.used, "%zu body bytes from %zu", whole.body_len, whole.used);

    decode(in, len, 0, 1, &bytewise);
    check_same(&whole, &bytewise, "byte by byte");
    decode(in, len, seed | 1, 0, &cut);
    check_same(&whole, &cut, "in seeded reads");
    if (whole.rc == RT_HTTP_CHUNKED_DONE)
        check_round_trip(&whole);
    return 0;
}

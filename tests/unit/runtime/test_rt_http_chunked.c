/*
 * Unit tests for the chunked-body decoder of runtime/http/rt_http_parse.c
 * (RFC 9112 7.1): every valid form of the grammar, every way a chunk-size
 * line or a trailer section can be malformed (the request-smuggling cases
 * among them), the limits, and the split-anywhere property: the decoder's
 * result never depends on how the bytes were cut into reads.
 */
#include "rt_http_chunked.h"
#include "test.h"

#include <stdlib.h>
#include <string.h>

#define MAX_BODY 4096

/* What decoding a byte stream came to. */
struct outcome {
    int rc;      /* RT_HTTP_CHUNKED_MORE, _DONE, or an HTTP status */
    size_t used; /* bytes the decoder took (up to the end of the body when DONE) */
    char body[MAX_BODY + 1];
    size_t body_len;
    const char *detail; /* the explanation of an error */
};

static void collect(void *arg, const char *data, size_t len)
{
    struct outcome *o = arg;

    if (o->body_len + len <= MAX_BODY)
        memcpy(o->body + o->body_len, data, len);
    o->body_len += len;
}

static const struct rt_http_chunked_limits limits = {
    .max_body = MAX_BODY, .max_line = 64, .max_trailer = 128, .max_trailer_fields = 4};

/*
 * Decode @len bytes of @in fed in pieces that end at the offsets in @cuts
 * (ascending, @n_cuts of them), then the rest, as reads off a socket would
 * hand them over; a piece after the end of the body or an error is not fed.
 */
static void decode_cut(const char *in, size_t len, const size_t *cuts, size_t n_cuts, struct outcome *o)
{
    struct rt_http_chunked d;
    size_t from = 0, k;

    memset(o, 0, sizeof(*o));
    rt_http_chunked_init(&d, &limits, collect, o);
    for (k = 0; k <= n_cuts; k++) {
        size_t to = k < n_cuts ? cuts[k] : len, used = 0;

        o->rc = rt_http_chunked_feed(&d, in + from, to - from, &used);
        o->used += used;
        if (o->rc != RT_HTTP_CHUNKED_MORE)
            break;
        if (used != to - from) { /* MORE must mean every byte was taken */
            o->rc = -1;
            break;
        }
        from = to;
    }
    o->detail = o->rc >= 400 ? d.detail : NULL;
}

static void decode(const char *in, size_t len, struct outcome *o)
{
    decode_cut(in, len, NULL, 0, o);
}

static bool same_outcome(const struct outcome *a, const struct outcome *b)
{
    return a->rc == b->rc && a->used == b->used && a->body_len == b->body_len &&
           memcmp(a->body, b->body, a->body_len < MAX_BODY ? a->body_len : MAX_BODY) == 0 &&
           (a->detail == NULL) == (b->detail == NULL) &&
           (a->detail == NULL || strcmp(a->detail, b->detail) == 0);
}

/*
 * The split-anywhere property for one stream: cut at every single offset,
 * at every pair of offsets, and byte by byte, the outcome is the one of
 * the whole stream fed at once.
 */
static bool split_anywhere_holds(const char *in, size_t len)
{
    static struct outcome whole, cut;
    size_t cuts[2], i, j;
    size_t *every;

    decode(in, len, &whole);
    for (i = 0; i <= len; i++) {
        cuts[0] = i;
        decode_cut(in, len, cuts, 1, &cut);
        if (!same_outcome(&whole, &cut))
            return false;
        for (j = i; j <= len && len <= 200; j++) {
            cuts[1] = j;
            decode_cut(in, len, cuts, 2, &cut);
            if (!same_outcome(&whole, &cut))
                return false;
        }
    }
    every = malloc((len + 1) * sizeof(*every));
    for (i = 0; i < len; i++)
        every[i] = i + 1;
    decode_cut(in, len, every, len, &cut);
    free(every);
    return same_outcome(&whole, &cut);
}

/* A valid body: decodes to @body and ends exactly at the end of @text. */
static bool decodes_to(const char *text, const char *body)
{
    struct outcome o;
    size_t len = strlen(text);

    decode(text, len, &o);
    return o.rc == RT_HTTP_CHUNKED_DONE && o.used == len && o.body_len == strlen(body) &&
           memcmp(o.body, body, o.body_len) == 0 && split_anywhere_holds(text, len);
}

/* An invalid body (of @len bytes, NULs allowed): refused with @status, and the same way however cut. */
static bool refused_n(const char *text, size_t len, int status, const char *detail_part)
{
    struct outcome o;

    decode(text, len, &o);
    if (o.rc != status || o.detail == NULL || o.detail[0] == '\0')
        return false;
    if (detail_part != NULL && strstr(o.detail, detail_part) == NULL)
        return false;
    return split_anywhere_holds(text, len);
}

static bool refused(const char *text, int status, const char *detail_part)
{
    return refused_n(text, strlen(text), status, detail_part);
}

static void test_valid_forms(void)
{
    CHECK(decodes_to("0\r\n\r\n", ""));
    CHECK(decodes_to("5\r\nhello\r\n0\r\n\r\n", "hello"));
    CHECK(decodes_to("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world"));
    CHECK(decodes_to("a\r\n0123456789\r\nA\r\nabcdefghij\r\n0\r\n\r\n", "0123456789abcdefghij"));
    CHECK(decodes_to("0005\r\nhello\r\n000\r\n\r\n", "hello")); /* leading zeros */
    CHECK(decodes_to("3\r\n\r\n\r\r\n0\r\n\r\n", "\r\n\r"));    /* data is opaque */
    /* chunk extensions: name, name=token, name="quoted", several, BWS around ";" and "=" */
    CHECK(decodes_to("5;a\r\nhello\r\n0\r\n\r\n", "hello"));
    CHECK(decodes_to("5;a=b\r\nhello\r\n0\r\n\r\n", "hello"));
    CHECK(decodes_to("5;name=\"quoted value\"\r\nhello\r\n0\r\n\r\n", "hello"));
    CHECK(decodes_to("5;q=\"a \\\"b\\\" \\\\ c\"\r\nhello\r\n0\r\n\r\n", "hello")); /* quoted-pair */
    CHECK(decodes_to("5;q=\"\"\r\nhello\r\n0\r\n\r\n", "hello"));
    CHECK(decodes_to("5;a=1;b;c=\"x\"\r\nhello\r\n0\r\n\r\n", "hello"));
    CHECK(decodes_to("5 ;a\r\nhello\r\n0\r\n\r\n", "hello"));
    CHECK(decodes_to("5\t; a = b ;\tc\t=\t\"d\"\r\nhello\r\n0\r\n\r\n", "hello"));
    CHECK(decodes_to("5;!#$%&'*+-.^_`|~09AZaz=!#$%&'*+-.^_`|~\r\nhello\r\n0\r\n\r\n", "hello"));
    CHECK(decodes_to("5;q=\"\x80\xff\t\"\r\nhello\r\n0\r\n\r\n", "hello")); /* obs-text, HTAB */
    CHECK(decodes_to("0;last=chunk\r\n\r\n", ""));
    /* trailer fields */
    CHECK(decodes_to("5\r\nhello\r\n0\r\nX-Checksum: abc\r\n\r\n", "hello"));
    CHECK(decodes_to("0\r\nA:\r\nB: x y \r\nC:\tz\t\r\nD: \x80\r\n\r\n", ""));
}

static void test_stops_at_the_end_of_the_body(void)
{
    static const char text[] = "5\r\nhello\r\n0\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n";
    size_t cuts[1] = {3};
    struct outcome o;

    decode(text, strlen(text), &o);
    CHECK(o.rc == RT_HTTP_CHUNKED_DONE && o.used == 15 && o.body_len == 5);
    decode_cut(text, strlen(text), cuts, 1, &o);
    CHECK(o.rc == RT_HTTP_CHUNKED_DONE && o.used == 15);
    CHECK(split_anywhere_holds(text, strlen(text)));
    decode("5\r\nhel", 6, &o); /* cut short: waits for more */
    CHECK(o.rc == RT_HTTP_CHUNKED_MORE && o.used == 6 && o.body_len == 3);
}

/* The cases found by probing the service as a hostile client would (issue 13). */
static void test_smuggling_cases(void)
{
    /* "10;\nxxxx\r\n" is one line to a parser that only ends lines at CRLF, two to one that ends them at LF.
     */
    CHECK(refused("10;\nxxxx\r\nAAAAAAAAAA\r\n40\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
                  400, "bare LF"));
    CHECK(refused("5\nhello\r\n0\r\n\r\n", 400, "bare LF"));
    CHECK(refused("5;a\rb\r\nhello\r\n0\r\n\r\n", 400, "bare CR")); /* bare CR in an extension */
    CHECK(refused("5;a=\"x\ry\"\r\nhello\r\n0\r\n\r\n", 400, NULL));
    CHECK(refused("5\r\r\nhello\r\n0\r\n\r\n", 400, "bare CR"));
    CHECK(refused("26 junk\r\n", 400, "chunk size"));                 /* no ";" */
    CHECK(refused("5;a=\x01\r\nhello\r\n0\r\n\r\n", 400, "control")); /* control bytes in extensions */
    CHECK(refused("5;a\x7f\r\nhello\r\n0\r\n\r\n", 400, "control"));
    CHECK(refused("5;a=\"\x01\"\r\nhello\r\n0\r\n\r\n", 400, "control"));
    CHECK(refused_n("5;a\0b\r\nhello\r\n0\r\n\r\n", 20, 400, "control"));
    CHECK(refused("5;a=\"x\\\x01\"\r\nhello\r\n0\r\n\r\n", 400, "control"));
    /* trailer lines that are not field lines */
    CHECK(refused("0\r\nGET /admin HTTP/1.1\r\n\r\n", 400, "field line"));
    CHECK(refused("0\r\nX: y\n\r\n", 400, "bare LF"));
    CHECK(refused("0\r\nX: y\r\n\n", 400, "bare LF"));
    CHECK(refused("0\r\n\n", 400, "bare LF"));
    CHECK(refused("0\r\nX: y\rz\r\n\r\n", 400, "bare CR"));
    CHECK(refused("0\r\n\rX", 400, "bare CR"));
    /* framing fields as trailers (RFC 9110 6.5.1; llhttp refuses them too), in any case */
    CHECK(refused("0\r\nContent-Length: 50\r\n\r\n", 400, "Content-Length and Transfer-Encoding"));
    CHECK(refused("0\r\nX: 1\r\ntransfer-ENCODING: chunked\r\n\r\n", 400, "Content-Length and Transfer"));
    CHECK(decodes_to("0\r\nContent-Length-X: 5\r\nContent-Lengt: 5\r\nX-Transfer-Encoding: 1\r\n\r\n", ""));
}

static void test_malformed_chunk_lines(void)
{
    CHECK(refused("\r\n", 400, "chunk size"));
    CHECK(refused("g\r\n", 400, "chunk size"));
    CHECK(refused("-5\r\nhello\r\n", 400, "chunk size"));
    CHECK(refused("+5\r\nhello\r\n", 400, "chunk size"));
    CHECK(refused("0x5\r\nhello\r\n", 400, "chunk size"));
    CHECK(refused(" 5\r\nhello\r\n", 400, "chunk size"));
    CHECK(refused("5 \r\nhello\r\n", 400, "chunk size")); /* BWS only before ";" */
    CHECK(refused("5 5\r\nhello\r\n", 400, "chunk size"));
    CHECK(refused("5;\r\nhello\r\n", 400, "extension")); /* a name must follow ";" */
    CHECK(refused("5;=b\r\nhello\r\n", 400, "extension"));
    CHECK(refused("5;a=\r\nhello\r\n", 400, "extension"));
    CHECK(refused("5;a b\r\nhello\r\n", 400, "extension"));
    CHECK(refused("5;a \r\nhello\r\n", 400, "extension"));
    CHECK(refused("5;a=b c\r\nhello\r\n", 400, "extension"));
    CHECK(refused("5;a=b \r\nhello\r\n", 400, "extension"));
    CHECK(refused("5;a=\"b\"c\r\nhello\r\n", 400, "extension"));
    CHECK(refused("5;a=\"unterminated\r\nhello\r\n", 400, NULL));
    CHECK(refused("5;a=b,c\r\nhello\r\n", 400, "extension"));
    CHECK(refused("5;a@b\r\nhello\r\n", 400, "extension"));
    CHECK(refused("5;a=\"b\"=c\r\nhello\r\n", 400, "extension"));
    CHECK(refused("5;aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\nhello\r\n", 400,
                  "too long"));
    /* what follows the data must be CRLF */
    CHECK(refused("5\r\nhelloX\r\n0\r\n\r\n", 400, "missing CRLF"));
    CHECK(refused("5\r\nhello\n0\r\n\r\n", 400, "missing CRLF"));
    CHECK(refused("5\r\nhello\r0\r\n\r\n", 400, "missing CRLF"));
    CHECK(refused("4\r\nhello\r\n0\r\n\r\n", 400, "missing CRLF")); /* size too small */
}

static void test_malformed_trailers(void)
{
    CHECK(refused("0\r\nX: y\r\n folded\r\n\r\n", 400, "folding"));
    CHECK(refused("0\r\n\tX: y\r\n\r\n", 400, "folding"));
    CHECK(refused("0\r\n: y\r\n\r\n", 400, "field line"));
    CHECK(refused("0\r\nX : y\r\n\r\n", 400, "field line"));
    CHECK(refused("0\r\nX\r\n\r\n", 400, "field line"));
    CHECK(refused("0\r\nX y: z\r\n\r\n", 400, "field line"));
    CHECK(refused("0\r\nX: a\x01z\r\n\r\n", 400, "field value"));
    CHECK(refused("0\r\nX: a\x7fz\r\n\r\n", 400, "field value"));
    CHECK(refused_n("0\r\nX: a\0z\r\n\r\n", 12, 400, "field value"));
    CHECK(refused("0\r\n\r\r\n", 400, "bare CR"));
}

static void test_limits(void)
{
    static char big[8192];
    size_t n = 0;
    int i;

    CHECK(refused("1001\r\n", 413, NULL)); /* one byte over MAX_BODY */
    CHECK(refused("1001;a=b\r\n", 413, NULL));
    CHECK(refused("fffffffffffffffff\r\n", 400, "64 bits"));
    CHECK(refused("ffffffffffffffff\r\n", 413, NULL));
    /* leading zeros count against the line's length, not the size */
    CHECK(decodes_to("0000000000000000000000000000000000000001\r\nx\r\n0\r\n\r\n", "x"));
    CHECK(refused("00000000000000000000000000000000000000000000000000000000000000000001\r\nx\r\n", 400,
                  "too long"));
    /* over the limit in two chunks */
    n += (size_t)sprintf(big + n, "800\r\n");
    memset(big + n, 'a', 0x800);
    n += 0x800;
    n += (size_t)sprintf(big + n, "\r\n801\r\n");
    CHECK(refused_n(big, n, 413, NULL));
    /* exactly at the limit */
    n = 0;
    n += (size_t)sprintf(big + n, "1000\r\n");
    memset(big + n, 'b', 0x1000);
    n += 0x1000;
    n += (size_t)sprintf(big + n, "\r\n0\r\n\r\n");
    {
        struct outcome o;

        decode(big, n, &o);
        CHECK(o.rc == RT_HTTP_CHUNKED_DONE && o.used == n && o.body_len == MAX_BODY);
    }
    /* trailer section: at most 128 bytes and 4 fields */
    n = (size_t)sprintf(big, "0\r\n");
    for (i = 0; i < 4; i++)
        n += (size_t)sprintf(big + n, "X-%d: %s\r\n", i, "0123456789012345678");
    n += (size_t)sprintf(big + n, "\r\n");
    CHECK(n - 3 <= 128 && decodes_to(big, ""));
    n = (size_t)sprintf(big, "0\r\n");
    for (i = 0; i < 5; i++)
        n += (size_t)sprintf(big + n, "X-%d: y\r\n", i);
    CHECK(refused(big, 431, "Too many"));
    n = (size_t)sprintf(big, "0\r\nX: ");
    memset(big + n, 'v', 200);
    strcpy(big + n + 200, "\r\n\r\n");
    CHECK(refused(big, 431, "too large"));
}

static void test_error_is_sticky(void)
{
    struct rt_http_chunked d;
    struct outcome o;
    size_t used;

    memset(&o, 0, sizeof(o));
    rt_http_chunked_init(&d, &limits, collect, &o);
    CHECK(rt_http_chunked_feed(&d, "z", 1, &used) == 400);
    CHECK(rt_http_chunked_feed(&d, "0\r\n\r\n", 5, &used) == 400 && used == 0);
}

int main(void)
{
    test_valid_forms();
    test_stops_at_the_end_of_the_body();
    test_smuggling_cases();
    test_malformed_chunk_lines();
    test_malformed_trailers();
    test_limits();
    test_error_is_sticky();
    return test_done();
}

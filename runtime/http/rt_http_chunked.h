/*
 * rt_http_chunked — decoding the chunked transfer coding of a request body,
 * with no I/O: the connection layer (rt_http_read.c) feeds the bytes as
 * they arrive, in any cutting; unit-tested and fuzzed on its own.
 */
#ifndef RT_HTTP_CHUNKED_H
#define RT_HTTP_CHUNKED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The chunked transfer coding (RFC 9112 7.1), decoded exactly:
 *
 *   chunked-body = *chunk last-chunk trailer-section CRLF
 *   chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
 *   chunk-ext    = *( BWS ";" BWS ext-name [ BWS "=" BWS ext-val ] )
 *   ext-val      = token / quoted-string
 *   trailer-section = *( field-name ":" OWS field-value OWS CRLF )
 *
 * Anything else (a bare CR or LF, text after the size that is not an
 * extension, a control byte, a trailer line that is not a field) is an
 * error: two parsers that disagree about where a line ends disagree about
 * where the message ends, which is how a request is smuggled past a proxy.
 * The decoder is a state machine fed byte ranges in any cutting: its result
 * never depends on how the stream was split into reads.  Extensions and
 * trailer fields are checked and dropped, never merged into the headers.
 */

/** Limits the chunked decoder enforces. */
struct rt_http_chunked_limits {
    uint64_t max_body;         /* chunk data bytes in all (413 beyond) */
    size_t max_line;           /* bytes of one chunk-size line, CRLF included (400 beyond) */
    size_t max_trailer;        /* bytes of the trailer section, its final CRLF included (431 beyond) */
    size_t max_trailer_fields; /* trailer field lines (431 beyond) */
};

/** Receives the chunk data, in order, as pointers into the bytes being fed. */
typedef void (*rt_http_chunk_data_cb)(void *arg, const char *data, size_t len);

/** Where the decoding of one chunked body stands (fields private to rt_http_chunked.c). */
struct rt_http_chunked {
    struct rt_http_chunked_limits limits;
    rt_http_chunk_data_cb on_data;
    void *arg;
    int state;
    int status;            /* the error, once one was found (then sticky) */
    const char *detail;    /* static explanation of the error */
    uint64_t size;         /* the current chunk: its size while the line is read, then what is left */
    uint64_t body_len;     /* chunk data bytes so far */
    size_t line_len;       /* bytes of the current chunk-size line so far */
    size_t trailer_len;    /* bytes of the trailer section so far */
    size_t trailer_fields; /* trailer field lines so far */
    char trailer_name[18]; /* the current trailer field's name, lower-cased, as far as it fits */
    size_t trailer_name_len;
};

enum {
    RT_HTTP_CHUNKED_MORE = 0, /* every byte fed was used; the body is not complete yet */
    RT_HTTP_CHUNKED_DONE = 1  /* the body is complete */
};

/** Start decoding a chunked body; @p on_data (with @p arg) receives its data. */
void rt_http_chunked_init(struct rt_http_chunked *d, const struct rt_http_chunked_limits *limits,
                          rt_http_chunk_data_cb on_data, void *arg);

/**
 * Feed the next @p len bytes of the stream to @p d.
 * @return RT_HTTP_CHUNKED_MORE when all of them were used and the body goes
 *         on; RT_HTTP_CHUNKED_DONE when the body ended after *@p used bytes
 *         (what follows belongs to the next message); or the HTTP status to
 *         answer with (400, 413, 431), with d->detail a static explanation.
 *         After an error the framing cannot be trusted: the connection must
 *         close, and further calls return the same error.
 */
int rt_http_chunked_feed(struct rt_http_chunked *d, const char *in, size_t len, size_t *used);

#endif /* RT_HTTP_CHUNKED_H */

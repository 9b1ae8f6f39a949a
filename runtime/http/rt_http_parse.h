/*
 * rt_http_parse — parsing of HTTP/1.x request framing with no I/O: the
 * request head (request line and header fields), and the chunked transfer
 * coding of a body.  The connection layer (rt_http_read.c) hands the bytes
 * over; nothing here knows about sockets or connections, so both parsers are
 * unit-tested and fuzzed on their own.
 */
#ifndef RT_HTTP_PARSE_H
#define RT_HTTP_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct rt_req;

/** How the request's body is framed and how the connection continues. */
struct rt_http_head_info {
    int64_t content_length; /* bytes, or -1 when there is no Content-Length */
    bool chunked;           /* Transfer-Encoding: chunked */
    bool keep_alive;        /* the client allows another request on this connection */
    bool expect_continue;   /* Expect: 100-continue */
};

/**
 * Parse the request head in @p head (@p len bytes, ending with the empty
 * line "\r\n\r\n"; modified in place, and must live as long as @p req,
 * e.g. in the request's memory).  On success fills the method, path,
 * query, version and headers of @p req and @p info.
 * @return 0 on success, or the HTTP status to answer with (400, 431, 501,
 *         505, 417) with *@p detail set to a static explanation.
 */
int rt_http_parse_head(struct rt_req *req, char *head, size_t len, int max_headers,
                       struct rt_http_head_info *info, const char **detail);

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

/** Where the decoding of one chunked body stands (fields private to rt_http_parse.c). */
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

#endif /* RT_HTTP_PARSE_H */

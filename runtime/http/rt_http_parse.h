/*
 * rt_http_parse — parsing of HTTP/1.x request framing with no I/O: the
 * request head (request line and header fields); the chunked transfer
 * coding of a body is rt_http_chunked.h's.  The connection layer (rt_http_read.c) hands the bytes
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
    /*
     * The request line and every header field line were read: the request's
     * headers (and the id of its X-Request-ID) are known, also when the head
     * is then refused for what a header says (400, 417, 501).
     */
    bool fields_parsed;
};

/**
 * Parse the request head in @p head (@p len bytes, ending with the empty
 * line "\r\n\r\n"; modified in place, and must live as long as @p req,
 * e.g. in the request's memory).  On success fills the method, path,
 * query, version and headers of @p req and @p info.
 * @return 0 on success, or the HTTP status to answer with (400, 431, 501,
 *         505, 417) with *@p detail set to a static explanation (and
 *         @p info->fields_parsed telling whether @p req's headers were
 *         read before that).
 */
int rt_http_parse_head(struct rt_req *req, char *head, size_t len, int max_headers,
                       struct rt_http_head_info *info, const char **detail);

/**
 * RFC 9112 9.3: whether a message of HTTP/1.@p http_minor whose Connection
 * field is @p connection (NULL: none) leaves its connection open: HTTP/1.1
 * unless it lists "close", HTTP/1.0 only if it lists "keep-alive".  For the
 * server's requests and the outbound client's answers alike.
 */
bool rt_http_keeps_alive(int http_minor, const char *connection);

#endif /* RT_HTTP_PARSE_H */

/*
 * rt_http_parse — HTTP/1.x request framing (RFC 9112), strict where
 * leniency would let two parsers disagree about a message's framing
 * (request smuggling).  The head: no whitespace before a header's colon,
 * no line folding, no bare CR, digits-only Content-Length, no
 * Content-Length together with Transfer-Encoding.  The chunked body is
 * rt_http_chunked.c's.
 */
#include "rt_http_parse.h"
#include "rt_http_chars.h"
#include "rt_req_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool is_token(const char *s, size_t len)
{
    size_t i;

    if (len == 0)
        return false;
    for (i = 0; i < len; i++) {
        if (!is_tchar((unsigned char)s[i]))
            return false;
    }
    return true;
}

/* Does the comma-separated list @list contain @token (case-insensitive)? */
static bool list_has_token(const char *list, const char *token)
{
    size_t tlen = strlen(token);
    const char *p = list;

    while (*p != '\0') {
        const char *end;
        size_t n;

        while (*p == ' ' || *p == '\t' || *p == ',')
            p++;
        end = p;
        while (*end != '\0' && *end != ',')
            end++;
        n = (size_t)(end - p);
        while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
            n--;
        if (n == tlen && strncasecmp(p, token, n) == 0)
            return true;
        p = end;
    }
    return false;
}

bool rt_http_keeps_alive(int http_minor, const char *connection)
{
    if (http_minor >= 1)
        return connection == NULL || !list_has_token(connection, "close");
    return connection != NULL && list_has_token(connection, "keep-alive");
}

static bool is_request_id(const char *s)
{
    size_t i;

    for (i = 0; s[i] != '\0'; i++) {
        unsigned char ch = (unsigned char)s[i];

        if (i >= 64 || !(is_tchar(ch) && ch != '%' && ch != '`' && ch != '\''))
            return false;
    }
    return i > 0;
}

/* "HTTP/1.1" -> minor 1.  0, or the status to answer with. */
static int parse_version(const char *v, size_t len, int *minor)
{
    if (len == 8 && memcmp(v, "HTTP/1.", 7) == 0 && (v[7] == '0' || v[7] == '1')) {
        *minor = v[7] - '0';
        return 0;
    }
    if (len == 8 && memcmp(v, "HTTP/", 5) == 0 && v[5] >= '0' && v[5] <= '9' && v[6] == '.' && v[7] >= '0' &&
        v[7] <= '9')
        return 505;
    return 400;
}

/*
 * Split the request target into path and query.  Absolute-form
 * ("http://host/path") must be accepted by servers (RFC 9112 3.2.2); the
 * authority is dropped.  Authority- and asterisk-form are for CONNECT and
 * OPTIONS *, which this service does not offer.
 */
static int parse_target(struct rt_req *req, char *target, size_t len)
{
    char *q;
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)target[i];

        if (ch <= 0x20 || ch >= 0x7f)
            return 400;
    }
    if (len > 7 && (strncasecmp(target, "http://", 7) == 0 || strncasecmp(target, "https://", 8) == 0)) {
        char *slash = strchr(target + (target[4] == ':' ? 7 : 8), '/');

        if (slash == NULL)
            target = (char *)"/";
        else
            target = slash;
    }
    if (target[0] != '/')
        return 400;
    q = strchr(target, '?');
    if (q != NULL) {
        *q = '\0';
        req->query = q + 1;
    }
    req->path = target;
    return 0;
}

static int parse_request_line(struct rt_req *req, char *line, size_t len, const char **detail)
{
    char *sp1 = memchr(line, ' ', len), *sp2;
    int rc;

    *detail = "Malformed request line";
    if (sp1 == NULL || !is_token(line, (size_t)(sp1 - line)) || sp1 - line > 32)
        return 400;
    sp2 = memchr(sp1 + 1, ' ', len - (size_t)(sp1 + 1 - line));
    if (sp2 == NULL || sp2 == sp1 + 1)
        return 400;
    rc = parse_version(sp2 + 1, len - (size_t)(sp2 + 1 - line), &req->http_minor);
    if (rc != 0) {
        if (rc == 505)
            *detail = "HTTP version not supported (this server speaks HTTP/1.0 and HTTP/1.1)";
        return rc;
    }
    *sp1 = '\0';
    *sp2 = '\0';
    req->method_name = line;
    req->method = rt_method_parse(line, (size_t)(sp1 - line));
    if (parse_target(req, sp1 + 1, (size_t)(sp2 - sp1 - 1)) != 0) {
        *detail = "Invalid request target: expected an absolute path such as /users/";
        return 400;
    }
    return 0;
}

/* Parse one "name: value" line into @h; 0 or 400. */
static int parse_header_line(char *line, size_t len, struct rt_header *h, const char **detail)
{
    char *colon = memchr(line, ':', len), *v, *end = line + len;
    char *p;

    if (is_ws((unsigned char)line[0])) {
        *detail = "Obsolete header line folding is not supported";
        return 400;
    }
    if (colon == NULL || !is_token(line, (size_t)(colon - line))) {
        *detail = "Malformed header field";
        return 400;
    }
    *colon = '\0';
    v = colon + 1;
    /*
     * "chunked" followed by a tab is a known obfuscation: llhttp (and so
     * Node-based proxies) refuses it while others trim it.  Refuse it too,
     * so that no intermediary can read this framing differently.
     */
    if (memchr(v, '\t', (size_t)(end - v)) != NULL && strcasecmp(line, "Transfer-Encoding") == 0) {
        *detail = "Transfer-Encoding: only spaces may surround its value";
        return 400;
    }
    while (v < end && is_ws((unsigned char)*v))
        v++;
    while (end > v && is_ws((unsigned char)end[-1]))
        end--;
    for (p = v; p < end; p++) {
        if (is_ctl((unsigned char)*p)) {
            *detail = "Invalid character in header field value";
            return 400;
        }
    }
    *end = '\0';
    h->name = line;
    h->value = v;
    return 0;
}

/* Digits only, at most 18 of them (no sign, no spaces, no overflow). */
static int64_t parse_content_length(const char *s)
{
    int64_t v = 0;
    size_t i;

    for (i = 0; s[i] != '\0'; i++) {
        if (s[i] < '0' || s[i] > '9' || i >= 18)
            return -1;
        v = v * 10 + (s[i] - '0');
    }
    return i > 0 ? v : -1;
}

/*
 * The client's X-Request-ID (the last sane one) as the request's id,
 * before the framing headers are checked: an answer that refuses what
 * they say echoes it too.
 */
static void take_request_id(struct rt_req *req)
{
    size_t i;

    for (i = 0; i < req->n_headers; i++) {
        if (strcasecmp(req->headers[i].name, "X-Request-ID") == 0 && is_request_id(req->headers[i].value))
            snprintf(req->id, sizeof(req->id), "%s", req->headers[i].value);
    }
}

/* Interpret the headers that frame the message or steer the connection. */
static int apply_headers(struct rt_req *req, struct rt_http_head_info *info, const char **detail)
{
    size_t i, hosts = 0;
    const char *te = NULL, *connection = NULL;

    info->content_length = -1;
    for (i = 0; i < req->n_headers; i++) {
        const char *name = req->headers[i].name, *value = req->headers[i].value;

        if (strcasecmp(name, "Content-Length") == 0) {
            int64_t n = parse_content_length(value);

            if (n < 0) {
                *detail = "Invalid Content-Length header";
                return 400;
            }
            if (info->content_length >= 0) {
                /* RFC 9112 6.3 allows merging identical ones; llhttp refuses any second one, so do we. */
                *detail = "More than one Content-Length header";
                return 400;
            }
            info->content_length = n;
        } else if (strcasecmp(name, "Transfer-Encoding") == 0) {
            if (te != NULL) {
                *detail = "Transfer-Encoding: only a single chunked coding is supported";
                return 501;
            }
            te = value;
        } else if (strcasecmp(name, "Host") == 0) {
            hosts++;
        } else if (strcasecmp(name, "Connection") == 0) {
            connection = value;
        } else if (strcasecmp(name, "Expect") == 0) {
            if (strcasecmp(value, "100-continue") != 0) {
                *detail = "Only 'Expect: 100-continue' is supported";
                return 417;
            }
            info->expect_continue = true;
        }
    }
    if (te != NULL) {
        if (strcasecmp(te, "chunked") != 0) {
            *detail = "Transfer-Encoding: only chunked is supported";
            return 501;
        }
        if (info->content_length >= 0 || req->http_minor == 0) {
            *detail = "Transfer-Encoding: chunked is not allowed with Content-Length or in HTTP/1.0";
            return 400;
        }
        info->chunked = true;
    }
    if (req->http_minor == 1 && hosts != 1) {
        *detail = hosts == 0 ? "Missing Host header" : "More than one Host header";
        return 400;
    }
    info->keep_alive = rt_http_keeps_alive(req->http_minor, connection);
    return 0;
}

int rt_http_parse_head(struct rt_req *req, char *head, size_t len, int max_headers,
                       struct rt_http_head_info *info, const char **detail)
{
    char *p = head, *end = head + len, *eol;
    size_t n_lines = 0;
    int rc;

    memset(info, 0, sizeof(*info));
    /* Bare CR or NUL anywhere in the head is never valid. */
    for (eol = head; eol < end; eol++) {
        if (*eol == '\0' || (*eol == '\r' && (eol + 1 == end || eol[1] != '\n'))) {
            *detail = "Invalid character in request head";
            return 400;
        }
        if (*eol == '\n')
            n_lines++;
    }
    eol = memchr(p, '\n', (size_t)(end - p));
    if (eol == NULL || eol == p || eol[-1] != '\r') {
        *detail = "Malformed request line";
        return 400;
    }
    rc = parse_request_line(req, p, (size_t)(eol - 1 - p), detail);
    if (rc != 0)
        return rc;
    req->headers = rt_req_alloc(req, (n_lines + 1) * sizeof(*req->headers));
    for (p = eol + 1; p < end; p = eol + 1) {
        eol = memchr(p, '\n', (size_t)(end - p));
        if (eol == NULL || eol[-1] != '\r') {
            *detail = "Malformed header field";
            return 400;
        }
        if (eol - 1 == p) /* the empty line that ends the head */
            break;
        rc = parse_header_line(p, (size_t)(eol - 1 - p), &req->headers[req->n_headers], detail);
        if (rc != 0)
            return rc;
        req->n_headers++;
    }
    info->fields_parsed = true;
    take_request_id(req);
    /* Counted after the split (the head is within max_header_size already),
     * so that this refusal too has the fields: Origin for the CORS headers,
     * the client's request and trace ids. n_lines counts the request line
     * and the final empty line too. */
    if (n_lines > (size_t)max_headers + 2) {
        *detail = "Too many header fields";
        return 431;
    }
    return apply_headers(req, info, detail);
}

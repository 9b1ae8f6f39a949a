/*
 * rt_http_parse — HTTP/1.x request framing (RFC 9112), strict where
 * leniency would let two parsers disagree about a message's framing
 * (request smuggling).  The head: no whitespace before a header's colon,
 * no line folding, no bare CR, digits-only Content-Length, no
 * Content-Length together with Transfer-Encoding.  A chunked body: the
 * exact grammar of chunk-size lines, extensions and trailer fields, every
 * line ended by CRLF.
 */
#include "rt_http_parse.h"
#include "rt_req_internal.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

/* RFC 9110 tchar: the characters of a token (method, header name). */
static bool is_tchar(unsigned char ch)
{
    static const char specials[] = "!#$%&'*+-.^_`|~";

    return (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') ||
           (ch != '\0' && strchr(specials, ch) != NULL);
}

/* RFC 9110 OWS/BWS: space and horizontal tab. */
static bool is_ws(unsigned char ch)
{
    return ch == ' ' || ch == '\t';
}

/* A control character other than HTAB: never in a field value (RFC 9110 field-vchar, SP, HTAB, obs-text). */
static bool is_ctl(unsigned char ch)
{
    return (ch < 0x20 && ch != '\t') || ch == 0x7f;
}

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

            if (n < 0 || (info->content_length >= 0 && n != info->content_length)) {
                *detail = "Invalid Content-Length header";
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
        } else if (strcasecmp(name, "X-Request-ID") == 0 && is_request_id(value)) {
            snprintf(req->id, sizeof(req->id), "%s", value);
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
    if (req->http_minor == 1)
        info->keep_alive = connection == NULL || !list_has_token(connection, "close");
    else
        info->keep_alive = connection != NULL && list_has_token(connection, "keep-alive");
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
    /* n_lines counts the request line and the final empty line too. */
    if (n_lines > (size_t)max_headers + 2) {
        *detail = "Too many header fields";
        return 431;
    }
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
    return apply_headers(req, info, detail);
}

/* --- the chunked transfer coding (RFC 9112 7.1) --- */

enum chunked_state {
    CK_SIZE_FIRST,    /* the first hex digit of a chunk size */
    CK_SIZE,          /* more hex digits, or what may follow them */
    CK_SIZE_BWS,      /* whitespace after the size: only ";" may follow */
    CK_EXT_NAME_BWS,  /* after ";": whitespace, then an extension name */
    CK_EXT_NAME,      /* in an extension name */
    CK_EXT_NAME_BWS2, /* whitespace after a name: "=" or ";" must follow */
    CK_EXT_VALUE_BWS, /* after "=": whitespace, then a token or a quoted string */
    CK_EXT_TOKEN,     /* in a token value */
    CK_EXT_QUOTED,    /* in a quoted-string value */
    CK_EXT_QUOTED_PAIR,
    CK_EXT_QUOTED_END, /* just after a quoted string's closing quote */
    CK_EXT_VALUE_BWS2, /* whitespace after a value: only ";" may follow */
    CK_SIZE_LF,        /* the LF that ends a chunk-size line */
    CK_DATA,
    CK_DATA_CR, /* the CRLF after a chunk's data */
    CK_DATA_LF,
    CK_TRAILER_LINE, /* the start of a trailer field, or of the final CRLF */
    CK_TRAILER_NAME,
    CK_TRAILER_VALUE,
    CK_TRAILER_LF,
    CK_END_LF, /* the LF of the final CRLF */
    CK_DONE,
    CK_ERROR
};

static int hex_value(unsigned char ch)
{
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
        return (ch | 0x20) - 'a' + 10;
    return -1;
}

/* RFC 9110 qdtext (and obs-text), the characters of a quoted string other than '"' and '\'. */
static bool is_qdtext(unsigned char ch)
{
    return ch == '\t' || ch == ' ' || ch == 0x21 || (ch >= 0x23 && ch <= 0x5b) || (ch >= 0x5d && ch != 0x7f);
}

static int chunked_fail(struct rt_http_chunked *d, int status, const char *detail)
{
    d->state = CK_ERROR;
    d->status = status;
    d->detail = detail;
    return status;
}

/* @ch is not allowed in state @at of a chunk-size line: say why, as precisely as the byte tells. */
static int chunk_line_fail(struct rt_http_chunked *d, int at, unsigned char ch)
{
    if (ch == '\n')
        return chunked_fail(d, 400,
                            "Malformed chunked body: bare LF in a chunk-size line (lines end with CRLF)");
    if (ch != '\r' && is_ctl(ch))
        return chunked_fail(d, 400, "Malformed chunked body: control character in a chunk-size line");
    if (at <= CK_SIZE_BWS)
        return chunked_fail(d, 400, "Malformed chunked body: invalid chunk size");
    return chunked_fail(d, 400, "Malformed chunked body: invalid chunk extension");
}

static int trailer_fail(struct rt_http_chunked *d, unsigned char ch)
{
    if (ch == '\n')
        return chunked_fail(d, 400, "Malformed trailer section: bare LF (lines end with CRLF)");
    if (d->state == CK_TRAILER_LINE && is_ws(ch))
        return chunked_fail(d, 400, "Malformed trailer section: obsolete line folding is not supported");
    if (d->state == CK_TRAILER_VALUE)
        return chunked_fail(d, 400, "Malformed trailer section: invalid character in a field value");
    return chunked_fail(d, 400, "Malformed trailer section: expected a field line (name \":\" value)");
}

/* One more hex digit of the chunk size; 0, or the error status. */
static int chunk_size_digit(struct rt_http_chunked *d, int digit)
{
    if (d->size > (UINT64_MAX >> 4))
        return chunked_fail(d, 400, "Malformed chunked body: invalid chunk size (more than 64 bits)");
    d->size = d->size * 16 + (uint64_t)digit;
    return 0;
}

/* The chunk size is complete: does the chunk fit in what is left of the body's limit? */
static int chunk_size_end(struct rt_http_chunked *d)
{
    if (d->size > d->limits.max_body - d->body_len)
        return chunked_fail(d, 413, "Request body too large");
    return 0;
}

/* Where the chunk-size line goes from state @at with byte @ch (CK_ERROR: it may not). */
static int chunk_line_next(int at, unsigned char ch)
{
    switch (at) {
    case CK_SIZE_FIRST:
        return hex_value(ch) >= 0 ? CK_SIZE : CK_ERROR;
    case CK_SIZE:
        if (hex_value(ch) >= 0)
            return CK_SIZE;
        return is_ws(ch) ? CK_SIZE_BWS : ch == ';' ? CK_EXT_NAME_BWS : ch == '\r' ? CK_SIZE_LF : CK_ERROR;
    case CK_SIZE_BWS:
    case CK_EXT_VALUE_BWS2: /* BWS is only allowed before another ";" */
        return is_ws(ch) ? at : ch == ';' ? CK_EXT_NAME_BWS : CK_ERROR;
    case CK_EXT_NAME_BWS:
        return is_ws(ch) ? at : is_tchar(ch) ? CK_EXT_NAME : CK_ERROR;
    case CK_EXT_NAME:
        if (is_tchar(ch))
            return CK_EXT_NAME;
        if (ch == '\r') /* a name without a value ends the line */
            return CK_SIZE_LF;
        return is_ws(ch)   ? CK_EXT_NAME_BWS2
               : ch == '=' ? CK_EXT_VALUE_BWS
               : ch == ';' ? CK_EXT_NAME_BWS
                           : CK_ERROR;
    case CK_EXT_NAME_BWS2:
        return is_ws(ch) ? at : ch == '=' ? CK_EXT_VALUE_BWS : ch == ';' ? CK_EXT_NAME_BWS : CK_ERROR;
    case CK_EXT_VALUE_BWS:
        return is_ws(ch) ? at : is_tchar(ch) ? CK_EXT_TOKEN : ch == '"' ? CK_EXT_QUOTED : CK_ERROR;
    case CK_EXT_TOKEN:
        if (is_tchar(ch))
            return CK_EXT_TOKEN;
        return is_ws(ch)    ? CK_EXT_VALUE_BWS2
               : ch == ';'  ? CK_EXT_NAME_BWS
               : ch == '\r' ? CK_SIZE_LF
                            : CK_ERROR;
    case CK_EXT_QUOTED:
        return is_qdtext(ch) ? CK_EXT_QUOTED
               : ch == '\\'  ? CK_EXT_QUOTED_PAIR
               : ch == '"'   ? CK_EXT_QUOTED_END
                             : CK_ERROR;
    case CK_EXT_QUOTED_PAIR:
        return ch == '\t' || ch == ' ' || (ch > 0x20 && ch != 0x7f) ? CK_EXT_QUOTED : CK_ERROR;
    case CK_EXT_QUOTED_END:
        return is_ws(ch)    ? CK_EXT_VALUE_BWS2
               : ch == ';'  ? CK_EXT_NAME_BWS
               : ch == '\r' ? CK_SIZE_LF
                            : CK_ERROR;
    default:
        return CK_ERROR;
    }
}

/* One byte of a chunk-size line (size, extensions, CRLF); 0, or the error status. */
static int chunk_line_byte(struct rt_http_chunked *d, unsigned char ch)
{
    int at = d->state, next;

    if (++d->line_len > d->limits.max_line)
        return chunked_fail(d, 400, "Malformed chunked body: chunk-size line too long");
    if (at == CK_SIZE_LF) {
        if (ch != '\n')
            return chunked_fail(d, 400, "Malformed chunked body: bare CR in a chunk-size line");
        d->state = d->size == 0 ? CK_TRAILER_LINE : CK_DATA;
        return 0;
    }
    next = chunk_line_next(at, ch);
    if (next == CK_ERROR)
        return chunk_line_fail(d, at, ch);
    d->state = next;
    if (next == CK_SIZE)
        return chunk_size_digit(d, hex_value(ch));
    if (at == CK_SIZE)
        return chunk_size_end(d);
    return 0;
}

/* One byte of the trailer section (field lines, then CRLF); 0, or the error status. */
static int trailer_byte(struct rt_http_chunked *d, unsigned char ch)
{
    if (++d->trailer_len > d->limits.max_trailer)
        return chunked_fail(d, 431, "Request trailer fields too large");
    switch (d->state) {
    case CK_TRAILER_LINE:
        if (ch == '\r') {
            d->state = CK_END_LF;
            return 0;
        }
        if (!is_tchar(ch))
            return trailer_fail(d, ch);
        if (++d->trailer_fields > d->limits.max_trailer_fields)
            return chunked_fail(d, 431, "Too many trailer fields");
        d->state = CK_TRAILER_NAME;
        return 0;
    case CK_TRAILER_NAME:
        if (ch == ':')
            d->state = CK_TRAILER_VALUE;
        else if (!is_tchar(ch))
            return trailer_fail(d, ch);
        return 0;
    case CK_TRAILER_VALUE:
        if (ch == '\r')
            d->state = CK_TRAILER_LF;
        else if (!!is_ctl(ch))
            return trailer_fail(d, ch);
        return 0;
    case CK_TRAILER_LF:
    case CK_END_LF:
        if (ch != '\n')
            return chunked_fail(d, 400, "Malformed trailer section: bare CR (lines end with CRLF)");
        d->state = d->state == CK_END_LF ? CK_DONE : CK_TRAILER_LINE;
        return 0;
    default:
        return trailer_fail(d, ch);
    }
}

void rt_http_chunked_init(struct rt_http_chunked *d, const struct rt_http_chunked_limits *limits,
                          rt_http_chunk_data_cb on_data, void *arg)
{
    memset(d, 0, sizeof(*d));
    d->limits = *limits;
    d->on_data = on_data;
    d->arg = arg;
    d->state = CK_SIZE_FIRST;
}

int rt_http_chunked_feed(struct rt_http_chunked *d, const char *in, size_t len, size_t *used)
{
    size_t i = 0;
    int rc = 0;

    while (i < len && rc == 0 && d->state != CK_DONE && d->state != CK_ERROR) {
        unsigned char ch = (unsigned char)in[i];

        switch (d->state) {
        case CK_DATA: {
            size_t n = len - i < d->size ? len - i : (size_t)d->size;

            d->on_data(d->arg, in + i, n);
            d->size -= n;
            d->body_len += n;
            i += n;
            if (d->size == 0)
                d->state = CK_DATA_CR;
            continue;
        }
        case CK_DATA_CR:
        case CK_DATA_LF:
            if (ch != (d->state == CK_DATA_CR ? '\r' : '\n')) {
                rc = chunked_fail(d, 400, "Malformed chunked body: missing CRLF after chunk data");
                break;
            }
            if (d->state == CK_DATA_CR) {
                d->state = CK_DATA_LF;
            } else {
                d->state = CK_SIZE_FIRST;
                d->line_len = 0;
            }
            break;
        case CK_TRAILER_LINE:
        case CK_TRAILER_NAME:
        case CK_TRAILER_VALUE:
        case CK_TRAILER_LF:
        case CK_END_LF:
            rc = trailer_byte(d, ch);
            break;
        default:
            rc = chunk_line_byte(d, ch);
            break;
        }
        i++;
    }
    *used = i;
    if (d->state == CK_ERROR)
        return d->status;
    return d->state == CK_DONE ? RT_HTTP_CHUNKED_DONE : RT_HTTP_CHUNKED_MORE;
}

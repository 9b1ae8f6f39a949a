/*
 * rt_http_chunked — the chunked transfer coding of a request body (RFC
 * 9112 7.1), decoded exactly (see rt_http_chunked.h): the grammar of
 * chunk-size lines, extensions and trailer fields, every line ended by
 * CRLF, so that no other parser can end the body somewhere else.
 */
#include "rt_http_chunked.h"
#include "rt_http_chars.h"

#include <string.h>

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

/*
 * Whether the lower-cased field name @p name (@p len bytes) frames a message
 * (RFC 9110 6.5.1: such fields are not allowed in a trailer section).
 */
static bool is_framing_field(const char *name, size_t len)
{
    return (len == 14 && memcmp(name, "content-length", 14) == 0) ||
           (len == 17 && memcmp(name, "transfer-encoding", 17) == 0);
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
        d->trailer_name[0] = (char)(ch | 0x20);
        d->trailer_name_len = 1;
        d->state = CK_TRAILER_NAME;
        return 0;
    case CK_TRAILER_NAME:
        if (ch == ':') {
            if (is_framing_field(d->trailer_name, d->trailer_name_len))
                return chunked_fail(d, 400,
                                    "Malformed trailer section: Content-Length and Transfer-Encoding "
                                    "may not be sent as trailer fields");
            d->state = CK_TRAILER_VALUE;
        } else if (!is_tchar(ch)) {
            return trailer_fail(d, ch);
        } else if (d->trailer_name_len < sizeof(d->trailer_name)) {
            d->trailer_name[d->trailer_name_len++] = (char)(ch | 0x20);
        } else {
            d->trailer_name_len = sizeof(d->trailer_name) + 1; /* longer than any framing field */
        }
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

/*
 * rt_multipart — multipart/form-data: the boundary from the Content-Type,
 * then the body: delimiters, each part's headers, its bytes.
 */
#include "rt_multipart.h"
#include "rt_http_chars.h"

#include <stdbool.h>
#include <string.h>
#include <strings.h>

/* "\r\n--" boundary: the delimiter as it appears between parts. */
struct delim {
    char text[RT_MULTIPART_BOUNDARY_MAX + 5];
    size_t len;
};

static int fail(struct rt_multipart_error *err, const char *why, size_t offset)
{
    err->why = why;
    err->offset = offset;
    return -1;
}

/* --- parameters: OWS ";" OWS name "=" (token | quoted-string) --- */

static const char *skip_ows(const char *s)
{
    while (is_ws((unsigned char)*s))
        s++;
    return s;
}

char rt_multipart_form_escape(const char *s)
{
    if (s[0] != '%')
        return 0;
    if (s[1] == '2' && s[2] == '2')
        return '"';
    if (s[1] == '0' && s[2] == 'D')
        return '\r';
    if (s[1] == '0' && s[2] == 'A')
        return '\n';
    return 0;
}

/*
 * The value at @p s (a token, or a quoted-string whose quoted-pairs are
 * unescaped; with @p escapes, rt_multipart_form_escape()'s three escapes decoded too,
 * except after a backslash: "\\%22" is "%22") into @p out (@p cap bytes
 * with its NUL): a longer value is cut there, NUL-terminated, and
 * *@p out_len is its whole length (more than @p cap - 1 says it was cut).
 * @return the end of the value in @p s, or NULL (malformed).
 */
static const char *param_value(const char *s, bool escapes, char *out, size_t cap, size_t *out_len)
{
    size_t n = 0;
    char ch;

    if (*s != '"') {
        for (; is_tchar((unsigned char)*s); s++, n++) {
            ch = escapes ? rt_multipart_form_escape(s) : 0;
            if (ch != 0)
                s += 2;
            if (n + 1 < cap)
                out[n] = ch != 0 ? ch : *s;
        }
        out[n < cap ? n : cap - 1] = '\0';
        *out_len = n;
        return n > 0 ? s : NULL;
    }
    for (s++; *s != '"'; s++, n++) {
        ch = escapes ? rt_multipart_form_escape(s) : 0;
        if (ch != 0) {
            s += 2; /* a decoded CR or LF is data, not the control character refused below */
        } else {
            if (*s == '\\')
                s++;
            if (*s == '\0' || is_ctl((unsigned char)*s))
                return NULL; /* unterminated, or a control character */
            ch = *s;
        }
        if (n + 1 < cap)
            out[n] = ch;
    }
    out[n < cap ? n : cap - 1] = '\0';
    *out_len = n;
    return s + 1;
}

/*
 * One parameter at *@p s into @p name (its span in *@p s) and @p out
 * (param_value(), with @p escapes).
 * @return 1 (and *@p s past it), 0 if only blanks are left, -1 if malformed.
 */
static int next_param(const char **s, bool escapes, const char **name, size_t *name_len, char *out,
                      size_t cap, size_t *out_len)
{
    const char *p = skip_ows(*s);

    if (*p == '\0')
        return 0;
    if (*p != ';')
        return -1;
    p = skip_ows(p + 1);
    *name = p;
    while (is_tchar((unsigned char)*p))
        p++;
    *name_len = (size_t)(p - *name);
    if (*name_len == 0 || *p != '=')
        return -1;
    p = param_value(p + 1, escapes, out, cap, out_len);
    if (p == NULL)
        return -1;
    *s = p;
    return 1;
}

static bool name_is(const char *name, size_t len, const char *want)
{
    return len == strlen(want) && strncasecmp(name, want, len) == 0;
}

/* RFC 2046 §5.1.1 bchars. */
static bool is_bchar(unsigned char ch)
{
    return (ch >= '0' && ch <= '9') || ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'z') ||
           (ch != '\0' && strchr("'()+_,-./:=? ", ch) != NULL);
}

static enum rt_multipart_type bad_boundary(struct rt_multipart_error *err, const char *why, size_t at)
{
    fail(err, why, at);
    return RT_MULTIPART_BAD_BOUNDARY;
}

enum rt_multipart_type rt_multipart_boundary(const char *content_type, char *out,
                                             struct rt_multipart_error *err)
{
    static const char type[] = "multipart/form-data";
    const char *s = content_type, *name;
    char value[RT_MULTIPART_BOUNDARY_MAX + 2];
    size_t name_len, len;
    bool found = false;
    int rc;

    if (s == NULL)
        return RT_MULTIPART_OTHER_TYPE;
    s = skip_ows(s);
    if (strncasecmp(s, type, sizeof(type) - 1) != 0 ||
        (s[sizeof(type) - 1] != '\0' && s[sizeof(type) - 1] != ';' &&
         !is_ws((unsigned char)s[sizeof(type) - 1])))
        return RT_MULTIPART_OTHER_TYPE;
    s += sizeof(type) - 1;
    while ((rc = next_param(&s, false, &name, &name_len, value, sizeof(value), &len)) == 1) {
        if (!name_is(name, name_len, "boundary"))
            continue;
        if (found)
            return bad_boundary(err, "the boundary parameter is given twice", (size_t)(name - content_type));
        if (len > RT_MULTIPART_BOUNDARY_MAX) /* value holds its first 71 characters only */
            return bad_boundary(err, "the boundary is longer than 70 characters",
                                (size_t)(name - content_type));
        for (size_t i = 0; i < len; i++) {
            if (!is_bchar((unsigned char)value[i]))
                return bad_boundary(err, "the boundary has a character RFC 2046 does not allow",
                                    (size_t)(name - content_type));
        }
        if (len == 0 || value[len - 1] == ' ')
            return bad_boundary(err, "the boundary is empty or ends with a space",
                                (size_t)(name - content_type));
        memcpy(out, value, len + 1);
        found = true;
    }
    if (rc < 0)
        return bad_boundary(err, "malformed parameters", (size_t)(s - content_type));
    if (!found)
        return bad_boundary(err, "the boundary parameter is missing", 0);
    return RT_MULTIPART_FORM_DATA;
}

/* --- one part's headers --- */

struct alloc {
    void *(*fn)(void *ctx, size_t size);
    void *ctx;
};

/*
 * Content-Disposition: form-data; name="..."; filename="..." (@p line: the
 * value, NUL-terminated).  Each value is unescaped into one scratch buffer
 * (a browser's %22, %0D and %0A too: rt_multipart_form_escape(); the values of other
 * parameters are decoded the same way, and dropped);
 * only name and filename are kept, in memory of their own size (a line of
 * many parameters costs its length twice, never its length per parameter).
 */
static int disposition(const char *line, struct rt_multipart_part *part, const struct alloc *a,
                       struct rt_multipart_error *err, size_t at)
{
    const char *s = line, *name;
    size_t name_len, len, cap = strlen(line) + 1;
    char *scratch = a->fn(a->ctx, cap), *kept;
    int rc;

    if (strncasecmp(s, "form-data", 9) != 0 || (s[9] != '\0' && s[9] != ';' && !is_ws((unsigned char)s[9])))
        return fail(err, "a part's Content-Disposition is not form-data", at);
    s += 9;
    while ((rc = next_param(&s, true, &name, &name_len, scratch, cap, &len)) == 1) {
        if (name_is(name, name_len, "filename*"))
            return fail(err, "filename* (RFC 5987) is not accepted: RFC 7578 says senders must not use it",
                        at);
        if (name_is(name, name_len, "name") || name_is(name, name_len, "filename")) {
            const char **dst = name_len == 4 ? &part->name : &part->filename;

            if (*dst != NULL)
                return fail(err, "a Content-Disposition parameter is given twice", at);
            kept = a->fn(a->ctx, len + 1);
            memcpy(kept, scratch, len);
            *dst = kept;
        }
    }
    if (rc < 0)
        return fail(err, "malformed Content-Disposition parameters", at);
    if (part->name == NULL)
        return fail(err, "a part has no name (Content-Disposition: form-data; name=\"...\")", at);
    return 0;
}

enum { SEEN_DISPOSITION = 1, SEEN_TYPE = 2, SEEN_ENCODING = 4 };

/* The value of the header line [@p v, @p eol), trimmed, copied NUL-terminated. */
static char *header_value(const char *v, const char *eol, const struct alloc *a)
{
    char *out;

    while (v < eol && is_ws((unsigned char)*v))
        v++;
    while (eol > v && is_ws((unsigned char)eol[-1]))
        eol--;
    out = a->fn(a->ctx, (size_t)(eol - v) + 1);
    memcpy(out, v, (size_t)(eol - v));
    return out;
}

/* Whether the header's name [@p name, @p colon) is @p want. */
static bool header_is(const char *name, const char *colon, const char *want)
{
    return name_is(name, (size_t)(colon - name), want);
}

/* The header whose name is [@p line, @p colon) and value @p v (Content-Disposition, -Type,
 * -Transfer-Encoding). */
static int known_header(const char *line, const char *colon, const char *v, struct rt_multipart_part *part,
                        const struct alloc *a, unsigned *seen, struct rt_multipart_error *err, size_t at)
{
    if (header_is(line, colon, "Content-Disposition")) {
        if (*seen & SEEN_DISPOSITION)
            return fail(err, "a part has two Content-Disposition headers", at);
        *seen |= SEEN_DISPOSITION;
        return disposition(v, part, a, err, at);
    }
    if (header_is(line, colon, "Content-Type")) {
        if (*seen & SEEN_TYPE)
            return fail(err, "a part has two Content-Type headers", at);
        *seen |= SEEN_TYPE;
        part->content_type = v;
        return 0;
    }
    if (header_is(line, colon, "Content-Transfer-Encoding") && strcasecmp(v, "binary") != 0 &&
        strcasecmp(v, "8bit") != 0 && strcasecmp(v, "7bit") != 0)
        return fail(err, "a part's Content-Transfer-Encoding is not 7bit, 8bit or binary (RFC 7578 §4.7)",
                    at);
    return 0; /* another header: nothing a form field depends on */
}

/* One header line [@p line, @p eol) of @p part. */
static int header_line(const char *body, const char *line, const char *eol, struct rt_multipart_part *part,
                       const struct alloc *a, unsigned *seen, struct rt_multipart_error *err)
{
    size_t at = (size_t)(line - body);
    const char *colon = line;

    if (is_ws((unsigned char)*line))
        return fail(err, "obsolete line folding in a part's headers", at);
    while (colon < eol && is_tchar((unsigned char)*colon))
        colon++;
    if (colon == line || colon == eol || *colon != ':')
        return fail(err, "a malformed header line in a part", at);
    for (const char *q = colon + 1; q < eol; q++) {
        if (*q == '\r' || *q == '\n' || *q == '\0')
            return fail(err, "a bare CR or LF, or a NUL, in a part's header", (size_t)(q - body));
    }
    return known_header(line, colon, header_value(colon + 1, eol, a), part, a, seen, err, at);
}

/*
 * The headers of @p part from @p p up to their empty line.
 * @return the first byte of the part's data, or NULL (@p err set).
 */
static const char *part_headers(const char *body, const char *p, const char *end,
                                struct rt_multipart_part *part, const struct alloc *a,
                                struct rt_multipart_error *err)
{
    unsigned seen = 0;

    part->offset = (size_t)(p - body);
    for (;;) {
        const char *eol = memmem(p, (size_t)(end - p), "\r\n", 2);

        if (eol == NULL) {
            fail(err, "a part's headers do not end (no empty line)", (size_t)(p - body));
            return NULL;
        }
        if (eol == p)
            break;
        if (end - eol > 2 && is_ws((unsigned char)eol[2])) { /* the next line continues this one */
            fail(err, "obsolete line folding in a part's headers", (size_t)(eol + 2 - body));
            return NULL;
        }
        if (header_line(body, p, eol, part, a, &seen, err) < 0)
            return NULL;
        p = eol + 2;
    }
    if (!(seen & SEEN_DISPOSITION)) {
        fail(err, "a part has no Content-Disposition header", part->offset);
        return NULL;
    }
    return p + 2;
}

/* --- the body --- */

/*
 * Room for one more part in *@p out (*@p cap of them): a new array twice
 * as large when full.  Arena memory is never freed, so the old arrays add
 * up to the last one at most; a part takes at least ~45 bytes of body
 * ("--b", CRLF, "Content-Disposition: form-data; name=x", CRLF CRLF), so
 * the arrays stay within about twice the body's size.
 */
static void grow(struct rt_multipart_part **out, size_t n, size_t *cap, const struct alloc *a)
{
    struct rt_multipart_part *bigger;

    if (n < *cap)
        return;
    *cap = *cap ? 2 * *cap : 8;
    bigger = a->fn(a->ctx, *cap * sizeof(*bigger));
    if (n > 0)
        memcpy(bigger, *out, n * sizeof(*bigger));
    *out = bigger;
}

/*
 * After a delimiter's "--boundary" at @p p: "--" then blanks then CRLF or
 * the end (closing: 1), or blanks then CRLF (a part follows: 0, *@p next
 * past the CRLF).
 * @return 1, 0, or -1 (@p err set).
 */
static int after_delim(const char *body, const char *p, const char *end, const char **next,
                       struct rt_multipart_error *err)
{
    bool closing = end - p >= 2 && p[0] == '-' && p[1] == '-';

    p += closing ? 2 : 0;
    while (p < end && is_ws((unsigned char)*p))
        p++; /* transport padding */
    if (closing && p == end)
        return 1;
    if (end - p < 2 || p[0] != '\r' || p[1] != '\n')
        return fail(err,
                    closing ? "bytes after the closing delimiter on its line"
                            : "a delimiter line does not end with CRLF",
                    (size_t)(p - body));
    *next = p + 2;
    return closing ? 1 : 0; /* after the closing one: the epilogue, skipped */
}

/* The first delimiter: at the very start, or after a preamble and the CRLF that ends it; NULL if none. */
static const char *first_delim(const char *body, size_t len, const struct delim *d)
{
    const char *p;

    if (len >= d->len - 2 && memcmp(body, d->text + 2, d->len - 2) == 0)
        return body;
    p = memmem(body, len, d->text, d->len);
    return p != NULL ? p + 2 : NULL;
}

int rt_multipart_parse(const char *body, size_t len, const char *boundary,
                       void *(*alloc)(void *ctx, size_t size), void *ctx, struct rt_multipart_part **parts,
                       size_t *n_parts, struct rt_multipart_error *err)
{
    const struct alloc a = {alloc, ctx};
    const char *end = body + len, *p, *data, *next;
    struct rt_multipart_part *out = NULL;
    struct delim d;
    size_t n = 0, cap = 0;
    int rc;

    *parts = NULL;
    *n_parts = 0;
    d.len = strlen(boundary) + 4;
    if (d.len - 4 == 0 || d.len - 4 > RT_MULTIPART_BOUNDARY_MAX)
        return fail(err, "the boundary is empty or longer than 70 characters", 0);
    memcpy(d.text, "\r\n--", 4);
    memcpy(d.text + 4, boundary, d.len - 4);
    p = first_delim(body, len, &d); /* p: at "--boundary" */
    if (p == NULL)
        return fail(err, "no delimiter line (--boundary) in the body", 0);
    while ((rc = after_delim(body, p + d.len - 2, end, &p, err)) == 0) {
        grow(&out, n, &cap, &a);
        if ((data = part_headers(body, p, end, &out[n], &a, err)) == NULL)
            return -1;
        next = memmem(data, (size_t)(end - data), d.text, d.len);
        if (next == NULL)
            return fail(err, "the closing delimiter (--boundary--) is missing", len);
        out[n].data = data;
        out[n++].size = (size_t)(next - data);
        p = next + 2;
    }
    if (rc < 0)
        return -1;
    *parts = out;
    *n_parts = n;
    return 0;
}

/*
 * rt_multipart — a multipart/form-data body (RFC 7578, in RFC 2046's
 * multipart syntax) split into its parts.
 *
 * Nothing of the parts' bytes is copied: each part's data points into the
 * body.  What is copied (NUL-terminated, through the caller's allocator)
 * are the few header values a part is named by: its name, its filename and
 * its Content-Type.  The parser is strict where being lax would let two
 * readers see two different forms:
 *   - every line of the framing ends with CRLF (a bare LF or CR is an error);
 *   - obsolete line folding in a part's headers is refused (RFC 9112 §5.2);
 *   - the closing delimiter "--boundary--" is required (a truncated upload
 *     is refused, not read as complete);
 *   - each part has Content-Disposition: form-data with a name; a
 *     filename* parameter (RFC 5987) is refused, as RFC 7578 §4.2 says
 *     senders MUST NOT use it (browsers send filename="..." only);
 *   - Content-Transfer-Encoding other than 7bit, 8bit or binary is refused
 *     (RFC 7578 §4.7 deprecates it; decoding it is not supported).
 * A name or filename is unescaped: a quoted-string's quoted-pairs, and
 * the three escapes of the HTML standard's multipart/form-data encoding
 * (what browsers send): %22 for '"', %0D for CR, %0A for LF, upper-case as
 * sent, and no other percent sequence ("%41" stays "%41": browsers send a
 * '%' as it is, so only these three are escapes).  A '%' after a backslash
 * begins no escape ("\%22" is "%22"), which is how rt_api_client's writer
 * sends a name that really holds "%22".
 * A preamble before the first delimiter and an epilogue after the closing
 * one are skipped, as are transport padding (blanks) after a delimiter and
 * part headers other than the three above.
 *
 * Threading: none; the functions only read their arguments.
 */
#ifndef RT_MULTIPART_H
#define RT_MULTIPART_H

#include <stddef.h>

/** The longest boundary RFC 2046 §5.1.1 allows. */
#define RT_MULTIPART_BOUNDARY_MAX 70

/** One part of a multipart/form-data body. */
struct rt_multipart_part {
    const char *name;         /* Content-Disposition's name, unescaped (NUL-terminated, allocated) */
    const char *filename;     /* its filename, unescaped; NULL: none (a text field), "" if sent empty */
    const char *content_type; /* the part's Content-Type, trimmed; NULL: absent (text/plain, RFC 7578 §4.4) */
    const char *data;         /* the part's bytes, inside the body: NOT NUL-terminated */
    size_t size;              /* bytes at data */
    size_t offset;            /* of the part's first header line in the body (for error locations) */
};

/** Why a Content-Type or a body was refused, and where. */
struct rt_multipart_error {
    const char *why; /* a static English sentence */
    size_t offset;   /* in the body (parse), or in the Content-Type value (boundary) */
};

/** What rt_multipart_boundary() found. */
enum rt_multipart_type {
    RT_MULTIPART_FORM_DATA = 0,    /* multipart/form-data with a valid boundary */
    RT_MULTIPART_OTHER_TYPE = -1,  /* another media type (or none) */
    RT_MULTIPART_BAD_BOUNDARY = -2 /* multipart/form-data whose boundary is missing or invalid (err set) */
};

/**
 * Read the boundary parameter of the Content-Type value @p content_type
 * (NULL: none) into @p out (RT_MULTIPART_BOUNDARY_MAX + 1 bytes): a token
 * or a quoted-string, 1 to 70 of RFC 2046's bchars, not ending in a space.
 * Parameters are "; name=value" pairs; the media type compares in any case.
 */
enum rt_multipart_type rt_multipart_boundary(const char *content_type, char *out,
                                             struct rt_multipart_error *err);

/**
 * The HTML standard's escapes in a field name or filename (its
 * multipart/form-data encoding algorithm, what every browser sends): '"'
 * as %22, CR as %0D, LF as %0A, and no other byte escaped (a '%' itself
 * goes as it is, so "%41" is those three characters).  The parser decodes
 * them; a writer escapes a '%' that would begin one.
 * @return the byte @p s (NUL-terminated) begins the escape of, or 0.
 */
char rt_multipart_form_escape(const char *s);

/**
 * Split @p body (@p len bytes; any bytes, NUL included) into its parts,
 * delimited by @p boundary (from rt_multipart_boundary()).  *@p parts is
 * an array of *@p n_parts parts (none: a body of only the closing
 * delimiter) from @p alloc(@p ctx, size), which returns zeroed memory or
 * does not return; nothing is freed by this module: give it memory that
 * is released all at once (a request's).
 * @return 0, or -1 with @p err set (and *@p n_parts 0).
 */
int rt_multipart_parse(const char *body, size_t len, const char *boundary,
                       void *(*alloc)(void *ctx, size_t size), void *ctx, struct rt_multipart_part **parts,
                       size_t *n_parts, struct rt_multipart_error *err);

#endif /* RT_MULTIPART_H */

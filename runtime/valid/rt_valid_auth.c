/*
 * rt_valid_auth — credential parsers and challenges (see rt_valid_auth.h).
 *
 * Everything here is strict: a credential that is not exactly in its
 * grammar is malformed (401), never guessed at, so that what a verifier
 * sees is what the client meant.
 */
#include "rt_valid_auth.h"

#include "rt_url.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool is_token68_char(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
}

const char *rt_valid_auth_token68(const char *header, const char *scheme, size_t *len)
{
    size_t n = strlen(scheme), i, start;

    if (header == NULL || strncasecmp(header, scheme, n) != 0 || header[n] != ' ')
        return NULL;
    i = n;
    while (header[i] == ' ')
        i++;
    start = i;
    while (is_token68_char((unsigned char)header[i]))
        i++;
    if (i == start)
        return NULL;
    while (header[i] == '=')
        i++;
    /* Trailing white space is not part of a field value (RFC 9110 §5.5); the parser keeps none, but be sure.
     */
    if (header[i] != '\0')
        return NULL;
    *len = i - start;
    return header + start;
}

/* The value of one base64 character, or -1. */
static int b64_value(unsigned char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    if (c == '+')
        return 62;
    if (c == '/')
        return 63;
    return -1;
}

/* Decode padded base64 (RFC 4648 §4) into out; -1 if malformed.  out has room for len bytes. */
static long b64_decode(const char *in, size_t len, char *out)
{
    size_t i, o = 0;

    if (len == 0 || len % 4 != 0)
        return -1;
    for (i = 0; i < len; i += 4) {
        int v[4], k, pad = 0;

        for (k = 0; k < 4; k++) {
            if (in[i + k] == '=' && i + 4 == len && k >= 2) {
                v[k] = 0;
                pad++;
                continue;
            }
            if (pad > 0) /* a character after '=' */
                return -1;
            v[k] = b64_value((unsigned char)in[i + k]);
            if (v[k] < 0)
                return -1;
        }
        /* The bits below the last character must be zero (RFC 4648 §3.5): one text per credential. */
        if ((pad == 1 && (v[2] & 3) != 0) || (pad == 2 && (v[1] & 15) != 0))
            return -1;
        out[o++] = (char)((v[0] << 2) | (v[1] >> 4));
        if (pad < 2)
            out[o++] = (char)(((v[1] & 15) << 4) | (v[2] >> 2));
        if (pad < 1)
            out[o++] = (char)(((v[2] & 3) << 6) | v[3]);
    }
    return (long)o;
}

/* Valid UTF-8 without control characters (RFC 7617 §2: user-id and password have none). */
static bool text_ok(const char *s, size_t len)
{
    size_t i;

    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x20 || c == 0x7f)
            return false;
    }
    return rt_url_utf8_length(s, len) >= 0;
}

int rt_valid_auth_basic_decode(const char *b64, size_t len, char *buf, const char **user,
                               const char **password)
{
    long n = b64_decode(b64, len, buf);
    char *colon;

    if (n < 0)
        return -1;
    colon = memchr(buf, ':', (size_t)n);
    if (colon == NULL || !text_ok(buf, (size_t)(colon - buf)) ||
        !text_ok(colon + 1, (size_t)(n - (colon + 1 - buf))))
        return -1;
    /* n <= len * 3 / 4 < len, so the NUL fits. */
    buf[n] = '\0';
    *colon = '\0';
    *user = buf;
    *password = colon + 1;
    return 0;
}

/* cookie-octet (RFC 6265 §4.1.1): visible US-ASCII except DQUOTE, comma, semicolon and backslash. */
static bool is_cookie_octet(unsigned char c)
{
    return c == 0x21 || (c >= 0x23 && c <= 0x2b) || (c >= 0x2d && c <= 0x3a) || (c >= 0x3c && c <= 0x5b) ||
           (c >= 0x5d && c <= 0x7e);
}

int rt_valid_auth_cookie(const char *header, const char *name, const char **value, size_t *len)
{
    size_t name_len = strlen(name);
    const char *p = header;

    if (header == NULL)
        return 0;
    while (*p != '\0') {
        const char *end = strchr(p, ';'), *v;
        size_t vlen;

        if (end == NULL)
            end = p + strlen(p);
        /* Only our cookie is judged: another application's cookie on the same host (browsers send them all)
         * may be anything, and must not lock the client out. */
        if ((size_t)(end - p) > name_len && memcmp(p, name, name_len) == 0 && p[name_len] == '=') {
            v = p + name_len + 1;
            vlen = (size_t)(end - v);
            if (vlen >= 2 && v[0] == '"' && v[vlen - 1] == '"') {
                v++;
                vlen -= 2;
            }
            for (size_t i = 0; i < vlen; i++)
                if (!is_cookie_octet((unsigned char)v[i]))
                    return -1;
            *value = v;
            *len = vlen;
            return 1;
        }
        if (*end == '\0')
            break;
        /* "; " between pairs (RFC 6265 §4.2.1); a bare ';' or more spaces are tolerated */
        p = end + 1;
        while (*p == ' ')
            p++;
    }
    return 0;
}

/* scope-token (RFC 6750 §3): %x21 / %x23-5B / %x5D-7E; a scope with another character is left out. */
static bool is_scope_token(const char *s)
{
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++)
        if (!(*s == 0x21 || (*s >= 0x23 && *s <= 0x5b) || (*s >= 0x5d && *s <= 0x7e)))
            return false;
    return true;
}

/* Append to the @p size bytes at @p buf, whose text so far needs *@p len (more than size once truncated). */
__attribute__((format(printf, 4, 5))) static void append(char *buf, size_t size, size_t *len, const char *fmt,
                                                         ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(*len < size ? buf + *len : NULL, *len < size ? size - *len : 0, fmt, ap);
    va_end(ap);
    *len += n > 0 ? (size_t)n : 0;
}

/* Bearer's challenge (RFC 6750 §3): its auth-params after "Bearer ", comma-separated.  The length it needs,
 * which is >= size if it was truncated. */
static size_t bearer_challenge(const struct rt_auth_scheme *scheme, const char *error,
                               const struct rt_auth_use *use, char *buf, size_t size)
{
    size_t len = 0, n_scopes = 0;
    const char *sep = " ";

    append(buf, size, &len, "Bearer");
    if (scheme->realm != NULL) {
        append(buf, size, &len, "%srealm=\"%s\"", sep, scheme->realm);
        sep = ", ";
    }
    if (error != NULL) {
        append(buf, size, &len, "%serror=\"%s\"", sep, error);
        sep = ", ";
    }
    for (size_t i = 0; use != NULL && i < use->n_scopes; i++) {
        if (!is_scope_token(use->scopes[i]))
            continue;
        if (n_scopes++ == 0)
            append(buf, size, &len, "%sscope=\"%s", sep, use->scopes[i]);
        else
            append(buf, size, &len, " %s", use->scopes[i]);
    }
    if (n_scopes > 0)
        append(buf, size, &len, "\"");
    return len;
}

char *rt_valid_auth_challenge(const struct rt_auth_scheme *scheme, bool invalid,
                              const struct rt_auth_use *use, char *buf, size_t size)
{
    static const char *const where[] = {[RT_AUTH_API_KEY_HEADER] = "header",
                                        [RT_AUTH_API_KEY_QUERY] = "query",
                                        [RT_AUTH_API_KEY_COOKIE] = "cookie"};

    switch (scheme->kind) {
    case RT_AUTH_HTTP_BEARER:
        /* scopes that do not fit are left out rather than cut: a cut one would name another scope */
        if (bearer_challenge(scheme, invalid ? "invalid_token" : NULL, use, buf, size) >= size)
            bearer_challenge(scheme, invalid ? "invalid_token" : NULL, NULL, buf, size);
        break;
    case RT_AUTH_HTTP_BASIC:
        snprintf(buf, size, "Basic realm=\"%s\", charset=\"UTF-8\"", scheme->realm ? scheme->realm : "api");
        break;
    default:
        snprintf(buf, size, "APIKey %s=\"%s\"", where[scheme->kind], scheme->param);
        break;
    }
    return buf;
}

char *rt_valid_auth_insufficient_scope(const struct rt_auth_scheme *scheme, const struct rt_auth_use *use,
                                       char *buf, size_t size)
{
    if (scheme->kind != RT_AUTH_HTTP_BEARER || use == NULL || use->n_scopes == 0)
        return NULL;
    if (bearer_challenge(scheme, "insufficient_scope", use, buf, size) >= size)
        bearer_challenge(scheme, "insufficient_scope", NULL, buf, size);
    return buf;
}

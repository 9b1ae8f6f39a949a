/*
 * Shared by the libFuzzer targets: checks that every answer the generated
 * API gives is well-formed, and a way to stop loudly when one is not.
 *
 * A broken invariant calls fuzz_fail(), which prints what was wrong and
 * aborts: libFuzzer reports that as a crash and keeps the input.
 */
#ifndef FUZZ_COMMON_H
#define FUZZ_COMMON_H

#include "rt_req.h"
#include "rt_url.h"

#include <json-c/json.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static inline void fuzz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static inline void fuzz_fail(const char *fmt, ...)
{
    va_list ap;

    fputs("fuzz invariant broken: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    abort();
}

#define FUZZ_CHECK(cond, ...)                                                                                \
    do {                                                                                                     \
        if (!(cond))                                                                                         \
            fuzz_fail(__VA_ARGS__);                                                                          \
    } while (0)

/*
 * The length of the next read (or write) when an input is cut into pieces:
 * 1 .. @p mask + 1 bytes from a xorshift32 @p state, at most @p left; a zero
 * state means "everything left" (the input at once).
 */
static inline size_t fuzz_next_cut(uint32_t *state, size_t left, uint32_t mask)
{
    uint32_t x = *state;
    size_t n;

    if (x == 0)
        return left;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    *state = x;
    n = (size_t)(x & mask) + 1;
    return n < left ? n : left;
}

/* Is @p key of @p obj a JSON value of @p type? */
static inline int fuzz_has(struct json_object *obj, const char *key, enum json_type type)
{
    struct json_object *v = NULL;

    return json_object_object_get_ex(obj, key, &v) && json_object_is_type(v, type);
}

/*
 * json-c (even with JSON_TOKENER_STRICT) parses NaN, Infinity, 1. and -01
 * as numbers, and prints them back that way; JSON (RFC 8259) has none of
 * them.  @return 1 if every number outside the strings of @p text (a
 * document json-c has parsed) follows JSON's grammar, else 0.
 */
static inline int fuzz_json_numbers_ok(const char *text, size_t len)
{
    size_t i = 0;

#define FUZZ_DIGIT(k) ((k) < len && text[k] >= '0' && text[k] <= '9')
    while (i < len) {
        if (text[i] == '"') {
            for (i++; i < len && text[i] != '"'; i++) {
                if (text[i] == '\\')
                    i++;
            }
            i++;
            continue;
        }
        if (text[i] != '-' && text[i] != 'N' && text[i] != 'I' && !FUZZ_DIGIT(i)) {
            i++;
            continue;
        }
        if (text[i] == '-')
            i++;
        if (!FUZZ_DIGIT(i) || (text[i] == '0' && FUZZ_DIGIT(i + 1)))
            return 0;
        while (FUZZ_DIGIT(i))
            i++;
        if (i < len && text[i] == '.') {
            i++;
            if (!FUZZ_DIGIT(i))
                return 0;
            while (FUZZ_DIGIT(i))
                i++;
        }
        if (i < len && (text[i] == 'e' || text[i] == 'E')) {
            if (++i < len && (text[i] == '+' || text[i] == '-'))
                i++;
            if (!FUZZ_DIGIT(i))
                return 0;
            while (FUZZ_DIGIT(i))
                i++;
        }
    }
#undef FUZZ_DIGIT
    return 1;
}

/*
 * Check an answer given as @p status, @p content_type, extra @p headers
 * ("Name: value\r\n" each, or NULL) and @p body (@p len bytes):
 *  - the status is one HTTP knows (100..599);
 *  - a JSON body parses, strictly, as a JSON object, with JSON's numbers only;
 *  - every error (4xx, 5xx) is JSON with "detail": a string, or for 422 an
 *    array of {"type", "loc", "msg"} entries (FastAPI's shapes);
 *  - 405 names what is allowed, 307 says where to go (a relative URL);
 *  - no header value carries a CR or LF of the client's making.
 */
static inline void fuzz_check_reply(int status, const char *content_type, const char *headers,
                                    const char *body, size_t len)
{
    struct json_object *j = NULL;

    FUZZ_CHECK(status >= 100 && status <= 599, "status %d", status);
    if (headers != NULL) {
        const char *p = headers;

        /* Every line is "Name: value\r\n": no CR or LF anywhere else. */
        while (*p != '\0') {
            const char *eol = strstr(p, "\r\n");

            FUZZ_CHECK(eol != NULL, "header block not CRLF-terminated: %s", headers);
            FUZZ_CHECK(memchr(p, '\n', (size_t)(eol - p)) == NULL &&
                           memchr(p, '\r', (size_t)(eol - p)) == NULL,
                       "CR or LF inside a header: %s", headers);
            FUZZ_CHECK(memchr(p, ':', (size_t)(eol - p)) != NULL, "header without a colon: %s", headers);
            p = eol + 2;
        }
    }
    if (content_type != NULL && strcmp(content_type, "application/json") == 0) {
        struct json_tokener *tok = json_tokener_new();

        json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
        FUZZ_CHECK(body != NULL, "%d: JSON content type without a body", status);
        j = json_tokener_parse_ex(tok, body, (int)len);
        FUZZ_CHECK(j != NULL && json_tokener_get_error(tok) == json_tokener_success &&
                       json_tokener_get_parse_end(tok) == len,
                   "%d: body is not one strict JSON value: %.*s", status, (int)len, body);
        json_tokener_free(tok);
        FUZZ_CHECK(json_object_is_type(j, json_type_object), "%d: body is not an object", status);
        FUZZ_CHECK(fuzz_json_numbers_ok(body, len), "%d: a number in the body is not JSON: %.*s", status,
                   (int)len, body);
    }
    if (status >= 400) {
        FUZZ_CHECK(j != NULL, "%d without a JSON body (content type %s)", status,
                   content_type ? content_type : "none");
        if (status == 422) {
            struct json_object *detail = NULL;
            size_t i, n;

            FUZZ_CHECK(fuzz_has(j, "detail", json_type_array), "422 without a detail array");
            json_object_object_get_ex(j, "detail", &detail);
            n = json_object_array_length(detail);
            FUZZ_CHECK(n > 0, "422 with an empty detail array");
            for (i = 0; i < n; i++) {
                struct json_object *e = json_object_array_get_idx(detail, i);

                FUZZ_CHECK(json_object_is_type(e, json_type_object) &&
                               fuzz_has(e, "type", json_type_string) && fuzz_has(e, "loc", json_type_array) &&
                               fuzz_has(e, "msg", json_type_string),
                           "422 entry %zu is not {type, loc, msg}: %s", i, body);
            }
        } else {
            FUZZ_CHECK(fuzz_has(j, "detail", json_type_string), "%d without a detail string: %s", status,
                       body);
        }
    }
    if (status == 405)
        FUZZ_CHECK(headers != NULL && strstr(headers, "Allow: ") != NULL, "405 without Allow");
    if (status == 307) {
        const char *loc = headers != NULL ? strstr(headers, "Location: ") : NULL;

        FUZZ_CHECK(loc != NULL, "307 without Location");
        /* Relative, and never "//host" (which a browser would take as another site). */
        FUZZ_CHECK(loc[10] == '/' && loc[11] != '/' && loc[11] != '\\', "307 to a non-local URL: %s",
                   headers);
    }
    json_object_put(j);
}

/* Check what a detached request was answered with. */
static inline void fuzz_check_capture(const struct rt_req_capture *cap)
{
    FUZZ_CHECK(cap->replied, "the request was never answered");
    fuzz_check_reply(cap->status, cap->content_type, cap->headers, cap->body, cap->body_len);
}

/* @return a malloc'd, NUL-terminated copy of @p size bytes at @p data (cut at the first NUL). */
static inline char *fuzz_strndup(const uint8_t *data, size_t size)
{
    char *s = malloc(size + 1);

    if (s == NULL)
        abort();
    memcpy(s, data, size);
    s[size] = '\0';
    return s;
}

/* @return 1 if @p s has only the bytes an HTTP request target can carry (visible ASCII), else 0. */
static inline int fuzz_is_target_text(const char *s)
{
    for (; *s != '\0'; s++) {
        if ((unsigned char)*s <= 0x20 || (unsigned char)*s >= 0x7f)
            return 0;
    }
    return 1;
}

#endif /* FUZZ_COMMON_H */

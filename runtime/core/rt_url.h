/*
 * rt_url — the request target: percent-decoding, query-string lookup and
 * the route matcher behind the generated api_dispatch().
 *
 * Everything here works on a request (struct rt_req) but needs no socket,
 * so it can be driven by tests and fuzzers through detached requests.
 * Decoded strings live in request memory (rt_req_alloc) and stay valid
 * until the request ends.
 */
#ifndef RT_URL_H
#define RT_URL_H

#include <stdbool.h>
#include <stddef.h>

struct rt_req;

/** Ways decoding can fail (rt_url_decode()). */
enum rt_url_error {
    RT_URL_OK = 0,
    RT_URL_BAD_ESCAPE = -1, /* '%' not followed by two hex digits */
    RT_URL_NUL = -2,        /* "%00": a NUL would cut the C string short */
    RT_URL_BAD_UTF8 = -3    /* the decoded bytes are not valid UTF-8 */
};

/**
 * Percent-decode @p len bytes of @p src into @p dst, which must have room
 * for @p len + 1 bytes; the result is NUL-terminated.  With @p form set, '+'
 * decodes to a space (application/x-www-form-urlencoded, i.e. query
 * strings); in paths '+' is literal.  The result must be valid UTF-8.
 * @return RT_URL_OK and the decoded length in *@p out_len (may be NULL), or
 * one of the negative rt_url_error codes (the content of @p dst is then
 * unspecified).
 */
int rt_url_decode(char *dst, const char *src, size_t len, bool form, size_t *out_len);

/** @return a short English description of an rt_url_error code. */
const char *rt_url_strerror(int err);

/**
 * Check that @p len bytes at @p s are well-formed UTF-8 (no overlong forms,
 * no surrogates, nothing above U+10FFFF).
 * @return the number of code points, or -1 if @p s is not valid UTF-8.
 */
long rt_url_utf8_length(const char *s, size_t len);

/**
 * Look up the query parameter @p name in the raw query string @p query
 * (NULL is fine: no parameters).  Keys and values are percent-decoded ('+'
 * is a space); a pair without '=' has an empty value.  When the name occurs
 * more than once the last value wins, as in Starlette's QueryParams.
 * @return RT_URL_OK with *@p value set to the decoded value in request
 * memory, or NULL if the parameter is absent; or a negative rt_url_error
 * if the value was present but could not be decoded.  Pairs whose key
 * cannot be decoded are skipped.
 */
int rt_url_query_get(struct rt_req *req, const char *query, const char *name, const char **value);

/* --- routing --- */

/** Most path parameters one route may have. */
#define RT_URL_MAX_PARAMS 16

/**
 * One route: a path template split into segments, and the methods that an
 * operation on it answers.  Routes with the same template but different
 * methods are separate entries.  Tables are generated (generated/api_ops.c).
 */
struct rt_url_route {
    const char *path;            /* the template as written in the spec, "/users/{user_email}" */
    const char *const *segments; /* n_segments entries, one per '/': a literal, or NULL for a {parameter} */
    size_t n_segments;           /* "/" is one empty literal segment; "/users/" is "users" and "" */
    unsigned methods;            /* mask of enum rt_method (GET routes also answer HEAD) */
    unsigned op;                 /* the caller's index of the operation */
};

/**
 * Match the request's path and method against @p routes (tried in table
 * order: the generator puts literal segments before parameters) and answer
 * every case that does not reach an operation:
 *   400 {"detail": "..."}        a bad %-escape, %00 or invalid UTF-8 in a segment;
 *   405 {"detail": "Method Not Allowed"} with Allow listing the methods of
 *                                every route whose path matches;
 *   307 with Location (the other trailing-slash form, query kept, relative)
 *                                when only that form matches, as FastAPI's
 *                                redirect_slashes does;
 *   404 {"detail": "Not Found"}  otherwise.
 * Each segment is percent-decoded on its own, so "%2F" inside a segment is
 * a '/' in the parameter value rather than a separator.  A parameter
 * matches any non-empty segment.
 * @param params receives the decoded parameter values in template order
 *        (RT_URL_MAX_PARAMS entries; request memory).
 * @return the matched route, or NULL when the request has been answered.
 */
const struct rt_url_route *rt_url_route(struct rt_req *req, const struct rt_url_route *routes,
                                        size_t n_routes, const char **params);

/**
 * The methods the request's path has, without routing or answering it:
 * the union of the methods of every route whose path matches (what a 405's
 * Allow would list), 0 when none matches or the path cannot be decoded.
 * For CORS preflights (runtime/server/rt_cors.h), through the generated
 * api_path_methods().
 */
unsigned rt_url_path_methods(struct rt_req *req, const struct rt_url_route *routes, size_t n_routes);

#endif /* RT_URL_H */

/*
 * rt_cors — Cross-Origin Resource Sharing, answered by the runtime before
 * routing, so that a browser page on another origin can call the service.
 *
 * Configured by the CORS_* settings (declared here, rt_cors_option_group;
 * CORS_ALLOW_ORIGINS empty, the default, turns it off).  When on, every
 * request the application sees goes through rt_cors_handle() first:
 *   - Vary: Origin on every answer (the answer depends on the Origin);
 *   - a preflight (OPTIONS with Origin and Access-Control-Request-Method)
 *     from an allowed origin, for a method the path has (the spec's, from
 *     the generated api_path_methods(), narrowed by CORS_ALLOW_METHODS) is
 *     answered 204 with the Access-Control-Allow-* headers and reaches no
 *     handler;  any other preflight goes on to routing (404, 405) and gets
 *     no CORS header, so the browser blocks the request;
 *   - any other request from an allowed origin gets
 *     Access-Control-Allow-Origin (and -Allow-Credentials, -Expose-Headers
 *     when configured) on whatever it is answered with, errors included,
 *     also those rt_http answers before routing once it has read the
 *     request's headers (413, 408 for the body, 400 or 501 for the framing).
 * An origin that is not allowed gets no CORS header and is never echoed.
 * Credentials are never combined with `*`: that configuration is refused.
 *
 * Threading: configured once while settings load (before workers start),
 * then only read.
 */
#ifndef RT_CORS_H
#define RT_CORS_H

#include "rt_config.h"

#include <stdbool.h>
#include <stddef.h>

struct rt_req;

/** What the CORS_* settings hold (strings may be "" for "not set"). */
struct rt_cors_settings {
    const char *allow_origins;  /* "" (off), "*", or exact origins separated by commas */
    const char *allow_methods;  /* "" (the path's methods from the spec), or method names */
    const char *allow_headers;  /* header names a request may send, separated by commas */
    const char *expose_headers; /* answer headers scripts may read, or "" */
    bool allow_credentials;     /* cookies and Authorization from the page: Allow-Credentials: true */
    int max_age_ms;             /* how long a browser may cache a preflight's answer */
};

/** The CORS_* settings; their group check calls rt_cors_configure(). */
extern const struct rt_option_group rt_cors_option_group;

/**
 * Check @p s and make it the process's CORS configuration (copied).
 * Refused: an origin that is not `scheme://host[:port]` (a path or a
 * trailing '/' never matches what a browser sends), `*` next to other
 * origins or with credentials, an unknown method, a header list that is
 * not a list of tokens; CORS_ALLOW_METHODS or credentials without origins
 * (they would be ignored).  Not thread-safe: before the workers start.
 * @return 0, or -1 with one line per problem appended to @p err (the
 *         configuration is then off).
 */
int rt_cors_configure(const struct rt_cors_settings *s, char *err, size_t errlen);

/** When CORS is on, write its configuration to the log in one line at info level (at start-up). */
void rt_cors_log(void);

/** @return true when CORS is on (CORS_ALLOW_ORIGINS is set). */
bool rt_cors_enabled(void);

/** @return true when @p origin is allowed (an exact match, or any origin with `*`). */
bool rt_cors_origin_allowed(const char *origin);

/**
 * The headers of an answer that is not a preflight's (see the top of this
 * file): Vary: Origin, and for an allowed origin Access-Control-Allow-Origin
 * (and -Allow-Credentials, -Expose-Headers when configured); nothing when
 * CORS is off.  rt_cors_handle() adds them to what goes on to routing;
 * rt_server adds them to the errors rt_http answers before that (a body too
 * large, say: rt_http_set_refusal_hook()).
 */
void rt_cors_add_headers(struct rt_req *req);

/**
 * Apply CORS to @p req before routing (see the top of this file).
 * @p path_methods gives the methods of the request's path (mask of enum
 * rt_method, 0 for none; NULL: no path has any), looked up under the base
 * path @p base (a normal form, "" for the root; rt_base_path.h): a path
 * outside it has none.
 * @return true when the request was a preflight and has been answered,
 *         false when it goes on to routing (with its CORS headers added).
 */
bool rt_cors_handle(struct rt_req *req, unsigned (*path_methods)(struct rt_req *req), const char *base);

#endif /* RT_CORS_H */

/*
 * rt_valid_auth — credentials: reading them from a request and checking an
 * operation's security requirements (OpenAPI's securitySchemes/security).
 *
 * Two halves in two files.  rt_valid_auth.c holds the parsers, which know
 * no request: the Authorization header's Basic (RFC 7617) and Bearer
 * (RFC 6750) forms, one cookie of a Cookie header (RFC 6265 §4.2.1), and
 * the WWW-Authenticate challenge of each scheme (RFC 9110 §11.6.1).
 * rt_valid_auth_req.c applies an operation's requirements to a request:
 * generated code (api_ops.c) calls rt_valid_auth_req() after routing and
 * before parameters and body are validated, as FastAPI runs its security
 * dependencies first.
 *
 * Requirements: an operation lists alternatives; any one satisfies it, and
 * an alternative is satisfied when every scheme it names passes.  Each
 * scheme's credential is read once per request and handed to the scheme's
 * one verifier (a hand-written handle_security_<scheme>(), whose weak
 * default refuses), which accepts it (0, with a principal), or answers
 * 401 or 403.  An empty alternative ({} in the spec) admits a request that
 * sends none of the operation's credentials, if every verifier of the
 * operation's schemes agrees when called with cred == NULL (how a service
 * makes an operation open or closed by configuration); a credential that
 * is sent is always verified, never ignored for the anonymous way in.
 *
 * Answers: a missing or malformed credential, or a verifier's 401, is 401
 * {"detail": ...} with one WWW-Authenticate challenge per scheme of the
 * operation (a bearer scheme's lists the scopes of the first alternative
 * that names it with scopes); a verifier's 403 is 403 when no alternative
 * passed.  No credential is ever logged or copied into an answer.
 */
#ifndef RT_VALID_AUTH_H
#define RT_VALID_AUTH_H

#include <stdbool.h>
#include <stddef.h>

struct rt_req;

/** Where a scheme's credential is, and its form. */
enum rt_auth_kind {
    RT_AUTH_API_KEY_HEADER, /* apiKey, in: header (the header named param) */
    RT_AUTH_API_KEY_QUERY,  /* apiKey, in: query (the query parameter named param) */
    RT_AUTH_API_KEY_COOKIE, /* apiKey, in: cookie (the cookie named param) */
    RT_AUTH_HTTP_BEARER,    /* http, scheme: bearer; oauth2; openIdConnect: Authorization: Bearer <token68> */
    RT_AUTH_HTTP_BASIC      /* http, scheme: basic: Authorization: Basic base64(user-id:password) */
};

/** A credential as read from a request; strings are NUL-terminated, in request memory. */
struct rt_auth_credential {
    const char *value;    /* the API key, the bearer token, or Basic's user-id */
    const char *password; /* Basic's password; NULL for the other kinds */
};

/**
 * A scheme's verifier (generated code points at handle_security_<scheme>).
 * @param op the operation (its enum api__op value)
 * @param cred the credential, or NULL when asked whether an anonymous
 *        request may pass (the operation admits {} and nothing was sent)
 * @param scopes the roles/scopes the requirement lists for this scheme
 * @param principal out: what the handler gets for this scheme when it
 *        passes (left NULL, it gets @p cred; anonymous: always NULL)
 * @return 0 to accept, 401 (not authenticated) or 403 (authenticated but
 *         not allowed); anything else counts as 401.
 */
typedef int (*rt_auth_verify_fn)(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                                 const char *const *scopes, size_t n_scopes, const void **principal);

/** One security scheme of the spec (components/securitySchemes). */
struct rt_auth_scheme {
    const char *name; /* the scheme's name in the spec, for the log */
    enum rt_auth_kind kind;
    const char *param; /* apiKey: the header, query parameter or cookie name; else NULL */
    const char *realm; /* Basic's and Bearer's realm in the challenge, or NULL */
    rt_auth_verify_fn verify;
};

/** One scheme named in a requirement, with its roles/scopes. */
struct rt_auth_use {
    size_t scheme; /* index in the operation's scheme table */
    const char *const *scopes;
    size_t n_scopes;
};

/** One requirement object: every scheme in it must pass; none (n_uses == 0) is anonymous access. */
struct rt_auth_requirement {
    const struct rt_auth_use *uses;
    size_t n_uses;
};

/* --- parsers (rt_valid_auth.c): no request, no allocation beyond the caller's buffers --- */

/**
 * Parse an Authorization header value of the form `<scheme> <token68>`
 * (RFC 9110 §11.4: scheme compared case-insensitively, one or more spaces,
 * token68 = 1*(ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/") *"=",
 * nothing after it).
 * @return a pointer to the token68 inside @p header and its length in
 *         *@p len, or NULL if @p header is NULL, names another scheme or is
 *         malformed.
 */
const char *rt_valid_auth_token68(const char *header, const char *scheme, size_t *len);

/**
 * Decode Basic credentials (RFC 7617): @p len bytes of base64 (RFC 4648
 * alphabet, padding required, unused bits zero) into "user-id:password" in @p buf (room for
 * @p len bytes), split at the first ':'.  The user-id and password must be
 * valid UTF-8 without control characters (either may be empty: whether
 * that is acceptable is the verifier's call).
 * @return 0 with *@p user and *@p password pointing into @p buf (both
 *         NUL-terminated), or -1 if malformed.
 */
int rt_valid_auth_basic_decode(const char *b64, size_t len, char *buf, const char **user,
                               const char **password);

/**
 * Find cookie @p name in a Cookie header value (RFC 6265 §4.2.1:
 * `name=value` pairs separated by "; "; a value may be in double quotes,
 * which are not part of it).  Names compare case-sensitively; the first
 * occurrence wins.
 * Only the named cookie is judged: other cookies of the host may be
 * anything.  An empty value counts as present (the caller decides).
 * @return 1 with the value's start and length (quotes removed), 0 if the
 *         cookie is absent, -1 if its value has characters RFC 6265 does
 *         not allow in cookie-octets.
 */
int rt_valid_auth_cookie(const char *header, const char *name, const char **value, size_t *len);

/**
 * Write the WWW-Authenticate challenge of @p scheme into @p buf:
 * `Bearer` (RFC 6750 §3, with realm if set, error="invalid_token" when
 * @p invalid, and scope="..." listing the scopes of @p use, the
 * requirement's, when it has any: those that are not scope-tokens are left
 * out, all of them if they do not fit), `Basic realm="...", charset="UTF-8"`
 * (RFC 7617), and for an API key, which has no registered scheme,
 * `APIKey header="X-API-Key"` (or query=, cookie=) naming where the key goes.
 * @param use the scheme's use in a requirement, or NULL (no scopes)
 * @return @p buf, NUL-terminated (truncated if @p size is too small).
 */
char *rt_valid_auth_challenge(const struct rt_auth_scheme *scheme, bool invalid,
                              const struct rt_auth_use *use, char *buf, size_t size);

/**
 * The challenge of a 403 from a Bearer scheme (http bearer, oauth2,
 * openIdConnect) whose requirement @p use lists scopes (RFC 6750 §3.1:
 * `Bearer error="insufficient_scope", scope="..."`, with realm if set): the
 * token is good, the scopes it carries are not enough.  Into @p buf as
 * rt_valid_auth_challenge() writes it.
 * @return @p buf, or NULL for another kind of scheme or a use without scopes
 *         (no challenge to give).
 */
char *rt_valid_auth_insufficient_scope(const struct rt_auth_scheme *scheme, const struct rt_auth_use *use,
                                       char *buf, size_t size);

/* --- requests (rt_valid_auth_req.c) --- */

/**
 * Check @p req against an operation's requirements (@p alts, @p n_alts
 * alternatives over @p schemes).  On success the principal of each scheme
 * that passed is in @p principals[scheme] (NULL for the others; all NULL
 * for anonymous access), an array of @p n_schemes the caller provides.
 * @return 0 to go on, or -1 after answering 401 or 403 (the request is
 *         then ended).
 */
int rt_valid_auth_req(struct rt_req *req, int op, const struct rt_auth_scheme *schemes, size_t n_schemes,
                      const struct rt_auth_requirement *alts, size_t n_alts, const void **principals);

#endif /* RT_VALID_AUTH_H */

/*
 * rt_api_client_auth — inside rt_api_client: the credentials of a call
 * (see struct rt_api_client_credentials in rt_api_client.h).  Not for
 * applications.
 */
#ifndef RT_API_CLIENT_AUTH_H
#define RT_API_CLIENT_AUTH_H

#include "rt_api_client.h"
#include "rt_json.h"

#include <stddef.h>

/** What rt_api_client_auth_add() allocated for one call's headers (malloc'd; see _cleanup). */
struct rt_api_client_auth {
    char *authorization; /* "Bearer ..." or "Basic ...", or NULL */
    char *cookie;        /* "name=value; ...", or NULL */
};

/**
 * Add the credentials @p op's schemes take from @p cred: API keys in the
 * query are appended to @p url (each after *@p sep, '?' or '&', which is
 * updated), headers (API keys, Authorization, Cookie) go to @p headers at
 * *@p n_headers as name, value pairs (room for 2 * op->n_schemes + 2
 * pointers).  What the headers point at stays valid until
 * rt_api_client_auth_cleanup(@p out).
 */
void rt_api_client_auth_add(const struct rt_api_client_credentials *cred, const struct rt_api_client_op *op,
                            struct rt_json_buf *url, char *sep, const char **headers, size_t *n_headers,
                            struct rt_api_client_auth *out);

/** Free what rt_api_client_auth_add() allocated; NULL is fine; idempotent. */
void rt_api_client_auth_cleanup(struct rt_api_client_auth *a);

/** Append @p s to @p t percent-encoded: everything but RFC 3986's unreserved characters. */
void rt_api_client_put_encoded(struct rt_json_buf *t, const char *s);

#endif /* RT_API_CLIENT_AUTH_H */

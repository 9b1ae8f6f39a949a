/*
 * rt_valid_auth_req — an operation's security requirements applied to a
 * request (see rt_valid_auth.h for the rules).
 */
#include "rt_valid_auth.h"

#include "rt_req.h"
#include "rt_url.h"

#include <string.h>
#include <strings.h>

enum cred_state { CRED_MISSING, CRED_MALFORMED, CRED_PRESENT };

/* What was read for one scheme. */
struct cred_read {
    enum cred_state state;
    struct rt_auth_credential cred;
};

/* Read an Authorization credential of scheme `name`: missing when the header is absent or names another
 * scheme, malformed when it names this one but is not in its grammar. */
static void read_authorization(struct rt_req *req, const char *name, bool basic, struct cred_read *out)
{
    const char *h = rt_req_header(req, "Authorization"), *tok;
    size_t n = strlen(name), len = 0;
    char *buf;

    if (h == NULL || strncasecmp(h, name, n) != 0 || (h[n] != ' ' && h[n] != '\0'))
        return;
    out->state = CRED_MALFORMED;
    tok = rt_valid_auth_token68(h, name, &len);
    if (tok == NULL)
        return;
    if (!basic) {
        out->cred.value = rt_req_strndup(req, tok, len);
        out->state = CRED_PRESENT;
        return;
    }
    buf = rt_req_alloc(req, len + 1);
    if (rt_valid_auth_basic_decode(tok, len, buf, &out->cred.value, &out->cred.password) == 0)
        out->state = CRED_PRESENT;
}

/* Read the credential of one scheme from the request. */
static void read_credential(struct rt_req *req, const struct rt_auth_scheme *s, struct cred_read *out)
{
    const char *v = NULL;
    size_t len = 0;
    int rc;

    out->state = CRED_MISSING;
    switch (s->kind) {
    case RT_AUTH_API_KEY_HEADER:
        v = rt_req_header(req, s->param);
        break;
    case RT_AUTH_API_KEY_QUERY:
        if (rt_url_query_get(req, rt_req_query(req), s->param, &v) < 0) {
            out->state = CRED_MALFORMED;
            return;
        }
        break;
    case RT_AUTH_API_KEY_COOKIE:
        rc = rt_valid_auth_cookie(rt_req_header(req, "Cookie"), s->param, &v, &len);
        if (rc < 0) {
            out->state = CRED_MALFORMED;
            return;
        }
        v = rc > 0 ? rt_req_strndup(req, v, len) : NULL;
        break;
    case RT_AUTH_HTTP_BEARER:
        read_authorization(req, "Bearer", false, out);
        return;
    case RT_AUTH_HTTP_BASIC:
        read_authorization(req, "Basic", true, out);
        return;
    }
    if (v != NULL && v[0] != '\0') { /* an empty key is no key */
        out->cred.value = v;
        out->state = CRED_PRESENT;
    }
}

/* A verifier's answer, folded to 0, 401 or 403. */
static int verify(struct rt_req *req, int op, const struct rt_auth_scheme *s,
                  const struct rt_auth_credential *cred, const struct rt_auth_use *use,
                  const void **principal)
{
    int rc;

    *principal = NULL;
    rc = s->verify(req, op, cred, use ? use->scopes : NULL, use ? use->n_scopes : 0, principal);
    if (rc == 0 && *principal == NULL)
        *principal = cred;
    return rc == 0 || rc == 403 ? rc : 401;
}

/*
 * Try one alternative: 0 (passed, principals set), 401 or 403 (*@p refused:
 * the use whose verifier answered it).
 */
static int try_alternative(struct rt_req *req, int op, const struct rt_auth_scheme *schemes,
                           const struct cred_read *reads, const struct rt_auth_requirement *alt,
                           const void **principals, const struct rt_auth_use **refused)
{
    size_t i;

    for (i = 0; i < alt->n_uses; i++)
        if (reads[alt->uses[i].scheme].state != CRED_PRESENT)
            return 401;
    for (i = 0; i < alt->n_uses; i++) {
        const struct rt_auth_use *use = &alt->uses[i];
        int rc =
            verify(req, op, &schemes[use->scheme], &reads[use->scheme].cred, use, &principals[use->scheme]);
        if (rc != 0) {
            *refused = use;
            return rc;
        }
    }
    return 0;
}

/*
 * Answer 403; when the use @p refused (the first a verifier forbade) is a
 * Bearer scheme's with scopes, with its insufficient_scope challenge (RFC
 * 6750 §3.1), so an OAuth client knows which scopes to ask for.
 */
static void reply_403(struct rt_req *req, const struct rt_auth_scheme *schemes,
                      const struct rt_auth_use *refused)
{
    char challenge[512];

    if (refused != NULL && rt_valid_auth_insufficient_scope(&schemes[refused->scheme], refused, challenge,
                                                            sizeof(challenge)) != NULL)
        rt_req_add_header(req, "WWW-Authenticate", challenge);
    rt_req_reply_detail(req, 403, "Not enough permissions");
}

/* Do all the operation's verifiers admit a request that sent no credential? */
static bool anonymous_admitted(struct rt_req *req, int op, const struct rt_auth_scheme *schemes,
                               size_t n_schemes)
{
    size_t i;

    for (i = 0; i < n_schemes; i++) {
        const void *principal = NULL;
        if (verify(req, op, &schemes[i], NULL, NULL, &principal) != 0)
            return false;
    }
    return true;
}

/* The use of scheme @p scheme in the first alternative that names it with scopes, or NULL. */
static const struct rt_auth_use *scoped_use(const struct rt_auth_requirement *alts, size_t n_alts,
                                            size_t scheme)
{
    for (size_t i = 0; i < n_alts; i++)
        for (size_t j = 0; j < alts[i].n_uses; j++)
            if (alts[i].uses[j].scheme == scheme && alts[i].uses[j].n_scopes > 0)
                return &alts[i].uses[j];
    return NULL;
}

/* Answer 401 with the challenge of every scheme of the operation. */
static void reply_401(struct rt_req *req, const struct rt_auth_scheme *schemes, size_t n_schemes,
                      const struct rt_auth_requirement *alts, size_t n_alts, const struct cred_read *reads,
                      bool sent)
{
    char challenge[512];
    size_t i;

    for (i = 0; i < n_schemes; i++)
        rt_req_add_header(req, "WWW-Authenticate",
                          rt_valid_auth_challenge(&schemes[i], reads[i].state != CRED_MISSING,
                                                  scoped_use(alts, n_alts, i), challenge, sizeof(challenge)));
    rt_req_reply_detail(req, 401, sent ? "Invalid authentication credentials" : "Not authenticated");
}

int rt_valid_auth_req(struct rt_req *req, int op, const struct rt_auth_scheme *schemes, size_t n_schemes,
                      const struct rt_auth_requirement *alts, size_t n_alts, const void **principals)
{
    struct cred_read *reads = rt_req_alloc(req, (n_schemes ? n_schemes : 1) * sizeof(*reads));
    bool sent = false, anonymous = false;
    const struct rt_auth_use *forbidden = NULL; /* the first use a verifier answered 403 */
    size_t i, j;

    for (i = 0; i < n_schemes; i++) {
        read_credential(req, &schemes[i], &reads[i]);
        sent |= reads[i].state != CRED_MISSING;
    }
    for (i = 0; i < n_alts; i++) {
        int rc;

        if (alts[i].n_uses == 0) {
            anonymous = true;
            continue;
        }
        for (j = 0; j < n_schemes; j++)
            principals[j] = NULL;
        const struct rt_auth_use *refused = NULL;

        rc = try_alternative(req, op, schemes, reads, &alts[i], principals, &refused);
        if (rc == 0)
            return 0;
        if (rc == 403 && forbidden == NULL)
            forbidden = refused;
    }
    for (j = 0; j < n_schemes; j++)
        principals[j] = NULL;
    if (anonymous && !sent && anonymous_admitted(req, op, schemes, n_schemes))
        return 0;
    if (forbidden != NULL) {
        reply_403(req, schemes, forbidden);
        return -1;
    }
    reply_401(req, schemes, n_schemes, alts, n_alts, reads, sent);
    return -1;
}

/*
 * The fixture's security schemes through the generated router: alternatives
 * (with roles), a combination, opt-out, anonymous access, a scheme without
 * a verifier, OAuth2 and OpenID Connect (401/403 and WWW-Authenticate), with
 * verifiers and handlers that show what passed (the other operations keep
 * their weak 501 defaults).  An executable of its own, as
 * test_fixture_styles.c.
 */
#include "../unit/runtime/test.h"
#include "fixture_harness.h"

#include "api.h"
#include "rt_req.h"

#include <stdio.h>
#include <string.h>

/* --- security: verifiers and handlers that show what passed --- */

/* key_h: "k-admin" has every role, "k-user" none (403 where roles are listed). */
int handle_security_key_h(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                          const char *const *scopes, size_t n_scopes, const void **principal)
{
    (void)req;
    if (op != API_OP_SECURE_ALT || cred == NULL)
        return 401;
    if (strcmp(cred->value, "k-admin") == 0) {
        *principal = n_scopes == 2 && strcmp(scopes[0], "admin") == 0 && strcmp(scopes[1], "ops") == 0
                         ? "admin+ops"
                         : "roles lost";
        return 0;
    }
    return strcmp(cred->value, "k-user") == 0 ? 403 : 401;
}

int handle_security_basic(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                          const char *const *scopes, size_t n_scopes, const void **principal)
{
    (void)req, (void)op, (void)scopes, (void)n_scopes, (void)principal;
    return cred != NULL && strcmp(cred->value, "ann") == 0 && strcmp(cred->password, "pw") == 0 ? 0 : 401;
}

static int value_is(const struct rt_auth_credential *cred, const char *want)
{
    return cred != NULL && strcmp(cred->value, want) == 0 ? 0 : 401;
}

int handle_security_key_q(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                          const char *const *scopes, size_t n_scopes, const void **principal)
{
    (void)req, (void)op, (void)scopes, (void)n_scopes, (void)principal;
    return value_is(cred, "q1");
}

int handle_security_key_c(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                          const char *const *scopes, size_t n_scopes, const void **principal)
{
    (void)req, (void)op, (void)scopes, (void)n_scopes, (void)principal;
    return value_is(cred, "c1");
}

static int anonymous_ok; /* what the bearer verifier says to an anonymous request */

int handle_security_bearer(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                           const char *const *scopes, size_t n_scopes, const void **principal)
{
    (void)req, (void)op, (void)scopes, (void)n_scopes, (void)principal;
    if (cred == NULL)
        return anonymous_ok ? 0 : 401;
    return value_is(cred, "t0k");
}

/* Answer 200 with which principals the handler got ("-" for none). */
static void reply_principals(struct rt_req *req, const void *a, const void *b)
{
    char buf[128];

    snprintf(buf, sizeof(buf), "%s %s", a ? (const char *)a : "-", b ? "b" : "-");
    rt_req_reply_detail(req, 200, buf);
}

void handle_secure_open(struct rt_req *req)
{
    rt_req_reply_detail(req, 200, "open");
}

void handle_secure_alt(struct rt_req *req, const struct api_secure_alt_params *p)
{
    reply_principals(req, p->auth_key_h, p->auth_basic);
}

void handle_secure_both(struct rt_req *req, const struct api_secure_both_params *p)
{
    reply_principals(req, p->auth_key_q != NULL ? "q" : NULL, p->auth_key_c);
}

void handle_secure_anon(struct rt_req *req, const struct api_secure_anon_params *p)
{
    reply_principals(req, NULL, p->auth_bearer);
}

void handle_secure_unverified(struct rt_req *req, const struct api_secure_unverified_params *p)
{
    (void)p;
    rt_req_reply_detail(req, 200, "let in without a verifier");
}

/* --- tests --- */

/* Alternatives (with roles), a combination, opt-out, anonymous access, a scheme without verifier. */
static void test_security(void)
{
    const char *admin[] = {"X-Key", "k-admin", NULL}, *user[] = {"X-Key", "k-user", NULL};
    const char *basic[] = {"Authorization", "Basic YW5uOnB3", NULL}, *cookie[] = {"Cookie", "sid=c1", NULL};
    const char *bearer[] = {"Authorization", "Bearer t0k", NULL},
               *wrong[] = {"Authorization", "Bearer x", NULL};

    send_req(RT_METHOD_GET, "/secure/open", NULL, NULL);
    CHECK(cap.status == 200 && body_is("{\"detail\":\"open\"}"));

    send_req(RT_METHOD_GET, "/secure/alt", NULL, NULL);
    CHECK(cap.status == 401 && body_is("{\"detail\":\"Not authenticated\"}"));
    CHECK(strstr(cap.headers, "WWW-Authenticate: APIKey header=\"X-Key\"\r\n") != NULL);
    CHECK(strstr(cap.headers, "WWW-Authenticate: Basic realm=\"Codegen fixture\", charset=\"UTF-8\"\r\n") !=
          NULL);
    send_req(RT_METHOD_GET, "/secure/alt", admin, NULL);
    CHECK(cap.status == 200 && body_is("{\"detail\":\"admin+ops -\"}"));
    send_req(RT_METHOD_GET, "/secure/alt", basic, NULL);
    CHECK(cap.status == 200 && body_is("{\"detail\":\"- b\"}"));
    send_req(RT_METHOD_GET, "/secure/alt", user, NULL);
    CHECK(cap.status == 403);

    send_req(RT_METHOD_GET, "/secure/both?key=q1&n=1", NULL, NULL);
    CHECK(cap.status == 401); /* one of the two */
    send_req(RT_METHOD_GET, "/secure/both?key=q1&n=x", cookie, NULL);
    CHECK(cap.status == 422); /* credentials first, then parameters */
    send_req(RT_METHOD_GET, "/secure/both?n=x", cookie, NULL);
    CHECK(cap.status == 401); /* not 422: parameters are not looked at without credentials */
    send_req(RT_METHOD_GET, "/secure/both?key=q1&n=1", cookie, NULL);
    CHECK(cap.status == 200 && body_is("{\"detail\":\"q b\"}"));

    anonymous_ok = 1;
    send_req(RT_METHOD_GET, "/secure/anon", NULL, NULL);
    CHECK(cap.status == 200 && body_is("{\"detail\":\"- -\"}"));
    send_req(RT_METHOD_GET, "/secure/anon", wrong, NULL);
    CHECK(cap.status == 401 &&
          strstr(cap.headers, "WWW-Authenticate: Bearer error=\"invalid_token\"") != NULL);
    send_req(RT_METHOD_GET, "/secure/anon", bearer, NULL);
    CHECK(cap.status == 200 && body_is("{\"detail\":\"- b\"}"));
    anonymous_ok = 0;
    send_req(RT_METHOD_GET, "/secure/anon", NULL, NULL);
    CHECK(cap.status == 401);

    send_req(RT_METHOD_GET, "/secure/unverified", bearer, NULL);
    CHECK(cap.status == 401); /* the weak default verifier refuses */
}

/* oauth2 (FastAPI's OAuth2PasswordBearer) and openIdConnect: Authorization: Bearer, the scopes to the
 * verifier. */
static void test_oauth(void)
{
    const char *all[] = {"Authorization", "Bearer o-all", NULL},
               *me[] = {"Authorization", "Bearer o-me", NULL};
    const char *bad[] = {"Authorization", "Bearer nope", NULL}, *empty[] = {"Authorization", "Bearer ", NULL};
    const char *id[] = {"Authorization", "Bearer id-tok", NULL};

    send_req(RT_METHOD_GET, "/secure/oauth", NULL, NULL);
    CHECK(cap.status == 401 && body_is("{\"detail\":\"Not authenticated\"}"));
    CHECK(strstr(cap.headers, "WWW-Authenticate: Bearer scope=\"me items\"\r\n") != NULL);
    send_req(RT_METHOD_GET, "/secure/oauth", empty, NULL);
    CHECK(cap.status == 401 &&
          strstr(cap.headers, "WWW-Authenticate: Bearer error=\"invalid_token\", scope=\"me items\"\r\n"));
    send_req(RT_METHOD_GET, "/secure/oauth", bad, NULL);
    CHECK(cap.status == 401 && body_is("{\"detail\":\"Invalid authentication credentials\"}"));
    send_req(RT_METHOD_GET, "/secure/oauth", all, NULL);
    CHECK(cap.status == 200 && body_is("{\"detail\":\"me items\"}")); /* the verifier got the scopes */
    send_req(RT_METHOD_GET, "/secure/oauth", me, NULL);
    CHECK(cap.status == 403 && body_is("{\"detail\":\"Not enough permissions\"}"));

    send_req(RT_METHOD_GET, "/secure/oidc", all, NULL);
    CHECK(cap.status == 401 && strstr(cap.headers, "WWW-Authenticate: Bearer error=\"invalid_token\", "
                                                   "scope=\"openid\"\r\n") != NULL);
    send_req(RT_METHOD_GET, "/secure/oidc", id, NULL);
    CHECK(cap.status == 200 && body_is("{\"detail\":\"openid\"}"));
}

int main(void)
{
    api_init();
    test_security();
    test_oauth();
    rt_req_capture_cleanup(&cap);
    return test_done();
}

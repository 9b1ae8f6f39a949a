/*
 * rt_valid_auth: the credential parsers (Bearer/Basic token68, Basic's
 * base64, cookies), the challenges, and rt_valid_auth_req() on detached
 * requests: alternatives, combinations, anonymous access, 401 and 403.
 */
#include "test.h"

#include "rt_req.h"
#include "rt_valid_auth.h"

#include <string.h>

/* --- parsers --- */

static int token_is(const char *header, const char *scheme, const char *want)
{
    size_t len = 0;
    const char *t = rt_valid_auth_token68(header, scheme, &len);

    if (want == NULL)
        return t == NULL;
    return t != NULL && len == strlen(want) && memcmp(t, want, len) == 0;
}

static void test_token68(void)
{
    CHECK(token_is("Bearer abc.DEF-_~+/123==", "Bearer", "abc.DEF-_~+/123=="));
    CHECK(token_is("bearer   tok", "Bearer", "tok")); /* scheme case-insensitive, several spaces */
    CHECK(token_is("Bearer", "Bearer", NULL));
    CHECK(token_is("Bearer ", "Bearer", NULL));
    CHECK(token_is("Bearer a b", "Bearer", NULL));
    CHECK(token_is("Bearer a=b", "Bearer", NULL)); /* '=' only at the end */
    CHECK(token_is("Bearer ==", "Bearer", NULL));
    CHECK(token_is("Bearerx tok", "Bearer", NULL));
    CHECK(token_is("Basic dG9r", "Bearer", NULL));
    CHECK(token_is(NULL, "Bearer", NULL));
    CHECK(token_is("Bearer t\xc3\xa9", "Bearer", NULL));
}

static int basic_is(const char *b64, const char *user, const char *password)
{
    char buf[128];
    const char *u = NULL, *p = NULL;
    int rc = rt_valid_auth_basic_decode(b64, strlen(b64), buf, &u, &p);

    if (user == NULL)
        return rc == -1;
    return rc == 0 && strcmp(u, user) == 0 && strcmp(p, password) == 0;
}

static void test_basic(void)
{
    CHECK(basic_is("QWxhZGRpbjpvcGVuIHNlc2FtZQ==", "Aladdin", "open sesame")); /* RFC 7617 §2 */
    CHECK(basic_is("dGVzdDoxMjPCow==", "test", "123\xc2\xa3"));                /* RFC 7617 §2.1 (UTF-8) */
    CHECK(basic_is("YTpiOmM=", "a", "b:c"));                                   /* split at the first ':' */
    CHECK(basic_is("OnB3", "", "pw"));   /* empty user-id: verifier's call */
    CHECK(basic_is("YWI=", NULL, NULL)); /* no ':' */
    CHECK(basic_is("YTpi", "a", "b"));
    CHECK(basic_is("YTpi=", NULL, NULL));    /* length not a multiple of 4 */
    CHECK(basic_is("YT=i", NULL, NULL));     /* '=' inside */
    CHECK(basic_is("YTpiYw", NULL, NULL));   /* padding missing */
    CHECK(basic_is("Y*pi", NULL, NULL));     /* not base64 */
    CHECK(basic_is("YTpiYx==", NULL, NULL)); /* "a:bc" with non-zero unused bits (canonical: YTpiYw==) */
    CHECK(basic_is("YTpiYw==", "a", "bc"));
    CHECK(basic_is("", NULL, NULL));
    CHECK(basic_is("YToKYg==", NULL, NULL)); /* "a:\nb": a control character */
    CHECK(basic_is("YTr/Yg==", NULL, NULL)); /* "a:\xffb": not UTF-8 */
}

static int cookie_is(const char *header, const char *name, int rc_want, const char *want)
{
    const char *v = NULL;
    size_t len = 0;
    int rc = rt_valid_auth_cookie(header, name, &v, &len);

    if (rc != rc_want)
        return 0;
    return want == NULL || (len == strlen(want) && memcmp(v, want, len) == 0);
}

static void test_cookie(void)
{
    CHECK(cookie_is("sid=abc", "sid", 1, "abc"));
    CHECK(cookie_is("a=1; sid=abc; b=2", "sid", 1, "abc"));
    CHECK(cookie_is("a=1;sid=abc", "sid", 1, "abc"));
    CHECK(cookie_is("sid=\"q v\"", "sid", -1, NULL)); /* a space is no cookie-octet, quoted or not */
    CHECK(cookie_is("sid=\"qv\"", "sid", 1, "qv"));
    CHECK(cookie_is("sid=", "sid", 1, ""));
    CHECK(cookie_is("xsid=1; sidx=2", "sid", 0, NULL));
    CHECK(cookie_is("SID=1", "sid", 0, NULL));                      /* names are case-sensitive */
    CHECK(cookie_is("junk; other=a,b \\; sid=ok", "sid", 1, "ok")); /* others' cookies are not judged */
    CHECK(cookie_is("sid=a,b", "sid", -1, NULL));
    CHECK(cookie_is("sid=1; sid=2", "sid", 1, "1"));
    CHECK(cookie_is(NULL, "sid", 0, NULL));
    CHECK(cookie_is("", "sid", 0, NULL));
}

static int no_verify(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                     const char *const *scopes, size_t n_scopes, const void **principal)
{
    (void)req, (void)op, (void)cred, (void)scopes, (void)n_scopes, (void)principal;
    return 401;
}

static void test_challenge(void)
{
    struct rt_auth_scheme key = {"k", RT_AUTH_API_KEY_HEADER, "X-API-Key", NULL, no_verify};
    struct rt_auth_scheme q = {"q", RT_AUTH_API_KEY_QUERY, "api_key", NULL, no_verify};
    struct rt_auth_scheme c = {"c", RT_AUTH_API_KEY_COOKIE, "session", NULL, no_verify};
    struct rt_auth_scheme bearer = {"b", RT_AUTH_HTTP_BEARER, NULL, NULL, no_verify};
    struct rt_auth_scheme bearer_realm = {"b", RT_AUTH_HTTP_BEARER, NULL, "demo", no_verify};
    struct rt_auth_scheme basic = {"u", RT_AUTH_HTTP_BASIC, NULL, "demo", no_verify};
    static const char *const scopes[] = {"me", "items"}, *const odd_scopes[] = {"a b", "a:b", "q\"", ""};
    struct rt_auth_use use = {0, scopes, 2}, odd = {0, odd_scopes, 4};
    char buf[128];

    CHECK(strcmp(rt_valid_auth_challenge(&key, false, NULL, buf, sizeof(buf)),
                 "APIKey header=\"X-API-Key\"") == 0);
    CHECK(strcmp(rt_valid_auth_challenge(&q, true, NULL, buf, sizeof(buf)), "APIKey query=\"api_key\"") == 0);
    CHECK(strcmp(rt_valid_auth_challenge(&c, false, NULL, buf, sizeof(buf)), "APIKey cookie=\"session\"") ==
          0);
    CHECK(strcmp(rt_valid_auth_challenge(&bearer, false, NULL, buf, sizeof(buf)), "Bearer") == 0);
    CHECK(strcmp(rt_valid_auth_challenge(&bearer, true, NULL, buf, sizeof(buf)),
                 "Bearer error=\"invalid_token\"") == 0);
    CHECK(strcmp(rt_valid_auth_challenge(&bearer_realm, true, NULL, buf, sizeof(buf)),
                 "Bearer realm=\"demo\", error=\"invalid_token\"") == 0);
    CHECK(strcmp(rt_valid_auth_challenge(&basic, false, NULL, buf, sizeof(buf)),
                 "Basic realm=\"demo\", charset=\"UTF-8\"") == 0);
    /* RFC 6750 §3's scope: the requirement's scope-tokens; one that is not (a space, a quote) is left out,
     * and all of them when they do not fit */
    CHECK(strcmp(rt_valid_auth_challenge(&bearer, false, &use, buf, sizeof(buf)),
                 "Bearer scope=\"me items\"") == 0);
    CHECK(strcmp(rt_valid_auth_challenge(&bearer_realm, true, &use, buf, sizeof(buf)),
                 "Bearer realm=\"demo\", error=\"invalid_token\", scope=\"me items\"") == 0);
    CHECK(strcmp(rt_valid_auth_challenge(&bearer, true, &odd, buf, sizeof(buf)),
                 "Bearer error=\"invalid_token\", scope=\"a:b\"") == 0);
    CHECK(strcmp(rt_valid_auth_challenge(&bearer, false, &use, buf, 20), "Bearer") == 0);
    CHECK(strcmp(rt_valid_auth_challenge(&key, false, &use, buf, sizeof(buf)),
                 "APIKey header=\"X-API-Key\"") == 0);
    /* RFC 6750 §3.1's insufficient_scope, for a 403: Bearer schemes with scopes only */
    CHECK(strcmp(rt_valid_auth_insufficient_scope(&bearer_realm, &use, buf, sizeof(buf)),
                 "Bearer realm=\"demo\", error=\"insufficient_scope\", scope=\"me items\"") == 0);
    CHECK(strcmp(rt_valid_auth_insufficient_scope(&bearer, &use, buf, 40),
                 "Bearer error=\"insufficient_scope\"") == 0);
    CHECK(rt_valid_auth_insufficient_scope(&bearer, NULL, buf, sizeof(buf)) == NULL);
    CHECK(rt_valid_auth_insufficient_scope(&basic, &use, buf, sizeof(buf)) == NULL);
    CHECK(rt_valid_auth_insufficient_scope(&key, &use, buf, sizeof(buf)) == NULL);
}

/* --- requests --- */

static int calls;             /* verifier calls */
static int anonymous_verdict; /* what the verifiers answer to cred == NULL */

/* Accepts the value "good" (and user "ann" with "pw"); "nope" is 403; the principal is the value. */
static int verify_value(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                        const char *const *scopes, size_t n_scopes, const void **principal)
{
    (void)req, (void)op;
    calls++;
    if (cred == NULL)
        return anonymous_verdict;
    if (n_scopes == 1 && strcmp(scopes[0], "admin") == 0 && strcmp(cred->value, "good") != 0)
        return 403;
    if (strcmp(cred->value, "nope") == 0)
        return 403;
    if (cred->password != NULL)
        return strcmp(cred->value, "ann") == 0 && strcmp(cred->password, "pw") == 0 ? 0 : 401;
    if (strcmp(cred->value, "good") != 0 && strcmp(cred->value, "other") != 0)
        return 401;
    *principal = cred->value;
    return 0;
}

static const struct rt_auth_scheme schemes[] = {
    {"key", RT_AUTH_API_KEY_HEADER, "X-API-Key", NULL, verify_value},
    {"bearer", RT_AUTH_HTTP_BEARER, NULL, NULL, verify_value},
    {"basic", RT_AUTH_HTTP_BASIC, NULL, "demo", verify_value},
    {"cookie", RT_AUTH_API_KEY_COOKIE, "sid", NULL, verify_value},
    {"query", RT_AUTH_API_KEY_QUERY, "api_key", NULL, verify_value},
};
static const char *const admin[] = {"admin"};
static const struct rt_auth_use use_key[] = {{0, NULL, 0}};
static const struct rt_auth_use use_key_admin[] = {{0, admin, 1}};
static const struct rt_auth_use use_bearer[] = {{1, NULL, 0}};
static const struct rt_auth_use use_basic[] = {{2, NULL, 0}};
static const struct rt_auth_use use_key_and_cookie[] = {{0, NULL, 0}, {3, NULL, 0}};
static const struct rt_auth_use use_query[] = {{4, NULL, 0}};

/* Run the check on a detached GET with the given headers; *status is 0 when it passed. */
static void run(const char *target, const char *const *headers, const struct rt_auth_requirement *alts,
                size_t n_alts, int *status, char *challenge, size_t size, const void **principals)
{
    struct rt_req_capture cap = {0};
    struct rt_req *req = rt_req_new_detached(NULL, RT_METHOD_GET, target, headers, NULL, 0, &cap);
    int rc = rt_valid_auth_req(req, 7, schemes, 5, alts, n_alts, principals);
    static char copies[5][64];
    size_t i;

    /* The principals live in the request's memory, which the reply frees: keep copies for the checks. */
    for (i = 0; rc == 0 && i < 5; i++) {
        if (principals[i] != NULL) {
            snprintf(copies[i], sizeof(copies[i]), "%s", (const char *)principals[i]);
            principals[i] = copies[i];
        }
    }
    if (rc == 0)
        rt_req_reply(req, 200, NULL, NULL, 0);
    *status = rc == 0 ? 0 : cap.status;
    challenge[0] = '\0';
    if (cap.headers != NULL)
        snprintf(challenge, size, "%s", cap.headers);
    if (rc != 0 && cap.body != NULL && strstr(cap.body, "\"detail\"") == NULL)
        *status = -2; /* not the {"detail": ...} shape */
    rt_req_capture_cleanup(&cap);
}

static void test_requirements(void)
{
    const struct rt_auth_requirement key_only[] = {{use_key, 1}};
    const struct rt_auth_requirement key_or_bearer[] = {{use_key, 1}, {use_bearer, 1}};
    const struct rt_auth_requirement both[] = {{use_key_and_cookie, 2}};
    const char *const good_key[] = {"X-API-Key", "good", NULL};
    const char *const bad_key[] = {"X-API-Key", "bad", NULL};
    const char *const good_bearer[] = {"Authorization", "Bearer other", NULL};
    const char *const bad_bearer[] = {"Authorization", "Bearer bad", NULL};
    const char *const malformed_bearer[] = {"Authorization", "Bearer a b", NULL};
    const char *const key_cookie[] = {"X-API-Key", "good", "Cookie", "a=1; sid=other", NULL};
    char ch[512];
    const void *pr[5];
    int st;

    run("/x", NULL, key_only, 1, &st, ch, sizeof(ch), pr);
    CHECK(st == 401);
    CHECK(strstr(ch, "WWW-Authenticate: APIKey header=\"X-API-Key\"") != NULL);
    run("/x", bad_key, key_only, 1, &st, ch, sizeof(ch), pr);
    CHECK(st == 401);
    run("/x", good_key, key_only, 1, &st, ch, sizeof(ch), pr);
    CHECK(st == 0 && pr[0] != NULL && strcmp(pr[0], "good") == 0 && pr[1] == NULL);

    /* alternatives: either one */
    run("/x", good_bearer, key_or_bearer, 2, &st, ch, sizeof(ch), pr);
    CHECK(st == 0 && pr[0] == NULL && strcmp(pr[1], "other") == 0);
    run("/x", bad_bearer, key_or_bearer, 2, &st, ch, sizeof(ch), pr);
    CHECK(st == 401 && strstr(ch, "Bearer error=\"invalid_token\"") != NULL);
    run("/x", malformed_bearer, key_or_bearer, 2, &st, ch, sizeof(ch), pr);
    CHECK(st == 401);

    /* combinations: both */
    run("/x", good_key, both, 1, &st, ch, sizeof(ch), pr);
    CHECK(st == 401);
    run("/x", key_cookie, both, 1, &st, ch, sizeof(ch), pr);
    CHECK(st == 0 && strcmp(pr[0], "good") == 0 && strcmp(pr[3], "other") == 0);
}

static void test_requirements_anonymous_and_kinds(void)
{
    const struct rt_auth_requirement anon_or_bearer[] = {{NULL, 0}, {use_bearer, 1}};
    const struct rt_auth_requirement admin_only[] = {{use_key_admin, 1}};
    const struct rt_auth_requirement basic_only[] = {{use_basic, 1}};
    const struct rt_auth_requirement query_only[] = {{use_query, 1}};
    const char *const basic_ok[] = {"Authorization", "Basic YW5uOnB3", NULL};  /* ann:pw */
    const char *const basic_bad[] = {"Authorization", "Basic YW5uOng=", NULL}; /* ann:x */
    const char *const basic_junk[] = {"Authorization", "Basic ****", NULL};
    const char *const forbidden_key[] = {"X-API-Key", "other", NULL};
    const char *const good_key[] = {"X-API-Key", "good", NULL};
    const char *const good_bearer[] = {"Authorization", "Bearer other", NULL};
    const char *const bad_bearer[] = {"Authorization", "Bearer bad", NULL};
    char ch[512];
    const void *pr[5];
    int st;

    /* anonymous: admitted when the verifiers agree; a credential sent is still verified */
    anonymous_verdict = 0;
    run("/x", NULL, anon_or_bearer, 2, &st, ch, sizeof(ch), pr);
    CHECK(st == 0 && pr[1] == NULL);
    run("/x", bad_bearer, anon_or_bearer, 2, &st, ch, sizeof(ch), pr);
    CHECK(st == 401);
    run("/x", good_bearer, anon_or_bearer, 2, &st, ch, sizeof(ch), pr);
    CHECK(st == 0 && pr[1] != NULL);
    anonymous_verdict = 401;
    run("/x", NULL, anon_or_bearer, 2, &st, ch, sizeof(ch), pr);
    CHECK(st == 401 && strstr(ch, "WWW-Authenticate: Bearer") != NULL);

    /* scopes reach the verifier; 403 when authenticated but not allowed */
    run("/x", forbidden_key, admin_only, 1, &st, ch, sizeof(ch), pr);
    CHECK(st == 403);
    run("/x", good_key, admin_only, 1, &st, ch, sizeof(ch), pr);
    CHECK(st == 0);

    /* basic */
    run("/x", basic_ok, basic_only, 1, &st, ch, sizeof(ch), pr);
    CHECK(st == 0 && pr[2] != NULL);
    run("/x", basic_bad, basic_only, 1, &st, ch, sizeof(ch), pr);
    CHECK(st == 401 && strstr(ch, "Basic realm=\"demo\"") != NULL);
    run("/x", basic_junk, basic_only, 1, &st, ch, sizeof(ch), pr);
    CHECK(st == 401);
    run("/x", good_bearer, basic_only, 1, &st, ch, sizeof(ch),
        pr); /* another scheme: missing, not malformed */
    CHECK(st == 401);

    /* query */
    run("/x?api_key=good", NULL, query_only, 1, &st, ch, sizeof(ch), pr);
    CHECK(st == 0 && strcmp(pr[4], "good") == 0);
    run("/x?api_key=", NULL, query_only, 1, &st, ch, sizeof(ch), pr);
    CHECK(st == 401 && strstr(ch, "APIKey query=\"api_key\"") != NULL);
    run("/x?api_key=%ff", NULL, query_only, 1, &st, ch, sizeof(ch), pr);
    CHECK(st == 401);

    /* no scheme and no requirement: open */
    run("/x", NULL, NULL, 0, &st, ch, sizeof(ch), pr);
    CHECK(st == 401); /* no alternative at all can be satisfied */
}

static const struct test_case cases[] = {
    {"token68", test_token68},
    {"basic", test_basic},
    {"cookie", test_cookie},
    {"challenge", test_challenge},
    {"requirements", test_requirements},
    {"requirements.anonymous_and_kinds", test_requirements_anonymous_and_kinds},
};

int main(int argc, char **argv)
{
    return test_run(cases, TEST_N(cases), argc, argv);
}

/*
 * libFuzzer target: the credential parsers of rt_valid_auth.h and
 * rt_valid_auth_req() on whole requests.
 *
 * Input: one byte choosing where the text goes, then the text.  The text
 * goes straight to the parsers, in buffers of exactly its size: the
 * token68 of an Authorization value (its result lies inside the input and
 * is token68), Basic's base64 (a decoded user-id:password is split at the
 * first ':', has no control character, is valid UTF-8, and encodes back to
 * the same base64: one text per credential), the Cookie header (a value
 * found is inside the header and all cookie-octets).  Then it becomes an
 * Authorization, Cookie or X-API-Key header or the query of a request
 * checked against alternatives over every kind of scheme: the verifiers
 * see only well-formed credentials, the answer is 0, 401 with a challenge
 * per scheme, or 403, and never echoes the credential.
 */
#include "fuzz_common.h"
#include "rt_valid_auth.h"

#include <stdbool.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Encode user ':' password as padded base64 into out (room for 4 * ceil(n / 3) + 1). */
static void encode(const char *user, const char *password, char *out)
{
    size_t n = strlen(user) + 1 + strlen(password), i, o = 0;
    char *plain = malloc(n + 1);

    snprintf(plain, n + 1, "%s:%s", user, password);
    for (i = 0; i < n; i += 3) {
        unsigned v = (unsigned char)plain[i] << 16;
        if (i + 1 < n)
            v |= (unsigned char)plain[i + 1] << 8;
        if (i + 2 < n)
            v |= (unsigned char)plain[i + 2];
        out[o++] = b64[(v >> 18) & 63];
        out[o++] = b64[(v >> 12) & 63];
        out[o++] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? b64[v & 63] : '=';
    }
    out[o] = '\0';
    free(plain);
}

static void check_text(const char *s, const char *what)
{
    for (const char *p = s; *p != '\0'; p++)
        FUZZ_CHECK((unsigned char)*p >= 0x20 && *p != 0x7f, "%s: a control character", what);
    FUZZ_CHECK(rt_url_utf8_length(s, strlen(s)) >= 0, "%s: not UTF-8", what);
}

static void parsers(const char *text, size_t len)
{
    size_t tlen = 0, vlen = 0;
    const char *tok = rt_valid_auth_token68(text, "Bearer", &tlen), *user, *password, *value;
    char *buf = malloc(len + 1), *again;
    int rc;

    if (tok != NULL) {
        FUZZ_CHECK(tok > text && tok + tlen == text + len, "token68 outside the input");
        size_t body = strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~+/");
        FUZZ_CHECK(body > 0 && strspn(tok + body, "=") == tlen - body, "not a token68: %s", tok);
    }
    if (len > 0 && rt_valid_auth_basic_decode(text, len, buf, &user, &password) == 0) {
        FUZZ_CHECK(strchr(user, ':') == NULL, "a ':' in the user-id");
        check_text(user, "user-id");
        check_text(password, "password");
        again = malloc(len + 8);
        encode(user, password, again);
        FUZZ_CHECK(strcmp(again, text) == 0, "base64 %s decodes to a credential that encodes as %s", text,
                   again);
        free(again);
    }
    rc = rt_valid_auth_cookie(text, "sid", &value, &vlen);
    FUZZ_CHECK(rc >= -1 && rc <= 1, "cookie: rc %d", rc);
    if (rc == 1) {
        FUZZ_CHECK(value >= text && value + vlen <= text + len, "cookie value outside the header");
        for (size_t i = 0; i < vlen; i++)
            FUZZ_CHECK(value[i] > 0x20 && value[i] < 0x7f && !strchr("\";,\\", value[i]),
                       "cookie: bad octet");
    }
    free(buf);
}

/* Every verifier: the credential it sees is well-formed; "let-me-in" passes, "no-way" is 403. */
static int verify(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                  const char *const *scopes, size_t n_scopes, const void **principal)
{
    (void)req, (void)op, (void)scopes, (void)n_scopes, (void)principal;
    if (cred == NULL)
        return op == 1 ? 0 : 401;
    FUZZ_CHECK(cred->value != NULL && (cred->value[0] != '\0' || cred->password != NULL),
               "an empty credential");
    if (cred->password != NULL) {
        check_text(cred->value, "user-id");
        check_text(cred->password, "password");
    }
    if (strcmp(cred->value, "let-me-in") == 0)
        return 0;
    return strcmp(cred->value, "no-way") == 0 ? 403 : 401;
}

static const struct rt_auth_scheme schemes[] = {
    {"h", RT_AUTH_API_KEY_HEADER, "X-API-Key", NULL, verify},
    {"q", RT_AUTH_API_KEY_QUERY, "key", NULL, verify},
    {"c", RT_AUTH_API_KEY_COOKIE, "sid", NULL, verify},
    {"b", RT_AUTH_HTTP_BEARER, NULL, NULL, verify},
    {"u", RT_AUTH_HTTP_BASIC, NULL, "r", verify},
};
static const struct rt_auth_use uses_hq[] = {{0, NULL, 0}, {1, NULL, 0}};
static const struct rt_auth_use uses_c[] = {{2, NULL, 0}};
static const struct rt_auth_use uses_b[] = {{3, NULL, 0}};
static const struct rt_auth_use uses_u[] = {{4, NULL, 0}};
static const struct rt_auth_requirement alts[] = {
    {NULL, 0}, {uses_hq, 2}, {uses_c, 1}, {uses_b, 1}, {uses_u, 1}};

static void request(const char *text, size_t len, uint8_t where)
{
    static const char *const names[] = {"Authorization", "Cookie", "X-API-Key"};
    const char *headers[] = {names[where % 3], text, "X-API-Key", "let-me-in", NULL};
    char *target;
    struct rt_req_capture cap = {0};
    struct rt_req *req;
    const void *principals[5];
    int rc;

    for (size_t i = 0; i < len; i++) /* what the HTTP parser lets through: no CR, LF or NUL in a field */
        if (text[i] == '\r' || text[i] == '\n')
            return;
    target = malloc(len + 8);
    snprintf(target, len + 8, "/x?%s", where & 4 ? text : "");
    if (where & 8)
        headers[2] = NULL;
    req = rt_req_new_detached(NULL, RT_METHOD_GET, target, headers, NULL, 0, &cap);
    free(target);
    if (req == NULL)
        return;
    rc = rt_valid_auth_req(req, (where >> 4) & 1, schemes, 5, (where & 32) ? alts : alts + 1,
                           (where & 32) ? 5 : 4, principals);
    if (rc == 0)
        rt_req_reply(req, 204, NULL, NULL, 0);
    FUZZ_CHECK(rc == 0 || cap.status == 401 || cap.status == 403, "answered %d", cap.status);
    if (cap.status == 401)
        FUZZ_CHECK(cap.headers != NULL && strstr(cap.headers, "WWW-Authenticate: Basic realm=\"r\"") != NULL,
                   "401 without its challenges");
    if (rc != 0) /* one of three fixed bodies: nothing of the request is echoed */
        FUZZ_CHECK(cap.body != NULL &&
                       (strcmp(cap.body, "{\"detail\":\"Not authenticated\"}") == 0 ||
                        strcmp(cap.body, "{\"detail\":\"Invalid authentication credentials\"}") == 0 ||
                        strcmp(cap.body, "{\"detail\":\"Not enough permissions\"}") == 0),
                   "unexpected body %s", cap.body ? cap.body : "(none)");
    rt_req_capture_cleanup(&cap);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text;

    if (size < 1)
        return 0;
    text = malloc(size);
    memcpy(text, data + 1, size - 1);
    text[size - 1] = '\0';
    if (strlen(text) == size - 1) { /* a header value or query holds no NUL */
        parsers(text, size - 1);
        request(text, size - 1, data[0]);
    }
    free(text);
    return 0;
}

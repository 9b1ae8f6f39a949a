/*
 * Who may do what: the verifiers of the spec's security schemes.
 *
 *   api_key, api_key_query  PETSTORE_API_KEY, in X-API-Key or ?api_key=
 *   bearer                  PETSTORE_TOKEN, in Authorization: Bearer
 *   basic                   PETSTORE_ADMIN (user:password), the administrator; or
 *                           a user's own name and password (POST /users), who is
 *                           authenticated but not an administrator: 403 where the
 *                           requirement asks for the role admin
 *   session                 the SESSION cookie POST /users/login hands out
 *   oauth2                  the same session, as a bearer token (the password
 *                           flow's tokenUrl is POST /users/login); the scope
 *                           admin is the administrator's session only (403)
 *
 * A secret that is not configured lets nobody in (401), as the start-up log
 * says.  Secrets are compared through their SHA-256 digests with
 * CRYPTO_memcmp(), so the time taken says nothing about how much matched,
 * and never reach a log line or an answer.
 */
#include "auth.h"

#include "api.h"
#include "rt_log.h"
#include "rt_mem.h"
#include "rt_req.h"
#include "store.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MIN_SECRET_LEN 16 /* characters: a short secret is guessable */

static char api_key[256];    /* PETSTORE_API_KEY */
static char token[256];      /* PETSTORE_TOKEN */
static char admin[256];      /* PETSTORE_ADMIN: user:password */
static char admin_user[256]; /* its user-id */

/* The digests of the configured secrets, set by check_secrets() before the workers start, read-only after. */
static unsigned char key_digest[SHA256_DIGEST_LENGTH];
static unsigned char token_digest[SHA256_DIGEST_LENGTH];
static unsigned char admin_digest[SHA256_DIGEST_LENGTH];

/* --check-config and the log show that a secret is set, never the secret. */
static char *redact(const char *value)
{
    return value[0] == '\0' ? rt_xstrdup("") : NULL;
}

static const struct rt_option options[] = {
    {"petstore-api-key", "PETSTORE_API_KEY", RT_OPTION_STRING, api_key, sizeof(api_key), NULL, "none",
     "the API key (X-API-Key, or ?api_key= where the spec allows), 16+ characters (none: refused)", redact},
    {"petstore-token", "PETSTORE_TOKEN", RT_OPTION_STRING, token, sizeof(token), NULL, "none",
     "the bearer token, 16+ characters (none: refused)", redact},
    {"petstore-admin", "PETSTORE_ADMIN", RT_OPTION_STRING, admin, sizeof(admin), NULL, "none",
     "the administrator's basic credentials, user:password, a password of 16+ characters (none: refused)",
     redact},
};

void auth_digest(const char *secret, unsigned char *out)
{
    SHA256((const unsigned char *)secret, strlen(secret), out);
}

/* Check the lengths and hash every configured secret. */
static int check_secrets(char *err, size_t errlen)
{
    const char *colon = strchr(admin, ':');

    if ((api_key[0] != '\0' && strlen(api_key) < MIN_SECRET_LEN) ||
        (token[0] != '\0' && strlen(token) < MIN_SECRET_LEN)) {
        rt_config_add_err(err, errlen, "petstore-api-key, petstore-token: at least %d characters",
                          MIN_SECRET_LEN);
        return -1;
    }
    if (admin[0] != '\0' && (colon == NULL || colon == admin || strlen(colon + 1) < MIN_SECRET_LEN)) {
        rt_config_add_err(err, errlen, "petstore-admin: user:password, with a password of %d+ characters",
                          MIN_SECRET_LEN);
        return -1;
    }
    auth_digest(api_key, key_digest);
    auth_digest(token, token_digest);
    admin_user[0] = '\0';
    if (colon != NULL) {
        memcpy(admin_user, admin, (size_t)(colon - admin));
        admin_user[colon - admin] = '\0';
        auth_digest(colon + 1, admin_digest);
    }
    return 0;
}

static const struct rt_option_group option_group = {"access", options, sizeof(options) / sizeof(options[0]),
                                                    check_secrets};

/* Say at start-up which schemes let nobody in (never with a secret). */
static int start(struct rt_db *db)
{
    (void)db;
    if (api_key[0] == '\0')
        rt_log_warning(
            "PETSTORE_API_KEY is not set: the api_key and api_key_query schemes refuse every call");
    if (token[0] == '\0')
        rt_log_warning("PETSTORE_TOKEN is not set: the bearer scheme refuses every call");
    if (admin[0] == '\0')
        rt_log_warning("PETSTORE_ADMIN is not set: basic credentials are only users' own (no administrator)");
    return 0;
}

const struct rt_module auth_module = {
    .name = "auth",
    .options = &option_group,
    .start = start,
};

/* Does @secret match the configured one (its digest @digest; @set: whether one is configured)? */
static bool matches(const char *secret, const unsigned char *digest, bool set)
{
    unsigned char d[SHA256_DIGEST_LENGTH];

    auth_digest(secret, d);
    return (CRYPTO_memcmp(d, digest, sizeof(d)) == 0) & set;
}

bool auth_admin_login(const char *user, const char *password, bool *admin_name)
{
    *admin_name = admin_user[0] != '\0' && strcmp(user, admin_user) == 0;
    return *admin_name && matches(password, admin_digest, true);
}

int handle_security_api_key(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                            const char *const *scopes, size_t n_scopes, const void **principal)
{
    (void)req, (void)op, (void)scopes, (void)n_scopes, (void)principal;
    return cred != NULL && matches(cred->value, key_digest, api_key[0] != '\0') ? 0 : 401;
}

int handle_security_api_key_query(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                                  const char *const *scopes, size_t n_scopes, const void **principal)
{
    return handle_security_api_key(req, op, cred, scopes, n_scopes, principal);
}

int handle_security_bearer(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                           const char *const *scopes, size_t n_scopes, const void **principal)
{
    (void)req, (void)op, (void)scopes, (void)n_scopes, (void)principal;
    return cred != NULL && matches(cred->value, token_digest, token[0] != '\0') ? 0 : 401;
}

/* Whether the requirement lists the role @role. */
static bool wants(const char *const *scopes, size_t n_scopes, const char *role)
{
    for (size_t i = 0; i < n_scopes; i++)
        if (strcmp(scopes[i], role) == 0)
            return true;
    return false;
}

/* The administrator (principal "admin"), or a user with their own password (principal: the name), who is
 * not an administrator: 403 where the role admin is asked for. */
int handle_security_basic(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                          const char *const *scopes, size_t n_scopes, const void **principal)
{
    unsigned char d[SHA256_DIGEST_LENGTH];

    (void)op;
    if (cred == NULL)
        return 401;
    if (admin_user[0] != '\0' && strcmp(cred->value, admin_user) == 0) {
        if (!matches(cred->password, admin_digest, true))
            return 401;
        *principal = "admin";
        return 0;
    }
    auth_digest(cred->password, d);
    if (!store_secret_matches(STORE_USERS, cred->value, d))
        return 401;
    *principal = rt_req_strndup(req, cred->value, strlen(cred->value));
    return wants(scopes, n_scopes, "admin") ? 403 : 0;
}

/* A session POST /users/login handed out ("<expiry> <username>"), not expired: its user's name is the
 * principal.  An expired one is removed. */
int handle_security_session(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                            const char *const *scopes, size_t n_scopes, const void **principal)
{
    struct store_rec rec;
    char *user;
    long long expiry;

    (void)op, (void)scopes, (void)n_scopes;
    if (cred == NULL || store_get(req, STORE_SESSIONS, 0, cred->value, &rec) != 0)
        return 401;
    expiry = strtoll(rec.doc, &user, 10);
    if (expiry <= (long long)time(NULL) || *user != ' ') {
        store_remove_key(STORE_SESSIONS, cred->value);
        return 401;
    }
    *principal = user + 1;
    return 0;
}

/* oauth2: the session as a bearer token (FastAPI's OAuth2PasswordBearer); its scopes are SecurityScopes':
 * only the administrator's session has admin, another user's is authenticated but refused 403. */
int handle_security_oauth2(struct rt_req *req, int op, const struct rt_auth_credential *cred,
                           const char *const *scopes, size_t n_scopes, const void **principal)
{
    int rc = handle_security_session(req, op, cred, NULL, 0, principal);

    if (rc != 0)
        return rc;
    for (size_t i = 0; i < n_scopes; i++)
        if (strcmp(scopes[i], "admin") != 0 || admin_user[0] == '\0' || strcmp(*principal, admin_user) != 0)
            return 403;
    return 0;
}
